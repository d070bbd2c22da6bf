/** @file Registers every built-in layer class for deserialization (called lazily by `deserializeLayer`). */
import { layerRegistry } from '../engine/serialization.js'
import { InputLayer } from '../engine/InputLayer.js'
import { Functional, Model } from '../engine/Model.js'
import { Sequential } from '../engine/Sequential.js'

let done = false
/** Idempotent: registers built-in layers and models in `layerRegistry`. */
export function registerBuiltinLayers(): void {
  if (done) return
  done = true
  layerRegistry.register(InputLayer, 'InputLayer')
  layerRegistry.register(Functional, 'Functional')
  layerRegistry.register(Model, 'Model')
  layerRegistry.register(Sequential, 'Sequential')
}
