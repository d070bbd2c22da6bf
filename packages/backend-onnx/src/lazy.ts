/**
 * @file The runtime-independent lazy graph engine: eager `run` calls append to a pending graph whose
 * data ids are handles; a read (or the size threshold) turns the live part of that graph into a
 * `Program`, compiles it once per structure with a `GraphRuntime` (LRU cache) and runs it. Calls the
 * runtime cannot take run on the host with core's reference implementations (or throw, when host
 * fallback is off). Shared by the ONNX Runtime and OpenVINO backends, with the `jit` helpers both use.
 */
import {
  REFERENCE_IMPLS, Tensor, UnsupportedOpError, InvalidArgumentError, evaluateGraph, itemsize, roundBFloat16, roundFloat16, fmt,
  type AbstractValue, type Backend, type BackendPrim, type BackendPrimParams, type BackendTensor, type CompiledGraph,
  type DType, type Graph, type OutputSpec, type RefImpl, type TypedArray,
} from '@kx/core'
import { loweringError, type Program, type ProgramEquation } from './lower/graph.js'

/** Stable text of primitive parameters (keys sorted). */
export function paramsKey(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(paramsKey).join(',')}]`
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${k}:${paramsKey((v as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return typeof v === 'number' && Object.is(v, -0) ? '-0' : String(v)
}

/** Text of an abstract value (`float32[2,3]`). */
export const avalKey = (a: AbstractValue): string => `${a.dtype}[${a.shape.join(',')}]`

function isSplat(v: TypedArray): boolean {
  const a = v[0] as number
  for (let i = 1; i < v.length; i++) if (!Object.is(v[i], a)) return false
  return true
}

/** A compiled program of a runtime: run with one value per program input, in order. */
export interface GraphExecutable<V> {
  /** Runs with `feeds` (values of the program inputs, whose shapes and dtypes are `avals`). */
  run(feeds: readonly V[], avals: readonly AbstractValue[]): V[]
  dispose(): void
}

/** What the lazy engine needs of a runtime whose values are `V`. */
export interface GraphRuntime<V> {
  /** The backend's name in error messages (`ONNX`, `OpenVINO`). */
  readonly label: string
  /** A runtime value owning `values` (a fresh kx host array, halves already rounded). */
  upload(values: TypedArray, shape: readonly number[], dtype: DType): V
  /** A fresh kx host array of a value. */
  read(value: V, dtype: DType): TypedArray
  /** The kx host values of a value, possibly shared with it (not to be mutated). */
  view(value: V, dtype: DType): TypedArray
  /** Compiles a program whose outputs are `outputs`; throws `UnsupportedOpError` when it cannot. */
  compile(program: Program, outputs: readonly AbstractValue[]): GraphExecutable<V>
  /** Calls always run on the host (checked before lowering). */
  runsOnHost?(prim: BackendPrim, inputs: readonly AbstractValue[], outputs: readonly AbstractValue[]): boolean
  /** Why the runtime refuses a primitive before lowering is tried (undefined when it does not). */
  refuses?(prim: BackendPrim, inputs: readonly AbstractValue[]): UnsupportedOpError | undefined
  /** The error for a call with no lowering (default: the lowering's error). */
  noLowering?(prim: BackendPrim, error: UnsupportedOpError): UnsupportedOpError
  /** Called with the live nodes of a pending graph before it becomes a program (may set splats). */
  prepare?(nodes: readonly PendingNode<V>[]): void
}

/** A pending primitive call. */
export interface PendingNode<V> {
  readonly prim: BackendPrim
  readonly params: unknown
  readonly inputs: readonly LazyHandle<V>[]
  readonly outputs: readonly LazyHandle<V>[]
}

/** A data id of a lazy backend: a materialized runtime value, or a pending node's output. */
export class LazyHandle<V> {
  value: V | undefined
  node: PendingNode<V> | undefined
  disposed = false
  /** Pending nodes that read this handle. */
  uses = 0
  /** The one value an uploaded tensor repeats (zeros, ones), if it does. */
  splat: number | undefined
  error: unknown
  private size = -1
  constructor(readonly shape: readonly number[], readonly dtype: DType) {}
  get bytes(): number {
    if (this.size < 0) this.size = this.shape.reduce((a, d) => a * d, 1) * itemsize(this.dtype)
    return this.size
  }
}

/** Settings of the lazy engine. */
export interface LazyEngineOptions {
  readonly maxPendingOps: number
  readonly cacheSize: number
  readonly hostFallback: boolean
  readonly opset: number
  readonly exactNaN: boolean
}

/** Counters of the lazy engine. */
export interface LazyEngineCounters {
  flushes: number
  /** Executables compiled for pending graphs. */
  compiled: number
  /** Executables with repeated inputs baked in as constants. */
  baked: number
  cacheHits: number
  hostFallbacks: number
}

/** A compiled pending-graph structure: its program, the executable fed every input, and a specialisation. */
interface CacheEntry<V> {
  readonly program: Program
  readonly outputs: readonly AbstractValue[]
  readonly fed: GraphExecutable<V>
  last?: readonly LazyHandle<V>[]
  baked?: { readonly exe: GraphExecutable<V>; readonly positions: readonly number[]; readonly handles: readonly LazyHandle<V>[] }
}

function disposeEntry<V>(e: CacheEntry<V>): void {
  e.fed.dispose()
  e.baked?.exe.dispose()
}

function roundHalves(values: TypedArray, dtype: DType): TypedArray {
  if (dtype === 'float16') for (let i = 0; i < values.length; i++) values[i] = roundFloat16(values[i] as number)
  else if (dtype === 'bfloat16') for (let i = 0; i < values.length; i++) values[i] = roundBFloat16(values[i] as number)
  return values
}

/**
 * The lazy engine over a runtime. With `bakeRepeated`, inputs passed as the very same handles on two
 * consecutive runs of a cached graph (weights in an inference loop) are baked into a second
 * executable as constants, used for as long as those handles keep coming.
 */
export class LazyGraphEngine<V, O extends LazyEngineOptions = LazyEngineOptions> {
  private pending: PendingNode<V>[] = []
  private readonly cache = new Map<string, CacheEntry<V>>()
  private readonly lowerable = new Map<string, UnsupportedOpError | null>()
  numTensors = 0
  numBytes = 0
  readonly counters: LazyEngineCounters = { flushes: 0, compiled: 0, baked: 0, cacheHits: 0, hostFallbacks: 0 }

  constructor(readonly runtime: GraphRuntime<V>, readonly options: O, readonly bakeRepeated = false) {}

  /** A new materialized handle owning `value`. */
  materialized(value: V, shape: readonly number[], dtype: DType): LazyHandle<V> {
    const h = new LazyHandle<V>(shape, dtype)
    h.value = value
    this.track(h)
    return h
  }

  private track(h: LazyHandle<V>): void { this.numTensors++; this.numBytes += h.bytes }

  upload(values: TypedArray, shape: readonly number[], dtype: DType): LazyHandle<V> {
    const copy = roundHalves((values as Float64Array).slice() as TypedArray, dtype)
    const h = this.materialized(this.runtime.upload(copy, shape, dtype), shape, dtype)
    if (copy.length > 1 && isSplat(copy)) h.splat = copy[0] as number
    return h
  }

  dispose(h: LazyHandle<V>): void {
    if (h.disposed) return
    h.disposed = true
    this.numTensors--
    this.numBytes -= h.bytes
    // NOTE: the value is kept while pending nodes still read it (dropped when they have run).
    if (!h.node && h.uses === 0) h.value = undefined
  }

  /** Why a call cannot run in a graph of the runtime (null when it can); cached per primitive, parameters and input specs. */
  whyNot(prim: BackendPrim, inputs: readonly AbstractValue[], params: unknown, outputs: readonly AbstractValue[]): UnsupportedOpError | null {
    const refused = this.runtime.refuses?.(prim, inputs)
    if (refused) return refused
    const key = `${prim}|${paramsKey(params)}|${inputs.map(avalKey).join(';')}`
    let why = this.lowerable.get(key)
    if (why === undefined) {
      const e = loweringError(prim, inputs, params, outputs, this.options.opset)
      why = e ? (this.runtime.noLowering?.(prim, e) ?? e) : null
      this.lowerable.set(key, why)
    }
    return why
  }

  run<P extends BackendPrim>(prim: P, inputs: readonly LazyHandle<V>[], params: BackendPrimParams[P], outputs: readonly OutputSpec[]): LazyHandle<V>[] {
    for (const h of inputs) if (h.disposed && !h.node && h.value === undefined) throw new InvalidArgumentError(`${this.runtime.label} backend: primitive \`${prim}\` got a disposed input.`)
    if (this.runtime.runsOnHost?.(prim, inputs, outputs)) return this.runOnHost(prim, inputs, params, outputs)
    const why = this.whyNot(prim, inputs, params, outputs)
    if (why) {
      if (!this.options.hostFallback) throw new UnsupportedOpError(why.message)
      return this.runOnHost(prim, inputs, params, outputs)
    }
    const outs = outputs.map((s) => new LazyHandle<V>(s.shape, s.dtype))
    const node: PendingNode<V> = { prim, params, inputs, outputs: outs }
    for (const h of inputs) h.uses++
    for (const h of outs) { h.node = node; this.track(h) }
    this.pending.push(node)
    if (this.pending.length >= this.options.maxPendingOps) this.flush()
    return outs
  }

  /** Runs one primitive on the host with the reference implementation and uploads its outputs. */
  private runOnHost<P extends BackendPrim>(prim: P, inputs: readonly LazyHandle<V>[], params: BackendPrimParams[P], outputs: readonly OutputSpec[]): LazyHandle<V>[] {
    this.counters.hostFallbacks++
    const refs = inputs.map((h) => ({ values: this.viewHost(h), shape: h.shape, dtype: h.dtype }))
    const results = (REFERENCE_IMPLS[prim] as RefImpl<P>)(refs, params, outputs)
    return results.map((v, i) => this.upload(v, outputs[i]!.shape, outputs[i]!.dtype))
  }

  /** The runtime value of a handle, running the pending graph first if needed. */
  valueOf(h: LazyHandle<V>): V {
    if (h.node) this.flush()
    if (h.error) throw h.error
    if (h.value === undefined) throw new InvalidArgumentError(`${this.runtime.label} backend: the tensor was disposed. Received: shape=${fmt(h.shape)}, dtype=${h.dtype}`)
    return h.value
  }

  /** Host values (a fresh array in kx host storage). */
  readHost(h: LazyHandle<V>): TypedArray { return this.runtime.read(this.valueOf(h), h.dtype) }

  /** Host values, possibly shared with the handle (do not mutate). */
  viewHost(h: LazyHandle<V>): TypedArray { return this.runtime.view(this.valueOf(h), h.dtype) }

  /** Number of calls waiting in the pending graph. */
  get pendingOps(): number { return this.pending.length }

  /** Compiles (or reuses) and runs the live part of the pending graph. */
  flush(): void {
    if (this.pending.length === 0) return
    const nodes = this.pending
    this.pending = []
    const needed = new Set<PendingNode<V>>()
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
    this.counters.flushes++
    const ids = new Map<LazyHandle<V>, number>()
    const inputs: LazyHandle<V>[] = []
    const splats: LazyHandle<V>[] = []
    const equations: ProgramEquation[] = []
    const keyParts: string[] = []
    const idOf = (h: LazyHandle<V>): number => {
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
    this.runtime.prepare?.(ordered)
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
      constants: splats.map((h) => ({ id: ids.get(h)!, aval: { shape: h.shape, dtype: h.dtype }, values: this.viewHost(h) })),
      equations,
      outputs: live.map((h) => ({ id: ids.get(h)! })),
    })
    try {
      const entry = this.entryFor(keyParts.join(';'), program, live)
      const { exe, feeds } = this.specialise(entry, inputs)
      const results = exe.run(feeds.map((h) => this.valueOf(h)), feeds)
      live.forEach((h, i) => { h.value = results[i] })
    } catch (e) {
      for (const h of live) h.error = e
      release()
      throw e
    }
    release()
  }

  private entryFor(key: string, makeProgram: () => Program, live: readonly LazyHandle<V>[]): CacheEntry<V> {
    const hit = this.cache.get(key)
    if (hit) {
      this.counters.cacheHits++
      this.cache.delete(key)
      this.cache.set(key, hit)
      return hit
    }
    const program = makeProgram()
    const outputs = live.map((h) => ({ shape: h.shape, dtype: h.dtype }))
    const entry: CacheEntry<V> = { program, outputs, fed: this.runtime.compile(program, outputs) }
    this.counters.compiled++
    if (this.cache.size >= this.options.cacheSize) {
      const oldest = this.cache.keys().next().value!
      disposeEntry(this.cache.get(oldest)!)
      this.cache.delete(oldest)
    }
    this.cache.set(key, entry)
    return entry
  }

  /** The executable to run and its feeds (see `bakeRepeated`). */
  private specialise(entry: CacheEntry<V>, inputs: readonly LazyHandle<V>[]): { exe: GraphExecutable<V>; feeds: readonly LazyHandle<V>[] } {
    if (!this.bakeRepeated) return { exe: entry.fed, feeds: inputs }
    const last = entry.last
    entry.last = inputs
    const b = entry.baked
    if (b && b.positions.every((i) => inputs[i] === b.handles[i])) {
      return { exe: b.exe, feeds: inputs.filter((_, i) => !b.positions.includes(i)) }
    }
    const stable = last ? inputs.flatMap((h, i) => (h === last[i] ? [i] : [])) : []
    if (stable.length === 0) return { exe: entry.fed, feeds: inputs }
    b?.exe.dispose()
    const keep = new Set(stable)
    const program: Program = {
      ...entry.program,
      inputs: entry.program.inputs.filter((_, i) => !keep.has(i)),
      constants: [...entry.program.constants, ...stable.map((i) => ({ ...entry.program.inputs[i]!, values: this.viewHost(inputs[i]!) }))],
    }
    const exe = this.runtime.compile(program, entry.outputs)
    this.counters.baked++
    entry.baked = { exe, positions: stable, handles: inputs.slice() }
    return { exe, feeds: inputs.filter((_, i) => !keep.has(i)) }
  }

  /** A new handle sharing `h`'s value (materializes it first). */
  alias(h: LazyHandle<V>): LazyHandle<V> {
    return this.materialized(this.valueOf(h), h.shape, h.dtype)
  }

  close(): void {
    for (const e of this.cache.values()) disposeEntry(e)
    this.cache.clear()
    this.pending = []
  }
}

/**
 * The `CompiledGraph` of a traced graph compiled whole as `fed` (inputs `[...graph.inputs,
 * ...variableReads]`). Inference graphs (no variable writes) called again with the very same variable
 * handles get a second executable with those values baked in as constants, which the runtime folds
 * and fuses (Conv + bias + activation, pre-packed GEMM weights).
 */
export function wholeGraph<V>(
  graph: Graph, engine: LazyGraphEngine<V>, fed: GraphExecutable<V>, program: () => Program, stats: { baked: number },
): CompiledGraph {
  const specs = [...graph.outputs, ...graph.variableWrites.map((w) => w.value)].map((v) => v.aval)
  const nIn = graph.inputs.length
  const bakeable = graph.variableWrites.length === 0 && graph.variableReads.length > 0
  let lastReads: LazyHandle<V>[] | undefined
  let baked: GraphExecutable<V> | undefined
  const bake = (reads: readonly LazyHandle<V>[]): GraphExecutable<V> | undefined => {
    try {
      const p = program()
      const bakedProgram = {
        ...p,
        inputs: p.inputs.slice(0, nIn),
        constants: [...p.constants, ...graph.variableReads.map((r, i) => ({ id: r.var.id, aval: r.var.aval, values: engine.viewHost(reads[i]!) }))],
      }
      const exe = engine.runtime.compile(bakedProgram, specs)
      stats.baked++
      return exe
    } catch {
      return undefined
    }
  }
  return {
    run(inputs: readonly BackendTensor[]): unknown[] {
      // NOTE: plain loops: this runs once per predict / train step, where a small batch's latency is mostly JS.
      const handles = inputs.map((t) => t.dataId as LazyHandle<V>)
      let exe = fed
      let feeds = handles
      if (bakeable) {
        let same = lastReads !== undefined
        for (let i = nIn; same && i < handles.length; i++) same = handles[i] === lastReads![i - nIn]
        if (!same) {
          baked?.dispose()
          baked = undefined
          lastReads = handles.slice(nIn)
        } else baked ??= bake(lastReads!)
        if (baked) { exe = baked; feeds = nIn === handles.length ? handles : handles.slice(0, nIn) }
      }
      const values = new Array<V>(feeds.length)
      for (let i = 0; i < feeds.length; i++) values[i] = engine.valueOf(feeds[i]!)
      const results = exe.run(values, feeds)
      const out = new Array<LazyHandle<V>>(results.length)
      for (let i = 0; i < results.length; i++) out[i] = engine.materialized(results[i]!, specs[i]!.shape as number[], specs[i]!.dtype)
      return out
    },
    dispose: () => { fed.dispose(); baked?.dispose() },
  }
}

/**
 * The fallback: core's graph interpreter on the lazy engine (eager calls still batch into pending
 * graphs; control flow and host-only primitives run where they can). Variable reads become inputs
 * and writes outputs, so the caller applies the writes as the contract says.
 */
export function interpretedGraph<V>(graph: Graph, engine: LazyGraphEngine<V>, backend: Backend): CompiledGraph {
  const flat: Graph = {
    inputs: [...graph.inputs, ...graph.variableReads.map((r) => r.var)],
    constants: graph.constants,
    variableReads: [],
    equations: graph.equations,
    outputs: [...graph.outputs, ...graph.variableWrites.map((w) => w.value)],
    variableWrites: [],
  }
  return {
    run(inputs: readonly BackendTensor[]): unknown[] {
      // NOTE: the interpreter's tensors own aliases of the caller's handles, never the handles themselves.
      const ins = inputs.map((t) => new Tensor(t.shape, t.dtype, backend, engine.alias(t.dataId as LazyHandle<V>)))
      try {
        return evaluateGraph(flat, ins, { backend }).map((t) => {
          const h = engine.alias(t.dataId as LazyHandle<V>)
          t.dispose()
          return h
        })
      } finally {
        for (const t of ins) t.dispose()
      }
    },
  }
}

/** Host values of a graph constant (any backend that reads synchronously). */
export function constantValues<V>(t: Tensor, engine: LazyGraphEngine<V>, backend: Backend): TypedArray {
  return t.backend === backend ? engine.readHost(t.dataId as LazyHandle<V>) : t.dataSync()
}
