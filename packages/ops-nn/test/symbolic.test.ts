/** The symbolic path: every op on KerasTensors with an unknown batch gives Keras's output spec. */
import { describe, expect, it } from 'vitest'
import { KerasTensor, type DType, type Tensor } from '@kx/core'
import * as nn from '../src/index.js'

const kt = (shape: (number | null)[], dtype: DType = 'float32'): KerasTensor => new KerasTensor(shape, dtype)
const spec = (t: Tensor): [readonly (number | null)[], DType, boolean] => [t.shape, t.dtype, t.isSymbolic]

describe('symbolic output specs (null batch)', () => {
  const x = kt([null, 6, 4])
  const activations: [string, (t: Tensor) => Tensor][] = [
    ['relu', nn.relu], ['relu6', nn.relu6], ['sigmoid', nn.sigmoid], ['sparseSigmoid', nn.sparseSigmoid], ['softplus', nn.softplus],
    ['softsign', nn.softsign], ['softShrink', nn.softShrink], ['sparsePlus', nn.sparsePlus], ['silu', nn.silu], ['swish', nn.swish],
    ['squareplus', nn.squareplus], ['logSigmoid', nn.logSigmoid], ['leakyRelu', nn.leakyRelu], ['hardSigmoid', nn.hardSigmoid],
    ['hardSilu', nn.hardSilu], ['hardSwish', nn.hardSwish], ['elu', nn.elu], ['selu', nn.selu], ['gelu', nn.gelu], ['celu', nn.celu],
    ['tanhShrink', nn.tanhShrink], ['hardTanh', nn.hardTanh], ['hardShrink', nn.hardShrink], ['threshold', (t) => nn.threshold(t, 0, 1)],
    ['softmax', (t) => nn.softmax(t)], ['logSoftmax', (t) => nn.logSoftmax(t)], ['sparsemax', (t) => nn.sparsemax(t)],
    ['normalize', (t) => nn.normalize(t)], ['rmsNormalization', (t) => nn.rmsNormalization(t)], ['layerNormalization', (t) => nn.layerNormalization(t)],
  ]
  for (const [name, f] of activations) it(name, () => expect(spec(f(x))).toEqual([[null, 6, 4], 'float32', true]))
  it('glu halves the axis', () => expect(spec(nn.glu(x))).toEqual([[null, 6, 2], 'float32', true]))

  it('conv family', () => {
    expect(nn.conv(kt([null, 28, 28, 3]), kt([3, 3, 3, 8]), { padding: 'same', strides: 2 }).shape).toEqual([null, 14, 14, 8])
    expect(nn.conv(kt([null, 9, 3]), kt([3, 3, 4])).shape).toEqual([null, 7, 4])
    expect(nn.conv(kt([null, 3, 9, 9]), kt([3, 3, 3, 4]), { dataFormat: 'channels_first', dilationRate: 2 }).shape).toEqual([null, 4, 5, 5])
    expect(nn.conv(kt([null, 5, 5, 5, 2]), kt([3, 3, 3, 2, 4]), { padding: 'same' }).shape).toEqual([null, 5, 5, 5, 4])
    expect(nn.depthwiseConv(kt([null, 8, 8, 3]), kt([3, 3, 3, 2]), { padding: 'same' }).shape).toEqual([null, 8, 8, 6])
    expect(nn.separableConv(kt([null, 8, 8, 3]), kt([3, 3, 3, 2]), kt([1, 1, 6, 5])).shape).toEqual([null, 6, 6, 5])
    expect(nn.convTranspose(kt([null, 4, 4, 3]), kt([3, 3, 5, 3]), { strides: 2, padding: 'same' }).shape).toEqual([null, 8, 8, 5])
    expect(nn.convTranspose(kt([null, 4, 3]), kt([3, 5, 3]), { strides: 2 }).shape).toEqual([null, 9, 5])
    expect(nn.convBiasAct(kt([null, 6, 6, 2]), kt([3, 3, 2, 4]), kt([4]), { activation: 'relu' }).shape).toEqual([null, 4, 4, 4])
    expect(nn.matmulBiasAct(kt([null, 7]), kt([7, 3]), kt([3]), { activation: 'relu' }).shape).toEqual([null, 3])
  })
  it('pooling', () => {
    expect(nn.maxPool(kt([null, 28, 28, 8]), 2, { strides: 2 }).shape).toEqual([null, 14, 14, 8])
    expect(nn.averagePool(kt([null, 7, 7, 8]), 2, { padding: 'same' }).shape).toEqual([null, 4, 4, 8])
    expect(nn.maxPool(kt([null, 8, 9, 9]), [3, 3], { strides: 2, dataFormat: 'channels_first' }).shape).toEqual([null, 8, 4, 4])
    expect(nn.adaptiveAveragePool(kt([null, 9, 7, 2]), [3, 2]).shape).toEqual([null, 3, 2, 2])
    expect(nn.adaptiveMaxPool(kt([null, 2, 10]), 4, { dataFormat: 'channels_first' }).shape).toEqual([null, 2, 4])
  })
  it('normalization and losses', () => {
    const [m, v] = nn.moments(kt([null, 5, 3]), [0, 1])
    expect([m.shape, v.shape]).toEqual([[3], [3]])
    expect(nn.moments(kt([null, 5, 3]), [1], { keepdims: true })[0].shape).toEqual([null, 1, 3])
    expect(nn.batchNormalization(kt([null, 5, 3]), kt([3]), kt([3]), -1).shape).toEqual([null, 5, 3])
    expect(nn.categoricalCrossentropy(kt([null, 4]), kt([null, 4])).shape).toEqual([null])
    expect(nn.sparseCategoricalCrossentropy(kt([null], 'int32'), kt([null, 4])).shape).toEqual([null])
    expect(nn.sparseCategoricalCrossentropy(kt([null, 1], 'int32'), kt([null, 4])).shape).toEqual([null])
    expect(nn.binaryCrossentropy(kt([null, 4]), kt([null, 4]), { fromLogits: true }).shape).toEqual([null, 4])
  })
  it('encodings and rearrangements', () => {
    expect(spec(nn.oneHot(kt([null, 3], 'int32'), 5))).toEqual([[null, 3, 5], 'float32', true])
    expect(nn.oneHot(kt([null, 3], 'int32'), 5, { axis: 1 }).shape).toEqual([null, 5, 3])
    expect(nn.multiHot(kt([null, 3], 'int32'), 5).shape).toEqual([null, 5])
    expect(nn.depthToSpace(kt([null, 2, 3, 8]), 2).shape).toEqual([null, 4, 6, 2])
    expect(nn.spaceToDepth(kt([null, 4, 6, 3]), 2).shape).toEqual([null, 2, 3, 12])
    expect(nn.unfold(kt([null, 3, 5, 6]), 2).shape).toEqual([null, 12, 20])
    expect(nn.fold(kt([null, 12, 20]), [5, 6], 2).shape).toEqual([null, 3, 5, 6])
    expect(nn.psnr(kt([null, 4]), kt([null, 4]), 1).shape).toEqual([])
    expect(nn.polar(kt([null, 4]), kt([null, 4])).map((t) => t.shape)).toEqual([[null, 4], [null, 4]])
  })
  it('attention and CTC', () => {
    expect(nn.dotProductAttention(kt([null, 3, 4, 8]), kt([null, 5, 2, 8]), kt([null, 5, 2, 8]), { isCausal: true, mask: kt([null, 3, 5], 'bool') }).shape).toEqual([null, 3, 4, 8])
    expect(spec(nn.ctcLoss(kt([null, 4], 'int32'), kt([null, 8, 5]), kt([null], 'int32'), kt([null], 'int32')))).toEqual([[null], 'float32', true])
    const [d, s] = nn.ctcDecode(kt([null, 8, 5]), kt([null], 'int32'))
    expect([d.shape, d.dtype, s.shape]).toEqual([[1, null, 8], 'int32', [null, 1]])
    const [db, sb] = nn.ctcDecode(kt([null, 8, 5]), kt([null], 'int32'), { strategy: 'beam_search', topPaths: 3 })
    expect([db.shape, sb.shape]).toEqual([[3, null, 8], [null, 3]])
  })
})
