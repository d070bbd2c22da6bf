/** @file Registers the convolution, pooling and normalization layers in `layerRegistry` under Keras's class names and aliases. */
import { registerLayerModules } from './builtins-table.js'
import * as conv from './convolutional/conv.js'
import * as convTranspose from './convolutional/conv-transpose.js'
import * as depthwiseSeparable from './convolutional/depthwise-separable.js'
import * as pooling from './pooling/pooling.js'
import * as globalPooling from './pooling/global-pooling.js'
import * as adaptivePooling from './pooling/adaptive-pooling.js'
import * as batchNormalization from './normalization/BatchNormalization.js'
import * as normLayers from './normalization/norm-layers.js'
import * as spectralNormalization from './normalization/SpectralNormalization.js'

/** The modules this registrar loads eagerly (keys of `LAYER_MODULES`). */
export const MODULES_B = {
  'convolutional/conv': conv, 'convolutional/conv-transpose': convTranspose, 'convolutional/depthwise-separable': depthwiseSeparable,
  'pooling/pooling': pooling, 'pooling/global-pooling': globalPooling, 'pooling/adaptive-pooling': adaptivePooling,
  'normalization/BatchNormalization': batchNormalization, 'normalization/norm-layers': normLayers,
  'normalization/SpectralNormalization': spectralNormalization,
} as const

let done = false
/**
 * Idempotent: registers the convolution, pooling and normalization layers in `layerRegistry`.
 *
 * @example
 * ```ts
 * registerBuiltinLayersB()
 * deserializeLayer({ class_name: 'Conv2D', config: { filters: 4, kernel_size: 3 } })
 * ```
 */
export function registerBuiltinLayersB(): void {
  if (done) return
  done = true
  registerLayerModules(MODULES_B)
}
