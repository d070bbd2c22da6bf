/**
 * @kx/export: deployment formats written from kx's traced graph (like `keras.export` /
 * `model.export`). ONNX is written with `@kx/backend-onnx`'s lowering table.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError, fmt } from '@kx/core'
import { exportOnnx, type ExportableModel, type OnnxExportOptions } from './onnx.js'

export { exportOnnx } from './onnx.js'
export type { OnnxExportOptions, ExportableModel } from './onnx.js'

/** Options of `exportModel`, by format. */
export type ExportOptions = OnnxExportOptions

/**
 * Exports a model to a deployment format (Keras `model.export(filepath, format=...)`). Returns the
 * file's bytes and writes them to `options.path` when given.
 *
 * @example
 * ```ts
 * const bytes = await exportModel(model, { format: 'onnx', opset: 18, dynamicBatch: true, path: 'model.onnx' })
 * ```
 */
export async function exportModel(model: ExportableModel, options: ExportOptions): Promise<Uint8Array> {
  switch (options.format) {
    case 'onnx': return exportOnnx(model, options)
    default:
      throw new InvalidArgumentError(`exportModel: unknown format. Supported: "onnx". Received: format=${fmt((options as { format: unknown }).format)}`)
  }
}
