/**
 * @file Unary elementwise ops of `keras.ops` (math, rounding, predicates), composed from the
 * elementwise primitives with Keras's dtype rules: float math turns int/bool inputs into floatx.
 */
import { DTypeError, Tensor, floatx, isBool, isFloat, isInt, lax } from '@kx/core'
import type { DType } from '@kx/core'
import { toTensor, type TensorLike } from './convert.js'
import { cast, fullLike, land, lor } from './promote.js'

/** @internal The tensor, cast to floatx when it is int/bool (Keras's rule for float math). */
export function toFloat(x: TensorLike): Tensor {
  const t = toTensor(x)
  return isFloat(t.dtype) ? t : cast(t, floatx())
}

/** @internal A constant shaped like `x` (unknown dims allowed), in x's dtype unless given. */
export const like = (x: Tensor, v: number | boolean, dtype?: DType): Tensor => fullLike(x, v, dtype ?? x.dtype)

/** @internal Float input or a DTypeError (ops that Keras's JAX backend only defines on floats). */
function floatOnly(x: TensorLike, op: string): Tensor {
  const t = toTensor(x)
  if (!isFloat(t.dtype)) throw new DTypeError(`\`${op}\` needs a floating-point input. Received: dtype=${t.dtype}`)
  return t
}

const floatUnary = (f: (t: Tensor) => Tensor) => (x: TensorLike): Tensor => f(toFloat(x))

/** Elementwise `e^x`; int/bool inputs give floatx. @example `exp([0, 1])` */
export const exp = /* @__PURE__ */ floatUnary(lax.exp)
/** Elementwise `2^x`. @example `exp2([1, 3]) // [2, 8]` */
export const exp2 = /* @__PURE__ */ floatUnary((t) => lax.pow(like(t, 2), t))
/** Elementwise `e^x - 1`, accurate near 0. @example `expm1([1e-10])` */
export const expm1 = /* @__PURE__ */ floatUnary((t) => lax.unary('expm1', t))
/** Natural logarithm. @example `log([1, Math.E]) // [0, 1]` */
export const log = /* @__PURE__ */ floatUnary(lax.log)
/** Base-10 logarithm. @example `log10([100]) // [2]` */
export const log10 = /* @__PURE__ */ floatUnary((t) => lax.div(lax.log(t), like(t, Math.LN10)))
/** Base-2 logarithm. @example `log2([8]) // [3]` */
export const log2 = /* @__PURE__ */ floatUnary((t) => lax.div(lax.log(t), like(t, Math.LN2)))
/** `log(1 + x)`, accurate near 0. @example `log1p([0])` */
export const log1p = /* @__PURE__ */ floatUnary((t) => lax.unary('log1p', t))
/** Square root. @example `sqrt([4, 9]) // [2, 3]` */
export const sqrt = /* @__PURE__ */ floatUnary(lax.sqrt)
/** Cube root. @example `cbrt([8, -27]) // [2, -3]` */
export const cbrt = /* @__PURE__ */ floatUnary((t) => lax.unary('cbrt', t))
/** Sine. @example `sin([0])` */
export const sin = /* @__PURE__ */ floatUnary(lax.sin)
/** Cosine. @example `cos([0])` */
export const cos = /* @__PURE__ */ floatUnary(lax.cos)
/** Tangent. @example `tan([0])` */
export const tan = /* @__PURE__ */ floatUnary((t) => lax.unary('tan', t))
/** Inverse sine. @example `arcsin([1])` */
export const arcsin = /* @__PURE__ */ floatUnary((t) => lax.unary('asin', t))
/** Inverse cosine. @example `arccos([1])` */
export const arccos = /* @__PURE__ */ floatUnary((t) => lax.unary('acos', t))
/** Inverse tangent. @example `arctan([1])` */
export const arctan = /* @__PURE__ */ floatUnary((t) => lax.unary('atan', t))
/** Hyperbolic sine. @example `sinh([0])` */
export const sinh = /* @__PURE__ */ floatUnary((t) => lax.unary('sinh', t))
/** Hyperbolic cosine. @example `cosh([0])` */
export const cosh = /* @__PURE__ */ floatUnary((t) => lax.unary('cosh', t))
/** Hyperbolic tangent. @example `tanh([0])` */
export const tanh = /* @__PURE__ */ floatUnary(lax.tanh)
/** Inverse hyperbolic sine. @example `arcsinh([0])` */
export const arcsinh = /* @__PURE__ */ floatUnary((t) => lax.unary('asinh', t))
/** Inverse hyperbolic cosine. @example `arccosh([1])` */
export const arccosh = /* @__PURE__ */ floatUnary((t) => lax.unary('acosh', t))
/** Inverse hyperbolic tangent. @example `arctanh([0])` */
export const arctanh = /* @__PURE__ */ floatUnary((t) => lax.unary('atanh', t))
/** Degrees to radians. @example `deg2rad([180]) // [π]` */
export const deg2rad = /* @__PURE__ */ floatUnary((t) => lax.mul(t, like(t, Math.PI / 180)))
/** Radians to degrees. @example `rad2deg([Math.PI]) // [180]` */
export const rad2deg = /* @__PURE__ */ floatUnary((t) => lax.mul(t, like(t, 180 / Math.PI)))
/** Floor (int inputs give floatx, as Keras). @example `floor([1.5, -1.5]) // [1, -2]` */
export const floor = /* @__PURE__ */ floatUnary((t) => lax.unary('floor', t))
/** Ceiling (int inputs give floatx, as Keras). @example `ceil([1.5]) // [2]` */
export const ceil = /* @__PURE__ */ floatUnary((t) => lax.unary('ceil', t))
/** Absolute value as a float (`np.fabs`). @example `fabs([-1]) // [1]` */
export const fabs = /* @__PURE__ */ floatUnary(lax.abs)
/** `1 / sqrt(x)` (`keras.ops.rsqrt`). @example `rsqrt([4]) // [0.5]` */
export const rsqrt = (x: TensorLike): Tensor => lax.rsqrt(floatOnly(x, 'rsqrt'))

/**
 * Normalised sinc, `sin(πx) / (πx)` with `sinc(0) = 1`.
 *
 * @example
 * ```ts
 * sinc([0, 0.5]) // [1, 0.6366]
 * ```
 */
export const sinc = /* @__PURE__ */ floatUnary((t) => {
  const zero = lax.eq(t, like(t, 0))
  // NOTE: 0 is replaced before dividing so the unused branch has no NaN (keeps gradients finite).
  const safe = lax.select(zero, like(t, 1), t)
  const px = lax.mul(safe, like(t, Math.PI))
  return lax.select(zero, like(t, 1), lax.div(lax.sin(px), px))
})

/**
 * Modified Bessel function of the first kind, order 0 (`np.i0`).
 *
 * @example
 * ```ts
 * i0([0, 1]) // [1, 1.2661]
 * ```
 */
export const i0 = /* @__PURE__ */ floatUnary((t) => {
  // NOTE: Abramowitz & Stegun 9.8.1 (|x| ≤ 3.75) and 9.8.2 (|x| > 3.75), |relative error| < 2e-7.
  const ax = lax.abs(t)
  const small = lax.le(ax, like(t, 3.75))
  const u = lax.div(t, like(t, 3.75))
  const u2 = lax.mul(u, u)
  const poly = (x: Tensor, cs: readonly number[]): Tensor => cs.slice(0, -1).reduceRight((acc, c) => lax.add(like(x, c), lax.mul(x, acc)), like(x, cs[cs.length - 1]!))
  const inner = poly(u2, [1, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813])
  const safeAx = lax.select(small, like(t, 3.75), ax)
  const v = lax.div(like(t, 3.75), safeAx)
  const outer = lax.mul(lax.div(lax.exp(safeAx), lax.sqrt(safeAx)),
    poly(v, [0.39894228, 0.01328592, 0.00225319, -0.00157565, 0.00916281, -0.02057706, 0.02635537, -0.01647633, 0.00392377]))
  return lax.select(small, inner, outer)
})

/** Error function (`keras.ops.erf`). @example `erf([0]) // [0]` */
export const erf = (x: TensorLike): Tensor => lax.unary('erf', floatOnly(x, 'erf'))
/** Complementary error function `1 - erf(x)`. @example `erfc([0]) // [1]` */
export const erfc = /* @__PURE__ */ floatUnary((t) => lax.sub(like(t, 1), lax.unary('erf', t)))
/** Inverse error function. @example `erfinv([0]) // [0]` */
export const erfinv = /* @__PURE__ */ floatUnary((t) => lax.unary('erf_inv', t))

// ---- dtype-preserving unary ops ----------------------------------------------------------------

/**
 * Absolute value, keeping the dtype (`keras.ops.absolute`).
 *
 * @example
 * ```ts
 * absolute([-1, 2]) // [1, 2]
 * ```
 */
export function absolute(x: TensorLike): Tensor {
  const t = toTensor(x)
  return isBool(t.dtype) ? t : lax.abs(t)
}
/** Alias of `absolute`. @example `abs([-3]) // [3]` */
export const abs = absolute

/** Numerical negative, keeping the dtype. @example `negative([1, -2]) // [-1, 2]` */
export function negative(x: TensorLike): Tensor {
  return lax.neg(toTensor(x))
}

/** Sign (-1, 0, 1; NaN stays NaN), keeping the dtype. @example `sign([-2, 0, 3]) // [-1, 0, 1]` */
export function sign(x: TensorLike): Tensor {
  const t = toTensor(x)
  return isBool(t.dtype) ? t : lax.sign(t)
}

/** `x * x`; bool inputs give int32. @example `square([3]) // [9]` */
export function square(x: TensorLike): Tensor {
  let t = toTensor(x)
  if (isBool(t.dtype)) t = cast(t, 'int32')
  return lax.mul(t, t)
}

/** `1 / x` (int/bool inputs give floatx). @example `reciprocal([4]) // [0.25]` */
export function reciprocal(x: TensorLike): Tensor {
  const t = toFloat(x)
  return lax.div(like(t, 1), t)
}

/**
 * Rounds half to even, optionally to `decimals` places (`keras.ops.round`).
 *
 * @example
 * ```ts
 * round([0.5, 1.5, 2.567], { decimals: 0 }) // [0, 2, 3]
 * ```
 */
export function round(x: TensorLike, options: { decimals?: number } = {}): Tensor {
  const t = toTensor(x)
  const decimals = options.decimals ?? 0
  if (!isFloat(t.dtype)) {
    if (decimals >= 0) return t
    // Integers with negative decimals round in floatx and cast back (as Keras).
    const f = cast(t, floatx())
    const factor = like(f, 10 ** decimals)
    return cast(lax.div(lax.unary('round', lax.mul(f, factor)), factor), t.dtype)
  }
  if (decimals === 0) return lax.unary('round', t)
  const factor = like(t, 10 ** decimals)
  return lax.div(lax.unary('round', lax.mul(t, factor)), factor)
}

/** Rounds toward zero, keeping the dtype. @example `trunc([-1.7, 1.7]) // [-1, 1]` */
export function trunc(x: TensorLike): Tensor {
  const t = toTensor(x)
  if (!isFloat(t.dtype)) return t
  return lax.select(lax.lt(t, like(t, 0)), lax.unary('ceil', t), lax.unary('floor', t))
}

/** Complex conjugate: the identity on real tensors (kx has no complex dtypes). @example `conj([1])` */
export function conjugate(x: TensorLike): Tensor { return toTensor(x) }
/** Alias of `conjugate`. @example `conj([1])` */
export const conj = conjugate
/** Real part: the identity on real tensors. @example `real([1.5]) // [1.5]` */
export function real(x: TensorLike): Tensor { return toTensor(x) }
/** Imaginary part: zeros on real tensors. @example `imag([1.5]) // [0]` */
export function imag(x: TensorLike): Tensor { const t = toTensor(x); return like(t, 0) }
/** Angle of a real number: 0 for x ≥ 0, π for x < 0 (float). @example `angle([-1, 1]) // [π, 0]` */
export const angle = /* @__PURE__ */ floatUnary((t) => lax.binary('atan2', like(t, 0), t))
/** A copy of the tensor (tensors are immutable, so the same values). @example `copy([1, 2])` */
export function copy(x: TensorLike): Tensor { return toTensor(x) }

/** Logical NOT (any dtype; non-zero is true). @example `logicalNot([true, false]) // [false, true]` */
export function logicalNot(x: TensorLike): Tensor {
  const t = toTensor(x)
  return isBool(t.dtype) ? lax.unary('not', t) : lax.eq(t, like(t, 0))
}

/** Bitwise NOT of integers (logical NOT of booleans). @example `bitwiseInvert([0]) // [-1]` */
export function bitwiseInvert(x: TensorLike): Tensor { return lax.unary('not', toTensor(x)) }
/** Alias of `bitwiseInvert`. @example `bitwiseNot([0]) // [-1]` */
export const bitwiseNot = bitwiseInvert

/** Whether each element is finite (true for ints/bools). @example `isfinite([1, Infinity, NaN])` */
export function isfinite(x: TensorLike): Tensor {
  const t = toTensor(x)
  return isFloat(t.dtype) ? lax.unary('is_finite', t) : like(t, true, 'bool')
}
/** Whether each element is ±Infinity. @example `isinf([1, -Infinity]) // [false, true]` */
export function isinf(x: TensorLike): Tensor {
  const t = toTensor(x)
  return isFloat(t.dtype) ? lax.eq(lax.abs(t), like(t, Infinity)) : like(t, false, 'bool')
}
/** Whether each element is NaN. @example `isnan([NaN, 1]) // [true, false]` */
export function isnan(x: TensorLike): Tensor {
  const t = toTensor(x)
  return isFloat(t.dtype) ? lax.ne(t, t) : like(t, false, 'bool')
}
/** Whether each element is -Infinity. @example `isneginf([-Infinity]) // [true]` */
export function isneginf(x: TensorLike): Tensor {
  const t = toTensor(x)
  return isFloat(t.dtype) ? lax.eq(t, like(t, -Infinity)) : like(t, false, 'bool')
}
/** Whether each element is +Infinity. @example `isposinf([Infinity]) // [true]` */
export function isposinf(x: TensorLike): Tensor {
  const t = toTensor(x)
  return isFloat(t.dtype) ? lax.eq(t, like(t, Infinity)) : like(t, false, 'bool')
}
/** Whether each element is real: always true (kx has no complex dtypes). @example `isreal([1])` */
export function isreal(x: TensorLike): Tensor { const t = toTensor(x); return like(t, true, 'bool') }

/**
 * Whether the sign bit is set (true for -0 and negative numbers, and for NaNs with the sign bit).
 *
 * @example
 * ```ts
 * signbit([-0, 0, -1]) // [true, false, true]
 * ```
 */
export function signbit(x: TensorLike): Tensor {
  const t = toTensor(x)
  if (isBool(t.dtype)) return like(t, false, 'bool')
  if (!isFloat(t.dtype)) return lax.lt(t, like(t, 0))
  // NOTE: -0 is detected through 1/x = -Infinity, since -0 < 0 is false.
  const negZero = land(lax.eq(t, like(t, 0)), lax.lt(lax.div(like(t, 1), t), like(t, 0)))
  return lor(lax.lt(t, like(t, 0)), negZero)
}

const MAX_FINITE: Record<string, number> = { float16: 65504, bfloat16: 3.3895313892515355e38, float32: 3.4028234663852886e38, float64: Number.MAX_VALUE }
/** @internal Largest finite value of a float dtype. */
export function maxFinite(d: DType): number { return MAX_FINITE[d] ?? Number.MAX_VALUE }

/**
 * Replaces NaN with `nan` (default 0) and ±Infinity with `posinf`/`neginf` (default: the dtype's
 * largest finite values). Integer tensors pass through.
 *
 * @example
 * ```ts
 * nanToNum([NaN, Infinity], { nan: 0 }) // [0, 3.4028e38]
 * ```
 */
export function nanToNum(x: TensorLike, options: { nan?: number; posinf?: number; neginf?: number } = {}): Tensor {
  const t = toTensor(x)
  if (!isFloat(t.dtype)) return t
  const big = maxFinite(t.dtype)
  let out = lax.select(lax.ne(t, t), like(t, options.nan ?? 0), t)
  out = lax.select(lax.eq(t, like(t, Infinity)), like(t, options.posinf ?? big), out)
  return lax.select(lax.eq(t, like(t, -Infinity)), like(t, options.neginf ?? -big), out)
}

/** @internal Whether the dtype is an integer (not bool). */
export const isIntDType = (d: DType): boolean => isInt(d)
