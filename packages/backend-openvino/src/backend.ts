/**
 * @file `createOpenVINOBackend`: kx's Backend contract on the OpenVINO runtime (C API through koffi) —
 * a lazy graph engine for eager calls and one compiled model per traced graph for `jit`. Graphs are
 * lowered to ONNX by `@kx/backend-onnx` and read by OpenVINO's ONNX frontend.
 */
import { ALL_DTYPES, InvalidArgumentError, fmt, type Backend, type BackendPrim, type BackendPrimParams, type BackendTensor, type DType, type Graph, type OutputSpec } from '@kx/core'
import { OvEngine, type EngineStats, type Handle } from './engine.js'
import { compileGraph, type CompileStats } from './compile.js'
import { OvRuntime, type OpenVINOCompileOptions } from './runtime/model.js'

/** Options of `createOpenVINOBackend`. */
export interface OpenVINOBackendOptions extends OpenVINOCompileOptions {
  /** Run the pending graph once this many eager calls are waiting (default 2048). */
  readonly maxPendingOps?: number
  /** Compiled pending-graph models kept, least recently used dropped first (default 256). */
  readonly cacheSize?: number
  /**
   * Run calls OpenVINO cannot take (e.g. `lu`, `qr`, `eigh`, `svd`) on the host with core's reference
   * implementations (default false: they throw `UnsupportedOpError` naming the primitive).
   */
  readonly hostFallback?: boolean
  /** ONNX opset of the graphs handed to OpenVINO (default 18). */
  readonly opset?: number
  /** Max/min pooling propagates NaN exactly as XLA does (default false). */
  readonly exactNaN?: boolean
  /** Backend name (default `openvino`). */
  readonly name?: string
}

/** The OpenVINO backend: a kx `Backend` plus engine introspection. */
export interface OpenVINOBackend extends Backend {
  /** Runs the pending graph now. */
  flush(): void
  /** Number of eager calls waiting in the pending graph. */
  readonly pendingOps: number
  /** Path of the loaded `libopenvino_c`. */
  readonly libraryPath: string
  /** Counters: flushes, models compiled, cache hits, host fallbacks, compiled/interpreted jit graphs. */
  stats(): EngineStats & { readonly compiled: CompileStats }
}

/**
 * Primitives OpenVINO's ONNX frontend does not run as kx needs (found by the conformance kit); they
 * throw `UnsupportedOpError`, or run on the host with `hostFallback`.
 *
 * @example
 * ```ts
 * OPENVINO_UNSUPPORTED.has('qr') // true
 * ```
 */
export const OPENVINO_UNSUPPORTED: ReadonlyMap<string, string> = new Map([
  ['lu', 'no ONNX operator'],
  ['qr', 'no ONNX operator'],
  ['eigh', 'no ONNX operator'],
  ['svd', 'no ONNX operator'],
  ['igamma', 'no ONNX operator'],
  ['bitcast_convert_type', 'ONNX has no bit-reinterpreting operator'],
  ['erf_inv', "OpenVINO's CPU plugin refuses the ONNX lowering"],
])

/**
 * Dtypes the backend declares. float64 is left out: OpenVINO's CPU plugin computes f64 graphs in f32
 * (the conformance kit then checks float64 cases in float32).
 */
const DTYPES: ReadonlySet<DType> = new Set(ALL_DTYPES.filter((d) => d !== 'float64'))

/**
 * Creates the OpenVINO backend (CPU device by default). Loads `libopenvino_c` lazily — from
 * `KX_OPENVINO_LIB` or the `openvino` Python wheel — and throws `BackendMissingError` with install
 * instructions when it is absent. Eager calls are recorded into a pending graph compiled once per
 * structure; `jit` (and the trainers' `fit`/`predict` steps) run a traced step as one compiled model
 * (training works: core's autodiff traces forward + backward + update into that model).
 *
 * @example
 * ```ts
 * import { registerBackend, setBackend } from '@kx/core'
 * import { createOpenVINOBackend } from '@kx/backend-openvino'
 *
 * registerBackend('openvino', () => createOpenVINOBackend({ performanceHint: 'LATENCY' }))
 * await setBackend('openvino')
 * ```
 */
export async function createOpenVINOBackend(options: OpenVINOBackendOptions = {}): Promise<OpenVINOBackend> {
  return createOpenVINOBackendSync(options)
}

/**
 * Synchronous form of `createOpenVINOBackend` (the library loads on this call).
 *
 * @example
 * ```ts
 * const b = createOpenVINOBackendSync({ numThreads: 4 })
 * ```
 */
export function createOpenVINOBackendSync(options: OpenVINOBackendOptions = {}): OpenVINOBackend {
  const opset = options.opset ?? 18
  if (!Number.isInteger(opset) || opset < 17) throw new InvalidArgumentError(`createOpenVINOBackend: opset must be an integer >= 17. Received: opset=${fmt(opset)}`)
  const rt = new OvRuntime(options)
  const engine = new OvEngine(rt, {
    maxPendingOps: options.maxPendingOps ?? 2048,
    cacheSize: options.cacheSize ?? 256,
    hostFallback: options.hostFallback ?? false,
    opset,
    exactNaN: options.exactNaN ?? false,
  }, OPENVINO_UNSUPPORTED)
  const compiled: CompileStats = { models: 0, interpreted: 0, baked: 0 }
  const backend: OpenVINOBackend = {
    name: options.name ?? 'openvino',
    capabilities: { dtypes: DTYPES, syncRead: true, training: true, fused: new Set(), compilesGraphs: true },
    upload: (values, shape, dtype) => engine.upload(values, shape, dtype),
    read: async (t: BackendTensor) => engine.readHost(t.dataId as Handle),
    readSync: (t: BackendTensor) => engine.readHost(t.dataId as Handle),
    disposeData: (dataId) => engine.dispose(dataId as Handle),
    run<P extends BackendPrim>(prim: P, inputs: readonly BackendTensor[], params: BackendPrimParams[P], outputs: readonly OutputSpec[]): unknown[] {
      return engine.run(prim, inputs.map((t) => t.dataId as Handle), params, outputs)
    },
    compile: (graph: Graph) => compileGraph(graph, engine, backend, compiled),
    memory: () => ({ numTensors: engine.numTensors, numBytes: engine.numBytes }),
    close: () => { engine.close(); rt.close() },
    flush: () => engine.flush(),
    get pendingOps() { return engine.pendingOps },
    libraryPath: rt.api.path,
    stats: () => ({ ...engine.stats, compiled: { ...compiled } }),
  }
  return backend
}
