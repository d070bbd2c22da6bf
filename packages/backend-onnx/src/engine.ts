/**
 * @file The ONNX Runtime engine: the lazy graph engine (`lazy.ts`) over ORT. Pending graphs are
 * lowered to ONNX and compiled to ORT sessions; results stay ORT tensors. Inputs repeated across runs
 * of a cached graph (weights) are baked into a second session as initializers, which ORT folds and fuses.
 */
import type { AbstractValue, DType, TypedArray } from '@kx/core'
import { ORT_TYPE, fromOrtData, toOrtData } from './onnx/dtypes.js'
import { encodeModel } from './onnx/proto.js'
import { lowerProgram, type Program } from './lower/graph.js'
import { Session, ortTensor, type OnnxSessionOptions, type OrtValue } from './runtime/session.js'
import { LazyGraphEngine, type GraphExecutable, type GraphRuntime, type LazyEngineOptions, type LazyHandle } from './lazy.js'

/** A data id of the ONNX backend: a materialized ORT tensor, or a pending node's output. */
export type Handle = LazyHandle<OrtValue>

/** Engine settings (see `OnnxBackendOptions`). */
export interface EngineOptions extends LazyEngineOptions {
  readonly sessionOptions: OnnxSessionOptions
  readonly name: string
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

/** ONNX Runtime as a `GraphRuntime`: programs lower to ONNX models run by ORT sessions. */
export class OrtRuntime implements GraphRuntime<OrtValue> {
  readonly label = 'ONNX'
  constructor(readonly options: EngineOptions) {}
  upload(values: TypedArray, shape: readonly number[], dtype: DType): OrtValue { return ortTensor(ORT_TYPE[dtype], toOrtData(values, dtype), shape) }
  read(value: OrtValue, dtype: DType): TypedArray { return fromOrtData(value.data as ArrayLike<number>, dtype) }
  view(value: OrtValue, dtype: DType): TypedArray { return this.read(value, dtype) }
  compile(program: Program, _outputs: readonly AbstractValue[]): GraphExecutable<OrtValue> {
    const { model } = lowerProgram(program, { opset: this.options.opset, exactNaN: this.options.exactNaN })
    const session = new Session(encodeModel(model), this.options.sessionOptions)
    return { run: (feeds) => session.run(feeds), dispose: () => session.dispose() }
  }
}

export class OnnxEngine extends LazyGraphEngine<OrtValue, EngineOptions> {
  constructor(options: EngineOptions) { super(new OrtRuntime(options), options, true) }

  get stats(): EngineStats {
    const c = this.counters
    return { flushes: c.flushes, sessionsCompiled: c.compiled, sessionsBaked: c.baked, cacheHits: c.cacheHits, hostFallbacks: c.hostFallbacks }
  }
}
