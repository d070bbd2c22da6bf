import { describe, it } from 'vitest'
import {
  Activation, ELU, LeakyReLU, PReLU, ReLU, Softmax, Dropout, AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D,
  SpatialDropout3D, ActivityRegularization, Flatten, Reshape, Permute, RepeatVector, Cropping1D, Cropping2D, Cropping3D, ZeroPadding1D,
  ZeroPadding2D, ZeroPadding3D, UpSampling1D, UpSampling2D, UpSampling3D, Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot,
} from '../src/layers/index.js'
import { runLayerTest } from './harness.js'

describe('activation layers', () => {
  it('all', async () => {
    await runLayerTest(Activation, { init: { activation: 'gelu' }, inputShape: [2, 3], expectedOutputShape: [2, 3], supportsMasking: true, assertBuiltAfterInstantiation: true })
    await runLayerTest(ELU, { init: { alpha: 0.5 }, inputShape: [2, 3], expectedOutputShape: [2, 3], supportsMasking: true })
    await runLayerTest(LeakyReLU, { init: { negativeSlope: 0.1 }, inputShape: [2, 3], expectedOutputShape: [2, 3], supportsMasking: true })
    await runLayerTest(ReLU, { init: { maxValue: 0.5, negativeSlope: 0.1, threshold: 0.1 }, inputShape: [2, 3], expectedOutputShape: [2, 3] })
    await runLayerTest(PReLU, { init: { sharedAxes: [1] }, inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4], expectedTrainableWeights: 1, supportsMasking: true })
    await runLayerTest(Softmax, { init: { axis: -1 }, inputShape: [2, 3], expectedOutputShape: [2, 3], supportsMasking: true })
    await runLayerTest(Softmax, { init: { axis: [1, 2] }, inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4] })
  })
})

describe('regularization layers', () => {
  it('all', async () => {
    await runLayerTest(Dropout, { init: { rate: 0.5, seed: 1 }, inputShape: [2, 3], expectedOutputShape: [2, 3], supportsMasking: true, callOptions: { training: true } })
    await runLayerTest(Dropout, { init: { rate: 0.5, noiseShape: [null, 1] }, inputShape: [2, 3], expectedOutputShape: [2, 3], callOptions: { training: true } })
    await runLayerTest(AlphaDropout, { init: { rate: 0.2, seed: 1 }, inputShape: [2, 3], expectedOutputShape: [2, 3], callOptions: { training: true } })
    await runLayerTest(GaussianDropout, { init: { rate: 0.2, seed: 1 }, inputShape: [2, 3], expectedOutputShape: [2, 3], callOptions: { training: true } })
    await runLayerTest(GaussianNoise, { init: { stddev: 0.2, seed: 1 }, inputShape: [2, 3], expectedOutputShape: [2, 3], callOptions: { training: true } })
    await runLayerTest(SpatialDropout1D, { init: { rate: 0.5, seed: 1 }, inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4], callOptions: { training: true } })
    await runLayerTest(SpatialDropout2D, { init: { rate: 0.5, seed: 1 }, inputShape: [2, 3, 4, 5], expectedOutputShape: [2, 3, 4, 5], callOptions: { training: true } })
    await runLayerTest(SpatialDropout3D, { init: { rate: 0.5, seed: 1, dataFormat: 'channels_first' }, inputShape: [2, 3, 4, 5, 2], expectedOutputShape: [2, 3, 4, 5, 2], callOptions: { training: true } })
    await runLayerTest(ActivityRegularization, { init: { l1: 0.1, l2: 0.1 }, inputShape: [2, 3], expectedOutputShape: [2, 3], expectedLosses: 1 })
  })
})

describe('reshaping layers', () => {
  it('all', async () => {
    await runLayerTest(Flatten, { init: {}, inputShape: [2, 3, 4], expectedOutputShape: [2, 12] })
    await runLayerTest(Flatten, { init: { dataFormat: 'channels_first' }, inputShape: [2, 3, 4], expectedOutputShape: [2, 12] })
    await runLayerTest(Reshape, { init: { targetShape: [3, -1] }, inputShape: [2, 12], expectedOutputShape: [2, 3, 4] })
    await runLayerTest(Permute, { init: { dims: [2, 1] }, inputShape: [2, 3, 4], expectedOutputShape: [2, 4, 3] })
    await runLayerTest(RepeatVector, { init: { n: 3 }, inputShape: [2, 4], expectedOutputShape: [2, 3, 4] })
    await runLayerTest(Cropping1D, { init: { cropping: [1, 2] }, inputShape: [2, 6, 4], expectedOutputShape: [2, 3, 4] })
    await runLayerTest(Cropping2D, { init: { cropping: [[1, 0], [0, 2]] }, inputShape: [2, 5, 6, 3], expectedOutputShape: [2, 4, 4, 3] })
    await runLayerTest(Cropping3D, { init: { cropping: 1, dataFormat: 'channels_first' }, inputShape: [2, 3, 4, 5, 6], expectedOutputShape: [2, 3, 2, 3, 4] })
    await runLayerTest(ZeroPadding1D, { init: { padding: [1, 2] }, inputShape: [2, 3, 4], expectedOutputShape: [2, 6, 4] })
    await runLayerTest(ZeroPadding2D, { init: { padding: [1, 2] }, inputShape: [2, 3, 4, 5], expectedOutputShape: [2, 5, 8, 5] })
    await runLayerTest(ZeroPadding3D, { init: { padding: 1 }, inputShape: [2, 3, 4, 5, 1], expectedOutputShape: [2, 5, 6, 7, 1] })
    await runLayerTest(UpSampling1D, { init: { size: 3 }, inputShape: [2, 3, 4], expectedOutputShape: [2, 9, 4] })
    await runLayerTest(UpSampling2D, { init: { size: [2, 3] }, inputShape: [2, 3, 4, 1], expectedOutputShape: [2, 6, 12, 1] })
    await runLayerTest(UpSampling3D, { init: { size: 2 }, inputShape: [1, 2, 3, 4, 1], expectedOutputShape: [1, 4, 6, 8, 1] })
  })
})

describe('merging layers', () => {
  it('all', async () => {
    for (const L of [Add, Subtract, Multiply, Average, Maximum, Minimum]) {
      await runLayerTest(L as never, { init: {}, inputShape: [[2, 3], [2, 3]], expectedOutputShape: [2, 3], supportsMasking: true })
    }
    await runLayerTest(Add, { init: {}, inputShape: [[2, 3, 4], [2, 4]], expectedOutputShape: [2, 3, 4] })
    await runLayerTest(Concatenate, { init: { axis: 1 }, inputShape: [[2, 3], [2, 4]], expectedOutputShape: [2, 7] })
    await runLayerTest(Dot, { init: { axes: 1 }, inputShape: [[2, 3], [2, 3]], expectedOutputShape: [2, 1] })
    await runLayerTest(Dot, { init: { axes: [2, 2], normalize: true }, inputShape: [[2, 3, 4], [2, 5, 4]], expectedOutputShape: [2, 3, 5] })
  })
})
