/**
 * @file Configs from older writers: Keras 2 / tf.keras `model.to_json()` and `.h5` `model_config`,
 * and TF.js layers `modelTopology`, read into Keras 3 spellings with their original semantics
 * (GRU without `reset_after` means `reset_after: false`; Keras 2's `hard_sigmoid` is
 * `clip(0.2x + 0.5, 0, 1)`). Also the reverse, Keras 2-style configs for TF.js files.
 */
import { FileFormatError, fmt, type Tensor } from '@kx/core'
import { registerSerializableFunction, lookupSerializableFunction } from '../activations/activations.js'
import { add, clip, multiply as mul } from '@kx/ops-numpy'
import { parseJson } from './json.js'
import { modelFromConfig } from './kerasFile.js'
import type { Layer } from '../engine/Layer.js'
import type { CustomObjects } from '../engine/serialization.js'

/**
 * The registered name of Keras 2 / TF.js `hard_sigmoid` (`clip(0.2x + 0.5, 0, 1)`), the activation
 * legacy configs load with (registered when the first legacy config is read).
 *
 * @example
 * ```ts
 * model.layers[1].getConfig().recurrent_activation // { registered_name: LEGACY_HARD_SIGMOID, ... }
 * ```
 */
export const LEGACY_HARD_SIGMOID = 'kx_legacy>hard_sigmoid'

function ensureLegacyActivations(): void {
  if (lookupSerializableFunction(LEGACY_HARD_SIGMOID)) return
  // NOTE: Keras 2 and TF.js define hard_sigmoid as 0.2x + 0.5 (Keras 3 uses x/6 + 0.5).
  registerSerializableFunction('kx_legacy', 'hard_sigmoid', (x: Tensor) => clip(add(mul(x, 0.2), 0.5), 0, 1))
}

const RNN_CLASSES = new Set(['GRU', 'GRUCell', 'LSTM', 'LSTMCell', 'SimpleRNN', 'SimpleRNNCell', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D'])

/** Which writer produced a config (changes a few defaults). */
export type LegacyFlavor = 'keras2' | 'tfjs'

function isEnvelope(v: unknown): v is { class_name: string; config: Record<string, unknown> } & Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { class_name?: unknown }).class_name === 'string'
}

/**
 * Converts one (possibly nested) legacy config to Keras 3 spellings; returns a new object.
 *
 * @example
 * ```ts
 * const model = deserializeLayer(upgradeLegacyConfig(JSON.parse(tfjsTopology), 'tfjs'))
 * ```
 */
export function upgradeLegacyConfig(config: unknown, flavor: LegacyFlavor): unknown {
  ensureLegacyActivations()
  let root = config
  if (Array.isArray(root)) root = { class_name: 'Sequential', config: { layers: root } }
  return upgrade(root, flavor, 0)
}

function upgrade(v: unknown, flavor: LegacyFlavor, depth: number): unknown {
  if (depth > 64) throw new FileFormatError('Legacy model config nesting is too deep (over 64 levels).')
  if (Array.isArray(v)) return v.map((x) => upgrade(x, flavor, depth + 1))
  if (v === null || typeof v !== 'object') return v
  const obj: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) obj[k] = upgrade(x, flavor, depth + 1)
  if (!isEnvelope(obj)) return obj
  const cls = obj.class_name
  let cfg = obj.config as unknown
  if (cls === 'Sequential' && Array.isArray(cfg)) cfg = { layers: cfg }
  if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) return obj
  const c: Record<string, unknown> = { ...(cfg as Record<string, unknown>) }
  const axis = c['axis']
  if (Array.isArray(axis) && axis.length === 1 && typeof axis[0] === 'number') c['axis'] = axis[0]
  if (RNN_CLASSES.has(cls)) {
    if ((cls === 'GRU' || cls === 'GRUCell') && !('reset_after' in c)) c['reset_after'] = false
    delete c['implementation']
  }
  if (cls === 'Embedding') {
    delete c['input_length']
    if (c['mask_zero'] === null) c['mask_zero'] = false
  }
  if (cls === 'VarianceScaling' && c['distribution'] === 'normal') c['distribution'] = 'truncated_normal'
  for (const key of Object.keys(c)) {
    if ((key === 'activation' || key === 'recurrent_activation') && c[key] === 'hard_sigmoid') {
      c[key] = { module: 'kx_legacy', class_name: 'function', config: 'hard_sigmoid', registered_name: LEGACY_HARD_SIGMOID }
    }
  }
  if (flavor === 'tfjs' && cls === 'Model') obj['class_name'] = 'Functional'
  obj['config'] = c
  return obj
}

/** Whether a parsed config was written by Keras 2, tf.keras or TF.js (rather than Keras 3). */
export function isLegacyConfig(json: Record<string, unknown>): boolean {
  const v = json['keras_version']
  if (typeof v === 'string') return !/^3\./.test(v)
  return !('module' in json)
}

/**
 * Builds a model from `model.to_json()` text (Keras 3, Keras 2 or tf.keras), without weights
 * (Keras `keras.models.model_from_json`); load weights with `loadWeights` afterwards.
 *
 * @example
 * ```ts
 * const model = modelFromJson(await readFile('model.json', 'utf8'))
 * await loadWeights(model, 'weights.h5')
 * ```
 */
export function modelFromJson(json: string | Record<string, unknown>, options: { customObjects?: CustomObjects; safeMode?: boolean } = {}): Layer {
  const where = 'model JSON'
  const parsed = typeof json === 'string' ? parseJson(json, where) : parseJson(JSON.stringify(json), where)
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    if (Array.isArray(parsed)) return modelFromConfig(upgradeLegacyConfig(parsed, 'keras2'), where, options.customObjects, undefined, options.safeMode ?? true)
    throw new FileFormatError(`${where}: expected a JSON object with "class_name" and "config". Received: ${fmt(parsed)}`)
  }
  const obj = parsed as Record<string, unknown>
  const config = isLegacyConfig(obj) ? upgradeLegacyConfig(obj, 'keras2') : obj
  return modelFromConfig(config, where, options.customObjects, undefined, options.safeMode ?? true)
}

// ---- Keras 3 → Keras 2 style (TF.js topology) ------------------------------------------------------

/**
 * A Keras 3 model envelope rewritten in the Keras 2 style TF.js layers reads.
 *
 * @example
 * ```ts
 * const topology = toLegacyConfig(serializeLayer(model))
 * ```
 */
export function toLegacyConfig(env: unknown): unknown {
  return down(env, 0)
}

function dtypeName(d: unknown): unknown {
  if (d && typeof d === 'object' && (d as { class_name?: unknown }).class_name === 'DTypePolicy') return (d as { config?: { name?: unknown } }).config?.name ?? 'float32'
  return d
}

function down(v: unknown, depth: number): unknown {
  if (depth > 64) throw new FileFormatError('Model config nesting is too deep (over 64 levels).')
  if (Array.isArray(v)) return v.map((x) => down(x, depth + 1))
  if (v === null || typeof v !== 'object') return v
  const src = v as Record<string, unknown>
  if (!isEnvelope(src)) {
    const o: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(src)) o[k] = k === 'dtype' ? dtypeName(x) : down(x, depth + 1)
    return o
  }
  if (src.class_name === 'DTypePolicy') return dtypeName(src)
  const out: Record<string, unknown> = { class_name: src.class_name === 'Functional' ? 'Model' : src.class_name }
  const cfg: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(src.config ?? {})) cfg[k] = k === 'dtype' ? dtypeName(x) : down(x, depth + 1)
  if (src.class_name === 'InputLayer') {
    if ('batch_shape' in cfg) { cfg['batch_input_shape'] = cfg['batch_shape']; delete cfg['batch_shape'] }
    delete cfg['optional']
  }
  if (src.class_name === 'Sequential') delete cfg['build_input_shape']
  if (src.class_name === 'Functional' || src.class_name === 'Model') {
    const wrap = (t: unknown): unknown => (Array.isArray(t) && t.length === 3 && typeof t[0] === 'string' ? [t] : t)
    cfg['input_layers'] = wrap(cfg['input_layers'])
    cfg['output_layers'] = wrap(cfg['output_layers'])
  }
  out['config'] = cfg
  if ('name' in src) out['name'] = src['name']
  if ('inbound_nodes' in src) out['inbound_nodes'] = legacyInboundNodes(src['inbound_nodes'])
  return out
}

/** Keras 3 `{args, kwargs}` nodes → Keras 2 `[[[name, nodeIndex, tensorIndex, kwargs], ...]]`. */
function legacyInboundNodes(nodes: unknown): unknown {
  if (!Array.isArray(nodes)) return []
  return nodes.map((node) => {
    if (Array.isArray(node)) return node
    const n = node as { args?: unknown[]; kwargs?: Record<string, unknown> }
    const tensors: unknown[] = []
    const collect = (a: unknown): void => {
      if (Array.isArray(a)) a.forEach(collect)
      else if (a && typeof a === 'object' && (a as { class_name?: unknown }).class_name === '__keras_tensor__') {
        const h = (a as { config?: { keras_history?: unknown[] } }).config?.keras_history ?? []
        tensors.push(h)
      }
    }
    collect(n.args ?? [])
    const kwargs = Object.fromEntries(Object.entries(n.kwargs ?? {}).filter(([, x]) => !(x && typeof x === 'object')))
    return tensors.map((h) => [...(h as unknown[]).slice(0, 3), kwargs])
  })
}
