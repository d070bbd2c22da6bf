/**
 * @file Random draws for initializers and noise layers, following Keras 3 on JAX step by step
 * (`jax.random.uniform` / `normal` / `truncated_normal` over the `random_uniform` primitive), so a
 * seeded initializer gives Keras-on-JAX's numbers on every kx backend.
 * NOTE: a stop-gap mirror of `ops-numpy`'s `random.*`; swap for its exports once they land.
 */
import { lax, full, isFloat, floatx, DTypeError, SeedGenerator, drawSeed, type DType, type Tensor } from '@kx/core'

export { SeedGenerator, drawSeed }

/** The `seed` argument of random ops: an integer, a SeedGenerator, a key tensor, or null (global generator). */
export type Seed = number | SeedGenerator | Tensor | null | undefined

/** The float closest to `x` from the side of `toward`, in `dtype` (NumPy `nextafter`). */
function nextafter(x: number, toward: number, dtype: DType): number {
  const mant = dtype === 'float64' ? 52 : dtype === 'float16' ? 10 : dtype === 'bfloat16' ? 7 : 23
  // Only used at ±1 and ±2 (powers of two): stepping toward zero halves the ulp.
  const mag = Math.abs(x)
  const e = Math.floor(Math.log2(mag))
  const towardZero = Math.sign(toward - x) === -Math.sign(x)
  const ulp = 2 ** (e - mant - (towardZero && mag === 2 ** e ? 1 : 0))
  return x + Math.sign(toward - x) * ulp
}

function floatDtype(dtype: DType | undefined, op: string): DType {
  const d = dtype ?? floatx()
  if (!isFloat(d)) throw new DTypeError(`\`${op}\` draws floating-point values only. Received: dtype=${d}`)
  return d
}

const c = (value: number, dtype: DType, like: Tensor): Tensor => full([], value, dtype, like.isSymbolic ? undefined : like.backend)
const bcast = (s: Tensor, shape: readonly number[]): Tensor => lax.broadcastInDim(s, shape, [])

/** `jax.random.uniform(key, shape, dtype, minval, maxval)`: `max(minval, u · (maxval − minval) + minval)`. */
function uniformFromKey(key: Tensor, shape: readonly number[], dtype: DType, minval: number, maxval: number): Tensor {
  const u = lax.randomUniform(key, shape, dtype)
  const lo = c(minval, dtype, u)
  const span = lax.sub(c(maxval, dtype, u), lo)
  return lax.max(bcast(lo, shape), lax.add(lax.mul(u, bcast(span, shape)), bcast(lo, shape)))
}

/**
 * Uniform draws in [minval, maxval) (Keras `keras.random.uniform`).
 *
 * @example
 * ```ts
 * const x = uniform([2, 3], { minval: -1, maxval: 1, seed: 42 })
 * ```
 */
export function uniform(shape: readonly number[], options: { minval?: number; maxval?: number; dtype?: DType; seed?: Seed } = {}): Tensor {
  const dtype = floatDtype(options.dtype, 'uniform')
  return uniformFromKey(drawSeed(options.seed), shape, dtype, options.minval ?? 0, options.maxval ?? 1)
}

/** Standard normal draws as JAX makes them: `√2 · erfinv(u)`, u uniform in (−1, 1). */
function standardNormal(key: Tensor, shape: readonly number[], dtype: DType): Tensor {
  const u = uniformFromKey(key, shape, dtype, nextafter(-1, 0, dtype), 1)
  return lax.mul(bcast(c(Math.SQRT2, dtype, u), shape), lax.unary('erf_inv', u))
}

/**
 * Normal draws (Keras `keras.random.normal`): `sample · stddev + mean`.
 *
 * @example
 * ```ts
 * const x = normal([4], { stddev: 0.1, seed: 1 })
 * ```
 */
export function normal(shape: readonly number[], options: { mean?: number; stddev?: number; dtype?: DType; seed?: Seed } = {}): Tensor {
  const dtype = floatDtype(options.dtype, 'normal')
  const s = standardNormal(drawSeed(options.seed), shape, dtype)
  return affine(s, shape, dtype, options.stddev ?? 1, options.mean ?? 0)
}

/**
 * Normal draws truncated to two standard deviations (Keras `keras.random.truncated_normal`, i.e.
 * `jax.random.truncated_normal(key, -2, 2)` then `· stddev + mean`).
 *
 * @example
 * ```ts
 * const x = truncatedNormal([4], { stddev: 0.05, seed: 1 })
 * ```
 */
export function truncatedNormal(shape: readonly number[], options: { mean?: number; stddev?: number; dtype?: DType; seed?: Seed } = {}): Tensor {
  const dtype = floatDtype(options.dtype, 'truncatedNormal')
  const key = drawSeed(options.seed)
  // a = erf(lower / √2), b = erf(upper / √2), computed in `dtype` like JAX.
  const ref = key
  const sqrt2 = c(Math.SQRT2, dtype, ref)
  const a = lax.unary('erf', lax.div(c(-2, dtype, ref), sqrt2))
  const b = lax.unary('erf', lax.div(c(2, dtype, ref), sqrt2))
  const u0 = lax.randomUniform(key, shape, dtype)
  const span = lax.sub(b, a)
  const u = lax.max(bcast(a, shape), lax.add(lax.mul(u0, bcast(span, shape)), bcast(a, shape)))
  const out = lax.mul(bcast(sqrt2, shape), lax.unary('erf_inv', u))
  const clipped = lax.min(lax.max(out, bcast(c(nextafter(-2, Infinity, dtype), dtype, ref), shape)), bcast(c(nextafter(2, -Infinity, dtype), dtype, ref), shape))
  return affine(clipped, shape, dtype, options.stddev ?? 1, options.mean ?? 0)
}

function affine(x: Tensor, shape: readonly number[], dtype: DType, stddev: number, mean: number): Tensor {
  return lax.add(lax.mul(x, bcast(c(stddev, dtype, x), shape)), bcast(c(mean, dtype, x), shape))
}
