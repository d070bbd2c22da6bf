import { describe, expect, it } from 'vitest'
import { memory, tensor, KxError } from '@kx/core'
import { Input, Sequential, Dense, Dropout, registerTrainer } from '@kx/layers'
import { trainer } from '../src/index.js'

registerTrainer(trainer)

describe('fit over 2,000 steps', () => {
  it('keeps the live tensor count flat (eager steps, Adam, metrics, dropout)', async () => {
    const model = new Sequential({ layers: [Input({ shape: [4] }), new Dense({ units: 8, activation: 'relu' }), new Dropout({ rate: 0.1 }), new Dense({ units: 1 })] })
    model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'], jitCompile: false })
    const x = tensor(Array.from({ length: 16 }, (_, i) => [i, i + 1, i + 2, i + 3].map((v) => v / 16)))
    const y = tensor(Array.from({ length: 16 }, (_, i) => [i / 16]))
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 })
    const before = memory().numTensors
    const h = (await model.fit(x, y, { epochs: 500, batchSize: 4, verbose: 0 })) as { history: Record<string, number[]> }
    expect(h.history['loss']!.length).toBe(500) // 500 epochs × 4 batches = 2,000 steps
    expect(memory().numTensors).toBe(before)
  }, 120_000)
})

describe('compile arguments', () => {
  const model = () => new Sequential({ layers: [Input({ shape: [2] }), new Dense({ units: 1 })] })
  it('rejects unknown options, losses, metrics and optimizers with typed errors', async () => {
    expect(() => model().compile({ optimiser: 'adam' })).toThrow(/Unknown option for `compile`/)
    expect(() => model().compile({ optimizer: 'not_an_optimizer', loss: 'mse' })).toThrow(KxError)
    const m = model()
    m.compile({ optimizer: 'sgd', loss: 'not_a_loss' })
    await expect(m.fit([[1, 2]], [[1]], { verbose: 0 })).rejects.toThrow(/not_a_loss/)
    const m2 = model()
    m2.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['not_a_metric'] })
    await expect(m2.fit([[1, 2]], [[1]], { verbose: 0 })).rejects.toBeInstanceOf(KxError)
    await expect(model().fit([[1, 2]], [[1]])).rejects.toThrow(/compile\(\)/)
    const m3 = model()
    m3.compile({ optimizer: 'sgd', loss: 'mse' })
    await expect(m3.fit([[1, 2]], [[1]], { epochs: -1 })).rejects.toThrow(/epochs/)
  })
})
