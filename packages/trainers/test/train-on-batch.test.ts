/**
 * `trainOnBatch` with tensors already on the device skips the host round trip: same weights and logs as the
 * host-array path (which fit-golden checks against Keras), the caller's tensors stay alive, memory stays flat;
 * logs of several metrics come from one batched read.
 */
import { describe, expect, it } from 'vitest'
import { getBackend, memory, tensor, type Backend, type BackendTensor, type Tensor } from '@kx/core'
import { Input, Sequential, Dense, registerTrainer } from '@kx/layers'
import { trainer, optimizers } from '../src/index.js'

registerTrainer(trainer)

const xs = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(i * 0.7), (i % 5) / 5])
const ys = xs.map(([a, b, c]) => [a! - b! > 0 ? 1 : 0, a! * c!])

async function twin(): Promise<[Sequential, Sequential]> {
  const make = (): Sequential => {
    const m = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 5, activation: 'tanh' }), new Dense({ units: 2 })] })
    m.compile({ optimizer: new optimizers.Adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae', 'mse'] })
    return m
  }
  const [a, b] = [make(), make()]
  b.setWeights(await a.getWeights())
  return [a, b]
}

/** Counts backend reads while `f` runs. */
async function countReads<T>(f: () => Promise<T>): Promise<[T, number]> {
  const backend: Backend = getBackend()
  const original = backend.read.bind(backend)
  let reads = 0
  backend.read = (t: BackendTensor) => { reads++; return original(t) }
  try { return [await f(), reads] } finally { backend.read = original }
}

describe('trainOnBatch on device tensors', () => {
  it('matches the host-array path (weights and logs), reads once, and leaves the inputs alive', async () => {
    const [onDevice, onHost] = await twin()
    const x = tensor(xs)
    const y = tensor(ys)
    for (let step = 0; step < 3; step++) {
      const [got, reads] = await countReads(() => onDevice.trainOnBatch(x, y, { returnDict: true }) as Promise<Record<string, number>>)
      const want = (await onHost.trainOnBatch(xs, ys, { returnDict: true })) as Record<string, number>
      expect(Object.keys(got)).toEqual(['loss', 'mae', 'mse'])
      for (const k of Object.keys(want)) expect(got[k]).toBeCloseTo(want[k]!, 6)
      // loss, mae and mse in one read of the stacked scalars; the inputs are not read back
      expect(reads).toBe(1)
    }
    const [wa, wb] = [await onDevice.getWeights(), await onHost.getWeights()]
    expect(wa).toEqual(wb)
    expect(x.isDisposed).toBe(false)
    expect((await x.data())[0]).toBeCloseTo(xs[0]![0]!, 6)
    const before = memory().numTensors
    for (let step = 0; step < 5; step++) await onDevice.trainOnBatch(x, y)
    expect(memory().numTensors).toBe(before)
    for (const t of [x, y] as Tensor[]) t.dispose()
  })

  it('falls back to the host path for mixed or mismatched inputs', async () => {
    const [model] = await twin()
    const x = tensor(xs)
    const logs = (await model.trainOnBatch(x, ys, { returnDict: true })) as Record<string, number>
    expect(Number.isFinite(logs['loss'])).toBe(true)
    await expect(model.trainOnBatch(tensor(xs.slice(0, 5)), tensor(ys))).rejects.toThrow()
    x.dispose()
  })
})
