/**
 * kx's own kernels for tfjs-webgpu gaps (issue #14), on larger and harder inputs than the conformance kit's:
 * the bitonic `sort` / `top_k` (non-power-of-two rows, NaN, ±inf, −0, ties, int32 beyond 2^24, bool, inner
 * axes), int32 scans along inner axes (Keras's causal masks), exact int32 bitwise ops, rank-5/6 select and
 * broadcasts, `qr` (Keras's Orthogonal initializer), `cholesky`, `triangular_solve` and `lu`. Each
 * result is compared element for element with `reference` (core's host implementation, JAX's semantics).
 */
import { describe, expect, it } from 'vitest'
import { seededRandom } from '@kx/backend-conformance'
import { Tensor, createReferenceBackend, lax, type Backend, type DType } from '@kx/core'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'
import { on, outputsOn, type Values } from './run-on.js'


describe.runIf(webgpuAvailable('backend-webgpu kernel gaps'))('kx kernels for tfjs-webgpu gaps', () => {
  const b = gpu.backend!
  const reference = createReferenceBackend()

  /**
   * Runs `f` on webgpu and on `reference` with the same inputs; expects identical outputs (NaN = NaN, −0 = 0),
   * or within `tol` (absolute + relative) when given.
   */
  async function same(inputs: [Values, number[], DType][], f: (...xs: Tensor[]) => Tensor | Tensor[], tol = 0): Promise<void> {
    const run = (be: Backend): Promise<number[][]> => outputsOn(be, inputs, f)
    const [got, want] = [await run(b), await run(reference)]
    expect(got.length).toBe(want.length)
    got.forEach((g, o) => {
      expect(g.length, `output ${o} size`).toBe(want[o]!.length)
      const bad = g.findIndex((v, i) => !(v === want[o]![i] || Math.abs(v - want[o]![i]!) <= tol * (1 + Math.abs(want[o]![i]!)) || (Number.isNaN(v) && Number.isNaN(want[o]![i]!))))
      expect(bad, bad < 0 ? '' : `output ${o} [${bad}]: got ${g[bad]}, want ${want[o]![bad]}`).toBe(-1)
    })
  }

  const r = seededRandom(21)
  /** Floats drawn from a few values (many ties) with NaN, ±inf and ±0 mixed in. */
  const hard = (n: number): Float32Array => Float32Array.from({ length: n }, () => {
    const u = r()
    return u < 0.05 ? NaN : u < 0.08 ? Infinity : u < 0.11 ? -Infinity : u < 0.15 ? -0 : u < 0.2 ? 0 : Math.round((r() - 0.5) * 20) / 4
  })

  it('sort: ascending / descending, stable, NaN last, on rows of 1000 and an inner axis', async () => {
    const x = hard(3 * 1000)
    for (const descending of [false, true]) {
      await same([[x, [3, 1000], 'float32']], (t) => lax.sort(t!, 1, descending))
      await same([[x, [10, 3, 100], 'float32']], (t) => lax.sort(t!, 0, descending))
      await same([[x, [6, 5, 100], 'float32']], (t) => lax.sort(t!, 1, descending))
    }
  }, GPU_TIMEOUT)

  it('sort: int32 beyond 2^24 and bool', async () => {
    const ints = Int32Array.from({ length: 4 * 37 }, () => Math.floor((r() - 0.5) * 2 ** 31) | (r() < 0.3 ? 7 : 0))
    ints[0] = 2147483647; ints[1] = -2147483648; ints[2] = 16777217; ints[3] = 16777216
    await same([[ints, [4, 37], 'int32']], (t) => lax.sort(t!, 1, false))
    await same([[ints, [4, 37], 'int32']], (t) => lax.sort(t!, 0, true))
    const bools = Uint8Array.from({ length: 2 * 9 }, () => (r() < 0.5 ? 1 : 0))
    await same([[bools, [2, 9], 'bool']], (t) => lax.sort(t!, 1, false))
  }, GPU_TIMEOUT)

  it('top_k: NaN largest, ties by lower index, k from 1 to n, empty k', async () => {
    const x = hard(4 * 300)
    for (const k of [1, 7, 300, 0]) await same([[x, [2, 2, 300], 'float32']], (t) => lax.topK(t!, k))
    const ints = Int32Array.from({ length: 3 * 50 }, () => Math.floor(r() * 10))
    await same([[ints, [3, 50], 'int32']], (t) => lax.topK(t!, 5))
  }, GPU_TIMEOUT)

  it('int32 cumsum / cumprod along inner axes and reversed (causal masks)', async () => {
    const ints = Int32Array.from({ length: 2 * 5 * 3 * 4 }, () => Math.floor((r() - 0.5) * 8))
    for (const axis of [0, 1, 2, 3]) {
      for (const reverse of [false, true]) {
        await same([[ints, [2, 5, 3, 4], 'int32']], (t) => lax.cumulative('cumsum', t!, axis, reverse))
        await same([[ints, [2, 5, 3, 4], 'int32']], (t) => lax.cumulative('cumprod', t!, axis, reverse))
      }
    }
  }, GPU_TIMEOUT)

  it('int32 and / or / xor and their reductions: exact over the full range (random bits, shuffle)', async () => {
    const big = (): Int32Array => Int32Array.from({ length: 2 * 3 * 4 }, () => (Math.floor(r() * 2 ** 32) | 0))
    const [x, y] = [big(), big()]
    x[0] = -2147483648; x[1] = 2147483647; y[0] = -1; y[1] = 16777217
    for (const op of ['and', 'or', 'xor'] as const) {
      await same([[x, [2, 3, 4], 'int32'], [y, [2, 3, 4], 'int32']], (a, c) => lax.binary(op, a!, c!))
    }
    for (const prim of ['reduce_and', 'reduce_or'] as const) {
      for (const axes of [[1], [0, 2], [2]]) await same([[x, [2, 3, 4], 'int32']], (a) => lax.reduce(prim, a!, axes))
    }
  }, GPU_TIMEOUT)

  it('qr: Householder with LAPACK signs, tall / wide / square, reduced and full, batched', async () => {
    const q = seededRandom(5)
    const x = Float32Array.from({ length: 3 * 70 * 40 }, () => q() - 0.5)
    for (const fullMatrices of [false, true]) {
      await same([[x, [3, 70, 40], 'float32']], (a) => lax.qr(a!, fullMatrices), 2e-4)
      await same([[x.slice(0, 40 * 70), [40, 70], 'float32']], (a) => lax.qr(a!, fullMatrices), 2e-4)
    }
    await same([[x.slice(0, 2 * 64 * 64), [2, 64, 64], 'float32']], (a) => lax.qr(a!, false), 2e-4)
  }, GPU_TIMEOUT)

  it('cholesky (NaN factor when not positive definite) and triangular_solve (every flag), batched', async () => {
    const q = seededRandom(8)
    const n = 24
    // Two SPD matrices G Gᵀ + n·I, then an indefinite one.
    const g = Float32Array.from({ length: 3 * n * n }, () => q() - 0.5)
    const spd = new Float32Array(3 * n * n)
    for (let b = 0; b < 3; b++) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = i === j ? (b === 2 ? -1 : n) : 0
          for (let k = 0; k < n; k++) s += g[b * n * n + i * n + k]! * g[b * n * n + j * n + k]!
          spd[b * n * n + i * n + j] = s
        }
      }
    }
    await same([[spd, [3, n, n], 'float32']], (a) => lax.cholesky(a!), 1e-4)
    const tri = Float32Array.from(g, (v, i) => (Math.floor(i / n) % n === i % n ? 2 + v : v))
    const rhs = Float32Array.from({ length: 2 * n * 5 }, () => q() - 0.5)
    for (const leftSide of [true, false]) {
      for (const lower of [true, false]) {
        for (const transposeA of [true, false]) {
          for (const unitDiagonal of [false, true]) {
            const shape = leftSide ? [2, n, 5] : [2, 5, n]
            await same([[tri.slice(0, 2 * n * n), [2, n, n], 'float32'], [rhs, shape, 'float32']],
              (a, b2) => lax.triangularSolve(a!, b2!, { leftSide, lower, transposeA, unitDiagonal }), 1e-3)
          }
        }
      }
    }
  }, GPU_TIMEOUT)

  it('lu: partial pivoting (first largest row wins ties), batched, tall and wide', async () => {
    const q = seededRandom(12)
    const x = Float32Array.from({ length: 3 * 30 * 20 }, () => Math.round((q() - 0.5) * 8) / 2)
    await same([[x, [3, 30, 20], 'float32']], (a) => lax.lu(a!), 1e-3)
    await same([[x.slice(0, 2 * 20 * 30), [2, 20, 30], 'float32']], (a) => lax.lu(a!), 1e-3)
  }, GPU_TIMEOUT)

  it('rank-5 and rank-6 select and broadcasts (tfjs-webgpu indexes up to vec4)', async () => {
    const shape = [2, 3, 2, 4, 3]
    const n = shape.reduce((a, c) => a * c, 1)
    const f = (seed: number): Float32Array => { const q = seededRandom(seed); return Float32Array.from({ length: n }, () => q() - 0.5) }
    const pred = Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0))
    await same([[pred, shape, 'bool'], [f(1), shape, 'float32'], [f(2), shape, 'float32']], (p, t, e) => lax.select(p!, t!, e!))
    // Broadcasts that tile several non-adjacent dims of a rank-5 and a rank-6 result.
    await same([[f(3).slice(0, 6), [3, 2], 'float32']], (t) => lax.broadcastInDim(t!, [2, 3, 4, 2, 3], [1, 3]))
    await same([[f(4).slice(0, 6), [2, 3], 'float32']], (t) => lax.broadcastInDim(t!, [2, 2, 3, 2, 3, 2], [1, 4]))
    await same([[pred.slice(0, 6), [3, 2], 'bool']], (t) => lax.broadcastInDim(t!, [2, 3, 2, 2, 2], [1, 4]))
  }, GPU_TIMEOUT)
})
