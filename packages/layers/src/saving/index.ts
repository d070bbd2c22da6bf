/**
 * @file `keras.saving`: model and weights files (`.keras`, `.weights.h5`, sharded `.weights.json`,
 * legacy Keras 2 `.h5` and `to_json()`, TF.js layers `model.json`), IO handlers, and the Keras
 * file editor. HDF5 (h5wasm) and zip (fflate) load lazily on first use.
 */
export { saveModel, loadModel, saveWeights, loadWeights, sniffFormat } from './saveModel.js'
export type { SaveModelOptions, SaveWeightsOptions, LoadWeightsOptions, LoadModelOptions, SniffedFormat } from './saveModel.js'
export { modelFromJson, upgradeLegacyConfig, toLegacyConfig, LEGACY_HARD_SIGMOID } from './legacyConfig.js'
export type { LegacyFlavor } from './legacyConfig.js'
export { loadLayersModel, saveLayersModel, layersModelArtifacts } from './tfjs.js'
export type { WeightSpec, ModelArtifacts, TfjsIOHandler, SaveLayersModelOptions } from './tfjs.js'
export { KerasFileEditor } from './fileEditor.js'
export type { WeightInfo } from './fileEditor.js'
export { memoryFiles, MemoryFiles, toSource, pathSource, urlSource, bytesSource, folderSink } from './io.js'
export type { FileSource, FileSink, LoadSource, SaveTarget, BlobLike, UrlLike } from './io.js'
export { registerCompileConfigHooks } from './compileConfig.js'
export type { CompileConfigHooks } from './compileConfig.js'
export { planSave, kerasSnakeCase } from './stateWalk.js'
export type { KerasSaveHooks, OptimizerState, SaveEntry } from './stateWalk.js'
export { KERAS_VERSION } from './kerasFile.js'
export { serializeLayer, deserializeLayer } from './serializeLib.js'
export { FormatCannotExpressError } from './errors.js'
