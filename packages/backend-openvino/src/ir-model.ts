/**
 * @file OpenVINO IR models (`model.xml` + `model.bin`) read and compiled through kx's C API binding:
 * how tests check `@kx/export`'s IR and how benchmarks run hand-built OpenVINO models.
 */
import { NotImplementedError, type DType, type TypedArray } from '@kx/core'
import { OvRuntime, type HostValue, type OpenVINOCompileOptions } from './runtime/model.js'

/**
 * A compiled OpenVINO IR model and its infer request (from `loadOpenVINOIR`).
 *
 * @example
 * ```ts
 * const ir: OpenVINOIRModel = loadOpenVINOIR(xml, bin)
 * const [y] = ir.run([{ values: x, shape: [2, 3], dtype: 'float32' }], [{ shape: [2, 4], dtype: 'float32' }])
 * ```
 */
export interface OpenVINOIRModel {
  /** Runs on host feeds in input order; returns host arrays for `outputs` (their shapes and dtypes). */
  run(feeds: readonly HostValue[], outputs: readonly { readonly shape: readonly number[]; readonly dtype: DType }[]): TypedArray[]
  /** Frees the compiled model and its OpenVINO core. */
  dispose(): void
}

/**
 * Reads an OpenVINO IR model from memory (`ov_core_read_model_from_memory_buffer` with the weights as a
 * tensor) and compiles it for the CPU (or `options.device`). Throws `BackendMissingError` without the
 * runtime and `OpenVINOError` when OpenVINO refuses the model.
 *
 * @example
 * ```ts
 * const { xml, bin } = await exportModel(model, { format: 'openvino' })
 * const ir = loadOpenVINOIR(xml, bin)
 * const [y] = ir.run([{ values: x, shape: [1, 4], dtype: 'float32' }], [{ shape: [1, 2], dtype: 'float32' }])
 * ir.dispose()
 * ```
 */
export function loadOpenVINOIR(xml: string | Uint8Array, bin: Uint8Array, options: OpenVINOCompileOptions = {}): OpenVINOIRModel {
  const runtime = new OvRuntime(options)
  let model
  try {
    model = runtime.compileIR(xml, bin)
  } catch (e) {
    runtime.close()
    throw e
  }
  const compiled = model
  return {
    run: (feeds, outputs) => {
      // NOTE: the binding moves half types as f32 (the backend's storage); an IR's f16/bf16 ports are native.
      const half = [...feeds, ...outputs].find((v) => v.dtype === 'float16' || v.dtype === 'bfloat16')
      if (half) throw new NotImplementedError(`loadOpenVINOIR: ${half.dtype} model inputs and outputs are not converted by kx's binding yet; read the model with Python's openvino, or export a float32 model. Received: dtype=${half.dtype}`)
      return compiled.run(feeds, outputs)
    },
    dispose: () => { compiled.dispose(); runtime.close() },
  }
}
