/**
 * @file `keras.random`: uniform, normal and truncated normal (randint, categorical, dropout and shuffle are in
 * random-more.ts; gamma, beta and binomial in random-dists.ts). Seeds become Threefry keys exactly as Keras's
 * JAX backend makes them, and every sampler follows `jax.random`'s algorithm (key splits included, through the
 * traceable `threefry2x32` primitive), so a given seed gives Keras-on-JAX's numbers on every kx backend,
 * eagerly and in traced graphs.
 */
import { SeedGenerator, Tensor, drawSeed, lax } from '@kx/core'
import type { DTypeLike } from './convert.js'
import { constant, floatDType, justAboveMinusOne, shapeOf, uniformFromKey } from './random-keys.js'

export { SeedGenerator }

/** A `seed` argument: an integer, a `SeedGenerator`, a key tensor, or nothing (global generator). */
export type Seed = number | SeedGenerator | Tensor | null | undefined

const c = constant

/** Options of `uniform`. */
export interface UniformOptions { readonly minval?: number; readonly maxval?: number; readonly dtype?: DTypeLike | null; readonly seed?: Seed }

/**
 * Uniform samples on `[minval, maxval)` (`keras.random.uniform`).
 *
 * @example
 * ```ts
 * uniform([2, 3], { seed: 42 }) // the numbers of keras.random.uniform((2, 3), seed=42) on JAX
 * ```
 */
export function uniform(shape: number | readonly number[], options: UniformOptions = {}): Tensor {
  const s = shapeOf(shape, 'uniform')
  const d = floatDType(options.dtype, 'uniform')
  const key = drawSeed(options.seed)
  return uniformFromKey(key, s, d, options.minval ?? 0, options.maxval ?? 1)
}

/** Options of `normal` / `truncatedNormal`. */
export interface NormalOptions { readonly mean?: number; readonly stddev?: number; readonly dtype?: DTypeLike | null; readonly seed?: Seed }

/**
 * Normal samples (`keras.random.normal`): `jax.random.normal` (√2 · erfinv of a uniform on
 * (-1, 1)), scaled by `stddev` and shifted by `mean`.
 *
 * @example
 * ```ts
 * normal([4], { mean: 0, stddev: 1, seed: 1 })
 * ```
 */
export function normal(shape: number | readonly number[], options: NormalOptions = {}): Tensor {
  const s = shapeOf(shape, 'normal')
  const d = floatDType(options.dtype, 'normal')
  const key = drawSeed(options.seed)
  const u = uniformFromKey(key, s, d, justAboveMinusOne(d), 1)
  const z = lax.mul(c(Math.SQRT2, d, s, key), lax.unary('erf_inv', u))
  return lax.add(lax.mul(z, c(options.stddev ?? 1, d, s, key)), c(options.mean ?? 0, d, s, key))
}

/**
 * Normal samples truncated to two standard deviations (`keras.random.truncated_normal`), by
 * inverting the CDF on the truncated range as `jax.random.truncated_normal` does.
 *
 * @example
 * ```ts
 * truncatedNormal([4], { seed: 1 }) // all within [-2, 2]
 * ```
 */
export function truncatedNormal(shape: number | readonly number[], options: NormalOptions = {}): Tensor {
  const s = shapeOf(shape, 'truncatedNormal')
  const d = floatDType(options.dtype, 'truncatedNormal')
  const key = drawSeed(options.seed)
  const sqrt2 = c(Math.SQRT2, d, s, key)
  // a = erf(-2/√2), b = erf(2/√2), computed in the dtype as jax does
  const a = lax.unary('erf', lax.div(c(-2, d, s, key), sqrt2))
  const b = lax.unary('erf', lax.div(c(2, d, s, key), sqrt2))
  const u0 = lax.randomUniform(key, s, d)
  const u = lax.max(a, lax.add(lax.mul(u0, lax.sub(b, a)), a))
  let z = lax.mul(sqrt2, lax.unary('erf_inv', u))
  // NOTE: one ulp below 2 (the spacing of [1, 2)): 2^-mantissa bits.
  const eps = d === 'float16' ? 2 ** -10 : d === 'bfloat16' ? 2 ** -7 : d === 'float64' ? 2 ** -52 : 2 ** -23
  // clip to [nextafter(-2, +inf), nextafter(2, -inf)]
  z = lax.min(lax.max(z, c(-2 + eps, d, s, key)), c(2 - eps, d, s, key))
  return lax.add(lax.mul(z, c(options.stddev ?? 1, d, s, key)), c(options.mean ?? 0, d, s, key))
}

