/**
 * @file Order statistics and NaN-aware reductions of `keras.ops`: quantile, percentile, median,
 * the nan* family and corrcoef.
 */
import { InvalidArgumentError, ShapeError, Tensor, fmt, isFloat, lax } from '@kx/core'
import type { DType } from '@kx/core'
import { toTensor, type TensorLike } from './convert.js'
import { axesOf, broadcastTo, cast, resultDType } from './promote.js'
import { isnan, like } from './elementwise.js'
import { countOver, max, min, prod, reduceWith, sum, type ReduceOptions } from './reduction.js'
import { argmax, argmin, cumprod, cumsum, type CumulativeOptions } from './reduction-more.js'
import { insertAxes, knownSize, reshapeTo } from './shape-util.js'
import { gatherAlong } from './take.js'
import { matmul } from './products.js'

/** Quantile interpolation methods (NumPy's). */
export type QuantileMethod = 'linear' | 'lower' | 'higher' | 'midpoint' | 'nearest'

/** Options of `quantile` and friends. */
export interface QuantileOptions {
  readonly axis?: number | readonly number[] | null
  readonly method?: QuantileMethod
  readonly keepdims?: boolean
}

/** Moves the reduced axes to the end and merges them: `[...kept, n]`. */
function gatherRows(t: Tensor, axes: readonly number[]): Tensor {
  const kept = t.shape.map((_, i) => i).filter((i) => !axes.includes(i))
  const moved = lax.transpose(t, [...kept, ...axes])
  const n = knownSize(axes.map((a) => t.shape[a]!))
  return reshapeTo(moved, [...kept.map((i) => t.shape[i]!), n], 'quantile')
}

function quantileImpl(op: string, x: TensorLike, q: TensorLike, options: QuantileOptions, ignoreNan: boolean): Tensor {
  const t0 = toTensor(x)
  const dtype: DType = isFloat(t0.dtype) ? t0.dtype : resultDType(t0.dtype, 'weak_float')
  const t = cast(t0, dtype)
  const qt = cast(toTensor(q), dtype)
  if (qt.shape.length > 1) throw new ShapeError(`\`${op}\` needs a scalar or 1-D q. Received: q.shape=${fmt(qt.shape)}`)
  const method = options.method ?? 'linear'
  if (!['linear', 'lower', 'higher', 'midpoint', 'nearest'].includes(method)) throw new InvalidArgumentError(`\`${op}\`: unknown method. Received: method=${fmt(method)}`)
  const axes = axesOf(options.axis, t.shape.length, op)
  const rows = gatherRows(t, axes)
  const r = rows.shape.length
  const n = rows.shape[r - 1] ?? null
  const sorted = lax.sort(rows, r - 1)[0]
  const lead = rows.shape.slice(0, -1)
  const qs = qt.shape.length === 0 ? insertAxes(qt, [0]) : qt
  const m = qs.shape[0]!
  const outShape = [...lead, m]
  const qb = broadcastTo(qs, outShape)
  // valid count per row (all n unless NaNs are ignored: they sort last)
  let count: Tensor
  if (ignoreNan) count = broadcastTo(insertAxes(lax.reduceSum(cast(lax.eq(rows, rows), dtype), [r - 1]), [r - 1]), outShape)
  else if (n !== null) count = broadcastTo(like(qb, n), outShape)
  else count = broadcastTo(insertAxes(lax.reduceSum(like(rows, 1), [r - 1]), [r - 1]), outShape)
  const pos = lax.mul(qb, lax.max(lax.sub(count, like(count, 1)), like(count, 0)))
  const lo = lax.unary('floor', pos)
  const hi = lax.unary('ceil', pos)
  const last = lax.max(lax.sub(cast(count, 'int32'), like(cast(count, 'int32'), 1)), like(cast(count, 'int32'), 0))
  const take = (p: Tensor): Tensor => gatherAlong(sorted, lax.min(cast(p, 'int32'), last), r - 1)
  let out: Tensor
  if (method === 'lower') out = take(lo)
  else if (method === 'higher') out = take(hi)
  else if (method === 'nearest') out = take(lax.unary('round', pos))
  else if (method === 'midpoint') out = lax.mul(lax.add(take(lo), take(hi)), like(lo, 0.5))
  else {
    const w = lax.sub(pos, lo)
    out = lax.add(lax.mul(take(lo), lax.sub(like(w, 1), w)), lax.mul(take(hi), w))
  }
  if (!ignoreNan) {
    // any NaN in a row makes its quantiles NaN
    const anyNan = lax.reduce('reduce_or', isnan(rows), [r - 1])
    out = lax.select(broadcastTo(insertAxes(anyNan, [r - 1]), outShape), like(out, NaN), out)
  } else out = lax.select(lax.eq(count, like(count, 0)), like(out, NaN), out)
  // q's axis goes first, as NumPy
  out = lax.transpose(out, [r - 1, ...lead.map((_, i) => i)])
  if (options.keepdims) {
    const kept = t.shape.map((d, i) => (axes.includes(i) ? 1 : d))
    out = reshapeTo(out, [m, ...kept], op)
  }
  return qt.shape.length === 0 ? reshapeTo(out, out.shape.slice(1), op) : out
}

/**
 * The `q`-th quantiles (q in [0, 1], scalar or 1-D) over `axis` (default all), NumPy's methods.
 *
 * @example
 * ```ts
 * quantile([1, 2, 3, 4], 0.5) // 2.5
 * ```
 */
export function quantile(x: TensorLike, q: TensorLike, options: QuantileOptions = {}): Tensor { return quantileImpl('quantile', x, q, options, false) }
/** Percentiles (`q` in [0, 100]). @example `percentile([1, 2, 3], 50) // 2` */
export function percentile(x: TensorLike, q: TensorLike, options: QuantileOptions = {}): Tensor {
  const qt = toTensor(q)
  return quantileImpl('percentile', x, lax.div(cast(qt, resultDType(qt, 'weak_float')), like(cast(qt, resultDType(qt, 'weak_float')), 100)), options, false)
}
/** Median over `axis`. @example `median([3, 1, 2]) // 2` */
export function median(x: TensorLike, options: ReduceOptions = {}): Tensor { return quantileImpl('median', x, 0.5, options, false) }
/** `quantile` ignoring NaNs. @example `nanquantile([1, NaN, 3], 0.5) // 2` */
export function nanquantile(x: TensorLike, q: TensorLike, options: QuantileOptions = {}): Tensor { return quantileImpl('nanquantile', x, q, options, true) }
/** `percentile` ignoring NaNs. @example `nanpercentile([1, NaN, 3], 50) // 2` */
export function nanpercentile(x: TensorLike, q: TensorLike, options: QuantileOptions = {}): Tensor {
  const qt = toTensor(q)
  const d = resultDType(qt, 'weak_float')
  return quantileImpl('nanpercentile', x, lax.div(cast(qt, d), like(cast(qt, d), 100)), options, true)
}
/** `median` ignoring NaNs. @example `nanmedian([1, NaN, 3]) // 2` */
export function nanmedian(x: TensorLike, options: ReduceOptions = {}): Tensor { return quantileImpl('nanmedian', x, 0.5, options, true) }

const replaceNan = (t: Tensor, v: number): Tensor => (isFloat(t.dtype) ? lax.select(isnan(t), like(t, v), t) : t)

/** Sum ignoring NaNs. @example `nansum([1, NaN, 2]) // 3` */
export function nansum(x: TensorLike, options: ReduceOptions = {}): Tensor { return sum(replaceNan(toTensor(x), 0), options) }
/** Product ignoring NaNs. @example `nanprod([2, NaN, 3]) // 6` */
export function nanprod(x: TensorLike, options: ReduceOptions = {}): Tensor { return prod(replaceNan(toTensor(x), 1), options) }

function nanExtreme(op: string, x: TensorLike, options: ReduceOptions, isMax: boolean): Tensor {
  const t = toTensor(x)
  if (!isFloat(t.dtype)) return (isMax ? max : min)(t, options)
  const r = (isMax ? max : min)(replaceNan(t, isMax ? -Infinity : Infinity), options)
  const allNan = reduceWith(isnan(t), op, options, (u, axes) => lax.reduce('reduce_and', u, axes))
  return lax.select(allNan, like(r, NaN), r)
}
/** Maximum ignoring NaNs (NaN when all are NaN). @example `nanmax([1, NaN, 3]) // 3` */
export function nanmax(x: TensorLike, options: ReduceOptions = {}): Tensor { return nanExtreme('nanmax', x, options, true) }
/** Minimum ignoring NaNs. @example `nanmin([1, NaN, 3]) // 1` */
export function nanmin(x: TensorLike, options: ReduceOptions = {}): Tensor { return nanExtreme('nanmin', x, options, false) }

function nanMoments(op: string, x: TensorLike, options: ReduceOptions): { mean: Tensor; variance: Tensor } {
  const t0 = toTensor(x)
  const d = resultDType(t0.dtype, 'weak_float')
  const t = cast(t0, d)
  const axes = axesOf(options.axis, t.shape.length, op)
  const valid = cast(lax.eq(t, t), d)
  const z = replaceNan(t, 0)
  const n = lax.reduceSum(valid, axes)
  const mean = lax.div(lax.reduceSum(z, axes), n)
  const kept = t.shape.map((_, i) => i).filter((i) => !axes.includes(i))
  const centered = lax.mul(lax.sub(z, lax.broadcastInDim(mean, t.shape as number[], kept)), valid)
  const variance = lax.div(lax.reduceSum(lax.mul(centered, centered), axes), n)
  const k = (u: Tensor): Tensor => (options.keepdims ? insertAxes(u, axes) : u)
  return { mean: k(mean), variance: k(variance) }
}
/** Mean ignoring NaNs. @example `nanmean([1, NaN, 3]) // 2` */
export function nanmean(x: TensorLike, options: ReduceOptions = {}): Tensor { return nanMoments('nanmean', x, options).mean }
/** Variance ignoring NaNs. @example `nanvar([1, NaN, 3]) // 1` */
export function nanvar(x: TensorLike, options: ReduceOptions = {}): Tensor { return nanMoments('nanvar', x, options).variance }
/** Standard deviation ignoring NaNs. @example `nanstd([1, NaN, 3]) // 1` */
export function nanstd(x: TensorLike, options: ReduceOptions = {}): Tensor { return lax.sqrt(nanMoments('nanstd', x, options).variance) }

/** Index of the maximum ignoring NaNs; int32. @example `nanargmax([NaN, 1, 3]) // 2` */
export function nanargmax(x: TensorLike, options: ReduceOptions & { axis?: number | null } = {}): Tensor {
  const t = toTensor(x)
  return argmax(replaceNan(t, -Infinity), options)
}
/** Index of the minimum ignoring NaNs; int32. @example `nanargmin([NaN, 1, 3]) // 1` */
export function nanargmin(x: TensorLike, options: ReduceOptions & { axis?: number | null } = {}): Tensor {
  const t = toTensor(x)
  return argmin(replaceNan(t, Infinity), options)
}
/** Cumulative sum treating NaN as 0. @example `nancumsum([1, NaN, 2]) // [1, 1, 3]` */
export function nancumsum(x: TensorLike, options: CumulativeOptions = {}): Tensor { return cumsum(replaceNan(toTensor(x), 0), options) }
/** Cumulative product treating NaN as 1. @example `nancumprod([2, NaN, 3]) // [2, 2, 6]` */
export function nancumprod(x: TensorLike, options: CumulativeOptions = {}): Tensor { return cumprod(replaceNan(toTensor(x), 1), options) }

/**
 * Pearson correlation coefficients of the rows of `x` (variables in rows, observations in columns).
 *
 * @example
 * ```ts
 * corrcoef([[1, 2, 3], [2, 4, 7]])
 * ```
 */
export function corrcoef(x: TensorLike): Tensor {
  const t0 = toTensor(x)
  const t1 = cast(t0, resultDType(t0.dtype, 'weak_float'))
  const t = t1.shape.length === 1 ? insertAxes(t1, [0]) : t1
  if (t.shape.length !== 2) throw new ShapeError(`\`corrcoef\` needs a 1-D or 2-D input. Received: x.shape=${fmt(t0.shape)}`)
  const n = t.shape[1]!
  const m = lax.div(lax.reduceSum(t, [1]), countOver(t, [1], t.dtype))
  const c = lax.sub(t, lax.broadcastInDim(m, t.shape as number[], [0]))
  const cov = lax.div(matmul(c, lax.transpose(c, [1, 0])), like(matmul(c, lax.transpose(c, [1, 0])), Math.max(n - 1, 1)))
  const k = t.shape[0]!
  const dg = lax.sqrt(lax.reduceSum(lax.select(lax.eq(lax.iota('int32', [k, k], 0), lax.iota('int32', [k, k], 1)), cov, like(cov, 0)), [1]))
  const denom = lax.mul(lax.broadcastInDim(dg, [k, k], [0]), lax.broadcastInDim(dg, [k, k], [1]))
  const r = lax.min(lax.max(lax.div(cov, denom), like(cov, -1)), like(cov, 1))
  return t1.shape.length === 1 ? lax.reshape(r, []) : r
}
