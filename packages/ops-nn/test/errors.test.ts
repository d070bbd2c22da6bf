/** Typed errors: bad ranks, kernels larger than the input under 'valid', unknown padding / data format. */
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, KerasTensor, NotImplementedError, ShapeError, tensor } from '@kx/core'
import * as nn from '../src/index.js'
import { rand } from './helpers.js'

const kt = (shape: (number | null)[]): KerasTensor => new KerasTensor(shape, 'float32')

describe('typed errors', () => {
  it('bad ranks', () => {
    expect(() => nn.conv(rand([4, 4]), rand([3, 4, 4]))).toThrow(ShapeError)
    expect(() => nn.conv(rand([1, 4, 4, 2]), rand([3, 2, 2]))).toThrow(ShapeError)
    expect(() => nn.maxPool(rand([4, 4]), 2)).toThrow(ShapeError)
    expect(() => nn.maxPool(kt([null, 2, 2, 2, 2, 2]), 2)).toThrow(ShapeError)
    expect(() => nn.dotProductAttention(rand([2, 3, 4]), rand([2, 3, 4]), rand([2, 3, 4]))).toThrow(ShapeError)
    expect(() => nn.depthToSpace(rand([2, 4, 4]), 2)).toThrow(ShapeError)
    expect(() => nn.unfold(rand([2, 4, 4]), 2)).toThrow(ShapeError)
    expect(() => nn.fold(rand([2, 4, 4, 1]), 2, 2)).toThrow(ShapeError)
    expect(() => nn.ctcLoss(rand([2]), rand([2, 3, 4]), tensor([1, 1]), tensor([3, 3]))).toThrow(ShapeError)
  })
  it('kernel or window larger than the input under valid padding', () => {
    expect(() => nn.conv(rand([1, 2, 2, 1]), rand([3, 3, 1, 1]))).toThrow(ShapeError)
    expect(() => nn.conv(kt([null, 4, 1]), kt([3, 1, 1]), { dilationRate: 2 })).toThrow(ShapeError)
    expect(() => nn.maxPool(rand([1, 2, 2, 1]), 3)).toThrow(ShapeError)
    expect(() => nn.averagePool(kt([null, 2, 1]), 3)).toThrow(ShapeError)
    expect(() => nn.computeConvOutputShape([null, 2, 2, 1], 4, [3, 3])).toThrow(ShapeError)
    // 'same' pads instead
    expect(nn.conv(rand([1, 2, 2, 1]), rand([3, 3, 1, 1]), { padding: 'same' }).shape).toEqual([1, 2, 2, 1])
  })
  it('unknown padding or data format', () => {
    expect(() => nn.conv(rand([1, 4, 4, 1]), rand([3, 3, 1, 1]), { padding: 'full' as never })).toThrow(InvalidArgumentError)
    expect(() => nn.maxPool(rand([1, 4, 4, 1]), 2, { padding: 'causal' as never })).toThrow(InvalidArgumentError)
    expect(() => nn.conv(rand([1, 4, 4, 1]), rand([3, 3, 1, 1]), { dataFormat: 'NHWC' as never })).toThrow(InvalidArgumentError)
    expect(() => nn.averagePool(rand([1, 4, 4, 1]), 2, { dataFormat: 'channels_middle' as never })).toThrow(InvalidArgumentError)
  })
  it('channel mismatches and bad arguments', () => {
    expect(() => nn.conv(rand([1, 4, 4, 3]), rand([3, 3, 2, 4]))).toThrow(ShapeError)
    expect(() => nn.conv(rand([1, 4, 4, 4]), rand([3, 3, 2, 3]))).toThrow(ShapeError) // filters not divisible by groups
    expect(() => nn.depthwiseConv(rand([1, 4, 4, 3]), rand([3, 3, 2, 1]))).toThrow(ShapeError)
    expect(() => nn.convTranspose(rand([1, 4, 4, 3]), rand([3, 3, 2, 2]))).toThrow(ShapeError)
    expect(() => nn.conv(rand([1, 4, 4, 1]), rand([3, 3, 1, 1]), { strides: [1, 2, 3] })).toThrow(InvalidArgumentError)
    expect(() => nn.glu(rand([2, 3]))).toThrow(InvalidArgumentError)
    expect(() => nn.normalize(rand([2, 3]), { order: 0 })).toThrow(InvalidArgumentError)
    expect(() => nn.depthToSpace(rand([1, 2, 2, 4]), 1)).toThrow(InvalidArgumentError)
    expect(() => nn.spaceToDepth(rand([1, 3, 2, 4]), 2)).toThrow(ShapeError)
    expect(() => nn.oneHot(tensor([1]), 3, { sparse: true })).toThrow(NotImplementedError)
    expect(() => nn.binaryCrossentropy(rand([2, 3]), rand([3, 2]))).toThrow(ShapeError)
    expect(() => nn.categoricalCrossentropy(rand([2, 3]), rand([2, 4]))).toThrow(ShapeError)
    expect(() => nn.sparseCategoricalCrossentropy(tensor([1, 2, 0]), rand([2, 4]))).toThrow(ShapeError)
    expect(() => nn.batchNormalization(rand([2, 3]), rand([2]), rand([3]), -1)).toThrow(ShapeError)
    expect(() => nn.dotProductAttention(rand([1, 2, 3, 4]), rand([1, 2, 2, 4]), rand([1, 2, 2, 4]))).toThrow(ShapeError) // 3 heads vs 2
    expect(() => nn.dotProductAttention(rand([1, 2, 2, 4]), rand([1, 2, 2, 4]), rand([1, 2, 2, 4]), { attnLogitsSoftCap: 30 })).toThrow(InvalidArgumentError)
    expect(() => nn.ctcDecode(rand([1, 3, 4]), tensor([3]), { strategy: 'best' as never })).toThrow(InvalidArgumentError)
  })
  it('messages follow the Keras template', () => {
    expect(() => nn.conv(rand([1, 4, 4, 1]), rand([3, 3, 1, 1]), { padding: 'full' as never })).toThrow(/Received: padding="full"/)
  })
})

describe('numerics Keras guarantees', () => {
  it('fully masked attention rows give the mean of the values, not NaN', () => {
    const q = rand([1, 2, 1, 2], 1)
    const k = rand([1, 3, 1, 2], 2)
    const v = tensor([[[[1, 2]], [[3, 4]], [[5, 9]]]], { dtype: 'float64' })
    const mask = tensor([[false, false, false], [true, false, false]])
    const out = nn.dotProductAttention(q, k, v, { mask }).dataSync()
    expect(Array.from(out).slice(0, 2).map((a) => Math.round(a * 1e6) / 1e6)).toEqual([3, 5])
    expect(Array.from(out).slice(2)).toEqual([1, 2])
  })
  it('stable log-softmax, softplus, log-sigmoid at extreme inputs', () => {
    const x = tensor([-1000, 0, 1000], { dtype: 'float32' })
    expect(Array.from(nn.logSoftmax(x).dataSync())).toEqual([-2000, -1000, 0])
    expect(Array.from(nn.softplus(x).dataSync()).map((a) => Math.round(a * 1e4) / 1e4)).toEqual([0, 0.6931, 1000])
    expect(Array.from(nn.logSigmoid(x).dataSync()).map((a) => Math.round(a * 1e4) / 1e4)).toEqual([-1000, -0.6931, -0])
  })
  it('cross-entropies clip probabilities to [epsilon, 1 - epsilon]', () => {
    const v = nn.binaryCrossentropy(tensor([1, 0], { dtype: 'float64' }), tensor([0, 1], { dtype: 'float64' })).dataSync()
    expect(v[0]).toBeCloseTo(-Math.log(1e-7), 6)
    expect(v[1]).toBeCloseTo(-Math.log(1e-7), 6)
  })
})
