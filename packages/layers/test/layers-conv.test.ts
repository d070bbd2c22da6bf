/** Convolution layers: the harness on every layer and option family, plus Keras 3 golden values (tools/golden/layers_b.py). */
import { describe, expect, it } from 'vitest'
import {
  KerasTensor, createReferenceBackend, registerBackend, removeBackend, setBackend, tensor, valueAndGrad, lax, type Backend, type FusedOp, type Tensor,
} from '@kx/core'
import {
  Conv1D, Conv2D, Conv3D, Conv1DTranspose, Conv2DTranspose, Conv3DTranspose, DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D,
  registerBuiltinLayersB,
} from '../src/layers/index-b.js'
import { Dense, Flatten } from '../src/layers/index.js'
import { BatchNormalization, MaxPooling2D } from '../src/layers/index-b.js'
import { Sequential, deserializeLayer, serializeLayer } from '../src/index.js'
import { makeInput, runLayerTest } from './harness.js'
import { describeGolden } from './golden-b.js'

registerBuiltinLayersB()

describe('Conv layers (harness)', () => {
  it('Conv2D', async () => {
    await runLayerTest(Conv2D, { init: { filters: 4, kernelSize: 3 }, inputShape: [2, 5, 5, 3], expectedOutputShape: [2, 3, 3, 4], expectedTrainableWeights: 2, expectedNonTrainableWeights: 0 })
    await runLayerTest(Conv2D, { init: { filters: 4, kernelSize: [2, 3], strides: 2, padding: 'same', activation: 'relu' }, inputShape: [2, 5, 6, 3], expectedOutputShape: [2, 3, 3, 4], expectedTrainableWeights: 2 })
    await runLayerTest(Conv2D, { init: { filters: 4, kernelSize: 2, dataFormat: 'channels_first', useBias: false, dilationRate: 2 }, inputShape: [2, 3, 6, 6], expectedOutputShape: [2, 4, 4, 4], expectedTrainableWeights: 1 })
    await runLayerTest(Conv2D, { init: { filters: 4, kernelSize: 1, groups: 2, activation: 'gelu', kernelRegularizer: 'l2', activityRegularizer: 'l1' }, inputShape: [2, 3, 3, 4], expectedOutputShape: [2, 3, 3, 4], expectedLosses: 2 })
  })
  it('Conv2D with LoRA', async () => {
    await runLayerTest(Conv2D, { init: { filters: 4, kernelSize: 3, loraRank: 2 }, inputShape: [2, 5, 5, 3], expectedOutputShape: [2, 3, 3, 4], expectedTrainableWeights: 3, expectedNonTrainableWeights: 1 })
  })
  it('Conv1D and Conv3D', async () => {
    await runLayerTest(Conv1D, { init: { filters: 3, kernelSize: 3, padding: 'causal', dilationRate: 2 }, inputShape: [2, 7, 2], expectedOutputShape: [2, 7, 3], expectedTrainableWeights: 2 })
    await runLayerTest(Conv1D, { init: { filters: 3, kernelSize: 2, dataFormat: 'channels_first', strides: 2 }, inputShape: [2, 2, 7], expectedOutputShape: [2, 3, 3] })
    await runLayerTest(Conv3D, { init: { filters: 2, kernelSize: 2, padding: 'same' }, inputShape: [1, 3, 3, 3, 2], expectedOutputShape: [1, 3, 3, 3, 2] })
  })
  it('Conv2D numbers and errors', async () => {
    const c = new Conv2D({ filters: 1, kernelSize: 2, kernelInitializer: 'ones', biasInitializer: { class_name: 'Constant', config: { value: 0.5 } } })
    const y = c.apply(tensor([[[[1], [2]], [[3], [4]]]], { dtype: 'float32' })) as Tensor
    expect(await y.array()).toEqual([[[[10.5]]]])
    expect(() => new Conv2D({ filters: 4, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(/dilation_rate/)
    expect(() => new Conv2D({ filters: 3, kernelSize: 3, groups: 2 })).toThrow(/groups/)
    expect(() => new Conv2D({ filters: 3, kernelSize: 3, padding: 'causal' })).toThrow(/padding/)
  })
  it('Conv1D/2D/3DTranspose', async () => {
    await runLayerTest(Conv2DTranspose, { init: { filters: 3, kernelSize: 3, strides: 2, padding: 'same' }, inputShape: [2, 3, 4, 2], expectedOutputShape: [2, 6, 8, 3], expectedTrainableWeights: 2 })
    await runLayerTest(Conv2DTranspose, { init: { filters: 3, kernelSize: 3, strides: 2, outputPadding: 1, dataFormat: 'channels_first', activation: 'relu' }, inputShape: [2, 2, 3, 3], expectedOutputShape: [2, 3, 8, 8] })
    await runLayerTest(Conv1DTranspose, { init: { filters: 2, kernelSize: 2, dilationRate: 2, useBias: false }, inputShape: [2, 4, 3], expectedOutputShape: [2, 6, 2], expectedTrainableWeights: 1 })
    await runLayerTest(Conv3DTranspose, { init: { filters: 2, kernelSize: 2, strides: 2 }, inputShape: [1, 2, 2, 2, 3], expectedOutputShape: [1, 4, 4, 4, 2] })
    expect(() => new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, outputPadding: 2 })).toThrow(/output_padding/)
  })
  it('DepthwiseConv1D/2D and SeparableConv1D/2D', async () => {
    await runLayerTest(DepthwiseConv2D, { init: { kernelSize: 3, depthMultiplier: 2, padding: 'same' }, inputShape: [2, 4, 4, 3], expectedOutputShape: [2, 4, 4, 6], expectedTrainableWeights: 2 })
    await runLayerTest(DepthwiseConv2D, { init: { kernelSize: 2, dataFormat: 'channels_first', strides: 2, activation: 'tanh' }, inputShape: [2, 3, 4, 4], expectedOutputShape: [2, 3, 2, 2] })
    await runLayerTest(DepthwiseConv1D, { init: { kernelSize: 3, dilationRate: 2 }, inputShape: [2, 7, 2], expectedOutputShape: [2, 3, 2] })
    await runLayerTest(SeparableConv2D, { init: { filters: 5, kernelSize: 3, depthMultiplier: 2 }, inputShape: [2, 5, 5, 3], expectedOutputShape: [2, 3, 3, 5], expectedTrainableWeights: 3 })
    await runLayerTest(SeparableConv1D, { init: { filters: 4, kernelSize: 2, padding: 'same', dataFormat: 'channels_first', useBias: false }, inputShape: [2, 3, 6], expectedOutputShape: [2, 4, 6], expectedTrainableWeights: 2 })
    const s = new SeparableConv2D({ filters: 2, kernelSize: 1 })
    s.apply(tensor([[[[1, 2]]]], { dtype: 'float32' }))
    expect(s.weights.map((w) => w.name)).toEqual(['depthwise_kernel', 'pointwise_kernel', 'bias'])
    const d = new DepthwiseConv2D({ kernelSize: 1 })
    d.apply(tensor([[[[1, 2]]]], { dtype: 'float32' }))
    expect(d.weights.map((w) => w.name)).toEqual(['kernel', 'bias'])
  })
})

describe('Conv2D runs the fused conv + bias + activation entry point', () => {
  const calls: { op: FusedOp; params: unknown }[] = []
  const spy = (): Backend => {
    const ref = createReferenceBackend()
    return {
      ...ref, name: 'conv-fused-spy', capabilities: { ...ref.capabilities, fused: new Set<FusedOp>(['conv_bias_act']) },
      runFused(op, _inputs, params) { calls.push({ op, params }); return null },
    }
  }
  it('fuses at inference and keeps the decomposition under a gradient tape', async () => {
    registerBackend('conv-fused-spy', spy)
    await setBackend('conv-fused-spy')
    try {
      // NOTE: constant initializers, so no tensor cached on another backend (the seed stream) enters the spy backend.
      const conv = new Conv2D({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'ones' })
      const x = makeInput([1, 4, 4, 3])
      conv.apply(x)
      expect(calls).toHaveLength(1)
      expect(calls[0]).toMatchObject({ op: 'conv_bias_act', params: { activation: 'relu', hasBias: true } })
      const gelu = new Conv2D({ filters: 2, kernelSize: 3, activation: 'gelu', kernelInitializer: 'ones' })
      gelu.apply(x)
      expect(calls[1]).toMatchObject({ params: { activation: 'linear' } })
      const n = calls.length
      valueAndGrad((ws: unknown) => { void ws; const y = conv.apply(x, { training: true }) as Tensor; return lax.reduceSum(y, [0, 1, 2, 3]) })(conv.trainableWeights)
      expect(calls).toHaveLength(n)
    } finally {
      await setBackend('reference')
      await removeBackend('conv-fused-spy')
    }
  })
})

describe('a small convnet', () => {
  it('builds symbolically, runs, trains and round-trips its config', async () => {
    const model = new Sequential({
      layers: [
        new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }), new BatchNormalization(), new MaxPooling2D(),
        new Conv2D({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }), new MaxPooling2D(), new Flatten(), new Dense({ units: 3 }),
      ],
    })
    const y = model.apply(makeInput([2, 8, 8, 1])) as Tensor
    expect(y.shape).toEqual([2, 3])
    expect((model.apply(new KerasTensor([null, 8, 8, 1], 'float32')) as KerasTensor).symbolicShape).toEqual([null, 3])
    expect(model.weights.map((w) => w.path.split('/').at(-1))).toEqual(
      ['kernel', 'bias', 'gamma', 'beta', 'moving_mean', 'moving_variance', 'kernel', 'bias', 'kernel', 'bias'])
    const back = deserializeLayer(JSON.parse(JSON.stringify(serializeLayer(model)))) as Sequential
    expect(back.layers.map((l) => l.className)).toEqual(['Conv2D', 'BatchNormalization', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense'])
  })
})

describeGolden('conv')
