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

function register(t: Tensor): void {
  if (!finalizer || t._finalizable || t._disposed) return
  finalizer.register(t, { backend: t._backend!, dataId: t._dataId, dtype: t.dtype, bytes: t.size * itemsize(t.dtype) }, t)
  t._finalizable = true
}

// NOTE: finalizer callbacks only run between tasks, so registering a tensor made outside any scope
// can wait until the current job yields (or 256 are pending): the many that are disposed by then
// (one op's result fed to the next) never pay for register + unregister.
const pending: Tensor[] = []
const PENDING_MAX = 256
function registerSoon(t: Tensor): void {
  if (!finalizer) return
  if (pending.length === 0) queueMicrotask(flushPending)
  pending.push(t)
  if (pending.length >= PENDING_MAX) flushPending()
}
function flushPending(): void {
  for (let i = 0; i < pending.length; i++) register(pending[i]!)
  pending.length = 0
}

class Engine {
  private readonly counts = new Map<string, BackendCount>()
  private readonly scopes: Scope[] = []
  private lastBackend: Backend | null = null
  private lastCount: BackendCount | null = null

  /** @internal Called by every new concrete Tensor. */
  track(t: Tensor): void {
    const b = t._backend!
    const c = this.countFor(b)
    c.numTensors++
    c.numBytes += t.size * itemsize(t.dtype)
    const scope = this.scopes[this.scopes.length - 1]
    // NOTE: a scope holds its tensors strongly, so the finalizer could not fire for them anyway:
    // registration waits until a tensor leaves its last scope (most never do: tidy frees them).
    if (scope) scope.tensors.add(t)
    else registerSoon(t)
  }

  /** @internal Called once when a Tensor is disposed. */
  untrack(t: Tensor): void {
    if (t._finalizable) { finalizer?.unregister(t); t._finalizable = false }
    this.release(t._backend!, t._dataId, t.dtype, t.size * itemsize(t.dtype))
    const scope = this.scopes[this.scopes.length - 1]
    scope?.tensors.delete(t)
  }

  /** @internal */
  release(b: Backend, dataId: unknown, dtype: Tensor['dtype'], bytes: number): void {
    const c = this.countFor(b)
    c.numTensors--
    c.numBytes -= bytes
    b.disposeData(dataId, dtype)
  }

  private countFor(b: Backend): BackendCount {
    if (b === this.lastBackend) return this.lastCount!
    let c = this.counts.get(b.name)
    if (!c) { c = { numTensors: 0, numBytes: 0 }; this.counts.set(b.name, c) }
    this.lastBackend = b
    this.lastCount = c
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
      if (keepSet.has(t) || kept.has(t)) {
        if (outer) outer.tensors.add(t)
        else if (!t._disposed) register(t)
        continue
      }
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
