/**
 * @file Threefry-2x32 (20 rounds), the counter-based generator behind every kx random op, bit-identical
 * to JAX's `threefry2x32` PRNG on raw `uint32[2]` keys: key making, `split`, `foldIn`, random bits and
 * uniform floats, computed on the host. The `random_bits` / `random_uniform` / `threefry2x32` primitives of
 * the reference backend call these; other backends must reproduce them bit for bit.
 */
import { InvalidArgumentError, fmt } from '../errors.js'
import type { DType } from '../dtype.js'

/** A raw Threefry key: two uint32 words (`jax.random.key_data(key)`). */
export type RandomKey = Uint32Array

/** Options shared by the bit generators. */
export interface ThreefryOptions {
  /**
   * Follow JAX's `jax_threefry_partitionable=True` layout (the default since JAX 0.5, and what JAX 0.10
   * uses). `false` reproduces the older layout (`jax_threefry_partitionable=False`).
   */
  readonly partitionable?: boolean
}

const ROTATIONS = [[13, 15, 26, 6], [17, 29, 16, 24]] as const

/**
 * The Threefry-2x32 block function with 20 rounds (Salmon et al., SC'11; JAX's `threefry2x32_p`), on
 * parallel counter words `x0[i], x1[i]` under key `(k0, k1)`.
 *
 * @example
 * ```ts
 * threefry2x32(0, 0, new Uint32Array([0]), new Uint32Array([0])) // [[0x6b200159], [0x99ba4efe]]
 * ```
 */
export function threefry2x32(k0: number, k1: number, x0: ArrayLike<number>, x1: ArrayLike<number>): [Uint32Array, Uint32Array] {
  const n = x0.length
  if (x1.length !== n) throw new InvalidArgumentError(`threefry2x32 needs counter words of one length. Received: lengths=${fmt([x0.length, x1.length])}`)
  const out0 = new Uint32Array(n)
  const out1 = new Uint32Array(n)
  for (let i = 0; i < n; i++) hashInto(k0, k1, x0[i]!, x1[i]!, out0, out1, i)
  return [out0, out1]
}

/** One Threefry-2x32-20 block: hashes the counter `(c0, c1)` under key `(k0, k1)` into `out0[i], out1[i]`. */
function hashInto(k0: number, k1: number, c0: number, c1: number, out0: Uint32Array, out1: Uint32Array, i: number): void {
  const ks0 = k0 | 0
  const ks1 = k1 | 0
  const ks = [ks0, ks1, (ks0 ^ ks1 ^ 0x1bd11bda) | 0]
  let a = ((c0 | 0) + ks0) | 0
  let b = ((c1 | 0) + ks1) | 0
  for (let block = 0; block < 5; block++) {
    const rot = ROTATIONS[block % 2]!
    for (let r = 0; r < 4; r++) {
      a = (a + b) | 0
      b = (b << rot[r]!) | (b >>> (32 - rot[r]!))
      b ^= a
    }
    // key injection after every 4 rounds: ks[(s) % 3], ks[(s+1) % 3] + s with s = block + 1
    a = (a + ks[(block + 1) % 3]!) | 0
    b = (b + ks[(block + 2) % 3]! + block + 1) | 0
  }
  out0[i] = a
  out1[i] = b
}

/**
 * Threefry-2x32 with a key per counter (the `threefry2x32` primitive): `keys` and `counts` are flat
 * `[k0, k1, k0, k1, ...]` / `[c0, c1, ...]` pairs of one length; returns the hashed pairs, flat.
 *
 * @example
 * ```ts
 * threefryPairs([0, 42, 0, 42], [0, 0, 0, 1]) // the words of jax.random.split(key, 2) for key [0, 42]
 * ```
 */
export function threefryPairs(keys: ArrayLike<number>, counts: ArrayLike<number>): Uint32Array {
  if (keys.length !== counts.length || keys.length % 2 !== 0) {
    throw new InvalidArgumentError(`threefryPairs needs keys and counters as word pairs of one length. Received: lengths=${fmt([keys.length, counts.length])}`)
  }
  const n = keys.length / 2
  const out0 = new Uint32Array(n)
  const out1 = new Uint32Array(n)
  for (let i = 0; i < n; i++) hashInto(keys[2 * i]!, keys[2 * i + 1]!, counts[2 * i]!, counts[2 * i + 1]!, out0, out1, i)
  const out = new Uint32Array(2 * n)
  for (let i = 0; i < n; i++) { out[2 * i] = out0[i]!; out[2 * i + 1] = out1[i]! }
  return out
}

function keyWords(key: ArrayLike<number>, where: string): [number, number] {
  if (key.length !== 2) throw new InvalidArgumentError(`\`${where}\` needs a raw key of two uint32 words. Received: key length=${key.length}`)
  return [key[0]! >>> 0, key[1]! >>> 0]
}

/**
 * JAX's `threefry_2x32(keypair, count)`: hashes a flat array of counters, pairing the first half with
 * the second half (padded with one zero when the length is odd). The non-partitionable layout.
 *
 * @example
 * ```ts
 * threefryHash([0, 0], [0, 0]) // Uint32Array [0x6b200159, 0x99ba4efe]
 * ```
 */
export function threefryHash(key: ArrayLike<number>, counts: ArrayLike<number>): Uint32Array {
  const [k0, k1] = keyWords(key, 'threefryHash')
  const n = counts.length
  const half = Math.ceil(n / 2)
  const x0 = new Uint32Array(half)
  const x1 = new Uint32Array(half)
  for (let i = 0; i < half; i++) {
    x0[i] = counts[i]!
    x1[i] = i + half < n ? counts[i + half]! : 0
  }
  const [y0, y1] = threefry2x32(k0, k1, x0, x1)
  const out = new Uint32Array(n)
  for (let i = 0; i < n; i++) out[i] = i < half ? y0[i]! : y1[i - half]!
  return out
}

/** Counter words `(hi, lo)` of a 64-bit iota of length n (JAX's `iota_2x32_shape`). */
function iota2x32(n: number): [Uint32Array, Uint32Array] {
  const hi = new Uint32Array(n)
  const lo = new Uint32Array(n)
  for (let i = 0; i < n; i++) { hi[i] = Math.floor(i / 0x100000000); lo[i] = i % 0x100000000 }
  return [hi, lo]
}

function iotaU32(n: number): Uint32Array {
  const c = new Uint32Array(n)
  for (let i = 0; i < n; i++) c[i] = i
  return c
}

function checkCount(n: number, where: string): void {
  if (!Number.isSafeInteger(n) || n < 0 || n >= 0xffffffff) {
    throw new InvalidArgumentError(`\`${where}\` draws between 0 and 2^32 - 2 values. Received: size=${n}`)
  }
}

/**
 * `jax.random.PRNGKey(seed)` with JAX's default 32-bit mode: `[0, seed mod 2^32]`.
 *
 * @example
 * ```ts
 * randomKey(42) // Uint32Array [0, 42]
 * ```
 */
export function randomKey(seed: number): RandomKey {
  if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError(`\`randomKey\` needs an integer seed. Received: seed=${fmt(seed)}`)
  return new Uint32Array([0, seed >>> 0])
}

/**
 * `jax.random.split(key, num)` on a raw key: `num` new keys.
 *
 * @example
 * ```ts
 * const [k1, k2] = split(randomKey(0))
 * ```
 */
export function split(key: ArrayLike<number>, num = 2, options: ThreefryOptions = {}): RandomKey[] {
  checkCount(2 * num, 'split')
  const [k0, k1] = keyWords(key, 'split')
  let words: Uint32Array
  if (options.partitionable ?? true) {
    const [hi, lo] = iota2x32(num)
    const [b0, b1] = threefry2x32(k0, k1, hi, lo)
    words = new Uint32Array(2 * num)
    for (let i = 0; i < num; i++) { words[2 * i] = b0[i]!; words[2 * i + 1] = b1[i]! }
  } else {
    words = threefryHash([k0, k1], iotaU32(2 * num))
  }
  return Array.from({ length: num }, (_, i) => words.slice(2 * i, 2 * i + 2))
}

/**
 * `jax.random.fold_in(key, data)`: a new key from a key and a 32-bit integer (same in both layouts).
 *
 * @example
 * ```ts
 * const stepKey = foldIn(randomKey(0), step)
 * ```
 */
export function foldIn(key: ArrayLike<number>, data: number): RandomKey {
  if (!Number.isInteger(data)) throw new InvalidArgumentError(`\`foldIn\` needs integer data. Received: data=${fmt(data)}`)
  return threefryHash(keyWords(key, 'foldIn'), [0, data >>> 0])
}

/**
 * `jax.random.bits(key, shape, dtype)` for `uint8`/`uint16`/`uint32`: `size` draws of `bitWidth` bits,
 * row-major, returned as uint32 words.
 *
 * @example
 * ```ts
 * randomBits(randomKey(0), 4) // the numbers of jax.random.bits(jax.random.PRNGKey(0), (4,))
 * ```
 */
export function randomBits(key: ArrayLike<number>, size: number, bitWidth: 8 | 16 | 32 = 32, options: ThreefryOptions = {}): Uint32Array {
  checkCount(size, 'randomBits')
  const [k0, k1] = keyWords(key, 'randomBits')
  const mask = bitWidth === 32 ? 0xffffffff : (1 << bitWidth) - 1
  if (options.partitionable ?? true) {
    const [hi, lo] = iota2x32(size)
    const [b0, b1] = threefry2x32(k0, k1, hi, lo)
    const out = new Uint32Array(size)
    // 8/16-bit draws keep the low bits of the 32-bit draw
    for (let i = 0; i < size; i++) out[i] = (b0[i]! ^ b1[i]!) & mask
    return out
  }
  if (bitWidth === 32) return threefryHash([k0, k1], iotaU32(size))
  // NOTE: the old layout draws ceil(size·w/32) words and reads them as little-endian w-bit lanes.
  const perWord = 32 / bitWidth
  const words = threefryHash([k0, k1], iotaU32(Math.ceil(size / perWord)))
  const out = new Uint32Array(size)
  for (let i = 0; i < size; i++) out[i] = (words[Math.floor(i / perWord)]! >>> (bitWidth * (i % perWord))) & mask
  return out
}

/**
 * 64-bit draws as `[hi, lo]` word arrays (`jax.random.bits(key, shape, uint64)` under x64).
 *
 * @example
 * ```ts
 * const [hi, lo] = randomBits64(randomKey(0), 2)
 * ```
 */
export function randomBits64(key: ArrayLike<number>, size: number, options: ThreefryOptions = {}): [Uint32Array, Uint32Array] {
  checkCount(2 * size, 'randomBits64')
  const [k0, k1] = keyWords(key, 'randomBits64')
  if (options.partitionable ?? true) {
    const [hi, lo] = iota2x32(size)
    return threefry2x32(k0, k1, hi, lo)
  }
  const words = threefryHash([k0, k1], iotaU32(2 * size))
  return [words.slice(0, size), words.slice(size)]
}

/**
 * `jax.random.uniform(key, shape, dtype)` on [0, 1): random mantissa bits under the exponent of 1.0,
 * minus 1. Bit-identical to JAX for every float dtype:
 * - float32: `(bits32 >>> 9) · 2^-23`;
 * - float64 (JAX with x64): 64-bit draws, `(bits64 >>> 12) · 2^-52`;
 * - float16: 16-bit draws, `(bits16 >>> 6) · 2^-10`;
 * - bfloat16: 8-bit draws (JAX uses 8 random bits when the mantissa is under 8 bits), `(bits8 >>> 1) · 2^-7`.
 * Values are exact in every format, returned in a Float64Array (store them in the dtype's host array).
 *
 * @example
 * ```ts
 * randomUniform([42, 0], 3, 'float32') // keras.random.uniform((3,), seed=42) on JAX
 * ```
 */
export function randomUniform(key: ArrayLike<number>, size: number, dtype: DType, options: ThreefryOptions = {}): Float64Array {
  const out = new Float64Array(size)
  switch (dtype) {
    case 'float32': {
      const b = randomBits(key, size, 32, options)
      for (let i = 0; i < size; i++) out[i] = (b[i]! >>> 9) * 2 ** -23
      return out
    }
    case 'float64': {
      const [hi, lo] = randomBits64(key, size, options)
      for (let i = 0; i < size; i++) out[i] = (hi[i]! * 2 ** 20 + (lo[i]! >>> 12)) * 2 ** -52
      return out
    }
    case 'float16': {
      const b = randomBits(key, size, 16, options)
      for (let i = 0; i < size; i++) out[i] = (b[i]! >>> 6) * 2 ** -10
      return out
    }
    case 'bfloat16': {
      const b = randomBits(key, size, 8, options)
      for (let i = 0; i < size; i++) out[i] = (b[i]! >>> 1) * 2 ** -7
      return out
    }
    default:
      throw new InvalidArgumentError(`\`randomUniform\` draws floating-point dtypes only. Received: dtype=${dtype}`)
  }
}
