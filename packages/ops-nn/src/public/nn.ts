/** @file The `nn` namespace object (its own module, so the package index stays a pure `export *` barrel). */
import {
  celu, elu, gelu, glu, hardShrink, hardSigmoid, hardSilu, hardSwish, hardTanh, leakyRelu, logSigmoid, logSoftmax, relu, relu6, selu,
  sigmoid, silu, softShrink, softmax, softplus, softsign, sparsePlus, sparseSigmoid, sparsemax, squareplus, swish, tanhShrink,
  threshold,
} from '../activations.js'
import { conv, convTranspose, depthwiseConv, separableConv } from '../conv.js'
import { adaptiveAveragePool, adaptiveMaxPool, averagePool, maxPool } from '../pooling.js'
import { batchNormalization, layerNormalization, moments, rmsNormalization } from '../normalization.js'
import { normalize } from '../normalize.js'
import { binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy } from '../losses.js'
import { dotProductAttention } from '../attention.js'
import { ctcDecode, ctcLoss } from '../ctc.js'
import { depthToSpace, fold, multiHot, oneHot, polar, psnr, spaceToDepth, unfold } from '../misc.js'

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
