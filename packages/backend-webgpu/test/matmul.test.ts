/**
 * The direct matmul (src/matmul.ts) that replaces tfjs-webgpu's tiled programs on software adapters:
 * `lax.dotGeneral` over every transpose pair (the products of a Dense layer's gradients), batched and
 * broadcast batches, odd sizes (partial 8×4 blocks), tiny outputs (left to tfjs), and ops-nn's `matmulBiasAct` with each fused activation,
 * on webgpu against `reference`; and the check that one shader per fusion served them all.
 */
import { describe, expect, it } from 'vitest'
import { seededRandom } from '@kx/backend-conformance'
import { Tensor, createReferenceBackend, lax, withDefaultBackend, type Backend } from '@kx/core'
import { matmulBiasAct } from '@kx/ops-nn'
import { isSoftwareAdapter } from '../src/conv.js'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'

const data = (n: number, seed: number): Float32Array => { const r = seededRandom(seed); return Float32Array.from({ length: n }, () => (r() - 0.5) * 2) }
const on = (b: Backend, v: Float32Array, shape: number[]): Tensor => new Tensor(shape, 'float32', b, b.upload(v, shape, 'float32'))
const size = (s: number[]): number => s.reduce((a, c) => a * c, 1)

describe.runIf(webgpuAvailable('backend-webgpu matmul'))('direct matmul on webgpu', () => {
  const b = gpu.backend!
  const reference = createReferenceBackend()
  const pipelines = (): string[] => Object.keys((b.tfBackend as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache)

  /** Runs `f` on both backends with the same operands; compares with a tolerance growing with the inner size. */
  async function same(shapes: number[][], inner: number, f: (...xs: Tensor[]) => Tensor, seed: number): Promise<void> {
    const values = shapes.map((s, i) => data(size(s), seed + i))
    const run = async (be: Backend): Promise<Float32Array> => withDefaultBackend(be, async () => {
      const xs = shapes.map((s, i) => on(be, values[i]!, s))
      const y = f(...xs)
      const v = (await y.data()) as Float32Array
      for (const t of [...xs, y]) t.dispose()
      return v
    })
    const [got, want] = [await run(b), await run(reference)]
    expect(got.length).toBe(want.length)
    const tol = 1e-6 * inner
    for (let j = 0; j < want.length; j++) expect(Math.abs(got[j]! - want[j]!), `[${j}]: got ${got[j]}, want ${want[j]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[j]!)))
  }

  it('matches reference: transposes, batches, partial blocks', async () => {
    // [lhs, rhs, contracting dims, batch dims]: the four transpose pairs of BatchMatMul, then batched ones.
    const cases: [number[], number[], [number[], number[]], [number[], number[]]?][] = [
      [[13, 37], [37, 10], [[1], [0]]],
      [[37, 13], [37, 10], [[0], [0]]],
      [[13, 37], [10, 37], [[1], [1]]],
      [[37, 13], [10, 37], [[0], [1]]],
      [[1, 300], [300, 7], [[1], [0]]],
      [[2, 300], [300, 70], [[1], [0]]],
      [[3, 9, 21], [3, 21, 6], [[2], [1]], [[0], [0]]],
      [[2, 17, 5], [2, 4, 17], [[1], [2]], [[0], [0]]],
    ]
    for (const [i, [sa, sb, contract, batch]] of cases.entries()) {
      await same([sa, sb], sa[contract[0][0]!]!, (x, y) => lax.dotGeneral(x!, y!, contract, batch), 300 + 10 * i)
    }
  }, GPU_TIMEOUT)

  it('matches reference: matmulBiasAct with each fused activation', async () => {
    const acts = ['linear', 'relu', 'relu6', 'sigmoid', 'elu', 'leaky_relu'] as const
    for (const [i, act] of acts.entries()) {
      await same([[19, 33], [33, 14], [14]], 33, (x, w, bias) => matmulBiasAct(x!, w!, bias!, { activation: act }), 400 + 10 * i)
    }
    // A batch of rows ([2, 5, 33] against a rank-2 kernel) and no bias.
    await same([[2, 5, 33], [33, 9]], 33, (x, w) => matmulBiasAct(x!, w!, null, { activation: 'relu' }), 480)
    if (isSoftwareAdapter(b.features.adapterInfo)) {
      const keys = pipelines()
      // tfjs's tiled programs never ran (its reduce program does, for case 4's 7 outputs).
      expect(keys.filter((k) => /^matMul(Packed|SmallOutputSize)/.test(k)), 'no tfjs tiled matmul compiled').toEqual([])
      // One shader per fusion (bias or not × activation), whatever the shapes, ranks and transposes.
      for (const fusion of ['kx_matmul__linear_', 'kx_matmul_b_relu_']) expect(keys.filter((k) => k.startsWith(fusion)).length, fusion).toBe(1)
    }
  }, GPU_TIMEOUT)
})
