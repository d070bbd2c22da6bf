/** @file The primitive table: every primitive's rules, checked exhaustive by `satisfies`. */
import type { PrimitiveTable } from './def.js'
import { binaryPrimitives, bitcast_convert_type, comparePrimitives, convert_element_type, select_n, unaryPrimitives } from './elementwise.js'
import { argmax, argmin, cumulativePrimitives, reducePrimitives } from './reduce.js'
import { broadcast_in_dim, concatenate, dynamic_slice, dynamic_update_slice, pad, reshape, rev, slice, transpose } from './movement.js'
import { gather, iota, scatter, scatter_add, sort, top_k } from './indexing.js'
import { conv_general_dilated, conv_transpose_lhs, conv_transpose_rhs, dot_general, reduce_window, select_and_scatter_add } from './linear.js'
import { cholesky, eigh, fft, lu, qr, random_bits, random_uniform, svd, threefry2x32, triangular_solve } from './routines.js'
import { cond, scan, while_ } from './control.js'

export const PRIMITIVES = {
  ...unaryPrimitives, ...binaryPrimitives, ...comparePrimitives, select_n, convert_element_type, bitcast_convert_type,
  ...reducePrimitives, argmax, argmin, ...cumulativePrimitives,
  reshape, transpose, broadcast_in_dim, slice, dynamic_slice, dynamic_update_slice, pad, concatenate, rev,
  gather, scatter_add, scatter, sort, top_k, iota,
  dot_general, conv_general_dilated, conv_transpose_lhs, conv_transpose_rhs, reduce_window, select_and_scatter_add,
  cholesky, triangular_solve, lu, qr, eigh, svd, fft, random_bits, random_uniform, threefry2x32,
  cond, while: while_, scan,
} satisfies PrimitiveTable as PrimitiveTable
