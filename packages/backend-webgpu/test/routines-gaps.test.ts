/**
 * kx's WGSL programs for the primitives backend-tfjs runs on the host (issue #14), on larger and harder inputs
 * than the conformance kit's: lgamma / digamma across poles, negative non-integers and large arguments, igamma on
 * both of its branches (series, continued fraction) and for large `a`, bitcast over the full int32 range, int32
 * dot_general beyond 2^24 with wrapping sums, fft / rfft / irfft of larger and odd lengths, and eigh / svd of
 * bigger, batched and rank-deficient matrices. Values are compared with `reference` (core's float64 host
 * implementation, JAX's semantics); eigh / svd also by their defining identities (A = V diag(w) Vᵀ, A = U S Vᴴ,
 * orthonormal columns), which hold whatever the signs of the vectors.
 */
import { describe, expect, it } from 'vitest'
import { seededRandom } from '@kx/backend-conformance'
import { DTypeError, Tensor, createReferenceBackend, lax, type Backend, type DType } from '@kx/core'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'
import { on, outputsOn, type Values } from './run-on.js'


describe.runIf(webgpuAvailable('backend-webgpu routine gaps'))('kx programs for host-only primitives', () => {
  const b = gpu.backend!
  const reference = createReferenceBackend()

  const outputs = outputsOn

  /** webgpu's outputs equal `reference`'s within `tol · (1 + |want|)` (exactly when 0; NaN = NaN). */
  async function same(inputs: [Values, number[], DType][], f: (...xs: Tensor[]) => Tensor | Tensor[], tol = 0): Promise<number[][]> {
    const [got, want] = [await outputs(b, inputs, f), await outputs(reference, inputs, f)]
    expect(got.length).toBe(want.length)
    got.forEach((g, o) => {
      expect(g.length, `output ${o} size`).toBe(want[o]!.length)
      const bad = g.findIndex((v, i) => !(v === want[o]![i] || Math.abs(v - want[o]![i]!) <= tol * (1 + Math.abs(want[o]![i]!)) || (Number.isNaN(v) && Number.isNaN(want[o]![i]!))))
      expect(bad, bad < 0 ? '' : `output ${o} [${bad}]: got ${g[bad]}, want ${want[o]![bad]}`).toBe(-1)
    })
    return got
  }

  const r = seededRandom(14)
  const rand = (n: number, lo = -1, hi = 1): Float32Array => Float32Array.from({ length: n }, () => lo + (hi - lo) * r())

  it('lgamma and digamma: poles, negative non-integers, tiny and large arguments, ±inf, NaN', async () => {
    const xs = [...Array.from({ length: 141 }, (_, i) => -20.25 + i * 0.5 + 0.01 * (i % 7)), -3.0001, -2.9999, -0.5, -1e-3, 1e-3, 1e-6,
      0.999, 1, 1.0001, 1.4616, 2, 2.0001, 9.99, 10, 10.01, 1e3, 1e6, 1e10, 0, -0, -1, -7, Infinity, -Infinity, NaN]
    const x = Float32Array.from(xs)
    await same([[x, [x.length], 'float32']], (t) => lax.unary('lgamma', t!), 2e-5)
    await same([[x, [x.length], 'float32']], (t) => lax.unary('digamma', t!), 2e-5)
  }, GPU_TIMEOUT)

  it('igamma: series and continued-fraction branches, large a, edge values', async () => {
    const as = [0.1, 0.5, 1, 2.5, 7, 12, 30, 100, 400]
    const xs = [0.01, 0.4, 1, 2.5, 6, 11, 25, 90, 130, 500]
    const a = Float32Array.from(as.flatMap((v) => xs.map(() => v)))
    const x = Float32Array.from(as.flatMap(() => xs))
    await same([[a, [a.length], 'float32'], [x, [x.length], 'float32']], (p, q) => lax.binary('igamma', p!, q!), 1e-4)
    const ea = Float32Array.from([0, 0, 1, 1, -1, 2, NaN, Infinity, 3])
    const ex = Float32Array.from([0, 2, 0, Infinity, 1, -1, 1, 2, NaN])
    await same([[ea, [9], 'float32'], [ex, [9], 'float32']], (p, q) => lax.binary('igamma', p!, q!))
  }, GPU_TIMEOUT)

  it('bitcast_convert_type: float32 ↔ int32 over the full range; other dtypes raise DTypeError', async () => {
    const ints = Int32Array.from({ length: 200 }, () => Math.floor((r() - 0.5) * 2 ** 32))
    ints.set([0, -2147483648, 2147483647, 1065353216, 2139095040, -8388608, 16777217])
    // NOTE: NaN patterns (exponent all ones, mantissa ≠ 0) may be canonicalised on the way; bits compare only for non-NaNs.
    const notNaN = ints.filter((i) => ((i >>> 23) & 0xff) !== 0xff || (i & 0x7fffff) === 0)
    await same([[notNaN, [notNaN.length], 'int32']], (t) => lax.bitcastConvertType(lax.bitcastConvertType(t!, 'float32'), 'int32'))
    const floats = Float32Array.from([...rand(50, -1e30, 1e30), 0, -0, Infinity, -Infinity, 1, -2, 3.5e-38])
    await same([[floats, [floats.length], 'float32']], (t) => lax.bitcastConvertType(t!, 'int32'))
    const x = on(b, Float32Array.from([1]), [1], 'float32')
    expect(() => lax.bitcastConvertType(x, 'uint32')).toThrow(DTypeError)
    x.dispose()
  }, GPU_TIMEOUT)

  it('int32 dot_general: exact products beyond 2^24, sums wrapping mod 2^32, batch and contracting dims anywhere', async () => {
    // NOTE: `reference` sums in float64, exact while |Σ| < 2^53: operands below 2^25 and 2^22 keep it exact (40 terms).
    const ints = (n: number, bits: number): Int32Array => Int32Array.from({ length: n }, () => Math.floor((r() - 0.5) * 2 ** bits))
    await same([[ints(7 * 40, 25), [7, 40], 'int32'], [ints(40 * 5, 22), [40, 5], 'int32']], (p, q) => lax.dotGeneral(p!, q!, [[1], [0]]))
    await same([[ints(3 * 2 * 6, 25), [3, 2, 6], 'int32'], [ints(6 * 2 * 4, 22), [6, 2, 4], 'int32']], (p, q) => lax.dotGeneral(p!, q!, [[2], [0]], [[1], [1]]))
    await same([[ints(4 * 5, 25), [4, 5], 'int32'], [ints(4 * 3, 22), [4, 3], 'int32']], (p, q) => lax.dotGeneral(p!, q!, [[0], [0]]))
    // Full-range operands: XLA's int32 dot wraps every product and sum mod 2^32, computed here with BigInt.
    const [a, c] = [ints(3 * 30, 32), ints(30 * 4, 32)]
    const [got] = await outputs(b, [[a, [3, 30], 'int32'], [c, [30, 4], 'int32']], (p, q) => lax.dotGeneral(p!, q!, [[1], [0]]))
    const want = Array.from({ length: 12 }, (_, i) => {
      let s = 0n
      for (let t = 0; t < 30; t++) s += BigInt(a[Math.floor(i / 4) * 30 + t]!) * BigInt(c[t * 4 + (i % 4)]!)
      return Number(BigInt.asIntN(32, s))
    })
    expect(got).toEqual(want)
  }, GPU_TIMEOUT)

  it('fft / ifft / rfft / irfft: lengths 64, 100, 99, 2-d and 3-d', async () => {
    for (const [shape, lengths] of [[[3, 64], [64]], [[2, 99], [99]], [[16, 12], [16, 12]], [[2, 4, 5, 6], [4, 5, 6]]] as [number[], number[]][]) {
      const n = shape.reduce((p, q) => p * q, 1)
      const [re, im] = [rand(n), rand(n)]
      for (const type of ['fft', 'ifft'] as const) {
        await same([[re, shape, 'float32'], [im, shape, 'float32']], (p, q) => lax.fft([p!, q!], type, lengths), 2e-5 * lengths.reduce((p, q) => p * q, 1) ** 0.5)
      }
      await same([[re, shape, 'float32']], (p) => lax.fft([p!], 'rfft', lengths), 2e-5 * n ** 0.5)
      const half = [...shape.slice(0, -1), Math.floor(shape.at(-1)! / 2) + 1]
      const m = half.reduce((p, q) => p * q, 1)
      await same([[re.slice(0, m), half, 'float32'], [im.slice(0, m), half, 'float32']], (p, q) => lax.fft([p!, q!], 'irfft', lengths), 2e-5)
    }
  }, GPU_TIMEOUT)

  /** Row-major `a [m, k] · b [k, n]` in float64. */
  const mm = (a: number[], bm: number[], m: number, k: number, n: number): number[] =>
    Array.from({ length: m * n }, (_, i) => { let s = 0; for (let t = 0; t < k; t++) s += a[Math.floor(i / n) * k + t]! * bm[t * n + (i % n)]!; return s })
  const tr = (a: number[], m: number, n: number): number[] => Array.from({ length: m * n }, (_, i) => a[(i % m) * n + Math.floor(i / m)]!)
  const eye = (n: number): number[] => Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0))
  const close = (got: number[], want: number[], tol: number, what: string): void => {
    const bad = got.findIndex((v, i) => !(Math.abs(v - want[i]!) <= tol))
    expect(bad, bad < 0 ? '' : `${what} [${bad}]: got ${got[bad]}, want ${want[bad]}`).toBe(-1)
  }

  it('eigh: 12×12 batch of 3, both triangles; eigenvalues as reference, A = V diag(w) Vᵀ, VᵀV = I', async () => {
    const n = 12
    const x = rand(3 * n * n)
    for (const lower of [true, false]) {
      await same([[x, [3, n, n], 'float32']], (t) => lax.eigh(t!, lower)[1]!, 1e-4)
      const [v, w] = await outputs(b, [[x, [3, n, n], 'float32']], (t) => lax.eigh(t!, lower))
      for (let k = 0; k < 3; k++) {
        const vk = v!.slice(k * n * n, (k + 1) * n * n)
        const a = Array.from({ length: n * n }, (_, i) => {
          const [row, col] = [Math.floor(i / n), i % n]
          return (lower ? col <= row : col >= row) ? x[k * n * n + i]! : x[k * n * n + col * n + row]!
        })
        const vw = vk.map((e, i) => e * w![k * n + (i % n)]!)
        close(mm(vw, tr(vk, n, n), n, n, n), a, 1e-4, 'V diag(w) Vᵀ')
        close(mm(tr(vk, n, n), vk, n, n, n), eye(n), 1e-5, 'VᵀV')
      }
    }
  }, GPU_TIMEOUT)

  it('svd: tall / wide, reduced / full, batched and rank-deficient; s as reference, A = U S Vᴴ, orthonormal U and Vᴴ', async () => {
    const rank1 = (m: number, n: number): Float32Array => { const [p, q] = [rand(m), rand(n)]; return Float32Array.from({ length: m * n }, (_, i) => p[Math.floor(i / n)]! * q[i % n]!) }
    const cases: [Float32Array, number, number, number][] = [[rand(2 * 9 * 5), 2, 9, 5], [rand(5 * 9), 1, 5, 9], [rank1(6, 4), 1, 6, 4], [rand(8 * 8), 1, 8, 8]]
    for (const [x, count, m, n] of cases) {
      const k = Math.min(m, n)
      await same([[x, [count, m, n], 'float32']], (t) => lax.svd(t!, false, false), 1e-4)
      for (const full of [false, true]) {
        const [u, s, vh] = await outputs(b, [[x, [count, m, n], 'float32']], (t) => lax.svd(t!, full, true))
        const [uc, vr] = full ? [m, n] : [k, k]
        for (let c = 0; c < count; c++) {
          const uk = u!.slice(c * m * uc, (c + 1) * m * uc)
          const vk = vh!.slice(c * vr * n, (c + 1) * vr * n)
          // U[:, :k] diag(s) Vᴴ[:k, :]
          const us = Array.from({ length: m * k }, (_, i) => uk[Math.floor(i / k) * uc + (i % k)]! * s![c * k + (i % k)]!)
          close(mm(us, vk.slice(0, k * n), m, k, n), Array.from(x.slice(c * m * n, (c + 1) * m * n)), 1e-4, `U S Vᴴ (${m}×${n}, full=${full})`)
          close(mm(tr(uk, m, uc), uk, uc, m, uc), eye(uc), 1e-4, `UᵀU (${m}×${n}, full=${full})`)
          close(mm(vk, tr(vk, vr, n), vr, n, vr), eye(vr), 1e-4, `Vᴴ V (${m}×${n}, full=${full})`)
        }
      }
    }
  }, GPU_TIMEOUT)
})
