/** @file Process-wide runtime state: live-tensor accounting, scopes (`tidy`/`keep`) and the finalizer. */
import type { Backend } from './backend.js'
import type { Tensor } from './tensor.js'
import { itemsize } from './dtype.js'

interface BackendCount { numTensors: number; numBytes: number }

/** Memory report: live tensors and bytes, in total and per backend. */
export interface MemoryInfo {
  readonly numTensors: number
  readonly numBytes: number
  readonly backends: Readonly<Record<string, BackendCount>>
}

interface Scope { readonly tensors: Set<Tensor> }

// NOTE: the finalizer frees backend memory of tensors the user dropped without dispose(); it holds
// only the handle, never the Tensor, so it cannot keep a tensor alive.
const finalizer = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<{ backend: Backend; dataId: unknown; dtype: Tensor['dtype']; bytes: number }>((h) => {
    engine.release(h.backend, h.dataId, h.dtype, h.bytes)
  })
  : null

class Engine {
  private readonly counts = new Map<string, BackendCount>()
  private readonly scopes: Scope[] = []

  /** @internal Called by every new concrete Tensor. */
  track(t: Tensor): void {
    const b = t._backend!
    const bytes = t.size * itemsize(t.dtype)
    const c = this.countFor(b.name)
    c.numTensors++
    c.numBytes += bytes
    finalizer?.register(t, { backend: b, dataId: t._dataId, dtype: t.dtype, bytes }, t)
    const scope = this.scopes[this.scopes.length - 1]
    if (scope) scope.tensors.add(t)
  }

  /** @internal Called once when a Tensor is disposed. */
  untrack(t: Tensor): void {
    finalizer?.unregister(t)
    this.release(t._backend!, t._dataId, t.dtype, t.size * itemsize(t.dtype))
    const scope = this.scopes[this.scopes.length - 1]
    scope?.tensors.delete(t)
  }

  /** @internal */
  release(b: Backend, dataId: unknown, dtype: Tensor['dtype'], bytes: number): void {
    const c = this.countFor(b.name)
    c.numTensors--
    c.numBytes -= bytes
    b.disposeData(dataId, dtype)
  }

  private countFor(name: string): BackendCount {
    let c = this.counts.get(name)
    if (!c) { c = { numTensors: 0, numBytes: 0 }; this.counts.set(name, c) }
    return c
  }

  memory(): MemoryInfo {
    let numTensors = 0
    let numBytes = 0
    const backends: Record<string, BackendCount> = {}
    for (const [k, v] of this.counts) { numTensors += v.numTensors; numBytes += v.numBytes; backends[k] = { ...v } }
    return { numTensors, numBytes, backends }
  }

  startScope(): void { this.scopes.push({ tensors: new Set() }) }

  /** Ends the innermost scope, disposing its tensors except `keepSet`; kept ones move to the outer scope. */
  endScope(keepSet: ReadonlySet<Tensor>): void {
    const scope = this.scopes.pop()
    if (!scope) return
    const outer = this.scopes[this.scopes.length - 1]
    for (const t of scope.tensors) {
      if (keepSet.has(t) || kept.has(t)) { outer?.tensors.add(t); continue }
      t.dispose()
    }
  }
}

const kept = new WeakSet<Tensor>()

/** @internal The single engine instance. */
export const engine = new Engine()

/**
 * Marks a tensor so no `tidy` scope disposes it.
 *
 * @example
 * ```ts
 * let w: Tensor
 * tidy(() => { w = keep(ops.ones([3])) })
 * ```
 */
export function keep<T extends Tensor>(t: T): T {
  kept.add(t)
  return t
}

/** Collects every Tensor in a nested structure of arrays / plain objects / Maps. */
export function collectTensors(value: unknown, out: Set<Tensor> = new Set(), isTensor: (v: unknown) => v is Tensor = defaultIsTensor): Set<Tensor> {
  if (isTensor(value)) out.add(value)
  else if (Array.isArray(value)) for (const v of value) collectTensors(v, out, isTensor)
  else if (value instanceof Map) for (const v of value.values()) collectTensors(v, out, isTensor)
  else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, out, isTensor)
  }
  return out
}
function defaultIsTensor(v: unknown): v is Tensor {
  return v !== null && typeof v === 'object' && 'dtype' in v && '_holds' in v
}

/**
 * Runs `fn` and disposes every tensor it created that is not part of its result (or kept).
 * Async functions are not allowed (like TF.js): scopes must close deterministically.
 *
 * @example
 * ```ts
 * const y = tidy(() => ops.relu(ops.matmul(x, w))) // the matmul intermediate is freed
 * ```
 */
export function tidy<T>(fn: () => T): T {
  engine.startScope()
  let result: T
  try {
    result = fn()
  } catch (e) {
    engine.endScope(new Set())
    throw e
  }
  engine.endScope(collectTensors(result))
  return result
}

/** Live tensors and bytes, in total and per backend. */
export function memory(): MemoryInfo { return engine.memory() }
