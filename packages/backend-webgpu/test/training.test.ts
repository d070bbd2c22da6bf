/**
 * An MLP trained with lax + valueAndGrad + SGD on webgpu: loss and gradients match `reference`, the loss
 * falls, and tensors and GPU bytes stay flat over 200 steps.
 */
import { describe, expect, it } from 'vitest'
import { seededRandom } from '@kx/backend-conformance'
import { createReferenceBackend, full, keep, lax, memory, tidy, valueAndGrad, Tensor, type Backend } from '@kx/core'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'

interface Mlp { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor }
const SHAPES: { [K in keyof Mlp]: number[] } = { w1: [12, 16], b1: [16], w2: [16, 5], b2: [5] }

/** mulberry32 (the conformance kit's): fixed inputs. */
const rng = seededRandom

const on = (b: Backend, v: Float32Array, shape: number[]): Tensor => new Tensor(shape, 'float32', b, b.upload(v, shape, 'float32'))
const fill = (shape: readonly number[], v: number, like: Tensor): Tensor => full(shape, v, like.dtype, like.backend)

function dense(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const y = lax.dotGeneral(x, w, [[1], [0]])
  return lax.add(y, lax.broadcastInDim(b, y.shape, [1]))
}

/** Mean softmax cross-entropy of a 2-layer relu MLP. */
function loss(p: Mlp, x: Tensor, y: Tensor): Tensor {
  const h = dense(x, p.w1, p.b1)
  const logits = dense(lax.max(h, fill(h.shape, 0, h)), p.w2, p.b2)
  const [n, c] = logits.shape as [number, number]
  const shifted = lax.sub(logits, lax.broadcastInDim(lax.reduceMax(logits, [1]), [n, c], [0]))
  const logp = lax.sub(shifted, lax.broadcastInDim(lax.log(lax.reduceSum(lax.exp(shifted), [1])), [n, c], [0]))
  const total = lax.reduceSum(lax.mul(logp, y), [0, 1])
  return lax.mul(total, full([], -1 / n, 'float32', total.backend))
}

function data(seed: number): { params: Record<keyof Mlp, Float32Array>; x: Float32Array; y: Float32Array } {
  const r = rng(seed)
  const params = Object.fromEntries(Object.entries(SHAPES).map(([k, s]) => {
    const scale = Math.sqrt(3 / (s.length > 1 ? s[0]! : 1))
    return [k, Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => (r() * 2 - 1) * scale)]
  })) as Record<keyof Mlp, Float32Array>
  const x = Float32Array.from({ length: 32 * 12 }, () => r() * 2 - 1)
  const y = new Float32Array(32 * 5)
  for (let i = 0; i < 32; i++) y[i * 5 + Math.floor(r() * 5)] = 1
  return { params, x, y }
}

function setup(b: Backend, seed: number): { params: Mlp; x: Tensor; y: Tensor } {
  const d = data(seed)
  const params = Object.fromEntries(Object.entries(SHAPES).map(([k, s]) => [k, keep(on(b, d.params[k as keyof Mlp], s))])) as unknown as Mlp
  return { params, x: keep(on(b, d.x, [32, 12])), y: keep(on(b, d.y, [32, 5])) }
}

/** One SGD step; returns the loss tensor and the new params (old ones disposed). */
function step(s: { params: Mlp; x: Tensor; y: Tensor }, lr: number): Tensor {
  const [value, next] = tidy(() => {
    const [v, grads] = valueAndGrad((p: Mlp) => loss(p, s.x, s.y))(s.params) as [Tensor, Mlp]
    const updated = Object.fromEntries((Object.keys(SHAPES) as (keyof Mlp)[]).map((k) => [k, lax.sub(s.params[k], lax.mul(grads[k], fill(grads[k].shape, lr, grads[k])))])) as unknown as Mlp
    Object.values(grads).forEach((g) => g.dispose())
    return [v, updated] as const
  })
  Object.values(s.params).forEach((t) => t.dispose())
  s.params = next
  return value
}

describe.runIf(webgpuAvailable('backend-webgpu training'))('MLP training on webgpu', () => {
  const reference = createReferenceBackend()

  it('loss and gradients match the reference', async () => {
    const grads = async (b: Backend): Promise<Float32Array[]> => {
      const s = setup(b, 3)
      // tidy frees the forward intermediates (otherwise the finalizer frees them later, mid-way through the next test)
      const [v, g] = tidy(() => valueAndGrad((p: Mlp) => loss(p, s.x, s.y))(s.params) as [Tensor, Mlp])
      const out = [await v.data(), ...await Promise.all((Object.keys(SHAPES) as (keyof Mlp)[]).map((k) => g[k].data()))] as Float32Array[]
      ;[v, ...Object.values(g), ...Object.values(s.params), s.x, s.y].forEach((t) => t.dispose())
      return out
    }
    const want = await grads(reference)
    const got = await grads(gpu.backend!)
    for (let i = 0; i < want.length; i++) {
      for (let j = 0; j < want[i]!.length; j++) expect(Math.abs(got[i]![j]! - want[i]![j]!), `output ${i}[${j}]`).toBeLessThan(1e-4 + 1e-4 * Math.abs(want[i]![j]!))
    }
  }, GPU_TIMEOUT)

  it('200 SGD steps: the loss matches reference, falls, and tensors and GPU bytes stay flat', async () => {
    const b = gpu.backend!
    const run = async (be: Backend, steps: number, probe?: (i: number) => void): Promise<number[]> => {
      const s = setup(be, 4)
      const losses: number[] = []
      for (let i = 0; i < steps; i++) {
        const v = step(s, 0.2)
        losses.push((await v.data())[0]!)
        v.dispose()
        probe?.(i)
      }
      ;[...Object.values(s.params), s.x, s.y].forEach((t) => t.dispose())
      return losses
    }
    const want = await run(reference, 200)
    // tfjs-webgpu frees the buffers of disposed tensors once the queued commands using them are submitted:
    // measure after a read, which submits the queue.
    const flush = async (): Promise<void> => {
      const t = on(b, new Float32Array([0]), [1])
      const u = lax.add(t, t)
      await u.data()
      t.dispose(); u.dispose()
    }
    const at: Record<number, { kx: number; gpu: number }> = {}
    await flush()
    const m0 = b.memory()
    const got = await run(b, 200, (i) => {
      if (i === 10 || i === 199) at[i] = { kx: memory().backends[b.name]!.numTensors, gpu: b.memory().gpuBytesUsed }
    })
    await flush()
    const after = b.memory()
    expect(got[199]!).toBeLessThan(got[0]! * 0.5)
    for (const i of [0, 50, 199]) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-3 * Math.max(1, want[i]!))
    // Flat: the count after step 10 equals the count after step 199, and everything is freed at the end.
    expect(at[199]).toEqual(at[10])
    expect(at[10]!.gpu).toBeGreaterThan(0)
    expect(after.numTensors).toBe(m0.numTensors)
    expect(after.gpuBytesUsed).toBe(m0.gpuBytesUsed)
  }, GPU_TIMEOUT)
})
