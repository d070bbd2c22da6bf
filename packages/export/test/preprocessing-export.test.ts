/** @file Image preprocessing layers inside exported models: ONNX Runtime against kx's inference-mode forward pass. */
import { describe, expect, it } from 'vitest'
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node'
import { tensor, threefry, type Tensor } from '@kx/core'
import * as L from '@kx/layers'
import { decodeModel } from '@kx/backend-onnx'
import { exportModel } from '../src/index.js'

/** Exports `model` (dynamic batch), runs it in ORT at two batch sizes and compares with `model.apply(x, { training: false })`. */
async function roundTrip(model: L.Layer, inShape: number[], outShape: number[]): Promise<void> {
  const bytes = await exportModel(model, { format: 'onnx', opset: 18, dynamicBatch: true })
  const decoded = decodeModel(bytes)
  expect(decoded.inputs[0]!.dims[0]).toBe('batch')
  const session = await InferenceSession.create(bytes)
  try {
    for (const batch of [1, 3]) {
      const shape = [batch, ...inShape]
      const n = shape.reduce((a, b) => a * b, 1)
      const x = Float32Array.from(threefry.randomUniform([3, batch], n, 'float32'), (v) => 255 * v)
      const want = await (model.apply(tensor(x, { shape, dtype: 'float32' }), { training: false }) as Tensor).data()
      const out = await session.run({ [decoded.inputs[0]!.name]: new OrtTensor('float32', x, shape) })
      const got = out[decoded.outputs[0]!.name]!
      expect(got.dims).toEqual([batch, ...outShape])
      let worst = 0
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs((got.data as Float32Array)[i]! - (want as Float32Array)[i]!))
      expect(worst).toBeLessThan(1e-4)
    }
  } finally { await session.release() }
}

describe('preprocessing layers export', () => {
  it('Rescaling → Resizing → CenterCrop → RandomFlip/Rotation/Contrast (inference) exports to ONNX and matches kx', async () => {
    const model = new L.Sequential({ layers: [
      L.Input({ shape: [12, 10, 3] }),
      new L.Rescaling({ scale: 1 / 255, offset: -0.5 }),
      new L.Resizing({ height: 8, width: 9 }),
      new L.CenterCrop({ height: 6, width: 5 }),
      new L.RandomFlip({ seed: 1 }),
      new L.RandomRotation({ factor: 0.2, seed: 2 }),
      new L.RandomContrast({ factor: 0.3, seed: 3 }),
    ] })
    await roundTrip(model, [12, 10, 3], [6, 5, 3])
  })

  const layers: [string, Record<string, unknown>, number[]][] = [
    ['RandomZoom', { heightFactor: 0.2, seed: 1 }, [8, 8, 3]], ['RandomTranslation', { heightFactor: 0.1, widthFactor: 0.2, seed: 1 }, [8, 8, 3]],
    ['RandomShear', { xFactor: 0.2, seed: 1 }, [8, 8, 3]], ['RandomPerspective', { seed: 1 }, [8, 8, 3]], ['RandomElasticTransform', { seed: 1 }, [8, 8, 3]],
    ['RandomBrightness', { factor: 0.3, seed: 1 }, [8, 8, 3]], ['RandomGrayscale', { seed: 1 }, [8, 8, 3]], ['RandomHue', { factor: 0.3, seed: 1 }, [8, 8, 3]],
    ['RandomSaturation', { factor: 0.3, seed: 1 }, [8, 8, 3]], ['RandomColorDegeneration', { factor: 0.3, seed: 1 }, [8, 8, 3]],
    ['RandomColorJitter', { brightnessFactor: 0.2, seed: 1 }, [8, 8, 3]], ['RandomInvert', { seed: 1 }, [8, 8, 3]],
    ['RandomPosterization', { factor: [2, 5], seed: 1 }, [8, 8, 3]], ['Solarization', { additionFactor: 0.2, seed: 1 }, [8, 8, 3]],
    ['AutoContrast', {}, [8, 8, 3]], ['RandomSharpness', { factor: 0.4, seed: 1 }, [8, 8, 3]], ['RandomGaussianBlur', { seed: 1 }, [8, 8, 3]],
    ['Equalization', {}, [8, 8, 3]], ['MixUp', { seed: 1 }, [8, 8, 3]], ['CutMix', { seed: 1 }, [8, 8, 3]], ['RandomErasing', { seed: 1 }, [8, 8, 3]],
    ['RandAugment', { seed: 1 }, [8, 8, 3]], ['AugMix', { seed: 1 }, [8, 8, 3]], ['RandomCrop', { height: 4, width: 5, seed: 1 }, [8, 8, 3]],
    ['Resizing', { height: 4, width: 6, cropToAspectRatio: true }, [4, 6, 3]], ['Resizing', { height: 6, width: 4, padToAspectRatio: true }, [6, 4, 3]],
    ['MaxNumBoundingBoxes', { maxNumber: 3 }, [8, 8, 3]],
    ['ContrastLimitedAdaptiveHistogramEqualization', { tileGridSize: [3, 2], clipLimit: 2 }, [8, 8, 3]],
  ]
  it.each(layers)('%s %o in inference mode exports to ONNX and matches kx', async (name, init, outShape) => {
    const Cls = (L as unknown as Record<string, new (a: unknown) => L.Layer>)[name]!
    const model = new L.Sequential({ layers: [L.Input({ shape: [8, 8, 3] }), new Cls(init)] })
    await roundTrip(model, [8, 8, 3], outShape)
  })

  // A fixed batch takes CLAHE's flat-gather lookup (the dynamic-batch cases above take the one-hot blend).
  it('ContrastLimitedAdaptiveHistogramEqualization with a fixed batch and padded tiles exports and matches kx', async () => {
    const model = new L.Sequential({ layers: [L.Input({ shape: [7, 10, 3] }), new L.ContrastLimitedAdaptiveHistogramEqualization({ tileGridSize: [3, 4], clipLimit: 3 })] })
    const bytes = await exportModel(model, { format: 'onnx', opset: 18, dynamicBatch: false, batchSize: 2 })
    const decoded = decodeModel(bytes)
    expect(decoded.inputs[0]!.dims).toEqual([2, 7, 10, 3])
    const session = await InferenceSession.create(bytes)
    try {
      const x = Float32Array.from(threefry.randomUniform([5, 2], 2 * 7 * 10 * 3, 'float32'), (v) => 255 * v)
      const want = (await (model.apply(tensor(x, { shape: [2, 7, 10, 3], dtype: 'float32' }), { training: false }) as Tensor).data()) as Float32Array
      const got = (await session.run({ [decoded.inputs[0]!.name]: new OrtTensor('float32', x, [2, 7, 10, 3]) }))[decoded.outputs[0]!.name]!.data as Float32Array
      let worst = 0
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!))
      expect(worst).toBeLessThan(1e-4)
    } finally { await session.release() }
  })
})
