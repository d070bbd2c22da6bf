/**
 * @file Key splitting and per-key draws (`jax.random.split`, the partitionable bit layout, the loops of the rejection
 * samplers) for random-more.ts and random-dists.ts. Apart from random-keys.ts, which is all uniform / normal need.
 */
import { isTracing, lax, tensor, whileLoop } from '@kx/core'
import type { DType, Tensor } from '@kx/core'
import { broadcastTo, cast } from './promote.js'
import { constant, justAboveMinusOne } from './random-keys.js'

/**
 * `jax.random.split(key, num)` for every key of `keys` (`[..., 2]`, int32 or uint32): `[..., num, 2]`.
 * The counters are `(0, i)` (JAX's partitionable layout, its default).
 */
export function splitKeys(keys: Tensor, num: number): Tensor {
  const batch = keys.shape.slice(0, -1) as number[]
  const out = [...batch, num, 2]
  const words = new Int32Array(2 * num)
  for (let i = 0; i < num; i++) words[2 * i + 1] = i
  const on = keys.isSymbolic ? {} : { backend: keys.backend }
  const counts = cast(tensor(words, { shape: [num, 2], dtype: 'int32', ...on }), keys.dtype)
  const r = batch.length
  const k = lax.broadcastInDim(keys, out, [...batch.map((_, i) => i), r + 1])
  return lax.threefry2x32(k, lax.broadcastInDim(counts, out, [r, r + 1]))
}

/** `jax.random.split(key, num)` of one key (`[2]`), as `num` keys. */
export function splitKey(key: Tensor, num = 2): Tensor[] {
  const all = splitKeys(key, num)
  return Array.from({ length: num }, (_, i) => lax.reshape(lax.slice(all, [i, 0], [i + 1, 2]), [2]))
}

/** Key `i` of a batch of split keys `[..., num, 2]`, as `[..., 2]`. */
export function keyAt(split: Tensor, i: number): Tensor {
  const s = split.shape as number[]
  const r = s.length
  const start = s.map((_, a) => (a === r - 2 ? i : 0))
  const limit = s.map((d, a) => (a === r - 2 ? i + 1 : d))
  return lax.reshape(lax.slice(split, start, limit), [...s.slice(0, -2), 2])
}

/** The xor of the two words of hashed pairs `[..., 2]`: the 32 bits JAX's partitionable layout draws. */
function xorWords(w: Tensor): Tensor {
  const s = w.shape as number[]
  const r = s.length - 1
  const word = (i: number): Tensor => lax.reshape(lax.slice(w, s.map((_, a) => (a === r ? i : 0)), s.map((d, a) => (a === r ? i + 1 : d))), s.slice(0, -1))
  return lax.binary('xor', word(0), word(1))
}

/**
 * The 32 random bits of `jax.random.bits(key, ())` for every key of `keys` (`[..., 2]`), as int32 bit
 * patterns: the xor of the two words hashed from counter (0, 0).
 */
function keyBits(keys: Tensor): Tensor {
  const k = keys.dtype === 'int32' ? keys : lax.bitcastConvertType(keys, 'int32')
  return xorWords(lax.threefry2x32(k, constant(0, 'int32', k.shape as number[], k)))
}

/**
 * `jax.random.bits(key, shape)` (uint32) of one key, as int32 bit patterns, so backends without uint32
 * (tfjs) draw them: the counters `(0, i)` are those of `split(key, size)`.
 */
export function randomBitsInt32(key: Tensor, shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1)
  const k = key.dtype === 'int32' ? key : lax.bitcastConvertType(key, 'int32')
  return lax.reshape(xorWords(splitKeys(k, n)), shape)
}

/**
 * `jax.random.uniform(key, (), dtype)` on [0, 1) for every key of `keys` (`[..., 2]`), bit for bit, in
 * int32 arithmetic only (backends without uint32 run it):
 * - float32 (and float64, which JAX without x64 draws as float32): `(bits >>> 9) · 2^-23`, written as
 *   `(bits & 0x7ffffe00) · 2^-32 + (bits < 0 ? 1/2 : 0)`, exact in float32;
 * - float16: the low 16 bits, `(bits16 >>> 6) · 2^-10`; bfloat16: the low 8 bits, `(bits8 >>> 1) · 2^-7`.
 */
export function keyUniform(keys: Tensor, dtype: DType): Tensor {
  const bits = keyBits(keys)
  const s = bits.shape as number[]
  const masked = (m: number, scale: number): Tensor => lax.mul(cast(lax.binary('and', bits, constant(m, 'int32', s, bits)), 'float32'), constant(scale, 'float32', s, bits))
  let u: Tensor
  if (dtype === 'float16') u = masked(0xffc0, 2 ** -16)
  else if (dtype === 'bfloat16') u = masked(0xfe, 2 ** -8)
  else u = lax.add(masked(0x7ffffe00, 2 ** -32), lax.select(lax.lt(bits, constant(0, 'int32', s, bits)), constant(0.5, 'float32', s, bits), constant(0, 'float32', s, bits)))
  return cast(u, dtype)
}

/** `jax.random.uniform(key, (), dtype, minval, maxval)` per key: `max(minval, u · (maxval - minval) + minval)` in `dtype`. */
export function keyUniformRange(keys: Tensor, dtype: DType, minval: number, maxval: number): Tensor {
  const u = keyUniform(keys, dtype)
  const s = u.shape as number[]
  const lo = constant(minval, dtype, s, u)
  return lax.max(lo, lax.add(lax.mul(u, lax.sub(constant(maxval, dtype, s, u), lo)), lo))
}

/** `jax.random.normal(key, (), dtype)` per key: √2 · erfinv of a uniform on (-1, 1). */
export function keyNormal(keys: Tensor, dtype: DType): Tensor {
  const u = keyUniformRange(keys, dtype, justAboveMinusOne(dtype), 1)
  return lax.mul(constant(Math.SQRT2, dtype, u.shape as number[], u), lax.unary('erf_inv', u))
}

/**
 * `whileLoop` for the samplers' rejection loops. Eagerly on a backend that cannot read a predicate
 * synchronously (WebGPU), it runs `bound` rounds instead, each applied to the whole state only while
 * `cond` holds (a select, no host read): the while loop's exact result whenever it needs at most `bound`
 * rounds (bounds are set far beyond the loops' expected counts).
 */
export function drawLoop(cond: (...state: Tensor[]) => Tensor, body: (...state: Tensor[]) => Tensor[], init: Tensor[], bound: number): Tensor[] {
  const asyncOnly = !isTracing() && init.every((t) => !t.isSymbolic && !t.backend.readSync)
  if (!asyncOnly) return whileLoop(cond as (...v: never[]) => Tensor, body as (...v: never[]) => Tensor[], init)
  let state = init
  for (let i = 0; i < bound; i++) {
    const go = cond(...state)
    state = body(...state).map((next, j) => lax.select(broadcastTo(go, next.shape), next, state[j]!))
  }
  return state
}
