/**
 * @file `createOnnxBackend`: kx's Backend contract on ONNX Runtime — a lazy graph engine for eager
 * calls and one session per traced graph for `jit`.
 */
import { ALL_DTYPES, InvalidArgumentError, fmt, type Backend, type BackendPrim, type BackendPrimParams, type BackendTensor, type Graph, type OutputSpec } from '@kx/core'
import { OnnxEngine, type EngineStats, type Handle } from './engine.js'
import { compileGraph, type CompileStats } from './compile.js'
import type { OnnxSessionOptions } from './runtime/session.js'

/** Options of `createOnnxBackend`. */
export interface OnnxBackendOptions {
  /** ONNX Runtime session options (threads, graph optimization level, execution providers). */
  readonly sessionOptions?: OnnxSessionOptions
  /** Run the pending graph once this many eager calls are waiting (default 2048). */
  readonly maxPendingOps?: number
  /** Compiled pending-graph sessions kept, least recently used dropped first (default 256). */
  readonly sessionCacheSize?: number
  /**
   * Run calls that ONNX cannot express (e.g. `lu`, `qr`, `eigh`, `svd`, `bitcast_convert_type`) on the
   * host with core's reference implementations (default true). With false they throw `UnsupportedOpError`.
   */
  readonly hostFallback?: boolean
  /** ONNX opset of the generated graphs (default 18; at least 17). */
  readonly opset?: number
  /**
   * Max/min pooling propagates NaN exactly as XLA does, and relu / softmax run as their decompositions
   * (default false: float32 pooling uses ONNX MaxPool, which keeps a NaN only when it opens its window,
   * and is ~30% faster on a CNN; `where(x > 0, x, 0)` runs as ONNX Relu, which keeps NaN like JAX's
   * relu, and softmax as ONNX Softmax — ORT fuses both into the neighbouring Conv / Gemm).
   */
  readonly exactNaN?: boolean
  /** Backend name (default `onnx`). */
  readonly name?: string
}

/** The ONNX backend: a kx `Backend` plus engine introspection. */
export interface OnnxBackend extends Backend {
  /** Runs the pending graph now. */
  flush(): void
  /** Number of eager calls waiting in the pending graph. */
  readonly pendingOps: number
  /** Counters: flushes, sessions compiled, cache hits, host fallbacks, compiled/interpreted jit graphs. */
  stats(): EngineStats & { readonly compiled: CompileStats }
}

/**
 * Creates the ONNX Runtime backend (onnxruntime-node, CPU by default). Eager calls are recorded into a
 * pending graph that runs when data is read (`await t.data()`, `dataSync()`), or when it grows past
 * `maxPendingOps`; each pending graph is compiled once per structure. `jit` (and the trainers'
 * compiled steps) run a whole traced step as one ONNX Runtime session, with variables kept as ORT
 * tensors between calls.
 *
 * @example
 * ```ts
 * import { registerBackend, setBackend } from '@kx/core'
 * import { createOnnxBackend } from '@kx/backend-onnx'
 *
 * registerBackend('onnx', () => createOnnxBackend({ sessionOptions: { intraOpNumThreads: 2 } }))
 * await setBackend('onnx')
 * ```
 */
export function createOnnxBackend(options: OnnxBackendOptions = {}): OnnxBackend {
  const opset = options.opset ?? 18
  if (!Number.isInteger(opset) || opset < 17) throw new InvalidArgumentError(`createOnnxBackend: opset must be an integer >= 17. Received: opset=${fmt(opset)}`)
  const engine = new OnnxEngine({
    sessionOptions: options.sessionOptions ?? {},
    maxPendingOps: options.maxPendingOps ?? 2048,
    cacheSize: options.sessionCacheSize ?? 256,
    hostFallback: options.hostFallback ?? true,
    opset,
    exactNaN: options.exactNaN ?? false,
    name: options.name ?? 'onnx',
  })
  const compiled: CompileStats = { sessions: 0, interpreted: 0, baked: 0 }
  const backend: OnnxBackend = {
    name: options.name ?? 'onnx',
    capabilities: {
      dtypes: new Set(ALL_DTYPES),
      syncRead: true,
      training: true,
      fused: new Set(),
      compilesGraphs: true,
    },
    upload: (values, shape, dtype) => engine.upload(values, shape, dtype),
    read: async (t: BackendTensor) => engine.readHost(t.dataId as Handle),
    readSync: (t: BackendTensor) => engine.readHost(t.dataId as Handle),
    disposeData: (dataId) => engine.dispose(dataId as Handle),
    run<P extends BackendPrim>(prim: P, inputs: readonly BackendTensor[], params: BackendPrimParams[P], outputs: readonly OutputSpec[]): unknown[] {
      return engine.run(prim, inputs.map((t) => t.dataId as Handle), params, outputs)
    },
    compile: (graph: Graph) => compileGraph(graph, engine, backend, compiled),
    memory: () => ({ numTensors: engine.numTensors, numBytes: engine.numBytes }),
    close: () => engine.close(),
    flush: () => engine.flush(),
    get pendingOps() { return engine.pendingOps },
    stats: () => ({ ...engine.stats, compiled: { ...compiled } }),
  }
  return backend
}
