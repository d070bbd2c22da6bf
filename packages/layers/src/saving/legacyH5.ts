/**
 * @file Legacy Keras 2 / tf.keras HDF5: full models (`model_config` + `model_weights/`) and
 * `save_weights` files (`layer_names` / `weight_names` attributes, datasets at
 * `<layer>/<layer>/kernel:0`), loaded by layer order like Keras's
 * `load_weights_from_hdf5_group` (or by name), and written like Keras 3's `save_model_to_hdf5`.
 */
import { FileFormatError, ShapeError, fmt, tensor, tidy, type Variable } from '@kx/core'
import type { Layer } from '../engine/Layer.js'
import { Model } from '../engine/Model.js'
import { serializeLayer } from './serializeLib.js'
import { H5Reader, H5Writer } from './h5.js'
import { expectObject, parseJson } from './json.js'
import { budgetFor, modelFromConfig, KERAS_VERSION, type LoadModelOptions } from './kerasFile.js'
import { isLegacyConfig, upgradeLegacyConfig } from './legacyConfig.js'
import { applyCompileConfig, getCompileConfig } from './compileConfig.js'
import { sameShape } from './hostData.js'
import { optimizerOf, stateOutsideVariables } from './stateWalk.js'
import { FormatCannotExpressError } from './errors.js'

/** Reads a (possibly chunked: `name0`, `name1`, …) list-of-strings attribute. */
function stringList(r: H5Reader, path: string, name: string): string[] {
  const names = r.attrNames(path)
  const toList = (v: unknown): string[] => {
    if (v === undefined || v === null) return []
    const arr = Array.isArray(v) ? v : [v]
    return arr.filter((x) => typeof x === 'string') as string[]
  }
  if (names.includes(name)) return toList(r.attr(path, name))
  const out: string[] = []
  for (let i = 0; names.includes(`${name}${i}`); i++) out.push(...toList(r.attr(path, `${name}${i}`)))
  return out
}

/** Whether an HDF5 file is in the legacy (Keras 2 style) weights layout. */
export function isLegacyWeightsFile(r: H5Reader): boolean {
  const has = (p: string): boolean => r.attrNames(p).some((n) => n === 'layer_names' || n === 'layer_names0')
  return has('/') || (r.isGroup('model_weights') && has('model_weights'))
}

/** Keras's `_legacy_weights`: trainable then non-trainable. */
const legacyWeights = (l: Layer): Variable[] => [...l.trainableWeights, ...l.nonTrainableWeights]

function weightRoot(r: H5Reader): string {
  return r.attrNames('/').some((n) => n === 'layer_names' || n === 'layer_names0') ? '' : 'model_weights'
}

function setWeights(r: H5Reader, group: string, names: readonly string[], vars: readonly Variable[], what: string, skipMismatch: boolean, warn: (m: string) => void): void {
  if (names.length !== vars.length) {
    throw new FileFormatError(`Weight count mismatch for ${what}: the layer expects ${vars.length} weight(s), the file ${r.label} holds ${names.length} (${fmt(names)}).`)
  }
  names.forEach((n, i) => {
    const v = vars[i]!
    const path = `${group}/${n}`
    const { shape } = r.datasetInfo(path)
    if (!sameShape(shape, v.shape)) {
      const msg = `Shape mismatch in ${what} for weight ${v.path}. Weight expects shape ${fmt(v.shape)}. Received saved weight ${r.label}:/${path} with shape ${fmt(shape)}`
      if (skipMismatch) { warn(`Skipping loading weights: ${msg}`); return }
      throw new ShapeError(msg)
    }
    const { data } = r.readDataset(path, v.dtype)
    tidy(() => v.assign(tensor(data, { shape: v.shape.slice(), dtype: v.dtype })))
  })
}

/** Loads a legacy weights file (order-based like Keras, or by layer name). */
export function loadLegacyWeights(model: Layer, r: H5Reader, options: { skipMismatch?: boolean; byName?: boolean; warn?: (m: string) => void } = {}): void {
  const warn = options.warn ?? ((m: string) => console.warn(m))
  const root = weightRoot(r)
  const layerNames = stringList(r, root || '/', 'layer_names')
  const groupOf = (name: string): string => (root ? `${root}/${name}` : name)
  const modelLayers = model instanceof Model ? model.layers : [model]
  if (options.byName) {
    const byName = new Map(modelLayers.map((l) => [l.name, l]))
    for (const name of layerNames) {
      const layer = byName.get(name)
      if (!layer || !r.isGroup(groupOf(name))) continue
      const weightNames = stringList(r, groupOf(name), 'weight_names')
      const vars = legacyWeights(layer)
      if (weightNames.length !== vars.length) {
        const msg = `Layer #${name} (named "${layer.name}") expects ${vars.length} weight(s), but the saved weights have ${weightNames.length} element(s).`
        if (options.skipMismatch) { warn(`Skipping loading of weights for layer ${name}: ${msg}`); continue }
        throw new FileFormatError(msg)
      }
      setWeights(r, groupOf(name), weightNames, vars, `layer "${layer.name}"`, options.skipMismatch ?? false, warn)
    }
    return
  }
  const filtered = modelLayers.filter((l) => legacyWeights(l).length > 0)
  const saved = layerNames.filter((n) => {
    if (!r.isGroup(groupOf(n))) throw new FileFormatError(`${r.label}: layer_names lists ${fmt(n)}, but the file has no such group.`)
    return stringList(r, groupOf(n), 'weight_names').length > 0
  })
  if (saved.length !== filtered.length) {
    throw new FileFormatError(`Layer count mismatch when loading weights from ${r.label}. Model expected ${filtered.length} layers with weights, found ${saved.length} saved layers (${fmt(saved)}).`)
  }
  saved.forEach((name, k) => {
    const layer = filtered[k]!
    setWeights(r, groupOf(name), stringList(r, groupOf(name), 'weight_names'), legacyWeights(layer), `layer #${k} (named ${layer.name} in the current model, ${name} in the save file)`, options.skipMismatch ?? false, warn)
  })
  const top = groupOf('top_level_model_weights')
  if (r.isGroup(top)) {
    const names = stringList(r, top, 'weight_names')
    setWeights(r, top, names, model.ownVariables, 'top-level model', options.skipMismatch ?? false, warn)
  }
}

/** Keras 2 `training_config` → Keras 3 compile config (optimizer from `optimizer_config`). */
function compileConfigFromTraining(tc: Record<string, unknown>): Record<string, unknown> {
  const opt = tc['optimizer_config'] as { class_name?: unknown; config?: Record<string, unknown> } | undefined
  let optimizer: unknown = null
  if (opt && typeof opt.class_name === 'string') {
    const c: Record<string, unknown> = { ...(opt.config ?? {}) }
    if ('lr' in c && !('learning_rate' in c)) c['learning_rate'] = c['lr']
    delete c['lr']
    if (c['decay'] === 0 || c['decay'] === 0.0) delete c['decay']
    optimizer = { module: 'keras.optimizers', class_name: opt.class_name, config: c, registered_name: null }
  }
  return { optimizer, loss: tc['loss'] ?? null, loss_weights: tc['loss_weights'] ?? null, metrics: tc['metrics'] ?? null, weighted_metrics: tc['weighted_metrics'] ?? null }
}

/**
 * Keras 3's legacy loader (`optimizer.set_weights`): the saved `optimizer_weights` list is paired
 * with the optimizer's variables in order; the first shape mismatch stops it with Keras's warning,
 * the pairs before it keeping the saved values (a Keras 2 Adam file: its iteration count only,
 * as in Keras 3, whose variables start with iteration and learning rate).
 */
function loadLegacyOptimizerWeights(model: Layer, r: H5Reader, warn: (m: string) => void): void {
  const opt = optimizerOf(model)
  if (!opt) return
  if (!opt.built && opt.build) opt.build(model.trainableWeights)
  const names = stringList(r, 'optimizer_weights', 'weight_names')
  const vars = opt.variables
  for (let i = 0; i < Math.min(names.length, vars.length); i++) {
    const v = vars[i]!
    const path = `optimizer_weights/${names[i]!}`
    const { shape } = r.datasetInfo(path)
    if (!sameShape(shape, v.shape)) {
      warn(`${r.label}: Error in loading the saved optimizer state: optimizer variable ${v.path} has shape ${fmt(v.shape)}, the saved weight ${fmt(names[i])} has shape ${fmt(shape)}. As a result, your model is starting with a freshly initialized optimizer (as in Keras 3, the ${i} variable(s) before it keep their saved values).`)
      return
    }
    const { data } = r.readDataset(path, v.dtype)
    tidy(() => v.assign(tensor(data, { shape: v.shape.slice(), dtype: v.dtype })))
  }
}

/** Loads a legacy `.h5` full model from an open file. */
export function loadLegacyH5Model(r: H5Reader, options: LoadModelOptions = {}): Layer {
  const warn = options.warn ?? ((m: string) => console.warn(m))
  const raw = r.attr('/', 'model_config')
  if (typeof raw !== 'string') throw new FileFormatError(`${r.label}: the "model_config" attribute is missing or not text. Received: ${fmt(typeof raw)}`)
  const cfg = expectObject(parseJson(raw, `${r.label}:model_config`), `${r.label}:model_config`)
  const version = r.attr('/', 'keras_version')
  const legacy = typeof version === 'string' ? !/^3\./.test(version) : isLegacyConfig(cfg)
  const model = modelFromConfig(legacy ? upgradeLegacyConfig(cfg, 'keras2') : cfg, `${r.label}:model_config`, options.customObjects, budgetFor(r.byteLength), options.safeMode ?? true)
  if (!r.isGroup('model_weights')) throw new FileFormatError(`${r.label} has a model config but no "model_weights" group.`)
  loadLegacyWeights(model, r, { warn })
  if (options.compile ?? true) {
    const tcRaw = r.attr('/', 'training_config')
    if (typeof tcRaw === 'string') {
      const tc = expectObject(parseJson(tcRaw, `${r.label}:training_config`), `${r.label}:training_config`)
      if (applyCompileConfig(model, compileConfigFromTraining(tc), warn) && r.isGroup('optimizer_weights')) loadLegacyOptimizerWeights(model, r, warn)
    }
  }
  return model
}

/**
 * Dataset names for a layer's weights: the variable paths, with a repeated first segment numbered
 * like Keras's unique names (`lstm_cell/kernel`, `lstm_cell_1/kernel` for Bidirectional's two
 * cells). Loading goes by the `weight_names` order, so any unique names read back.
 */
function legacyNames(vars: readonly Variable[]): string[] {
  const seen = new Set<string>()
  return vars.map((v) => {
    let name = v.path
    const [head, ...rest] = v.path.split('/')
    for (let k = 1; seen.has(name); k++) name = rest.length ? [`${head}_${k}`, ...rest].join('/') : `${head}_${k}`
    seen.add(name)
    return name
  })
}

async function writeLayerWeights(w: H5Writer, group: string, vars: readonly Variable[]): Promise<void> {
  w.group(group)
  const names = legacyNames(vars)
  w.setAttr(group, 'weight_names', names)
  for (const [i, v] of vars.entries()) {
    const parts = names[i]!.split('/')
    const leaf = parts.pop()!
    w.dataset([group, ...parts].join('/'), leaf, await v.rawValue.data(), v.shape, v.dtype)
  }
}

async function writeWeightsGroup(w: H5Writer, root: string, model: Layer): Promise<void> {
  const layers = model instanceof Model ? model.layers : [model]
  const at = (p: string): string => (root ? `${root}/${p}` : p)
  if (root) w.group(root)
  w.setAttr(root || '/', 'layer_names', layers.map((l) => l.name))
  w.setAttr(root || '/', 'backend', 'kx')
  w.setAttr(root || '/', 'keras_version', KERAS_VERSION)
  for (const layer of [...layers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) await writeLayerWeights(w, at(layer.name), legacyWeights(layer))
  await writeLayerWeights(w, at('top_level_model_weights'), model.ownVariables)
}

/** Bytes of a legacy weights-only `.h5` (Keras 2 `save_weights` layout). */
export async function legacyWeightsBytes(model: Layer): Promise<Uint8Array> {
  checkExpressible(model, 'A legacy .h5 weights file')
  const w = await H5Writer.create()
  try {
    await writeWeightsGroup(w, '', model)
    return w.finish()
  } catch (e) {
    w.abort()
    throw e
  }
}

/** Refuses models whose state the variable-only legacy layout would drop. */
function checkExpressible(model: Layer, format: string): void {
  const why = stateOutsideVariables(model)
  if (why) throw new FormatCannotExpressError(`${format} holds variables only, but ${why}. Save as .keras instead (it stores assets and named values).`)
}

/** Bytes of a legacy full-model `.h5` (Keras 3's `save_model_to_hdf5` layout). */
export async function legacyH5ModelBytes(model: Layer): Promise<Uint8Array> {
  checkExpressible(model, 'A legacy .h5 file')
  const env = serializeLayer(model) as Record<string, unknown>
  const w = await H5Writer.create()
  try {
    w.setAttr('/', 'backend', 'kx')
    w.setAttr('/', 'keras_version', KERAS_VERSION)
    w.setAttr('/', 'model_config', JSON.stringify({ class_name: env['class_name'], config: env['config'] }))
    const cc = getCompileConfig(model)
    if (Object.keys(cc).length) {
      const { optimizer, ...rest } = cc
      const o = optimizer as { class_name?: unknown; config?: unknown } | null
      w.setAttr('/', 'training_config', JSON.stringify({ ...rest, optimizer_config: o && typeof o === 'object' ? { class_name: o.class_name, config: o.config } : null }))
    }
    await writeWeightsGroup(w, 'model_weights', model)
    // Keras 3's save_model_to_hdf5 (include_optimizer): the optimizer's variables by path, in order.
    const opt = optimizerOf(model)
    if (opt && opt.variables.length) await writeLayerWeights(w, 'optimizer_weights', opt.variables)
    return w.finish()
  } catch (e) {
    w.abort()
    throw e
  }
}
