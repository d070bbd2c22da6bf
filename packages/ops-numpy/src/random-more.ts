/**
 * @file The less common samplers of `keras.random`: randint, categorical, dropout and shuffle (JAX's algorithms,
 * as in random.ts). Apart from random.ts so that a model's initializers (uniform, normal, truncated normal) come
 * without them.
 */
import { InvalidArgumentError, Tensor, drawSeed, floatx, fmt, isFloat, isInt, lax } from '@kx/core'
import type { DType } from '@kx/core'
import { standardizeDType, toTensor, type DTypeLike, type TensorLike } from './convert.js'
import { broadcastTo, cast } from './promote.js'
import { like } from './elementwise.js'
import { insertAxes } from './shape-util.js'
import { constant as c, shapeOf, uniformFromKey } from './random-keys.js'
import { randomBitsInt32, splitKey } from './random-draws.js'
import type { Seed } from './random.js'

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535], int32: [-(2 ** 31), 2 ** 31 - 1], uint32: [0, 2 ** 32 - 1],
}

/**
 * Random integers on `[minval, maxval)` (`keras.random.randint`) with `jax.random.randint`'s algorithm:
 * two 32-bit draws from `split(key)`, reduced modulo the span as `(hi mod span) · multiplier + lo mod
 * span` in uint32 (multiplier `(2^16 mod span)² mod span`, squared with uint32 wrap-around), with the
 * bounds clipped to the dtype (8- and 16-bit dtypes are sampled as int32 on `[clip(minval),
 * clip(maxval, max + 1))` and cast, as JAX does). Traceable: the key is split by the `threefry2x32`
 * primitive.
 *
 * @example
 * ```ts
 * randint([5], 0, 10, { seed: 3 }) // the numbers of keras.random.randint((5,), 0, 10, seed=3) on JAX
 * ```
 */
export function randint(shape: number | readonly number[], minval: number, maxval: number, options: { dtype?: DTypeLike | null; seed?: Seed } = {}): Tensor {
  const s = shapeOf(shape, 'randint')
  const d = standardizeDType(options.dtype, 'randint') ?? 'int32'
  if (!isInt(d)) throw new InvalidArgumentError(`\`randint\` draws integer dtypes only. Received: dtype=${d}`)
  if (!Number.isInteger(minval) || !Number.isInteger(maxval)) throw new InvalidArgumentError(`\`randint\` needs integer bounds. Received: minval=${fmt(minval)}, maxval=${fmt(maxval)}`)
  // JAX without x64 samples 64-bit dtypes as int32 / uint32
  const [lo, hi] = INT_RANGE[d] ?? INT_RANGE[d.startsWith('u') ? 'uint32' : 'int32']!
  const narrow = hi < 2 ** 31 - 1
  const minC = Math.min(Math.max(minval, lo), hi)
  // narrow dtypes: maxval may reach max + 1; 32-bit ones clip to max and widen the span by one (mod 2^32)
  const maxC = Math.min(Math.max(maxval, lo), narrow ? hi + 1 : hi)
  let span = maxC <= minC ? 1 : maxC - minC
  if (!narrow && maxval > hi && maxC > minC) span = (span + 1) % 2 ** 32
  const [k1, k2] = splitKey(drawSeed(options.seed))
  let off: Tensor
  if (span > 0 && span < 2 ** 31) {
    off = offsetInt32(randomBitsInt32(k1!, s), randomBitsInt32(k2!, s), span)
  } else {
    // spans of 2^31 and more (uint32, the full int32 range) in uint32 arithmetic
    const higher = lax.randomBits(k1!, s)
    const lower = lax.randomBits(k2!, s)
    off = lower // x mod 0 = x in XLA: a span of 2^32 keeps the full draw
    if (span !== 0) {
      const rem = (x: Tensor): Tensor => lax.binary('rem', x, c(span, 'uint32', s, x))
      const mult = randintMultiplier(span)
      off = rem(lax.add(lax.mul(rem(higher), c(mult, 'uint32', s, higher)), rem(lower)))
    }
  }
  const sd: DType = narrow ? 'int32' : d
  const out = lax.add(c(minC, sd, s, off), cast(off, sd))
  return narrow ? cast(out, d) : out
}

/** JAX's multiplier `(2^16 mod S)² mod S`, the square taken in uint32 (so 0 for S > 2^16, where it wraps). */
const randintMultiplier = (span: number): number => Number((((BigInt(2 ** 16 % span) ** 2n) % 2n ** 32n) % BigInt(span)))

/**
 * JAX's randint offset `((hi mod S) · multiplier + lo mod S) mod S` in uint32 arithmetic, on int32 bit
 * patterns (no uint32 needed, so tfjs runs it) for a span S < 2^31: products and sums stay below 2^53
 * before they wrap, so int32's wrap-around gives uint32's bits.
 */
function offsetInt32(hi: Tensor, lo: Tensor, span: number): Tensor {
  const s = hi.shape as number[]
  const k = (v: number): Tensor => c(v, 'int32', s, hi)
  const S = k(span)
  // unsigned x mod S: a negative int32 x stands for (x with its sign bit cleared) + 2^31. Only
  // non-negative dividends reach `rem` (tfjs rounds |x| of large negative int32 through float32).
  const wrap = span - (2 ** 31 % span)
  const umod = (x: Tensor): Tensor => {
    const neg = lax.lt(x, k(0))
    const r = lax.binary('rem', lax.select(neg, lax.binary('xor', x, k(-(2 ** 31))), x), S)
    const shifted = lax.sub(r, k(wrap))
    return lax.select(neg, lax.select(lax.lt(shifted, k(0)), lax.add(shifted, S), shifted), r)
  }
  // the multiplier is below 2^16, so (hi mod S) · m < 2^47: exact before the int32 wrap
  const prod = lax.mul(umod(hi), k(randintMultiplier(span)))
  return umod(lax.add(prod, umod(lo)))
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
    // NOTE: uint32 order of the bits = int32 order with the sign bit flipped (int32 keeps tfjs in play)
    const bits = randomBitsInt32(sub!, t.shape as number[])
    const [, idx] = lax.sort(lax.binary('xor', bits, c(-(2 ** 31), 'int32', t.shape as number[], bits)), ax)
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
