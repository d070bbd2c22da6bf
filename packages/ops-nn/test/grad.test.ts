/** Gradients of the nn ops against central finite differences, in float64 on the reference backend. */
import { describe, expect, it } from 'vitest'
import { grad, lax, tensor, type Tensor } from '@kx/core'
import * as nn from '../src/index.js'
import { checkGrad, rand } from './helpers.js'

const x = rand([3, 5], 1, 2.5)

describe('activation gradients', () => {
  const unary: [string, (t: Tensor) => Tensor][] = [
    ['relu', nn.relu], ['relu6', nn.relu6], ['sigmoid', nn.sigmoid], ['softplus', nn.softplus],
    ['softsign', nn.softsign], ['silu', nn.silu], ['logSigmoid', nn.logSigmoid], ['elu', nn.elu], ['selu', nn.selu],
    ['gelu', nn.gelu], ['geluExact', (t) => nn.gelu(t, { approximate: false })], ['celu', nn.celu], ['leakyRelu', nn.leakyRelu],
    ['hardSigmoid', nn.hardSigmoid], ['hardSilu', nn.hardSilu], ['tanhShrink', nn.tanhShrink], ['squareplus', nn.squareplus],
    ['sparsePlus', nn.sparsePlus], ['softShrink', nn.softShrink], ['hardTanh', nn.hardTanh],
    ['softmax', (t) => nn.softmax(t)], ['softmaxAxis0', (t) => nn.softmax(t, { axis: 0 })], ['softmaxAxes', (t) => nn.softmax(t, { axis: [0, 1] })],
    ['logSoftmax', (t) => nn.logSoftmax(t)], ['sparsemax', (t) => nn.sparsemax(t)],
  ]
  for (const [name, f] of unary) it(name, () => checkGrad(f, [x]))
  it('glu', () => checkGrad((t) => nn.glu(t, { axis: 0 }), [rand([4, 3], 2)]))
  it('relu has gradient 0 at 0 (JAX)', () => {
    const g = grad((t: Tensor) => lax.reduceSum(nn.relu(t), [0]))(tensor([-1, 0, 2], { dtype: 'float64' })) as Tensor
    expect(Array.from(g.dataSync() as Float64Array)).toEqual([0, 0, 1])
  })
})

describe('conv and pooling gradients', () => {
  it('conv2d same, strided, dilated', () => checkGrad((a, k) => nn.conv(a, k, { strides: 2, padding: 'same', dilationRate: 1 }), [rand([1, 5, 4, 2], 3), rand([3, 2, 2, 3], 4)]))
  it('conv1d groups, channels_first', () => checkGrad((a, k) => nn.conv(a, k, { padding: 'same', dataFormat: 'channels_first', dilationRate: 2 }), [rand([1, 4, 6], 5), rand([2, 2, 4], 6)]))
  it('depthwise conv', () => checkGrad((a, k) => nn.depthwiseConv(a, k, { padding: 'valid' }), [rand([1, 4, 4, 2], 7), rand([2, 2, 2, 2], 8)]))
  it('conv transpose same s2 and output padding', () => {
    checkGrad((a, k) => nn.convTranspose(a, k, { strides: 2, padding: 'same' }), [rand([1, 3, 3, 2], 9), rand([3, 3, 2, 2], 10)])
    checkGrad((a, k) => nn.convTranspose(a, k, { strides: 2, outputPadding: 1 }), [rand([1, 3, 2], 11), rand([3, 2, 2], 12)])
  })
  it('max pool (same) and average pool (same, counting valid cells)', () => {
    checkGrad((a) => nn.maxPool(a, 2, { padding: 'same', strides: 1 }), [rand([1, 3, 4, 2], 13)])
    checkGrad((a) => nn.averagePool(a, [2, 3], { padding: 'same' }), [rand([1, 5, 4, 2], 14)])
  })
  it('adaptive pools', () => {
    checkGrad((a) => nn.adaptiveAveragePool(a, [2, 3]), [rand([1, 5, 4, 1], 15)])
    checkGrad((a) => nn.adaptiveMaxPool(a, 3, { dataFormat: 'channels_first' }), [rand([1, 2, 7], 16)])
  })
  it('fused conv + bias + relu, matmul + bias + elu', () => {
    checkGrad((a, k, b) => nn.convBiasAct(a, k, b, { activation: 'relu', padding: 'same' }), [rand([1, 4, 4, 2], 17), rand([3, 3, 2, 2], 18), rand([2], 19)])
    checkGrad((a, w, b) => nn.matmulBiasAct(a, w, b, { activation: 'elu' }), [rand([3, 4], 20), rand([4, 2], 21), rand([2], 22)])
  })
  it('unfold / fold', () => {
    checkGrad((a) => nn.unfold(a, 2, { stride: 1, padding: 1 }), [rand([1, 2, 3, 3], 23)])
    checkGrad((a) => nn.fold(a, [3, 3], 2), [rand([1, 8, 4], 24)])
  })
})

describe('normalization, loss and attention gradients', () => {
  const xn = rand([4, 3], 25, 2)
  it('moments', () => {
    checkGrad((a) => nn.moments(a, [0])[0], [xn])
    checkGrad((a) => nn.moments(a, [0, 1])[1], [xn])
  })
  it('batch normalization', () => checkGrad((a, m, v, o, s) => nn.batchNormalization(a, m, v, -1, { offset: o, scale: s }), [xn, rand([3], 26), tensor([1.5, 0.7, 2], { dtype: 'float64' }), rand([3], 27), rand([3], 28)]))
  it('layer normalization', () => checkGrad((a, g, b) => nn.layerNormalization(a, { gamma: g, beta: b }), [xn, rand([3], 29), rand([3], 30)]))
  it('rms normalization and normalize', () => {
    checkGrad((a, s) => nn.rmsNormalization(a, { scale: s }), [xn, rand([3], 31)])
    checkGrad((a) => nn.normalize(a), [xn])
    checkGrad((a) => nn.normalize(a, { order: 3, axis: 0 }), [xn])
  })
  const probs = nn.softmax(rand([4, 3], 32))
  const onehot = tensor([[1, 0, 0], [0, 0, 1], [0, 1, 0], [0.2, 0.3, 0.5]], { dtype: 'float64' })
  it('categorical crossentropy (probs, logits)', () => {
    checkGrad((p) => nn.categoricalCrossentropy(onehot, p), [probs])
    checkGrad((l) => nn.categoricalCrossentropy(onehot, l, { fromLogits: true }), [rand([4, 3], 33, 3)])
  })
  it('sparse categorical crossentropy', () => checkGrad((l) => nn.sparseCategoricalCrossentropy(tensor([0, 2, 1, 1]), l, { fromLogits: true }), [rand([4, 3], 34, 3)]))
  it('binary crossentropy (probs, logits)', () => {
    checkGrad((p) => nn.binaryCrossentropy(tensor([[1, 0, 1], [0, 0.3, 1]], { dtype: 'float64' }), p), [nn.sigmoid(rand([2, 3], 35))])
    checkGrad((l) => nn.binaryCrossentropy(tensor([[1, 0, 1], [0, 0.3, 1]], { dtype: 'float64' }), l, { fromLogits: true }), [rand([2, 3], 36, 4)])
  })
  it('dot product attention with mask, causal, GQA', () => {
    const q = rand([1, 3, 2, 2], 37)
    const k = rand([1, 4, 1, 2], 38)
    const v = rand([1, 4, 1, 2], 39)
    const mask = tensor([[true, true, false, true], [false, true, true, true], [true, false, true, true]])
    // NOTE: Keras runs the attention softmax in float32, so the step and tolerance suit float32 rounding.
    checkGrad((a, b, c) => nn.dotProductAttention(a, b, c, { mask, isCausal: true }), [q, k, v], { tol: 1e-3, h: 1e-3 })
  })
  it('ctc loss', () => {
    const logits = rand([2, 5, 4], 40, 1.5)
    checkGrad((l) => nn.ctcLoss(tensor([[1, 2, 2], [3, 1, 0]]), l, tensor([3, 2]), tensor([5, 4])), [logits])
  })
})
