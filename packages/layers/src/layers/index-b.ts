/** @file The convolution, pooling and normalization layers' public names (Keras `keras.layers`). */
export { BaseConv, Conv1D, Conv2D, Conv3D } from './convolutional/conv.js'
export type { ConvArgs, ConvCommonArgs, IntOrTuple } from './convolutional/conv.js'
export { BaseConvTranspose, Conv1DTranspose, Conv2DTranspose, Conv3DTranspose } from './convolutional/conv-transpose.js'
export type { ConvTransposeArgs } from './convolutional/conv-transpose.js'
export {
  BaseDepthwiseConv, DepthwiseConv1D, DepthwiseConv2D, BaseSeparableConv, SeparableConv1D, SeparableConv2D,
} from './convolutional/depthwise-separable.js'
export type { DepthwiseConvArgs, SeparableConvArgs } from './convolutional/depthwise-separable.js'
export {
  BasePooling, MaxPooling1D, MaxPooling2D, MaxPooling3D, AveragePooling1D, AveragePooling2D, AveragePooling3D,
} from './pooling/pooling.js'
export type { PoolingArgs, AveragePoolingArgs } from './pooling/pooling.js'
export {
  BaseGlobalPooling, GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D, GlobalAveragePooling1D, GlobalAveragePooling2D,
  GlobalAveragePooling3D,
} from './pooling/global-pooling.js'
export type { GlobalPoolingArgs } from './pooling/global-pooling.js'
export {
  BaseAdaptivePooling, AdaptiveMaxPooling1D, AdaptiveMaxPooling2D, AdaptiveMaxPooling3D, AdaptiveAveragePooling1D, AdaptiveAveragePooling2D,
  AdaptiveAveragePooling3D,
} from './pooling/adaptive-pooling.js'
export type { AdaptivePoolingArgs } from './pooling/adaptive-pooling.js'
export { BatchNormalization } from './normalization/BatchNormalization.js'
export type { BatchNormalizationArgs, RenormClipping } from './normalization/BatchNormalization.js'
export { LayerNormalization, RMSNormalization, GroupNormalization, UnitNormalization } from './normalization/norm-layers.js'
export type {
  AffineNormArgs, AxisArg, LayerNormalizationArgs, RMSNormalizationArgs, GroupNormalizationArgs, UnitNormalizationArgs,
} from './normalization/norm-layers.js'
export { SpectralNormalization } from './normalization/SpectralNormalization.js'
export type { SpectralNormalizationArgs } from './normalization/SpectralNormalization.js'
export { registerBuiltinLayersB } from './builtins-b.js'
