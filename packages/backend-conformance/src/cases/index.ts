/** @file The case table over every backend primitive (exhaustive by type) and which primitives are differentiable. */
import type { BackendPrim } from '@kx/core'
import type { ConformanceTable } from '../types.js'
import { binaryCaseTable, bitcast_convert_type, compareCaseTable, convert_element_type, select_n, unaryCaseTable } from './elementwise.js'
import { reduceCaseTable } from './reduce.js'
import { broadcast_in_dim, concatenate, dynamic_slice, dynamic_update_slice, pad, reshape, rev, slice, transpose } from './movement.js'
import { gather, iota, scatter, scatter_add, sort, top_k } from './indexing.js'
import { conv_general_dilated, conv_transpose_lhs, conv_transpose_rhs, dot_general, reduce_window, select_and_scatter_add } from './linear.js'
import { cholesky, eigh, fft, lu, qr, random_bits, random_uniform, svd, threefry2x32, triangular_solve } from './routines.js'

/**
 * Every primitive's conformance cases. Adding a primitive to `BackendPrimParams` without cases here
 * is a compile error.
 *
 * @example
 * ```ts
 * const cases = { ...CASES, exp: [...CASES.exp, { name: 'big', inputs: [{ shape: [1000], dtype: 'float32' }], params: {} }] }
 * runConformance(factory, api, { cases })
 * ```
 */
export const CASES = {
  ...unaryCaseTable, ...binaryCaseTable, ...compareCaseTable, select_n, convert_element_type, bitcast_convert_type,
  ...reduceCaseTable,
  reshape, transpose, broadcast_in_dim, slice, dynamic_slice, dynamic_update_slice, pad, concatenate, rev,
  gather, scatter_add, scatter, sort, top_k, iota,
  dot_general, conv_general_dilated, conv_transpose_lhs, conv_transpose_rhs, reduce_window, select_and_scatter_add,
  cholesky, triangular_solve, lu, qr, eigh, svd, fft, random_bits, random_uniform, threefry2x32,
} satisfies ConformanceTable as ConformanceTable

/**
 * Whether a primitive has a nonzero derivative somewhere (so its VJP is checked against the
 * reference and against finite differences). Piecewise-constant, boolean and random primitives,
 * and `stop_gradient` by definition, are not.
 *
 * @example
 * ```ts
 * DIFFERENTIABLE.exp // true
 * DIFFERENTIABLE.argmax // false
 * ```
 */
export const DIFFERENTIABLE: { readonly [P in BackendPrim]: boolean } = {
  neg: true, sign: false, floor: false, ceil: false, round: false, is_finite: false, exp: true, log: true, log1p: true,
  expm1: true, tanh: true, logistic: true, sin: true, cos: true, tan: true, asin: true, acos: true, atan: true, sinh: true,
  cosh: true, asinh: true, acosh: true, atanh: true, sqrt: true, rsqrt: true, cbrt: true, abs: true, not: false, erf: true,
  erf_inv: true, lgamma: true, digamma: false, stop_gradient: false,
  add: true, sub: true, mul: true, div: true, rem: true, pow: true, max: true, min: true, atan2: true,
  and: false, or: false, xor: false, igamma: false,
  eq: false, ne: false, lt: false, le: false, gt: false, ge: false,
  select_n: true, convert_element_type: true, bitcast_convert_type: false,
  reduce_sum: true, reduce_max: true, reduce_min: true, reduce_prod: true, reduce_and: false, reduce_or: false,
  argmax: false, argmin: false, cumsum: true, cumprod: true, cummax: true, cummin: true,
  reshape: true, transpose: true, broadcast_in_dim: true, slice: true, dynamic_slice: true, dynamic_update_slice: true,
  pad: true, concatenate: true, rev: true,
  gather: true, scatter_add: true, scatter: true, sort: true, top_k: true, iota: false,
  dot_general: true, conv_general_dilated: true, conv_transpose_lhs: true, conv_transpose_rhs: true,
  reduce_window: true, select_and_scatter_add: true,
  cholesky: true, triangular_solve: true, lu: true, qr: true, eigh: true, svd: true, fft: true,
  random_bits: false, random_uniform: false, threefry2x32: false,
}

/**
 * Case id: `<prim>/<case name>` (the seed of its inputs and the key of its golden entry).
 *
 * @example
 * ```ts
 * caseId('exp', 'f32') // 'exp/f32'
 * ```
 */
export const caseId = (prim: BackendPrim, name: string): string => `${prim}/${name}`

/** The primitives in table order. */
export const ALL_PRIMS = Object.keys(CASES) as BackendPrim[]
