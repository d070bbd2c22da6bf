/**
 * Random draws on the device: `random_uniform` (WGSL Threefry) bit-identical to core's host Threefry (the
 * numbers of `jax.random.uniform`), and the ops and layers built on it — normal/truncated-normal draws
 * (WGSL erf⁻¹), Keras initializers, dropout — matching `reference`.
 */
import { describe, expect, it } from 'vitest'
import { Tensor, createReferenceBackend, getBackend, lax, threefry, withDefaultBackend, type Backend } from '@kx/core'
import { random } from '@kx/ops-numpy'
import { initializers } from '@kx/layers'

const { GlorotUniform, HeNormal, RandomNormal } = initializers
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'

/** The backend of the innermost `withDefaultBackend`. */
const getDefault = (): Backend => getBackend()
const key = (b: Backend, k0: number, k1: number): Tensor => new Tensor([2], 'int32', b, b.upload(new Int32Array([k0, k1]), [2], 'int32'))

describe.runIf(webgpuAvailable('backend-webgpu random'))('random draws on webgpu', () => {
  const b = gpu.backend!
  const reference = createReferenceBackend()

  it('random_uniform is bit-identical to core\'s Threefry for any key and size', async () => {
    for (const [k0, k1, shape] of [[0, 42, [4, 3]], [-1, 7, [7]], [123456789, -987654321, [300, 347]], [5, -9, [1]]] as [number, number, number[]][]) {
      const k = key(b, k0, k1)
      const u = lax.randomUniform(k, shape, 'float32')
      const got = await u.data()
      const n = shape.reduce((a, c) => a * c, 1)
      const want = Float32Array.from(threefry.randomUniform(new Uint32Array([k0 >>> 0, k1 >>> 0]), n, 'float32'))
      expect(got.length).toBe(n)
      // Bit patterns, not a tolerance: JAX's numbers exactly.
      expect(new Uint32Array((got as Float32Array).buffer)).toEqual(new Uint32Array(want.buffer))
      k.dispose(); u.dispose()
    }
  }, GPU_TIMEOUT)

  it('an empty draw has no elements', async () => {
    const k = key(b, 0, 1)
    const u = lax.randomUniform(k, [0, 3], 'float32')
    expect(u.shape).toEqual([0, 3])
    expect((await u.data()).length).toBe(0)
    k.dispose(); u.dispose()
  }, GPU_TIMEOUT)

  /** Runs `draw` with `backend` as the default (seeds become keys there) and reads the result. */
  const on = async (backend: Backend, draw: () => Tensor): Promise<Float32Array> => {
    const t = withDefaultBackend(backend, draw)
    expect(t.backend).toBe(backend)
    const v = (await t.data()) as Float32Array
    t.dispose()
    return v
  }

  it('uniform and dropout give reference\'s numbers exactly; normal and truncated normal to float32 rounding', async () => {
    const draws: [string, () => Tensor, number][] = [
      ['uniform', () => random.uniform([64, 33], { minval: -2, maxval: 3, seed: 7 }), 0],
      ['dropout', () => random.dropout(new Tensor([40, 25], 'float32', getDefault(), getDefault().upload(Float32Array.from({ length: 1000 }, (_, i) => i / 10 - 50), [40, 25], 'float32')), 0.3, { seed: 3 }), 0],
      ['normal', () => random.normal([2000], { mean: 1, stddev: 2, seed: 11 }), 2e-5],
      ['truncatedNormal', () => random.truncatedNormal([2000], { seed: 12 }), 2e-5],
    ]
    for (const [name, draw, tol] of draws) {
      const want = await on(reference, draw)
      const got = await on(b, draw)
      let worst = 0
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)))
      expect(worst, name).toBeLessThanOrEqual(tol)
    }
  }, GPU_TIMEOUT)

  it('Keras initializers run on webgpu with reference\'s numbers', async () => {
    const inits: [string, () => Tensor, number][] = [
      ['GlorotUniform', () => new GlorotUniform({ seed: 5 }).apply([784, 64], 'float32'), 0],
      ['HeNormal', () => new HeNormal({ seed: 6 }).apply([128, 32], 'float32'), 2e-5],
      ['RandomNormal', () => new RandomNormal({ mean: 0, stddev: 0.05, seed: 8 }).apply([50, 20], 'float32'), 2e-5],
    ]
    for (const [name, init, tol] of inits) {
      const want = await on(reference, init)
      const got = await on(b, init)
      let worst = 0
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.max(0.05, Math.abs(want[i]!)))
      expect(worst, name).toBeLessThanOrEqual(tol)
    }
  }, GPU_TIMEOUT)
})
