/** @file The public names of `activations.ts` (a re-export facade; see `../index.ts`). */
export {
  celu, elu, gelu, glu, hardShrink, hardSigmoid, hardSilu, hardSwish, hardTanh, leakyRelu, logSigmoid, logSoftmax, relu, relu6, selu,
  sigmoid, silu, softShrink, softmax, softplus, softsign, sparsePlus, sparseSigmoid, sparsemax, squareplus, swish, tanhShrink,
  threshold,
} from '../activations.js'
