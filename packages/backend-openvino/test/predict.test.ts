/** @file `predict` of Dense and Conv2D models on `openvino` matches `reference` within float32 tolerance; jit runs one compiled model. */
import { expect, it } from 'vitest'
import { createReferenceBackend, jit, lax, registerBackend, setBackend, tensor, threefry, type Tensor } from '@kx/core'
import { Conv2D, Dense, Flatten, Input, MaxPooling2D, Sequential, registerTrainer } from '@kx/layers'
import { trainer } from '@kx/trainers'
import { createOpenVINOBackend, type OpenVINOBackend } from '../src/index.js'
import { describeOpenVINO } from './available.js'

registerTrainer(trainer)

async function parity(makeModel: () => Sequential, inputShape: number[], seed: number): Promise<OpenVINOBackend> {
  registerBackend('ref-predict', () => createReferenceBackend(), { priority: 0 })
  registerBackend('openvino-predict', () => createOpenVINOBackend({ name: 'openvino-predict' }), { priority: 0 })
  const n = inputShape.reduce((a, d) => a * d, 1)
  const xs = Array.from(threefry.randomUniform([seed, 1], n, 'float32'), (v) => 2 * v - 1)
  await setBackend('ref-predict')
  const refModel = makeModel()
  const weights = await refModel.getWeights()
  const want = (await refModel.predict(tensor(xs, { dtype: 'float32', shape: inputShape }), { verbose: 0 })) as Tensor
  const wantValues = Array.from(await want.data())
  const ov = (await setBackend('openvino-predict')) as OpenVINOBackend
  const model = makeModel()
  model.setWeights(weights)
  const x = tensor(xs, { dtype: 'float32', shape: inputShape })
  expect(x.backend).toBe(ov)
  for (let rep = 0; rep < 3; rep++) {
    const got = (await model.predict(x, { verbose: 0 })) as Tensor
    expect(got.shape).toEqual(want.shape)
    const g = Array.from(await got.data())
    g.forEach((v, i) => expect(Math.abs(v - wantValues[i]!)).toBeLessThanOrEqual(1e-4 + 1e-4 * Math.abs(wantValues[i]!)))
  }
  return ov
}

describeOpenVINO('predict parity with reference', () => {
  it('Dense MLP', async () => {
    const ov = await parity(() => new Sequential({ layers: [Input({ shape: [8] }), new Dense({ units: 16, activation: 'relu' }), new Dense({ units: 4, activation: 'softmax' })] }), [32, 8], 7)
    expect(ov.stats().compiled.models).toBeGreaterThanOrEqual(1)
  })
  it('Conv2D CNN', async () => {
    const ov = await parity(() => new Sequential({
      layers: [Input({ shape: [12, 12, 3] }), new Conv2D({ filters: 8, kernelSize: 3, activation: 'relu' }), new MaxPooling2D({ poolSize: 2 }), new Flatten(), new Dense({ units: 5 })],
    }), [4, 12, 12, 3], 11)
    expect(ov.stats().compiled.interpreted).toBe(0)
  })
  it('jit compiles a traced function into one OpenVINO model', async () => {
    const b = await createOpenVINOBackend({ name: 'openvino-jit' })
    const f = jit((a: Tensor, c: Tensor) => lax.tanh(lax.add(lax.mul(a, c), a)))
    const a = tensor([0.5, -1, 2], { dtype: 'float32', backend: b })
    const c = tensor([1, 2, 3], { dtype: 'float32', backend: b })
    const out = f(a, c) as Tensor
    expect(Array.from(await out.data())).toEqual([0.5, -1, 2].map((v, i) => expect.closeTo(Math.tanh(v * (i + 1) + v), 6)))
    expect(b.stats().compiled.models).toBe(1)
  })
})
