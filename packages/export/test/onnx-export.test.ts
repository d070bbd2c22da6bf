/** @file ONNX export round trips: kx's outputs against ONNX Runtime running the exported model. */
import { describe, expect, it } from 'vitest'
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node'
import { UnsupportedOpError, lax, tensor, threefry, type Tensor } from '@kx/core'
import {
  Activation, AveragePooling2D, Conv2D, Dense, Flatten, GRU, GlobalAveragePooling2D, Input, LSTM, Lambda, MaxPooling2D, Model, Sequential,
  type Layer,
} from '@kx/layers'
import { decodeModel } from '@kx/backend-onnx'
import { exportModel } from '../src/index.js'

function randomInput(shape: number[], seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1)
  return Float32Array.from(threefry.randomUniform([7, seed], n, 'float32'), (v) => 2 * v - 1)
}

async function runOnnx(bytes: Uint8Array, feeds: Record<string, { data: Float32Array; shape: number[] }>): Promise<Record<string, Float32Array>> {
  const session = await InferenceSession.create(bytes)
  const inputs = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new OrtTensor('float32', v.data, v.shape)]))
  const out = await session.run(inputs)
  const res = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]))
  await session.release()
  return res
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5): void {
  expect(got.length).toBe(want.length)
  let worst = 0
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)))
  expect(worst).toBeLessThan(tol)
}

/** Exports `model`, runs it in ORT at two batch sizes and compares with kx's own forward pass. */
async function roundTrip(model: Layer, inShape: number[]): Promise<Uint8Array> {
  const bytes = await exportModel(model, { format: 'onnx', opset: 18, dynamicBatch: true })
  const decoded = decodeModel(bytes)
  expect(decoded.inputs[0]!.dims[0]).toBe('batch')
  expect(decoded.outputs[0]!.name).toBe('output_0')
  for (const batch of [1, 5]) {
    const shape = [batch, ...inShape]
    const x = randomInput(shape, batch)
    const want = await (model.apply(tensor(x, { shape, dtype: 'float32' }), { training: false }) as Tensor).data()
    const got = await runOnnx(bytes, { [decoded.inputs[0]!.name]: { data: x, shape } })
    expectClose(got.output_0!, want as Float32Array)
  }
  return bytes
}

describe('ONNX export', () => {
  it('Dense MLP with activations (Sequential)', async () => {
    const model = new Sequential({ layers: [
      Input({ shape: [12], name: 'features' }),
      new Dense({ units: 16, activation: 'relu' }),
      new Activation({ activation: 'elu' }),
      new Dense({ units: 8, activation: 'tanh' }),
      new Dense({ units: 4, activation: 'softmax' }),
    ] })
    const bytes = await roundTrip(model, [12])
    const d = decodeModel(bytes)
    expect(d.inputs[0]!.name).toBe('features')
    expect(d.opset).toBe(18)
    expect(d.initializerNames.some((n) => n.includes('kernel'))).toBe(true)
  })

  it('CNN: Conv2D + MaxPooling2D + Flatten + Dense (functional)', async () => {
    const x = Input({ shape: [12, 12, 1] })
    let y = new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu' }).apply(x)
    y = new MaxPooling2D({ poolSize: 2 }).apply(y)
    y = new Conv2D({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(y)
    y = new MaxPooling2D({ poolSize: 2 }).apply(y)
    y = new Flatten().apply(y)
    y = new Dense({ units: 10, activation: 'softmax' }).apply(y)
    await roundTrip(new Model({ inputs: x, outputs: y }), [12, 12, 1])
  })

  it('pooling and activations: AveragePooling2D, strides, GlobalAveragePooling2D, sigmoid/gelu', async () => {
    const x = Input({ shape: [9, 9, 3] })
    let y = new AveragePooling2D({ poolSize: 3, strides: 2, padding: 'same' }).apply(x)
    y = new Conv2D({ filters: 5, kernelSize: 2, strides: 2, activation: 'gelu' }).apply(y)
    y = new Activation({ activation: 'sigmoid' }).apply(y)
    y = new GlobalAveragePooling2D().apply(y)
    await roundTrip(new Model({ inputs: x, outputs: y }), [9, 9, 3])
  })

  it('recurrent layers (LSTM, GRU) export as an ONNX Loop and keep the batch dynamic', async () => {
    for (const Rnn of [LSTM, GRU]) {
      const model = new Sequential({ layers: [Input({ shape: [5, 3] }), new Rnn({ units: 4 }), new Dense({ units: 2 })] })
      const bytes = await roundTrip(model, [5, 3])
      expect(decodeModel(bytes).opTypes).toContain('Loop')
    }
  })

  it('static batch and file output', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const model = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 2 })] })
    const path = join(mkdtempSync(join(tmpdir(), 'kx-onnx-')), 'm.onnx')
    const bytes = await exportModel(model, { format: 'onnx', dynamicBatch: false, batchSize: 4, path })
    expect(Array.from(readFileSync(path))).toEqual(Array.from(bytes))
    expect(decodeModel(bytes).inputs[0]!.dims).toEqual([4, 3])
  })

  it('throws a typed error naming the primitive for what ONNX cannot express', async () => {
    const x = Input({ shape: [4] })
    const y = new Lambda({ function: (t: Tensor) => lax.bitcastConvertType(t, 'int32') }).apply(x)
    await expect(exportModel(new Model({ inputs: x, outputs: y }), { format: 'onnx' })).rejects.toThrow(UnsupportedOpError)
    await expect(exportModel(new Model({ inputs: x, outputs: y }), { format: 'onnx' })).rejects.toThrow(/bitcast_convert_type.*BitCast/)
  })
})
