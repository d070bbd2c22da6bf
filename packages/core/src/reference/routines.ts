/**
 * @file Reference implementations of the routine primitives in float64: Cholesky, triangular solves,
 * LU with partial pivoting (LAPACK getrf), Householder QR (LAPACK geqrf/orgqr signs), Jacobi eigh and
 * one-sided Jacobi SVD, a direct DFT, and the Threefry generators. Leading dims are a batch.
 */
import { allocTyped, type TypedArray } from '../dtype.js'
import type { RefImpl, RefTensor } from './types.js'
import { randomBits, randomUniform, threefryPairs } from '../random/threefry.js'

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1)

/** Splits a tensor into its batch count and trailing matrix dims. */
function batchOf(t: RefTensor): { count: number; m: number; n: number } {
  const r = t.shape.length
  return { count: prod(t.shape.slice(0, r - 2)), m: t.shape[r - 2]!, n: t.shape[r - 1]! }
}

/** Matrix `b` of a batch as a float64 row-major copy. */
function matrixAt(t: RefTensor, b: number, size: number): Float64Array {
  return Float64Array.from(t.values.subarray(b * size, (b + 1) * size) as ArrayLike<number>)
}

// ---- cholesky / triangular_solve -------------------------------------------------------------------

/** Lower Cholesky factor from the lower triangle; NaN in the lower triangle when not positive definite (as JAX). */
function choleskyOne(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n)
  for (let j = 0; j < n; j++) {
    let s = a[j * n + j]!
    for (let k = 0; k < j; k++) s -= l[j * n + k]! * l[j * n + k]!
    if (!(s > 0)) {
      for (let i = 0; i < n; i++) for (let k = 0; k <= i; k++) l[i * n + k] = NaN
      return l
    }
    const d = Math.sqrt(s)
    l[j * n + j] = d
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j]!
      for (let k = 0; k < j; k++) t -= l[i * n + k]! * l[j * n + k]!
      l[i * n + j] = t / d
    }
  }
  return l
}

/**
 * Solves `T X = B` for a dense triangular `T` (n×n, `lower` says which triangle holds it) and `B` (n×c);
 * overwrites and returns `b`.
 */
function solveTriangular(t: Float64Array, n: number, lower: boolean, b: Float64Array, c: number): Float64Array {
  for (let col = 0; col < c; col++) {
    if (lower) {
      for (let i = 0; i < n; i++) {
        let s = b[i * c + col]!
        for (let k = 0; k < i; k++) s -= t[i * n + k]! * b[k * c + col]!
        b[i * c + col] = s / t[i * n + i]!
      }
    } else {
      for (let i = n - 1; i >= 0; i--) {
        let s = b[i * c + col]!
        for (let k = i + 1; k < n; k++) s -= t[i * n + k]! * b[k * c + col]!
        b[i * c + col] = s / t[i * n + i]!
      }
    }
  }
  return b
}

function transposed(a: Float64Array, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n)
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j]!
  return t
}

const triangularSolve: RefImpl<'triangular_solve'> = ([a, b], { leftSide, lower, transposeA, unitDiagonal }, [out]) => {
  const { m } = batchOf(a!)
  const { count, m: bm, n: bn } = batchOf(b!)
  const o = allocTyped(out!.dtype, b!.values.length)
  for (let bi = 0; bi < count; bi++) {
    // T = op(A) from A's triangle (unit diagonal if asked); op(A) is lower iff lower !== transposeA.
    const src = matrixAt(a!, bi, m * m)
    const tri = new Float64Array(m * m)
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        const inTri = lower ? j <= i : j >= i
        tri[i * m + j] = i === j && unitDiagonal ? 1 : inTri ? src[i * m + j]! : 0
      }
    }
    let t = transposeA ? transposed(tri, m, m) : tri
    let tLower = lower !== transposeA
    const rhs = matrixAt(b!, bi, bm * bn)
    let x: Float64Array
    if (leftSide) {
      x = solveTriangular(t, m, tLower, rhs, bn)
    } else {
      // X T = B ⇔ Tᵀ Xᵀ = Bᵀ
      t = transposed(t, m, m)
      tLower = !tLower
      x = transposed(solveTriangular(t, m, tLower, transposed(rhs, bm, bn), bm), bn, bm)
    }
    o.set(x, bi * bm * bn)
  }
  return [o]
}

// ---- lu ---------------------------------------------------------------------------------------------

const luImpl: RefImpl<'lu'> = ([x], _p, [out]) => {
  const { count, m, n } = batchOf(x!)
  const k = Math.min(m, n)
  const o = allocTyped(out!.dtype, x!.values.length)
  const piv = new Int32Array(count * k)
  const perm = new Int32Array(count * m)
  for (let b = 0; b < count; b++) {
    const a = matrixAt(x!, b, m * n)
    const p = Int32Array.from({ length: m }, (_, i) => i)
    for (let j = 0; j < k; j++) {
      // NOTE: the first row of largest magnitude wins ties (LAPACK's idamax).
      let best = j
      let bestAbs = Math.abs(a[j * n + j]!)
      for (let i = j + 1; i < m; i++) {
        const v = Math.abs(a[i * n + j]!)
        if (v > bestAbs) { best = i; bestAbs = v }
      }
      piv[b * k + j] = best
      if (best !== j) {
        for (let c = 0; c < n; c++) { const t = a[j * n + c]!; a[j * n + c] = a[best * n + c]!; a[best * n + c] = t }
        const t = p[j]!; p[j] = p[best]!; p[best] = t
      }
      const d = a[j * n + j]!
      if (d !== 0) for (let i = j + 1; i < m; i++) a[i * n + j] = a[i * n + j]! / d
      for (let i = j + 1; i < m; i++) {
        const f = a[i * n + j]!
        if (f !== 0) for (let c = j + 1; c < n; c++) a[i * n + c] = a[i * n + c]! - f * a[j * n + c]!
      }
    }
    o.set(a, b * m * n)
    perm.set(p, b * m)
  }
  return [o, piv, perm]
}

// ---- qr ---------------------------------------------------------------------------------------------

const qrImpl: RefImpl<'qr'> = ([x], { fullMatrices }, [qOut, rOut]) => {
  const { count, m, n } = batchOf(x!)
  const k = Math.min(m, n)
  const qc = fullMatrices ? m : k
  const rr = fullMatrices ? m : k
  const qo = allocTyped(qOut!.dtype, count * m * qc)
  const ro = allocTyped(rOut!.dtype, count * rr * n)
  for (let b = 0; b < count; b++) {
    const a = matrixAt(x!, b, m * n)
    const tau = new Float64Array(k)
    for (let j = 0; j < k; j++) {
      // LAPACK dlarfg: H = I - τ v vᵀ with v[j] = 1 maps the column to (β, 0, ...), β = -sign(α)·‖(α, x)‖.
      const alpha = a[j * n + j]!
      let xnorm = 0
      for (let i = j + 1; i < m; i++) xnorm = Math.hypot(xnorm, a[i * n + j]!)
      if (xnorm === 0) { tau[j] = 0; continue }
      const beta = (alpha >= 0 ? -1 : 1) * Math.hypot(alpha, xnorm)
      tau[j] = (beta - alpha) / beta
      const scale = 1 / (alpha - beta)
      for (let i = j + 1; i < m; i++) a[i * n + j] = a[i * n + j]! * scale
      a[j * n + j] = beta
      for (let c = j + 1; c < n; c++) {
        let w = a[j * n + c]!
        for (let i = j + 1; i < m; i++) w += a[i * n + j]! * a[i * n + c]!
        w *= tau[j]!
        a[j * n + c] = a[j * n + c]! - w
        for (let i = j + 1; i < m; i++) a[i * n + c] = a[i * n + c]! - w * a[i * n + j]!
      }
    }
    for (let i = 0; i < rr; i++) for (let c = 0; c < n; c++) ro[b * rr * n + i * n + c] = c >= i && i < m ? a[i * n + c]! : 0
    // Q = H_0 H_1 ... H_{k-1} applied to the first qc columns of the identity.
    const q = new Float64Array(m * qc)
    for (let i = 0; i < Math.min(m, qc); i++) q[i * qc + i] = 1
    for (let j = k - 1; j >= 0; j--) {
      const t = tau[j]!
      if (t === 0) continue
      for (let c = 0; c < qc; c++) {
        let w = q[j * qc + c]!
        for (let i = j + 1; i < m; i++) w += a[i * n + j]! * q[i * qc + c]!
        w *= t
        q[j * qc + c] = q[j * qc + c]! - w
        for (let i = j + 1; i < m; i++) q[i * qc + c] = q[i * qc + c]! - w * a[i * n + j]!
      }
    }
    qo.set(q, b * m * qc)
  }
  return [qo, ro]
}

// ---- eigh / svd ---------------------------------------------------------------------------------------

/** One Jacobi rotation angle: t = tan φ that zeroes the (p, q) pair, from ζ = (a_qq - a_pp) / (2 a_pq). */
function jacobiTangent(zeta: number): number {
  if (Math.abs(zeta) > 1e150) return 1 / (2 * zeta)
  return (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta))
}

/** Symmetric eigendecomposition by cyclic Jacobi: eigenvalues ascending, eigenvectors as columns of v (n×n). */
function eighOne(a: Float64Array, n: number): { w: Float64Array; v: Float64Array } {
  const v = new Float64Array(n * n)
  for (let i = 0; i < n; i++) v[i * n + i] = 1
  if (a.some((x) => Number.isNaN(x))) return { w: new Float64Array(n).fill(NaN), v: v.fill(NaN) }
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    let diag = 0
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i]! * a[i * n + i]!
      for (let j = i + 1; j < n; j++) off += a[i * n + j]! * a[i * n + j]!
    }
    if (off <= 1e-34 * diag || off === 0) break
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!
        if (apq === 0) continue
        const t = jacobiTangent((a[q * n + q]! - a[p * n + p]!) / (2 * apq))
        const c = 1 / Math.sqrt(1 + t * t)
        const s = t * c
        for (let k = 0; k < n; k++) { // columns p, q
          const akp = a[k * n + p]!
          const akq = a[k * n + q]!
          a[k * n + p] = c * akp - s * akq
          a[k * n + q] = s * akp + c * akq
        }
        for (let k = 0; k < n; k++) { // rows p, q
          const apk = a[p * n + k]!
          const aqk = a[q * n + k]!
          a[p * n + k] = c * apk - s * aqk
          a[q * n + k] = s * apk + c * aqk
        }
        a[p * n + q] = 0
        a[q * n + p] = 0
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!
          const vkq = v[k * n + q]!
          v[k * n + p] = c * vkp - s * vkq
          v[k * n + q] = s * vkp + c * vkq
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i]! - a[j * n + j]!)
  const w = Float64Array.from(order, (i) => a[i * n + i]!)
  const vs = new Float64Array(n * n)
  for (let r = 0; r < n; r++) order.forEach((src, dst) => { vs[r * n + dst] = v[r * n + src]! })
  return { w, v: vs }
}

const eighImpl: RefImpl<'eigh'> = ([x], { lower }, [vOut, wOut]) => {
  const { count, n } = batchOf(x!)
  const vo = allocTyped(vOut!.dtype, count * n * n)
  const wo = allocTyped(wOut!.dtype, count * n)
  for (let b = 0; b < count; b++) {
    const src = matrixAt(x!, b, n * n)
    const a = new Float64Array(n * n)
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) a[i * n + j] = (lower ? j <= i : j >= i) ? src[i * n + j]! : src[j * n + i]!
    }
    const { w, v } = eighOne(a, n)
    vo.set(v, b * n * n)
    wo.set(w, b * n)
  }
  return [vo, wo]
}

/**
 * Completes the m×cols column set `u` (row-major) to orthonormal columns: every column with
 * `valid[c]` false is replaced by the unit vector with the largest residual after Gram–Schmidt (twice)
 * against the valid columns.
 */
function completeColumns(u: Float64Array, m: number, cols: number, valid: boolean[]): void {
  const col = new Float64Array(m)
  for (let j = 0; j < cols; j++) {
    if (valid[j]) continue
    let best = new Float64Array(m)
    let bestNorm = -1
    for (let e = 0; e < m; e++) {
      col.fill(0)
      col[e] = 1
      for (let pass = 0; pass < 2; pass++) {
        for (let c = 0; c < cols; c++) {
          if (!valid[c]) continue
          let dot = 0
          for (let i = 0; i < m; i++) dot += u[i * cols + c]! * col[i]!
          for (let i = 0; i < m; i++) col[i] = col[i]! - dot * u[i * cols + c]!
        }
      }
      let norm = 0
      for (let i = 0; i < m; i++) norm = Math.hypot(norm, col[i]!)
      if (norm > bestNorm) { bestNorm = norm; best = col.map((v) => v / norm) }
    }
    for (let i = 0; i < m; i++) u[i * cols + j] = best[i]!
    valid[j] = true
  }
}

/** Thin SVD of a tall m×n matrix (m ≥ n) by one-sided Jacobi: u m×n, s (descending), v n×n. */
function svdTall(a: Float64Array, m: number, n: number): { u: Float64Array; s: Float64Array; v: Float64Array } {
  const u = a
  const v = new Float64Array(n * n)
  for (let i = 0; i < n; i++) v[i * n + i] = 1
  if (a.some((x) => Number.isNaN(x))) return { u: u.fill(NaN), s: new Float64Array(n).fill(NaN), v: v.fill(NaN) }
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0
        let beta = 0
        let gamma = 0
        for (let i = 0; i < m; i++) {
          const up = u[i * n + p]!
          const uq = u[i * n + q]!
          alpha += up * up
          beta += uq * uq
          gamma += up * uq
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-16 * Math.sqrt(alpha * beta)) continue
        rotated = true
        const t = jacobiTangent((beta - alpha) / (2 * gamma))
        const c = 1 / Math.sqrt(1 + t * t)
        const s = c * t
        for (let i = 0; i < m; i++) {
          const up = u[i * n + p]!
          const uq = u[i * n + q]!
          u[i * n + p] = c * up - s * uq
          u[i * n + q] = s * up + c * uq
        }
        for (let i = 0; i < n; i++) {
          const vp = v[i * n + p]!
          const vq = v[i * n + q]!
          v[i * n + p] = c * vp - s * vq
          v[i * n + q] = s * vp + c * vq
        }
      }
    }
    if (!rotated) break
  }
  const norms = Array.from({ length: n }, (_, j) => {
    let s = 0
    for (let i = 0; i < m; i++) s = Math.hypot(s, u[i * n + j]!)
    return s
  })
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => norms[j]! - norms[i]!)
  const us = new Float64Array(m * n)
  const vs = new Float64Array(n * n)
  const s = Float64Array.from(order, (j) => norms[j]!)
  order.forEach((src, dst) => {
    const d = norms[src]!
    for (let i = 0; i < m; i++) us[i * n + dst] = d > 0 ? u[i * n + src]! / d : 0
    for (let i = 0; i < n; i++) vs[i * n + dst] = v[i * n + src]!
  })
  completeColumns(us, m, n, Array.from(s, (d) => d > 0))
  return { u: us, s, v: vs }
}

/** Widens an m×n column set to m×cols (cols ≥ n), completing the new columns orthonormally. */
function widen(u: Float64Array, m: number, n: number, cols: number): Float64Array {
  if (cols === n) return u
  const w = new Float64Array(m * cols)
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[i * cols + j] = u[i * n + j]!
  completeColumns(w, m, cols, Array.from({ length: cols }, (_, j) => j < n))
  return w
}

const svdImpl: RefImpl<'svd'> = ([x], { fullMatrices, computeUv }, outs) => {
  const { count, m, n } = batchOf(x!)
  const k = Math.min(m, n)
  const uc = fullMatrices ? m : k
  const vr = fullMatrices ? n : k
  const sOut = outs[computeUv ? 1 : 0]!
  const so = allocTyped(sOut.dtype, count * k)
  const uo = computeUv ? allocTyped(outs[0]!.dtype, count * m * uc) : null
  const vo = computeUv ? allocTyped(outs[2]!.dtype, count * vr * n) : null
  for (let b = 0; b < count; b++) {
    const a = matrixAt(x!, b, m * n)
    // A = U S Vᵀ; for a wide A decompose Aᵀ = V S Uᵀ instead.
    const tall = m >= n
    const { u, s, v } = tall ? svdTall(a, m, n) : svdTall(transposed(a, m, n), n, m)
    so.set(s, b * k)
    if (!uo || !vo) continue
    const uFull = tall ? widen(u, m, k, uc) : v // v: m×m when wide
    const vFull = tall ? v : widen(u, n, k, vr) // n×vr
    uo.set(uFull.subarray(0, m * uc), b * m * uc)
    vo.set(transposed(vFull, n, vr), b * vr * n)
  }
  return computeUv ? [uo!, so, vo!] : [so]
}

// ---- fft ---------------------------------------------------------------------------------------------

/** Direct DFT along one axis, in place: X_k = Σ_t x_t e^{∓2πi kt/n}, scaled by 1/n when inverse. */
function dftAxis(re: Float64Array, im: Float64Array, shape: readonly number[], axis: number, inverse: boolean): void {
  const n = shape[axis]!
  const inner = prod(shape.slice(axis + 1))
  const outer = prod(shape.slice(0, axis))
  // NOTE: twiddles indexed by (k·t mod n) keep every angle exact to one rounding.
  const cos = Float64Array.from({ length: n }, (_, j) => Math.cos((2 * Math.PI * j) / n))
  const sin = Float64Array.from({ length: n }, (_, j) => (inverse ? 1 : -1) * Math.sin((2 * Math.PI * j) / n))
  const lr = new Float64Array(n)
  const li = new Float64Array(n)
  const scale = inverse ? 1 / n : 1
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i
      for (let t = 0; t < n; t++) { lr[t] = re[base + t * inner]!; li[t] = im[base + t * inner]! }
      for (let kk = 0; kk < n; kk++) {
        let sr = 0
        let si = 0
        for (let t = 0, idx = 0; t < n; t++, idx = (idx + kk) % n) {
          sr += lr[t]! * cos[idx]! - li[t]! * sin[idx]!
          si += lr[t]! * sin[idx]! + li[t]! * cos[idx]!
        }
        re[base + kk * inner] = sr * scale
        im[base + kk * inner] = si * scale
      }
    }
  }
}

/** Keeps the first `keep` entries of the last axis. */
function cropLast(v: Float64Array, shape: readonly number[], keep: number): Float64Array {
  const n = shape[shape.length - 1]!
  const rows = v.length / n
  const out = new Float64Array(rows * keep)
  for (let r = 0; r < rows; r++) for (let j = 0; j < keep; j++) out[r * keep + j] = v[r * n + j]!
  return out
}

const fftImpl: RefImpl<'fft'> = (inputs, { fftType, fftLengths }, outs) => {
  const x = inputs[0]!
  const shape = x.shape
  const r = shape.length
  const axes = fftLengths.map((_, i) => r - fftLengths.length + i)
  const re = Float64Array.from(x.values as ArrayLike<number>)
  const im = inputs[1] ? Float64Array.from(inputs[1].values as ArrayLike<number>) : new Float64Array(re.length)
  const emit = (vals: Float64Array[]): TypedArray[] => vals.map((v, i) => { const o = allocTyped(outs[i]!.dtype, v.length); o.set(v); return o })
  if (fftType === 'fft' || fftType === 'ifft') {
    for (const ax of axes) dftAxis(re, im, shape, ax, fftType === 'ifft')
    return emit([re, im])
  }
  if (fftType === 'rfft') {
    for (const ax of axes) dftAxis(re, im, shape, ax, false)
    const half = Math.floor(shape[r - 1]! / 2) + 1
    return emit([cropLast(re, shape, half), cropLast(im, shape, half)])
  }
  // irfft: inverse complex DFT over the leading fft axes, then the real inverse along the last axis,
  // x_t = (1/n) Σ_k c_k Re(y_k e^{2πi kt/n}), c_k = 1 at k = 0 and k = n/2, else 2 (imaginary parts of those ignored).
  for (const ax of axes.slice(0, -1)) dftAxis(re, im, shape, ax, true)
  const n = fftLengths[fftLengths.length - 1]!
  const half = shape[r - 1]!
  const rows = re.length / half
  const out = new Float64Array(rows * n)
  const cos = Float64Array.from({ length: n }, (_, j) => Math.cos((2 * Math.PI * j) / n))
  const sin = Float64Array.from({ length: n }, (_, j) => Math.sin((2 * Math.PI * j) / n))
  for (let row = 0; row < rows; row++) {
    for (let t = 0; t < n; t++) {
      let sum = 0
      for (let kk = 0, idx = 0; kk < half; kk++, idx = (idx + t) % n) {
        const c = kk === 0 || (n % 2 === 0 && kk === n / 2) ? 1 : 2
        sum += c * (re[row * half + kk]! * cos[idx]! - im[row * half + kk]! * sin[idx]!)
      }
      out[row * n + t] = sum / n
    }
  }
  return emit([out])
}

// ---- table ---------------------------------------------------------------------------------------------

export const routineImpls = {
  cholesky: ([x], _p, [out]) => {
    const { count, n } = batchOf(x!)
    const o = allocTyped(out!.dtype, x!.values.length)
    for (let b = 0; b < count; b++) o.set(choleskyOne(matrixAt(x!, b, n * n), n), b * n * n)
    return [o]
  },
  triangular_solve: triangularSolve,
  lu: luImpl,
  qr: qrImpl,
  eigh: eighImpl,
  svd: svdImpl,
  fft: fftImpl,
  random_bits: ([key], { shape }) => [randomBits(key!.values, prod(shape))],
  random_uniform: ([key], { shape, dtype }, [out]) => {
    const o = allocTyped(out!.dtype, prod(shape))
    o.set(randomUniform(key!.values, prod(shape), dtype))
    return [o]
  },
  threefry2x32: ([keys, counts], _p, [out]) => {
    const o = allocTyped(out!.dtype, keys!.values.length)
    o.set(threefryPairs(keys!.values, counts!.values))
    return [o]
  },
} satisfies { [P in 'cholesky' | 'triangular_solve' | 'lu' | 'qr' | 'eigh' | 'svd' | 'fft' | 'random_bits' | 'random_uniform' | 'threefry2x32']: RefImpl<P> }
