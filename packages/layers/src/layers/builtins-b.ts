/** @file Registers the convolution, pooling and normalization layers in `layerRegistry` under Keras's class names and aliases. */
import { layerRegistry, type Deserializable } from '../engine/serialization.js'
import { Conv1D, Conv2D, Conv3D } from './convolutional/conv.js'
import { Conv1DTranspose, Conv2DTranspose, Conv3DTranspose } from './convolutional/conv-transpose.js'
import { DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D } from './convolutional/depthwise-separable.js'
import { MaxPooling1D, MaxPooling2D, MaxPooling3D, AveragePooling1D, AveragePooling2D, AveragePooling3D } from './pooling/pooling.js'
import {
  GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D, GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D,
} from './pooling/global-pooling.js'
import {
  AdaptiveAveragePooling1D, AdaptiveAveragePooling2D, AdaptiveAveragePooling3D, AdaptiveMaxPooling1D, AdaptiveMaxPooling2D, AdaptiveMaxPooling3D,
} from './pooling/adaptive-pooling.js'
import { BatchNormalization } from './normalization/BatchNormalization.js'
import { GroupNormalization, LayerNormalization, RMSNormalization, UnitNormalization } from './normalization/norm-layers.js'
import { SpectralNormalization } from './normalization/SpectralNormalization.js'

// Keras class name first, then the export aliases Keras also accepts in configs.
const BUILTINS_B: [unknown, ...string[]][] = [
  [Conv1D, 'Conv1D', 'Convolution1D'], [Conv2D, 'Conv2D', 'Convolution2D'], [Conv3D, 'Conv3D', 'Convolution3D'],
  [Conv1DTranspose, 'Conv1DTranspose', 'Convolution1DTranspose'], [Conv2DTranspose, 'Conv2DTranspose', 'Convolution2DTranspose'],
  [Conv3DTranspose, 'Conv3DTranspose', 'Convolution3DTranspose'],
  [DepthwiseConv1D, 'DepthwiseConv1D'], [DepthwiseConv2D, 'DepthwiseConv2D'],
  [SeparableConv1D, 'SeparableConv1D', 'SeparableConvolution1D'], [SeparableConv2D, 'SeparableConv2D', 'SeparableConvolution2D'],
  [MaxPooling1D, 'MaxPooling1D', 'MaxPool1D'], [MaxPooling2D, 'MaxPooling2D', 'MaxPool2D'], [MaxPooling3D, 'MaxPooling3D', 'MaxPool3D'],
  [AveragePooling1D, 'AveragePooling1D', 'AvgPool1D'], [AveragePooling2D, 'AveragePooling2D', 'AvgPool2D'], [AveragePooling3D, 'AveragePooling3D', 'AvgPool3D'],
  [GlobalMaxPooling1D, 'GlobalMaxPooling1D', 'GlobalMaxPool1D'], [GlobalMaxPooling2D, 'GlobalMaxPooling2D', 'GlobalMaxPool2D'],
  [GlobalMaxPooling3D, 'GlobalMaxPooling3D', 'GlobalMaxPool3D'],
  [GlobalAveragePooling1D, 'GlobalAveragePooling1D', 'GlobalAvgPool1D'], [GlobalAveragePooling2D, 'GlobalAveragePooling2D', 'GlobalAvgPool2D'],
  [GlobalAveragePooling3D, 'GlobalAveragePooling3D', 'GlobalAvgPool3D'],
  [AdaptiveMaxPooling1D, 'AdaptiveMaxPooling1D'], [AdaptiveMaxPooling2D, 'AdaptiveMaxPooling2D'], [AdaptiveMaxPooling3D, 'AdaptiveMaxPooling3D'],
  [AdaptiveAveragePooling1D, 'AdaptiveAveragePooling1D'], [AdaptiveAveragePooling2D, 'AdaptiveAveragePooling2D'],
  [AdaptiveAveragePooling3D, 'AdaptiveAveragePooling3D'],
  [BatchNormalization, 'BatchNormalization'], [LayerNormalization, 'LayerNormalization'], [GroupNormalization, 'GroupNormalization'],
  [RMSNormalization, 'RMSNormalization'], [UnitNormalization, 'UnitNormalization'], [SpectralNormalization, 'SpectralNormalization'],
]

let done = false
/** Idempotent: registers the convolution, pooling and normalization layers in `layerRegistry`. */
export function registerBuiltinLayersB(): void {
  if (done) return
  done = true
  for (const [cls, ...names] of BUILTINS_B) layerRegistry.register(cls as Deserializable, ...names)
}
