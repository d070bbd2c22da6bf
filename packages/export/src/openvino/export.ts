/**
 * @file OpenVINO IR export: traces a model's inference pass (shared with the ONNX exporter), lowers it
 * to OpenVINO opsets and writes `model.xml` + `model.bin` (IR v11).
 */
import { InvalidArgumentError, disposeGraph, fmt, type TensorSpec } from '@kx/core'
import { traceModel, type CommonExportOptions, type ExportableModel } from '../onnx.js'
import { lowerProgramToIR } from './lower.js'

/**
 * Options of the OpenVINO IR export (`exportModel(model, { format: 'openvino', ... })`).
 *
 * @example
 * ```ts
 * const options: OpenVINOExportOptions = { format: 'openvino', dynamicBatch: false, batchSize: 8, path: 'out/model.xml' }
 * ```
 */
export interface OpenVINOExportOptions extends CommonExportOptions {
  /** Selects OpenVINO IR v11 (`model.xml` + `model.bin`); a dynamic batch dim is `-1` in the Parameter. */
  readonly format: 'openvino'
  /** Writes `<name>.xml` here and `<name>.bin` beside it (Node only); must end with `.xml`. */
  readonly path?: string
}

/**
 * An OpenVINO IR model: the `model.xml` text and the `model.bin` weights it points into.
 *
 * @example
 * ```ts
 * const { xml, bin }: OpenVINOModelFiles = await exportModel(model, { format: 'openvino' })
 * ```
 */
export interface OpenVINOModelFiles {
  /** The `model.xml` text (IR v11: layers, edges, Const offsets into the `.bin`). */
  readonly xml: string
  /** The `model.bin` weights, little-endian. */
  readonly bin: Uint8Array
}

/** Writes the pair, turning file-system failures into a typed error naming the path. */
async function writeFiles(path: string, files: OpenVINOModelFiles): Promise<void> {
  const binPath = path.replace(/\.xml$/i, '.bin')
  // NOTE: a computed specifier keeps `node:fs` out of browser bundles (and out of the type check).
  const spec = 'node:fs/promises'
  const fs = (await import(spec)) as { writeFile(path: string, data: Uint8Array | string): Promise<void> }
  try {
    await fs.writeFile(binPath, files.bin)
    await fs.writeFile(path, files.xml)
  } catch (e) {
    throw new InvalidArgumentError(`exportModel: cannot write the OpenVINO IR files (${e instanceof Error ? e.message : String(e)}); check that the folder exists and is writable. Received: path=${fmt(path)}`)
  }
}

/**
 * Exports a model's inference function (`model.apply(x, { training: false })`) to OpenVINO IR v11
 * (`model.xml` + `model.bin`), and writes both when `options.path` (the `.xml`) is given. Weights are
 * Const layers named by variable path; the batch dimension stays dynamic unless `dynamicBatch: false`.
 * Primitives without an OpenVINO lowering throw `UnsupportedOpError` naming them (and suggesting ONNX).
 *
 * @example
 * ```ts
 * const { xml, bin } = await exportOpenVINO(model, { format: 'openvino', path: 'model.xml' })
 * ```
 */
export async function exportOpenVINO(model: ExportableModel, options: OpenVINOExportOptions): Promise<OpenVINOModelFiles> {
  if (options.path !== undefined && (typeof options.path !== 'string' || !/\.xml$/i.test(options.path))) {
    throw new InvalidArgumentError(`exportModel: an OpenVINO IR path names the .xml file (the .bin is written beside it). Received: path=${fmt(options.path)}`)
  }
  const { graph, program } = await traceModel(model, options)
  try {
    const files = lowerProgramToIR(program, { graphName: model.name })
    if (options.path) await writeFiles(options.path, files)
    return files
  } finally {
    disposeGraph(graph)
  }
}
