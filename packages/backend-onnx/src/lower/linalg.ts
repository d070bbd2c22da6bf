/**
 * @file Lowerings of `cholesky` and `triangular_solve` by static unrolling (one column / row per step,
 * batched over leading dims with MatMul): ONNX has no factorization operators. Sizes up to
 * `MAX_UNROLL`; larger or dynamic ones throw typed errors.
 */
import type { DType } from '@kx/core'
import type { GraphBuilder, LVal } from '../onnx/builder.js'
import { ONNX_TYPE } from '../onnx/proto.js'
import { computeDtype, fromCompute, FLOATS, type Lowering } from './common.js'

/** Largest matrix size unrolled (the graph grows linearly, the data moved quadratically). */
export const MAX_UNROLL = 128

function staticSize(b: GraphBuilder, x: LVal, what: string): number {
  const n = x.shape[x.shape.length - 1]
  const m = x.shape[x.shape.length - 2]
  if (n === null || n === undefined || m === null || m === undefined) b.unsupported('unrolled MatMul', `the ${what} has a dynamic size`)
  if (n > MAX_UNROLL || m > MAX_UNROLL) b.unsupported('unrolled MatMul', `matrices larger than ${MAX_UNROLL} are not unrolled`)
  return n
}

/** `x[..., r0:r1, c0:c1]` on the two trailing axes. */
function block(b: GraphBuilder, x: string, rank: number, r0: number, r1: number, c0: number, c1: number): string {
  return b.op('Slice', [x, b.i64([r0, c0]), b.i64([r1, c1]), b.i64([rank - 2, rank - 1])])
}

/** A constant `[n, n]` boolean mask of a triangle (`i >= j` for lower, `i <= j` for upper) or the diagonal. */
function mask(b: GraphBuilder, n: number, which: 'lower' | 'upper' | 'diag'): string {
  const v = Array.from({ length: n * n }, (_, k) => {
    const i = Math.floor(k / n)
    const j = k % n
    return which === 'lower' ? i >= j : which === 'upper' ? i <= j : i === j
  }).map((x) => (x ? 1 : 0))
  return b.constant(v, ONNX_TYPE.BOOL, [n, n])
}

const swapLast = (rank: number): number[] => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2]

/** Lower Cholesky factor, column by column; NaN in the whole lower triangle when a pivot is not positive (as the reference). */
const cholesky: Lowering<'cholesky'> = (b, [x], _p, [o]) => {
  const n = staticSize(b, x!, 'matrix')
  const r = x!.shape.length
  const c: DType = computeDtype(x!.dtype, FLOATS)!
  const a = b.cast(x!.name, x!.dtype, c)
  const cols: string[] = []
  const pivots: string[] = []
  for (let j = 0; j < n; j++) {
    let s = block(b, a, r, j, n, j, j + 1)
    if (j > 0) {
      const lj = cols.length === 1 ? cols[0]! : b.op('Concat', cols, { axis: -1 })
      const rows = block(b, lj, r, j, n, 0, j)
      const row = block(b, lj, r, j, j + 1, 0, j)
      s = b.op('Sub', [s, b.op('MatMul', [rows, b.op('Transpose', [row], { perm: swapLast(r) })])])
    }
    const piv = block(b, s, r, 0, 1, 0, 1)
    pivots.push(piv)
    const d = b.op('Sqrt', [piv])
    let col = n - j > 1 ? b.op('Concat', [d, b.op('Div', [block(b, s, r, 1, n - j, 0, 1), d])], { axis: -2 }) : d
    if (j > 0) {
      const pads = new Array<number>(2 * r).fill(0)
      pads[r - 2] = j
      col = b.op('Pad', [col, b.i64(pads), b.scalar(0, c)])
    }
    cols.push(col)
  }
  const l = cols.length === 1 ? cols[0]! : b.op('Concat', cols, { axis: -1 })
  const p = pivots.length === 1 ? pivots[0]! : b.op('Concat', pivots, { axis: -1 })
  const ok = b.op('Greater', [b.op('ReduceMin', [p, b.i64([r - 2, r - 1])], { keepdims: 1 }), b.scalar(0, c)])
  const failed = b.op('Where', [mask(b, n, 'lower'), b.scalar(NaN, c), b.scalar(0, c)])
  return [fromCompute(b, b.op('Where', [ok, l, failed]), c, o!.dtype)]
}

/** Solves `T X = B` row by row (forward for lower, backward for upper); T `[..., m, m]`, B `[..., m, k]`. */
function substitute(b: GraphBuilder, t: string, rhs: string, rank: number, m: number, k: number, lower: boolean): string {
  const rows = new Array<string>(m)
  const order = Array.from({ length: m }, (_, i) => (lower ? i : m - 1 - i))
  for (const i of order) {
    let s = block(b, rhs, rank, i, i + 1, 0, k)
    const [lo, hi] = lower ? [0, i] : [i + 1, m]
    if (hi > lo) {
      const known = rows.slice(lo, hi)
      const xk = known.length === 1 ? known[0]! : b.op('Concat', known, { axis: -2 })
      s = b.op('Sub', [s, b.op('MatMul', [block(b, t, rank, i, i + 1, lo, hi), xk])])
    }
    rows[i] = b.op('Div', [s, block(b, t, rank, i, i + 1, i, i + 1)])
  }
  return rows.length === 1 ? rows[0]! : b.op('Concat', rows, { axis: -2 })
}

/** `op(A) X = B` or `X op(A) = B` with op(A) taken from A's triangle (unit diagonal if asked), as the reference does. */
const triangularSolve: Lowering<'triangular_solve'> = (b, [a, rhs], { leftSide, lower, transposeA, unitDiagonal }, [o]) => {
  const m = staticSize(b, a!, 'matrix')
  staticSize(b, rhs!, 'right-hand side')
  const r = rhs!.shape.length
  const c: DType = computeDtype(a!.dtype, FLOATS)!
  const zero = b.scalar(0, c)
  let t = b.op('Where', [mask(b, m, lower ? 'lower' : 'upper'), b.cast(a!.name, a!.dtype, c), zero])
  if (unitDiagonal) t = b.op('Where', [mask(b, m, 'diag'), b.scalar(1, c), t])
  let tLower = lower
  if (transposeA) { t = b.op('Transpose', [t], { perm: swapLast(r) }); tLower = !tLower }
  let bb = b.cast(rhs!.name, rhs!.dtype, c)
  let k = rhs!.shape[r - 1]!
  if (!leftSide) {
    // X T = B ⇔ Tᵀ Xᵀ = Bᵀ
    t = b.op('Transpose', [t], { perm: swapLast(r) })
    tLower = !tLower
    bb = b.op('Transpose', [bb], { perm: swapLast(r) })
    k = rhs!.shape[r - 2]!
  }
  let xs = substitute(b, t, bb, r, m, k, tLower)
  if (!leftSide) xs = b.op('Transpose', [xs], { perm: swapLast(r) })
  return [fromCompute(b, xs, c, o!.dtype)]
}

export const linalgLowerings = { cholesky, triangular_solve: triangularSolve } satisfies { readonly [P in 'cholesky' | 'triangular_solve']: Lowering<P> }
