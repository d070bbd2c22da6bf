import { describe, expect, it } from 'vitest'
import { memory, tensor, type Tensor } from '@kx/core'
import { Input, Sequential, Dense, Identity, registerTrainer } from '@kx/layers'
import { trainer, optimizers, Callback, type Logs } from '../src/index.js'

registerTrainer(trainer)

describe('fit', () => {
  it('fits y = 2x - 1 and calls callbacks in Keras order', async () => {
    const model = new Sequential({ layers: [Input({ shape: [1] }), new Dense({ units: 1 })] })
    model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1 }), loss: 'mse', metrics: ['mae'] })
    const xs = Array.from({ length: 64 }, (_, i) => [i / 32 - 1])
    const ys = xs.map(([x]) => [2 * x! - 1])
    const events: string[] = []
    class Spy extends Callback {
      override onTrainBegin() { events.push('train_begin') }
      override onEpochBegin(e: number) { events.push(`epoch_begin ${e}`) }
      override onEpochEnd(e: number, logs: Logs) { events.push(`epoch_end ${e} ${Object.keys(logs).join(',')}`) }
      override onTrainEnd() { events.push('train_end') }
    }
    const history: any = await model.fit(xs, ys, { epochs: 40, batchSize: 16, verbose: 0, callbacks: [new Spy()], validationSplit: 0.25 })
    expect(history.history.loss.length).toBe(40)
    expect(history.history.loss.at(-1)).toBeLessThan(1e-3)
    expect(events[0]).toBe('train_begin')
    expect(events[1]).toBe('epoch_begin 0')
    expect(events[2]).toBe('epoch_end 0 loss,mae,val_loss,val_mae')
    expect(events.at(-1)).toBe('train_end')
    const pred = (await model.predict([[0.5]])) as Tensor
    expect((await pred.data())[0]).toBeCloseTo(0, 1)
    const ev = (await model.evaluate(xs, ys, { verbose: 0, returnDict: true })) as Record<string, number>
    expect(ev['loss']).toBeLessThan(1e-3)
  })
  it('keeps the live tensor count flat over many steps', async () => {
    const model = new Sequential({ layers: [Input({ shape: [4] }), new Dense({ units: 8, activation: 'relu' }), new Dense({ units: 1 })] })
    model.compile({ optimizer: 'adam', loss: 'mse' })
    const x = tensor(Array.from({ length: 32 }, (_, i) => [i, i + 1, i + 2, i + 3].map((v) => v / 32)))
    const y = tensor(Array.from({ length: 32 }, (_, i) => [i / 32]))
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 })
    const before = memory().numTensors
    await model.fit(x, y, { epochs: 25, batchSize: 8, verbose: 0 })
    expect(memory().numTensors).toBe(before)
  })
  it('predict on a tensor that fits one batch matches the batched path and leaves the input alone', async () => {
    const model = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 2, activation: 'tanh' })] })
    const rows = Array.from({ length: 10 }, (_, i) => [i / 10, Math.sin(i), -i / 5])
    const x = tensor(rows)
    const wv = await model.weights[0]!.value.data()
    const bv = await model.weights[1]!.value.data()
    const want = rows.flatMap((r) => [0, 1].map((j) => Math.tanh(r.reduce((a, v, k) => a + Math.fround(v) * wv[k * 2 + j]!, bv[j]!))))
    const whole = (await model.predict(x, { verbose: 0 })) as Tensor
    const batched = (await model.predict(x, { batchSize: 3, verbose: 0 })) as Tensor
    expect(whole.shape).toEqual([10, 2])
    expect(Array.from(await whole.data())).toEqual(Array.from(await batched.data()))
    Array.from(await whole.data()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5))
    whole.dispose()
    expect(Array.from(await x.data()).slice(3, 6)).toEqual(rows[1]!.map((v) => Math.fround(v)))
    // An identity model still returns a tensor the caller owns (not the input itself).
    const id = new Sequential({ layers: [Input({ shape: [3] }), new Identity()] })
    const y = (await id.predict(x, { verbose: 0 })) as Tensor
    expect(y).not.toBe(x)
    y.dispose()
    expect(x.shape).toEqual([10, 3])
    x.dispose()
  })
  it('jitCompile traces the step once and matches eager training bit for bit', async () => {
    const make = () => new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 4, activation: 'tanh' }), new Dense({ units: 1 })] })
    const a = make()
    const b = make()
    b.setWeights(await a.getWeights())
    a.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'], jitCompile: false })
    b.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'], jitCompile: true })
    const x = Array.from({ length: 20 }, (_, i) => [Math.sin(i), Math.cos(i), i / 20])
    const y = x.map(([p, q, r]) => [p! * q! + r!])
    const ha: any = await a.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 })
    const hb: any = await b.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 })
    expect(hb.history.loss).toEqual(ha.history.loss)
    expect(hb.history.mae).toEqual(ha.history.mae)
    expect(await b.getWeights()).toEqual(await a.getWeights())
  })
})
