/**
 * @file Control flow to OpenVINO sub-graphs: `scan` (recurrent layers) → `TensorIterator` (opset1):
 * consts are invariant inputs, the carry is merged through back edges, `xs` are sliced along axis 0
 * and the `ys` concatenated along it (both walked backwards for `reverse`); `while` → `Loop` (opset5)
 * with the condition evaluated before the loop and after each body; `cond` → a chain of `If` (opset8).
 * A port map's `external_port_id` is the sub-graph layer's own port id.
 */
import { UnsupportedOpError, type AbstractValue, type ControlPrimParams, type Graph } from '@kx/core'
import { binary, convert } from './common.js'
import { IrBuilder, type Port } from './ir.js'

/** Lowers one equation (the shared entry, injected to avoid an import cycle with lower.ts). */
export type IrEquationLowerer = (b: IrBuilder, prim: string, inputs: readonly Port[], params: unknown, outputs: readonly AbstractValue[]) => Port[]

/** Lowers a closed core sub-graph into `b` (its captured constants read synchronously); returns its outputs. */
function lowerBody(b: IrBuilder, g: Graph, inputs: readonly Port[], lower: IrEquationLowerer): Port[] {
  if (g.variableReads.length) b.unsupported('TensorIterator', 'the body reads variables')
  const env = new Map<number, Port>()
  g.inputs.forEach((v, i) => env.set(v.id, inputs[i]!))
  for (const c of g.constants) {
    if (c.value.isSymbolic || !c.value.backend.readSync) throw new UnsupportedOpError(`OpenVINO IR export: a control-flow body captures a constant that cannot be read synchronously. Received: prim=${b.prim}`)
    env.set(c.var.id, b.constant(c.value.dataSync() as ArrayLike<number>, c.var.aval.dtype, c.var.aval.shape as number[]))
  }
  for (const eq of g.equations) {
    const outs = lower(b, eq.prim, eq.inputs.map((v) => env.get(v.id)!), eq.params, eq.outputs.map((v) => v.aval))
    eq.outputs.forEach((v, i) => env.set(v.id, outs[i]!))
  }
  return g.outputs.map((v) => env.get(v.id)!)
}

/** `scan` as a `TensorIterator` over `length` steps of axis 0. */
export function lowerScan(b: IrBuilder, inputs: readonly Port[], params: ControlPrimParams['scan'], outputs: readonly AbstractValue[], lower: IrEquationLowerer): Port[] {
  const { body, length, reverse, numConsts: C, numCarry: K } = params
  if (length === 0) b.unsupported('TensorIterator', 'a zero-length scan')
  const xs = inputs.slice(C + K)
  const inner = new IrBuilder(b)
  // Body parameters: consts and carry as they are, each x as its [1, ...] slice (squeezed for the body).
  const params_ = inputs.map((p, i) => inner.parameter(`scan_in_${i}`, p.dtype, i < C + K ? p.shape : [1, ...p.shape.slice(1)]))
  const steps = params_.slice(C + K).map((p, j) => inner.op('Squeeze', [p, inner.i64([0])], { dtype: p.dtype, shape: xs[j]!.shape.slice(1) }))
  const outs = lowerBody(inner, body, [...params_.slice(0, C + K), ...steps], lower)
  const carryOut = outs.slice(0, K).map((p) => inner.sink(p))
  const ysOut = outs.slice(K).map((p) => inner.sink(inner.op('Unsqueeze', [p, inner.i64([0])], { dtype: p.dtype, shape: [1, ...p.shape] })))
  const walk = reverse ? 'start="-1" end="0" stride="-1"' : 'start="0" end="-1" stride="1"'
  const n = inputs.length
  const portMap = [
    '<port_map>',
    ...inputs.map((_, i) => (i < C + K
      ? `\t<input external_port_id="${i}" internal_layer_id="${params_[i]!.layer}" />`
      : `\t<input axis="0" external_port_id="${i}" internal_layer_id="${params_[i]!.layer}" ${walk} part_size="1" />`)),
    ...carryOut.map((id, k) => `\t<output external_port_id="${n + k}" internal_layer_id="${id}" />`),
    ...ysOut.map((id, j) => `\t<output axis="0" external_port_id="${n + K + j}" internal_layer_id="${id}" ${walk} part_size="1" />`),
    '</port_map>',
    '<back_edges>',
    ...carryOut.map((id, k) => `\t<edge from-layer="${id}" to-layer="${params_[C + k]!.layer}" />`),
    '</back_edges>',
    '<body>', ...inner.graphLines('\t'), '</body>',
  ]
  return b.subgraphOp('TensorIterator', 'opset1', inputs, outputs, portMap)
}

/** `while` as a `Loop` with no trip count: the body, then the condition on its results, until false. */
export function lowerWhile(b: IrBuilder, inputs: readonly Port[], { condGraph, body, numConsts: C }: ControlPrimParams['while'], outputs: readonly AbstractValue[], lower: IrEquationLowerer): Port[] {
  const first = convert(b, lowerBody(b, condGraph, inputs, lower)[0]!, 'bool')
  const inner = new IrBuilder(b)
  const params_ = inputs.map((p, i) => inner.parameter(`while_in_${i}`, p.dtype, p.shape))
  const next = lowerBody(inner, body, params_, lower)
  const again = convert(inner, lowerBody(inner, condGraph, [...params_.slice(0, C), ...next], lower)[0]!, 'bool')
  const condId = inner.sink(again)
  const carryOut = next.map((p) => inner.sink(p))
  const loopInputs = [b.scalar(-1, 'int64'), first, ...inputs]
  const portMap = [
    '<port_map>',
    ...inputs.map((_, i) => `\t<input external_port_id="${i + 2}" internal_layer_id="${params_[i]!.layer}" />`),
    ...carryOut.map((id, k) => `\t<output external_port_id="${loopInputs.length + k}" internal_layer_id="${id}" />`),
    `\t<output external_port_id="-1" internal_layer_id="${condId}" purpose="execution_condition" />`,
    '</port_map>',
    '<back_edges>',
    ...carryOut.map((id, k) => `\t<edge from-layer="${id}" to-layer="${params_[C + k]!.layer}" />`),
    '</back_edges>',
    '<body>', ...inner.graphLines('\t'), '</body>',
  ]
  return b.subgraphOp('Loop', 'opset5', loopInputs, outputs, portMap)
}

/** `cond` (a clamped branch index): `If(index == k, branch k, …)` nested in the else bodies. */
export function lowerCond(b: IrBuilder, [index, ...ops]: readonly Port[], { branches }: ControlPrimParams['cond'], outputs: readonly AbstractValue[], lower: IrEquationLowerer): Port[] {
  const n = branches.length
  const clamped = binary(b, 'Minimum', binary(b, 'Maximum', convert(b, index!, 'int64'), b.scalar(0, 'int64')), b.scalar(n - 1, 'int64'))
  const build = (at: IrBuilder, k: number, idx: Port, operands: readonly Port[]): Port[] => {
    if (k === n - 1) return lowerBody(at, branches[k]!, operands, lower)
    const ins = [idx, ...operands]
    const arm = (tag: string, fill: (inner: IrBuilder, params: readonly Port[]) => Port[]): { lines: string[]; map: string[] } => {
      const inner = new IrBuilder(at)
      const params_ = ins.map((p, i) => inner.parameter(`${tag}_in_${i}`, p.dtype, p.shape))
      const sinks = fill(inner, params_).map((p) => inner.sink(p))
      const map = [
        ...params_.map((p, i) => `\t<input external_port_id="${i + 1}" internal_layer_id="${p.layer}" />`),
        ...sinks.map((id, j) => `\t<output external_port_id="${ins.length + 1 + j}" internal_layer_id="${id}" />`),
      ]
      return { lines: inner.graphLines('\t'), map }
    }
    const then = arm('then', (inner, ps) => lowerBody(inner, branches[k]!, ps.slice(1), lower))
    const other = arm('else', (inner, ps) => build(inner, k + 1, ps[0]!, ps.slice(1)))
    const pred = binary(at, 'Equal', idx, at.scalar(k, 'int64'), 'bool')
    return at.subgraphOp('If', 'opset8', [pred, ...ins], outputs, [
      '<then_port_map>', ...then.map, '</then_port_map>', '<else_port_map>', ...other.map, '</else_port_map>',
      '<then_body>', ...then.lines, '</then_body>', '<else_body>', ...other.lines, '</else_body>',
    ])
  }
  return build(b, 0, clamped, ops)
}
