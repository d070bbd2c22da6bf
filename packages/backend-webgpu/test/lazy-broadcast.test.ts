/**
 * Lazy `broadcast_in_dim` (src/lazyBroadcast.ts): a bias add reads the unbroadcast source (no Tile), other
 * consumers, reads and both-lazy operands materialise it once; values match `reference` and the webgpu
 * backend's tensor count returns to where it was.
 */
import { describe, expect, it } from 'vitest'
import { seededRandom } from '@kx/backend-conformance'
import { Tensor, createReferenceBackend, lax, tidy, type Backend } from '@kx/core'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'

const data = (n: number, seed: number): Float32Array => { const r = seededRandom(seed); return Float32Array.from({ length: n }, () => r() * 4 - 2) }
const on = (b: Backend, v: Float32Array, shape: number[]): Tensor => new Tensor(shape, 'float32', b, b.upload(v, shape, 'float32'))

describe.runIf(webgpuAvailable('backend-webgpu lazy broadcast'))('lazy broadcast_in_dim on webgpu', () => {
  const b = gpu.backend!
  const reference = createReferenceBackend()

  /** Runs `f` on both backends; returns [webgpu, reference] values of each output, and Tile dispatches on webgpu. */
  async function both(f: (be: Backend) => Tensor[]): Promise<[Float32Array[], Float32Array[], number]> {
    const tf = b.tfBackend as unknown as { runWebGPUProgram(p: { shaderKey: string }, ...a: unknown[]): unknown }
    const original = tf.runWebGPUProgram.bind(tf)
    let tiles = 0
    tf.runWebGPUProgram = (p, ...a) => { if (p.shaderKey.startsWith('tile')) tiles++; return original(p, ...a) }
    const before = b.memory().numTensors
    let got: Float32Array[]
    try {
      // tidy frees the intermediates; the returned outputs are disposed below.
      const outs = tidy(() => f(b))
      got = await Promise.all(outs.map(async (t) => (await t.data()) as Float32Array))
      outs.forEach((t) => t.dispose())
    } finally { tf.runWebGPUProgram = original }
    expect(b.memory().numTensors, 'webgpu tensors left behind').toBe(before)
    const ref = f(reference)
    const want = await Promise.all(ref.map(async (t) => (await t.data()) as Float32Array))
    return [got, want, tiles]
  }
  const close = (got: Float32Array[], want: Float32Array[]): void => got.forEach((g, k) => {
    expect(g.length).toBe(want[k]!.length)
    g.forEach((v, i) => expect(Math.abs(v - want[k]![i]!), `output ${k} [${i}]`).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(want[k]![i]!))))
  })

  it('a bias add (and sub/mul/div/max/compare) reads the source without a Tile', async () => {
    const [got, want, tiles] = await both((be) => {
      const x = on(be, data(6 * 5, 1), [6, 5])
      const bias = on(be, data(5, 2), [5])
      const row = on(be, data(6, 3), [6])
      const bb = lax.broadcastInDim(bias, [6, 5], [1])
      const rb = lax.broadcastInDim(row, [6, 5], [0])
      const outs = [lax.add(x, bb), lax.sub(bb, x), lax.mul(x, rb), lax.div(rb, lax.add(lax.abs(x), lax.broadcastInDim(bias, [6, 5], [1]))), lax.max(x, rb),
        lax.convertElementType(lax.gt(x, bb), 'float32')]
      for (const t of [x, bias, row, bb, rb]) t.dispose()
      return outs
    })
    close(got, want)
    expect(tiles).toBe(0)
  }, GPU_TIMEOUT)

  it('materialises for other consumers, reads, fused ops and two broadcast operands', async () => {
    const [got, want, tiles] = await both((be) => {
      const v = on(be, data(4, 4), [4])
      const s = on(be, data(1, 5), [])
      const big = lax.broadcastInDim(v, [3, 4], [1])
      const sc = lax.broadcastInDim(s, [3, 4], [])
      const outs = [big, lax.exp(big), lax.add(big, sc), lax.reduceSum(big, [0]), lax.transpose(big, [1, 0]), lax.broadcastInDim(big, [2, 3, 4], [1, 2])]
      for (const t of [v, s, sc]) t.dispose()
      return outs
    })
    close(got, want)
    expect(tiles).toBeGreaterThan(0)
  }, GPU_TIMEOUT)
})
