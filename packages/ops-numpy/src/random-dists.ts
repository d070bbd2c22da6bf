/**
 * @file `keras.random.gamma`, `beta` and `binomial` with `jax.random`'s algorithms, so a seed gives the
 * numbers of Keras on JAX: Marsaglia–Tsang gamma with one key per element and JAX's split order, beta from
 * two log-space gammas, binomial by inversion (n·p ≤ 10) or BTRS. The data-dependent loops are core
 * `whileLoop`s over whole arrays (JAX's `vmap` of its per-element loops), so the draws trace into graphs;
 * eagerly on backends without synchronous reads they run a bounded number of masked rounds (`drawLoop`).
 */
import { InvalidArgumentError, drawSeed, fmt, lax, tensor } from '@kx/core'
import type { DType, Tensor } from '@kx/core'
import { toTensor, type DTypeLike, type TensorLike } from './convert.js'
import { broadcastTo, cast } from './promote.js'
import { constant, floatDType, shapeOf } from './random-keys.js'
import { drawLoop, keyAt, keyNormal, keyUniform, splitKey, splitKeys } from './random-draws.js'
import type { Seed } from './random.js'

/** JAX without x64 computes float64 requests in float32. */
const computeDType = (d: DType): DType => (d === 'float64' ? 'float32' : d)
/** A parameter (number or array) in `d`, broadcast to `s`. */
const param = (v: TensorLike, d: DType, s: readonly number[]): Tensor => broadcastTo(cast(toTensor(v), d), s)
const any = (b: Tensor): Tensor => lax.reduce('reduce_or', b, b.shape.map((_, i) => i))

/**
 * `_gamma_one` of jax.random for every element (flat keys `[n, 2]`, alphas `[n]`), vectorised as JAX's
 * `vmap` does it: Marsaglia–Tsang with boosting for alpha < 1; `logSpace` returns log-samples (loggamma).
 */
function gammaOne(keys: Tensor, alphaOrig: Tensor, logSpace: boolean): Tensor {
  const d0 = alphaOrig.dtype
  const s = alphaOrig.shape as number[]
  const k = (v: number): Tensor => constant(v, d0, s, alphaOrig)
  const one = k(1)
  const zero = k(0)
  const boostMask = lax.ge(alphaOrig, one)
  const alpha = lax.select(boostMask, alphaOrig, lax.add(alphaOrig, one))
  const d = lax.sub(alpha, k(1 / 3))
  const c = lax.div(k(1 / 3), lax.sqrt(d))
  // keep drawing while U ≥ 1 − 0.0331·X² and log U ≥ X/2 + d·(1 − V + log V)   (X = x², V = v³)
  const reject = (X: Tensor, V: Tensor, U: Tensor): Tensor => lax.binary('and',
    lax.ge(U, lax.sub(one, lax.mul(k(0.0331), lax.mul(X, X)))),
    lax.ge(lax.log(U), lax.add(lax.mul(X, k(0.5)), lax.mul(d, lax.add(lax.sub(one, V), lax.log(V))))))
  const first = splitKeys(keys, 2)
  const [, X, V] = drawLoop(
    (_key: Tensor, X: Tensor, V: Tensor, U: Tensor) => any(reject(X, V, U)),
    (key: Tensor, X: Tensor, V: Tensor, U: Tensor) => {
      const rej = reject(X, V, U)
      const three = splitKeys(key, 3)
      // inner loop: x ~ N(0, 1) until v = 1 + c·x > 0; elements done with the outer loop start at v = 1
      const [, x, v] = drawLoop(
        (_k: Tensor, _x: Tensor, v: Tensor) => any(lax.le(v, zero)),
        (kk: Tensor, x: Tensor, v: Tensor) => {
          const more = lax.le(v, zero)
          const two = splitKeys(kk, 2)
          const xn = keyNormal(keyAt(two, 1), d0)
          const vn = lax.add(one, lax.mul(xn, c))
          return [lax.select(broadcastTo(lax.reshape(more, [...s, 1]), [...s, 2]), keyAt(two, 0), kk), lax.select(more, xn, x), lax.select(more, vn, v)]
        },
        [keyAt(three, 1), zero, lax.select(rej, k(-1), one)], 8,
      ) as [Tensor, Tensor, Tensor]
      const Xn = lax.mul(x, x)
      const Vn = lax.mul(lax.mul(v, v), v)
      const Un = keyUniform(keyAt(three, 2), d0)
      const rk = broadcastTo(lax.reshape(rej, [...s, 1]), [...s, 2])
      return [lax.select(rk, keyAt(three, 0), key), lax.select(rej, Xn, X), lax.select(rej, Vn, V), lax.select(rej, Un, U)]
    },
    [keyAt(first, 0), zero, one, k(2)], 24,
  ) as [Tensor, Tensor, Tensor, Tensor]
  const u = keyUniform(keyAt(first, 1), d0)
  const invAlpha = lax.div(one, alphaOrig)
  if (logSpace) {
    // log U for the boost, as JAX: −Exponential = −(−log1p(−u))
    const logSamples = lax.neg(lax.neg(lax.unary('log1p', lax.neg(u))))
    const noBoost = lax.binary('or', boostMask, lax.eq(logSamples, zero))
    const logBoost = lax.select(noBoost, zero, lax.mul(logSamples, invAlpha))
    return lax.add(lax.add(lax.log(d), lax.log(V)), logBoost)
  }
  const boost = lax.select(boostMask, one, lax.pow(lax.sub(one, u), invAlpha))
  return lax.mul(lax.mul(d, V), boost)
}

/** `jax.random.gamma` / `loggamma`: one key per element from `split(key, size)`. */
function gammaDraw(key: Tensor, alpha: Tensor, logSpace: boolean): Tensor {
  const s = alpha.shape as number[]
  const n = s.reduce((a, b) => a * b, 1)
  if (n === 0) return alpha
  const keys = lax.reshape(splitKeys(key, n), [n, 2])
  return lax.reshape(gammaOne(keys, lax.reshape(alpha, [n]), logSpace), s)
}

/**
 * Gamma(alpha, 1) samples (`keras.random.gamma`): `jax.random.gamma`'s Marsaglia–Tsang sampler with
 * boosting for alpha < 1, one key per element, so a seed gives Keras-on-JAX's numbers. `alpha` may be
 * an array broadcastable to `shape`.
 *
 * @example
 * ```ts
 * gamma([3], 2.0, { seed: 0 }) // the numbers of keras.random.gamma((3,), 2.0, seed=0) on JAX
 * ```
 */
export function gamma(shape: number | readonly number[], alpha: TensorLike, options: { dtype?: DTypeLike | null; seed?: Seed } = {}): Tensor {
  const s = shapeOf(shape, 'gamma')
  const d = floatDType(options.dtype, 'gamma')
  if (typeof alpha === 'number' && !(alpha > 0)) throw new InvalidArgumentError(`\`gamma\` needs alpha > 0. Received: alpha=${fmt(alpha)}`)
  const cd = computeDType(d)
  return cast(gammaDraw(drawSeed(options.seed), param(alpha, cd, s), false), d)
}

/**
 * Beta(alpha, beta) samples (`keras.random.beta`) as `jax.random.beta` draws them: two log-space gamma
 * draws from split keys, combined as `exp(la − m) / (exp(la − m) + exp(lb − m))` with `m = max(la, lb)`.
 *
 * @example
 * ```ts
 * beta([3], 2, 5, { seed: 0 }) // the numbers of keras.random.beta((3,), 2, 5, seed=0) on JAX
 * ```
 */
export function beta(shape: number | readonly number[], alpha: TensorLike, betaParam: TensorLike, options: { dtype?: DTypeLike | null; seed?: Seed } = {}): Tensor {
  const s = shapeOf(shape, 'beta')
  const d = floatDType(options.dtype, 'beta')
  const cd = computeDType(d)
  const [ka, kb] = splitKey(drawSeed(options.seed))
  const la = gammaDraw(ka!, param(alpha, cd, s), true)
  const lb = gammaDraw(kb!, param(betaParam, cd, s), true)
  const m = lax.max(la, lb)
  const ga = lax.exp(lax.sub(la, m))
  const gb = lax.exp(lax.sub(lb, m))
  return cast(lax.div(ga, lax.add(ga, gb)), d)
}

// Stirling tail log(k!) − [(k + 1/2) log(k + 1) − (k + 1) + log √(2π)] for k = 0..9 (JAX's table).
const STIRLING_TAIL = [0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
  0.0138761288230707, 0.0118967099458917, 0.0104112652619720, 0.00925546218271273, 0.00833056343336287]

/** `_stirling_approx_tail` of jax.random: the table for k ≤ 9, else the series at min(k, 9) (as JAX clamps first). */
function stirlingTail(k: Tensor): Tensor {
  const s = k.shape as number[]
  const c = (v: number): Tensor => constant(v, k.dtype, s, k)
  const kc = lax.min(lax.max(k, c(0)), c(9))
  const kp1 = lax.add(kc, c(1))
  const kp1sq = lax.mul(kp1, kp1)
  const approx = lax.div(lax.sub(c(1 / 12), lax.div(lax.sub(c(1 / 360), lax.div(c(1 / 1260), kp1sq)), kp1sq)), kp1)
  const on = k.isSymbolic ? {} : { backend: k.backend }
  const table = tensor(new Float32Array(STIRLING_TAIL), { shape: [10], dtype: 'float32', ...on })
  const tail = lax.gather(cast(table, k.dtype), cast(lax.unary('floor', kc), 'int32'), 0)
  return lax.select(lax.le(k, c(9)), tail, approx)
}

/** Binomial by inversion (sums of geometric waiting times), `jax.random`'s `_binomial_inversion`. */
function binomialInversion(key: Tensor, count: Tensor, prob: Tensor): Tensor {
  const s = prob.shape as number[]
  const c = (v: number): Tensor => constant(v, prob.dtype, s, prob)
  const log1mp = lax.unary('log1p', lax.neg(prob))
  const [numGeom] = drawLoop(
    (_n: Tensor, sum: Tensor) => any(lax.le(sum, count)),
    (n: Tensor, sum: Tensor, k: Tensor) => {
      const [sub, next] = splitKey(k)
      const n2 = lax.select(lax.le(sum, count), lax.add(n, c(1)), n)
      const u = lax.randomUniform(sub!, s, prob.dtype)
      const geom = lax.unary('ceil', lax.div(lax.log(u), log1mp))
      return [n2, lax.add(sum, geom), next!]
    },
    [c(0), c(0), key], 64,
  ) as [Tensor, Tensor, Tensor]
  return lax.sub(numGeom, c(1))
}

/** Binomial by transformed rejection with squeeze (Hörmann's BTRS), `jax.random`'s `_btrs`. */
function binomialBtrs(key: Tensor, count: Tensor, prob: Tensor): Tensor {
  const s = prob.shape as number[]
  const c = (v: number): Tensor => constant(v, prob.dtype, s, prob)
  const { add, sub, mul, div, log } = lax
  const stddev = lax.sqrt(mul(mul(count, prob), sub(c(1), prob)))
  const b = add(c(1.15), mul(c(2.53), stddev))
  const a = add(add(c(-0.0873), mul(c(0.0248), b)), mul(c(0.01), prob))
  const cc = add(mul(count, prob), c(0.5))
  const vr = sub(c(0.92), div(c(4.2), b))
  const r = div(prob, sub(c(1), prob))
  const alpha = mul(add(c(2.83), div(c(5.1), b)), stddev)
  const m = lax.unary('floor', mul(add(count, c(1)), prob))
  const [kOut] = drawLoop(
    (_k: Tensor, accepted: Tensor) => any(lax.unary('not', accepted)),
    (kOut: Tensor, accepted: Tensor, key: Tensor) => {
      const [next, k0, k1] = splitKey(key, 3)
      const u = sub(lax.randomUniform(k0!, s, prob.dtype), c(0.5))
      let v = lax.randomUniform(k1!, s, prob.dtype)
      const us = sub(c(0.5), lax.abs(u))
      const accept1 = lax.binary('and', lax.ge(us, c(0.07)), lax.le(v, vr))
      const k = lax.unary('floor', add(mul(add(div(mul(c(2), a), us), b), u), cc))
      const reject = lax.binary('or', lax.lt(k, c(0)), lax.gt(k, count))
      v = log(div(mul(v, alpha), add(div(a, mul(us, us)), b)))
      const cm1 = add(sub(count, m), c(1))
      const ck1 = add(sub(count, k), c(1))
      const ub = sub(sub(add(add(add(add(
        mul(add(m, c(0.5)), log(div(add(m, c(1)), mul(r, cm1)))),
        mul(add(count, c(1)), log(div(cm1, ck1)))),
        mul(add(k, c(0.5)), log(div(mul(r, ck1), add(k, c(1)))))),
        stirlingTail(m)), stirlingTail(sub(count, m))), stirlingTail(k)), stirlingTail(sub(count, k)))
      const accept = lax.binary('or', accept1, lax.binary('and', lax.unary('not', reject), lax.le(v, ub)))
      return [lax.select(accept, k, kOut), lax.binary('or', accepted, accept), next!]
    },
    [c(-1), constant(false, 'bool', s, prob), key], 32,
  ) as [Tensor, Tensor, Tensor]
  return kOut
}

/**
 * Binomial(counts, probabilities) samples (`keras.random.binomial`) with `jax.random.binomial`'s
 * algorithms: inversion where n·min(p, 1 − p) ≤ 10, BTRS elsewhere, computed in float32 and returned in
 * the float `dtype`. `counts` and `probabilities` may be arrays broadcastable to `shape`; a negative or
 * NaN count or probability gives NaN, an infinite count gives inf.
 *
 * @example
 * ```ts
 * binomial([4], 10, 0.3, { seed: 0 }) // the numbers of keras.random.binomial((4,), 10, 0.3, seed=0) on JAX
 * ```
 */
export function binomial(shape: number | readonly number[], counts: TensorLike, probabilities: TensorLike, options: { dtype?: DTypeLike | null; seed?: Seed } = {}): Tensor {
  const s = shapeOf(shape, 'binomial')
  const d = floatDType(options.dtype, 'binomial')
  const key = drawSeed(options.seed)
  const f: DType = 'float32'
  const prob = param(probabilities, f, s)
  let count = param(counts, f, s)
  const c = (v: number): Tensor => constant(v, f, s, prob)
  const { select, binary, unary } = lax
  const isNan = (x: Tensor): Tensor => lax.ne(x, x)
  const pLtHalf = lax.lt(prob, c(0.5))
  let q = select(pLtHalf, prob, lax.sub(c(1), prob))
  const countNanOrNeg = binary('or', isNan(count), lax.lt(count, c(0)))
  const countInf = lax.eq(lax.abs(count), c(Infinity))
  const qNan = isNan(q)
  const qNeg = lax.lt(q, c(0))
  q = select(binary('or', qNan, qNeg), c(0.01), q)
  const useInversion = binary('or', countNanOrNeg, lax.le(lax.mul(count, q), c(10)))
  count = unary('floor', count)
  const inv = binomialInversion(key, select(useInversion, count, c(0)), q)
  const btrs = binomialBtrs(key, select(useInversion, c(1e4), count), select(useInversion, c(0.5), q))
  let out = cast(select(useInversion, inv, btrs), d)
  const od = (v: number): Tensor => constant(v, d, s, prob)
  const invalid = binary('or', binary('or', qNeg, qNan), countNanOrNeg)
  out = select(invalid, od(NaN), out)
  out = select(binary('and', countInf, unary('not', invalid)), od(Infinity), out)
  const keep = binary('or', binary('or', pLtHalf, countNanOrNeg), binary('or', qNan, countInf))
  return select(keep, out, lax.sub(cast(count, d), out))
}
