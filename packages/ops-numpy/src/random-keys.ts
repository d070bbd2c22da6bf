/**
 * @file The samplers' shared helpers for `keras.random`: dtype and shape arguments, constants, and the uniform
 * draw of one key. Key splitting, per-key draws and the rejection loops are in random-draws.ts.
 */
import { InvalidArgumentError, checkShape, floatx, isFloat, lax } from '@kx/core'
import type { DType, Tensor } from '@kx/core'
import { standardizeDType, type DTypeLike } from './convert.js'
import { broadcastTo, scalar } from './promote.js'

/** The float dtype of a sampler (floatx when omitted); integer dtypes are refused. */
export function floatDType(d: DTypeLike | null | undefined, op: string): DType {
  const out = standardizeDType(d, op) ?? floatx()
  if (!isFloat(out)) throw new InvalidArgumentError(`\`${op}\` draws floating-point dtypes only. Received: dtype=${out}`)
  return out
}

/** A sampler's `shape` argument as a checked list of dims. */
export const shapeOf = (s: number | readonly number[], op: string): number[] => checkShape(typeof s === 'number' ? [s] : s.slice(), op)

/** A constant of shape `s` on `on`'s backend (the active one for symbolic tensors). */
export const constant = (v: number | boolean, d: DType, s: readonly number[], on?: Tensor): Tensor => broadcastTo(scalar(v, d, on), s)

/** float32's nextafter(-1, 0), float16's and bfloat16's: jax.random.normal's lower bound. */
export function justAboveMinusOne(d: DType): number {
  if (d === 'float16') return -(1 - 2 ** -11)
  if (d === 'bfloat16') return -(1 - 2 ** -8)
  if (d === 'float64') return -(1 - 2 ** -53)
  return -(1 - 2 ** -24)
}

/** @internal `jax.random.uniform` on `[minval, maxval)` in `dtype` from a key. */
export function uniformFromKey(key: Tensor, shape: readonly number[], dtype: DType, minval: number, maxval: number): Tensor {
  const u = lax.randomUniform(key, shape, dtype)
  // jax: max(minval, u · (maxval - minval) + minval), in the output dtype
  const span = lax.sub(constant(maxval, dtype, shape, key), constant(minval, dtype, shape, key))
  return lax.max(constant(minval, dtype, shape, key), lax.add(lax.mul(u, span), constant(minval, dtype, shape, key)))
}
