/** @file `fit` on openvino: the trainer's traced step (forward + backward + update) runs as one compiled OpenVINO model. */
import { expect, it } from 'vitest'
import { memory, registerBackend, setBackend, tensor, threefry } from '@kx/core'
import { Dense, Input, Sequential, registerTrainer } from '@kx/layers'
import { optimizers, trainer } from '@kx/trainers'
import { createOpenVINOBackend, type OpenVINOBackend } from '../src/index.js'
import { describeOpenVINO } from './available.js'

registerTrainer(trainer)

describeOpenVINO('fit on openvino', () => {
  it('fits a small regression with SGD, keeps the tensor count flat', async () => {
    registerBackend('openvino-fit', () => createOpenVINOBackend({ name: 'openvino-fit' }), { priority: 0 })
    const backend = (await setBackend('openvino-fit')) as OpenVINOBackend
    const n = 128
    const u = threefry.randomUniform([3, 9], n * 3, 'float32')
    const xs = Array.from({ length: n }, (_, i) => [0, 1, 2].map((j) => 2 * u[i * 3 + j]! - 1))
    const ys = xs.map((r) => [r[0]! - 2 * r[1]! + 0.5 * r[2]! + 0.3])
    const model = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 1 })] })
    model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1 }), loss: 'mse' })
    const x = tensor(xs, { dtype: 'float32' })
    const y = tensor(ys, { dtype: 'float32' })
    await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 })
    const before = memory().numTensors
    const h = (await model.fit(x, y, { epochs: 40, batchSize: 32, verbose: 0 })) as { history: Record<string, number[]> }
    expect(memory().numTensors).toBe(before)
    expect(h.history['loss']!.at(-1)!).toBeLessThan(1e-3)
    expect(backend.stats().compiled.models).toBeGreaterThanOrEqual(1)
    const w = (await model.getWeights())[0] as number[][]
    expect(w.map((r) => r[0])).toEqual([expect.closeTo(1, 1), expect.closeTo(-2, 1), expect.closeTo(0.5, 1)])
  })
})
