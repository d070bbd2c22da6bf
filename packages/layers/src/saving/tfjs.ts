/**
 * @file TF.js layers models: `model.json` (`modelTopology` + `weightsManifest`) with its `.bin`
 * weight files, read with TF.js semantics (Keras 2 defaults, quantized uint8/uint16/float16
 * weights dequantized) and written in the Keras 2 style tfjs-layers reads. TF.js IO handlers
 * (`{load()}` / `{save(artifacts)}`) work too.
 */
import { FileFormatError, InvalidArgumentError, ShapeError, fmt, full, tensor, tidy, type TypedArray, type Variable } from '@kx/core'
import type { Layer } from '../engine/Layer.js'
import { Model } from '../engine/Model.js'
import { FormatCannotExpressError } from './errors.js'
import { mergedWeightsOf, savedValueOf, stateOutsideVariables } from './stateWalk.js'
import { prepareLayerClasses, serializeLayer } from './serializeLib.js'
import { checkedSize, floatToHalf, halfToFloat, sameShape } from './hostData.js'
import { folderSink, toSource, utf8Encode, type FileSink, type FileSource, type LoadSource } from './io.js'
import { expectObject, parseJson } from './json.js'
import { budgetFor, modelFromConfig, KX_VERSION, type LoadModelOptions } from './kerasFile.js'
import { toLegacyConfig, upgradeLegacyConfig } from './legacyConfig.js'

/** One entry of a TF.js weights manifest. */
export interface WeightSpec {
  name: string
  shape: number[]
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64'
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; min?: number; scale?: number; original_dtype?: string }
}

/** What a TF.js IO handler's `load()` returns (the parts kx uses). */
export interface ModelArtifacts {
  modelTopology?: unknown
  weightSpecs?: WeightSpec[]
  weightData?: ArrayBuffer | ArrayBuffer[]
  format?: string
  generatedBy?: string
  convertedBy?: string | null
}

/** A TF.js IO handler (`tf.io.IOHandler`): kx calls `load()` or `save(artifacts)`. */
export interface TfjsIOHandler {
  load?(): Promise<ModelArtifacts>
  save?(artifacts: ModelArtifacts): Promise<unknown>
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 }

function checkSpec(w: unknown, where: string): WeightSpec {
  const s = expectObject(w, where) as unknown as WeightSpec
  if (typeof s.name !== 'string') throw new FileFormatError(`${where}: a weight entry has no name.`)
  if (!Array.isArray(s.shape)) throw new FileFormatError(`${where}: weight ${fmt(s.name)} has no shape.`)
  if (!['float32', 'int32', 'bool'].includes(s.dtype)) throw new FileFormatError(`${where}: weight ${fmt(s.name)} has dtype ${fmt(s.dtype)}; kx reads float32, int32 and bool weights.`)
  if (s.quantization && !['uint8', 'uint16', 'float16'].includes(s.quantization.dtype)) throw new FileFormatError(`${where}: weight ${fmt(s.name)} uses an unknown quantization ${fmt(s.quantization.dtype)}.`)
  return s
}

/** Decodes the weights of a manifest group from its concatenated bytes. */
function decodeWeights(specs: readonly WeightSpec[], buf: Uint8Array, where: string): Map<string, { data: Float64Array | Float32Array | Int32Array; shape: number[] }> {
  const out = new Map<string, { data: Float64Array | Float32Array | Int32Array; shape: number[] }>()
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  let offset = 0
  for (const s of specs) {
    const n = checkedSize(s.shape, `${where}: weight ${s.name}`)
    const q = s.quantization
    const size = BYTES[q ? q.dtype : s.dtype]!
    const bytes = n * size
    if (offset + bytes > buf.byteLength) {
      throw new FileFormatError(`${where}: weight ${fmt(s.name)} (${fmt(s.shape)}) needs bytes ${offset}..${offset + bytes}, but the weight files hold only ${buf.byteLength}. A .bin file is truncated or missing.`)
    }
    let data: Float32Array | Int32Array
    if (q) {
      data = new Float32Array(n)
      const min = q.min ?? 0
      const scale = q.scale ?? 1
      if (q.dtype === 'float16') for (let i = 0; i < n; i++) data[i] = halfToFloat(dv.getUint16(offset + 2 * i, true))
      else if (q.dtype === 'uint8') for (let i = 0; i < n; i++) data[i] = dv.getUint8(offset + i) * scale + min
      else for (let i = 0; i < n; i++) data[i] = dv.getUint16(offset + 2 * i, true) * scale + min
      if (s.dtype === 'int32') data = Int32Array.from(data, (v) => Math.round(v))
    } else if (s.dtype === 'float32') {
      data = new Float32Array(buf.slice(offset, offset + bytes).buffer)
    } else if (s.dtype === 'int32') {
      data = new Int32Array(buf.slice(offset, offset + bytes).buffer)
    } else {
      data = Int32Array.from(buf.subarray(offset, offset + bytes))
    }
    if (out.has(s.name)) throw new FileFormatError(`${where}: duplicate weight name ${fmt(s.name)}.`)
    out.set(s.name, { data, shape: s.shape.slice() })
    offset += bytes
  }
  return out
}

/** Assigns TF.js weights to a model: per layer, the entries named `<layer>/...`, in manifest order. */
export function assignTfjsWeights(model: Layer, weights: Map<string, { data: TypedArray; shape: number[] }>, where: string): void {
  const layers = model instanceof Model ? model.layers : [model]
  const used = new Set<string>()
  const names = [...weights.keys()]
  for (const layer of layers) {
    const { stored, factors } = mergedWeightsOf(layer)
    const vars: Variable[] = stored.map((e) => e.variable)
    if (vars.length === 0) continue
    const mine = names.filter((n) => n.startsWith(`${layer.name}/`) && !used.has(n))
    if (mine.length !== vars.length) {
      throw new FileFormatError(`${where}: layer "${layer.name}" (${layer.className}) has ${vars.length} weights, but the manifest holds ${mine.length} entries named "${layer.name}/..." (${fmt(mine)}).`)
    }
    mine.forEach((n, i) => {
      const w = weights.get(n)!
      const v = vars[i]!
      if (!sameShape(w.shape, v.shape)) throw new ShapeError(`${where}: weight ${fmt(n)} has shape ${fmt(w.shape)}, but variable ${v.path} of layer "${layer.name}" has shape ${fmt(v.shape)}.`)
      tidy(() => v.assign(tensor(w.data, { shape: v.shape.slice(), dtype: v.dtype })))
      used.add(n)
    })
    // The stored kernels already hold the LoRA updates (as in .keras): the factors restart at zero.
    tidy(() => { for (const f of factors) f.assign(full(f.shape.slice(), 0, f.dtype)) })
  }
  const unused = names.filter((n) => !used.has(n))
  if (unused.length) throw new FileFormatError(`${where}: ${unused.length} weight(s) in the manifest match no layer of the model: ${fmt(unused.slice(0, 10))}.`)
}

/** Weight values a manifest declares (bounds what its topology may create). */
function manifestBudget(manifest: unknown[], where: string): number {
  let total = 0
  for (const g of manifest) {
    const ws = (g as { weights?: unknown } | null)?.weights
    if (!Array.isArray(ws)) continue
    for (const w of ws) {
      const shape = (w as { shape?: unknown } | null)?.shape
      if (Array.isArray(shape) && shape.every((d) => typeof d === 'number')) total += checkedSize(shape as number[], `${where}: weight ${fmt((w as { name?: unknown }).name)}`)
    }
  }
  return budgetFor(total)
}

function topologyOf(json: Record<string, unknown>, where: string): unknown {
  let topo = json['modelTopology']
  if (topo && typeof topo === 'object' && 'model_config' in (topo as object)) topo = (topo as Record<string, unknown>)['model_config']
  if (typeof topo === 'string') topo = parseJson(topo, `${where}: modelTopology`)
  return expectObject(topo, `${where}: modelTopology`)
}

/** Loads a TF.js layers model from a parsed `model.json` whose `.bin` files sit beside `source`. */
export async function loadLayersModelFromJson(json: Record<string, unknown>, source: FileSource, options: LoadModelOptions = {}): Promise<Layer> {
  const where = source.name
  const manifest = json['weightsManifest'] ?? []
  if (!Array.isArray(manifest)) throw new FileFormatError(`${where}: "weightsManifest" must be a list.`)
  await prepareLayerClasses(json['modelTopology'])
  const model = modelFromConfig(upgradeLegacyConfig(topologyOf(json, where), 'tfjs'), where, options.customObjects, manifestBudget(manifest, where), options.safeMode ?? true)
  const all = new Map<string, { data: TypedArray; shape: number[] }>()
  for (const [gi, group] of manifest.entries()) {
    const g = expectObject(group, `${where}: weightsManifest[${gi}]`)
    const paths = g['paths']
    const specs = g['weights']
    if (!Array.isArray(paths) || !Array.isArray(specs)) throw new FileFormatError(`${where}: weightsManifest[${gi}] needs "paths" and "weights" lists.`)
    if (paths.length && !source.sibling) throw new InvalidArgumentError(`${where}: its weight files ${fmt(paths)} cannot be found from this source; load model.json from a path, a URL or memoryFiles().`)
    const parts: Uint8Array[] = []
    for (const p of paths) parts.push(await source.sibling!(String(p)).read())
    const total = parts.reduce((a, b) => a + b.byteLength, 0)
    const buf = new Uint8Array(total)
    let o = 0
    for (const p of parts) { buf.set(p, o); o += p.byteLength }
    for (const [k, v] of decodeWeights(specs.map((s, i) => checkSpec(s, `${where}: weightsManifest[${gi}].weights[${i}]`)), buf, `${where} (${fmt(paths)})`)) {
      if (all.has(k)) throw new FileFormatError(`${where}: duplicate weight name ${fmt(k)}.`)
      all.set(k, v)
    }
  }
  assignTfjsWeights(model, all, where)
  return model
}

/**
 * Loads a TF.js layers model (tfjs `tf.loadLayersModel`): a `model.json` path or URL, a FileSource,
 * or a TF.js IO handler. TF.js semantics are kept (GRU `reset_after: false`, `hard_sigmoid` = 0.2x + 0.5).
 *
 * @example
 * ```ts
 * const model = await loadLayersModel('web_model/model.json')
 * ```
 */
export async function loadLayersModel(source: LoadSource | TfjsIOHandler, options: LoadModelOptions = {}): Promise<Layer> {
  const h = source as TfjsIOHandler
  if (source && typeof source === 'object' && typeof h.load === 'function') {
    const art = await h.load()
    const where = 'TF.js IO handler'
    await prepareLayerClasses(art.modelTopology)
    const model = modelFromConfig(upgradeLegacyConfig(topologyOf({ modelTopology: art.modelTopology }, where), 'tfjs'), where, options.customObjects, manifestBudget([{ weights: art.weightSpecs ?? [] }], where), options.safeMode ?? true)
    const data = Array.isArray(art.weightData) ? art.weightData : art.weightData ? [art.weightData] : []
    const total = data.reduce((a, b) => a + b.byteLength, 0)
    const buf = new Uint8Array(total)
    let o = 0
    for (const d of data) { buf.set(new Uint8Array(d), o); o += d.byteLength }
    const specs = (art.weightSpecs ?? []).map((s, i) => checkSpec(s, `${where}: weightSpecs[${i}]`))
    assignTfjsWeights(model, decodeWeights(specs, buf, where), where)
    return model
  }
  const src = toSource(source as LoadSource, 'model.json')
  const json = expectObject(parseJson(await src.read(), src.name), src.name)
  if (!('modelTopology' in json)) throw new FileFormatError(`${src.name} is not a TF.js layers model.json (no "modelTopology").`)
  return loadLayersModelFromJson(json, src, options)
}

/** Options of `saveLayersModel`. */
export interface SaveLayersModelOptions {
  /** The JSON file name (default `model.json`). */
  readonly name?: string
  /** The weights file name (default `weights.bin`, TF.js's own default). */
  readonly weightsName?: string
  /** Store float weights quantized (`'uint8'`, `'uint16'` affine; `'float16'`). */
  readonly quantize?: 'uint8' | 'uint16' | 'float16'
}

function encodeWeight(data: TypedArray, dtype: string, quantize?: 'uint8' | 'uint16' | 'float16'): { bytes: Uint8Array; spec: Pick<WeightSpec, 'dtype' | 'quantization'> } {
  const isInt = dtype.startsWith('int') || dtype.startsWith('uint')
  if (dtype === 'bool') return { bytes: Uint8Array.from(data as ArrayLike<number>), spec: { dtype: 'bool' } }
  if (isInt) return { bytes: new Uint8Array(Int32Array.from(data as ArrayLike<number>).buffer), spec: { dtype: 'int32' } }
  if (!quantize) return { bytes: new Uint8Array(Float32Array.from(data as ArrayLike<number>).buffer), spec: { dtype: 'float32' } }
  const n = data.length
  if (quantize === 'float16') {
    const u = new Uint16Array(n)
    for (let i = 0; i < n; i++) u[i] = floatToHalf(data[i]!)
    return { bytes: new Uint8Array(u.buffer), spec: { dtype: 'float32', quantization: { dtype: 'float16' } } }
  }
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < n; i++) { const v = data[i]!; if (v < min) min = v; if (v > max) max = v }
  if (n === 0) { min = 0; max = 0 }
  const levels = quantize === 'uint8' ? 255 : 65535
  const scale = max > min ? (max - min) / levels : 1
  const q = quantize === 'uint8' ? new Uint8Array(n) : new Uint16Array(n)
  for (let i = 0; i < n; i++) q[i] = Math.min(levels, Math.max(0, Math.round((data[i]! - min) / scale)))
  return { bytes: new Uint8Array(q.buffer), spec: { dtype: 'float32', quantization: { dtype: quantize, min, scale } } }
}

/**
 * The TF.js artifacts of a model (topology in Keras 2 style, weights in layer order).
 *
 * @example
 * ```ts
 * const { topology, specs, data } = await layersModelArtifacts(model, { quantize: 'float16' })
 * ```
 */
export async function layersModelArtifacts(model: Layer, options: SaveLayersModelOptions = {}): Promise<{ topology: Record<string, unknown>; specs: WeightSpec[]; data: Uint8Array }> {
  const why = stateOutsideVariables(model)
  if (why) throw new FormatCannotExpressError(`TF.js layers files hold variables only, but ${why}. Save as .keras instead.`)
  const env = serializeLayer(model)
  const topology = { ...(toLegacyConfig(env) as Record<string, unknown>), keras_version: `kx ${KX_VERSION}`, backend: 'kx' }
  const layers = model instanceof Model ? model.layers : [model]
  const specs: WeightSpec[] = []
  const chunks: Uint8Array[] = []
  const seen = new Set<string>()
  for (const layer of layers) {
    for (const { variable: v, owner } of mergedWeightsOf(layer).stored) {
      let name = `${layer.name}/${v.name}`
      if (seen.has(name)) name = `${layer.name}/${v.path}`
      if (seen.has(name)) throw new InvalidArgumentError(`Two weights of layer "${layer.name}" share the name ${fmt(name)}; TF.js files need unique weight names.`)
      seen.add(name)
      if (v.dtype === 'float64') throw new FormatCannotExpressError(`TF.js layers files store float weights as float32; variable ${fmt(v.path)} of layer "${layer.name}" is float64. Save as .keras or .weights.h5 instead, or use a float32 dtype policy.`)
      const { bytes, spec } = encodeWeight(await savedValueOf(owner, v).data(), v.dtype, options.quantize)
      specs.push({ name, shape: v.shape.slice(), ...spec })
      chunks.push(bytes)
    }
  }
  const total = chunks.reduce((a, b) => a + b.byteLength, 0)
  const data = new Uint8Array(total)
  let o = 0
  for (const c of chunks) { data.set(c, o); o += c.byteLength }
  return { topology, specs, data }
}

/**
 * Saves a model in the TF.js layers format (`model.json` + `weights.bin`) that
 * `tf.loadLayersModel` reads: to a folder (Node), a FileSink, or a TF.js IO handler.
 *
 * @example
 * ```ts
 * await saveLayersModel(model, 'web_model/')  // web_model/model.json, web_model/weights.bin
 * ```
 */
export async function saveLayersModel(model: Layer, target: string | FileSink | TfjsIOHandler, options: SaveLayersModelOptions = {}): Promise<void> {
  const { topology, specs, data } = await layersModelArtifacts(model, options)
  const h = target as TfjsIOHandler
  if (target && typeof target === 'object' && typeof h.save === 'function' && typeof (target as FileSink).write !== 'function') {
    await h.save({ modelTopology: topology, weightSpecs: specs, weightData: data.slice().buffer, format: 'layers-model', generatedBy: `kx ${KX_VERSION}`, convertedBy: null })
    return
  }
  let sink: FileSink
  let jsonName = options.name ?? 'model.json'
  if (typeof target === 'string') {
    if (target.endsWith('.json')) {
      const slash = Math.max(target.lastIndexOf('/'), target.lastIndexOf('\\'))
      jsonName = target.slice(slash + 1)
      sink = folderSink(slash >= 0 ? target.slice(0, slash) || '/' : '.')
    } else {
      sink = folderSink(target)
    }
  } else {
    sink = target as FileSink
  }
  const weightsName = options.weightsName ?? 'weights.bin'
  const json = {
    modelTopology: topology,
    weightsManifest: [{ paths: [weightsName], weights: specs }],
    format: 'layers-model',
    generatedBy: `kx ${KX_VERSION}`,
    convertedBy: null,
  }
  await sink.write(weightsName, data)
  await sink.write(jsonName, utf8Encode(JSON.stringify(json)))
}
