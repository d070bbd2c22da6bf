/**
 * @file Binary elementwise ops of `keras.ops` (arithmetic and comparisons; the logical and bitwise ones are in
 * logical-bitwise.ts): each promotes its operands with Keras's `result_type` (JS numbers weak) and broadcasts them.
 */
import { DTypeError, Tensor, isBool, isFloat, isInt, isUnsigned, itemsize, lax } from '@kx/core'
import type { DType } from '@kx/core'
import { toTensor, type TensorLike } from './convert.js'
import { cast, land, lor, prepare, resultDType } from './promote.js'
import { isfinite, isnan, like } from './elementwise.js'

const binaryOp = (op: string, f: (a: Tensor, b: Tensor) => Tensor, outDType?: (d: DType) => DType) =>
  (x1: TensorLike, x2: TensorLike): Tensor => {
    const base = resultDType(x1, x2)
    const [a, b] = prepare(op, [x1, x2], { dtype: outDType ? outDType(base) : base })
    return f(a!, b!)
  }
/** bool → int32 (numeric ops on booleans count them). */
const boolToInt = (d: DType): DType => (isBool(d) ? 'int32' : d)
/** Keras's `result_type(x1, x2, float)`: int/bool results become floatx. */
const toFloatDType = (x1: TensorLike, x2: TensorLike): DType => resultDType(x1, x2, 'weak_float')

const floatBinary = (op: string, f: (a: Tensor, b: Tensor) => Tensor) => (x1: TensorLike, x2: TensorLike): Tensor => {
  const [a, b] = prepare(op, [x1, x2], { dtype: toFloatDType(x1, x2) })
  return f(a!, b!)
}

/** Elementwise sum with broadcasting. @example `add([1, 2], 1) // [2, 3]` */
export const add = /* @__PURE__ */ binaryOp('add', lax.add)
/** Elementwise difference. @example `subtract([3], [1]) // [2]` */
export const subtract = /* @__PURE__ */ binaryOp('subtract', (a, b) => {
  if (isBool(a.dtype)) throw new DTypeError('`subtract` does not take boolean operands; use `logicalXor`. Received: dtype=bool')
  return lax.sub(a, b)
})
/** Elementwise product. @example `multiply([2], [3]) // [6]` */
export const multiply = /* @__PURE__ */ binaryOp('multiply', lax.mul)
/** True division; int/bool operands give floatx (`keras.ops.divide`). @example `divide([1], [2]) // [0.5]` */
export const divide = /* @__PURE__ */ floatBinary('divide', lax.div)
/** Alias of `divide`. @example `trueDivide([1], [4]) // [0.25]` */
export const trueDivide = divide
/** Division that returns 0 where the divisor is 0. @example `divideNoNan([1, 1], [0, 2]) // [0, 0.5]` */
export const divideNoNan = /* @__PURE__ */ floatBinary('divideNoNan', (a, b) => {
  const zero = lax.eq(b, like(b, 0))
  return lax.select(zero, like(a, 0), lax.div(a, lax.select(zero, like(b, 1), b)))
})
/** Elementwise maximum (NaN propagates). @example `maximum([1, 5], [3, 2]) // [3, 5]` */
export const maximum = /* @__PURE__ */ binaryOp('maximum', lax.max)
/** Elementwise minimum (NaN propagates). @example `minimum([1, 5], [3, 2]) // [1, 2]` */
export const minimum = /* @__PURE__ */ binaryOp('minimum', lax.min)
/** Elementwise maximum ignoring NaN (`np.fmax`). @example `fmax([NaN, 1], [2, NaN]) // [2, 1]` */
export const fmax = /* @__PURE__ */ binaryOp('fmax', (a, b) => nanIgnoring(a, b, lax.max))
/** Elementwise minimum ignoring NaN (`np.fmin`). @example `fmin([NaN], [2]) // [2]` */
export const fmin = /* @__PURE__ */ binaryOp('fmin', (a, b) => nanIgnoring(a, b, lax.min))

function nanIgnoring(a: Tensor, b: Tensor, f: (a: Tensor, b: Tensor) => Tensor): Tensor {
  if (!isFloat(a.dtype)) return f(a, b)
  const out = f(a, b)
  return lax.select(lax.ne(a, a), b, lax.select(lax.ne(b, b), a, out))
}

/** `x1 ** x2` with the promoted dtype. @example `power([2, 3], 2) // [4, 9]` */
export const power = /* @__PURE__ */ binaryOp('power', lax.pow, boolToInt)

/**
 * Floor division, rounding toward -∞ (`np.floor_divide`).
 *
 * @example
 * ```ts
 * floorDivide([7, -7], 2) // [3, -4]
 * ```
 */
export const floorDivide = /* @__PURE__ */ binaryOp('floorDivide', (a, b) => divmod(a, b)[0], boolToInt)

/**
 * @internal NumPy's divmod: the remainder takes the divisor's sign and the quotient is rounded
 * toward -∞ (floats: `(x - mod) / y`, so infinities give NaN as in NumPy).
 */
function divmod(a: Tensor, b: Tensor): [Tensor, Tensor] {
  const isF = isFloat(a.dtype)
  const zeroDiv = lax.eq(b, like(b, 0))
  const safeB = isF ? b : lax.select(zeroDiv, like(b, 1), b)
  let r = lax.binary('rem', a, safeB)
  const adjust = land(lax.ne(r, like(r, 0)), lax.ne(lax.lt(r, like(r, 0)), lax.lt(b, like(b, 0))))
  let q = isF ? lax.div(lax.sub(a, r), b) : lax.div(a, safeB)
  r = lax.select(adjust, lax.add(r, b), r)
  q = lax.select(adjust, lax.sub(q, like(q, 1)), q)
  if (isF) return [lax.unary('round', q), r]
  // XLA: integer division by zero gives -1 (all ones for unsigned); the remainder is 0.
  return [lax.select(zeroDiv, like(q, isUnsigned(q.dtype) ? 2 ** (8 * itemsize(q.dtype)) - 1 : -1), q), lax.select(zeroDiv, like(r, 0), r)]
}

/**
 * Python-style remainder: the result has the sign of the divisor (`np.mod`).
 *
 * @example
 * ```ts
 * mod([-3, 3], 2) // [1, 1]
 * ```
 */
export const mod = /* @__PURE__ */ binaryOp('mod', (a, b) => divmod(a, b)[1], boolToInt)

/** C-style remainder: the result has the sign of the dividend (`np.fmod`). @example `fmod([-3], 2) // [-1]` */
export const fmod = /* @__PURE__ */ binaryOp('fmod', (a, b) => lax.binary('rem', a, b), boolToInt)

/** Angle of `(x2, x1)` (`np.arctan2`); floats. @example `arctan2([1], [1]) // [π/4]` */
export const arctan2 = /* @__PURE__ */ floatBinary('arctan2', (a, b) => lax.binary('atan2', a, b))

/** `sqrt(x1² + x2²)` without overflow. @example `hypot([3], [4]) // [5]` */
export const hypot = /* @__PURE__ */ floatBinary('hypot', (a, b) => {
  const aa = lax.abs(a)
  const ab = lax.abs(b)
  const hi = lax.max(aa, ab)
  const lo = lax.min(aa, ab)
  const zero = lax.eq(hi, like(hi, 0))
  const ratio = lax.div(lo, lax.select(zero, like(hi, 1), hi))
  const r = lax.mul(hi, lax.sqrt(lax.add(like(ratio, 1), lax.mul(ratio, ratio))))
  const inf = lor(lax.eq(aa, like(aa, Infinity)), lax.eq(ab, like(ab, Infinity)))
  return lax.select(inf, like(r, Infinity), lax.select(zero, like(r, 0), r))
})

/** Heaviside step: 0 for x1 < 0, x2 at 0, 1 for x1 > 0. @example `heaviside([-1, 0, 2], 0.5) // [0, 0.5, 1]` */
export const heaviside = /* @__PURE__ */ floatBinary('heaviside', (a, b) => {
  const out = lax.select(lax.lt(a, like(a, 0)), like(a, 0), lax.select(lax.gt(a, like(a, 0)), like(a, 1), b))
  return lax.select(lax.ne(a, a), a, out)
})

/**
 * `log(exp(x1) + exp(x2))`, stable for large inputs.
 *
 * @example
 * ```ts
 * logaddexp([0], [0]) // [log 2]
 * ```
 */
export const logaddexp = /* @__PURE__ */ floatBinary('logaddexp', (a, b) => {
  const amax = lax.max(a, b)
  const delta = lax.sub(a, b)
  // Equal infinities give NaN deltas; x1 + x2 is then the right answer (as jnp).
  const body = lax.add(amax, lax.unary('log1p', lax.exp(lax.neg(lax.abs(delta)))))
  return lax.select(lax.ne(delta, delta), lax.add(a, b), body)
})

/** `log2(2^x1 + 2^x2)`, stable. @example `logaddexp2([1], [1]) // [2]` */
export const logaddexp2 = /* @__PURE__ */ floatBinary('logaddexp2', (a, b) => {
  const amax = lax.max(a, b)
  const delta = lax.sub(a, b)
  const e = lax.pow(like(delta, 2), lax.neg(lax.abs(delta)))
  const body = lax.add(amax, lax.div(lax.unary('log1p', e), like(e, Math.LN2)))
  return lax.select(lax.ne(delta, delta), lax.add(a, b), body)
})

/** `x1 * 2**x2` (`np.ldexp`); `x2` must be an integer tensor. @example `ldexp([1], [3]) // [8]` */
export function ldexp(x1: TensorLike, x2: TensorLike): Tensor {
  const e = toTensor(x2)
  if (!isInt(e.dtype)) throw new DTypeError(`\`ldexp\` needs an integer exponent. Received: x2 dtype=${e.dtype}`)
  const [a, b] = prepare('ldexp', [x1, e], { dtype: toFloatDType(x1, e) })
  return lax.mul(a!, lax.pow(like(b!, 2), b!))
}

/**
 * The next representable float after `x1` toward `x2` (`np.nextafter`), computed in float32
 * through its bit pattern (float64 inputs step by float64 ulps arithmetically).
 *
 * @example
 * ```ts
 * nextafter([1], [2]) // [1.0000001]
 * ```
 */
export const nextafter = /* @__PURE__ */ floatBinary('nextafter', (a, b) => {
  if (a.dtype === 'float64') {
    // NOTE: ulp(x) = 2^(floor(log2|x|) - 52), and the smallest subnormal at 0.
    const ax = lax.abs(a)
    const e = lax.unary('floor', lax.div(lax.log(ax), like(ax, Math.LN2)))
    const ulp = lax.max(lax.pow(like(e, 2), lax.sub(e, like(e, 52))), like(e, Number.MIN_VALUE))
    const dir = lax.sign(lax.sub(b, a))
    const out = lax.add(a, lax.mul(dir, ulp))
    return lax.select(lor(lax.ne(a, a), lax.ne(b, b)), lax.add(a, b), lax.select(lax.eq(a, b), b, out))
  }
  const a32 = cast(a, 'float32')
  const b32 = cast(b, 'float32')
  const bits = lax.bitcastConvertType(a32, 'int32')
  const up = lax.gt(b32, a32)
  const towardZero = lax.ne(up, lax.gt(a32, like(a32, 0)))
  const stepped = lax.select(towardZero, lax.sub(bits, like(bits, 1)), lax.add(bits, like(bits, 1)))
  let out = lax.bitcastConvertType(stepped, 'float32')
  // From ±0 the next value is the smallest subnormal with the sign of the direction.
  out = lax.select(lax.eq(a32, like(a32, 0)), lax.select(up, like(a32, 1e-45), like(a32, -1e-45)), out)
  out = lax.select(lax.eq(a32, b32), b32, out)
  out = lax.select(lor(lax.ne(a32, a32), lax.ne(b32, b32)), lax.add(a32, b32), out)
  return cast(out, a.dtype)
})

/**
 * Greatest common divisor of integers (`np.gcd`), by a fixed number of Euclid steps (enough for
 * 32-bit integers).
 *
 * @example
 * ```ts
 * gcd([12, 18], [8, 12]) // [4, 6]
 * ```
 */
export const gcd = /* @__PURE__ */ binaryOp('gcd', (a, b) => gcdOf(a, b))

function gcdOf(a: Tensor, b: Tensor): Tensor {
  let x = lax.abs(a)
  let y = lax.abs(b)
  // NOTE: Euclid needs at most ~46 steps for 32-bit values (Fibonacci bound); the loop is unrolled.
  const steps = isFloat(a.dtype) ? 64 : 48
  for (let i = 0; i < steps; i++) {
    const zero = lax.eq(y, like(y, 0))
    const safe = lax.select(zero, like(y, 1), y)
    const r = lax.binary('rem', x, safe)
    x = lax.select(zero, x, y)
    y = lax.select(zero, y, r)
  }
  return x
}

/** Least common multiple of integers (`np.lcm`). @example `lcm([4], [6]) // [12]` */
export const lcm = /* @__PURE__ */ binaryOp('lcm', (a, b) => {
  const g = gcdOf(a, b)
  const zero = lax.eq(g, like(g, 0))
  return lax.select(zero, like(g, 0), lax.abs(lax.mul(lax.div(a, lax.select(zero, like(g, 1), g)), b)))
})

// ---- comparisons -------------------------------------------------------------------------------

const compareOp = (op: string, prim: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge') => (x1: TensorLike, x2: TensorLike): Tensor => {
  const [a, b] = prepare(op, [x1, x2])
  return lax.compare(prim, a!, b!)
}
/** `x1 == x2`. @example `equal([1, 2], 2) // [false, true]` */
export const equal = /* @__PURE__ */ compareOp('equal', 'eq')
/** `x1 != x2`. @example `notEqual([1], 2) // [true]` */
export const notEqual = /* @__PURE__ */ compareOp('notEqual', 'ne')
/** `x1 < x2`. @example `less([1], 2) // [true]` */
export const less = /* @__PURE__ */ compareOp('less', 'lt')
/** `x1 <= x2`. @example `lessEqual([2], 2) // [true]` */
export const lessEqual = /* @__PURE__ */ compareOp('lessEqual', 'le')
/** `x1 > x2`. @example `greater([3], 2) // [true]` */
export const greater = /* @__PURE__ */ compareOp('greater', 'gt')
/** `x1 >= x2`. @example `greaterEqual([2], 2) // [true]` */
export const greaterEqual = /* @__PURE__ */ compareOp('greaterEqual', 'ge')

/** Options of `isclose` / `allclose`. */
export interface IscloseOptions {
  /** Relative tolerance (default 1e-5). */
  readonly rtol?: number
  /** Absolute tolerance (default 1e-8). */
  readonly atol?: number
  /** Whether NaNs compare equal (default false). */
  readonly equalNan?: boolean
}

/**
 * Elementwise `|x1 - x2| <= atol + rtol * |x2|` (equal infinities are close; NaN only with `equalNan`).
 *
 * @example
 * ```ts
 * isclose([1, 1.1], [1.000001, 1]) // [true, false]
 * ```
 */
export function isclose(x1: TensorLike, x2: TensorLike, options: IscloseOptions = {}): Tensor {
  const [a, b] = prepare('isclose', [x1, x2], { dtype: toFloatDType(x1, x2) })
  const rtol = options.rtol ?? 1e-5
  const atol = options.atol ?? 1e-8
  const tol = lax.add(like(b!, atol), lax.mul(like(b!, rtol), lax.abs(b!)))
  const near = lax.le(lax.abs(lax.sub(a!, b!)), tol)
  const finite = land(isfinite(a!), isfinite(b!))
  let out = lor(land(finite, near), lax.eq(a!, b!))
  if (options.equalNan) out = lor(out, land(isnan(a!), isnan(b!)))
  return out
}

/**
 * Whether all elements are close (`isclose` reduced with AND): a bool scalar.
 *
 * @example
 * ```ts
 * allclose([1, 2], [1, 2.0000001]) // true
 * ```
 */
export function allclose(x1: TensorLike, x2: TensorLike, options: IscloseOptions = {}): Tensor {
  const c = isclose(x1, x2, options)
  return lax.reduce('reduce_and', c, c.shape.map((_, i) => i))
}
