/** @file The `keras.activations` namespace: activation functions and `get` / `serialize` / `deserialize`. */
export {
  celu, elu, exponential, gelu, glu, hardShrink, hardSigmoid, hardSilu, hardSwish, hardTanh, leakyRelu, linear, logSigmoid, logSoftmax, mish,
  relu, relu6, selu, sigmoid, silu, softShrink, softmax, softplus, softsign, sparsePlus, sparseSigmoid, sparsemax, squareplus, swish, tanh,
  tanhShrink, threshold,
  get, serialize, deserialize, registerSerializableFunction, ACTIVATION_NAMES,
} from './activations.js'
export type { ActivationFn, ActivationIdentifier, ReluOptions } from './activations.js'
