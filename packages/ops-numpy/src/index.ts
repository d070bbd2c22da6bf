/**
 * @kx/ops-numpy: Keras 3's `keras.ops` NumPy, linalg, math and core ops and `keras.random`,
 * written once as compositions of `@kx/core` primitives, so they run eagerly on every backend,
 * infer shapes on symbolic tensors, and differentiate through core's autodiff.
 *
 * Calling convention: tensor arguments are positional (JS numbers and booleans are weak scalars),
 * required non-tensor arguments are positional, and arguments with defaults go in one trailing
 * options object with Keras's names camelCased: `sum(x, { axis: 1, keepdims: true })`.
 *
 * @packageDocumentation
 */
// NOTE: only `export *` lines. esbuild keeps a barrel with its own code or named re-exports in the bundle and
// then assigns every module it imports to the chunks of everything that imports the barrel, so the first chunk
// of an app would carry every op any lazy layer uses. Modules with internal exports go through a facade in
// `public/`; rarely used ops sit in their own modules (`*-more.ts`, take.ts, stack-split.ts, ...) for the same reason.
export * from './public/convert.js'
export * from './public/elementwise.js'
export * from './arithmetic.js'
export * from './logical-bitwise.js'
export * from './public/reduction.js'
export * from './reduction-more.js'
export * from './public/shape-ops.js'
export * from './public/shape-ops-more.js'
export * from './public/join-split.js'
export * from './stack-split.js'
export * from './public/creation.js'
export * from './public/creation-eye.js'
export * from './public/products.js'
export * from './einsum.js'
export * from './public/indexing.js'
export * from './public/take.js'
export * from './core-ops.js'
export * from './public/random.js'
export * from './public/matrix.js'
export * from './sorting.js'
export * from './statistics.js'
export * from './public/windows.js'
export * from './public/math.js'
export * from './public/linalg.js'
export * from './get-item.js'
export * from './rearrange.js'
export * from './vectorize.js'
export * from './coverage.js'
