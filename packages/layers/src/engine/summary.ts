/** @file `model.summary()`: Keras's table of layers, output shapes and parameter counts, as text. */
import type { Layer } from './Layer.js'

/** Options of `summary()`. */
export interface SummaryOptions {
  readonly lineLength?: number
  readonly printFn?: (line: string) => void
}

function shapeText(s: unknown): string {
  if (Array.isArray(s) && s.every((d) => d === null || typeof d === 'number')) {
    return `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`
  }
  if (Array.isArray(s)) return `[${s.map(shapeText).join(', ')}]`
  return '?'
}

function countParams(vars: readonly { shape: readonly number[] }[]): number {
  return vars.reduce((a, v) => a + v.shape.reduce((x, y) => x * y, 1), 0)
}

function outputShapeOf(layer: Layer): unknown {
  const node = layer.inboundNodes[layer.inboundNodes.length - 1]
  if (node) {
    const shapes = node.outputs.map((o) => o.symbolicShape.slice())
    return shapes.length === 1 ? shapes[0] : shapes
  }
  return undefined
}

/** Formats the summary table like Keras 3 (box-drawing rules, totals, trainable / non-trainable). */
export function formatSummary(model: Layer & { layers: Layer[] }, options: SummaryOptions = {}): string {
  const width = options.lineLength ?? 65
  const cols = [Math.floor(width * 0.45), Math.floor(width * 0.3), width - Math.floor(width * 0.45) - Math.floor(width * 0.3)]
  const layers = model.layers.filter((l) => l.className !== 'InputLayer' || model.className === 'Functional')
  const pad = (t: string, w: number): string => (t.length >= w - 1 ? `${t.slice(0, w - 2)}…` : t.padEnd(w - 1))
  const row = (a: string, b: string, c: string): string => `│ ${pad(a, cols[0]! - 1)}│ ${pad(b, cols[1]! - 1)}│ ${c.padStart(cols[2]! - 3)} │`
  const rule = (l: string, m: string, r: string): string => `${l}${'━'.repeat(cols[0]!)}${m}${'━'.repeat(cols[1]!)}${m}${'━'.repeat(cols[2]!)}${r}`
  const lines: string[] = [`Model: "${model.name}"`]
  lines.push(rule('┏', '┳', '┓'))
  lines.push(row('Layer (type)', 'Output Shape', 'Param #'))
  lines.push(rule('┡', '╇', '┩'))
  layers.forEach((l, i) => {
    const out = outputShapeOf(l)
    lines.push(row(`${l.name} (${l.className})`, out === undefined ? '?' : shapeText(out), (l.built ? countParams(l.weights) : 0).toLocaleString('en-US')))
    if (i < layers.length - 1) lines.push(`├${'─'.repeat(cols[0]!)}┼${'─'.repeat(cols[1]!)}┼${'─'.repeat(cols[2]!)}┤`)
  })
  lines.push(`└${'─'.repeat(cols[0]!)}┴${'─'.repeat(cols[1]!)}┴${'─'.repeat(cols[2]!)}┘`)
  const total = countParams(model.weights)
  const trainable = countParams(model.trainableWeights)
  const bytes = model.weights.reduce((a, v) => a + v.shape.reduce((x, y) => x * y, 1) * (v.dtype === 'float64' ? 8 : v.dtype.includes('16') ? 2 : 4), 0)
  const size = (b: number): string => (b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(2)} MB` : b >= 1024 ? `${(b / 1024).toFixed(2)} KB` : `${b} B`)
  lines.push(` Total params: ${total.toLocaleString('en-US')} (${size(bytes)})`)
  lines.push(` Trainable params: ${trainable.toLocaleString('en-US')} (${size(bytes * (total ? trainable / total : 0))})`)
  lines.push(` Non-trainable params: ${(total - trainable).toLocaleString('en-US')} (${size(bytes * (total ? (total - trainable) / total : 0))})`)
  return lines.join('\n')
}
