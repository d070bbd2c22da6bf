/**
 * `@kx/layers/saving`: Keras `keras.saving` as its own entry point (the same names as the package root's
 * `saving` namespace, plus `loadLayerClasses`). Its loaders (`loadModel`, `loadLayersModel`, legacy
 * `.h5`) import only the layer modules a file's config names, each a lazy chunk, so an inference bundle
 * needs neither `registerBuiltinLayers()` nor the whole layer zoo.
 *
 * @example
 * ```ts
 * import { loadModel } from '@kx/layers/saving'
 * const model = await loadModel(new URL('model.keras', location.href))
 * ```
 *
 * @packageDocumentation
 */
import { installLayerClassLoader } from './saving/serializeLib.js'
import { loadLayerClasses } from './layers/builtins-lazy.js'

// NOTE: a side effect on purpose (package.json lists this file in `sideEffects`): importing this entry is
// how an app opts into lazy layer loading. The package root never imports builtins-lazy, because esbuild
// would put into the first chunk every layer module its dynamic imports reach through the root's re-exports.
installLayerClassLoader(loadLayerClasses)

export * from './saving/index.js'
export { loadLayerClasses } from './layers/builtins-lazy.js'
