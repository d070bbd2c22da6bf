/** @file Keras-style `fit` on the onnx backend: the trainer jit-compiles its step into one session. */
import { describe, expect, it } from 'vitest'
import { memory, registerBackend, setBackend, tensor, threefry, type Tensor } from '@kx/core'
import { Conv2D, Dense, Flatten, Input, MaxPooling2D, Sequential, registerTrainer } from '@kx/layers'
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

  it('trains a CNN (Conv2D, MaxPooling2D, Dense) as one session per step; predict of one batch matches batched predict', async () => {
    registerBackend('onnx-cnn', () => createOnnxBackend({ name: 'onnx-cnn' }), { priority: 100 })
    const backend = (await setBackend('onnx-cnn')) as OnnxBackend
    // 8×8 images, class 0 when the left half is brighter.
    const n = 64
    const u = threefry.randomUniform([7, 7], n * 64, 'float32')
    const xs = new Float32Array(n * 64)
    const ys = new Float32Array(n * 2)
    for (let i = 0; i < n; i++) {
      const left = i % 2 === 0
      for (let p = 0; p < 64; p++) xs[i * 64 + p] = u[i * 64 + p]! * 0.5 + ((p % 8 < 4) === left ? 0.5 : 0)
      ys[i * 2 + (left ? 0 : 1)] = 1
    }
    const model = new Sequential({ layers: [
      Input({ shape: [8, 8, 1] }), new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu' }), new MaxPooling2D({ poolSize: 2 }),
      new Flatten(), new Dense({ units: 2, activation: 'softmax' }),
    ] })
    model.compile({ optimizer: new optimizers.Adam({ learningRate: 0.02 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] })
    const x = tensor(xs, { shape: [n, 8, 8, 1] })
    const y = tensor(ys, { shape: [n, 2] })
    const history = (await model.fit(x, y, { epochs: 15, batchSize: 16, verbose: 0 })) as { history: Record<string, number[]> }
    expect(history.history['loss']!.at(-1)!).toBeLessThan(history.history['loss']![0]! * 0.5)
    expect(history.history['accuracy']!.at(-1)!).toBeGreaterThan(0.9)
    expect(backend.stats().compiled.interpreted).toBe(0)
    const whole = (await model.predict(x, { batchSize: n, verbose: 0 })) as Tensor
    const batched = (await model.predict(x, { batchSize: 16, verbose: 0 })) as Tensor
    const a = await whole.data()
    const b = await batched.data()
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5))
  })
})
