/** @file Registers every built-in layer class for deserialization (called lazily by `deserializeLayer`), under Keras's class names and aliases. */
import { layerRegistry, type Deserializable } from '../engine/serialization.js'
import { installBuiltinRegistrar } from '../engine/hooks.js'
import { InputLayer } from '../engine/InputLayer.js'
import { Functional, Model } from '../engine/Model.js'
import { Sequential } from '../engine/Sequential.js'
import { Dense } from './core/Dense.js'
import { EinsumDense } from './core/EinsumDense.js'
import { Identity, Masking, Wrapper } from './core/simple-layers.js'
import { Lambda } from './core/Lambda.js'
import { Embedding, ReversibleEmbedding } from './core/Embedding.js'
import { Activation, ELU, LeakyReLU, PReLU, ReLU, Softmax } from './activations/activation-layers.js'
import {
  ActivityRegularization, AlphaDropout, Dropout, GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D,
} from './regularization/dropout.js'
import { Flatten, Permute, RepeatVector, Reshape } from './reshaping/reshape-layers.js'
import { Cropping1D, Cropping2D, Cropping3D, ZeroPadding1D, ZeroPadding2D, ZeroPadding3D } from './reshaping/padding-cropping.js'
import { UpSampling1D, UpSampling2D, UpSampling3D } from './reshaping/up-sampling.js'
import { registerBuiltinLayersB } from './builtins-b.js'
import { registerBuiltinLayersRnn } from './builtins-rnn.js'
import { registerBuiltinLayersPre } from './builtins-pre.js'
import { Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract } from './merging/merge.js'

// Keras class name first, then the export aliases Keras also accepts in configs.
const BUILTINS: [unknown, ...string[]][] = [
  [Dense, 'Dense'], [EinsumDense, 'EinsumDense'], [Identity, 'Identity'], [Masking, 'Masking'], [Wrapper, 'Wrapper'], [Lambda, 'Lambda'],
  [Embedding, 'Embedding'], [ReversibleEmbedding, 'ReversibleEmbedding'],
  [Activation, 'Activation'], [ELU, 'ELU'], [LeakyReLU, 'LeakyReLU'], [PReLU, 'PReLU'], [ReLU, 'ReLU'], [Softmax, 'Softmax'],
  [ActivityRegularization, 'ActivityRegularization'], [AlphaDropout, 'AlphaDropout'], [Dropout, 'Dropout'],
  [GaussianDropout, 'GaussianDropout'], [GaussianNoise, 'GaussianNoise'],
  [SpatialDropout1D, 'SpatialDropout1D'], [SpatialDropout2D, 'SpatialDropout2D'], [SpatialDropout3D, 'SpatialDropout3D'],
  [Flatten, 'Flatten'], [Permute, 'Permute'], [RepeatVector, 'RepeatVector'], [Reshape, 'Reshape'],
  [Cropping1D, 'Cropping1D'], [Cropping2D, 'Cropping2D'], [Cropping3D, 'Cropping3D'],
  [ZeroPadding1D, 'ZeroPadding1D'], [ZeroPadding2D, 'ZeroPadding2D'], [ZeroPadding3D, 'ZeroPadding3D'],
  [UpSampling1D, 'UpSampling1D'], [UpSampling2D, 'UpSampling2D'], [UpSampling3D, 'UpSampling3D'],
  [Add, 'Add'], [Average, 'Average'], [Concatenate, 'Concatenate'], [Dot, 'Dot'], [Maximum, 'Maximum'], [Minimum, 'Minimum'],
  [Multiply, 'Multiply'], [Subtract, 'Subtract'],
]

let done = false
installBuiltinRegistrar(() => registerBuiltinLayers())
/** Idempotent: registers built-in layers and models in `layerRegistry`. */
export function registerBuiltinLayers(): void {
  if (done) return
  done = true
  layerRegistry.register(InputLayer, 'InputLayer')
  layerRegistry.register(Functional, 'Functional')
  layerRegistry.register(Model, 'Model')
  layerRegistry.register(Sequential, 'Sequential')
  for (const [cls, ...names] of BUILTINS) layerRegistry.register(cls as Deserializable, ...names)
  registerBuiltinLayersB()
  registerBuiltinLayersRnn()
  registerBuiltinLayersPre()
}
