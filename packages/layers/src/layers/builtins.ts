/** @file Registers every built-in layer class for deserialization (eagerly: `registerBuiltinLayers`), under Keras's class names and aliases. */
import { layerRegistry } from '../engine/serialization.js'
import { installBuiltinRegistrar } from '../engine/hooks.js'
import { InputLayer } from '../engine/InputLayer.js'
import { Functional, Model } from '../engine/Model.js'
import { Sequential } from '../engine/Sequential.js'
import { registerLayerModules, type LayerModuleKey } from './builtins-table.js'
import * as dense from './core/Dense.js'
import * as einsumDense from './core/EinsumDense.js'
import * as simpleLayers from './core/simple-layers.js'
import * as lambda from './core/Lambda.js'
import * as embedding from './core/Embedding.js'
import * as activationLayers from './activations/activation-layers.js'
import * as dropout from './regularization/dropout.js'
import * as reshapeLayers from './reshaping/reshape-layers.js'
import * as paddingCropping from './reshaping/padding-cropping.js'
import * as upSampling from './reshaping/up-sampling.js'
import * as merge from './merging/merge.js'
import { MODULES_B, registerBuiltinLayersB } from './builtins-b.js'
import { MODULES_RNN, registerBuiltinLayersRnn } from './builtins-rnn.js'
import { MODULES_PRE, registerBuiltinLayersPre } from './builtins-pre.js'

const MODULES_CORE = {
  'core/Dense': dense, 'core/EinsumDense': einsumDense, 'core/simple-layers': simpleLayers, 'core/Lambda': lambda, 'core/Embedding': embedding,
  'activations/activation-layers': activationLayers, 'regularization/dropout': dropout, 'reshaping/reshape-layers': reshapeLayers,
  'reshaping/padding-cropping': paddingCropping, 'reshaping/up-sampling': upSampling, 'merging/merge': merge,
} as const
// Compile-time check: the four eager registrars together load every module of `LAYER_MODULES`.
type Missing = Exclude<LayerModuleKey, keyof typeof MODULES_CORE | keyof typeof MODULES_B | keyof typeof MODULES_RNN | keyof typeof MODULES_PRE>
const everyModuleIsEager: [Missing] extends [never] ? true : Missing = true
void everyModuleIsEager

let done = false
installBuiltinRegistrar(() => registerBuiltinLayers())
/**
 * Idempotent: registers every built-in layer and model class in `layerRegistry` at once (this keeps the
 * whole layer zoo in a bundle; `loadModel` and the other loaders need no call, they import only the
 * layer modules a file names).
 *
 * @example
 * ```ts
 * registerBuiltinLayers()
 * const layer = deserializeLayer({ class_name: 'Dense', config: { units: 2 } })
 * ```
 */
export function registerBuiltinLayers(): void {
  if (done) return
  done = true
  layerRegistry.register(InputLayer, 'InputLayer')
  layerRegistry.register(Functional, 'Functional')
  layerRegistry.register(Model, 'Model')
  layerRegistry.register(Sequential, 'Sequential')
  registerLayerModules(MODULES_CORE)
  registerBuiltinLayersB()
  registerBuiltinLayersRnn()
  registerBuiltinLayersPre()
}
