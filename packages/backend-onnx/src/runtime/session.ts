/**
 * @file ONNX Runtime sessions, run synchronously. onnxruntime-node's public `InferenceSession` wraps a
 * native session whose `loadModel` / `run` are synchronous behind a `setImmediate`; kx calls that native
 * session directly so reads (`dataSync`) and compiled steps stay synchronous like every other backend.
 */
import { Tensor as OrtTensor } from 'onnxruntime-node'
import { binding, initOrt } from 'onnxruntime-node/dist/binding.js'
import { BackendMissingError, InvalidArgumentError, fmt } from '@kx/core'

/** Session options kx passes to ONNX Runtime (the subset of `InferenceSession.SessionOptions` it uses). */
export interface OnnxSessionOptions {
  /** Threads of one operator (0 = ORT's default: one per physical core). */
  readonly intraOpNumThreads?: number
  readonly interOpNumThreads?: number
  /** `disabled`, `basic`, `extended` or `all` (default `all`). */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all'
  /** Execution providers in order of preference (default `['cpu']`). */
  readonly executionProviders?: readonly string[]
  /** ORT's log severity (0 verbose … 4 fatal); default 3 (errors). */
  readonly logSeverityLevel?: 0 | 1 | 2 | 3 | 4
  /**
   * Idle intra-op threads spin waiting for work (ORT's default, true). With false they sleep: much
   * faster on a machine shared with other busy processes (spinning threads compete for its cores),
   * at the cost of a thread wake-up per parallel operator on an idle machine.
   */
  readonly allowSpinning?: boolean
}

/** A tensor as ONNX Runtime holds it. */
export type OrtValue = OrtTensor

let initialised = false
function ensureInit(): void {
  if (initialised) return
  try {
    initOrt()
  } catch (e) {
    throw new BackendMissingError(`ONNX Runtime (onnxruntime-node) failed to load its native binding: ${e instanceof Error ? e.message : String(e)}`)
  }
  initialised = true
}

/** Run options of every call (none: one shared object, nothing allocated per call). */
const RUN_OPTIONS = Object.freeze({})

/** A loaded model, run synchronously with positional feeds and fetches. */
export class Session {
  private readonly native: ReturnType<typeof createNative>
  readonly inputNames: readonly string[]
  readonly outputNames: readonly string[]
  private readonly fetches: Record<string, null>
  private disposed = false

  constructor(bytes: Uint8Array, options: OnnxSessionOptions = {}) {
    ensureInit()
    this.native = createNative()
    const opts: Record<string, unknown> = {
      graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
      logSeverityLevel: options.logSeverityLevel ?? 3,
      executionProviders: (options.executionProviders ?? ['cpu']).slice(),
      // NOTE: ORT fuses x·sigmoid(x) into com.microsoft.QuickGelu, which has no float64 kernel (silu on float64 fails).
      extra: {
        'optimization.disable_specified_optimizers': 'QuickGeluFusion',
        ...(options.allowSpinning !== undefined ? { 'session.intra_op.allow_spinning': options.allowSpinning ? '1' : '0' } : {}),
      },
      ...(options.intraOpNumThreads !== undefined ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
      ...(options.interOpNumThreads !== undefined ? { interOpNumThreads: options.interOpNumThreads } : {}),
    }
    const buf = bytes.buffer as ArrayBuffer
    this.native.loadModel(buf, bytes.byteOffset, bytes.byteLength, opts as never)
    this.inputNames = this.native.inputMetadata.map((m) => m.name)
    this.outputNames = this.native.outputMetadata.map((m) => m.name)
    this.fetches = Object.fromEntries(this.outputNames.map((n) => [n, null]))
  }

  /** Runs the model on feeds in input order; returns outputs in output order. */
  run(feeds: readonly OrtValue[]): OrtValue[] {
    if (this.disposed) throw new InvalidArgumentError('This ONNX Runtime session was disposed.')
    if (feeds.length !== this.inputNames.length) {
      throw new InvalidArgumentError(`ONNX session expects ${this.inputNames.length} inputs. Received: ${feeds.length} inputs, names=${fmt(this.inputNames)}`)
    }
    const f: Record<string, OrtValue> = {}
    const ins = this.inputNames
    for (let i = 0; i < ins.length; i++) f[ins[i]!] = feeds[i]!
    const out = this.native.run(f, this.fetches, RUN_OPTIONS) as Record<string, OrtValue>
    const outs = this.outputNames
    const res = new Array<OrtValue>(outs.length)
    for (let i = 0; i < outs.length; i++) res[i] = out[outs[i]!]!
    return res
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    this.native.dispose()
  }
}

function createNative() { return new binding.InferenceSession() }

/** Makes an ORT tensor (the data array is used as is: pass a copy if the caller may change it). */
export function ortTensor(type: OrtTensor.Type, data: OrtTensor.DataType, dims: readonly number[]): OrtValue {
  return new OrtTensor(type as 'float32', data as Float32Array, dims)
}
