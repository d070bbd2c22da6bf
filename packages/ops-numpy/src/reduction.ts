/**
 * @file Reductions of `keras.ops`: sum, prod, mean, max/min, var/std, all/any, argmax/argmin,
 * cumulative sums and products, with Keras's result dtypes (sums of small ints widen to int32).
 */
import { InvalidArgumentError, ShapeError, Tensor, fmt, isBool, isFloat, lax } from '@kx/core'
import type { DType } from '@kx/core'
import { standardizeDType, toTensor, type DTypeLike, type TensorLike } from './convert.js'
import { axesOf, axisOf, cast, land, resultDType } from './promote.js'
import { like, signbit } from './elementwise.js'
import { flatten1d, insertAxes, knownSize } from './shape-util.js'

/** Options of the reductions: `axis` (default: all axes) and `keepdims` (default false). */
export interface ReduceOptions {
  readonly axis?: number | readonly number[] | null
  readonly keepdims?: boolean
}

/** @internal Reduces with `f` over the normalised axes, re-inserting unit dims when keepdims. */
export function reduceWith(x: Tensor, op: string, options: ReduceOptions, f: (t: Tensor, axes: number[]) => Tensor): Tensor {
  const axes = axesOf(options.axis, x.shape.length, op)
  const out = f(x, axes)
  return options.keepdims ? insertAxes(out, axes) : out
}

/** @internal Number of elements over `axes` as a tensor of `dtype` (works with unknown dims). */
export function countOver(x: Tensor, axes: readonly number[], dtype: DType): Tensor {
  const n = knownSize(axes.map((a) => x.shape[a]!))
  if (n !== null) return like(lax.reduceSum(like(x, 0, dtype), axes), n)
  return lax.reduceSum(like(x, 1, dtype), axes)
}

/** Keras's accumulator dtype of sum/prod: bool/int8/int16 → int32, uint8/uint16 → uint32. */
function sumDType(d: DType): DType {
  if (d === 'bool' || d === 'int8' || d === 'int16') return 'int32'
  if (d === 'uint8' || d === 'uint16') return 'uint32'
  return d
}

/**
 * Sum over `axis` (default all). Small integer and bool inputs accumulate in int32 (uint32 for
 * small unsigned), as Keras.
 *
 * @example
 * ```ts
 * sum([[1, 2], [3, 4]], { axis: 0 }) // [4, 6]
 * ```
 */
export function sum(x: TensorLike, options: ReduceOptions = {}): Tensor {
  const t = toTensor(x)
  return reduceWith(cast(t, sumDType(t.dtype)), 'sum', options, lax.reduceSum)
}

/**
 * Product over `axis`; `dtype` sets the accumulator (default as `sum`).
 *
 * @example
 * ```ts
 * prod([1, 2, 3]) // 6
 * ```
 */
export function prod(x: TensorLike, options: ReduceOptions & { dtype?: DTypeLike } = {}): Tensor {
  const t = toTensor(x)
  const d = standardizeDType(options.dtype, 'prod') ?? sumDType(t.dtype)
  return reduceWith(cast(t, d), 'prod', options, (v, axes) => lax.reduce('reduce_prod', v, axes))
}

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

function extremeOp(op: string, prim: 'reduce_max' | 'reduce_min') {
  return (x: TensorLike, options: ReduceOptions & { initial?: number | null } = {}): Tensor => {
    const t = toTensor(x)
    const axes = axesOf(options.axis, t.shape.length, op)
    if (options.initial === undefined || options.initial === null) {
      for (const a of axes) {
        if (t.shape[a] === 0) throw new ShapeError(`\`${op}\` of an empty axis needs \`initial\`: the reduction has no identity. Received: x.shape=${fmt(t.shape)}, axis=${fmt(options.axis ?? null)}`)
      }
    }
    let out = lax.reduce(prim, t, axes)
    if (options.initial !== undefined && options.initial !== null) {
      out = (prim === 'reduce_max' ? lax.max : lax.min)(out, like(out, options.initial))
    }
    return options.keepdims ? insertAxes(out, axes) : out
  }
}

/** Maximum over `axis` (NaN propagates); `initial` also bounds it and allows empty axes. @example `max([1, 3, 2]) // 3` */
export const max = /* @__PURE__ */ extremeOp('max', 'reduce_max')
/** Minimum over `axis`. @example `min([1, 3, 2]) // 1` */
export const min = /* @__PURE__ */ extremeOp('min', 'reduce_min')
/** Alias of `max` without `initial`. @example `amax([[1, 5]], { axis: 1 }) // [5]` */
export function amax(x: TensorLike, options: ReduceOptions = {}): Tensor { return max(x, options) }
/** Alias of `min` without `initial`. @example `amin([[1, 5]], { axis: 1 }) // [1]` */
export function amin(x: TensorLike, options: ReduceOptions = {}): Tensor { return min(x, options) }

/** Range `max - min` over `axis` (`np.ptp`). @example `ptp([3, 1, 7]) // 6` */
export function ptp(x: TensorLike, options: ReduceOptions = {}): Tensor {
  const t = toTensor(x)
  return lax.sub(max(t, options), min(t, options))
}

const toBool = (t: Tensor): Tensor => (isBool(t.dtype) ? t : lax.ne(t, like(t, 0)))

/** Whether all elements are truthy over `axis`. @example `all([true, false]) // false` */
export function all(x: TensorLike, options: ReduceOptions = {}): Tensor {
  return reduceWith(toBool(toTensor(x)), 'all', options, (t, axes) => lax.reduce('reduce_and', t, axes))
}
/** Whether any element is truthy over `axis`. @example `any([true, false]) // true` */
export function any(x: TensorLike, options: ReduceOptions = {}): Tensor {
  return reduceWith(toBool(toTensor(x)), 'any', options, (t, axes) => lax.reduce('reduce_or', t, axes))
}

/** Number of non-zero elements over `axis` (int32). @example `countNonzero([0, 1, 2]) // 2` */
export function countNonzero(x: TensorLike, options: { axis?: number | readonly number[] | null } = {}): Tensor {
  const t = toBool(toTensor(x))
  return reduceWith(cast(t, 'int32'), 'countNonzero', { axis: options.axis ?? null }, lax.reduceSum)
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
