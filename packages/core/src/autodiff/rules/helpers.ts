/**
 * @file Small tensor helpers shared by the VJP rules (zeros and scalars on an operand's backend, shifts,
 * the adjoint of a per-row gather), all compositions of primitives.
 */
import type { DType } from '../../dtype.js'
import type { Tensor } from '../../tensor.js'
import * as lax from '../../lax.js'
import { full } from '../../creation.js'

/** Zeros of `shape` and `dtype` on the backend of `like`. */
export function zerosOf(like: Tensor, shape: readonly number[], dtype: DType = like.dtype): Tensor {
  return full(shape, 0, dtype, like.isSymbolic ? undefined : like.backend)
}
/** A scalar of `dtype` on the backend of `like`. */
export function scalarOf(like: Tensor, value: number, dtype: DType = like.dtype): Tensor {
  return full([], value, dtype, like.isSymbolic ? undefined : like.backend)
}
/** Sum of every element (a scalar). */
export function sumAll(x: Tensor): Tensor { return lax.reduceSum(x, x.shape.map((_, i) => i)) }

/** Inverse of a permutation. */
export function inversePermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length)
  perm.forEach((p, i) => { inv[p] = i })
  return inv
}

/**
 * Shifts `x` along `axis` by `k` places (k > 0 moves elements to higher indices), filling
 * the vacated places with `fill`: `out[i] = x[i - k]`.
 */
export function shiftAlong(x: Tensor, axis: number, k: number, fill: number): Tensor {
  const n = x.shape[axis]!
  const r = x.shape.length
  const kk = Math.min(Math.abs(k), n)
  const start = x.shape.map((_, i) => (i === axis && k < 0 ? kk : 0))
  const limit = x.shape.map((d, i) => (i === axis && k > 0 ? n - kk : d))
  const lo = new Array<number>(r).fill(0)
  const hi = new Array<number>(r).fill(0)
  ;(k > 0 ? lo : hi)[axis] = kk
  return lax.pad(lax.slice(x, start, limit), scalarOf(x, fill), lo, hi)
}

/**
 * Adjoint of a per-row gather along `axis`: `g` and the int32 `index` share one shape
 * (whose `axis` size is k); returns the shape with `axis` of size `n`, where
 * `out[..., index[..., j, ...], ...] += g[..., j, ...]`. Built from `scatter_add` on the flattened
 * array with row offsets from `iota`, so it stays a composition of primitives.
 */
export function scatterAddAlongAxis(g: Tensor, index: Tensor, axis: number, n: number): Tensor {
  const shape = g.shape.map((d, i) => (i === axis ? n : d))
  const r = g.shape.length
  const perm = [...g.shape.map((_, i) => i).filter((i) => i !== axis), axis]
  const k = g.shape[axis]!
  const rows = g.size / Math.max(k, 1)
  if (g.size === 0 || n === 0) return zerosOf(g, shape)
  const idx = lax.reshape(lax.transpose(index, perm), [rows, k])
  const offsets = lax.mul(lax.iota('int32', [rows, k], 0), full([rows, k], n, 'int32', g.backend))
  const flatIdx = lax.reshape(lax.add(lax.convertElementType(idx, 'int32'), offsets), [rows * k])
  const flatG = lax.reshape(lax.transpose(g, perm), [rows * k])
  const summed = lax.scatterAdd(zerosOf(g, [rows * n]), flatIdx, flatG, 0)
  const permutedShape = perm.map((p) => shape[p]!)
  return r === 1 ? lax.reshape(summed, shape) : lax.transpose(lax.reshape(summed, permutedShape), inversePermutation(perm))
}
