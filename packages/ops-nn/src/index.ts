/**
 * @kx/ops-nn: `keras.ops.nn` (activations, convolutions, pooling, normalization, cross-entropies,
 * attention, CTC, encodings) and `keras.ops.image`, written once as compositions of the @kx/core
 * primitives. Fused composites (softmax, log-softmax, matmul/conv + bias + activation, layer norm,
 * attention) run a backend's kernel when it has one.
 *
 * @packageDocumentation
 */
// NOTE: only `export *` lines. esbuild keeps a barrel with its own code or named re-exports in the bundle and
// then assigns every module it imports to the chunks of everything that imports the barrel, so a lazy layer
// chunk would carry all of ops-nn. Modules with internal exports go through a facade in `public/`.
export * from './public/activations.js'
export * from './conv.js'
export * from './fused.js'
export * from './pooling.js'
export * from './normalization.js'
export * from './normalize.js'
export * from './losses.js'
export * from './attention.js'
export * from './ctc.js'
export * from './misc.js'
export * from './public/image.js'
export * from './public/nn.js'
export * from './coverage.js'
export type { TensorLike } from '@kx/ops-numpy'
