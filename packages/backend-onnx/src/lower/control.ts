/**
 * @file Lowerings of the structured control-flow primitives: `cond` → nested `If`, `while` → `Loop`
 * with a condition, `scan` → `Loop` with a trip count and scan outputs. Sub-graphs become ONNX
 * sub-graphs that read outer values (consts, scanned inputs) by name.
 */
import { UnsupportedOpError, type AbstractValue, type ControlPrimParams, type Graph } from '@kx/core'
import type { GraphBuilder, LVal } from '../onnx/builder.js'
import { ONNX_TYPE, type OnnxGraph, type OnnxNode, type OnnxValueInfo } from '../onnx/proto.js'
import { STORAGE, rawBytes } from '../onnx/dtypes.js'

/** Lowers one equation (the shared entry, injected to avoid an import cycle with graph.ts). */
export type EquationLowerer = (b: GraphBuilder, prim: string, inputs: readonly LVal[], params: unknown, outputs: readonly AbstractValue[]) => string[]

/** Lowers a closed core sub-graph into the builder's current node list; returns its output values. */
function lowerBody(b: GraphBuilder, g: Graph, inputs: readonly LVal[], lower: EquationLowerer): LVal[] {
  const env = new Map<number, LVal>()
  g.inputs.forEach((v, i) => env.set(v.id, { ...inputs[i]!, shape: v.aval.shape, dtype: v.aval.dtype }))
  for (const c of g.constants) {
    if (c.value.isSymbolic || !c.value.backend.readSync) throw new UnsupportedOpError(`A control-flow body captures a constant that cannot be read synchronously. Received: prim=${b.prim}, onnxOp=Loop`)
    const d = c.var.aval.dtype
    const name = b.rawConstant(rawBytes(c.value.dataSync() as ArrayLike<number>, STORAGE[d]), STORAGE[d], c.var.aval.shape as number[])
    env.set(c.var.id, { name, shape: c.var.aval.shape, dtype: d })
  }
  for (const eq of g.equations) {
    const outs = lower(b, eq.prim, eq.inputs.map((v) => env.get(v.id)!), eq.params, eq.outputs.map((v) => v.aval))
    eq.outputs.forEach((v, i) => env.set(v.id, { name: outs[i]!, shape: v.aval.shape, dtype: v.aval.dtype }))
  }
  return g.outputs.map((v) => env.get(v.id)!)
}

const info = (name: string, v: { shape: readonly (number | null)[]; dtype: LVal['dtype'] }): OnnxValueInfo =>
  ({ name, dataType: STORAGE[v.dtype], dims: v.shape.map((d) => d) })

/**
 * Runs `build` with the builder collecting nodes into a fresh list, and returns those nodes. Outputs
 * are copied by `Identity` into fresh names (an ONNX sub-graph output must be produced inside it).
 */
function subgraph(b: GraphBuilder, name: string, inputs: readonly OnnxValueInfo[], build: () => LVal[]): OnnxGraph {
  const saved = b.nodes
  const nodes: OnnxNode[] = []
  b.nodes = nodes
  try {
    const outs = build()
    const outputs = outs.map((o) => {
      const n = b.fresh('o')
      b.opTo('Identity', [o.name], n)
      return info(n, o)
    })
    return { name, nodes, initializers: [], inputs, outputs }
  } finally {
    b.nodes = saved
  }
}

const rank0 = (dtype: LVal['dtype']): { shape: readonly number[]; dtype: LVal['dtype'] } => ({ shape: [], dtype })

/** `cond`: the index clamped into range, then a chain of `If(index == k)` over the branches. */
export function lowerCond(b: GraphBuilder, [index, ...ops]: readonly LVal[], { branches }: ControlPrimParams['cond'], outputs: readonly AbstractValue[], lower: EquationLowerer): string[] {
  const n = branches.length
  const idx = b.op('Clip', [b.castTo(index!.name, STORAGE[index!.dtype], ONNX_TYPE.INT64), b.i64s(0), b.i64s(n - 1)])
  const build = (k: number): LVal[] => {
    if (k === n - 1) return lowerBody(b, branches[k]!, ops, lower)
    const thenG = subgraph(b, b.fresh('then'), [], () => lowerBody(b, branches[k]!, ops, lower))
    const elseG = subgraph(b, b.fresh('else'), [], () => build(k + 1))
    const outs = b.opN('If', [b.op('Equal', [idx, b.i64s(k)])], outputs.length, { then_branch: { g: thenG }, else_branch: { g: elseG } })
    return outs.map((o, i) => ({ name: o, shape: outputs[i]!.shape, dtype: outputs[i]!.dtype }))
  }
  return build(0).map((v) => v.name)
}

/** `while`: `Loop` with no trip count; the condition is evaluated before the loop and after each body. */
export function lowerWhile(b: GraphBuilder, inputs: readonly LVal[], { condGraph, body, numConsts }: ControlPrimParams['while'], outputs: readonly AbstractValue[], lower: EquationLowerer): string[] {
  const consts = inputs.slice(0, numConsts)
  const carry = inputs.slice(numConsts)
  const first = lowerBody(b, condGraph, inputs, lower)[0]!
  const iter = b.fresh('i')
  const condIn = b.fresh('c')
  const carryIn = carry.map((c) => ({ ...c, name: b.fresh('v') }))
  const g = subgraph(b, b.fresh('while'), [info(iter, rank0('int64')), info(condIn, rank0('bool')), ...carryIn.map((c) => info(c.name, c))], () => {
    const next = lowerBody(b, body, [...consts, ...carryIn], lower)
    const c = lowerBody(b, condGraph, [...consts, ...next], lower)[0]!
    return [c, ...next]
  })
  return b.opN('Loop', ['', first.name, ...carry.map((c) => c.name)], outputs.length, { body: { g } })
}

/** `scan`: `Loop` over `length` steps; step t reads `xs[t]` (reversed order for `reverse`), ys stack. */
export function lowerScan(b: GraphBuilder, inputs: readonly LVal[], params: ControlPrimParams['scan'], outputs: readonly AbstractValue[], lower: EquationLowerer): string[] {
  const { body, length, reverse, numConsts: C, numCarry: K } = params
  if (length === 0) throw new UnsupportedOpError(`A zero-length \`scan\` is not lowered to ONNX (Loop's scan outputs would have no element type to infer). Received: prim=scan, onnxOp=Loop`)
  const consts = inputs.slice(0, C)
  const carry = inputs.slice(C, C + K)
  const xs = inputs.slice(C + K)
  const iter = b.fresh('i')
  const condIn = b.fresh('c')
  const carryIn = carry.map((c) => ({ ...c, name: b.fresh('v') }))
  const g = subgraph(b, b.fresh('scan'), [info(iter, rank0('int64')), info(condIn, rank0('bool')), ...carryIn.map((c) => info(c.name, c))], () => {
    const t = reverse ? b.op('Sub', [b.i64s(length - 1), iter]) : iter
    const slices = xs.map((x) => ({ name: b.op('Gather', [x.name, t], { axis: 0 }), shape: x.shape.slice(1), dtype: x.dtype }))
    const outs = lowerBody(b, body, [...consts, ...carryIn, ...slices], lower)
    return [{ name: b.op('Identity', [condIn]), shape: [], dtype: 'bool' }, ...outs]
  })
  const res = b.opN('Loop', [b.i64s(length), '', ...carry.map((c) => c.name)], outputs.length, { body: { g } })
  if (!reverse) return res
  const I64_MIN = -(2 ** 63)
  return res.map((r, i) => (i < K ? r : b.op('Slice', [r, b.i64([-1]), b.i64([I64_MIN]), b.i64([0]), b.i64([-1])])))
}
