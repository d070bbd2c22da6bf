/**
 * @kx/layers: the Layer engine (Layer, Input, Functional, Sequential, Model), the layer zoo,
 * initializers, regularizers, constraints, activations, and `keras.saving`.
 *
 * @packageDocumentation
 */
export { Layer, configToArgs, registerDefaultInitializer } from './engine/Layer.js'
export type { LayerArgs, CallOptions, AddWeightOptions, ShapeLike, StatelessCallOptions } from './engine/Layer.js'
export { InputSpec, assertInputCompatibility } from './engine/InputSpec.js'
export type { InputSpecArgs } from './engine/InputSpec.js'
export { InputLayer, Input } from './engine/InputLayer.js'
export type { InputArgs } from './engine/InputLayer.js'
export { Model, Functional, registerTrainer, registerExporter } from './engine/Model.js'
export type { ModelExporter, ModelExportOptions } from './engine/Model.js'
export type { ModelArgs, TrainerPlugin } from './engine/Model.js'
export { Sequential } from './engine/Sequential.js'
export type { SequentialArgs } from './engine/Sequential.js'
export { StringArray } from './engine/strings.js'
export type { NestedStrings } from './engine/strings.js'
export { Node } from './engine/Node.js'
export type { KerasHistory } from './engine/Node.js'
export { DTypePolicy, dtypePolicy, setDtypePolicy, getDtypePolicy } from './engine/dtypePolicy.js'
export { toSnakeCase, uniqueName, clearSession } from './engine/naming.js'
export { getKerasMask, setKerasMask } from './engine/context.js'
export { ClassRegistry, layerRegistry, registerKerasSerializable, registeredNameOf, sanitize, asEnvelope } from './engine/serialization.js'
export type { KerasEnvelope, Deserializable, CustomObjects } from './engine/serialization.js'
export { formatSummary } from './engine/summary.js'
export type { SummaryOptions } from './engine/summary.js'
export { serializeLayer, deserializeLayer, cloneModel } from './saving/serializeLib.js'
export * as saving from './saving/index.js'
export * from './layers/index.js'
export * from './layers/index-b.js'
export * from './layers/index-rnn.js'
export * from './layers/index-pre.js'
export * as activations from './activations/index.js'
export * as initializers from './initializers/index.js'
export * as regularizers from './regularizers/index.js'
export * as constraints from './constraints/index.js'

import { installModelFileHooks } from './engine/hooks.js'
import { loadWeights, saveModel, saveWeights } from './saving/saveModel.js'
import { installRegularizers } from './regularizers/regularizers.js'
import { installConstraints } from './constraints/constraints.js'

// NOTE: a side effect on purpose (package.json lists this file in `sideEffects`, so bundlers keep it):
// `Model.save/saveWeights/loadWeights` work once the root is imported. `@kx/layers/saving` alone installs
// nothing, so an inference bundle built on it carries no writer (its `saveModel` stays callable).
installModelFileHooks({ save: saveModel, saveWeights, loadWeights })
// The same for the regularizers and constraints the layers resolve by name (`kernelRegularizer: 'l2'`).
installRegularizers()
installConstraints()
