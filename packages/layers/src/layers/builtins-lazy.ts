/**
 * @file Loads the built-in layer classes a config names, each source module as its own lazy `import()`
 * chunk. The `@kx/layers/saving` entry installs it as the file loaders' layer-class loader (they await it
 * before rebuilding a model), so an inference bundle carries only the layer code its models use.
 */
import { LAYER_MODULES, registerLayerModules, type LayerModuleKey } from './builtins-table.js'

// NOTE: one literal `import()` per module, so bundlers (esbuild, Rollup, webpack) split each into a chunk.
const LOADERS: { [K in LayerModuleKey]: () => Promise<object> } = {
  'core/Dense': () => import('./core/Dense.js'),
  'core/EinsumDense': () => import('./core/EinsumDense.js'),
  'core/simple-layers': () => import('./core/simple-layers.js'),
  'core/Lambda': () => import('./core/Lambda.js'),
  'core/Embedding': () => import('./core/Embedding.js'),
  'activations/activation-layers': () => import('./activations/activation-layers.js'),
  'regularization/dropout': () => import('./regularization/dropout.js'),
  'reshaping/reshape-layers': () => import('./reshaping/reshape-layers.js'),
  'reshaping/padding-cropping': () => import('./reshaping/padding-cropping.js'),
  'reshaping/up-sampling': () => import('./reshaping/up-sampling.js'),
  'merging/merge': () => import('./merging/merge.js'),
  'convolutional/conv': () => import('./convolutional/conv.js'),
  'convolutional/conv-transpose': () => import('./convolutional/conv-transpose.js'),
  'convolutional/depthwise-separable': () => import('./convolutional/depthwise-separable.js'),
  'pooling/pooling': () => import('./pooling/pooling.js'),
  'pooling/global-pooling': () => import('./pooling/global-pooling.js'),
  'pooling/adaptive-pooling': () => import('./pooling/adaptive-pooling.js'),
  'normalization/BatchNormalization': () => import('./normalization/BatchNormalization.js'),
  'normalization/norm-layers': () => import('./normalization/norm-layers.js'),
  'normalization/SpectralNormalization': () => import('./normalization/SpectralNormalization.js'),
  'rnn/RNN': () => import('./rnn/RNN.js'),
  'rnn/StackedRNNCells': () => import('./rnn/StackedRNNCells.js'),
  'rnn/SimpleRNN': () => import('./rnn/SimpleRNN.js'),
  'rnn/GRU': () => import('./rnn/GRU.js'),
  'rnn/LSTM': () => import('./rnn/LSTM.js'),
  'rnn/Bidirectional': () => import('./rnn/Bidirectional.js'),
  'rnn/TimeDistributed': () => import('./rnn/TimeDistributed.js'),
  'rnn/ConvLSTM': () => import('./rnn/ConvLSTM.js'),
  'attention/Attention': () => import('./attention/Attention.js'),
  'attention/MultiHeadAttention': () => import('./attention/MultiHeadAttention.js'),
  'attention/GroupedQueryAttention': () => import('./attention/GroupedQueryAttention.js'),
  'preprocessing/numeric': () => import('./preprocessing/numeric.js'),
  'preprocessing/hashing': () => import('./preprocessing/hashing.js'),
  'preprocessing/lookup': () => import('./preprocessing/lookup.js'),
  'preprocessing/TextVectorization': () => import('./preprocessing/TextVectorization.js'),
  'preprocessing/audio': () => import('./preprocessing/audio.js'),
  'preprocessing/Pipeline': () => import('./preprocessing/Pipeline.js'),
  'preprocessing/image-resize': () => import('./preprocessing/image-resize.js'),
  'preprocessing/image-geometric': () => import('./preprocessing/image-geometric.js'),
  'preprocessing/image-color': () => import('./preprocessing/image-color.js'),
  'preprocessing/image-tone': () => import('./preprocessing/image-tone.js'),
  'preprocessing/image-mix': () => import('./preprocessing/image-mix.js'),
}

let moduleOfName: Map<string, LayerModuleKey> | undefined
function moduleOf(name: string): LayerModuleKey | undefined {
  moduleOfName ??= new Map(Object.entries(LAYER_MODULES).flatMap(([key, classes]) => classes.flat().map((n) => [n, key as LayerModuleKey] as const)))
  return moduleOfName.get(name)
}

/**
 * Every `class_name` string anywhere in a config tree (nested layers, cells, wrappers included), plus `:regularizer` /
 * `:constraint` when a `*_regularizer` / `*_constraint` key holds a value (the modules that resolve those).
 */
function classNamesIn(config: unknown, out = new Set<string>(), depth = 0): Set<string> {
  // NOTE: a depth bound, because the config may come from an untrusted file; real configs nest a few dozen levels.
  if (depth > 512 || config === null || typeof config !== 'object') return out
  if (Array.isArray(config)) {
    for (const v of config) classNamesIn(v, out, depth + 1)
    return out
  }
  for (const [k, v] of Object.entries(config)) {
    if (k === 'class_name' && typeof v === 'string') out.add(v)
    else {
      if (v !== null && v !== undefined && /_(regularizer|constraint)$/.test(k)) out.add(k.endsWith('regularizer') ? ':regularizer' : ':constraint')
      classNamesIn(v, out, depth + 1)
    }
  }
  return out
}

/**
 * Imports and registers the built-in layer classes that a Keras config (an object, or its JSON text)
 * names (`class_name` anywhere in it; other names are ignored), so a synchronous `deserializeLayer` of that
 * config finds them. `loadModel` & co. from `@kx/layers/saving` call it themselves; call it before
 * `deserializeLayer` or `modelFromJson` in a bundled app that does not call `registerBuiltinLayers()`.
 *
 * @example
 * ```ts
 * const config = { class_name: 'Dense', config: { units: 2 } }
 * await loadLayerClasses(config)
 * const layer = deserializeLayer(config)
 * ```
 */
export async function loadLayerClasses(config: unknown): Promise<void> {
  if (typeof config === 'string') {
    // NOTE: unparsable text loads nothing; the caller's own parse reports the bad file.
    try { config = JSON.parse(config) } catch { return }
  }
  const keys = new Set<LayerModuleKey>()
  const names = classNamesIn(config)
  for (const name of names) {
    const key = moduleOf(name)
    if (key) keys.add(key)
  }
  // NOTE: loading these modules installs the hooks through which the layers resolve regularizer / constraint arguments.
  const hookModules = [
    ...(names.has(':regularizer') ? [import('../regularizers/regularizers.js')] : []),
    ...(names.has(':constraint') ? [import('../constraints/constraints.js')] : []),
  ]
  const [loaded] = await Promise.all([Promise.all([...keys].map(async (key) => [key, await LOADERS[key]()] as const)), ...hookModules])
  registerLayerModules(Object.fromEntries(loaded), false)
}

