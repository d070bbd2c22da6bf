/**
 * @kx/ops-nn: `keras.ops.nn` (activations, convolutions, pooling, normalization, cross-entropies,
 * attention, CTC, encodings) and `keras.ops.image`, written once as compositions of the @kx/core
 * primitives. Fused composites (softmax, log-softmax, matmul/conv + bias + activation, layer norm,
 * attention) run a backend's kernel when it has one.
 *
 * @packageDocumentation
 */
import {
  celu, elu, gelu, glu, hardShrink, hardSigmoid, hardSilu, hardSwish, hardTanh, leakyRelu, logSigmoid, logSoftmax, relu, relu6, selu,
  sigmoid, silu, softShrink, softmax, softplus, softsign, sparsePlus, sparseSigmoid, sparsemax, squareplus, swish, tanhShrink,
  threshold,
} from './activations.js'
import { conv, convBiasAct, convTranspose, depthwiseConv, separableConv } from './conv.js'
import { matmulBiasAct } from './fused.js'
import { adaptiveAveragePool, adaptiveMaxPool, averagePool, maxPool } from './pooling.js'
import { batchNormalization, layerNormalization, moments, normalize, rmsNormalization } from './normalization.js'
import { binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy } from './losses.js'
import { dotProductAttention } from './attention.js'
import { ctcDecode, ctcLoss } from './ctc.js'
import { depthToSpace, fold, multiHot, oneHot, polar, psnr, spaceToDepth, unfold } from './misc.js'
import * as image from './image/index.js'

export {
  celu, elu, gelu, glu, hardShrink, hardSigmoid, hardSilu, hardSwish, hardTanh, leakyRelu, logSigmoid, logSoftmax, relu, relu6, selu,
  sigmoid, silu, softShrink, softmax, softplus, softsign, sparsePlus, sparseSigmoid, sparsemax, squareplus, swish, tanhShrink,
  threshold,
  conv, convBiasAct, convTranspose, depthwiseConv, separableConv, matmulBiasAct,
  adaptiveAveragePool, adaptiveMaxPool, averagePool, maxPool,
  batchNormalization, layerNormalization, moments, normalize, rmsNormalization,
  binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy,
  dotProductAttention, ctcDecode, ctcLoss,
  depthToSpace, fold, multiHot, oneHot, polar, psnr, spaceToDepth, unfold,
  image,
}
export {
  computeConvOutputShape, computeConvTransposeOutputShape, convTransposePadding, resolvePadding, standardizeDataFormat, standardizePadding,
} from './conv.js'
export type { ConvOptions, DataFormat, Padding } from './conv.js'
export { computePoolingOutputShape } from './pooling.js'
export type { PoolOptions } from './pooling.js'
export { applyActivation } from './fused.js'
export type { DotProductAttentionOptions } from './attention.js'
export type { CtcDecodeOptions } from './ctc.js'
export type { TensorLike } from '@kx/ops-numpy'
export { OPS_NN_COVERAGE, OPS_IMAGE_COVERAGE } from './coverage.js'
export type { CoverageEntry } from './coverage.js'

/**
 * The `keras.ops.nn` namespace: every nn op under its camelCased Keras name.
 *
 * @example
 * ```ts
 * import { nn } from '@kx/ops-nn'
 * nn.relu(x)
 * ```
 */
export const nn = {
  adaptiveAveragePool, adaptiveMaxPool, averagePool, batchNormalization, binaryCrossentropy, categoricalCrossentropy, celu, conv,
  convTranspose, ctcDecode, ctcLoss, depthToSpace, depthwiseConv, dotProductAttention, elu, fold, gelu, glu, hardShrink, hardSigmoid,
  hardSilu, hardSwish, hardTanh, layerNormalization, leakyRelu, logSigmoid, logSoftmax, maxPool, moments, multiHot, normalize, oneHot,
  polar, psnr, relu, relu6, rmsNormalization, selu, separableConv, sigmoid, silu, softShrink, softmax, softplus, softsign, spaceToDepth,
  sparseCategoricalCrossentropy, sparsePlus, sparseSigmoid, sparsemax, squareplus, swish, tanhShrink, threshold, unfold,
} as const
