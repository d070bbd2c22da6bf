/**
 * @file Layer and model configs in Keras 3's JSON format (`serialize_keras_object` /
 * `deserialize_keras_object`), including Functional graphs (`inbound_nodes`, `__keras_tensor__`).
 */
import { FileFormatError, InvalidArgumentError, KerasTensor, Tensor, fmt, treeFlatten, treeUnflatten } from '@kx/core'
import { Layer } from '../engine/Layer.js'
import { Functional, Model } from '../engine/Model.js'
import { Sequential } from '../engine/Sequential.js'
import { InputLayer } from '../engine/InputLayer.js'
import { historyOf } from '../engine/Node.js'
import { asEnvelope, layerRegistry, registeredNameOf, sanitize, type CustomObjects, type Deserializable, type KerasEnvelope } from '../engine/serialization.js'
import { installSerializeModelHook, registerBuiltinsIfLoaded } from '../engine/hooks.js'
import { OperationLayer, registerOperationLayers } from './opLayers.js'

const isTensor = (v: unknown): v is Tensor => v instanceof Tensor

function moduleOf(layer: Layer): string {
  if (layer instanceof Functional) return 'keras.src.models.functional'
  if (layer instanceof Sequential) return 'keras'
  if (layer instanceof Model) return 'keras.src.models.model'
  return 'keras.layers'
}

/**
 * Serializes a layer or model to Keras's envelope (`module`, `class_name`, `config`,
 * `registered_name`, `build_config`).
 *
 * @example
 * ```ts
 * const env = serializeLayer(new Dense({ units: 2 }))
 * ```
 */
export function serializeLayer(layer: Layer): KerasEnvelope {
  const registered = registeredNameOf(layer.constructor)
  const env: Record<string, unknown> = {
    module: registered ? registered.split('>')[0] : moduleOf(layer),
    class_name: layer.className,
    config: layer instanceof Functional ? functionalConfig(layer) : layer instanceof Sequential ? sequentialConfig(layer) : layer.getConfig(),
    registered_name: registered ?? (layer instanceof Functional ? 'Functional' : null),
  }
  const build = layer instanceof Functional ? { input_shape: null } : layer.getBuildConfig()
  if (build && !(layer instanceof InputLayer)) env['build_config'] = build
  return env as unknown as KerasEnvelope
}

let layerClassLoader: ((config: unknown) => Promise<void>) | undefined

/**
 * @internal Installed by the `@kx/layers/saving` entry (`index-saving.ts`): the loader that imports the
 * built-in layer modules a config names. Not installed by the package root, so a bundle that never
 * loads models by name keeps no layer module it does not import.
 */
export function installLayerClassLoader(fn: (config: unknown) => Promise<void>): void { layerClassLoader = fn }

/**
 * @internal Awaited by the file loaders before they rebuild a model (deserialization itself is
 * synchronous): imports the layer classes the config names when the lazy loader is installed.
 */
export async function prepareLayerClasses(config: unknown): Promise<void> { await layerClassLoader?.(config) }

let engineClassesRegistered = false
/** Registers the engine's classes (already loaded by this module) unless a class holds the name. */
function registerEngineClasses(): void {
  if (engineClassesRegistered) return
  engineClassesRegistered = true
  const engine: [Deserializable, string][] = [[InputLayer, 'InputLayer'], [Functional, 'Functional'], [Model, 'Model'], [Sequential, 'Sequential']]
  for (const [cls, name] of engine) if (!layerRegistry.has(name)) layerRegistry.register(cls, name)
}

/**
 * Rebuilds a layer or model from a Keras envelope (built-ins and registered classes only). The layer
 * zoo's classes must be registered: where the package root is loaded unbundled (Node) they register on
 * first use; in a bundle, `registerBuiltinLayers()` registers them all and `await loadLayerClasses(config)`
 * those a config names (`loadModel` from `@kx/layers/saving` does it itself).
 *
 * @example
 * ```ts
 * registerBuiltinLayers()
 * const layer = deserializeLayer({ class_name: 'Dense', config: { units: 2 } })
 * ```
 */
export function deserializeLayer(config: unknown, customObjects?: CustomObjects): Layer {
  registerEngineClasses()
  // NOTE: the layer zoo registers through a hook (when `registerBuiltinLayers`'s module is loaded), so
  // this module never imports the zoo (Wrapper layers import this module; an import back would be a cycle).
  registerBuiltinsIfLoaded()
  const env = asEnvelope(sanitize(config), 'layer')
  let layer: Layer
  if (env.class_name === 'Functional' || (env.class_name === 'Model' && Array.isArray((env.config as Record<string, unknown>)['layers']))) {
    layer = functionalFromConfig(env.config, customObjects)
  } else if (env.class_name === 'Sequential') {
    layer = sequentialFromConfig(env.config, customObjects)
  } else {
    layer = deserializeRegistered(env, customObjects)
    if (env.build_config && !layer.built) layer.buildFromConfig(env.build_config as Record<string, unknown>)
  }
  return layer
}

function deserializeRegistered(env: KerasEnvelope, customObjects?: CustomObjects): Layer {
  try {
    return layerRegistry.deserialize(env, customObjects) as Layer
  } catch (e) {
    // NOTE: in a bundle the layer zoo registers only on request, so say how next to "Unknown layer".
    if (e instanceof InvalidArgumentError && e.message.startsWith('Unknown layer')) {
      throw new InvalidArgumentError(`${e.message}. If it is a built-in layer in a bundled app, register the built-ins first: \`registerBuiltinLayers()\` (all of them), or \`await loadLayerClasses(config)\` from '@kx/layers/saving' (those the config names; that entry's \`loadModel\` does it itself).`)
    }
    throw e
  }
}

// ---- Sequential ------------------------------------------------------------------------------
function sequentialConfig(model: Sequential): Record<string, unknown> {
  const layers: KerasEnvelope[] = []
  if (model.inputLayer) layers.push(serializeLayer(model.inputLayer))
  for (const l of model.layers) layers.push(serializeLayer(l))
  const c: Record<string, unknown> = { ...model.getConfig(), layers }
  delete c['batch_input_shape']
  if (model.inputLayer) c['build_input_shape'] = model.inputLayer.batchShape.slice()
  return c
}

function sequentialFromConfig(config: Record<string, unknown>, custom?: CustomObjects): Sequential {
  const layersCfg = config['layers']
  if (!Array.isArray(layersCfg)) throw new FileFormatError(`Sequential config needs a "layers" list. Received: layers=${fmt(layersCfg)}`)
  const model = new Sequential({ name: typeof config['name'] === 'string' ? config['name'] : undefined, trainable: config['trainable'] !== false })
  for (const lc of layersCfg) model.add(deserializeLayer(lc, custom), false)
  const bis = config['build_input_shape']
  if (Array.isArray(bis) && !model.inputLayer) model.build(bis)
  else model.add(model.pop(false), true)
  return model
}

// ---- Functional ------------------------------------------------------------------------------
type History3 = [string, number, number]

function historyTriple(model: Functional, t: KerasTensor): History3 {
  const h = historyOf(t)!
  return [h.layer.name, model.nodeIndexInModel(h.layer.inboundNodes[h.nodeIndex]!), h.tensorIndex]
}

function structureOf(model: Functional, value: unknown): unknown {
  if (value instanceof KerasTensor) return historyTriple(model, value)
  if (Array.isArray(value)) return value.map((v) => structureOf(model, v))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, structureOf(model, v)]))
  return value
}

function serializeArg(model: Functional, value: unknown): unknown {
  if (value instanceof KerasTensor) {
    return { class_name: '__keras_tensor__', config: { shape: value.symbolicShape.slice(), dtype: value.dtype, keras_history: historyTriple(model, value) } }
  }
  if (value instanceof Tensor) throw new InvalidArgumentError('Cannot serialize a model whose graph captures a concrete tensor as a layer argument.')
  if (Array.isArray(value)) return value.map((v) => serializeArg(model, v))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, serializeArg(model, v)]))
  return value
}

function functionalConfig(model: Functional): Record<string, unknown> {
  const layers = model.layers.map((layer) => {
    const env = serializeLayer(layer) as Record<string, unknown>
    const nodes = layer.inboundNodes.filter((n) => model.nodes.includes(n) && !n.isInput)
    return { ...env, name: layer.name, inbound_nodes: nodes.map((n) => ({ args: [serializeArg(model, n.callArgs)], kwargs: serializeArg(model, n.callKwargs) })) }
  })
  return {
    name: model.name,
    trainable: model.trainable,
    layers,
    input_layers: structureOf(model, treeUnflatten(model.inputStructure, model.inputs)),
    output_layers: structureOf(model, treeUnflatten(model.outputStructure, model.outputs)),
  }
}

const isTriple = (v: unknown): v is History3 => Array.isArray(v) && v.length === 3 && typeof v[0] === 'string' && typeof v[1] === 'number'

/** Rebuilds a Functional model from its config, creating layers then replaying nodes until all are placed. */
function functionalFromConfig(config: Record<string, unknown>, custom?: CustomObjects): Functional {
  registerOperationLayers()
  const layerCfgs = config['layers']
  if (!Array.isArray(layerCfgs)) throw new FileFormatError(`Functional config needs a "layers" list. Received: layers=${fmt(layerCfgs)}`)
  const created = new Map<string, Layer>()
  const pending: { layer: Layer; nodes: unknown[] }[] = []
  for (const lc of layerCfgs) {
    const env = asEnvelope(lc, 'layer') as KerasEnvelope & { name?: string; inbound_nodes?: unknown }
    const { inbound_nodes: nodes, name: _n, ...rest } = env
    const layer = deserializeLayer(rest, custom)
    const name = typeof env.name === 'string' ? env.name : layer.name
    if (created.has(name)) throw new FileFormatError(`Duplicate layer name "${name}" in a Functional config.`)
    created.set(name, layer)
    // NOTE: legacyNodes converts Keras 2 list-style nodes and passes Keras 3 `{args, kwargs}` nodes through.
    pending.push({ layer, nodes: legacyNodes(nodes) })
  }
  // tensors produced so far: "layer/node/tensor" → KerasTensor
  const produced = new Map<string, KerasTensor>()
  const nodeCount = new Map<Layer, number>()
  for (const { layer } of pending) {
    if (layer instanceof InputLayer) { produced.set(`${layer.name}/0/0`, layer.output); nodeCount.set(layer, 1) }
  }
  const resolve = (v: unknown): unknown => {
    if (v && typeof v === 'object' && !Array.isArray(v) && (v as { class_name?: unknown }).class_name === '__keras_tensor__') {
      const h = ((v as { config?: { keras_history?: unknown } }).config?.keras_history)
      if (!isTriple(h)) throw new FileFormatError(`Invalid keras_history in a Functional config. Received: ${fmt(h)}`)
      const t = produced.get(`${h[0]}/${h[1]}/${h[2]}`)
      if (!t) throw new MissingInput()
      return t
    }
    if (isTriple(v) && created.has(v[0])) {
      const t = produced.get(`${v[0]}/${v[1]}/${v[2]}`)
      if (!t) throw new MissingInput()
      return t
    }
    if (Array.isArray(v)) return v.map(resolve)
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]))
    return v
  }
  let progress = true
  const queue = pending.filter((p) => !(p.layer instanceof InputLayer)).flatMap((p) => p.nodes.map((n) => ({ layer: p.layer, node: n })))
  while (queue.length && progress) {
    progress = false
    for (let i = 0; i < queue.length; i++) {
      const { layer, node } = queue[i]!
      let args: unknown
      let kwargs: Record<string, unknown>
      try {
        const n = node as { args?: unknown[]; kwargs?: Record<string, unknown> }
        args = resolve(n.args ?? [])
        kwargs = resolve(n.kwargs ?? {}) as Record<string, unknown>
      } catch (e) {
        if (e instanceof MissingInput) continue
        throw e
      }
      let argList = args as unknown[]
      if (layer instanceof OperationLayer) argList = layer.bindArgs(argList, isTensor)
      const out = layer.apply(argList.length === 1 ? argList[0] : argList, kwargs)
      const [outs] = treeFlatten(out, isTensor)
      const idx = nodeCount.get(layer) ?? 0
      nodeCount.set(layer, idx + 1)
      outs.forEach((t, j) => produced.set(`${layer.name}/${idx}/${j}`, t as KerasTensor))
      queue.splice(i, 1)
      i--
      progress = true
    }
  }
  if (queue.length) throw new FileFormatError(`Functional config is disconnected: could not place ${queue.length} layer call(s), e.g. layer "${queue[0]!.layer.name}".`)
  // NOTE: like Keras, a one-element list of inputs/outputs (Keras 2 configs) means a single tensor.
  const unwrap1 = (v: unknown): unknown => (Array.isArray(v) && v.length === 1 ? v[0] : v)
  const inputs = unwrap1(resolve(config['input_layers']))
  const outputs = unwrap1(resolve(config['output_layers']))
  return new Functional({ name: typeof config['name'] === 'string' ? config['name'] : undefined, trainable: config['trainable'] !== false, inputs, outputs })
}

class MissingInput extends Error {}

/** Keras 2 inbound nodes: `[[[name, node, tensor, kwargs], ...]]` → Keras 3 `{args, kwargs}`. */
function legacyNodes(nodes: unknown): unknown[] {
  if (!Array.isArray(nodes)) return []
  return nodes.map((node) => {
    if (!Array.isArray(node)) return node
    const tensors = node.map((entry) => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new FileFormatError(`Invalid legacy inbound node entry. Received: ${fmt(entry)}`)
      return [entry[0], entry[1] ?? 0, entry[2] ?? 0]
    })
    const kwargs = (Array.isArray(node[0]) && node[0][3] && typeof node[0][3] === 'object') ? node[0][3] : {}
    return { args: [tensors.length === 1 ? tensors[0] : tensors], kwargs }
  })
}

/**
 * A new model with the same architecture and freshly initialized weights (Keras `clone_model`):
 * rebuilt from the model's config.
 *
 * @example
 * ```ts
 * const copy = cloneModel(model)
 * copy.setWeights(await model.getWeights())
 * ```
 */
export function cloneModel<T extends Layer>(model: T): T {
  return deserializeLayer(JSON.parse(JSON.stringify(serializeLayer(model)))) as T
}

installSerializeModelHook((m) => serializeLayer(m as Layer))
