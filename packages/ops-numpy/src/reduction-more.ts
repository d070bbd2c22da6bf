/**
 * @file The statistical reductions of `keras.ops`: mean, var/std, average, argmax/argmin and the cumulative sums
 * and products. Apart from reduction.ts (sum, prod, max/min, all/any) so that a bundle needing only those, as a
 * model's engine does, does not carry them.
 */
import { InvalidArgumentError, ShapeError, Tensor, fmt, isBool, isFloat, lax } from '@kx/core'
import { standardizeDType, toTensor, type DTypeLike, type TensorLike } from './convert.js'
import { axesOf, axisOf, cast, land, resultDType } from './promote.js'
import { like, signbit } from './elementwise.js'
import { flatten1d, insertAxes } from './shape-util.js'
import { countOver, reduceWith, sum, type ReduceOptions } from './reduction.js'

/**
 * Arithmetic mean. Int/bool inputs give float32; float16/bfloat16 accumulate in float32 and
 * return their own dtype (as Keras).
 *
 * @example
 * ```ts
 * mean([1, 2, 3, 4]) // 2.5
 * ```
 */
export function mean(x: TensorLike, options: ReduceOptions = {}): Tensor {
  const t = toTensor(x)
  const compute = resultDType(t.dtype, 'float32')
  const result = isFloat(t.dtype) ? t.dtype : compute
  const v = cast(t, compute)
  const out = reduceWith(v, 'mean', options, (u, axes) => lax.div(lax.reduceSum(u, axes), countOver(u, axes, compute)))
  return cast(out, result)
}

/**
 * Variance over `axis` (population variance, `ddof = 0`). Int inputs give floatx; float16 computes
 * in float32.
 *
 * @example
 * ```ts
 * variance([1, 2, 3, 4]) // 1.25
 * ```
 */
export function variance(x: TensorLike, options: ReduceOptions = {}): Tensor {
  const t = toTensor(x)
  const compute = resultDType(t.dtype, 'float32')
  const result = resultDType(t.dtype, 'weak_float')
  const v = cast(t, compute)
  const axes = axesOf(options.axis, v.shape.length, 'var')
  const n = countOver(v, axes, compute)
  const m = lax.div(lax.reduceSum(v, axes), n)
  const centered = lax.sub(v, lax.broadcastInDim(m, v.shape as number[], v.shape.map((_, i) => i).filter((i) => !axes.includes(i))))
  const out = lax.div(lax.reduceSum(lax.mul(centered, centered), axes), n)
  return cast(options.keepdims ? insertAxes(out, axes) : out, result)
}
/** `keras.ops.var` (named `variance` too, since `var` is a JS keyword). @example `var_([1, 3]) // 1` */
export const var_ = variance

/** Standard deviation over `axis` (`ddof = 0`). @example `std([1, 3]) // 1` */
export function std(x: TensorLike, options: ReduceOptions = {}): Tensor {
  const t = toTensor(x)
  const v = variance(isFloat(t.dtype) ? t : cast(t, resultDType(t.dtype, 'weak_float')), options)
  return lax.sqrt(v)
}

/**
 * Weighted average over `axis` (`np.average`); plain mean without weights.
 *
 * @example
 * ```ts
 * average([1, 2, 3], { weights: [3, 1, 0] }) // 1.25
 * ```
 */
export function average(x: TensorLike, options: { axis?: number | null; weights?: TensorLike | null } = {}): Tensor {
  const t0 = toTensor(x)
  const w0 = options.weights === undefined || options.weights === null ? null : toTensor(options.weights)
  const dtype = w0 ? resultDType(t0.dtype, 'weak_float', w0.dtype) : resultDType(t0.dtype, 'weak_float')
  const t = cast(t0, dtype)
  if (!w0) return mean(t, { axis: options.axis ?? null })
  let w = cast(w0, dtype)
  if (options.axis === undefined || options.axis === null) {
    if (w.shape.length !== t.shape.length || w.shape.some((d, i) => d !== t.shape[i])) {
      throw new ShapeError(`\`average\` needs weights of the input's shape when axis is None. Received: x.shape=${fmt(t.shape)}, weights.shape=${fmt(w.shape)}`)
    }
    return lax.div(sum(lax.mul(t, w)), sum(w))
  }
  const axis = axisOf(options.axis, t.shape.length, 'average')
  if (w.shape.length === 1 && t.shape.length > 1) {
    if (w.shape[0] !== t.shape[axis]) throw new ShapeError(`\`average\` needs 1-D weights as long as the averaged axis. Received: x.shape=${fmt(t.shape)}, weights.shape=${fmt(w.shape)}, axis=${axis}`)
    w = lax.broadcastInDim(w, t.shape as number[], [axis])
  }
  return lax.div(sum(lax.mul(t, w), { axis }), sum(w, { axis }))
}

// ---- arg reductions ---------------------------------------------------------------------------

function argOp(op: string, prim: 'argmax' | 'argmin') {
  return (x: TensorLike, options: ReduceOptions & { axis?: number | null } = {}): Tensor => {
    let t = toTensor(x)
    if (isBool(t.dtype)) t = cast(t, 'int32')
    if (isFloat(t.dtype)) {
      // NOTE: -0 ranks below +0, as Keras's JAX backend does on CPU; its stand-in is the smallest normal
      // float32, since GPUs flush subnormals to zero.
      const negZero = land(lax.eq(t, like(t, 0)), signbit(t))
      t = lax.select(negZero, like(t, -1.1754944e-38), t)
    }
    if (options.axis === undefined || options.axis === null) {
      if (t.size === 0) throw new ShapeError(`\`${op}\` of an empty tensor is undefined. Received: x.shape=${fmt(t.shape)}`)
      const flat = t.shape.length === 0 ? lax.reshape(t, [1]) : flatten1d(t)
      const out = prim === 'argmax' ? lax.argmax(flat, 0) : lax.argmin(flat, 0)
      return options.keepdims ? lax.reshape(out, t.shape.map(() => 1)) : out
    }
    if (t.shape.length === 0) {
      axisOf(options.axis, 1, op)
      return like(t, 0, 'int32')
    }
    const axis = axisOf(options.axis, t.shape.length, op)
    const out = prim === 'argmax' ? lax.argmax(t, axis) : lax.argmin(t, axis)
    return options.keepdims ? insertAxes(out, [axis]) : out
  }
}
/** Index of the maximum (first occurrence; NaN wins) over `axis` or the flattened tensor; int32. @example `argmax([1, 5, 2]) // 1` */
export const argmax = /* @__PURE__ */ argOp('argmax', 'argmax')
/** Index of the minimum; int32. @example `argmin([1, 5, 0]) // 2` */
export const argmin = /* @__PURE__ */ argOp('argmin', 'argmin')

// ---- cumulative -----------------------------------------------------------------------------

/** Options of `cumsum` / `cumprod`: `axis` (default: flattened) and accumulator `dtype`. */
export interface CumulativeOptions {
  readonly axis?: number | null
  readonly dtype?: DTypeLike | null
}

function cumulativeOp(op: string, prim: 'cumsum' | 'cumprod') {
  return (x: TensorLike, options: CumulativeOptions = {}): Tensor => {
    let t = toTensor(x)
    const d = standardizeDType(options.dtype, op) ?? (isBool(t.dtype) ? 'int32' : t.dtype)
    t = cast(t, d)
    if (options.axis === undefined || options.axis === null) {
      t = t.shape.length === 0 ? lax.reshape(t, [1]) : flatten1d(t)
      return lax.cumulative(prim, t, 0)
    }
    if (t.shape.length === 0) throw new InvalidArgumentError(`\`${op}\` needs axis=None for a scalar. Received: axis=${fmt(options.axis)}`)
    return lax.cumulative(prim, t, axisOf(options.axis, t.shape.length, op))
  }
}
/** Cumulative sum along `axis` (flattened by default); bool gives int32. @example `cumsum([1, 2, 3]) // [1, 3, 6]` */
export const cumsum = /* @__PURE__ */ cumulativeOp('cumsum', 'cumsum')
/** Cumulative product along `axis`. @example `cumprod([1, 2, 3]) // [1, 2, 6]` */
export const cumprod = /* @__PURE__ */ cumulativeOp('cumprod', 'cumprod')
