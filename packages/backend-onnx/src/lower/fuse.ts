/**
 * @file Whole-program fusions: float32 subgraphs that one ONNX operator computes, lowered as that
 * operator so ORT can fuse further — `select_n(x > 0, 0, x)` (kx's relu) as `Relu` (folded into the
 * preceding Conv/Gemm; MaxPool then stays in ORT's blocked layout), and the max-shifted softmax
 * decomposition as `Softmax` (when no backward pass reads its exponentials). They differ from their
 * decompositions only at NaN / −0 corners (`Relu` keeps NaN, like JAX's relu, and −0), so they apply
 * when `exactNaN` is off.
 */
import type { AbstractValue, Dim } from '@kx/core'
import type { GraphBuilder, LVal } from '../onnx/builder.js'
import type { Program, ProgramEquation } from './graph.js'
import { relu } from './elementwise.js'

/** Lowers a fused equation: its one output name from the values of program ids. */
export type FusedLowering = (b: GraphBuilder, value: (id: number) => LVal) => string

interface Ctx {
  /** The equation producing each value id. */
  readonly producer: ReadonlyMap<number, ProgramEquation>
  readonly constants: ReadonlyMap<number, ArrayLike<number>>
  readonly avals: ReadonlyMap<number, AbstractValue>
  /** Readers of each value (equations and program outputs). */
  readonly uses: ReadonlyMap<number, number>
}

const sameShape = (a: readonly Dim[], b: readonly Dim[]): boolean => a.length === b.length && a.every((d, i) => d === b[i])

/** A constant of +0s only. */
function isZeros(c: Ctx, id: number): boolean {
  const v = c.constants.get(id)
  if (!v || v.length === 0) return false
  for (let i = 0; i < v.length; i++) if (!Object.is(v[i], 0)) return false
  return true
}

/** `select_n(gt(x, 0), 0, x)` → the value x. */
function reluSource(c: Ctx, eq: ProgramEquation): number | undefined {
  const [pred, onFalse, onTrue] = eq.inputs
  if (eq.inputs.length !== 3 || eq.outputs[0]!.aval.dtype !== 'float32') return undefined
  const cmp = c.producer.get(pred!)
  if (!cmp || cmp.prim !== 'gt' || cmp.inputs[0] !== onTrue || !isZeros(c, cmp.inputs[1]!) || !isZeros(c, onFalse!)) return undefined
  return onTrue
}

/** `full` without `axis`. */
const drop = (full: readonly Dim[], axis: number): Dim[] => [...full.slice(0, axis), ...full.slice(axis + 1)]

/**
 * When `id` is `prim(x, [axis])` broadcast back to `x`'s shape `full` (through `stop_gradient`, a
 * keepdims `reshape` and one `broadcast_in_dim`), returns `x` and the axis.
 */
function broadcastReduction(c: Ctx, id: number, prim: string, full: readonly Dim[]): { x: number; axis: number } | undefined {
  let cur = id
  // The reduced axis once known, and whether `cur` still has it (as a 1) or has the reduced rank.
  let axis: number | undefined
  let keptDim = true
  for (let step = 0; step < 6; step++) {
    const eq = c.producer.get(cur)
    const inShape = eq && c.avals.get(eq.inputs[0]!)?.shape
    if (!eq || !inShape) return undefined
    if (eq.prim === 'stop_gradient') { cur = eq.inputs[0]!; continue }
    if (eq.prim === 'broadcast_in_dim' && axis === undefined) {
      const dims = (eq.params as { broadcastDimensions: readonly number[] }).broadcastDimensions
      if (!sameShape(eq.outputs[0]!.aval.shape, full)) return undefined
      if (inShape.length === full.length && dims.every((d, i) => d === i)) {
        const ones = [...full.keys()].filter((a) => inShape[a] !== full[a])
        if (ones.length !== 1 || inShape[ones[0]!] !== 1) return undefined
        axis = ones[0]!
      } else if (inShape.length === full.length - 1) {
        axis = [...full.keys()].find((a) => !dims.includes(a))
        if (axis === undefined || dims.some((d, i) => d !== (i < axis! ? i : i + 1)) || !sameShape(inShape, drop(full, axis))) return undefined
        keptDim = false
      } else return undefined
      cur = eq.inputs[0]!
      continue
    }
    if (eq.prim === 'reshape' && axis !== undefined && keptDim) {
      if (!sameShape(inShape, drop(full, axis))) return undefined
      keptDim = false
      cur = eq.inputs[0]!
      continue
    }
    if (eq.prim === prim && axis !== undefined && !keptDim) {
      const axes = (eq.params as { axes: readonly number[] }).axes
      if (axes.length !== 1 || axes[0] !== axis || !sameShape(inShape, full)) return undefined
      return { x: eq.inputs[0]!, axis }
    }
    return undefined
  }
  return undefined
}

/** `div(e, bcast(reduce_sum(e)))` with `e = exp(sub(x, bcast(reduce_max(x))))`, one axis → x and the axis. */
function softmaxSource(c: Ctx, eq: ProgramEquation): { x: number; axis: number } | undefined {
  const out = eq.outputs[0]!.aval
  if (out.dtype !== 'float32' || out.shape.length === 0) return undefined
  const [e, denom] = eq.inputs
  const sum = broadcastReduction(c, denom!, 'reduce_sum', out.shape)
  if (!sum || sum.x !== e) return undefined
  // Only when nothing else reads the exponentials (a backward pass does): else both would be computed.
  const ex = c.producer.get(e!)
  if (ex?.prim !== 'exp' || c.uses.get(e!) !== 2) return undefined
  const sub = c.producer.get(ex.inputs[0]!)
  if (sub?.prim !== 'sub' || c.uses.get(ex.inputs[0]!) !== 1) return undefined
  const [x, shift] = sub.inputs
  if (!sameShape(c.avals.get(x!)?.shape ?? [], out.shape)) return undefined
  const max = broadcastReduction(c, shift!, 'reduce_max', out.shape)
  if (!max || max.x !== x || max.axis !== sum.axis) return undefined
  return { x: x!, axis: sum.axis }
}

/**
 * The fusions of a program, by equation index (the other equations of a pattern still lower; those
 * no output needs are pruned).
 *
 * @example
 * ```ts
 * const fused = fusions(program) // Map { 5 => lowers Relu(x) }
 * ```
 */
export function fusions(p: Program): Map<number, FusedLowering> {
  const producer = new Map<number, ProgramEquation>()
  const avals = new Map<number, AbstractValue>()
  for (const i of p.inputs) avals.set(i.id, i.aval)
  for (const k of p.constants) avals.set(k.id, k.aval)
  for (const eq of p.equations) for (const o of eq.outputs) { producer.set(o.id, eq); avals.set(o.id, o.aval) }
  const uses = new Map<number, number>()
  for (const id of [...p.equations.flatMap((eq) => eq.inputs), ...p.outputs.map((o) => o.id)]) uses.set(id, (uses.get(id) ?? 0) + 1)
  const c: Ctx = { producer, constants: new Map(p.constants.map((k) => [k.id, k.values as ArrayLike<number>])), avals, uses }
  const out = new Map<number, FusedLowering>()
  p.equations.forEach((eq, i) => {
    if (eq.prim === 'select_n') {
      const x = reluSource(c, eq)
      if (x !== undefined) out.set(i, (b, value) => relu(b, value(x).name))
    } else if (eq.prim === 'div') {
      const s = softmaxSource(c, eq)
      if (s) out.set(i, (b, value) => b.op('Softmax', [value(s.x).name], { axis: s.axis }))
    }
  })
  return out
}
