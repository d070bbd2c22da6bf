/**
 * `Sum` over leading axes on webgpu (src/columnSum.ts: one WGSL program on software adapters, the shape of
 * a bias gradient) against `reference`, plus sums it leaves to tfjs's kernel (small, inner axes, mixed axes).
 */
import { describe, expect, it } from 'vitest'
import { seededRandom } from '@kx/backend-conformance'
import { Tensor, createReferenceBackend, lax, withDefaultBackend, type Backend } from '@kx/core'
import { isSoftwareAdapter } from '../src/conv.js'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'

const size = (s: number[]): number => s.reduce((a, c) => a * c, 1)

describe.runIf(webgpuAvailable('backend-webgpu column sum'))('leading-axes sum on webgpu', () => {
  const b = gpu.backend!
  const reference = createReferenceBackend()
  const pipelines = (): string[] => Object.keys((b.tfBackend as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache)

  it('matches reference', async () => {
    const cases: { x: number[]; axes: number[] }[] = [
      { x: [64, 26, 26, 32], axes: [0, 1, 2] },
      { x: [64, 11, 11, 64], axes: [0, 1, 2] },
      { x: [4100, 70], axes: [0] },
      { x: [300, 900, 3], axes: [0, 1] },
      { x: [300, 10], axes: [0] },
      { x: [4, 6, 5], axes: [1, 2] },
      { x: [8, 6, 5], axes: [0] },
      { x: [4, 6, 5], axes: [0, 2] },
    ]
    for (const [i, c] of cases.entries()) {
      const r = seededRandom(80 + i)
      const xs = Float32Array.from({ length: size(c.x) }, () => r() * 2 - 1)
      const run = async (be: Backend): Promise<Float32Array> => withDefaultBackend(be, async () => {
        const x = new Tensor(c.x, 'float32', be, be.upload(xs, c.x, 'float32'))
        const y = lax.reduceSum(x, c.axes)
        const v = (await y.data()) as Float32Array
        x.dispose(); y.dispose()
        return v
      })
      const [got, want] = [await run(b), await run(reference)]
      expect(got.length).toBe(want.length)
      // float32 sums of up to 43 264 terms in different orders: a tolerance scaled by the number of terms.
      const tol = 2e-7 * (size(c.x) / want.length)
      for (let j = 0; j < want.length; j++) expect(Math.abs(got[j]! - want[j]!), `case ${i} [${j}]: got ${got[j]}, want ${want[j]}`).toBeLessThanOrEqual(tol)
    }
    // Cases 0–4 run kx's program, all on one shader (sizes are uniforms); the non-leading sums stay on tfjs's kernel.
    if (isSoftwareAdapter(b.features.adapterInfo)) expect(pipelines().filter((k) => k.startsWith('kx_colsum')).length).toBe(1)
  }, GPU_TIMEOUT)
})
