/**
 * @file Reductions of `keras.ops`: sum, prod, max/min, all/any, with Keras's result dtypes (sums of small ints
 * widen to int32). Mean, var/std, argmax/argmin and the cumulative ops are in reduction-more.ts.
 */
import { ShapeError, Tensor, fmt, isBool, lax } from '@kx/core'
import type { DType } from '@kx/core'
import { standardizeDType, toTensor, type DTypeLike, type TensorLike } from './convert.js'
import { axesOf, cast } from './promote.js'
import { like } from './elementwise.js'
import { insertAxes, knownSize } from './shape-util.js'

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

