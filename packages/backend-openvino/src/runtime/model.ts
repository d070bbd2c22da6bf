/**
 * @file OpenVINO compiled models run synchronously: an ONNX model (bytes) read into an `ov_model_t`,
 * compiled for a device with kx's properties, and one infer request reused for every call. Feeds and
 * results are kx host arrays, copied into tensors OpenVINO allocates (host memory V8 might move is
 * never handed to the runtime).
 */
import { allocTyped, roundBFloat16, roundFloat16, type DType, type TypedArray } from '@kx/core'
import { check, loadOpenVINO, type OvApi, type OvShape, type Ptr } from './capi.js'

/** Compile options kx passes to OpenVINO (CPU plugin properties). */
export interface OpenVINOCompileOptions {
  /** Device name (default `CPU`). */
  readonly device?: string
  /** `LATENCY` (default: one request at a time, as eager calls and `predict` run) or `THROUGHPUT`. */
  readonly performanceHint?: 'LATENCY' | 'THROUGHPUT' | 'CUMULATIVE_THROUGHPUT'
  /**
   * Precision the plugin computes float32 graphs in (default `f32`, for float32 parity; `bf16`/`f16` trade
   * accuracy for speed on CPUs with AMX / AVX-512 BF16 / FP16).
   */
  readonly inferencePrecision?: 'f32' | 'bf16' | 'f16'
  /** Number of CPU streams (`AUTO` or a count). */
  readonly numStreams?: number | 'AUTO'
  /** Threads of one inference. */
  readonly numThreads?: number
  /** Extra raw properties (key → value), e.g. `{ CACHE_DIR: '/tmp/ov' }`. */
  readonly properties?: Readonly<Record<string, string>>
}

/** OpenVINO element type codes (`ov_element_type_e`) of kx storage; half types are held as f32. */
const OV_TYPE: { readonly [D in DType]: number } = {
  bool: 1, float16: 4, bfloat16: 4, float32: 4, float64: 5, int8: 7, int16: 8, int32: 9, int64: 10, uint8: 16, uint16: 17, uint32: 18,
}
const OV_ITEMSIZE: { readonly [D in DType]: number } = {
  bool: 1, float16: 4, bfloat16: 4, float32: 4, float64: 8, int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2, uint32: 4,
}

/**
 * A host value fed to or read from a model.
 *
 * @example
 * ```ts
 * const feed: HostValue = { values: new Float32Array(6), shape: [2, 3], dtype: 'float32' }
 * ```
 */
export interface HostValue {
  /** Row-major values in kx host storage (int64 as Float64Array, half types as Float32Array). */
  readonly values: TypedArray
  /** Concrete dims. */
  readonly shape: readonly number[]
  /** The kx dtype (the tensor OpenVINO gets is its storage type). */
  readonly dtype: DType
}

/** One OpenVINO Core (plugins loaded once) per backend. */
export class OvRuntime {
  readonly api: OvApi
  private core: Ptr
  constructor(readonly options: OpenVINOCompileOptions) {
    this.api = loadOpenVINO()
    const out: Ptr[] = [null]
    check(this.api, this.api.ov_core_create(out), 'ov_core_create')
    this.core = out[0]
  }

  private properties(): { key: string; value: string }[] {
    const o = this.options
    const props: { key: string; value: string }[] = [
      { key: 'PERFORMANCE_HINT', value: o.performanceHint ?? 'LATENCY' },
      { key: 'INFERENCE_PRECISION_HINT', value: o.inferencePrecision ?? 'f32' },
    ]
    if (o.numStreams !== undefined) props.push({ key: 'NUM_STREAMS', value: String(o.numStreams) })
    if (o.numThreads !== undefined) props.push({ key: 'INFERENCE_NUM_THREADS', value: String(o.numThreads) })
    for (const [key, value] of Object.entries(o.properties ?? {})) props.push({ key, value })
    return props
  }

  /** Reads and compiles an ONNX model (throws `OpenVINOError` when OpenVINO refuses it). */
  compile(onnx: Uint8Array): OvModel {
    const a = this.api
    const m: Ptr[] = [null]
    check(a, a.ov_core_read_model_from_memory_buffer(this.core, onnx, onnx.byteLength, null, m), 'read_model (ONNX)')
    try {
      const props = this.properties()
      const cm: Ptr[] = [null]
      check(a, a.ov_core_compile_model_props(this.core, m[0], this.options.device ?? 'CPU', props.length, props, cm), 'compile_model')
      return new OvModel(a, cm[0])
    } finally {
      a.ov_model_free(m[0])
    }
  }

  /**
   * Reads and compiles an OpenVINO IR model (`model.xml` text + `model.bin` weights, as written by
   * `@kx/export` or `openvino.save_model`); throws `OpenVINOError` when OpenVINO refuses it.
   */
  compileIR(xml: string | Uint8Array, bin: Uint8Array): OvModel {
    const a = this.api
    const text = typeof xml === 'string' ? new TextEncoder().encode(xml) : xml
    // The weights travel as a u8 tensor OpenVINO allocates (V8 may move `bin`); freed once compiled.
    const weights = newTensor(a, [bin.byteLength], 'uint8')
    const m: Ptr[] = [null]
    try {
      writeTensor(a, weights, bin, 'uint8')
      check(a, a.ov_core_read_model_from_memory_buffer(this.core, text, text.byteLength, weights, m), 'read_model (IR)')
      const props = this.properties()
      const cm: Ptr[] = [null]
      check(a, a.ov_core_compile_model_props(this.core, m[0], this.options.device ?? 'CPU', props.length, props, cm), 'compile_model')
      return new OvModel(a, cm[0])
    } finally {
      if (m[0]) a.ov_model_free(m[0])
      a.ov_tensor_free(weights)
    }
  }

  close(): void {
    if (this.core) this.api.ov_core_free(this.core)
    this.core = null
  }
}

/** A compiled model and its infer request. */
export class OvModel {
  private request: Ptr
  private disposed = false
  constructor(private readonly a: OvApi, private compiled: Ptr) {
    const r: Ptr[] = [null]
    check(a, a.ov_compiled_model_create_infer_request(compiled, r), 'create_infer_request')
    this.request = r[0]
  }

  /** Runs on feeds in input order; returns host arrays for `outputs` (shape and dtype known by kx). */
  run(feeds: readonly HostValue[], outputs: readonly { readonly shape: readonly (number | null)[]; readonly dtype: DType }[]): TypedArray[] {
    const a = this.a
    const tensors: Ptr[] = []
    try {
      feeds.forEach((f, i) => {
        const t = newTensor(a, f.shape, f.dtype)
        tensors.push(t)
        writeTensor(a, t, f.values, f.dtype)
        check(a, a.ov_infer_request_set_input_tensor_by_index(this.request, i, t), 'set_input_tensor')
      })
      check(a, a.ov_infer_request_infer(this.request), 'infer')
      return outputs.map((o, i) => {
        const n = o.shape.reduce<number>((x, d) => x * (d ?? 0), 1)
        if (n === 0) return allocTyped(o.dtype, 0)
        const t: Ptr[] = [null]
        check(a, a.ov_infer_request_get_output_tensor_by_index(this.request, i, t), 'get_output_tensor')
        try { return readTensor(a, t[0], n, o.dtype) } finally { a.ov_tensor_free(t[0]) }
      })
    } finally {
      for (const t of tensors) a.ov_tensor_free(t)
    }
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    this.a.ov_infer_request_free(this.request)
    this.a.ov_compiled_model_free(this.compiled)
    this.request = null
    this.compiled = null
  }
}

function newTensor(a: OvApi, shape: readonly number[], dtype: DType): Ptr {
  const t: Ptr[] = [null]
  // NOTE: ov_shape_create refuses rank 0; a scalar's shape is passed as {rank: 0, dims: NULL}.
  if (shape.length === 0) { check(a, a.ov_tensor_create(OV_TYPE[dtype], { rank: 0, dims: null }, t), 'tensor_create'); return t[0] }
  const s: OvShape = { rank: 0, dims: null }
  check(a, a.ov_shape_create(shape.length, BigInt64Array.from(shape.map((d) => BigInt(d))), s), 'shape_create')
  try { check(a, a.ov_tensor_create(OV_TYPE[dtype], s, t), 'tensor_create') } finally { a.ov_shape_free(s) }
  return t[0]
}

function dataView(a: OvApi, t: Ptr, bytes: number): ArrayBuffer {
  const p: Ptr[] = [null]
  check(a, a.ov_tensor_data(t, p), 'tensor_data')
  return a.koffi.view(p[0], bytes)
}

const I64_LIMIT = 2 ** 63
function writeTensor(a: OvApi, t: Ptr, values: TypedArray, dtype: DType): void {
  const n = values.length
  if (n === 0) return
  const buf = dataView(a, t, n * OV_ITEMSIZE[dtype])
  if (dtype === 'int64') {
    const o = new BigInt64Array(buf)
    for (let i = 0; i < n; i++) {
      const v = values[i] as number
      o[i] = Number.isNaN(v) ? 0n : v >= I64_LIMIT ? 2n ** 63n - 1n : v <= -I64_LIMIT ? -(2n ** 63n) : BigInt(Math.trunc(v))
    }
  } else if (dtype === 'bool') {
    const o = new Uint8Array(buf)
    for (let i = 0; i < n; i++) o[i] = values[i] ? 1 : 0
  } else {
    new (values.constructor as new (b: ArrayBuffer) => TypedArray)(buf).set(values as Float32Array)
  }
}

function readTensor(a: OvApi, t: Ptr, n: number, dtype: DType): TypedArray {
  const buf = dataView(a, t, n * OV_ITEMSIZE[dtype])
  const out = allocTyped(dtype, n)
  if (dtype === 'int64') {
    const src = new BigInt64Array(buf)
    for (let i = 0; i < n; i++) out[i] = Number(src[i]!)
  } else if (dtype === 'bool') {
    const src = new Uint8Array(buf)
    for (let i = 0; i < n; i++) out[i] = src[i] ? 1 : 0
  } else {
    ;(out as Float32Array).set(new (out.constructor as new (b: ArrayBuffer) => Float32Array)(buf))
    // NOTE: half dtypes are computed in f32 by the graph (lowered with rounding), rounded again on read to be safe.
    if (dtype === 'float16') for (let i = 0; i < n; i++) out[i] = roundFloat16(out[i] as number)
    else if (dtype === 'bfloat16') for (let i = 0; i < n; i++) out[i] = roundBFloat16(out[i] as number)
  }
  return out
}
