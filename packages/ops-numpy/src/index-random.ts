/**
 * `@kx/ops-numpy/random`: the members of the package root's `random` namespace (`keras.random`) as named
 * exports. Import from here to let a bundler keep only the random ops a program calls: a namespace object
 * keeps every member, and with it the rarely used distributions (`gamma`, `beta`, `binomial`).
 *
 * @example
 * ```ts
 * import { SeedGenerator, uniform } from '@kx/ops-numpy/random'
 * const x = uniform([2, 3], { seed: new SeedGenerator(1) })
 * ```
 *
 * @packageDocumentation
 */
// NOTE: only `export *` lines, as in index.ts; public/random-all.ts lists the same modules for the namespace.
export * from './random.js'
export * from './random-more.js'
export * from './random-dists.js'
