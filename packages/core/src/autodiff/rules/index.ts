/**
 * @file The VJP table: every primitive's gradient rule, checked exhaustive by `satisfies`. Only autodiff
 * (`grad`, `valueAndGrad`, `vjp`, `jvp`) imports it, so an app that never differentiates does not carry it.
 */
import type { VjpTable } from '../../primitives/def.js'
import { binaryRules, bitcast_convert_type, compareRules, convert_element_type, select_n, unaryRules } from './elementwise.js'
import { argmax, argmin, cumulativeRules, reduceRules } from './reduce.js'
import { broadcast_in_dim, concatenate, dynamic_slice, dynamic_update_slice, pad, reshape, rev, slice, transpose } from './movement.js'
import { gather, iota, scatter, scatter_add, sort, top_k } from './indexing.js'
import { conv_general_dilated, conv_transpose_lhs, conv_transpose_rhs, dot_general, reduce_window, select_and_scatter_add } from './linear.js'
import { cholesky, eigh, fft, lu, qr, random_bits, random_uniform, svd, threefry2x32, triangular_solve } from './routines.js'
import { cond, scan, while_ } from './control.js'

/**
 * Every primitive's VJP rule (the reverse-mode counterpart of `PRIMITIVES`' shape rules), as `grad` runs them.
 *
 * @example
 * ```ts
 * const x = tensor([1, 2, 3])
 * const [dx] = VJP_RULES.reshape({ cotangents: [tensor([[1, 1, 1]])], inputs: [x], outputs: [], params: { newSizes: [1, 3] } })
 * ```
 */
export const VJP_RULES = {
  ...unaryRules, ...binaryRules, ...compareRules, select_n, convert_element_type, bitcast_convert_type,
  ...reduceRules, argmax, argmin, ...cumulativeRules,
  reshape, transpose, broadcast_in_dim, slice, dynamic_slice, dynamic_update_slice, pad, concatenate, rev,
  gather, scatter_add, scatter, sort, top_k, iota,
  dot_general, conv_general_dilated, conv_transpose_lhs, conv_transpose_rhs, reduce_window, select_and_scatter_add,
  cholesky, triangular_solve, lu, qr, eigh, svd, fft, random_bits, random_uniform, threefry2x32,
  cond, while: while_, scan,
} satisfies VjpTable as VjpTable
