/**
 * @kx/keras: the whole kit under Keras's namespaces (`keras.ops`, `keras.layers`, `keras.models`,
 * `keras.losses`, `keras.metrics`, `keras.optimizers`, `keras.callbacks`, `keras.utils`, …), with the default
 * backends (tfjs-wasm, tfjs-cpu, reference) and the trainer registered on import.
 *
 * @example
 * ```ts
 * import * as keras from '@kx/keras'
 * await keras.ready()
 * const model = new keras.Sequential({ layers: [keras.Input({ shape: [4] }), new keras.layers.Dense({ units: 1 })] })
 * model.compile({ optimizer: 'adam', loss: 'mse' })
 * ```
 *
 * @packageDocumentation
 */
import { registerBackend } from '@kx/core'
import { createTfjsBackend } from '@kx/backend-tfjs'
import { registerExporter, registerTrainer } from '@kx/layers'
import { trainer } from '@kx/trainers'

// NOTE: the umbrella is the one package whose import has side effects: it registers the default
// backends (wasm first, cpu as fallback; `reference` is always registered by core) and the trainer.
registerBackend('tfjs-wasm', () => createTfjsBackend({ engine: 'wasm' }), { priority: 3 })
registerBackend('tfjs-cpu', () => createTfjsBackend({ engine: 'cpu' }), { priority: 2 })
// ONNX Runtime loads lazily (native addon): select it with setBackend('onnx') or KX_BACKEND=onnx.
registerBackend('onnx', async () => (await import('@kx/backend-onnx')).createOnnxBackend(), { priority: 1 })
registerTrainer(trainer)
// `model.export(...)` writes ONNX / OpenVINO IR through @kx/export, loaded on first use (it pulls in the
// ONNX lowering, which inference-only apps don't need).
registerExporter(async (model, options) => {
  const { exportModel } = await import('@kx/export')
  return exportModel(model, options as Parameters<typeof exportModel>[1])
})

export * as ops from './ops.js'
export * as layers from './layers.js'
export * as utils from './utils.js'
export * as models from './models.js'
export * as config from './config.js'
export { losses, metrics, callbacks } from '@kx/trainers'
export { optimizers } from './optimizers.js'
export { activations, initializers, regularizers, constraints, saving } from '@kx/layers'
export { random } from '@kx/ops-numpy'
export * as dtypePolicies from './dtypePolicies.js'
export { Input, Model, Sequential, Functional } from '@kx/layers'
export { Variable, KerasTensor, Tensor, ready, setBackend, getBackend, backendName, registerBackend, listBackends, tidy, memory, hostRandom } from '@kx/core'
