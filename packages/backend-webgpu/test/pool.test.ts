/**
 * Max-pool's backward pass on webgpu (src/pool.ts: one WGSL program on software adapters) against
 * `reference`: gradients of `Σ maxPool(x) · r` over window sizes, strides (overlapping windows included),
 * same/valid padding, and inputs with ties (the first maximum of a window takes the gradient).
 */
import { describe, expect, it } from 'vitest'
import { seededRandom } from '@kx/backend-conformance'
import { Tensor, createReferenceBackend, grad, lax, withDefaultBackend, type Backend } from '@kx/core'
import { maxPool } from '@kx/ops-nn'
import { isSoftwareAdapter } from '../src/conv.js'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'

const size = (s: number[]): number => s.reduce((a, c) => a * c, 1)
const on = (b: Backend, v: Float32Array, shape: number[]): Tensor => new Tensor(shape, 'float32', b, b.upload(v, shape, 'float32'))

describe.runIf(webgpuAvailable('backend-webgpu pool'))('max-pool gradient on webgpu', () => {
  const b = gpu.backend!
  const reference = createReferenceBackend()
  const pipelines = (): string[] => Object.keys((b.tfBackend as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache)

  it('matches reference: windows, strides, padding, ties', async () => {
    const cases: { x: number[]; pool: number | number[]; opts: { strides?: number | number[]; padding?: 'valid' | 'same' }; ties?: boolean }[] = [
      { x: [2, 8, 8, 3], pool: 2, opts: {} },
      { x: [2, 8, 8, 3], pool: 2, opts: {}, ties: true },
      { x: [1, 9, 7, 4], pool: 3, opts: { strides: 2, padding: 'same' }, ties: true },
      { x: [1, 6, 6, 2], pool: 3, opts: { strides: 1, padding: 'same' } },
      { x: [2, 7, 5, 5], pool: [2, 3], opts: { strides: [1, 2] }, ties: true },
    ]
    for (const [i, c] of cases.entries()) {
      const r = seededRandom(40 + i)
      // Ties: a few distinct values (zeros, as after a relu, among them).
      const xs = Float32Array.from({ length: size(c.x) }, () => (c.ties ? Math.max(0, Math.floor(r() * 4) - 1) : (r() - 0.5) * 2))
      const run = async (be: Backend): Promise<Float32Array> => withDefaultBackend(be, async () => {
        const x = on(be, xs, c.x)
        const yShape = maxPool(x, c.pool, c.opts).shape.slice()
        const rs = seededRandom(60 + i)
        const w = on(be, Float32Array.from({ length: size(yShape) }, () => rs() - 0.5), yShape)
        const g = grad((t: Tensor) => lax.reduceSum(lax.mul(maxPool(t, c.pool, c.opts), w), yShape.map((_, d) => d)))(x) as Tensor
        const v = (await g.data()) as Float32Array
        for (const t of [x, w, g]) t.dispose()
        return v
      })
      const [got, want] = [await run(b), await run(reference)]
      expect(got.length).toBe(want.length)
      for (let j = 0; j < want.length; j++) expect(Math.abs(got[j]! - want[j]!), `case ${i} [${j}]: got ${got[j]}, want ${want[j]}`).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(want[j]!)))
    }
    // On a software adapter (lavapipe in CI) kx's shader ran for three geometries (cases 0 and 1 share one;
    // case 3's 3×3 stride-1 windows, 81 reads per element, stay on backend-tfjs's rule).
    if (isSoftwareAdapter(b.features.adapterInfo)) expect(pipelines().filter((k) => k.startsWith('kx_maxpool_grad_')).length).toBeGreaterThanOrEqual(3)
  }, GPU_TIMEOUT)
})
