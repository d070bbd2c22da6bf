/**
 * @file `keras.saving`'s entry points: `saveModel` / `loadModel` / `saveWeights` / `loadWeights`.
 * They pick the format from the file name or, when loading, from the bytes themselves (zip,
 * HDF5, JSON), and hand over to the format modules. `Model.save/saveWeights/loadWeights` import
 * this module lazily.
 */
import { FileFormatError, InvalidArgumentError, fmt } from '@kx/core'
import type { Layer } from '../engine/Layer.js'
import type { Model } from '../engine/Model.js'
import { H5Reader } from './h5.js'
import { siblingSink, targetName, toSource, writeTo, type FileSource, type LoadSource, type SaveTarget } from './io.js'
import { parseJson, expectObject } from './json.js'
import {
  H5ReadStore, ShardedReadStore, kerasBytes, loadKerasBytes, weightsH5Bytes, writeShardedWeights, KERAS_WEIGHTS_MEMBER, type LoadModelOptions,
} from './kerasFile.js'
import { loadState } from './stateWalk.js'
import { ZipReader } from './zip.js'
import { isLegacyWeightsFile, legacyH5ModelBytes, legacyWeightsBytes, loadLegacyH5Model, loadLegacyWeights } from './legacyH5.js'
import { loadLayersModelFromJson, saveLayersModel } from './tfjs.js'
import { prepareLayerClasses } from './serializeLib.js'

export type { LoadModelOptions } from './kerasFile.js'

/** What a file's first bytes say it is. */
export type SniffedFormat = 'zip' | 'hdf5' | 'json' | 'unknown'

/**
 * Detects zip (`.keras`), HDF5 (also behind a user block) and JSON by content.
 *
 * @example
 * ```ts
 * sniffFormat(bytes) // 'zip' | 'hdf5' | 'json' | 'unknown'
 * ```
 */
export function sniffFormat(bytes: Uint8Array): SniffedFormat {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6)) return 'zip'
  const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]
  for (let o = 0; o + 8 <= bytes.length && o <= 1 << 20; o = o === 0 ? 512 : o * 2) {
    if (sig.every((b, i) => bytes[o + i] === b)) return 'hdf5'
  }
  let i = 0
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++
  if (bytes[i] === 0x7b) return 'json'
  return 'unknown'
}

function head(bytes: Uint8Array): string {
  return [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ')
}

/** Options of `saveModel`. */
export interface SaveModelOptions {
  /** `'keras'` (default: a `.keras` archive), `'h5'` (legacy Keras 2 HDF5) or `'tfjs'` (TF.js layers `model.json` + `.bin`). */
  readonly format?: 'keras' | 'h5' | 'tfjs'
  /** For sinks: the file name to write (default `model.keras`, `model.h5` or `model.json`). */
  readonly name?: string
}

/**
 * Saves a model (Keras `model.save`): a `.keras` archive with its config, weights and optimizer
 * state that Python Keras loads; `.h5` writes the legacy Keras 2 format.
 *
 * @example
 * ```ts
 * await saveModel(model, 'out/model.keras')        // Node
 * const files = memoryFiles(); await saveModel(model, files) // anywhere: files.get('model.keras')
 * ```
 */
export async function saveModel(model: Model | Layer, target: SaveTarget, options: SaveModelOptions = {}): Promise<void> {
  const name = typeof target === 'string' ? target : options.name ?? (options.format === 'h5' ? 'model.h5' : options.format === 'tfjs' ? 'model.json' : 'model.keras')
  const format = options.format ?? (name.endsWith('.keras') ? 'keras' : /\.(h5|hdf5)$/.test(name) ? 'h5' : name.endsWith('.json') ? 'tfjs' : undefined)
  if (format === 'keras') return writeTo(target, await kerasBytes(model), targetName(target, name))
  if (format === 'h5') return writeTo(target, await legacyH5ModelBytes(model), targetName(target, name))
  if (format === 'tfjs') { await saveLayersModel(model, target, { name: targetName(target, name) }); return }
  throw new InvalidArgumentError(`Invalid filepath extension for saving. Please add either a \`.keras\` extension for the native Keras format (recommended) or a \`.h5\` extension. Received: filepath=${fmt(name)}`)
}

/**
 * Loads a model saved by kx or Keras: `.keras` archives, legacy Keras 2 `.h5` full models, and
 * TF.js layers `model.json` files (format detected from the content).
 *
 * @example
 * ```ts
 * const model = await loadModel('model.keras', { customObjects: { MyLayer } })
 * ```
 */
export async function loadModel(source: LoadSource, options: LoadModelOptions = {}): Promise<Layer> {
  const src = toSource(source, 'model.keras')
  const bytes = await src.read()
  const kind = sniffFormat(bytes)
  if (kind === 'zip') return loadKerasBytes(bytes, src.name, options)
  if (kind === 'hdf5') {
    const reader = await H5Reader.open(bytes, src.name)
    try {
      if (reader.attrNames('/').includes('model_config')) {
        await prepareLayerClasses(reader.attr('/', 'model_config'))
        return loadLegacyH5Model(reader, options)
      }
    } finally {
      reader.close()
    }
    throw new InvalidArgumentError(`${src.name} holds weights only (no model config). Build the model, then call \`loadWeights(model, file)\`.`)
  }
  if (kind === 'json') {
    const json = expectObject(parseJson(bytes, src.name), src.name)
    if ('modelTopology' in json) return loadLayersModelFromJson(json, src, options)
    if ('weight_map' in json) throw new InvalidArgumentError(`${src.name} is a sharded weights index. Build the model, then call \`loadWeights(model, file)\`.`)
    if ('class_name' in json) throw new InvalidArgumentError(`${src.name} is a model config without weights (\`model.to_json()\`). Use \`modelFromJson(text)\`, then \`loadWeights(model, weightsFile)\`.`)
    throw new FileFormatError(`${src.name} is JSON but neither a TF.js model.json nor a Keras config.`)
  }
  throw new FileFormatError(`${src.name} is not a model file kx recognizes (expected a .keras zip archive, an HDF5 .h5 file or a TF.js model.json). First bytes: ${head(bytes)}. The file may be truncated or corrupt.`)
}

/** Options of `saveWeights`. */
export interface SaveWeightsOptions {
  /** Shard size in GB: writes `<name>.weights.json` plus `<name>_00000.weights.h5`, … (Keras `max_shard_size`). */
  readonly maxShardSize?: number
  /** For sinks: the file name (default `model.weights.h5`, or `model.weights.json` when sharded). */
  readonly name?: string
  /** `'keras'` (default) or `'legacy-h5'` (Keras 2 `save_weights` layout). */
  readonly format?: 'keras' | 'legacy-h5'
}

/**
 * Saves weights only (Keras `model.save_weights`): `.weights.h5`, or sharded `.weights.json`.
 *
 * @example
 * ```ts
 * await saveWeights(model, 'ckpt.weights.h5')
 * ```
 */
export async function saveWeights(model: Model | Layer, target: SaveTarget, options: SaveWeightsOptions = {}): Promise<void> {
  if (!model.built) throw new InvalidArgumentError(`You are saving a model that has not yet been built (model "${model.name}"). Try building the model first by calling it on some data or by using \`build()\`.`)
  const sharded = options.maxShardSize !== undefined && options.maxShardSize !== null
  const name = typeof target === 'string' ? target : options.name ?? (sharded ? 'model.weights.json' : 'model.weights.h5')
  if (options.format === 'legacy-h5') return writeTo(target, await legacyWeightsBytes(model), targetName(target, name))
  if (sharded) {
    if (!/weights\.(h5|json)$/.test(name)) throw new InvalidArgumentError(`The filename must end in \`.weights.json\` when \`maxShardSize\` is specified. Received: filepath=${fmt(name)}`)
    await writeShardedWeights(model, siblingSink(target), targetName(target, name), options.maxShardSize!)
    return
  }
  if (!name.endsWith('.weights.h5')) throw new InvalidArgumentError(`The filename must end in \`.weights.h5\`. Received: filepath=${fmt(name)}`)
  return writeTo(target, await weightsH5Bytes(model), targetName(target, name))
}

/** Options of `loadWeights`. */
export interface LoadWeightsOptions {
  /** Warn and skip objects whose stored weights do not fit, instead of failing (Keras `skip_mismatch`). */
  readonly skipMismatch?: boolean
  /** Legacy `.h5` only: match layers by name instead of by order. */
  readonly byName?: boolean
  /** Receives warnings (default `console.warn`). */
  readonly warn?: (message: string) => void
}

/**
 * Loads weights into a built model (Keras `model.load_weights`) from `.weights.h5`, a sharded
 * `.weights.json`, a `.keras` archive or a legacy Keras 2 `.h5`.
 *
 * @example
 * ```ts
 * await loadWeights(model, 'ckpt.weights.h5')
 * ```
 */
export async function loadWeights(model: Model | Layer, source: LoadSource, options: LoadWeightsOptions = {}): Promise<void> {
  if (!model.built) throw new InvalidArgumentError(`You are loading weights into a model that has not yet been built (model "${model.name}"). Try building the model first by calling it on some data or by using \`build()\`.`)
  const src: FileSource = toSource(source, 'model.weights.h5')
  const bytes = await src.read()
  const kind = sniffFormat(bytes)
  const opts = { skipMismatch: options.skipMismatch ?? false, ...(options.warn ? { warn: options.warn } : {}) }
  if (kind === 'zip') {
    const zip = ZipReader.open(bytes, src.name)
    if (!zip.has(KERAS_WEIGHTS_MEMBER)) throw new FileFormatError(`${src.name} has no ${KERAS_WEIGHTS_MEMBER}. Members: ${fmt(zip.names().slice(0, 20))}`)
    const reader = await H5Reader.open(await zip.read(KERAS_WEIGHTS_MEMBER), `${src.name}:${KERAS_WEIGHTS_MEMBER}`)
    try { loadState(model, new H5ReadStore(reader), opts) } finally { reader.close() }
    return
  }
  if (kind === 'hdf5') {
    const reader = await H5Reader.open(bytes, src.name)
    try {
      if (isLegacyWeightsFile(reader)) loadLegacyWeights(model, reader, { ...opts, byName: options.byName ?? false })
      else loadState(model, new H5ReadStore(reader), opts)
    } finally {
      reader.close()
    }
    return
  }
  if (kind === 'json') {
    const json = parseJson(bytes, src.name)
    const store = await ShardedReadStore.open(src, json)
    try { loadState(model, store, opts) } finally { store.close() }
    return
  }
  throw new FileFormatError(`${src.name} is not a weights file kx recognizes (expected HDF5 .weights.h5/.h5, a sharded .weights.json or a .keras archive). First bytes: ${head(bytes)}.`)
}
