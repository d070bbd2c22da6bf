/** @file CNN inference timings, openvino vs onnx (KX_BENCH=1 runs it; prints a table). */
import { expect, it } from 'vitest'
import { registerBackend, setBackend, tensor, threefry, type Tensor } from '@kx/core'
import { createOnnxBackend } from '@kx/backend-onnx'
import { Conv2D, Dense, Flatten, Input, MaxPooling2D, Sequential, registerTrainer } from '@kx/layers'
import { trainer } from '@kx/trainers'
import { createOpenVINOBackend } from '../src/index.js'
import { available } from './available.js'

registerTrainer(trainer)

const cnn = () => new Sequential({
  layers: [
    Input({ shape: [32, 32, 3] }),
    new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' }), new MaxPooling2D({ poolSize: 2 }),
    new Conv2D({ filters: 64, kernelSize: 3, activation: 'relu' }), new MaxPooling2D({ poolSize: 2 }),
    new Flatten(), new Dense({ units: 128, activation: 'relu' }), new Dense({ units: 10, activation: 'softmax' }),
  ],
})

it.runIf(available && process.env.KX_BENCH === '1')('CNN predictOnBatch: openvino vs onnx', async () => {
  registerBackend('bench-onnx', () => createOnnxBackend({ name: 'bench-onnx' }), { priority: 0 })
  registerBackend('bench-openvino', () => createOpenVINOBackend({ name: 'bench-openvino' }), { priority: 0 })
  registerBackend('bench-openvino-tput', () => createOpenVINOBackend({ name: 'bench-openvino-tput', performanceHint: 'THROUGHPUT' }), { priority: 0 })
  const rows: string[] = []
  for (const name of ['bench-onnx', 'bench-openvino', 'bench-openvino-tput']) {
    await setBackend(name)
    const model = cnn()
    for (const batch of [1, 64]) {
      const x = tensor(threefry.randomUniform([1, batch], batch * 32 * 32 * 3, 'float32'), { dtype: 'float32', shape: [batch, 32, 32, 3] })
      for (let i = 0; i < 5; i++) await ((await model.predictOnBatch(x)) as Tensor).data()
      const times: number[] = []
      for (let i = 0; i < 30; i++) {
        const t0 = performance.now()
        const y = (await model.predictOnBatch(x)) as Tensor
        await y.data()
        times.push(performance.now() - t0)
        y.dispose()
      }
      times.sort((a, b) => a - b)
      rows.push(`| ${name.slice(6)} | ${batch} | ${times[15]!.toFixed(3)} ms | ${times[0]!.toFixed(3)} ms |`)
      x.dispose()
    }
  }
  console.log(['| backend | batch | median | min |', '|---|---|---|---|', ...rows].join('\n'))
  expect(rows.length).toBe(6)
})
