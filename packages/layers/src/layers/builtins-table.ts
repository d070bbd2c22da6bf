/**
 * @file The built-in layer classes by source module: each class's Keras name (also its export name) and
 * the aliases Keras accepts in configs. One table read by the eager registrars (`builtins*.ts`) and by
 * the lazy loader (`builtins-lazy.ts`), so both register the same names.
 */
import { layerRegistry, type Deserializable } from '../engine/serialization.js'

/** Module (path under `layers/`) → its classes as `[kerasName, ...aliases]`. */
export const LAYER_MODULES = {
  'core/Dense': [['Dense']],
  'core/EinsumDense': [['EinsumDense']],
  'core/simple-layers': [['Identity'], ['Masking'], ['Wrapper']],
  'core/Lambda': [['Lambda']],
  'core/Embedding': [['Embedding'], ['ReversibleEmbedding']],
  'activations/activation-layers': [['Activation'], ['ELU'], ['LeakyReLU'], ['PReLU'], ['ReLU'], ['Softmax']],
  'regularization/dropout': [
    ['ActivityRegularization'], ['AlphaDropout'], ['Dropout'], ['GaussianDropout'], ['GaussianNoise'],
    ['SpatialDropout1D'], ['SpatialDropout2D'], ['SpatialDropout3D'],
  ],
  'reshaping/reshape-layers': [['Flatten'], ['Permute'], ['RepeatVector'], ['Reshape']],
  'reshaping/padding-cropping': [['Cropping1D'], ['Cropping2D'], ['Cropping3D'], ['ZeroPadding1D'], ['ZeroPadding2D'], ['ZeroPadding3D']],
  'reshaping/up-sampling': [['UpSampling1D'], ['UpSampling2D'], ['UpSampling3D']],
  'merging/merge': [['Add'], ['Average'], ['Concatenate'], ['Dot'], ['Maximum'], ['Minimum'], ['Multiply'], ['Subtract']],
  'convolutional/conv': [['Conv1D', 'Convolution1D'], ['Conv2D', 'Convolution2D'], ['Conv3D', 'Convolution3D']],
  'convolutional/conv-transpose': [
    ['Conv1DTranspose', 'Convolution1DTranspose'], ['Conv2DTranspose', 'Convolution2DTranspose'], ['Conv3DTranspose', 'Convolution3DTranspose'],
  ],
  'convolutional/depthwise-separable': [
    ['DepthwiseConv1D'], ['DepthwiseConv2D'], ['SeparableConv1D', 'SeparableConvolution1D'], ['SeparableConv2D', 'SeparableConvolution2D'],
  ],
  'pooling/pooling': [
    ['MaxPooling1D', 'MaxPool1D'], ['MaxPooling2D', 'MaxPool2D'], ['MaxPooling3D', 'MaxPool3D'],
    ['AveragePooling1D', 'AvgPool1D'], ['AveragePooling2D', 'AvgPool2D'], ['AveragePooling3D', 'AvgPool3D'],
  ],
  'pooling/global-pooling': [
    ['GlobalMaxPooling1D', 'GlobalMaxPool1D'], ['GlobalMaxPooling2D', 'GlobalMaxPool2D'], ['GlobalMaxPooling3D', 'GlobalMaxPool3D'],
    ['GlobalAveragePooling1D', 'GlobalAvgPool1D'], ['GlobalAveragePooling2D', 'GlobalAvgPool2D'], ['GlobalAveragePooling3D', 'GlobalAvgPool3D'],
  ],
  'pooling/adaptive-pooling': [
    ['AdaptiveMaxPooling1D'], ['AdaptiveMaxPooling2D'], ['AdaptiveMaxPooling3D'],
    ['AdaptiveAveragePooling1D'], ['AdaptiveAveragePooling2D'], ['AdaptiveAveragePooling3D'],
  ],
  'normalization/BatchNormalization': [['BatchNormalization']],
  'normalization/norm-layers': [['LayerNormalization'], ['GroupNormalization'], ['RMSNormalization'], ['UnitNormalization']],
  'normalization/SpectralNormalization': [['SpectralNormalization']],
  'rnn/RNN': [['RNN']],
  'rnn/StackedRNNCells': [['StackedRNNCells']],
  'rnn/SimpleRNN': [['SimpleRNN'], ['SimpleRNNCell']],
  'rnn/GRU': [['GRU'], ['GRUCell']],
  'rnn/LSTM': [['LSTM'], ['LSTMCell']],
  'rnn/Bidirectional': [['Bidirectional']],
  'rnn/TimeDistributed': [['TimeDistributed']],
  'rnn/ConvLSTM': [['ConvLSTM1D'], ['ConvLSTM2D'], ['ConvLSTM3D'], ['ConvLSTMCell']],
  'attention/Attention': [['Attention'], ['AdditiveAttention']],
  'attention/MultiHeadAttention': [['MultiHeadAttention']],
  'attention/GroupedQueryAttention': [['GroupedQueryAttention', 'GroupQueryAttention']],
  'preprocessing/numeric': [['Normalization'], ['Discretization'], ['CategoryEncoding'], ['Rescaling']],
  'preprocessing/hashing': [['Hashing'], ['HashedCrossing']],
  'preprocessing/lookup': [['StringLookup'], ['IntegerLookup']],
  'preprocessing/TextVectorization': [['TextVectorization']],
  'preprocessing/audio': [['MelSpectrogram'], ['STFTSpectrogram']],
  'preprocessing/Pipeline': [['Pipeline']],
  'preprocessing/image-resize': [['Resizing'], ['CenterCrop'], ['RandomCrop'], ['MaxNumBoundingBoxes']],
  'preprocessing/image-geometric': [
    ['RandomFlip'], ['RandomRotation'], ['RandomZoom'], ['RandomTranslation'], ['RandomShear'], ['RandomPerspective'], ['RandomElasticTransform'],
  ],
  'preprocessing/image-color': [
    ['RandomBrightness'], ['RandomColorDegeneration'], ['RandomColorJitter'], ['RandomContrast'], ['RandomGrayscale'], ['RandomHue'],
    ['RandomInvert'], ['RandomSaturation'],
  ],
  'preprocessing/image-tone': [
    ['AutoContrast'], ['Equalization'], ['ContrastLimitedAdaptiveHistogramEqualization'], ['RandomGaussianBlur'], ['RandomPosterization'],
    ['RandomSharpness'], ['Solarization'],
  ],
  'preprocessing/image-mix': [['AugMix'], ['CutMix'], ['MixUp'], ['RandAugment'], ['RandomErasing']],
} as const satisfies Record<string, readonly (readonly [string, ...string[]])[]>

/** A source module of the layer zoo that defines built-in layer classes. */
export type LayerModuleKey = keyof typeof LAYER_MODULES

/**
 * Registers the classes of loaded layer modules under their Keras names and aliases. `overwrite: false`
 * keeps a class the user already registered under the same name (the lazy path); the eager
 * `registerBuiltinLayers*` functions overwrite, as they always did.
 */
export function registerLayerModules(modules: Partial<Record<LayerModuleKey, object>>, overwrite = true): void {
  for (const [key, ns] of Object.entries(modules) as [LayerModuleKey, Record<string, unknown>][]) {
    for (const names of LAYER_MODULES[key]) {
      const fresh = overwrite ? names : names.filter((n) => !layerRegistry.has(n))
      if (fresh.length > 0) layerRegistry.register(ns[names[0]] as Deserializable, ...fresh)
    }
  }
}
