/**
 * Canonical elementwise shapes (src/compileShapes.ts): the shape rule itself, then on the device — the same
 * elementwise primitive (plain, broadcast through a lazy `broadcast_in_dim` on either side, select, convert) at ranks 0–4
 * compiles no new pipeline after its first rank, `random_uniform` of any shape shares one Threefry pipeline,
 * values match `reference` (bit-exact draws: core's host Threefry) and no tensor is left behind.
 */
import { describe, expect, it } from 'vitest'
import { seededRandom } from '@kx/backend-conformance'
import { Tensor, createReferenceBackend, lax, threefry, tidy, type Backend } from '@kx/core'
import { canonicalShapes } from '../src/compileShapes.js'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'

describe('canonicalShapes', () => {
  it('drops size-1 dims and merges neighbours that broadcast alike', () => {
    expect(canonicalShapes([2, 3, 4], [[2, 3, 4], [2, 3, 4]])).toEqual({ out: [24], ins: [[24], [24]] })
    expect(canonicalShapes([8, 5, 5, 16], [[8, 5, 5, 16], [1, 1, 1, 16]])).toEqual({ out: [200, 16], ins: [[200, 16], [1, 16]] })
    expect(canonicalShapes([3, 1, 4], [[1, 1, 4], [3, 1, 4]])).toEqual({ out: [3, 4], ins: [[1, 4], [3, 4]] })
    expect(canonicalShapes([3, 4], [[1, 1], [3, 4]])).toEqual({ out: [12], ins: [[1], [12]] })
    expect(canonicalShapes([1, 1], [[1, 1], [1, 1]])).toEqual({ out: [], ins: [[], []] })
    expect(canonicalShapes([1], [[1]])).toEqual({ out: [], ins: [[]] })
  })

  it('leaves canonical, mismatched-rank, non-broadcast and empty calls alone', () => {
    expect(canonicalShapes([6], [[6], [6]])).toBeNull()
    expect(canonicalShapes([], [[], []])).toBeNull()
    expect(canonicalShapes([4, 3], [[4, 1], [1, 3]])).toBeNull()
    expect(canonicalShapes([2, 3], [[], [2, 3]])).toBeNull()
    expect(canonicalShapes([2, 3], [[2, 2], [2, 3]])).toBeNull()
    expect(canonicalShapes([0, 3], [[0, 3]])).toBeNull()
  })
})

const data = (n: number, seed: number): Float32Array => { const r = seededRandom(seed); return Float32Array.from({ length: n }, () => r() * 4 - 2) }
const on = (b: Backend, v: Float32Array, shape: number[]): Tensor => new Tensor(shape, 'float32', b, b.upload(v, shape, 'float32'))

describe.runIf(webgpuAvailable('backend-webgpu canonical shapes'))('canonical elementwise shapes on webgpu', () => {
  const b = gpu.backend!
  const reference = createReferenceBackend()
  const pipelines = (): number => Object.keys((b.tfBackend as unknown as { pipelineCache: object }).pipelineCache).length

  /** Elementwise work at one shape: mul, bias add / max through broadcasts, compare + select, exp, convert. */
  const work = (be: Backend, shape: number[], seed: number): Tensor[] => {
    const n = shape.reduce((a, c) => a * c, 1)
    const last = shape[shape.length - 1] ?? 1
    const x = on(be, data(n, seed), shape)
    const y = on(be, data(n, seed + 1), shape)
    const bias = shape.length ? lax.broadcastInDim(on(be, data(last, seed + 2), [last]), shape, [shape.length - 1]) : on(be, data(1, seed + 2), [])
    const zero = lax.broadcastInDim(on(be, new Float32Array([0.25]), []), shape, [])
    const s = lax.add(lax.mul(x, y), bias)
    // Broadcast operands first and second: swapped (mul, lt → gt) or passed as scalars (sub, div).
    return [s, lax.max(zero, s), lax.select(lax.gt(x, zero), lax.exp(y), x), lax.convertElementType(lax.lt(y, x), 'float32'),
      lax.mul(zero, x), lax.convertElementType(lax.lt(zero, y), 'float32'), lax.sub(zero, x), lax.div(y, zero)]
  }
  const run = async (be: Backend, shape: number[], seed: number): Promise<Float32Array[]> => {
    const outs = tidy(() => work(be, shape, seed))
    const values = await Promise.all(outs.map(async (t) => (await t.data()) as Float32Array))
    outs.forEach((t, k) => { expect(t.shape, `output ${k}`).toEqual(shape); t.dispose() })
    return values
  }

  it('one rank compiles the pipelines every other rank reuses, with reference values', async () => {
    const before = b.memory().numTensors
    const check = async (shape: number[], seed: number): Promise<void> => {
      const got = await run(b, shape, seed)
      const want = await run(reference, shape, seed)
      got.forEach((g, o) => g.forEach((v, i) => expect(Math.abs(v - want[o]![i]!), `${JSON.stringify(shape)} output ${o} [${i}]`).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(want[o]![i]!)))))
    }
    await check([2, 3, 4, 8], 1)
    const compiled = pipelines()
    await check([6, 8], 2)
    await check([5, 1, 16], 3)
    expect(pipelines(), 'new pipelines for ranks 2 and 3').toBe(compiled)
    // Values only: rank 1 without a broadcast bias, and a scalar (non-vectorised kernels).
    await check([48], 4)
    await check([], 5)
    expect(b.memory().numTensors, 'webgpu tensors left behind').toBe(before)
  }, GPU_TIMEOUT)

  it('random_uniform of any shape shares one pipeline and keeps Threefry\'s bits', async () => {
    const key = new Tensor([2], 'int32', b, b.upload(new Int32Array([3, -7]), [2], 'int32'))
    let compiled = 0
    for (const [i, shape] of [[4, 2, 3, 8], [24, 8], [3, 4, 16]].entries()) {
      const u = lax.randomUniform(key, shape, 'float32')
      const got = new Uint32Array(((await u.data()) as Float32Array).buffer)
      expect(u.shape).toEqual(shape)
      const want = Float32Array.from(threefry.randomUniform(new Uint32Array([3, -7 >>> 0]), 192, 'float32'))
      expect(got).toEqual(new Uint32Array(want.buffer))
      u.dispose()
      if (i === 0) compiled = pipelines()
    }
    expect(pipelines()).toBe(compiled)
    key.dispose()
  }, GPU_TIMEOUT)
})

describe.runIf(webgpuAvailable('backend-webgpu int32 rem'))('int32 rem in one program (src/compileIntRem.ts)', () => {
  const b = gpu.backend!
  const reference = createReferenceBackend()
  const ints = (be: Backend, v: number[]): Tensor => new Tensor([v.length], 'int32', be, be.upload(new Int32Array(v), [v.length], 'int32'))

  it('matches reference: signs, zero divisors, INT_MIN, values beyond 2^24', async () => {
    const a = [7, -7, 7, -7, 5, -5, 0, -2147483648, -2147483648, 2147483647, 123456789, -987654321, 16777217, 3]
    const d = [3, 3, -3, -3, 0, 0, 4, -1, 7, 65536, 933199, 933199, 2, 1]
    const run = async (be: Backend): Promise<Int32Array> => {
      const [x, y] = [ints(be, a), ints(be, d)]
      const r = lax.binary('rem', x, y)
      const v = (await r.data()) as Int32Array
      for (const t of [x, y, r]) t.dispose()
      return v
    }
    expect(Array.from(await run(b))).toEqual(Array.from(await run(reference)))
  }, GPU_TIMEOUT)
})
