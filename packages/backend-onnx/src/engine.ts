/**
 * @file The lazy engine: eager `run` calls append to a pending graph whose data ids are handles; a
 * read (or the size threshold) lowers the live part of that graph to ONNX, compiles it once per
 * structure (LRU cache) and runs it; results stay ORT tensors. Calls ONNX cannot express run on the
 * host with core's reference implementations (or throw, when host fallback is off).
 */
import {
  REFERENCE_IMPLS, UnsupportedOpError, InvalidArgumentError, itemsize, roundBFloat16, roundFloat16, fmt,
  type AbstractValue, type BackendPrim, type BackendPrimParams, type DType, type OutputSpec, type RefImpl, type TypedArray,
} from '@kx/core'
import { ORT_TYPE, fromOrtData, toOrtData } from './onnx/dtypes.js'
import { encodeModel } from './onnx/proto.js'
import { loweringError, lowerProgram, type Program, type ProgramEquation } from './lower/graph.js'
import { Session, ortTensor, type OnnxSessionOptions, type OrtValue } from './runtime/session.js'

/** A pending primitive call. */
interface PendingNode {
  readonly prim: BackendPrim
  readonly params: unknown
  readonly inputs: readonly Handle[]
  readonly outputs: readonly Handle[]
}

/** A data id of the ONNX backend: a materialized ORT tensor, or a pending node's output. */
export class Handle {
  value: OrtValue | undefined
  node: PendingNode | undefined
  index = 0
  disposed = false
  /** Pending nodes that read this handle. */
  uses = 0
  /** The one value an uploaded tensor repeats (zeros, ones), if it does. */
  splat: number | undefined
  error: unknown
  constructor(readonly shape: readonly number[], readonly dtype: DType) {}
  get bytes(): number { return this.shape.reduce((a, d) => a * d, 1) * itemsize(this.dtype) }
}

/** Engine settings (see `OnnxBackendOptions`). */
export interface EngineOptions {
  readonly sessionOptions: OnnxSessionOptions
  readonly maxPendingOps: number
  readonly sessionCacheSize: number
  readonly hostFallback: boolean
  readonly opset: number
  readonly exactNaN: boolean
  readonly name: string
}

/** Stable text of primitive parameters (keys sorted). */
export function paramsKey(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(paramsKey).join(',')}]`
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${k}:${paramsKey((v as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return typeof v === 'number' && Object.is(v, -0) ? '-0' : String(v)
}

function isSplat(v: TypedArray): boolean {
  const a = v[0] as number
  for (let i = 1; i < v.length; i++) if (!Object.is(v[i], a)) return false
  return true
}

const avalKey = (a: AbstractValue): string => `${a.dtype}[${a.shape.join(',')}]`

function roundHalves(values: TypedArray, dtype: DType): TypedArray {
  if (dtype === 'float16') for (let i = 0; i < values.length; i++) values[i] = roundFloat16(values[i] as number)
  else if (dtype === 'bfloat16') for (let i = 0; i < values.length; i++) values[i] = roundBFloat16(values[i] as number)
  return values
}

/** A compiled pending-graph structure: its program, the session fed every input, and a specialisation. */
interface CacheEntry {
  readonly program: Program
  readonly fed: Session
  last?: readonly Handle[]
  baked?: { readonly session: Session; readonly positions: readonly number[]; readonly handles: readonly Handle[] }
}

function disposeEntry(e: CacheEntry): void {
  e.fed.dispose()
  e.baked?.session.dispose()
}

/** Statistics of the lazy engine (sessions compiled, cache hits, flushes, host fallbacks). */
export interface EngineStats {
  flushes: number
  sessionsCompiled: number
  /** Sessions with repeated inputs (weights) baked in as initializers. */
  sessionsBaked: number
  cacheHits: number
  hostFallbacks: number
}

export class OnnxEngine {
  private pending: PendingNode[] = []
  private readonly sessions = new Map<string, CacheEntry>()
  private readonly lowerable = new Map<string, UnsupportedOpError | null>()
  numTensors = 0
  numBytes = 0
  readonly stats: EngineStats = { flushes: 0, sessionsCompiled: 0, sessionsBaked: 0, cacheHits: 0, hostFallbacks: 0 }

  constructor(readonly options: EngineOptions) {}

  /** A new materialized handle owning `value`. */
  materialized(value: OrtValue, shape: readonly number[], dtype: DType): Handle {
    const h = new Handle(shape, dtype)
    h.value = value
    this.track(h)
    return h
  }

  private track(h: Handle): void { this.numTensors++; this.numBytes += h.bytes }

  upload(values: TypedArray, shape: readonly number[], dtype: DType): Handle {
    const copy = roundHalves((values as Float64Array).slice() as TypedArray, dtype)
    const h = this.materialized(ortTensor(ORT_TYPE[dtype], toOrtData(copy, dtype), shape), shape, dtype)
    if (copy.length > 1 && isSplat(copy)) h.splat = copy[0] as number
    return h
  }

  dispose(h: Handle): void {
    if (h.disposed) return
    h.disposed = true
    this.numTensors--
    this.numBytes -= h.bytes
    // NOTE: the value is kept while pending nodes still read it (dropped when they have run).
    if (!h.node && h.uses === 0) h.value = undefined
  }

  /** Why a call does not lower to ONNX (null when it does); cached per primitive, parameters and input specs. */
  whyNotLowered(prim: BackendPrim, inputs: readonly AbstractValue[], params: unknown, outputs: readonly AbstractValue[]): UnsupportedOpError | null {
    const key = `${prim}|${paramsKey(params)}|${inputs.map(avalKey).join(';')}`
    let why = this.lowerable.get(key)
    if (why === undefined) {
      why = loweringError(prim, inputs, params, outputs, this.options.opset) ?? null
      this.lowerable.set(key, why)
    }
    return why
  }

  run<P extends BackendPrim>(prim: P, inputs: readonly Handle[], params: BackendPrimParams[P], outputs: readonly OutputSpec[]): Handle[] {
    for (const h of inputs) if (h.disposed && !h.node && !h.value) throw new InvalidArgumentError(`ONNX backend: primitive \`${prim}\` got a disposed input.`)
    const why = this.whyNotLowered(prim, inputs, params, outputs)
    if (why) {
      if (!this.options.hostFallback) throw new UnsupportedOpError(why.message)
      return this.runOnHost(prim, inputs, params, outputs)
    }
    const outs = outputs.map((s) => new Handle(s.shape, s.dtype))
    const node: PendingNode = { prim, params, inputs, outputs: outs }
    for (const h of inputs) h.uses++
    outs.forEach((h, i) => { h.node = node; h.index = i; this.track(h) })
    this.pending.push(node)
    if (this.pending.length >= this.options.maxPendingOps) this.flush()
    return outs
  }

  /** Runs one primitive on the host with the reference implementation and uploads its outputs. */
  private runOnHost<P extends BackendPrim>(prim: P, inputs: readonly Handle[], params: BackendPrimParams[P], outputs: readonly OutputSpec[]): Handle[] {
    this.stats.hostFallbacks++
    const refs = inputs.map((h) => ({ values: this.readHost(h), shape: h.shape, dtype: h.dtype }))
    const impl = REFERENCE_IMPLS[prim] as RefImpl<P>
    const results = impl(refs, params, outputs)
    return results.map((v, i) => this.upload(v, outputs[i]!.shape, outputs[i]!.dtype))
  }

  /** The ORT value of a handle, running the pending graph first if needed. */
  valueOf(h: Handle): OrtValue {
    if (h.node) this.flush()
    if (h.error) throw h.error
    if (!h.value) throw new InvalidArgumentError(`ONNX backend: the tensor was disposed. Received: shape=${fmt(h.shape)}, dtype=${h.dtype}`)
    return h.value
  }

  /** Host values (a fresh array in kx host storage). */
  readHost(h: Handle): TypedArray {
    return fromOrtData(this.valueOf(h).data as ArrayLike<number>, h.dtype)
  }

  /** Number of calls waiting in the pending graph. */
  get pendingOps(): number { return this.pending.length }

  /** Compiles (or reuses) and runs the live part of the pending graph. */
  flush(): void {
    if (this.pending.length === 0) return
    const nodes = this.pending
    this.pending = []
    const needed = new Set<PendingNode>()
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i]!
      if (needed.has(n) || n.outputs.some((h) => !h.disposed)) {
        needed.add(n)
        for (const inp of n.inputs) if (inp.node) needed.add(inp.node)
      }
    }
    const ordered = nodes.filter((n) => needed.has(n))
    const release = (): void => {
      for (const n of nodes) for (const h of n.inputs) { h.uses--; if (h.disposed && h.uses === 0 && !h.node) h.value = undefined }
      for (const n of nodes) for (const h of n.outputs) { h.node = undefined; if (h.disposed && h.uses === 0) h.value = undefined }
    }
    if (ordered.length === 0) { release(); return }
    this.stats.flushes++
    const ids = new Map<Handle, number>()
    const inputs: Handle[] = []
    const splats: Handle[] = []
    const equations: ProgramEquation[] = []
    const keyParts: string[] = []
    const idOf = (h: Handle): number => {
      let id = ids.get(h)
      if (id === undefined) {
        id = ids.size
        ids.set(h, id)
        // NOTE: uploads holding one repeated value (zeros, ones) become constants of the graph: the
        // key carries the value, and lowering sees a splat (e.g. max(x, 0) → Relu).
        if (h.splat !== undefined) { splats.push(h); keyParts.push(`s${avalKey(h)}=${h.splat}`) }
        else { inputs.push(h); keyParts.push(`i${avalKey(h)}`) }
      }
      return id
    }
    for (const n of ordered) {
      const ins = n.inputs.map(idOf)
      const outs = n.outputs.map((h) => { const id = ids.size; ids.set(h, id); return { id, aval: { shape: h.shape, dtype: h.dtype } } })
      equations.push({ prim: n.prim, params: n.params, inputs: ins, outputs: outs })
      keyParts.push(`${n.prim}${paramsKey(n.params)}(${ins.join(',')})${outs.map((o) => avalKey(o.aval)).join(',')}`)
    }
    const live = ordered.flatMap((n) => n.outputs.filter((h) => !h.disposed))
    keyParts.push(`out(${live.map((h) => ids.get(h)).join(',')})`)
    const program = (): Program => ({
      inputs: inputs.map((h) => ({ id: ids.get(h)!, aval: { shape: h.shape, dtype: h.dtype } })),
      constants: splats.map((h) => ({ id: ids.get(h)!, aval: { shape: h.shape, dtype: h.dtype }, values: this.readHost(h) })),
      equations,
      outputs: live.map((h) => ({ id: ids.get(h)! })),
    })
    try {
      const entry = this.entryFor(keyParts.join(';'), program)
      const { session, feeds } = this.specialise(entry, inputs)
      const results = session.run(feeds.map((h) => this.valueOf(h)))
      live.forEach((h, i) => { h.value = results[i] })
    } catch (e) {
      for (const h of live) h.error = e
      release()
      throw e
    }
    release()
  }

  private entryFor(key: string, makeProgram: () => Program): CacheEntry {
    const hit = this.sessions.get(key)
    if (hit) {
      this.stats.cacheHits++
      this.sessions.delete(key)
      this.sessions.set(key, hit)
      return hit
    }
    const program = makeProgram()
    const { model } = lowerProgram(program, { opset: this.options.opset, exactNaN: this.options.exactNaN })
    const entry: CacheEntry = { program, fed: new Session(encodeModel(model), this.options.sessionOptions) }
    this.stats.sessionsCompiled++
    this.sessions.set(key, entry)
    if (this.sessions.size > this.options.sessionCacheSize) {
      const oldest = this.sessions.keys().next().value!
      disposeEntry(this.sessions.get(oldest)!)
      this.sessions.delete(oldest)
    }
    return entry
  }

  /**
   * The session to run and its feeds. Inputs passed as the very same handles on two consecutive runs
   * of a graph (weights in an inference loop) are baked into a second session as initializers, which
   * ORT folds and fuses; it is used for as long as those handles keep coming.
   */
  private specialise(entry: CacheEntry, inputs: readonly Handle[]): { session: Session; feeds: readonly Handle[] } {
    const last = entry.last
    entry.last = inputs
    const b = entry.baked
    if (b && b.positions.every((i) => inputs[i] === b.handles[i])) {
      return { session: b.session, feeds: inputs.filter((_, i) => !b.positions.includes(i)) }
    }
    const stable = last ? inputs.flatMap((h, i) => (h === last[i] ? [i] : [])) : []
    if (stable.length === 0) return { session: entry.fed, feeds: inputs }
    b?.session.dispose()
    const keep = new Set(stable)
    const program: Program = {
      ...entry.program,
      inputs: entry.program.inputs.filter((_, i) => !keep.has(i)),
      constants: [...entry.program.constants, ...stable.map((i) => ({ ...entry.program.inputs[i]!, values: this.readHost(inputs[i]!) }))],
    }
    const { model } = lowerProgram(program, { opset: this.options.opset, exactNaN: this.options.exactNaN })
    const session = new Session(encodeModel(model), this.options.sessionOptions)
    this.stats.sessionsBaked++
    entry.baked = { session, positions: stable, handles: inputs.slice() }
    return { session, feeds: inputs.filter((_, i) => !keep.has(i)) }
  }

  /** A new handle sharing `h`'s value (materializes it first). */
  alias(h: Handle): Handle {
    return this.materialized(this.valueOf(h), h.shape, h.dtype)
  }

  close(): void {
    for (const e of this.sessions.values()) disposeEntry(e)
    this.sessions.clear()
    this.pending = []
  }
}
