/**
 * @file OpenVINO IR export over the layer zoo: each single-input layer (with a Dense head so every layer
 * has weights downstream) is exported, read by the OpenVINO runtime through kx's binding and compared
 * with kx's forward pass. Skipped without the runtime unless KX_REQUIRE_OPENVINO=1 (then it fails).
 */
import { describe, expect, it } from 'vitest'
import { tensor, threefry, type KerasTensor, type Tensor } from '@kx/core'
import * as L from '@kx/layers'
import { loadOpenVINOIR, openVINOLibraryPath } from '@kx/backend-openvino'
import { exportModel } from '../src/index.js'

let why = ''
try { openVINOLibraryPath() } catch (e) { why = e instanceof Error ? e.message : String(e) }
if (why && process.env.KX_REQUIRE_OPENVINO === '1') throw new Error(`KX_REQUIRE_OPENVINO=1 but the OpenVINO runtime is missing: ${why}`)

/** `[name, input shape (no batch), layer]`. */
const ZOO: readonly (readonly [string, readonly number[], () => L.Layer])[] = [
  ['EinsumDense', [4, 6], () => new L.EinsumDense({ equation: 'abc,cd->abd', outputShape: [null, 5], biasAxes: 'd' })],
  ['ReLU/LeakyReLU/ELU/PReLU/Softmax', [7], () => new L.Sequential({ layers: [new L.ReLU({ maxValue: 0.6, threshold: 0.2 }), new L.LeakyReLU(), new L.ELU(), new L.PReLU(), new L.Softmax()] })],
  ['activations', [9], () => new L.Sequential({ layers: ['selu', 'softplus', 'softsign', 'hard_sigmoid', 'silu', 'mish', 'relu6', 'log_softmax'].map((a) => new L.Activation({ activation: a })) })],
  ['Reshape/Permute/RepeatVector/Flatten', [6], () => new L.Sequential({ layers: [new L.Reshape({ targetShape: [2, 3] }), new L.Permute({ dims: [2, 1] }), new L.Flatten(), new L.RepeatVector({ n: 2 })] })],
  ['ZeroPadding/Cropping 1D', [8, 3], () => new L.Sequential({ layers: [new L.ZeroPadding1D({ padding: [1, 2] }), new L.Cropping1D({ cropping: [2, 1] })] })],
  ['Cropping2D + UpSampling2D (bilinear)', [6, 6, 2], () => new L.Sequential({ layers: [new L.Cropping2D({ cropping: [[1, 0], [0, 1]] }), new L.UpSampling2D({ size: 2, interpolation: 'bilinear' })] })],
  ['ZeroPadding3D + Conv3D + MaxPooling3D + AveragePooling3D', [6, 6, 6, 2], () => new L.Sequential({ layers: [new L.ZeroPadding3D({ padding: 1 }), new L.Conv3D({ filters: 3, kernelSize: 2 }), new L.MaxPooling3D({ poolSize: 2 }), new L.AveragePooling3D({ poolSize: 2, padding: 'same' }), new L.UpSampling3D({ size: 2 })] })],
  ['Conv1DTranspose (strides 2)', [5, 2], () => new L.Sequential({ layers: [new L.Conv1DTranspose({ filters: 3, kernelSize: 3, strides: 2 })] })],
  ['DepthwiseConv1D + SeparableConv1D + MaxPooling1D', [12, 3], () => new L.Sequential({ layers: [new L.DepthwiseConv1D({ kernelSize: 3 }), new L.SeparableConv1D({ filters: 4, kernelSize: 2 }), new L.MaxPooling1D({ poolSize: 2, padding: 'same' })] })],
  ['Global pooling 1D/3D', [4, 4, 4, 3], () => new L.Sequential({ layers: [new L.GlobalMaxPooling3D({ keepdims: true }), new L.Reshape({ targetShape: [3, 1] }), new L.GlobalAveragePooling1D()] })],
  ['AdaptiveAveragePooling2D + AdaptiveMaxPooling2D', [8, 8, 2], () => new L.Sequential({ layers: [new L.AdaptiveAveragePooling2D({ outputSize: [4, 4] }), new L.AdaptiveMaxPooling2D({ outputSize: 2 })] })],
  ['BatchNormalization (trained statistics) / GroupNormalization / RMSNormalization / UnitNormalization', [4, 6], () => new L.Sequential({ layers: [new L.BatchNormalization({ momentum: 0.5 }), new L.GroupNormalization({ groups: 2 }), new L.RMSNormalization(), new L.UnitNormalization()] })],
  ['GroupedQueryAttention (self)', [5, 8], () => {
    const x = L.Input({ shape: [5, 8] })
    return new L.Model({ inputs: x, outputs: new L.GroupedQueryAttention({ headDim: 4, numQueryHeads: 4, numKeyValueHeads: 2 }).apply([x, x]) as KerasTensor })
  }],
  ['AdditiveAttention', [5, 8], () => {
    const x = L.Input({ shape: [5, 8] })
    return new L.Model({ inputs: x, outputs: new L.AdditiveAttention().apply([x, x]) as KerasTensor })
  }],
  ['TimeDistributed(Dense) + merges', [4, 3], () => {
    const x = L.Input({ shape: [4, 3] })
    const a = new L.TimeDistributed({ layer: new L.Dense({ units: 3 }) }).apply(x)
    const outs = [new L.Subtract().apply([a, x]), new L.Average().apply([a, x]), new L.Maximum().apply([a, x]), new L.Minimum().apply([a, x])]
    return new L.Model({ inputs: x, outputs: new L.Dot({ axes: 2 }).apply([new L.Concatenate({ axis: 1 }).apply(outs), x]) })
  }],
  ['ConvLSTM1D', [4, 6, 2], () => new L.ConvLSTM1D({ filters: 3, kernelSize: 3 })],
  ['Rescaling + Normalization', [8, 8, 3], () => new L.Sequential({ layers: [new L.Rescaling({ scale: 1 / 255, offset: 0.5 }), new L.Normalization({ mean: 0.2, variance: 2 })] })],
]

function randomInput(shape: number[], seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1)
  return Float32Array.from(threefry.randomUniform([13, seed], n, 'float32'), (v) => 2 * v - 1)
}

describe.skipIf(why !== '')('OpenVINO IR export: the layer zoo', () => {
  for (const [name, shape, make] of ZOO) {
    it(name, async () => {
      const inner = make()
      const x = L.Input({ shape: shape as number[] })
      const model = new L.Model({ inputs: x, outputs: new L.Dense({ units: 3 }).apply(inner.apply(x) as never) })
      const { xml, bin } = await exportModel(model, { format: 'openvino' })
      const ir = loadOpenVINOIR(xml, bin)
      try {
        const full = [2, ...shape]
        const data = randomInput(full, shape.length)
        const y = model.apply(tensor(data, { shape: full, dtype: 'float32' }), { training: false }) as Tensor
        const want = await y.data()
        const [got] = ir.run([{ values: data, shape: full, dtype: 'float32' }], [{ shape: y.shape as number[], dtype: 'float32' }])
        let worst = 0
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got![i]! - (want[i] as number)) / Math.max(1, Math.abs(want[i] as number)))
        expect(got!.length).toBe(want.length)
        expect(worst).toBeLessThan(1e-4)
      } finally {
        ir.dispose()
      }
    })
  }
})
