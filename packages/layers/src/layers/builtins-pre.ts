/** @file Registers the preprocessing and image augmentation layers in `layerRegistry` under Keras's class names. */
import { registerLayerModules } from './builtins-table.js'
import * as numeric from './preprocessing/numeric.js'
import * as hashing from './preprocessing/hashing.js'
import * as lookup from './preprocessing/lookup.js'
import * as textVectorization from './preprocessing/TextVectorization.js'
import * as audio from './preprocessing/audio.js'
import * as pipeline from './preprocessing/Pipeline.js'
import * as imageResize from './preprocessing/image-resize.js'
import * as imageGeometric from './preprocessing/image-geometric.js'
import * as imageColor from './preprocessing/image-color.js'
import * as imageTone from './preprocessing/image-tone.js'
import * as imageMix from './preprocessing/image-mix.js'

/** The modules this registrar loads eagerly (keys of `LAYER_MODULES`). */
export const MODULES_PRE = {
  'preprocessing/numeric': numeric, 'preprocessing/hashing': hashing, 'preprocessing/lookup': lookup,
  'preprocessing/TextVectorization': textVectorization, 'preprocessing/audio': audio, 'preprocessing/Pipeline': pipeline,
  'preprocessing/image-resize': imageResize, 'preprocessing/image-geometric': imageGeometric, 'preprocessing/image-color': imageColor,
  'preprocessing/image-tone': imageTone, 'preprocessing/image-mix': imageMix,
} as const

let done = false
/**
 * Idempotent: registers the 43 preprocessing layers of Keras 3.15 in `layerRegistry`.
 *
 * @example
 * ```ts
 * registerBuiltinLayersPre()
 * deserializeLayer({ class_name: 'Rescaling', config: { scale: 0.5 } })
 * ```
 */
export function registerBuiltinLayersPre(): void {
  if (done) return
  done = true
  registerLayerModules(MODULES_PRE)
}
