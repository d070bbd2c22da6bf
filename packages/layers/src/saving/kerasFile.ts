/**
 * @file Keras 3's native files: `.keras` archives (`metadata.json`, `config.json`,
 * `model.weights.h5`), standalone `.weights.h5`, and sharded `.weights.json` + shard files, byte
 * for byte in Keras's layout so Python Keras and kx read each other's files.
 */
import { FileFormatError, InvalidArgumentError, KxError, fmt, type DType, type TypedArray } from '@kx/core'
import { Layer as LayerClass, type Layer } from '../engine/Layer.js'
import { Model } from '../engine/Model.js'
import { deserializeLayer, prepareLayerClasses, serializeLayer } from './serializeLib.js'
import { withSafeMode } from './safeMode.js'
import type { CustomObjects } from '../engine/serialization.js'
import { H5Reader, H5Writer } from './h5.js'
import { checkSiblingName, utf8Encode, type FileSink, type FileSource } from './io.js'
import { expectObject, parseJson } from './json.js'
import { planSave, loadState, namedValuesOf, savedValueOf, type LoadStateOptions, type StateHooks, type WeightsReadStore } from './stateWalk.js'
import { ZipReader, writeZip, type ZipLimits } from './zip.js'
import { applyCompileConfig, getCompileConfig } from './compileConfig.js'

/**
 * The Keras file-format version kx writes into `metadata.json`.
 *
 * @example
 * ```ts
 * KERAS_VERSION // '3.15.1'
 * ```
 */
export const KERAS_VERSION = '3.15.1'
/** kx's version, recorded beside it. */
export const KX_VERSION = '0.1.0'

const CONFIG = 'config.json'
const METADATA = 'metadata.json'
const WEIGHTS_H5 = 'model.weights.h5'
const WEIGHTS_NPZ = 'model.weights.npz'
/** Largest `config.json` kx reads (64 MiB; real configs are far smaller). */
const MAX_CONFIG_BYTES = 64 << 20

// ---- weights stores ----------------------------------------------------------------------------

/** Keras's `H5IOStore` in read mode over an open HDF5 file. */
export class H5ReadStore implements WeightsReadStore {
  readonly label: string
  private readonly r: H5Reader
  private readonly legacyDeps: boolean
  constructor(reader: H5Reader) {
    this.r = reader
    this.label = reader.label
    this.legacyDeps = reader.isGroup('_layer_checkpoint_dependencies')
  }
  /** The `vars` group of `path`, with Keras 2.13's `_layer_checkpoint_dependencies` fallback. */
  private group(path: string): string | null {
    const g = path ? `${path}/vars` : 'vars'
    if ((path === '' || this.r.isGroup(path)) && this.r.isGroup(g)) return g
    if (this.legacyDeps && path) {
      const alt = path.split('layers').join('_layer_checkpoint_dependencies')
      if (this.r.isGroup(alt) && this.r.isGroup(`${alt}/vars`)) return `${alt}/vars`
    }
    return null
  }
  keys(path: string): string[] {
    const g = this.group(path)
    return g ? this.r.keys(g) : []
  }
  shape(path: string, key: string): number[] {
    const g = this.group(path)
    if (!g) throw new FileFormatError(`${this.label} has no group ${fmt(path)}.`)
    return this.r.datasetInfo(`${g}/${key}`).shape
  }
  read(path: string, key: string, dtype: DType): TypedArray {
    const g = this.group(path)
    if (!g) throw new FileFormatError(`${this.label} has no group ${fmt(path)}.`)
    return this.r.readDataset(`${g}/${key}`, dtype).data
  }
  hasPath(path: string): boolean { return path === '' || this.r.has(path) }
  close(): void { this.r.close() }
}

/** Keras's `ShardedH5IOStore` in read mode: a weight map and its shard files, all opened up front. */
export class ShardedReadStore implements WeightsReadStore {
  readonly label: string
  private readonly map: Record<string, string | string[]>
  private readonly shards: Map<string, H5ReadStore>
  private constructor(label: string, map: Record<string, string | string[]>, shards: Map<string, H5ReadStore>) {
    this.label = label
    this.map = map
    this.shards = shards
  }
  static async open(source: FileSource, json: unknown): Promise<ShardedReadStore> {
    const cfg = expectObject(json, source.name)
    const map = expectObject(cfg['weight_map'], `${source.name}: "weight_map"`) as Record<string, unknown>
    const files = new Set<string>()
    for (const [k, v] of Object.entries(map)) {
      const list = Array.isArray(v) ? v : [v]
      if (list.length === 0 || list.length > 10_000) throw new FileFormatError(`${source.name}: bad shard list for ${fmt(k)}.`)
      for (const f of list) files.add(checkSiblingName(f, source.name))
    }
    if (files.size > 100_000) throw new FileFormatError(`${source.name} lists ${files.size} shard files, too many.`)
    if (!source.sibling) throw new InvalidArgumentError(`${source.name} is a sharded weights index; load it from a path, URL or memoryFiles() so its shard files can be found.`)
    const shards = new Map<string, H5ReadStore>()
    try {
      for (const f of files) {
        const src = source.sibling(f)
        shards.set(f, new H5ReadStore(await H5Reader.open(await src.read(), f)))
      }
    } catch (e) {
      for (const s of shards.values()) s.close()
      throw e
    }
    return new ShardedReadStore(source.name, map as Record<string, string | string[]>, shards)
  }
  private filesFor(path: string): string[] {
    const direct = path ? this.map[path] : this.map['/vars']
    const v = direct ?? this.map[`/${path}/vars`]
    if (v === undefined) return []
    return Array.isArray(v) ? v : [v]
  }
  keys(path: string): string[] {
    const out: string[] = []
    for (const f of this.filesFor(path)) for (const k of this.shards.get(f)!.keys(path)) if (!out.includes(k)) out.push(k)
    return out
  }
  private owner(path: string, key: string): H5ReadStore {
    for (const f of this.filesFor(path)) {
      const s = this.shards.get(f)!
      if (s.keys(path).includes(key)) return s
    }
    throw new FileFormatError(`Key '${key}' of ${fmt(path)} not found in any of the shards of ${this.label}: ${fmt(this.filesFor(path))}`)
  }
  shape(path: string, key: string): number[] { return this.owner(path, key).shape(path, key) }
  read(path: string, key: string, dtype: DType): TypedArray { return this.owner(path, key).read(path, key, dtype) }
  hasPath(path: string): boolean {
    const lead = `/${path}`
    return Object.keys(this.map).some((k) => k === lead || k.startsWith(`${lead}/`))
  }
  close(): void { for (const s of this.shards.values()) s.close() }
}

// ---- writing -----------------------------------------------------------------------------------

/** Host values of every variable to save, read once (async) before any file is written. */
async function hostValues(model: Layer): Promise<{ path: string; name: string | null; vars: { key: string; data: TypedArray; shape: readonly number[]; dtype: DType }[] }[]> {
  const plan = planSave(model)
  const out = []
  for (const e of plan) {
    const vars = []
    const named = namedValuesOf(e.owner)
    if (named) for (const [key, t] of Object.entries(named)) vars.push({ key, data: await t.data(), shape: t.shape.slice(), dtype: t.dtype })
    else for (const [i, v] of e.variables.entries()) vars.push({ key: String(i), data: await savedValueOf(e.owner, v).data(), shape: v.shape, dtype: v.dtype })
    out.push({ path: e.path, name: e.name, vars })
  }
  return out
}

/** Keras's `save_assets` files of every object, as archive members `assets/<path>/<file>`. */
function assetMembers(model: Layer): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = []
  for (const e of planSave(model)) {
    const h = e.owner as StateHooks
    if (typeof h.saveAssets !== 'function') continue
    for (const [file, bytes] of h.saveAssets()) out.push([`${ASSETS}${e.path ? `${e.path}/` : ''}${checkSiblingName(file, 'assets')}`, bytes])
  }
  return out
}

/** Keras's `load_assets`: hands each object the files under `assets/<path>/`. */
async function loadAssets(model: Layer, zip: ZipReader): Promise<void> {
  const names = zip.names().filter((n) => n.startsWith(ASSETS))
  if (!names.length) return
  for (const e of planSave(model)) {
    const h = e.owner as StateHooks
    if (typeof h.loadAssets !== 'function') continue
    const dir = `${ASSETS}${e.path ? `${e.path}/` : ''}`
    const files = new Map<string, Uint8Array>()
    for (const n of names) if (n.startsWith(dir) && !n.slice(dir.length).includes('/') && n.length > dir.length) files.set(n.slice(dir.length), await zip.read(n))
    if (files.size) h.loadAssets(files)
  }
}
const ASSETS = 'assets/'

/** The bytes of a Keras 3 `.weights.h5` for `model` (optimizer state included when compiled). */
export async function weightsH5Bytes(model: Layer): Promise<Uint8Array> {
  const entries = await hostValues(model)
  const w = await H5Writer.create()
  try {
    for (const e of entries) {
      const g = e.path ? `${e.path}/vars` : 'vars'
      w.group(g)
      if (e.name !== null) w.setAttr(g, 'name', e.name)
      for (const v of e.vars) w.dataset(g, v.key, v.data, v.shape, v.dtype)
    }
    return w.finish()
  } catch (e) {
    w.abort()
    throw e
  }
}

/** Keras's dtype size in bits (for shard accounting). */
const bitsOf = (d: DType): number => (d === 'bool' ? 1 : ({ int8: 8, uint8: 8, int16: 16, uint16: 16, float16: 16, bfloat16: 16, int32: 32, uint32: 32, float32: 32, int64: 64, float64: 64 } as Record<string, number>)[d] ?? 32)

/**
 * Writes sharded weights like Keras's `ShardedH5IOStore`: `<base>.weights.json` (weight map) and
 * `<base>_00000.weights.h5`, … each at most `maxShardSize` GB.
 */
export async function writeShardedWeights(model: Layer, sink: FileSink, jsonName: string, maxShardSizeGb: number): Promise<string[]> {
  if (!(maxShardSizeGb > 0)) throw new InvalidArgumentError(`\`maxShardSize\` must be a positive number of GB. Received: maxShardSize=${fmt(maxShardSizeGb)}`)
  const name = jsonName.endsWith('.json') ? jsonName : jsonName.replace(/\.h5$/, '') + '.json'
  const base = name.replace(/\.json$/, '').replace('.weights', '')
  const maxBytes = maxShardSizeGb * 1024 ** 3
  const entries = await hostValues(model)
  const weightMap: Record<string, string | string[]> = {}
  const shards: [string, Uint8Array][] = []
  let index = 0
  let total = 0
  let current = 0
  let shardName = ''
  let w: H5Writer | undefined
  const newShard = async (): Promise<void> => {
    if (w) shards.push([shardName, w.finish()])
    shardName = `${base}_${String(index++).padStart(5, '0')}.weights.h5`
    w = await H5Writer.create()
  }
  try {
    await newShard()
    for (const e of entries) {
      const g = e.path ? `${e.path}/vars` : 'vars'
      w!.group(g)
      if (e.name !== null) w!.setAttr(g, 'name', e.name)
      for (let i = 0; i < e.vars.length; i++) {
        const v = e.vars[i]!
        const size = (v.shape.reduce((a, b) => a * b, 1) * bitsOf(v.dtype)) / 8
        total += size
        if (size > maxBytes) throw new InvalidArgumentError(`The size of ${g}/${v.key} is ${size} bytes, which exceeds the maximum shard size ${maxBytes} bytes. Increase \`maxShardSize\`.`)
        current += size
        if (current > maxBytes) {
          await newShard()
          current = size
        }
        w!.group(g)
        w!.dataset(g, v.key, v.data, v.shape, v.dtype)
        const key = `/${g}`
        const prev = weightMap[key]
        if (prev === undefined) weightMap[key] = shardName
        else if (Array.isArray(prev)) { if (!prev.includes(shardName)) prev.push(shardName) }
        else if (prev !== shardName) weightMap[key] = [prev, shardName]
      }
    }
    shards.push([shardName, w!.finish()])
    w = undefined
  } catch (e) {
    w?.abort()
    throw e
  }
  const json = JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 4)
  for (const [n, bytes] of shards) await sink.write(n, bytes)
  await sink.write(name, utf8Encode(json))
  return [name, ...shards.map(([n]) => n)]
}

function dateSaved(): string {
  const d = new Date()
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}@${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

/** The bytes of a `.keras` archive for `model`. */
export async function kerasBytes(model: Layer): Promise<Uint8Array> {
  if (!model.built) console.warn(`You are saving a model that has not yet been built (model "${model.name}"). It might not contain any weights yet. Consider building the model first by calling it on some data.`)
  // NOTE: Keras writes `compile_config` for models only (a bare layer has no `get_compile_config`).
  const config = model instanceof Model ? { ...serializeLayer(model), compile_config: getCompileConfig(model) } : serializeLayer(model)
  const metadata = { keras_version: KERAS_VERSION, date_saved: dateSaved(), kx_version: KX_VERSION }
  const weights = await weightsH5Bytes(model)
  return writeZip([
    [METADATA, utf8Encode(JSON.stringify(metadata))],
    [CONFIG, utf8Encode(JSON.stringify(config))],
    [WEIGHTS_H5, weights],
    ...assetMembers(model),
  ])
}

// ---- reading -----------------------------------------------------------------------------------

/** Options of loading a model. */
export interface LoadModelOptions {
  /** Classes for custom layers/models (`{ ClassName: Class }`), checked before the registry. */
  readonly customObjects?: CustomObjects
  /** Compile the model from its stored compile config when a trainer is registered (default true). */
  readonly compile?: boolean
  /**
   * Keras's safe mode (default true): refuses `Lambda` layers. With `false`, Lambdas whose function
   * is registered by name are restored; kx never runs code from a file, in either mode.
   */
  readonly safeMode?: boolean
  /** Limits for archive members. */
  readonly limits?: ZipLimits
  /** Receives warnings (default `console.warn`). */
  readonly warn?: (message: string) => void
}

/** Default cap on the weights a config from a file may create when no weights file bounds it (2^28 values). */
export const DEFAULT_MAX_WEIGHT_ELEMENTS = 2 ** 28

/**
 * Rebuilds a model from a parsed config (with a typed error naming the file). Weight creation is
 * capped at `maxElements` values in total, so a config declaring absurd sizes fails fast instead
 * of allocating without bound.
 */
export function modelFromConfig(config: unknown, where: string, customObjects?: CustomObjects, maxElements = DEFAULT_MAX_WEIGHT_ELEMENTS, safeMode = true): Layer {
  const proto = LayerClass.prototype as { addWeight: LayerClass['addWeight'] }
  const original = proto.addWeight
  let total = 0
  // NOTE: deserialization is synchronous, so this guard sees exactly the weights this config creates.
  proto.addWeight = function guardedAddWeight(this: LayerClass, options) {
    let n = 1
    for (const d of options.shape) n *= Number.isSafeInteger(d) && d >= 0 ? d : Infinity
    total += n
    if (!(total <= maxElements)) {
      throw new FileFormatError(`${where}: layer "${this.name}" would create weight ${fmt(options.name ?? '')} of shape ${fmt(options.shape)}, more values than the file can hold (${maxElements}); the config is corrupt or hostile.`)
    }
    return original.call(this, options)
  }
  try {
    return withSafeMode(safeMode, () => deserializeLayer(config, customObjects))
  } catch (e) {
    if (e instanceof KxError) {
      const Ctor = e.constructor as new (m: string) => KxError
      throw new Ctor(e.message.startsWith(where) ? e.message : `${where}: ${e.message}`)
    }
    // NOTE: a config from a file is untrusted input: any other failure while rebuilding it is a bad file.
    if (e instanceof Error) throw new FileFormatError(`${where}: the model config is invalid (${e.name}: ${e.message}).`)
    throw e
  } finally {
    proto.addWeight = original
  }
}

/** The weight budget for a model whose weights take `bytes` bytes in a file (every value takes at least one byte). */
export function budgetFor(bytes: number): number { return Math.max(1 << 20, 2 * bytes) }

/** Loads a `.keras` archive from bytes. */
export async function loadKerasBytes(bytes: Uint8Array, label: string, options: LoadModelOptions = {}): Promise<Layer> {
  const warn = options.warn ?? ((m: string) => console.warn(m))
  const zip = ZipReader.open(bytes, label, options.limits)
  if (!zip.has(CONFIG)) throw new FileFormatError(`${label} has no ${CONFIG}; it is not a Keras model archive. Members: ${fmt(zip.names().slice(0, 20))}`)
  const config = expectObject(parseJson(await zip.read(CONFIG, MAX_CONFIG_BYTES), `${label}:${CONFIG}`), `${label}:${CONFIG}`)
  await prepareLayerClasses(config)
  const weightsEntry = zip.entry(WEIGHTS_H5)
  const model = modelFromConfig(config, `${label}:${CONFIG}`, options.customObjects, weightsEntry ? budgetFor(weightsEntry.size) : DEFAULT_MAX_WEIGHT_ELEMENTS, options.safeMode ?? true)
  if ((options.compile ?? true) && config['compile_config']) applyCompileConfig(model, config['compile_config'], warn)
  if (zip.has(WEIGHTS_H5)) {
    const reader = await H5Reader.open(await zip.read(WEIGHTS_H5), `${label}:${WEIGHTS_H5}`)
    try {
      loadState(model, new H5ReadStore(reader), { warn })
    } finally {
      reader.close()
    }
    await loadAssets(model, zip)
  } else if (zip.has(WEIGHTS_NPZ)) {
    throw new FileFormatError(`${label} stores its weights as ${WEIGHTS_NPZ}; kx reads the default HDF5 weights only. Re-save it in Python with \`model.save(path)\` (weights_format="h5").`)
  } else {
    throw new FileFormatError(`${label}: expected a ${WEIGHTS_H5} file in the archive. Members: ${fmt(zip.names().slice(0, 20))}`)
  }
  return model
}

/** Loads Keras 3 weights (an open HDF5 store) into a built model. */
export function loadWeightsFromStore(model: Layer, store: WeightsReadStore, options: LoadStateOptions = {}): void {
  loadState(model, store, options)
}

/** Reads the `config.json` and `metadata.json` of a `.keras` archive without building anything. */
export async function readKerasArchive(bytes: Uint8Array, label: string, limits?: ZipLimits): Promise<{ zip: ZipReader; config: Record<string, unknown>; metadata: Record<string, unknown> }> {
  const zip = ZipReader.open(bytes, label, limits)
  const config = zip.has(CONFIG) ? expectObject(parseJson(await zip.read(CONFIG, MAX_CONFIG_BYTES), `${label}:${CONFIG}`), `${label}:${CONFIG}`) : {}
  const metadata = zip.has(METADATA) ? expectObject(parseJson(await zip.read(METADATA, 1 << 20), `${label}:${METADATA}`), `${label}:${METADATA}`) : {}
  return { zip, config, metadata }
}

export { CONFIG as KERAS_CONFIG_MEMBER, METADATA as KERAS_METADATA_MEMBER, WEIGHTS_H5 as KERAS_WEIGHTS_MEMBER }
