/**
 * @file Identity-like creation ops of `keras.ops`: eye, identity, tri (and the diagonal mask behind them and
 * linalg). Apart from creation.ts because regularizers and linalg need only these.
 */
import { Tensor, checkShape, floatx, lax } from '@kx/core'
import type { DType } from '@kx/core'
import { standardizeDType, type DTypeLike } from './convert.js'
import { broadcastTo, cast, scalar } from './promote.js'

/** @internal A dtype argument standardized, or the default. */
export const dtypeOr = (d: DTypeLike | null | undefined, op: string, dflt: DType): DType => standardizeDType(d, op) ?? dflt

/**
 * A 2-D tensor with ones on the `k`-th diagonal (`N × M`, M default N; dtype default floatx).
 *
 * @example
 * ```ts
 * eye(2) // [[1, 0], [0, 1]]
 * ```
 */
export function eye(N: number, options: { M?: number | null; k?: number; dtype?: DTypeLike | null } = {}): Tensor {
  const M = options.M ?? N
  return diagMask(N, M, options.k ?? 0, 'eq', dtypeOr(options.dtype, 'eye', floatx()))
}
/** The `n × n` identity (dtype default floatx). @example `identity(3)` */
export function identity(n: number, options: { dtype?: DTypeLike | null } = {}): Tensor {
  return eye(n, { dtype: options.dtype ?? null })
}
/** Ones at and below the `k`-th diagonal (`np.tri`). @example `tri(3)` */
export function tri(N: number, options: { M?: number | null; k?: number; dtype?: DTypeLike | null } = {}): Tensor {
  return diagMask(N, options.M ?? N, options.k ?? 0, 'ge', dtypeOr(options.dtype, 'tri', floatx()))
}

/** @internal `col - row (cmp) k` as a 0/1 mask: 'eq' for eye, 'ge' (row + k >= col) for tri. */
export function diagMask(N: number, M: number, k: number, cmp: 'eq' | 'ge', dtype: DType): Tensor {
  checkShape([N, M], 'eye')
  const rows = lax.iota('int32', [N, M], 0)
  const cols = lax.iota('int32', [N, M], 1)
  const shifted = lax.add(rows, broadcastTo(scalar(k, 'int32'), [N, M]))
  const mask = cmp === 'eq' ? lax.eq(cols, shifted) : lax.le(cols, shifted)
  return cast(mask, dtype)
}
