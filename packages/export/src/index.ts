/**
 * @kx/export: deployment formats written from kx's traced graph (like `keras.export` /
 * `model.export`). ONNX is written with `@kx/backend-onnx`'s lowering table; OpenVINO IR with kx's own
 * OpenVINO opset lowering (`./openvino`).
 *
 * @packageDocumentation
 */
import { InvalidArgumentError, fmt } from '@kx/core'
import { exportOnnx, type ExportableModel, type OnnxExportOptions } from './onnx.js'
import { exportOpenVINO, type OpenVINOExportOptions, type OpenVINOModelFiles } from './openvino/export.js'

export { exportOnnx } from './onnx.js'
export type { CommonExportOptions, OnnxExportOptions, ExportableModel } from './onnx.js'
export { exportOpenVINO } from './openvino/export.js'
export type { OpenVINOExportOptions, OpenVINOModelFiles } from './openvino/export.js'

/** Options of `exportModel`, by format. */
export type ExportOptions = OnnxExportOptions | OpenVINOExportOptions

/**
 * Exports a model to a deployment format (Keras `model.export(filepath, format=...)`). Returns the
 * file's bytes (ONNX) or the `model.xml` text and `model.bin` bytes (OpenVINO IR), and writes them to
 * `options.path` when given.
 *
 * @example
 * ```ts
 * const bytes = await exportModel(model, { format: 'onnx', opset: 18, dynamicBatch: true, path: 'model.onnx' })
 * const { xml, bin } = await exportModel(model, { format: 'openvino', path: 'model.xml' })
 * ```
 */
export async function exportModel(model: ExportableModel, options: OnnxExportOptions): Promise<Uint8Array>
/**
 * Exports a model to OpenVINO IR: resolves to the `model.xml` text and `model.bin` bytes.
 *
 * @example
 * ```ts
 * const { xml, bin } = await exportModel(model, { format: 'openvino', path: 'model.xml' })
 * ```
 */
export async function exportModel(model: ExportableModel, options: OpenVINOExportOptions): Promise<OpenVINOModelFiles>
/**
 * Exports a model to the format named by `options.format` (the union form, for options built at run time).
 *
 * @example
 * ```ts
 * const out = await exportModel(model, options) // Uint8Array (ONNX) or { xml, bin } (OpenVINO IR)
 * ```
 */
export async function exportModel(model: ExportableModel, options: ExportOptions): Promise<Uint8Array | OpenVINOModelFiles>
export async function exportModel(model: ExportableModel, options: ExportOptions): Promise<Uint8Array | OpenVINOModelFiles> {
  switch (options.format) {
    case 'onnx': return exportOnnx(model, options)
    case 'openvino': return exportOpenVINO(model, options)
    default:
      throw new InvalidArgumentError(`exportModel: unknown format. Supported: "onnx", "openvino". Received: format=${fmt((options as { format: unknown }).format)}`)
  }
}
