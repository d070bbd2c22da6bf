/**
 * @file `model.summary()`: Keras 3's table of layers, output shapes, parameter counts (and connections
 * for non-sequential graphs) rendered character for character as Keras prints it through `rich` on a
 * non-terminal console (80 columns): the same column widths, word wrapping, box drawing and totals.
 */
import { InvalidArgumentError, fmt, type DType } from '@kx/core'
import type { Layer, ShapeLike } from './Layer.js'
import type { KerasHistory, Node } from './Node.js'
import type { KerasTensor } from '@kx/core'

/** Options of `summary()` (Keras `model.summary(...)`). */
export interface SummaryOptions {
  /** Total width of the table (default: 88, or 108 for non-sequential graphs, capped at 76 like Keras on an 80-column console). */
  readonly lineLength?: number
  /** Right edges of the columns as fractions of `lineLength` (default `[0.45, 0.8, 1]`, or `[0.3, 0.56, 0.74, 1]` with connections). */
  readonly positions?: readonly number[]
  /** Receives the whole text once (default console.log). */
  readonly printFn?: (text: string) => void
  /** Also list the layers of nested models, indented. */
  readonly expandNested?: boolean
  /** Add a "Trainable" column (Y / N / -). */
  readonly showTrainable?: boolean
  /** `[first, last]` layer-name patterns (matched at the start of names, both inclusive). */
  readonly layerRange?: readonly [string, string]
}

/** Keras's summary renders on a console this wide when output is captured (rich's and shutil's non-terminal default). */
const CONSOLE_WIDTH = 80

type Align = 'left' | 'right' | 'center'
type SummaryModel = Layer & { layers: Layer[] }
interface GraphLike { readonly outputs: readonly KerasTensor[]; readonly nodes: readonly Node[] }

const historyOf = (t: KerasTensor): KerasHistory => t.kerasHistory as KerasHistory
const isGraph = (m: Layer): m is Layer & GraphLike => Array.isArray((m as Partial<GraphLike>).nodes) && Array.isArray((m as Partial<GraphLike>).outputs)
const isModelLike = (l: Layer): boolean => typeof (l as { summary?: unknown }).summary === 'function'

/** Keras's `map_graph` ordering: operations by decreasing depth, ties in first-visit order; and the nodes grouped by depth. */
function kerasGraphOrder(model: GraphLike): { layers: Layer[]; nodesByDepth: Node[][] } {
  const opIndex = new Map<Layer, number>()
  const finished = new Set<Node>()
  const order: Node[] = []
  const visit = (t: KerasTensor): void => {
    const h = historyOf(t)
    const node = h.layer.inboundNodes[h.nodeIndex]!
    if (finished.has(node)) return
    if (!opIndex.has(h.layer)) opIndex.set(h.layer, opIndex.size)
    if (!node.isInput) for (const x of node.inputTensors) visit(x)
    finished.add(node)
    order.push(node)
  }
  for (const o of model.outputs) visit(o)
  const nodeDepth = new Map<Node, number>()
  const opDepth = new Map<Layer, number>()
  for (const node of order.slice().reverse()) {
    const depth = Math.max(nodeDepth.get(node) ?? 0, opDepth.get(node.layer) ?? 0)
    nodeDepth.set(node, depth)
    opDepth.set(node.layer, depth)
    for (const p of node.parentNodes()) nodeDepth.set(p, Math.max(depth + 1, nodeDepth.get(p) ?? 0))
  }
  const byDepth = <T>(depths: Map<T, number>): Map<number, T[]> => {
    const m = new Map<number, T[]>()
    for (const [k, d] of depths) m.set(d, [...(m.get(d) ?? []), k])
    return m
  }
  const opsByDepth = byDepth(opDepth)
  const layers = [...opsByDepth.keys()].sort((a, b) => b - a).flatMap((d) => opsByDepth.get(d)!.sort((a, b) => opIndex.get(a)! - opIndex.get(b)!))
  return { layers, nodesByDepth: [...byDepth(nodeDepth).values()] }
}

/** Keras's test: one node per depth, each with at most one input tensor, and no layer used twice. */
function isSequentialLike(nodesByDepth: readonly Node[][], layers: readonly Layer[]): boolean {
  const nodes: Node[] = []
  for (const v of nodesByDepth) {
    if (v.length > 1 || (v.length === 1 && v[0]!.inputTensors.length > 1)) return false
    nodes.push(...v)
  }
  return layers.every((l) => l.inboundNodes.filter((n) => nodes.includes(n)).length <= 1)
}

const formatShape = (s: readonly unknown[]): string => `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')})`
const isShape = (s: unknown): s is readonly (number | null)[] => Array.isArray(s) && s.every((d) => d === null || typeof d === 'number')

function outputShapeText(layer: Layer): string {
  const node = layer.inboundNodes.at(-1)
  if (node) {
    const shapes = node.outputs.map((o) => formatShape(o.symbolicShape))
    return shapes.length === 1 ? shapes[0]! : `[${shapes.join(', ')}]`
  }
  if (layer.buildShapes === undefined) return '?'
  try {
    const out = layer.computeOutputShape(layer.buildShapes as ShapeLike)
    if (isShape(out)) return formatShape(out)
    return Array.isArray(out) && out.every(isShape) ? `[${out.map(formatShape).join(', ')}]` : '?'
  } catch {
    return '?'
  }
}

const countParams = (vars: readonly { shape: readonly number[] }[]): number => vars.reduce((a, v) => a + v.shape.reduce((x, y) => x * y, 1), 0)
const withCommas = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

/** Bits per element (Keras `dtype_utils.dtype_size`). */
function dtypeBits(dtype: DType): number {
  if (dtype === 'bool') return 1
  const bits = /(\d+)$/.exec(dtype)
  return bits ? Number(bits[1]) : 32
}
/** Bytes of unique weights (Keras `weight_memory_size`) as Keras's readable text, e.g. `1.63 KB`. */
function memoryText(vars: readonly { shape: readonly number[]; dtype: DType }[]): string {
  let size = [...new Set(vars)].reduce((a, v) => a + v.shape.reduce((x, y) => x * y, 1) * dtypeBits(v.dtype), 0) / 8
  for (const unit of ['B', 'KB', 'MB', 'GB', 'TB']) {
    if (size / 1024 < 1) return `${size.toFixed(2)} ${unit}`
    size /= 1024
  }
  return `${size.toFixed(2)} PB`
}

/** Python's `round` (half to even), which rich's `ratio_reduce` uses. */
function roundHalfEven(x: number): number {
  const r = Math.round(x)
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** Rich's column-width fitting for fixed-width columns: shrink evenly (by `ratio_reduce`) until the table fits. */
function fitWidths(widths: readonly number[], maxWidth: number): number[] {
  let out = widths.map((w) => Math.min(w + 2, maxWidth))
  let excess = out.reduce((a, b) => a + b, 0) - maxWidth
  if (excess <= 0) return out
  let ratioLeft = out.length
  out = out.map((w) => {
    const cut = Math.min(w, roundHalfEven(excess / ratioLeft))
    excess -= cut
    ratioLeft -= 1
    return w - cut
  })
  return out
}

/** Rich's `Text.wrap` of one line with overflow "ellipsis": word wrapping, then justification to `width`. */
function wrapCell(text: string, width: number, align: Align): string[] {
  const breaks: number[] = []
  let offset = 0
  for (const m of text.matchAll(/\s*\S+\s*/g)) {
    const start = m.index
    const wordLength = m[0].trimEnd().length
    if (width - offset >= wordLength) offset += m[0].length
    else if (wordLength > width) { if (start) breaks.push(start); offset = m[0].length } else if (offset && start) { breaks.push(start); offset = m[0].length }
  }
  const lines = [0, ...breaks].map((b, i) => text.slice(b, breaks[i] ?? text.length))
  return lines.map((raw) => {
    let line = raw
    if (line.length > width) line = line.slice(0, line.length - Math.min(line.length - width, line.length - line.trimEnd().length))
    if (align !== 'left') line = line.trimEnd()
    if (line.length > width) line = `${line.slice(0, width - 1)}…`
    if (align === 'right') return line.padStart(width)
    if (align === 'center') return (' '.repeat(Math.floor((width - line.length) / 2)) + line).padEnd(width)
    return line.padEnd(width)
  })
}

/** A `rich.table.Table(show_lines=True)` with the HEAVY_HEAD box, each line cropped to the console width. */
function renderTable(header: readonly string[], align: readonly Align[], columnWidths: readonly number[], rows: readonly string[][], tableWidth: number): string[] {
  const widths = fitWidths(columnWidths, tableWidth - (header.length + 1))
  const rule = (l: string, fill: string, mid: string, r: string): string => l + widths.map((w) => fill.repeat(w)).join(mid) + r
  const rowLines = (cells: readonly string[], bar: string, bottom: boolean): string[] => {
    const wrapped = cells.map((c, i) => wrapCell(c, widths[i]! - 2, align[i]!))
    const height = Math.max(...wrapped.map((w) => w.length))
    const out: string[] = []
    for (let k = 0; k < height; k++) {
      const parts = wrapped.map((w, i) => {
        const idx = bottom ? k - (height - w.length) : k
        return ` ${w[idx] ?? ' '.repeat(widths[i]! - 2)} `
      })
      out.push(bar + parts.join(bar) + bar)
    }
    return out
  }
  const lines = [rule('┏', '━', '┳', '┓'), ...rowLines(header, '┃', true), rule('┡', '━', '╇', '┩')]
  rows.forEach((r, i) => {
    if (i > 0) lines.push(rule('├', '─', '┼', '┤'))
    lines.push(...rowLines(r, '│', false))
  })
  lines.push(rule('└', '─', '┴', '┘'))
  return lines.map((l) => l.slice(0, CONSOLE_WIDTH))
}

function layerRangeBounds(layers: readonly Layer[], range: readonly [string, string] | undefined): [number, number] {
  if (!range) return [0, layers.length]
  const match = (p: string): number[] => layers.flatMap((l, i) => (new RegExp(`^(?:${p})`).test(l.name) ? [i] : []))
  const lower = match(range[0])
  const upper = match(range[1])
  if (!lower.length || !upper.length) throw new InvalidArgumentError(`Passed layer_names do not match the layer names in the model. Received: layerRange=${fmt(range)}`)
  const lo = Math.min(...lower)
  const hi = Math.max(...upper)
  return lo > hi ? [Math.min(...upper), Math.max(...lower) + 1] : [lo, hi + 1]
}

/** The layers a model lists in its summary: graph order for Functional models, `layers` otherwise. */
function summaryLayers(model: Layer): Layer[] {
  return isGraph(model) && !('functional' in model) ? kerasGraphOrder(model).layers : (model as SummaryModel).layers
}

/**
 * Formats the summary exactly as Keras 3 prints it (`model.summary(print_fn=...)`).
 *
 * @example
 * ```ts
 * const text = formatSummary(model, { showTrainable: true })
 * ```
 */
export function formatSummary(model: Layer & { layers: Layer[] }, options: SummaryOptions = {}): string {
  const graph = isGraph(model) && !('functional' in model) ? kerasGraphOrder(model) : undefined
  const layers = graph ? graph.layers : model.layers
  const sequentialLike = !graph || isSequentialLike(graph.nodesByDepth, model.layers)
  let lineLength = sequentialLike ? 88 : 108
  let positions = options.positions?.slice() ?? (sequentialLike ? [0.45, 0.8, 1] : [0.3, 0.56, 0.74, 1])
  const header = sequentialLike ? ['Layer (type)', 'Output Shape', 'Param #'] : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to']
  const align: Align[] = sequentialLike ? ['left', 'left', 'right'] : ['left', 'left', 'right', 'left']
  if (options.showTrainable) {
    lineLength += 12
    positions = [...positions.map((p) => p * 0.9), 1]
    header.push('Trainable')
    align.push('center')
  }
  lineLength = options.lineLength ?? Math.min(lineLength, CONSOLE_WIDTH - 4)
  const columnWidths: number[] = []
  let current = 0
  for (const p of positions) {
    const w = Math.trunc(p * lineLength) - current
    if (w < 4) throw new InvalidArgumentError(`Insufficient console width to print summary. Received: lineLength=${lineLength}, positions=${fmt(positions)}`)
    columnWidths.push(w)
    current += w
  }
  const relevant = new Set(graph?.nodesByDepth.flat() ?? [])
  const connections = (layer: Layer): string => {
    const parts: string[] = []
    for (const node of layer.inboundNodes) {
      if (relevant.size && !relevant.has(node)) continue
      for (const kt of node.inputTensors) {
        const h = historyOf(kt)
        parts.push(`${h.layer.name}[${h.nodeIndex}][${h.tensorIndex}]`)
      }
    }
    return parts.length ? parts.join(', ') : '-'
  }
  const rowsOf = (layer: Layer, level: number): string[][] => {
    const prefix = level ? `${'   '.repeat(level)}└ ` : ''
    const fields = [`${prefix}${layer.name} (${layer.className})`, outputShapeText(layer), layer.built ? withCommas(countParams(layer.weights)) : '0 (unbuilt)']
    if (!sequentialLike) fields.push(connections(layer))
    if (options.showTrainable) fields.push(layer.weights.length > 0 ? (layer.trainable ? 'Y' : 'N') : '-')
    const rows = [fields]
    if (options.expandNested && isModelLike(layer)) for (const l of summaryLayers(layer)) rows.push(...rowsOf(l, level + 1))
    return rows
  }
  const [lo, hi] = layerRangeBounds(layers, options.layerRange)
  const rows = layers.slice(lo, hi).flatMap((l) => rowsOf(l, 0))
  const trainable = model.trainableWeights
  const nonTrainable = model.nonTrainableWeights
  const trainableCount = countParams(trainable)
  const nonTrainableCount = countParams(nonTrainable)
  const lines = [
    `Model: "${model.name}"`,
    ...renderTable(header, align, columnWidths, rows, lineLength),
    ` Total params: ${withCommas(trainableCount + nonTrainableCount)} (${memoryText([...trainable, ...nonTrainable])})`,
    ` Trainable params: ${withCommas(trainableCount)} (${memoryText(trainable)})`,
    ` Non-trainable params: ${withCommas(nonTrainableCount)} (${memoryText(nonTrainable)})`,
  ]
  return `${lines.join('\n')}\n`
}
