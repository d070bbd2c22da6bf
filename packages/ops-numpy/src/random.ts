/**
 * @file `keras.random`: uniform, normal, truncated normal, randint, categorical, dropout, shuffle,
 * gamma, beta and binomial. Seeds become Threefry keys exactly as Keras's JAX backend makes them,
 * and uniform/normal/truncatedNormal/randint/categorical/dropout/shuffle follow `jax.random`'s
 * algorithms, so a given seed gives Keras-on-JAX's numbers on every kx backend.
 */
import { InvalidArgumentError, SeedGenerator, Tensor, checkShape, drawSeed, floatx, fmt, isFloat, isInt, lax, tensor, threefry } from '@kx/core'
import type { DType } from '@kx/core'
import { standardizeDType, toTensor, type DTypeLike, type TensorLike } from './convert.js'
import { broadcastTo, cast, scalar } from './promote.js'
import { like } from './elementwise.js'
import { insertAxes } from './shape-util.js'

export { SeedGenerator }

/** A `seed` argument: an integer, a `SeedGenerator`, a key tensor, or nothing (global generator). */
export type Seed = number | SeedGenerator | Tensor | null | undefined

const floatDType = (d: DTypeLike | null | undefined, op: string): DType => {
  const out = standardizeDType(d, op) ?? floatx()
  if (!isFloat(out)) throw new InvalidArgumentError(`\`${op}\` draws floating-point dtypes only. Received: dtype=${out}`)
  return out
}
const shapeOf = (s: number | readonly number[], op: string): number[] => checkShape(typeof s === 'number' ? [s] : s.slice(), op)
/** A constant of shape `s`, on `on`'s backend (the active one when omitted). */
const c = (v: number, d: DType, s: readonly number[], on?: Tensor): Tensor => broadcastTo(scalar(v, d, on), s)

/** @internal `jax.random.uniform` on `[minval, maxval)` in `dtype` from a key. */
function uniformFromKey(key: Tensor, shape: readonly number[], dtype: DType, minval: number, maxval: number): Tensor {
  const u = lax.randomUniform(key, shape, dtype)
  // jax: max(minval, u · (maxval - minval) + minval), in the output dtype
  const span = lax.sub(c(maxval, dtype, shape, key), c(minval, dtype, shape, key))
  return lax.max(c(minval, dtype, shape, key), lax.add(lax.mul(u, span), c(minval, dtype, shape, key)))
}

/** @internal Splits a concrete key into two (host-side Threefry, `jax.random.split`). */
function splitKey(key: Tensor, num = 2): Tensor[] {
  if (key.isSymbolic) throw new InvalidArgumentError('This random op splits its key on the host and cannot be traced with a symbolic seed. Received: a symbolic key')
  const words = Uint32Array.from(key.dataSync() as ArrayLike<number>)
  return threefry.split(words, num).map((k) => tensor(new Int32Array(k.buffer.slice(0)), { shape: [2], dtype: 'int32', backend: key.backend }))
}

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

/** float32's nextafter(-1, 0), float16's and bfloat16's: jax.random.normal's lower bound. */
function justAboveMinusOne(d: DType): number {
  if (d === 'float16') return -(1 - 2 ** -11)
  if (d === 'bfloat16') return -(1 - 2 ** -8)
  if (d === 'float64') return -(1 - 2 ** -53)
  return -(1 - 2 ** -24)
}

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

/**
 * Random integers on `[minval, maxval)` (`keras.random.randint`), with `jax.random.randint`'s
 * two-draw reduction (exact for spans below 2^26).
 *
 * @example
 * ```ts
 * randint([5], 0, 10, { seed: 3 })
 * ```
 */
export function randint(shape: number | readonly number[], minval: number, maxval: number, options: { dtype?: DTypeLike | null; seed?: Seed } = {}): Tensor {
  const s = shapeOf(shape, 'randint')
  const d = standardizeDType(options.dtype, 'randint') ?? 'int32'
  if (!isInt(d)) throw new InvalidArgumentError(`\`randint\` draws integer dtypes only. Received: dtype=${d}`)
  const [k1, k2] = splitKey(drawSeed(options.seed))
  const hi = lax.randomBits(k1!, s)
  const lo = lax.randomBits(k2!, s)
  const spanV = maxval <= minval ? 1 : (maxval - minval) >>> 0
  const span = c(spanV, 'uint32', s)
  let mult = (2 ** 16) % spanV
  mult = Number((BigInt(mult) * BigInt(mult)) % BigInt(spanV))
  const rem = (x: Tensor, y: Tensor): Tensor => lax.binary('rem', x, y)
  let off = lax.add(lax.mul(rem(hi, span), c(mult, 'uint32', s)), rem(lo, span))
  off = rem(off, span)
  return lax.add(c(minval, d, s), cast(off, d))
}

/**
 * Samples class indices from unnormalised log-probabilities `logits` `[batch, classes]`
 * (`keras.random.categorical`): Gumbel-max, as `jax.random.categorical`.
 *
 * @example
 * ```ts
 * categorical([[0, 0, 10]], 4, { seed: 0 }) // mostly 2
 * ```
 */
export function categorical(logits: TensorLike, numSamples: number, options: { dtype?: DTypeLike | null; seed?: Seed } = {}): Tensor {
  const l0 = toTensor(logits)
  const l = isFloat(l0.dtype) ? l0 : cast(l0, floatx())
  if (l.shape.length !== 2) throw new InvalidArgumentError(`\`categorical\` needs 2-D logits [batch, classes]. Received: logits.shape=${fmt(l.shape)}`)
  const [b, k] = l.shape as [number, number]
  const key = drawSeed(options.seed)
  const shape = [b, k, numSamples]
  const tiny = l.dtype === 'float16' ? 2 ** -14 : l.dtype === 'float64' ? 2 ** -1022 : 2 ** -126
  const u = uniformFromKey(key, shape, l.dtype, tiny, 1)
  const g = lax.neg(lax.log(lax.neg(lax.log(u))))
  const scores = lax.add(g, broadcastTo(insertAxes(l, [2]), shape))
  const out = lax.argmax(scores, 1)
  return cast(out, standardizeDType(options.dtype, 'categorical') ?? 'int32')
}

/**
 * Randomly zeroes elements with probability `rate` and scales the rest by `1 / (1 - rate)`
 * (`keras.random.dropout`); `noiseShape` shares the mask over broadcast dims (null = input dim).
 *
 * @example
 * ```ts
 * dropout(x, 0.5, { seed: 1 })
 * ```
 */
export function dropout(inputs: TensorLike, rate: number, options: { noiseShape?: readonly (number | null)[] | null; seed?: Seed } = {}): Tensor {
  const x = toTensor(inputs)
  if (!(rate >= 0 && rate <= 1)) throw new InvalidArgumentError(`\`dropout\` needs a rate in [0, 1]. Received: rate=${fmt(rate)}`)
  if (rate === 1) return like(x, 0)
  if (rate === 0) return x
  const key = drawSeed(options.seed)
  const ns = options.noiseShape ? options.noiseShape.map((v, i) => v ?? x.shape[i]!) : x.shape.slice()
  const keep = 1 - rate
  // bernoulli(p): uniform(key, shape, float32) < p (p is a float32 here, as a Python float in JAX).
  const u = lax.randomUniform(key, ns as number[], 'float32')
  const mask = lax.lt(u, c(keep, 'float32', ns as number[], key))
  const m = broadcastTo(mask, x.shape)
  const f = isFloat(x.dtype) ? x : cast(x, floatx())
  return lax.select(m, lax.div(f, like(f, keep)), like(f, 0))
}

/**
 * Shuffles along `axis` (default 0) with `jax.random.permutation(..., independent=True)`: sort by
 * random 32-bit keys, once per round (one round below ~1600 elements).
 *
 * @example
 * ```ts
 * shuffle(ops.arange(5), { seed: 0 })
 * ```
 */
export function shuffle(x: TensorLike, options: { axis?: number; seed?: Seed } = {}): Tensor {
  let t = toTensor(x)
  const axis = options.axis ?? 0
  const r = t.shape.length
  const ax = axis < 0 ? axis + r : axis
  if (ax < 0 || ax >= r) throw new InvalidArgumentError(`\`shuffle\` axis out of range. Received: axis=${axis}, x.shape=${fmt(t.shape)}`)
  let key = drawSeed(options.seed)
  const size = t.size
  const rounds = Math.ceil((3 * Math.log(Math.max(1, size))) / Math.log(0xffffffff))
  for (let i = 0; i < rounds; i++) {
    const [k, sub] = splitKey(key)
    key = k!
    const bits = lax.randomBits(sub!, t.shape as number[])
    const [, idx] = lax.sort(bits, ax)
    t = takeAlong(t, idx, ax)
  }
  return t
}

function takeAlong(t: Tensor, idx: Tensor, axis: number): Tensor {
  // idx is a permutation along axis for every position: gather through a flat index.
  const n = t.shape[axis]!
  const perm = [...t.shape.map((_, i) => i).filter((i) => i !== axis), axis]
  const inv = new Array<number>(perm.length)
  perm.forEach((p, i) => { inv[p] = i })
  const xt = lax.transpose(t, perm)
  const it = lax.transpose(idx, perm)
  const rows = t.size / Math.max(n, 1)
  if (t.size === 0) return t
  const flat = lax.reshape(xt, [rows * n])
  const offs = lax.mul(lax.iota('int32', [rows, n], 0), c(n, 'int32', [rows, n]))
  const g = lax.gather(flat, lax.add(lax.reshape(it, [rows, n]), offs), 0)
  return lax.transpose(lax.reshape(g, xt.shape as number[]), inv)
}

/**
 * Gamma(alpha, 1) samples (`keras.random.gamma`) by Marsaglia–Tsang rejection, vectorised with a
 * fixed number of proposal rounds. Deterministic per seed, but not the bit stream of
 * `jax.random.gamma` (whose per-element loops have no kx primitive).
 *
 * @example
 * ```ts
 * gamma([3], 2.0, { seed: 0 })
 * ```
 */
export function gamma(shape: number | readonly number[], alpha: number, options: { dtype?: DTypeLike | null; seed?: Seed } = {}): Tensor {
  const s = shapeOf(shape, 'gamma')
  const d = floatDType(options.dtype, 'gamma')
  if (!(alpha > 0)) throw new InvalidArgumentError(`\`gamma\` needs alpha > 0. Received: alpha=${fmt(alpha)}`)
  return cast(gammaSample(drawSeed(options.seed), s, alpha), d)
}

function gammaSample(key: Tensor, s: number[], alpha: number): Tensor {
  const d: DType = 'float32'
  // alpha < 1: Gamma(a) = Gamma(a + 1) · U^(1/a)
  const boost = alpha < 1
  const a = boost ? alpha + 1 : alpha
  const dd = a - 1 / 3
  const cc = 1 / Math.sqrt(9 * dd)
  const ROUNDS = 16
  const keys = splitKey(key, 2 * ROUNDS + 1)
  let out = c(dd, d, s) // fallback (mean-ish) if every round rejects, probability < 1e-20
  let done = c(0, 'bool', s)
  for (let i = ROUNDS - 1; i >= 0; i--) {
    const z = normal(s, { seed: keys[2 * i]!, dtype: d })
    const u = lax.randomUniform(keys[2 * i + 1]!, s, d)
    const v0 = lax.add(c(1, d, s), lax.mul(c(cc, d, s), z))
    const v = lax.mul(lax.mul(v0, v0), v0)
    const ok = lax.binary('and', lax.gt(v0, c(0, d, s)),
      lax.lt(lax.log(lax.max(u, c(1e-38, d, s))), lax.add(lax.mul(c(0.5, d, s), lax.mul(z, z)), lax.mul(c(dd, d, s), lax.add(lax.sub(c(1, d, s), v), lax.log(lax.max(v, c(1e-38, d, s))))))))
    // later rounds are overwritten by earlier accepted ones: the first accepted proposal wins
    out = lax.select(ok, lax.mul(c(dd, d, s), v), out)
    done = lax.binary('or', done, ok)
  }
  if (boost) {
    const u = lax.randomUniform(keys[2 * ROUNDS]!, s, d)
    out = lax.mul(out, lax.pow(lax.max(u, c(1e-38, d, s)), c(1 / alpha, d, s)))
  }
  return out
}

/**
 * Beta(alpha, beta) samples (`keras.random.beta`) as `X / (X + Y)` of two gamma draws.
 *
 * @example
 * ```ts
 * beta([3], 2, 5, { seed: 0 })
 * ```
 */
export function beta(shape: number | readonly number[], alpha: number, betaParam: number, options: { dtype?: DTypeLike | null; seed?: Seed } = {}): Tensor {
  const s = shapeOf(shape, 'beta')
  const d = floatDType(options.dtype, 'beta')
  const [k1, k2] = splitKey(drawSeed(options.seed))
  const x = gammaSample(k1!, s, alpha)
  const y = gammaSample(k2!, s, betaParam)
  return cast(lax.div(x, lax.add(x, y)), d)
}

/**
 * Binomial(counts, probabilities) samples (`keras.random.binomial`) as sums of Bernoulli draws
 * (counts must be a small non-negative integer; the result has the float dtype).
 *
 * @example
 * ```ts
 * binomial([4], 10, 0.3, { seed: 0 })
 * ```
 */
export function binomial(shape: number | readonly number[], counts: number, probabilities: number, options: { dtype?: DTypeLike | null; seed?: Seed } = {}): Tensor {
  const s = shapeOf(shape, 'binomial')
  const d = floatDType(options.dtype, 'binomial')
  if (!Number.isInteger(counts) || counts < 0) throw new InvalidArgumentError(`\`binomial\` needs a non-negative integer count. Received: counts=${fmt(counts)}`)
  const key = drawSeed(options.seed)
  if (counts === 0) return c(0, d, s)
  const u = lax.randomUniform(key, [...s, counts], 'float32')
  const hits = cast(lax.lt(u, broadcastTo(scalar(probabilities, 'float32'), [...s, counts])), d)
  return lax.reduceSum(hits, [s.length])
}
