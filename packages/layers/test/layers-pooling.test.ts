/** Pooling layers: the harness on every layer, both data formats, keepdims and masks. */
import { describe, expect, it } from 'vitest'
import { tensor, type Tensor } from '@kx/core'
import {
  MaxPooling1D, MaxPooling2D, MaxPooling3D, AveragePooling1D, AveragePooling2D, AveragePooling3D,
  GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D,
  AdaptiveMaxPooling1D, AdaptiveMaxPooling2D, AdaptiveMaxPooling3D, AdaptiveAveragePooling1D, AdaptiveAveragePooling2D, AdaptiveAveragePooling3D,
  registerBuiltinLayersB,
} from '../src/layers/index-b.js'
import { runLayerTest } from './harness.js'
import { describeGolden } from './golden-b.js'

registerBuiltinLayersB()

describe('pooling layers (harness)', () => {
  it('MaxPooling1D/2D/3D', async () => {
    await runLayerTest(MaxPooling2D, { init: {}, inputShape: [2, 4, 6, 3], expectedOutputShape: [2, 2, 3, 3], assertBuiltAfterInstantiation: true })
    await runLayerTest(MaxPooling2D, { init: { poolSize: 3, strides: 2, padding: 'same', dataFormat: 'channels_first' }, inputShape: [2, 3, 5, 5], expectedOutputShape: [2, 3, 3, 3] })
    await runLayerTest(MaxPooling1D, { init: { poolSize: 2, strides: 1 }, inputShape: [2, 5, 3], expectedOutputShape: [2, 4, 3] })
    await runLayerTest(MaxPooling3D, { init: { poolSize: [2, 2, 1] }, inputShape: [1, 4, 4, 2, 2], expectedOutputShape: [1, 2, 2, 2, 2] })
  })
  it('AveragePooling1D/2D/3D', async () => {
    await runLayerTest(AveragePooling2D, { init: { poolSize: 2, padding: 'same', strides: 1 }, inputShape: [2, 3, 3, 2], expectedOutputShape: [2, 3, 3, 2] })
    await runLayerTest(AveragePooling1D, { init: { poolSize: 2, dataFormat: 'channels_first' }, inputShape: [2, 3, 6], expectedOutputShape: [2, 3, 3] })
    await runLayerTest(AveragePooling3D, { init: { poolSize: 2 }, inputShape: [1, 2, 4, 4, 3], expectedOutputShape: [1, 1, 2, 2, 3] })
  })
  it('Global pooling', async () => {
    await runLayerTest(GlobalAveragePooling2D, { init: {}, inputShape: [2, 3, 4, 5], expectedOutputShape: [2, 5], assertBuiltAfterInstantiation: true })
    await runLayerTest(GlobalAveragePooling2D, { init: { keepdims: true, dataFormat: 'channels_first' }, inputShape: [2, 3, 4, 5], expectedOutputShape: [2, 3, 1, 1] })
    await runLayerTest(GlobalMaxPooling2D, { init: {}, inputShape: [2, 3, 4, 5], expectedOutputShape: [2, 5] })
    await runLayerTest(GlobalMaxPooling1D, { init: { keepdims: true }, inputShape: [2, 3, 4], expectedOutputShape: [2, 1, 4] })
    await runLayerTest(GlobalAveragePooling1D, { init: {}, inputShape: [2, 3, 4], expectedOutputShape: [2, 4], supportsMasking: true })
    await runLayerTest(GlobalMaxPooling3D, { init: { dataFormat: 'channels_first' }, inputShape: [2, 3, 2, 2, 2], expectedOutputShape: [2, 3] })
    await runLayerTest(GlobalAveragePooling3D, { init: { keepdims: true }, inputShape: [2, 2, 2, 2, 3], expectedOutputShape: [2, 1, 1, 1, 3] })
  })
  it('GlobalAveragePooling1D averages unmasked steps only', async () => {
    const g = new GlobalAveragePooling1D()
    const x = tensor([[[1, 2], [3, 4], [100, 100]]], { dtype: 'float32' })
    const y = g.apply(x, { mask: tensor([[true, true, false]], { dtype: 'bool' }) }) as Tensor
    expect(await y.array()).toEqual([[2, 3]])
  })
  it('Adaptive pooling', async () => {
    await runLayerTest(AdaptiveAveragePooling2D, { init: { outputSize: [2, 3] }, inputShape: [2, 5, 7, 3], expectedOutputShape: [2, 2, 3, 3] })
    await runLayerTest(AdaptiveMaxPooling2D, { init: { outputSize: 2, dataFormat: 'channels_first' }, inputShape: [2, 3, 5, 5], expectedOutputShape: [2, 3, 2, 2] })
    await runLayerTest(AdaptiveAveragePooling1D, { init: { outputSize: 3 }, inputShape: [2, 7, 2], expectedOutputShape: [2, 3, 2] })
    await runLayerTest(AdaptiveMaxPooling1D, { init: { outputSize: 4 }, inputShape: [2, 7, 2], expectedOutputShape: [2, 4, 2] })
    await runLayerTest(AdaptiveAveragePooling3D, { init: { outputSize: 2 }, inputShape: [1, 3, 4, 5, 2], expectedOutputShape: [1, 2, 2, 2, 2] })
    await runLayerTest(AdaptiveMaxPooling3D, { init: { outputSize: [1, 2, 2] }, inputShape: [1, 3, 4, 5, 2], expectedOutputShape: [1, 1, 2, 2, 2] })
    expect(() => new AdaptiveMaxPooling2D({ outputSize: [1, 2, 3] })).toThrow(/output_size/)
  })
})

describeGolden('pooling')
