/**
 * The matmul program choice on software adapters (src/matmulChoice.ts: 32×32 tiles where tfjs would pick
 * its small-output program and both outer dims fill a tile) against `reference`: plain and fused (bias + relu) products, batched, with
 * the shapes of a CNN's dense layer and its gradients, and the cases left to tfjs's choice (≤ 128 outputs,
 * long inner dims).
 */
import { describe, expect, it } from 'vitest'
import { seededRandom } from '@kx/backend-conformance'
import { Tensor, createReferenceBackend, withDefaultBackend, type Backend } from '@kx/core'
import { matmul } from '@kx/ops-numpy'
import { matmulBiasAct } from '@kx/ops-nn'
import { isSoftwareAdapter } from '../src/conv.js'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'

const size = (s: number[]): number => s.reduce((a, c) => a * c, 1)

describe.runIf(webgpuAvailable('backend-webgpu matmul choice'))('matmul program choice on webgpu', () => {
  const b = gpu.backend!
  const reference = createReferenceBackend()
  const pipelines = (): string[] => Object.keys((b.tfBackend as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache)

  it('matches reference', async () => {
    const cases: { a: number[]; b: number[]; fused?: boolean }[] = [
      { a: [64, 1600], b: [1600, 128], fused: true },
      { a: [40, 50], b: [50, 64] },
      { a: [64, 128], b: [128, 10] },
      { a: [3, 20, 33], b: [3, 33, 17] },
      { a: [2, 300], b: [300, 40], fused: true },
      { a: [1, 1600], b: [1600, 128], fused: true },
      { a: [9, 2500], b: [2500, 32] },
    ]
    const before = pipelines().filter((k) => k.startsWith('matMulSmallOutputSize')).length
    for (const [i, c] of cases.entries()) {
      // tfjs alone picks its small-output program for cases 0–3 (few 32×32 workgroups); kx keeps it only
      // where an outer dim is under 32 (cases 2, 3), so none was compiled by cases 0 and 1.
      if (i === 2 && isSoftwareAdapter(b.features.adapterInfo)) expect(pipelines().filter((k) => k.startsWith('matMulSmallOutputSize')).length).toBe(before)
      const r = seededRandom(90 + i)
      const [as, bs, cs] = [size(c.a), size(c.b), c.b.at(-1)!].map((n) => Float32Array.from({ length: n }, () => r() * 2 - 1))
      const run = async (be: Backend): Promise<Float32Array> => withDefaultBackend(be, async () => {
        const [x, w, bias] = [[as!, c.a], [bs!, c.b], [cs!, [c.b.at(-1)!]]].map(([v, s]) => new Tensor(s as number[], 'float32', be, be.upload(v as Float32Array, s as number[], 'float32')))
        const y = c.fused ? matmulBiasAct(x!, w!, bias!, { activation: 'relu' }) : matmul(x!, w!)
        const v = (await y.data()) as Float32Array
        for (const t of [x!, w!, bias!, y]) t.dispose()
        return v
      })
      const [got, want] = [await run(b), await run(reference)]
      expect(got.length).toBe(want.length)
      const tol = 1e-6 * c.a.at(-1)!
      for (let j = 0; j < want.length; j++) expect(Math.abs(got[j]! - want[j]!), `case ${i} [${j}]: got ${got[j]}, want ${want[j]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[j]!)))
    }
  }, GPU_TIMEOUT)
})
