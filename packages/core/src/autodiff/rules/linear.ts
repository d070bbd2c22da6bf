/** @file VJP rules of the linear primitives: dot_general, the convolution and its adjoints, pooling windows. */
import { NotImplementedError, fmt } from '../../errors.js'
import { isFloat } from '../../dtype.js'
import type { Dim } from '../../shape.js'
import type { Tensor } from '../../tensor.js'
import * as lax from '../../lax.js'
import { full } from '../../creation.js'
import { needsCt, type VjpRule } from '../../primitives/def.js'
import type { ConvParams, WindowParams } from '../../primitives/types.js'
import { range } from '../../primitives/linear.js'
import { scalarOf } from './helpers.js'

/**
 * Cotangent of one dot_general operand `x` given the output cotangent `g` and the other operand:
 * contract g's "other free" dims with the other's free dims, batch over the batch dims, then
 * transpose the result to x's own dimension order. Uses only dot_general and transpose.
 */
function dotTransposeOperand(g: Tensor, other: Tensor, xRank: number, xDims: { c: readonly number[]; b: readonly number[] },
  oDims: { c: readonly number[]; b: readonly number[] }, xIsLhs: boolean): Tensor {
  const nb = xDims.b.length
  const xFree = range(0, xRank).filter((d) => !xDims.c.includes(d) && !xDims.b.includes(d))
  const oFree = range(0, other.shape.length).filter((d) => !oDims.c.includes(d) && !oDims.b.includes(d))
  // g = [batch, lhsFree, rhsFree]: where the other operand's free dims sit in g.
  const gOther = xIsLhs ? range(nb + xFree.length, nb + xFree.length + oFree.length) : range(nb, nb + oFree.length)
  const gBatch = range(0, nb)
  // The other's contracting dims survive as free dims, in ascending order; map them back to x's dims.
  const xContractByOther = xDims.c.map((d, i) => [oDims.c[i]!, d] as const).sort((a, b) => a[0] - b[0]).map((p) => p[1])
  // NOTE: g goes first for lhs and last for rhs so that plain (batched) matmul needs no transpose.
  const r = xIsLhs
    ? lax.dotGeneral(g, other, [gOther, oFree], [gBatch, oDims.b])
    : lax.dotGeneral(other, g, [oFree, gOther], [oDims.b, gBatch])
  const order = xIsLhs ? [...xDims.b, ...xFree, ...xContractByOther] : [...xDims.b, ...xContractByOther, ...xFree]
  return lax.transpose(r, range(0, xRank).map((d) => order.indexOf(d)))
}

/** Only the shared ConvParams (the adjoints carry one extra shape param). */
const convParams = (p: ConvParams): ConvParams => ({
  windowStrides: p.windowStrides, padding: p.padding, lhsDilation: p.lhsDilation, rhsDilation: p.rhsDilation, featureGroupCount: p.featureGroupCount,
})

const windowOf = (p: WindowParams): WindowParams => ({ windowDimensions: p.windowDimensions, windowStrides: p.windowStrides, padding: p.padding })

/**
 * Transpose of a sum-window (JAX's formulation): spread the cotangent back by padding it with
 * `stride - 1` interior zeros and the edge padding of the transposed window, then sum-window it
 * with stride 1. The window is all ones, so it needs no reversal.
 */
function sumWindowTranspose(g: Tensor, operandShape: readonly number[], w: WindowParams): Tensor {
  const lo: number[] = []
  const hi: number[] = []
  operandShape.forEach((n, d) => {
    const k = w.windowDimensions[d]!
    const s = w.windowStrides[d]!
    const m = g.shape[d] as Dim
    const before = k - 1 - w.padding[d]![0]
    lo.push(before)
    if (n === null || m === null) {
      // An unknown dim (symbolic batch) is fine where the window does not touch it.
      if (k === 1 && s === 1 && w.padding[d]![0] === 0 && w.padding[d]![1] === 0) { hi.push(0); return }
      throw new NotImplementedError(`The gradient of \`reduce_window\` needs known sizes along windowed dims. Received: operand.shape=${fmt(operandShape)}, windowDimensions=${fmt(w.windowDimensions)}`)
    }
    hi.push(n + k - 1 - (m === 0 ? 0 : (m - 1) * s + 1) - before)
  })
  const padded = lax.pad(g, scalarOf(g, 0), lo, hi, w.windowStrides.map((s) => s - 1))
  const ones = operandShape.map(() => 1)
  return lax.reduceWindow(padded, 'sum', { windowDimensions: w.windowDimensions, windowStrides: ones, padding: ones.map(() => [0, 0] as const) })
}

/**
 * Transpose of `select_and_scatter_add` in its source: `out[w] = G[argmax of window w]`, written
 * with window-offset slices so it stays differentiable: for each window offset k (row-major, the
 * order the forward pass scans), take the strided slice of the padded operand, cotangent and
 * validity mask; the first offset whose value equals the window max (and is not padding) wins.
 */
function selectAndGather(gOperand: Tensor, operand: Tensor, w: WindowParams, outShape: readonly number[]): Tensor {
  const r = operand.shape.length
  if ([...operand.shape, ...outShape].some((d) => (d as Dim) === null)) {
    throw new NotImplementedError(`Second-order max/min-pool gradients need fully known shapes. Received: operand.shape=${fmt(operand.shape)}`)
  }
  const where = operand.isSymbolic ? undefined : operand.backend
  if (outShape.some((d) => d === 0)) return full(outShape, 0, gOperand.dtype, where)
  const lo = w.padding.map((p) => p[0])
  const hi = w.padding.map((p) => p[1])
  const xp = lax.pad(operand, scalarOf(operand, -Infinity), lo, hi)
  const gp = lax.pad(gOperand, scalarOf(gOperand, 0), lo, hi)
  const validp = lax.pad(full(operand.shape, true, 'bool', where), full([], false, 'bool', where), lo, hi)
  let offsets: number[][] = [[]]
  for (let d = 0; d < r; d++) offsets = offsets.flatMap((o) => range(0, w.windowDimensions[d]!).map((k) => [...o, k]))
  const at = (t: Tensor, k: readonly number[]): Tensor => lax.slice(t, k, k.map((kk, d) => kk + (outShape[d]! - 1) * w.windowStrides[d]! + 1), w.windowStrides)
  const xs = offsets.map((k) => at(xp, k))
  // Padding holds -inf, so the max over all offsets is the max over the window's real elements.
  const best = xs.reduce((m, v) => lax.max(m, v))
  let found = full(outShape, false, 'bool', where)
  let out = full(outShape, 0, gOperand.dtype, where)
  offsets.forEach((k, i) => {
    const hit = lax.binary('and', lax.binary('and', lax.eq(xs[i]!, best), at(validp, k)), lax.unary('not', found))
    out = lax.select(hit, at(gp, k), out)
    found = lax.binary('or', found, hit)
  })
  return out
}

// d(x·y) = dx·y + x·dy: each operand's cotangent contracts g with the other operand.
export const dot_general: VjpRule<'dot_general'> = (args) => {
  const { cotangents: [g], inputs: [x, y], params: { contracting, batch } } = args
  if (!g || !isFloat(x!.dtype)) return [null, null]
  const ld = { c: contracting[0], b: batch[0] }
  const rd = { c: contracting[1], b: batch[1] }
  return [
    needsCt(args, 0) ? dotTransposeOperand(g, y!, x!.shape.length, ld, rd, true) : null,
    needsCt(args, 1) ? dotTransposeOperand(g, x!, y!.shape.length, rd, ld, false) : null,
  ]
}

// conv is bilinear: its adjoints in lhs and rhs are the two transpose primitives.
export const conv_general_dilated: VjpRule<'conv_general_dilated'> = (args) => {
  const { cotangents: [g], inputs: [lhs, rhs], params } = args
  if (!g || !isFloat(lhs!.dtype)) return [null, null]
  const p = convParams(params)
  return [
    needsCt(args, 0) ? lax.convTransposeLhs(g, rhs!, p, lhs!.shape) : null,
    needsCt(args, 1) ? lax.convTransposeRhs(lhs!, g, p, rhs!.shape) : null,
  ]
}

// <T_lhs(ct, w), G> = <ct, conv(G, w)> = <w, T_rhs(G, ct)>
export const conv_transpose_lhs: VjpRule<'conv_transpose_lhs'> = (args) => {
  const { cotangents: [g], inputs: [ct, rhs], params } = args
  if (!g || !isFloat(ct!.dtype)) return [null, null]
  const p = convParams(params)
  return [needsCt(args, 0) ? lax.conv(g, rhs!, p) : null, needsCt(args, 1) ? lax.convTransposeRhs(g, ct!, p, rhs!.shape) : null]
}

// <T_rhs(x, ct), G> = <ct, conv(x, G)> = <x, T_lhs(ct, G)>
export const conv_transpose_rhs: VjpRule<'conv_transpose_rhs'> = (args) => {
  const { cotangents: [g], inputs: [lhs, ct], params } = args
  if (!g || !isFloat(lhs!.dtype)) return [null, null]
  const p = convParams(params)
  return [needsCt(args, 0) ? lax.convTransposeLhs(ct!, g, p, lhs!.shape) : null, needsCt(args, 1) ? lax.conv(lhs!, g, p) : null]
}

export const reduce_window: VjpRule<'reduce_window'> = ({ cotangents: [g], inputs: [x], params }) => {
  if (!g || !isFloat(x!.dtype)) return [null]
  const w = windowOf(params)
  if (params.computation === 'sum') return [sumWindowTranspose(g, x!.shape, w)]
  // max picks each window's first maximum; min is max of the negated operand.
  return [lax.selectAndScatterAdd(g, params.computation === 'max' ? x! : lax.neg(x!), w)]
}

// Linear in source; the operand only selects positions, so it gets no gradient.
export const select_and_scatter_add: VjpRule<'select_and_scatter_add'> = ({ cotangents: [g], inputs: [source, operand], params }) => {
  if (!g || !isFloat(source!.dtype)) return [null, null]
  return [selectAndGather(g, operand!, windowOf(params), source!.shape), null]
}
