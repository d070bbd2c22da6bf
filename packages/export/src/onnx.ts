/**
 * @file ONNX export: traces a model's inference forward pass on symbolic inputs, embeds its weights
 * as initializers, and lowers the graph with `@kx/backend-onnx`'s lowering table (named inputs and
 * outputs, dynamic batch dimension).
 */
import {
  InvalidArgumentError, KerasTensor, Tensor, disposeGraph, fmt, trace,
  type DType, type Dim, type Graph, type TensorSpec, type TypedArray,
} from '@kx/core'
import { encodeModel, lowerProgram, type Program } from '@kx/backend-onnx'
import type { Layer } from '@kx/layers'

/**
 * Options every export format takes: batch dimension, input specs and tensor names.
 *
 * @example
 * ```ts
 * const common: CommonExportOptions = { dynamicBatch: false, batchSize: 8, inputNames: ['image'] }
 * await exportModel(model, { format: 'onnx', ...common })
 * ```
 */
export interface CommonExportOptions {
  /** Keep the batch dimension dynamic (default true). Otherwise it is `batchSize`. */
  readonly dynamicBatch?: boolean
  /** Batch size of a static-batch export (default 1). */
  readonly batchSize?: number
  /** Input specs for models without symbolic inputs (subclassed models); default: `model.inputs`. */
  readonly inputSpecs?: readonly TensorSpec[]
  /** Input names (default: the model's input names). */
  readonly inputNames?: readonly string[]
  /** Output tensor names (default `output_0`, `output_1`, ...). */
  readonly outputNames?: readonly string[]
}

/** Options of the ONNX export (`exportModel(model, { format: 'onnx', ... })`); the dynamic batch dim is named `batch`. */
export interface OnnxExportOptions extends CommonExportOptions {
  readonly format: 'onnx'
  /** ONNX opset of the default domain (default 18; at least 17). */
  readonly opset?: number
  /** Writes the model to this file too (Node only). */
  readonly path?: string
}

/** A model that can be exported: a layer with (optionally) symbolic inputs. */
export type ExportableModel = Layer & { readonly inputs?: readonly KerasTensor[] }

const VALID = /^[A-Za-z_][A-Za-z0-9_.:/-]*$/

function uniqueNames(raw: readonly string[], fallback: (i: number) => string): string[] {
  const seen = new Set<string>()
  return raw.map((n, i) => {
    let base = n && VALID.test(n) ? n : fallback(i)
    while (seen.has(base)) base = `${base}_${i}`
    seen.add(base)
    return base
  })
}

/** Input specs (batch dim dynamic or fixed) and input names of a model. */
function inputSpecsOf(model: ExportableModel, options: CommonExportOptions): { specs: TensorSpec[]; names: string[] } {
  const given = options.inputSpecs
  const ins = model.inputs ?? []
  if (!given && ins.length === 0) {
    throw new InvalidArgumentError(`exportModel: the model has no symbolic inputs (build it with \`Input\`, or pass \`inputSpecs\`). Received: model=${fmt(model.name)}`)
  }
  const specs: TensorSpec[] = given ? given.slice() : ins.map((t) => ({ shape: t.symbolicShape, dtype: t.dtype, ...(t.name ? { name: t.name } : {}) }))
  const dynamic = options.dynamicBatch ?? true
  const adjusted = specs.map((s) => {
    if (s.shape.length === 0) return s
    const rest = s.shape.slice(1) as Dim[]
    const batch: Dim = dynamic ? null : (s.shape[0] ?? options.batchSize ?? 1)
    return { ...s, shape: [batch, ...rest] }
  })
  const names = uniqueNames(options.inputNames ?? adjusted.map((s) => s.name ?? ''), (i) => `input_${i}`)
  return { specs: adjusted, names }
}

async function hostValues(t: Tensor): Promise<TypedArray> {
  return t.data()
}

/**
 * The model's forward pass as a program: inputs named, constants and variable values embedded
 * (variables under their paths), outputs in the traced order.
 */
async function programOfModel(graph: Graph, inputNames: readonly string[], outputNames: readonly string[]): Promise<Program> {
  const constants: { id: number; aval: { shape: readonly Dim[]; dtype: DType }; values: TypedArray; name?: string }[] = []
  for (const c of graph.constants) constants.push({ id: c.var.id, aval: c.var.aval, values: await hostValues(c.value) })
  const used = new Set<string>()
  for (const r of graph.variableReads) {
    let name = r.variable.path || r.variable.name
    if (!VALID.test(name) || used.has(name)) name = `${VALID.test(name) ? name : 'weight'}_${r.var.id}`
    used.add(name)
    constants.push({ id: r.var.id, aval: r.var.aval, values: await hostValues(r.variable.rawValue), name })
  }
  return {
    inputs: graph.inputs.map((v, i) => ({ id: v.id, aval: v.aval, name: inputNames[i]! })),
    constants,
    equations: graph.equations.map((eq) => ({ prim: eq.prim, params: eq.params, inputs: eq.inputs.map((v) => v.id), outputs: eq.outputs.map((v) => ({ id: v.id, aval: v.aval })) })),
    outputs: graph.outputs.map((v, i) => ({ id: v.id, name: outputNames[i]! })),
  }
}

/**
 * Traces a model's inference function (`model.apply(x, { training: false })`) on its input specs and
 * returns the graph (dispose it with `disposeGraph`), its program (named inputs, embedded weights,
 * outputs `output_0…`) and the input names. Shared by every exporter.
 */
export async function traceModel(model: ExportableModel, options: CommonExportOptions): Promise<{ graph: Graph; program: Program; names: string[] }> {
  const { specs, names } = inputSpecsOf(model, options)
  const call = (...xs: Tensor[]): unknown => model.apply(xs.length === 1 ? xs[0] : xs, { training: false })
  const graph = trace(call, specs.map((s) => ({ shape: s.shape, dtype: s.dtype })))
  try {
    if (graph.variableWrites.length) {
      throw new InvalidArgumentError(`exportModel: the inference function assigns ${graph.variableWrites.length} variable(s) (${graph.variableWrites.map((w) => w.variable.path).join(', ')}); an exported model has no state.`)
    }
    const outputNames = uniqueNames(options.outputNames ?? graph.outputs.map((_, i) => `output_${i}`), (i) => `output_${i}`)
    return { graph, program: await programOfModel(graph, names, outputNames), names }
  } catch (e) {
    disposeGraph(graph)
    throw e
  }
}

/**
 * Exports a model's inference function (`model.apply(x, { training: false })`) to ONNX bytes, and
 * writes them to `options.path` when given. Weights become initializers named by variable path; the
 * batch dimension stays dynamic (`batch`) unless `dynamicBatch: false`.
 *
 * @example
 * ```ts
 * const bytes = await exportOnnx(model, { format: 'onnx', opset: 18, path: 'model.onnx' })
 * ```
 */
export async function exportOnnx(model: ExportableModel, options: OnnxExportOptions): Promise<Uint8Array> {
  const opset = options.opset ?? 18
  if (!Number.isInteger(opset) || opset < 17) throw new InvalidArgumentError(`exportModel: ONNX export needs opset >= 17. Received: opset=${fmt(opset)}`)
  const { graph, program, names } = await traceModel(model, options)
  try {
    const { model: onnx } = lowerProgram(program, {
      opset,
      boundary: 'native',
      graphName: model.name,
      dimName: (input, axis) => (axis === 0 ? 'batch' : `${names[input]}_dim${axis}`),
      docString: `Exported by kx from model "${model.name}".`,
    })
    const bytes = encodeModel(onnx)
    if (options.path) {
      // NOTE: a computed specifier keeps `node:fs` out of browser bundles (and out of the type check).
      const spec = 'node:fs/promises'
      const fs = (await import(spec)) as { writeFile(path: string, data: Uint8Array): Promise<void> }
      await fs.writeFile(options.path, bytes)
    }
    return bytes
  } finally {
    disposeGraph(graph)
  }
}
