/** @file Keras-style `fit` on the onnx backend: the trainer jit-compiles its step into one session. */
import { describe, expect, it } from 'vitest'
import { memory, registerBackend, setBackend, tensor, threefry, type Tensor } from '@kx/core'
import { Dense, Input, Sequential, registerTrainer } from '@kx/layers'
import { optimizers, trainer } from '@kx/trainers'
import { createOnnxBackend, type OnnxBackend } from '../src/index.js'

registerTrainer(trainer)

describe('fit on onnx', () => {
  it('converges on a 3-class problem with Adam, keeps memory flat, runs the step as one session', async () => {
    registerBackend('onnx-fit', () => createOnnxBackend({ name: 'onnx-fit' }), { priority: 100 })
    const backend = (await setBackend('onnx-fit')) as OnnxBackend
    const n = 256
    const u = threefry.randomUniform([5, 5], n * 4, 'float32')
    const xs: number[][] = []
    const ys: number[][] = []
    for (let i = 0; i < n; i++) {
      const row = [0, 1, 2, 3].map((j) => 2 * u[i * 4 + j]! - 1)
      const s = row[0]! + 0.5 * row[1]! - row[2]!
      xs.push(row)
      ys.push([s > 0.4 ? 1 : 0, s < -0.4 ? 1 : 0, Math.abs(s) <= 0.4 ? 1 : 0])
    }
    const model = new Sequential({ layers: [Input({ shape: [4] }), new Dense({ units: 32, activation: 'relu' }), new Dense({ units: 3, activation: 'softmax' })] })
    model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.01 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] })
    const x = tensor(xs, { dtype: 'float32' })
    const y = tensor(ys, { dtype: 'float32' })
    expect(x.backend).toBe(backend)
    await model.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0 })
    const before = memory().numTensors
    const history = (await model.fit(x, y, { epochs: 30, batchSize: 32, verbose: 0 })) as { history: Record<string, number[]> }
    expect(memory().numTensors).toBe(before)
    expect(history.history['loss']!.at(-1)!).toBeLessThan(history.history['loss']![0]! * 0.6)
    expect(history.history['accuracy']!.at(-1)!).toBeGreaterThan(0.85)
    expect(backend.stats().compiled.sessions).toBeGreaterThanOrEqual(1)
    expect(backend.stats().compiled.interpreted).toBe(0)
    const pred = (await model.predict(x, { verbose: 0 })) as Tensor
    expect(pred.shape).toEqual([n, 3])
  })
})
