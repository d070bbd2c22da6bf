/**
 * @file VJP rules of the routine primitives: dense linear algebra (cholesky, triangular_solve, lu, qr, eigh,
 * svd), the FFT and the random generators (no gradient). Conventions as in `primitives/routines.ts`.
 */
import { NotImplementedError, fmt } from '../../errors.js'
import type { Tensor } from '../../tensor.js'
import * as lax from '../../lax.js'
import { bind, bind1 } from '../../dispatch.js'
import { full, tensor } from '../../creation.js'
import type { VjpRule } from '../../primitives/def.js'
import type { BackendPrimParams } from '../../primitives/types.js'

// ---- VJP helpers (compositions of lax calls) -----------------------------------------------------

const backendOf = (x: Tensor): { backend?: Tensor['backend'] } => (x.isSymbolic ? {} : { backend: x.backend })
const batchAxes = (r: number): number[] => Array.from({ length: r - 2 }, (_, i) => i)

/** Batched matrix product `[..., m, k] @ [..., k, n]`. */
function matmul(a: Tensor, b: Tensor): Tensor {
  const r = a.shape.length
  const bd = batchAxes(r)
  return lax.dotGeneral(a, b, [[r - 1], [r - 2]], [bd, bd])
}
/** Swaps the trailing two dims. */
function mT(x: Tensor): Tensor {
  const r = x.shape.length
  return lax.transpose(x, [...batchAxes(r), r - 1, r - 2])
}
const zeros = (x: Tensor): Tensor => full(x.shape, 0, x.dtype, backendOf(x).backend)
const scalar = (x: Tensor, v: number): Tensor => full(x.shape, v, x.dtype, backendOf(x).backend)

/** Keeps the entries `(i, j)` of the trailing matrices where `keep(i, j)`, zeroing the rest. */
function maskMatrix(x: Tensor, keep: (i: number, j: number) => boolean): Tensor {
  const r = x.shape.length
  const m = x.shape[r - 2]!
  const n = x.shape[r - 1]!
  const host = new Uint8Array(m * n)
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) host[i * n + j] = keep(i, j) ? 1 : 0
  const mask = lax.broadcastInDim(tensor(host, { shape: [m, n], dtype: 'bool', ...backendOf(x) }), x.shape, [r - 2, r - 1])
  return lax.select(mask, x, zeros(x))
}
const tril = (x: Tensor, k = 0): Tensor => maskMatrix(x, (i, j) => j - i <= k)
const triu = (x: Tensor, k = 0): Tensor => maskMatrix(x, (i, j) => j - i >= k)
const diagPart = (x: Tensor): Tensor => maskMatrix(x, (i, j) => i === j)

/** `x[..., i, j] · v[..., j]`: scales the columns. */
function scaleCols(x: Tensor, v: Tensor): Tensor {
  const r = x.shape.length
  return lax.mul(x, lax.broadcastInDim(v, x.shape, [...batchAxes(r), r - 1]))
}
/** `v[..., i] · x[..., i, j]`: scales the rows. */
function scaleRows(x: Tensor, v: Tensor): Tensor {
  const r = x.shape.length
  return lax.mul(x, lax.broadcastInDim(v, x.shape, [...batchAxes(r), r - 2]))
}
/** `out[..., i, j] = f(v[..., i], v[..., j])` for a vector batch `v` of length k. */
function outer(v: Tensor, f: (vi: Tensor, vj: Tensor) => Tensor): Tensor {
  const r = v.shape.length + 1
  const k = v.shape[r - 2]!
  const shape = [...v.shape.slice(0, -1), k, k]
  return f(lax.broadcastInDim(v, shape, [...batchAxes(r), r - 2]), lax.broadcastInDim(v, shape, [...batchAxes(r), r - 1]))
}
/** `diag(v)` as a batch of matrices. */
function diagEmbed(v: Tensor): Tensor { return diagPart(outer(v, (_vi, vj) => vj)) }
/** `1/x`, with 0 where x is 0 (as JAX's SVD rule does for repeated or zero singular values). */
function safeReciprocal(x: Tensor): Tensor {
  const zero = lax.eq(x, zeros(x))
  return lax.select(zero, zeros(x), lax.div(scalar(x, 1), lax.select(zero, scalar(x, 1), x)))
}
const orZeros = (g: Tensor | null, like: Tensor): Tensor => g ?? zeros(like)

type TriParams = BackendPrimParams['triangular_solve']
type FftParams = BackendPrimParams['fft']
function trsm(a: Tensor, b: Tensor, p: TriParams): Tensor { return bind1('triangular_solve', [a, b], p) }

/** The gradient of a function that reads one triangle: off-diagonal `G + Gᵀ` in that triangle, `G` on the diagonal. */
function triangleGradient(g: Tensor, lower: boolean): Tensor {
  const strict = (i: number, j: number): boolean => (lower ? i > j : i < j)
  return lax.add(lax.add(maskMatrix(g, strict), maskMatrix(mT(g), strict)), diagPart(g))
}

// ---- rules ---------------------------------------------------------------------------------------

// L̇ = L Φ(L⁻¹ Ȧ L⁻ᵀ) (Φ: lower triangle, halved diagonal) ⇒ Ā = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹, then onto the lower triangle.
export const cholesky: VjpRule<'cholesky'> = ({ cotangents: [g], outputs: [l] }) => {
  if (!g) return [null]
  const p = maskMatrix(matmul(mT(l!), tril(g)), (i, j) => i >= j)
  const phi = lax.sub(p, lax.mul(scalar(p, 0.5), diagPart(p)))
  const left = trsm(l!, phi, { leftSide: true, lower: true, transposeA: true, unitDiagonal: false })
  const s = trsm(l!, left, { leftSide: false, lower: true, transposeA: false, unitDiagonal: false })
  return [triangleGradient(s, true)]
}

// op(A) X = B: B̄ = op(A)⁻ᵀ X̄, op(A)‾ = -B̄ Xᵀ; X op(A) = B: B̄ = X̄ op(A)⁻ᵀ, op(A)‾ = -Xᵀ B̄.
export const triangular_solve: VjpRule<'triangular_solve'> = ({ cotangents: [g], inputs: [a], outputs: [x], params }) => {
  if (!g) return [null, null]
  const { leftSide, lower, transposeA, unitDiagonal } = params
  const gb = trsm(a!, g, { leftSide, lower, transposeA: !transposeA, unitDiagonal })
  let ga: Tensor
  if (leftSide) ga = transposeA ? matmul(x!, mT(gb)) : matmul(gb, mT(x!))
  else ga = transposeA ? matmul(mT(gb), x!) : matmul(mT(x!), gb)
  ga = lax.neg(ga)
  return [maskMatrix(ga, (i, j) => (unitDiagonal ? (lower ? i > j : i < j) : lower ? i >= j : i <= j)), gb]
}

// P A = L U ⇒ X = L⁻¹ P Ȧ U⁻¹, L̇ = L tril(X, -1), U̇ = triu(X) U ⇒ Ā = Pᵀ L⁻ᵀ (tril(Lᵀ L̄, -1) + triu(Ū Uᵀ)) U⁻ᵀ.
export const lu: VjpRule<'lu'> = ({ cotangents: [g], inputs: [a], outputs: [luOut, , perm] }) => {
  if (!g) return [null]
  const r = a!.shape.length
  const m = a!.shape[r - 2]!
  const n = a!.shape[r - 1]!
  if (m !== n) {
    throw new NotImplementedError(`The gradient of \`lu\` is implemented for square matrices only. Received: shape=${fmt(a!.shape)}`)
  }
  const l = lax.add(tril(luOut!, -1), maskMatrix(scalar(luOut!, 1), (i, j) => i === j))
  const u = triu(luOut!)
  const xbar = lax.add(tril(matmul(mT(l), tril(g, -1)), -1), triu(matmul(triu(g), mT(u))))
  const y1 = trsm(l, xbar, { leftSide: true, lower: true, transposeA: true, unitDiagonal: true })
  const y = trsm(u, y1, { leftSide: false, lower: false, transposeA: true, unitDiagonal: false })
  // Pm[i, j] = (perm[i] == j), so P A = Pm A and Pᵀ Y = Pmᵀ Y.
  const shape = a!.shape
  const rows = lax.broadcastInDim(perm!, shape, [...batchAxes(r), r - 2])
  const cols = lax.iota('int32', shape, r - 1)
  const pm = lax.select(lax.eq(rows, cols), scalar(a!, 1), zeros(a!))
  return [matmul(mT(pm), y)]
}

export const qr: VjpRule<'qr'> = ({ cotangents: [gq, gr], inputs: [a], outputs: [q, r], params: { fullMatrices } }) => {
  if (!gq && !gr) return [null]
  const rank = a!.shape.length
  const m = a!.shape[rank - 2]!
  const n = a!.shape[rank - 1]!
  if (fullMatrices && m > n) {
    throw new NotImplementedError(`The gradient of \`qr\` with fullMatrices=true is not defined for tall matrices (the extra columns of Q are not unique), as in JAX. Use fullMatrices=false. Received: shape=${fmt(a!.shape)}`)
  }
  const qb = orZeros(gq, q!)
  const rb = orZeros(gr, r!)
  if (m >= n) return [qrGradTall(q!, r!, qb, rb)]
  // Wide: A = [X | Y], R = [U | V], X = Q U, V = Qᵀ Y ⇒ Ȳ = Q V̄, X̄ = tall rule with Q̄ + Y V̄ᵀ.
  const cut = (t: Tensor, lo: number, hi: number): Tensor =>
    lax.slice(t, t.shape.map((_, i) => (i === rank - 1 ? lo : 0)), t.shape.map((d, i) => (i === rank - 1 ? hi : d)))
  const y = cut(a!, m, n)
  const ub = cut(rb, 0, m)
  const vb = cut(rb, m, n)
  const gx = qrGradTall(q!, cut(r!, 0, m), lax.add(qb, matmul(y, mT(vb))), ub)
  return [lax.concatenate([gx, matmul(q!, vb)], rank - 1)]
}

// A = V diag(w) Vᵀ: Ā = V (diag(w̄) + F ∘ (Vᵀ V̄)) Vᵀ with F[i, j] = 1/(w_j - w_i) off the diagonal.
export const eigh: VjpRule<'eigh'> = ({ cotangents: [gv, gw], outputs: [v, w], params: { lower } }) => {
  if (!gv && !gw) return [null]
  let inner = gw ? diagEmbed(gw) : zeros(v!)
  if (gv) {
    const f = maskMatrix(safeReciprocal(outer(w!, (wi, wj) => lax.sub(wj, wi))), (i, j) => i !== j)
    inner = lax.add(inner, lax.mul(f, matmul(mT(v!), gv)))
  }
  return [triangleGradient(matmul(matmul(v!, inner), mT(v!)), lower)]
}

export const svd: VjpRule<'svd'> = ({ cotangents, inputs: [a], outputs, params: { fullMatrices, computeUv } }) => {
  if (!computeUv) {
    // Ā = U diag(s̄) Vᵀ, with U, V from a reduced decomposition.
    const gs = cotangents[0]
    if (!gs) return [null]
    const [u, , vh] = bind('svd', [a!], { fullMatrices: false, computeUv: true })
    return [matmul(scaleCols(u!, gs), vh!)]
  }
  const [gu, gs, gvh] = cotangents
  if (!gu && !gs && !gvh) return [null]
  const rank = a!.shape.length
  const m = a!.shape[rank - 2]!
  const n = a!.shape[rank - 1]!
  if (fullMatrices && m !== n) {
    throw new NotImplementedError(`The gradient of \`svd\` with fullMatrices=true and computeUv=true is defined for square matrices only, as in JAX. Use fullMatrices=false. Received: shape=${fmt(a!.shape)}`)
  }
  return [svdGrad(outputs[0]!, outputs[1]!, outputs[2]!, gu ?? null, gs ?? null, gvh ?? null, m, n)]
}

export const fft: VjpRule<'fft'> = ({ cotangents, inputs, params }) => {
  const { fftType, fftLengths } = params
  const nTotal = fftLengths.reduce((a, b) => a * b, 1)
  const call = (xs: Tensor[], type: FftParams['fftType']): Tensor[] => bind('fft', xs, { fftType: type, fftLengths })
  const scale = (t: Tensor, c: number): Tensor => (c === 1 ? t : lax.mul(t, scalar(t, c)))
  if (fftType === 'fft' || fftType === 'ifft') {
    const [gr, gi] = cotangents
    if (!gr && !gi) return [null, null]
    // y = F x ⇒ x̄ = Fᴴ ȳ = n · ifft(ȳ); y = ifft(x) ⇒ x̄ = fft(ȳ) / n.
    const [re, im] = call([orZeros(gr ?? null, inputs[0]!), orZeros(gi ?? null, inputs[1]!)], fftType === 'fft' ? 'ifft' : 'fft')
    const c = fftType === 'fft' ? nTotal : 1 / nTotal
    return [scale(re!, c), scale(im!, c)]
  }
  if (fftType === 'rfft') {
    const [gr, gi] = cotangents
    if (!gr && !gi) return [null]
    // y = crop(F x) for real x ⇒ x̄ = Re(n · ifft(zero-pad(ȳ))).
    const like = gr ?? gi!
    const r = like.shape.length
    const padHi = fftLengths[fftLengths.length - 1]! - like.shape[r - 1]!
    const padded = (t: Tensor): Tensor => lax.pad(t, full([], 0, t.dtype, backendOf(t).backend), like.shape.map(() => 0), like.shape.map((_, i) => (i === r - 1 ? padHi : 0)))
    const [re] = call([padded(orZeros(gr ?? null, like)), padded(orZeros(gi ?? null, like))], 'ifft')
    return [scale(re!, nTotal)]
  }
  // irfft: x_t = (1/n) Σ_k c_k Re(y_k e^{+iθ}) with c_k = 2 except 1 at k = 0 and k = n/2 ⇒ ȳ = c · rfft(x̄) / n.
  const [g] = cotangents
  if (!g) return [null, null]
  const [re, im] = call([g], 'rfft')
  const last = fftLengths[fftLengths.length - 1]!
  const half = Math.floor(last / 2) + 1
  const w = new Float64Array(half).map((_, k) => (k === 0 || (last % 2 === 0 && k === half - 1) ? 1 : 2) / nTotal)
  const r = re!.shape.length
  const weights = lax.broadcastInDim(tensor(w, { shape: [half], dtype: re!.dtype, ...backendOf(re!) }), re!.shape, [r - 1])
  return [lax.mul(re!, weights), lax.mul(im!, weights)]
}

export const random_bits: VjpRule<'random_bits'> = () => [null]

export const random_uniform: VjpRule<'random_uniform'> = () => [null]

export const threefry2x32: VjpRule<'threefry2x32'> = () => [null, null]


/** Reduced QR of a tall A = QR (R square): Ā = (Q̄ + Q W̃) R⁻ᵀ, W = R̄ Rᵀ - Qᵀ Q̄, W̃ = triu(W) + tril(Wᵀ, -1). */
function qrGradTall(q: Tensor, r: Tensor, qb: Tensor, rb: Tensor): Tensor {
  const w = lax.sub(matmul(rb, mT(r)), matmul(mT(q), qb))
  const wt = lax.add(triu(w), tril(mT(w), -1))
  const lhs = lax.add(qb, matmul(q, wt))
  return trsm(r, lhs, { leftSide: false, lower: false, transposeA: true, unitDiagonal: false })
}

/**
 * Reverse mode of the reduced SVD A = U S Vᵀ (transpose of JAX's JVP rule), with F[i, j] = 1/(s_j² - s_i²):
 * Ā = U (diag(s̄) + (J + Jᵀ) S + S (K + Kᵀ)) Vᵀ + (I - U Uᵀ) Ū S⁻¹ Vᵀ [m > n] + U S⁻¹ V̄ᵀ (I - V Vᵀ) [n > m],
 * J = F ∘ (Uᵀ Ū), K = F ∘ (Vᵀ V̄).
 */
function svdGrad(u: Tensor, s: Tensor, vh: Tensor, gu: Tensor | null, gs: Tensor | null, gvh: Tensor | null, m: number, n: number): Tensor {
  const sq = lax.mul(s, s)
  const f = maskMatrix(safeReciprocal(outer(sq, (si, sj) => lax.sub(sj, si))), (i, j) => i !== j)
  const sInv = safeReciprocal(s)
  let inner = gs ? diagEmbed(gs) : outer(s, (_vi, vj) => zeros(vj))
  let extra: Tensor | null = null
  if (gu) {
    const j = lax.mul(f, matmul(mT(u), gu))
    inner = lax.add(inner, scaleCols(lax.add(j, mT(j)), s))
    if (m > n) extra = matmul(scaleCols(lax.sub(gu, matmul(u, matmul(mT(u), gu))), sInv), vh)
  }
  if (gvh) {
    const v = mT(vh)
    const k = lax.mul(f, matmul(mT(v), mT(gvh)))
    inner = lax.add(inner, scaleRows(lax.add(k, mT(k)), s))
    if (n > m) {
      const e = matmul(u, scaleRows(lax.sub(gvh, matmul(matmul(gvh, v), vh)), sInv))
      extra = extra ? lax.add(extra, e) : e
    }
  }
  const main = matmul(matmul(u, inner), vh)
  return extra ? lax.add(main, extra) : main
}
