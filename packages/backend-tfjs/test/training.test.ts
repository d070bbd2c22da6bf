/** Gradients of an MLP and a CNN step against the reference backend, and a long training loop with flat memory. */
import { describe, expect, it, beforeAll } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { createReferenceBackend, keep, memory, tidy, valueAndGrad, type Backend, type Tensor } from '@kx/core'
import { createTfjsBackend, type TfjsBackend } from '../src/index.js'
import { CNN_SHAPES, MLP_SHAPES, cnnLoss, hostParams, mlpLoss, oneHot, sgd, type CnnParams, type MlpParams, type Shapes } from './models.js'
import { mismatch, onBackend, rng } from './util.js'

const reference = createReferenceBackend()

function upload<T>(backend: Backend, host: { [K in keyof T]: Float32Array }, shapes: Shapes<T>): T {
  const out: Record<string, Tensor> = {}
  for (const k of Object.keys(shapes)) out[k] = onBackend(backend, (host as Record<string, Float32Array>)[k]!, (shapes as Record<string, number[]>)[k]!, 'float32')
  return out as T
}

function gradStep<T extends object>(loss: (p: T, x: Tensor, y: Tensor) => Tensor, params: T, x: Tensor, y: Tensor): { value: Float32Array; grads: Record<string, Float32Array> } {
  const [value, grads] = valueAndGrad((p: T) => loss(p, x, y))(params) as [Tensor, Record<string, Tensor>]
  const out = { value: value.dataSync() as Float32Array, grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, g.dataSync() as Float32Array])) }
  value.dispose()
  Object.values(grads).forEach((g) => g.dispose())
  return out
}

describe.each(['cpu', 'wasm'] as const)('training on tfjs-%s', (engine) => {
  let backend: TfjsBackend
  beforeAll(async () => { backend = await createTfjsBackend({ engine }) })

  it('MLP loss and gradients match the reference', () => {
    const r = rng(7)
    const shapes = MLP_SHAPES(12, 16, 5)
    const host = hostParams<MlpParams>(shapes, r)
    const xs = Float32Array.from({ length: 8 * 12 }, () => r() * 2 - 1)
    const ys = oneHot(8, 5, r)
    const run = (b: Backend): ReturnType<typeof gradStep> => tidy(() => gradStep(mlpLoss, upload<MlpParams>(b, host, shapes), onBackend(b, xs, [8, 12], 'float32'), onBackend(b, ys, [8, 5], 'float32')))
    const want = run(reference)
    const got = run(backend)
    expect(mismatch(got.value, want.value, 1e-5).worst).toBe(0)
    for (const k of Object.keys(want.grads)) expect(mismatch(got.grads[k]!, want.grads[k]!, 1e-4).worst, k).toBe(0)
  })

  it('CNN loss and gradients match the reference', () => {
    const r = rng(8)
    const host = hostParams<CnnParams>(CNN_SHAPES, r)
    const xs = Float32Array.from({ length: 2 * 14 * 14 }, () => r())
    const ys = oneHot(2, 3, r)
    const run = (b: Backend): ReturnType<typeof gradStep> => tidy(() => gradStep(cnnLoss, upload<CnnParams>(b, host, CNN_SHAPES), onBackend(b, xs, [2, 14, 14, 1], 'float32'), onBackend(b, ys, [2, 3], 'float32')))
    const want = run(reference)
    const got = run(backend)
    expect(mismatch(got.value, want.value, 1e-5).worst).toBe(0)
    for (const k of Object.keys(want.grads)) expect(mismatch(got.grads[k]!, want.grads[k]!, 2e-4).worst, k).toBe(0)
  })

  it('2,000 steps of forward + backward + SGD keep tensors and the wasm heap flat, and the loss falls', async () => {
    await tf.setBackend(engine)
    const perStep = (b: Backend, steps: number): { first: number; last: number; growth: number; tfGrowth: number; heapGrowth: number } => {
      const r = rng(9)
      const shapes = MLP_SHAPES(20, 32, 4)
      let params = upload<MlpParams>(b, hostParams<MlpParams>(shapes, r), shapes)
      Object.values(params).forEach((t) => keep(t))
      const x = keep(onBackend(b, Float32Array.from({ length: 16 * 20 }, () => r() * 2 - 1), [16, 20], 'float32'))
      const y = keep(onBackend(b, oneHot(16, 4, r), [16, 4], 'float32'))
      const step = (): number => {
        const [loss, next] = tidy(() => {
          const [value, grads] = valueAndGrad((p: MlpParams) => mlpLoss(p, x, y))(params) as [Tensor, MlpParams]
          const updated = sgd(params, grads, 0.1)
          // NOTE: valueAndGrad marks its gradients with keep(), so tidy leaves them to us.
          Object.values(grads).forEach((g) => g.dispose())
          return [value, updated] as const
        })
        Object.values(params).forEach((t) => t.dispose())
        params = next
        const v = loss.dataSync()[0]!
        loss.dispose()
        return v
      }
      const first = step()
      for (let i = 0; i < 20; i++) step()
      const kx0 = memory().backends[b.name]!.numTensors
      const tf0 = tf.memory().numTensors
      const heap0 = b === backend ? backend.wasmHeapBytes() : 0
      let last = first
      for (let i = 0; i < steps; i++) last = step()
      const out = {
        first, last, growth: memory().backends[b.name]!.numTensors - kx0, tfGrowth: tf.memory().numTensors - tf0,
        heapGrowth: b === backend ? backend.wasmHeapBytes() - heap0 : 0,
      }
      Object.values(params).forEach((t) => t.dispose())
      x.dispose()
      y.dispose()
      return out
    }
    // Core's own per-step growth, measured on the reference backend (0 unless core's autodiff leaks).
    const coreLeak = perStep(reference, 50).growth / 50
    const run = perStep(backend, 2000)
    expect(run.last).toBeLessThan(run.first * 0.2)
    expect(run.growth).toBe(coreLeak * 2000)
    // Every kx tensor is a tfjs engine tensor: tf.memory() moves with kx's count.
    expect(run.tfGrowth).toBe(run.growth)
    if (coreLeak === 0) expect(run.heapGrowth).toBe(0)
    else console.warn(`core autodiff leaks ${coreLeak} tensors per step (reference backend too); wasm heap flatness not asserted`)
  })
})
