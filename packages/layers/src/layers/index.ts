/** @file The layer zoo's public names (Keras `keras.layers`): core, activation, regularization, reshaping and merging layers. */
export { Dense } from './core/Dense.js'
export type { DenseArgs } from './core/Dense.js'
export { Embedding, ReversibleEmbedding } from './core/Embedding.js'
export type { EmbeddingArgs, ReversibleEmbeddingArgs } from './core/Embedding.js'
export { Activation, ELU, LeakyReLU, PReLU, ReLU, Softmax } from './activations/activation-layers.js'
export type { ActivationArgs, ReLUArgs, PReLUArgs } from './activations/activation-layers.js'
export {
  Dropout, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, AlphaDropout, GaussianDropout, GaussianNoise, ActivityRegularization,
} from './regularization/dropout.js'
export type { DropoutArgs, SpatialDropoutArgs } from './regularization/dropout.js'
export { Flatten, Reshape, Permute, RepeatVector } from './reshaping/reshape-layers.js'
export { ZeroPadding1D, ZeroPadding2D, ZeroPadding3D, Cropping1D, Cropping2D, Cropping3D } from './reshaping/padding-cropping.js'
export type { SpatialAmount } from './reshaping/padding-cropping.js'
export { UpSampling1D, UpSampling2D, UpSampling3D } from './reshaping/up-sampling.js'
export {
  Merge, Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot, batchDot,
  addLayer as add, subtractLayer as subtract, multiplyLayer as multiply, averageLayer as average, maximumLayer as maximum,
  minimumLayer as minimum, concatenateLayer as concatenate, dotLayer as dot,
} from './merging/merge.js'
export { registerBuiltinLayers } from './builtins.js'
export { EinsumDense, analyzeEinsum } from './core/EinsumDense.js'
export type { EinsumDenseArgs } from './core/EinsumDense.js'
export { Identity, Masking, Wrapper } from './core/simple-layers.js'
export { Lambda, UnsafeDeserializationError, enableUnsafeDeserialization, withSafeMode, inSafeMode } from './core/Lambda.js'
export type { LambdaArgs, LambdaFunction } from './core/Lambda.js'
