/** @file VJP rules of the reduce primitives: reduce_{sum,max,min,prod,and,or}, argmax/argmin and the cumulative scans. */
import { isFloat } from '../../dtype.js'
import type { Tensor } from '../../tensor.js'
import * as lax from '../../lax.js'
import { full } from '../../creation.js'
import type { VjpRule } from '../../primitives/def.js'
import { CUMULATIVE_PRIMS, REDUCE_PRIMS, type CumulativePrim, type ReducePrim } from '../../primitives/types.js'
import { inversePermutation, scatterAddAlongAxis, shiftAlong, zerosOf } from './helpers.js'

const keptDims = (rank: number, axes: readonly number[]): number[] => Array.from({ length: rank }, (_, i) => i).filter((i) => !axes.includes(i))

/** d(max x) / d(min x): the cotangent is shared evenly between the tied extreme positions (as JAX). */
function extremeVjp(x: Tensor, y: Tensor, g: Tensor, axes: readonly number[]): Tensor {
  const kept = keptDims(x.shape.length, axes)
  const mask = lax.convertElementType(lax.eq(x, lax.broadcastInDim(y, x.shape, kept)), x.dtype)
  const count = lax.reduceSum(mask, axes)
  return lax.mul(mask, lax.broadcastInDim(lax.div(g, count), x.shape, kept))
}

/**
 * d(prod x)/dx_i = prod_{j<i} x_j · prod_{j>i} x_j, from exclusive cumulative products in both
 * directions along the flattened reduced axes.
 */
// NOTE: no division by x, so it is exact when one or more elements are zero (and stays differentiable).
function prodVjp(x: Tensor, g: Tensor, axes: readonly number[]): Tensor {
  if (x.size === 0) return zerosOf(x, x.shape)
  const kept = keptDims(x.shape.length, axes)
  const perm = [...kept, ...axes]
  const rows = kept.reduce((a, d) => a * x.shape[d]!, 1)
  const n = axes.reduce((a, d) => a * x.shape[d]!, 1)
  const xt = lax.reshape(lax.transpose(x, perm), [rows, n])
  const left = shiftAlong(lax.cumulative('cumprod', xt, 1), 1, 1, 1)
  const right = shiftAlong(lax.cumulative('cumprod', xt, 1, true), 1, -1, 1)
  const gb = lax.broadcastInDim(lax.reshape(g, [rows]), [rows, n], [0])
  const gt = lax.mul(lax.mul(left, right), gb)
  return lax.transpose(lax.reshape(gt, perm.map((p) => x.shape[p]!)), inversePermutation(perm))
}

const REDUCE_VJP: { [P in ReducePrim]: ((x: Tensor, y: Tensor, g: Tensor, axes: readonly number[]) => Tensor) | null } = {
  reduce_sum: (x, _y, g, axes) => lax.broadcastInDim(g, x.shape, keptDims(x.shape.length, axes)),
  reduce_max: extremeVjp,
  reduce_min: extremeVjp,
  reduce_prod: (x, _y, g, axes) => prodVjp(x, g, axes),
  reduce_and: null,
  reduce_or: null,
}

function reduceVjp<P extends ReducePrim>(name: P): VjpRule<P> {
  return ({ cotangents: [g], inputs: [x], outputs: [y], params: { axes } }) => {
    const rule = REDUCE_VJP[name]
    if (!rule || !g || !isFloat(x!.dtype)) return [null]
    return [rule(x!, y!, g, axes)]
  }
}

export const reduceRules = Object.fromEntries(REDUCE_PRIMS.map((p) => [p, reduceVjp(p)])) as { [P in ReducePrim]: VjpRule<P> }

// Indices carry no gradient.
export const argmax: VjpRule<'argmax'> = () => [null]
export const argmin: VjpRule<'argmin'> = () => [null]

/**
 * Solves the first-order linear recurrence `t_k = a_k · t_{k-1} + b_k` (t_{-1} = 0) along `axis`
 * with a Hillis–Steele scan: log2(n) rounds of shifts, multiplies and adds, so it is exact
 * (no division) and differentiable.
 */
function linearScan(a: Tensor, b: Tensor, axis: number): Tensor {
  const n = a.shape[axis]!
  let A = a
  let B = b
  for (let off = 1; off < n; off *= 2) {
    // Compose each element with the one `off` places before it: (A, B) ∘ (A', B') = (A·A', A·B' + B).
    B = lax.add(lax.mul(A, shiftAlong(B, axis, off, 0)), B)
    if (off * 2 < n) A = lax.mul(A, shiftAlong(A, axis, off, 1))
  }
  return B
}

/**
 * d(cumprod x) for a forward scan: gx_i = L_i · S_i with L_i = prod_{j<i} x_j and
 * S_i = Σ_{k≥i} g_k prod_{i<j≤k} x_j, i.e. S_i = g_i + x_{i+1} S_{i+1} (a reversed linear scan).
 */
// NOTE: no division by x: exact with zeros, unlike the textbook revcumsum(g·y)/x.
function cumprodGrad(x: Tensor, g: Tensor, axis: number): Tensor {
  if (x.size === 0) return zerosOf(x, x.shape)
  const left = shiftAlong(lax.cumulative('cumprod', x, axis), axis, 1, 1)
  const next = shiftAlong(x, axis, -1, 0)
  const s = lax.rev(linearScan(lax.rev(next, [axis]), lax.rev(g, [axis]), axis), [axis])
  return lax.mul(left, s)
}

/**
 * d(cummax x) for a forward scan: each output's cotangent goes to the position that set the running
 * extreme. A position sets it when it strictly beats the previous running value, so ties keep the
 * earlier position (JAX's scan-based rule may split ties differently).
 */
function cumExtremeGrad(x: Tensor, y: Tensor, g: Tensor, axis: number, beats: 'gt' | 'lt'): Tensor {
  const n = x.shape[axis]!
  if (x.size === 0) return zerosOf(x, x.shape)
  const setter = lax.compare(beats, x, shiftAlong(y, axis, 1, 0))
  const index = lax.iota('int32', x.shape, axis)
  // Position 0 always counts as set: the running max of (setter ? j : 0) is the last setter so far.
  const owner = lax.cumulative('cummax', lax.select(setter, index, full(x.shape, 0, 'int32', x.backend)), axis)
  return scatterAddAlongAxis(g, owner, axis, n)
}

type ScanGrad = (x: Tensor, y: Tensor, g: Tensor, axis: number) => Tensor
const CUMULATIVE_VJP: { [P in CumulativePrim]: ScanGrad } = {
  cumsum: (_x, _y, g, axis) => lax.cumulative('cumsum', g, axis, true),
  cumprod: (x, _y, g, axis) => cumprodGrad(x, g, axis),
  cummax: (x, y, g, axis) => cumExtremeGrad(x, y, g, axis, 'gt'),
  cummin: (x, y, g, axis) => cumExtremeGrad(x, y, g, axis, 'lt'),
}

function cumulativeVjp<P extends CumulativePrim>(name: P): VjpRule<P> {
  return ({ cotangents: [g], inputs: [x], outputs: [y], params: { axis, reverse } }) => {
    if (!g || !isFloat(x!.dtype)) return [null]
    const rule = CUMULATIVE_VJP[name]
    if (!reverse) return [rule(x!, y!, g, axis)]
    // A reverse scan is the forward scan of the reversed operand, reversed back.
    if (name === 'cumsum') return [lax.cumulative('cumsum', g, axis, false)]
    const r = (t: Tensor): Tensor => lax.rev(t, [axis])
    return [r(rule(r(x!), r(y!), r(g), axis))]
  }
}

export const cumulativeRules = Object.fromEntries(CUMULATIVE_PRIMS.map((p) => [p, cumulativeVjp(p)])) as { [P in CumulativePrim]: VjpRule<P> }
