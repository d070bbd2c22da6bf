/**
 * The direct 2-d convolution (src/conv.ts) that replaces tfjs-webgpu's on software adapters for few input
 * channels or small outputs: ops-nn's `conv` / `convBiasAct` on webgpu against `reference`, over strides,
 * dilations, padding, bias and activations, and the check that the direct shader (not tfjs's) ran.
 */
import { describe, expect, it } from 'vitest'
import { seededRandom } from '@kx/backend-conformance'
import { Tensor, createReferenceBackend, withDefaultBackend, type Backend } from '@kx/core'
import { conv, convBiasAct } from '@kx/ops-nn'
import { isSoftwareAdapter } from '../src/conv.js'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'

const data = (n: number, seed: number): Float32Array => { const r = seededRandom(seed); return Float32Array.from({ length: n }, () => (r() - 0.5) * 2) }
const on = (b: Backend, v: Float32Array, shape: number[]): Tensor => new Tensor(shape, 'float32', b, b.upload(v, shape, 'float32'))
const size = (s: number[]): number => s.reduce((a, c) => a * c, 1)

describe.runIf(webgpuAvailable('backend-webgpu conv'))('direct conv2d on webgpu', () => {
  const b = gpu.backend!
  const reference = createReferenceBackend()
  const pipelines = (): string[] => Object.keys((b.tfBackend as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache)

  it('matches reference: strides, dilation, same/valid padding, bias + activations', async () => {
    const cases: { x: number[]; k: number[]; opts: Record<string, unknown>; act?: 'relu' | 'relu6' | 'sigmoid' | 'elu' | 'leaky_relu' | 'linear' }[] = [
      { x: [2, 9, 8, 1], k: [3, 3, 1, 5], opts: {} },
      { x: [2, 9, 8, 1], k: [3, 3, 1, 5], opts: { padding: 'same' }, act: 'relu' },
      { x: [1, 11, 10, 3], k: [3, 2, 3, 4], opts: { strides: 2, padding: 'same' }, act: 'sigmoid' },
      { x: [1, 12, 12, 6], k: [3, 3, 6, 7], opts: { dilationRate: 2 }, act: 'leaky_relu' },
      { x: [1, 7, 6, 16], k: [2, 2, 16, 8], opts: { strides: [1, 2], padding: 'same' }, act: 'elu' },
      { x: [1, 5, 5, 2], k: [1, 1, 2, 3], opts: {}, act: 'relu6' },
    ]
    for (const [i, c] of cases.entries()) {
      const xs = data(size(c.x), 10 + i)
      const ks = data(size(c.k), 20 + i)
      const bs = data(c.k[3]!, 30 + i)
      const run = async (be: Backend): Promise<Float32Array> => {
        const [x, k, bias] = [on(be, xs, c.x), on(be, ks, c.k), on(be, bs, [c.k[3]!])]
        const y = withDefaultBackend(be, () => (c.act ? convBiasAct(x, k, bias, { ...c.opts, activation: c.act }) : conv(x, k, c.opts)))
        const v = (await y.data()) as Float32Array
        for (const t of [x, k, bias, y]) t.dispose()
        return v
      }
      const [got, want] = [await run(b), await run(reference)]
      expect(got.length).toBe(want.length)
      for (let j = 0; j < want.length; j++) expect(Math.abs(got[j]! - want[j]!), `case ${i} [${j}]: got ${got[j]}, want ${want[j]}`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want[j]!)))
    }
    // On a software adapter (lavapipe in CI) these small convolutions run kx's shader.
    if (isSoftwareAdapter(b.features.adapterInfo)) expect(pipelines().filter((k) => k.startsWith('kx_conv2d_')).length).toBeGreaterThanOrEqual(cases.length)
  }, GPU_TIMEOUT)

  it('recognises software adapters by their reported info', () => {
    expect(isSoftwareAdapter({ vendor: 'mesa', architecture: 'software', device: 'llvmpipe', description: '' })).toBe(true)
    expect(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader', device: '', description: '' })).toBe(true)
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ampere', device: '', description: 'NVIDIA GeForce RTX 3080' })).toBe(false)
  })
})
