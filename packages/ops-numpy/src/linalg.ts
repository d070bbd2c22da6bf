/**
 * @file `keras.ops.linalg`: decompositions (cholesky, lu_factor, qr, eigh, svd) on core's routine
 * primitives, and the solvers and derived quantities (solve, inv, det, slogdet, pinv, lstsq, norm,
 * matrix_rank) composed from them.
 */
import { InvalidArgumentError, NotImplementedError, ShapeError, Tensor, bind, fmt, isFloat, jvp as coreJvp, lax } from '@kx/core'
import type { DType } from '@kx/core'
import { toTensor, type TensorLike } from './convert.js'
import { axesOf, broadcastShapesOp, broadcastTo, cast, range, resultDType, scalar } from './promote.js'
import { like } from './elementwise.js'
import { insertAxes, removeAxes } from './shape-util.js'
import { matmul } from './products.js'
import { diagonal } from './matrix.js'
import { diagMask } from './creation-eye.js'
import { gatherAlong } from './take.js'

const EPS: Partial<Record<DType, number>> = { float16: 2 ** -10, bfloat16: 2 ** -7, float32: 2 ** -23, float64: 2 ** -52 }

/** Float input (ints → floatx), rank ≥ 2, square when asked. */
function matrixInput(x: TensorLike, op: string, square = true): Tensor {
  const t0 = toTensor(x)
  const t = isFloat(t0.dtype) ? t0 : cast(t0, resultDType(t0.dtype, 'weak_float'))
  const r = t.shape.length
  if (r < 2) throw new ShapeError(`\`${op}\` needs a tensor of rank >= 2. Received: x.shape=${fmt(t.shape)}`)
  if (square && t.shape[r - 1] !== null && t.shape[r - 2] !== null && t.shape[r - 1] !== t.shape[r - 2]) {
    throw new ShapeError(`\`${op}\` needs square matrices in the last two axes. Received: x.shape=${fmt(t.shape)}`)
  }
  return t
}

const mT = (t: Tensor): Tensor => { const r = t.shape.length; const p = range(r); p[r - 1] = r - 2; p[r - 2] = r - 1; return lax.transpose(t, p) }
function eyeLike(t: Tensor, n: number): Tensor { return broadcastTo(diagMask(n, n, 0, 'eq', t.dtype), [...t.shape.slice(0, -2), n, n]) }

/**
 * Cholesky factor of symmetric positive-definite matrices: lower (`L Lᵀ = x`) or upper.
 *
 * @example
 * ```ts
 * linalg.cholesky([[4, 2], [2, 3]])
 * ```
 */
export function cholesky(x: TensorLike, options: { upper?: boolean } = {}): Tensor {
  const l = bind('cholesky', [matrixInput(x, 'cholesky')], {})[0]!
  return options.upper ? mT(l) : l
}

/**
 * Inverse of `A = L Lᵀ` (or `Uᵀ U` with `upper`) from its Cholesky factor.
 *
 * @example
 * ```ts
 * linalg.choleskyInverse(linalg.cholesky(a)) // inv(a)
 * ```
 */
export function choleskyInverse(x: TensorLike, options: { upper?: boolean } = {}): Tensor {
  const f = matrixInput(x, 'choleskyInverse')
  const n = f.shape[f.shape.length - 1]!
  const inv = solveTriangular(f, eyeLike(f, n), { lower: !options.upper })
  return options.upper ? matmul(inv, mT(inv)) : matmul(mT(inv), inv)
}

/** @internal LU with partial pivoting: `[lu, pivots, permutation]` (core's `lu` primitive). */
function luParts(a: Tensor): [Tensor, Tensor, Tensor] {
  const [lu, piv, perm] = bind('lu', [a], {})
  return [lu!, piv!, perm!]
}

/**
 * LU factorisation with partial pivoting (`scipy.linalg.lu_factor`): `[lu, pivots]`, L unit-lower
 * and U upper packed in `lu`, row `i` swapped with `pivots[i]`.
 *
 * @example
 * ```ts
 * const [lu, piv] = linalg.luFactor(a)
 * ```
 */
export function luFactor(x: TensorLike): [Tensor, Tensor] {
  const [lu, piv] = luParts(matrixInput(x, 'luFactor', false))
  return [lu, piv]
}

/** @internal Rows of `b` permuted by `perm` (`[..., n]` int32) along axis -2. */
function permuteRows(b: Tensor, perm: Tensor): Tensor {
  const r = b.shape.length
  const idx = broadcastTo(insertAxes(perm, [perm.shape.length]), b.shape)
  return gatherAlong(b, idx, r - 2)
}

/**
 * Solves `a x = b` for square `a` (`b` of shape `[..., n, k]` or `[..., n]`).
 *
 * @example
 * ```ts
 * linalg.solve([[3, 1], [1, 2]], [9, 8]) // [2, 3]
 * ```
 */
export function solve(a: TensorLike, b: TensorLike): Tensor {
  const d = resultDType(a, b, 'weak_float')
  const A = matrixInput(toTensor(a, d), 'solve')
  let B = toTensor(b, d)
  const vec = B.shape.length === A.shape.length - 1
  if (vec) B = insertAxes(B, [B.shape.length])
  const batch = broadcastShapesOp('solve', [A.shape.slice(0, -2), B.shape.slice(0, -2)], ['a', 'b'])
  const An = broadcastTo(A, [...batch, ...A.shape.slice(-2)])
  const Bn = broadcastTo(B, [...batch, ...B.shape.slice(-2)])
  const [lu, , perm] = luParts(An)
  const pb = permuteRows(Bn, perm)
  const y = bind('triangular_solve', [lu, pb], { leftSide: true, lower: true, transposeA: false, unitDiagonal: true })[0]!
  const x = bind('triangular_solve', [lu, y], { leftSide: true, lower: false, transposeA: false, unitDiagonal: false })[0]!
  return vec ? removeAxes(x, [x.shape.length - 1]) : x
}

/**
 * Solves `a x = b` for triangular `a` (upper unless `lower`).
 *
 * @example
 * ```ts
 * linalg.solveTriangular([[2, 0], [1, 1]], [[2], [3]], { lower: true }) // [[1], [2]]
 * ```
 */
export function solveTriangular(a: TensorLike, b: TensorLike, options: { lower?: boolean } = {}): Tensor {
  const d = resultDType(a, b, 'weak_float')
  const A = matrixInput(toTensor(a, d), 'solveTriangular')
  let B = toTensor(b, d)
  const vec = B.shape.length === A.shape.length - 1
  if (vec) B = insertAxes(B, [B.shape.length])
  const batch = broadcastShapesOp('solveTriangular', [A.shape.slice(0, -2), B.shape.slice(0, -2)], ['a', 'b'])
  const x = bind('triangular_solve', [broadcastTo(A, [...batch, ...A.shape.slice(-2)]), broadcastTo(B, [...batch, ...B.shape.slice(-2)])], {
    leftSide: true, lower: options.lower ?? false, transposeA: false, unitDiagonal: false,
  })[0]!
  return vec ? removeAxes(x, [x.shape.length - 1]) : x
}

/** Matrix inverse. @example `linalg.inv([[2, 0], [0, 4]]) // [[0.5, 0], [0, 0.25]]` */
export function inv(x: TensorLike): Tensor {
  const a = matrixInput(x, 'inv')
  return solve(a, eyeLike(a, a.shape[a.shape.length - 1]!))
}

/** `[sign, log|det|]` from the LU factorisation. */
function slogdetParts(a: Tensor): [Tensor, Tensor] {
  const [lu, piv] = luParts(a)
  const dg = diagonal(lu, { axis1: -2, axis2: -1 })
  const r = dg.shape.length
  const n = dg.shape[r - 1]!
  const swaps = lax.reduceSum(cast(lax.ne(piv, broadcastTo(lax.iota('int32', [n], 0), piv.shape)), 'int32'), [r - 1])
  const parity = lax.sub(like(swaps, 1), lax.mul(like(swaps, 2), lax.binary('rem', swaps, like(swaps, 2))))
  const signs = lax.reduce('reduce_prod', lax.sign(dg), [r - 1])
  const sign = lax.mul(signs, cast(parity, dg.dtype))
  const logabs = lax.reduceSum(lax.log(lax.abs(dg)), [r - 1])
  return [sign, logabs]
}

/** Determinant (through LU). @example `linalg.det([[1, 2], [3, 4]]) // -2` */
export function det(x: TensorLike): Tensor {
  const a = matrixInput(x, 'det')
  const [lu, piv] = luParts(a)
  const dg = diagonal(lu, { axis1: -2, axis2: -1 })
  const r = dg.shape.length
  const n = dg.shape[r - 1]!
  const swaps = lax.reduceSum(cast(lax.ne(piv, broadcastTo(lax.iota('int32', [n], 0), piv.shape)), 'int32'), [r - 1])
  const parity = lax.sub(like(swaps, 1), lax.mul(like(swaps, 2), lax.binary('rem', swaps, like(swaps, 2))))
  return lax.mul(lax.reduce('reduce_prod', dg, [r - 1]), cast(parity, dg.dtype))
}

/**
 * Sign and natural log of the absolute determinant (`keras.ops.slogdet`).
 *
 * @example
 * ```ts
 * const [sign, logabsdet] = slogdet([[1, 2], [3, 4]]) // -1, log 2
 * ```
 */
export function slogdet(x: TensorLike): [Tensor, Tensor] { return slogdetParts(matrixInput(x, 'slogdet')) }

/** `log(det(x))` (NaN for negative determinants), via `slogdet`. @example `math.logdet([[2, 0], [0, 3]]) // log 6` */
export function logdet(x: TensorLike): Tensor {
  const [sign, logabs] = slogdetParts(matrixInput(x, 'logdet'))
  return lax.select(lax.lt(sign, like(sign, 0)), like(logabs, NaN), lax.select(lax.eq(sign, like(sign, 0)), like(logabs, -Infinity), logabs))
}

/**
 * Eigenvalues (ascending) and eigenvectors (columns) of symmetric matrices: `[w, v]`.
 *
 * @example
 * ```ts
 * const [w, v] = linalg.eigh([[2, 1], [1, 2]]) // w = [1, 3]
 * ```
 */
export function eigh(x: TensorLike): [Tensor, Tensor] {
  const [v, w] = bind('eigh', [matrixInput(x, 'eigh')], { lower: true })
  return [w!, v!]
}

/**
 * General eigendecomposition: its results are complex, which kx does not represent — a typed
 * `NotImplementedError` (use `eigh` for symmetric matrices).
 *
 * @example
 * ```ts
 * // linalg.eigh(a) for symmetric a
 * ```
 */
export function eig(x: TensorLike): never {
  const t = toTensor(x)
  throw new NotImplementedError(`\`linalg.eig\` returns complex eigenvalues and eigenvectors, and kx has no complex dtypes; use \`linalg.eigh\` for symmetric matrices. Received: x.shape=${fmt(t.shape)}`)
}

/**
 * QR decomposition `[q, r]` (`mode`: "reduced" (default) or "complete").
 *
 * @example
 * ```ts
 * const [q, r] = linalg.qr(a)
 * ```
 */
export function qr(x: TensorLike, options: { mode?: 'reduced' | 'complete' } = {}): [Tensor, Tensor] {
  const mode = options.mode ?? 'reduced'
  if (mode !== 'reduced' && mode !== 'complete') throw new InvalidArgumentError(`\`mode\` argument value not supported. Expected one of {'reduced', 'complete'}. Received: mode=${fmt(mode)}`)
  const [q, r] = bind('qr', [matrixInput(x, 'qr', false)], { fullMatrices: mode === 'complete' })
  return [q!, r!]
}

/**
 * Singular value decomposition: `[u, s, vh]` with `x = u · diag(s) · vh`, or `s` alone.
 *
 * @example
 * ```ts
 * const [u, s, vh] = linalg.svd(a) as Tensor[]
 * ```
 */
export function svd(x: TensorLike, options: { fullMatrices?: boolean; computeUv: false }): Tensor
export function svd(x: TensorLike, options?: { fullMatrices?: boolean; computeUv?: true }): [Tensor, Tensor, Tensor]
export function svd(x: TensorLike, options?: { fullMatrices?: boolean; computeUv?: boolean }): Tensor | [Tensor, Tensor, Tensor]
export function svd(x: TensorLike, options: { fullMatrices?: boolean; computeUv?: boolean } = {}): Tensor | [Tensor, Tensor, Tensor] {
  const computeUv = options.computeUv ?? true
  const outs = bind('svd', [matrixInput(x, 'svd', false)], { fullMatrices: options.fullMatrices ?? true, computeUv })
  return computeUv ? [outs[0]!, outs[1]!, outs[2]!] : outs[0]!
}

function svdParts(a: Tensor): [Tensor, Tensor, Tensor] {
  const [u, s, vh] = bind('svd', [a], { fullMatrices: false, computeUv: true })
  return [u!, s!, vh!]
}

/**
 * Moore–Penrose pseudo-inverse via the SVD; singular values below `rcond · max(s)` are dropped
 * (default `max(m, n) · eps`).
 *
 * @example
 * ```ts
 * linalg.pinv([[1, 2], [2, 4]])
 * ```
 */
export function pinv(x: TensorLike, options: { rcond?: number | null } = {}): Tensor {
  const a = matrixInput(x, 'pinv', false)
  const [u, s, vh] = svdParts(a)
  const r = s.shape.length
  const m = a.shape[a.shape.length - 2]!
  const n = a.shape[a.shape.length - 1]!
  const rcond = options.rcond ?? Math.max(m, n) * EPS[a.dtype]!
  const cutoff = lax.mul(lax.reduceMax(s, [r - 1]), like(lax.reduceMax(s, [r - 1]), rcond))
  const keep = lax.gt(s, lax.broadcastInDim(cutoff, s.shape as number[], range(r - 1)))
  const sInv = lax.select(keep, lax.div(like(s, 1), lax.select(keep, s, like(s, 1))), like(s, 0))
  // pinv = V · diag(1/s) · Uᵀ
  const vs = lax.mul(mT(vh), lax.broadcastInDim(sInv, [...s.shape.slice(0, -1), n, s.shape[r - 1]!] as number[], [...range(r - 1), r]))
  return matmul(vs, mT(u))
}

/**
 * Number of singular values above `tol` (default `max(s) · max(m, n) · eps`); int32.
 *
 * @example
 * ```ts
 * linalg.matrixRank([[1, 2], [2, 4]]) // 1
 * ```
 */
export function matrixRank(x: TensorLike, options: { tol?: number | null } = {}): Tensor {
  const a = matrixInput(x, 'matrixRank', false)
  const s = bind('svd', [a], { fullMatrices: false, computeUv: false })[0]!
  const r = s.shape.length
  const m = a.shape[a.shape.length - 2]!
  const n = a.shape[a.shape.length - 1]!
  const smax = lax.reduceMax(s, [r - 1])
  const tol = options.tol ?? null
  const t = tol === null ? lax.mul(smax, like(smax, Math.max(m, n) * EPS[a.dtype]!)) : like(smax, tol)
  return lax.reduceSum(cast(lax.gt(s, lax.broadcastInDim(t, s.shape as number[], range(r - 1))), 'int32'), [r - 1])
}

/**
 * Least-squares solution of `a x ≈ b` (minimum-norm for rank-deficient `a`), via the SVD.
 *
 * @example
 * ```ts
 * linalg.lstsq([[1, 0], [0, 1], [1, 1]], [1, 2, 3]) // [1, 2]
 * ```
 */
export function lstsq(a: TensorLike, b: TensorLike, options: { rcond?: number | null } = {}): Tensor {
  const d = resultDType(a, b, 'weak_float')
  const A = matrixInput(toTensor(a, d), 'lstsq', false)
  let B = toTensor(b, d)
  const vec = B.shape.length === 1
  if (vec) B = insertAxes(B, [1])
  const m = A.shape[0]!
  const n = A.shape[1]!
  const rc = options.rcond ?? Math.max(m, n) * EPS[d]!
  const x = matmul(pinv(A, { rcond: rc }), B)
  return vec ? removeAxes(x, [1]) : x
}

/** Norm orders accepted by `norm`. */
export type NormOrd = number | 'fro' | 'nuc' | null

/**
 * Vector or matrix norm (`np.linalg.norm`): vector `ord` any number or ±Infinity; matrix `ord`
 * `'fro'`, `'nuc'`, ±1, ±2, ±Infinity. `axis`: an int (vector), a pair (matrix), or null.
 *
 * @example
 * ```ts
 * linalg.norm([3, 4]) // 5
 * ```
 */
export function norm(x: TensorLike, options: { ord?: NormOrd; axis?: number | readonly number[] | null; keepdims?: boolean } = {}): Tensor {
  const t0 = toTensor(x)
  const t = isFloat(t0.dtype) ? t0 : cast(t0, resultDType(t0.dtype, 'weak_float'))
  const ord = options.ord ?? null
  const rank = t.shape.length
  let axes: number[]
  if (options.axis === undefined || options.axis === null) {
    if (ord === null) {
      const all = axesOf(null, rank, 'norm')
      const out = lax.sqrt(lax.reduceSum(lax.mul(t, t), all))
      return options.keepdims ? insertAxes(out, all) : out
    }
    axes = range(rank)
  } else axes = (typeof options.axis === 'number' ? [options.axis] : options.axis.slice()).map((a) => (a < 0 ? a + rank : a))
  if (axes.some((a) => a < 0 || a >= rank)) throw new InvalidArgumentError(`Invalid axis for \`norm\`. Received: axis=${fmt(options.axis)}, rank=${rank}`)
  const keep = (out: Tensor, red: number[]): Tensor => (options.keepdims ? insertAxes(out, [...red].sort((a, b) => a - b)) : out)
  const absT = lax.abs(t)
  if (axes.length === 1) {
    const a = axes
    if (ord === null || ord === 2) return keep(lax.sqrt(lax.reduceSum(lax.mul(t, t), a)), a)
    if (ord === Infinity) return keep(lax.reduceMax(absT, a), a)
    if (ord === -Infinity) return keep(lax.reduceMin(absT, a), a)
    if (ord === 0) return keep(lax.reduceSum(cast(lax.ne(t, like(t, 0)), t.dtype), a), a)
    if (ord === 1) return keep(lax.reduceSum(absT, a), a)
    if (typeof ord !== 'number') throw new InvalidArgumentError(`Invalid \`ord\` for a vector norm. Received: ord=${fmt(ord)}`)
    const p = lax.reduceSum(lax.pow(absT, like(absT, ord)), a)
    return keep(lax.pow(p, like(p, 1 / ord)), a)
  }
  if (axes.length !== 2 || axes[0] === axes[1]) throw new InvalidArgumentError(`\`norm\` takes one axis (vector) or two (matrix). Received: axis=${fmt(options.axis)}`)
  const [r0, c0] = axes as [number, number]
  if (ord === null || ord === 'fro') return keep(lax.sqrt(lax.reduceSum(lax.mul(t, t), [r0, c0].sort((a, b) => a - b))), [r0, c0])
  if (ord === 1 || ord === -1 || ord === Infinity || ord === -Infinity) {
    // 1: max column sum (sum over rows); inf: max row sum (sum over columns)
    const sumAxis = ord === 1 || ord === -1 ? r0 : c0
    const other = sumAxis === r0 ? c0 : r0
    const sums = lax.reduceSum(absT, [sumAxis])
    const o = other > sumAxis ? other - 1 : other
    const out = ord > 0 ? lax.reduceMax(sums, [o]) : lax.reduceMin(sums, [o])
    return keep(out, [r0, c0])
  }
  if (ord === 2 || ord === -2 || ord === 'nuc') {
    const rest = range(rank).filter((i) => i !== r0 && i !== c0)
    const moved = lax.transpose(t, [...rest, r0, c0])
    const s = bind('svd', [moved], { fullMatrices: false, computeUv: false })[0]!
    const last = s.shape.length - 1
    const out = ord === 'nuc' ? lax.reduceSum(s, [last]) : ord === 2 ? lax.reduceMax(s, [last]) : lax.reduceMin(s, [last])
    return keep(out, [r0, c0])
  }
  throw new InvalidArgumentError(`Invalid \`ord\` for a matrix norm. Received: ord=${fmt(ord)}`)
}

/**
 * Jacobian-vector product of `fun` at `primals` along `tangents` (`keras.ops.linalg.jvp`):
 * `[outputs, tangentsOut]` (plus `aux` with `hasAux`).
 *
 * @example
 * ```ts
 * const [y, dy] = linalg.jvp((x) => ops.sin(x), [x], [ops.onesLike(x)])
 * ```
 */
export function jvp(fun: (...args: Tensor[]) => Tensor | [Tensor, unknown], primals: readonly TensorLike[], tangents: readonly TensorLike[], options: { hasAux?: boolean } = {}): [Tensor, Tensor] | [Tensor, Tensor, unknown] {
  const p = primals.map((v) => toTensor(v))
  const t = tangents.map((v, i) => toTensor(v, p[i]!.dtype))
  if (!options.hasAux) return coreJvp(fun as (...args: Tensor[]) => Tensor, p, t)
  let aux: unknown
  const [y, dy] = coreJvp((...args: Tensor[]) => { const [o, a] = fun(...args) as [Tensor, unknown]; aux = a; return o }, p, t)
  return [y, dy, aux]
}
