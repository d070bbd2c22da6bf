/**
 * @file Sorting and searching ops of `keras.ops`: sort, argsort, top_k, in_top_k, argpartition,
 * searchsorted, digitize, isin, unique, bincount, histogram, unravel_index.
 */
import { DTypeError, InvalidArgumentError, NotImplementedError, ShapeError, Tensor, fmt, isFloat, isInt, lax, tensor } from '@kx/core'
import type { DType } from '@kx/core'
import { standardizeDType, toTensor, type TensorLike } from './convert.js'
import { axisOf, broadcastTo, cast, prepare, range, resultDType, scalar } from './promote.js'
import { like } from './elementwise.js'
import { insertAxes } from './shape-util.js'
import { moveaxis, ravel } from './shape-ops.js'
import { gatherAlong } from './take.js'
import { linspace } from './creation.js'

function sortSetup(x: TensorLike, axis: number | null | undefined, op: string): [Tensor, number] {
  let t = toTensor(x)
  if (axis === null || t.shape.length === 0) return [ravel(t), 0]
  return [t, axisOf(axis ?? -1, t.shape.length, op)]
}

/**
 * Sorts along `axis` (default last; null flattens). NaN sorts last.
 *
 * @example
 * ```ts
 * sort([3, 1, 2]) // [1, 2, 3]
 * ```
 */
export function sort(x: TensorLike, options: { axis?: number | null } = {}): Tensor {
  const [t, axis] = sortSetup(x, options.axis, 'sort')
  return lax.sort(t, axis)[0]
}

/**
 * Indices that sort along `axis` (stable; default last; null flattens); int32.
 *
 * @example
 * ```ts
 * argsort([3, 1, 2]) // [1, 2, 0]
 * ```
 */
export function argsort(x: TensorLike, options: { axis?: number | null } = {}): Tensor {
  const [t, axis] = sortSetup(x, options.axis, 'argsort')
  return lax.sort(t, axis)[1]
}

/**
 * The `k` largest values along the last axis and their indices (`keras.ops.top_k`).
 *
 * @example
 * ```ts
 * const [values, indices] = topK([1, 5, 3], 2) // [5, 3], [1, 2]
 * ```
 */
export function topK(x: TensorLike, k: number, options: { sorted?: boolean } = {}): [Tensor, Tensor] {
  const t = toTensor(x)
  if (t.shape.length === 0) throw new ShapeError(`\`topK\` needs at least 1 dimension. Received: x.shape=${fmt(t.shape)}`)
  void options.sorted // results are always sorted (a valid choice for sorted=false too)
  return lax.topK(t, k)
}

/**
 * Whether each target's prediction is among the `k` largest of its row (ties count as in).
 *
 * @example
 * ```ts
 * inTopK([2], [[0.1, 0.5, 0.4]], 2) // [true]
 * ```
 */
export function inTopK(targets: TensorLike, predictions: TensorLike, k: number): Tensor {
  const p = toTensor(predictions)
  const tg = cast(toTensor(targets), 'int32')
  const [vals] = lax.topK(p, k)
  const kth = lax.reduce('reduce_min', vals, [vals.shape.length - 1])
  const targetVals = gatherAlong(p, insertAxes(tg, [tg.shape.length]), p.shape.length - 1)
  const tv = lax.reshape(targetVals, tg.shape as number[])
  return lax.ge(tv, kth)
}

/**
 * Indices that partition along `axis`: the element at `kth` is where sorting would put it, smaller
 * ones before, larger ones after (`np.argpartition`, JAX's order).
 *
 * @example
 * ```ts
 * argpartition([3, 1, 4, 1.5], 1) // [1, 3, 0, 2]
 * ```
 */
export function argpartition(x: TensorLike, kth: number, options: { axis?: number | null } = {}): Tensor {
  let t = toTensor(x)
  let axis: number
  if (options.axis === null) { t = ravel(t); axis = 0 } else axis = axisOf(options.axis ?? -1, t.shape.length, 'argpartition')
  let a = moveaxis(t, axis, -1)
  const n = a.shape[a.shape.length - 1]!
  const k = kth < 0 ? kth + n : kth
  if (k < 0 || k >= n) throw new InvalidArgumentError(`\`argpartition\`: kth out of range. Received: kth=${kth}, size=${n}`)
  if (!isFloat(a.dtype)) a = cast(a, 'float32')
  const [, bottom] = lax.topK(lax.neg(a), k + 1)
  // proxy: ones with zeros at the bottom indices; the rest come from top_k of the proxy
  const rows = a.shape.slice(0, -1) as number[]
  const hit = lax.reduce('reduce_or', lax.eq(broadcastTo(insertAxes(bottom, [bottom.shape.length]), [...rows, k + 1, n]), broadcastTo(lax.iota('int32', [n], 0), [...rows, k + 1, n])), [rows.length])
  const proxy = lax.select(hit, like(a, 0), like(a, 1))
  const [, top] = lax.topK(proxy, n - k - 1)
  return moveaxis(lax.concatenate([bottom, top], rows.length), -1, axis)
}

/**
 * Insertion indices of `values` into the 1-D `sortedSequence` (`side` left or right); int32.
 *
 * @example
 * ```ts
 * searchsorted([1, 2, 3], [2, 5]) // [1, 3]
 * ```
 */
export function searchsorted(sortedSequence: TensorLike, values: TensorLike, options: { side?: 'left' | 'right' } = {}): Tensor {
  const [s, v] = prepare('searchsorted', [sortedSequence, values], { broadcast: false })
  if (s!.shape.length !== 1) throw new ShapeError(`\`searchsorted\` only supports 1-D sorted sequences. Received: sorted_sequence.shape=${fmt(s!.shape)}`)
  const side = options.side ?? 'left'
  if (side !== 'left' && side !== 'right') throw new InvalidArgumentError(`\`searchsorted\`: side must be "left" or "right". Received: side=${fmt(side)}`)
  const n = s!.shape[0]!
  const shape = [...v!.shape, n] as number[]
  const ve = broadcastTo(insertAxes(v!, [v!.shape.length]), shape)
  const se = broadcastTo(s!, shape)
  const before = side === 'left' ? lax.lt(se, ve) : lax.le(se, ve)
  return lax.reduceSum(cast(before, 'int32'), [v!.shape.length])
}

/**
 * Bin index of each value for increasing `bins` (`np.digitize`, right=False); int32.
 *
 * @example
 * ```ts
 * digitize([0.2, 6.4, 3.0], [0, 1, 2.5, 4, 10]) // [1, 4, 3]
 * ```
 */
export function digitize(x: TensorLike, bins: TensorLike): Tensor {
  return searchsorted(bins, x, { side: 'right' })
}

/**
 * Whether each element of `x1` occurs in `x2` (`np.isin`); `invert` negates.
 *
 * @example
 * ```ts
 * isin([1, 2, 3], [2]) // [false, true, false]
 * ```
 */
export function isin(x1: TensorLike, x2: TensorLike, options: { assumeUnique?: boolean; invert?: boolean } = {}): Tensor {
  const [a, b0] = prepare('isin', [x1, x2], { broadcast: false })
  const b = ravel(b0!)
  const n = b.shape[0]!
  const shape = [...a!.shape, n] as number[]
  const eq = lax.eq(broadcastTo(insertAxes(a!, [a!.shape.length]), shape), broadcastTo(b, shape))
  const found = lax.reduce('reduce_or', eq, [a!.shape.length])
  return options.invert ? lax.unary('not', found) : found
}

function concreteValues(t: Tensor, op: string): number[] {
  if (t.isSymbolic) throw new NotImplementedError(`\`${op}\` has a data-dependent output shape and runs eagerly only. Received: ${t.toString()}`)
  return Array.from(t.dataSync() as ArrayLike<number>)
}

/** Options of `unique`. */
export interface UniqueOptions {
  readonly sorted?: boolean
  readonly returnIndex?: boolean
  readonly returnInverse?: boolean
  readonly returnCounts?: boolean
  readonly axis?: number | null
  readonly size?: number | null
  readonly fillValue?: number | null
}

/**
 * Sorted unique elements of the flattened input, optionally with first indices, inverse indices and
 * counts (int32). Eager only: a typed `NotImplementedError` on symbolic tensors.
 *
 * @example
 * ```ts
 * unique([3, 1, 3]) // [1, 3]
 * ```
 */
export function unique(x: TensorLike, options: UniqueOptions = {}): Tensor | Tensor[] {
  const t = toTensor(x)
  if (options.axis !== undefined && options.axis !== null) throw new NotImplementedError(`\`unique\` with an axis is not implemented in kx. Received: axis=${options.axis}`)
  const vals = concreteValues(t, 'unique')
  const order = vals.map((_, i) => i).sort((i, j) => (vals[i]! < vals[j]! ? -1 : vals[i]! > vals[j]! ? 1 : i - j))
  const uniq: number[] = []
  const first: number[] = []
  const counts: number[] = []
  const inverse = new Array<number>(vals.length)
  for (const i of order) {
    const v = vals[i]!
    if (uniq.length === 0 || uniq[uniq.length - 1] !== v) { uniq.push(v); first.push(i); counts.push(0) }
    counts[counts.length - 1]!++
    inverse[i] = uniq.length - 1
  }
  if (options.size !== undefined && options.size !== null) {
    const fill = options.fillValue ?? uniq[0] ?? 0
    while (uniq.length < options.size) { uniq.push(fill); first.push(0); counts.push(0) }
    uniq.length = options.size; first.length = options.size; counts.length = options.size
  }
  const mk = (v: number[], d: DType, shape = [v.length]): Tensor => tensor(Float64Array.from(v), { shape, dtype: d, backend: t.backend })
  const outs = [mk(uniq, t.dtype)]
  if (options.returnIndex) outs.push(mk(first, 'int32'))
  if (options.returnInverse) outs.push(mk(inverse, 'int32', t.shape.length ? t.shape.slice() : [1]))
  if (options.returnCounts) outs.push(mk(counts, 'int32'))
  return outs.length === 1 ? outs[0]! : outs
}

/**
 * Counts occurrences of each non-negative integer (weighted sums with `weights`), length
 * `max(x) + 1` or `minlength`; 2-D inputs count per row. Eager only (data-dependent length).
 *
 * @example
 * ```ts
 * bincount([0, 1, 1, 3]) // [1, 2, 0, 1]
 * ```
 */
export function bincount(x: TensorLike, options: { weights?: TensorLike | null; minlength?: number; sparse?: boolean } = {}): Tensor {
  const t = toTensor(x)
  if (!isInt(t.dtype)) throw new DTypeError(`\`bincount\` needs integer inputs. Received: x dtype=${t.dtype}`)
  if (options.sparse) throw new NotImplementedError('`bincount` with sparse=True is not supported: kx has no sparse tensors.')
  if (t.shape.length !== 1 && t.shape.length !== 2) throw new ShapeError(`\`bincount\` needs a 1-D or 2-D input. Received: x.shape=${fmt(t.shape)}`)
  const vals = concreteValues(t, 'bincount')
  if (vals.some((v) => v < 0)) throw new InvalidArgumentError('`bincount` needs non-negative values.')
  const len = Math.max(options.minlength ?? 0, vals.length ? Math.max(...vals) + 1 : 0)
  const w = options.weights === undefined || options.weights === null ? null : toTensor(options.weights)
  const dtype = w ? resultDType(t.dtype, w.dtype) : 'int32'
  const upd = w ? cast(w, dtype) : like(t, 1, dtype)
  const i32 = cast(t, 'int32')
  if (t.shape.length === 1) return lax.scatterAdd(broadcastTo(scalar(0, dtype, t), [len]), i32, upd, 0)
  const rows = t.shape[0]!
  const m = t.shape[1]!
  const flat = lax.add(i32, lax.mul(lax.iota('int32', [rows, m], 0), broadcastTo(scalar(len, 'int32', t), [rows, m])))
  const out = lax.scatterAdd(broadcastTo(scalar(0, dtype, t), [rows * len]), lax.reshape(flat, [rows * m]), lax.reshape(upd, [rows * m]), 0)
  return lax.reshape(out, [rows, len])
}

/**
 * Histogram of the flattened input over `bins` equal bins spanning `range` (default [min, max]):
 * `[counts, binEdges]` (`np.histogram`; the last bin includes its right edge).
 *
 * @example
 * ```ts
 * const [counts, edges] = histogram([0, 0.5, 1], { bins: 2 }) // [1, 2], [0, 0.5, 1]
 * ```
 */
export function histogram(x: TensorLike, options: { bins?: number; range?: readonly [number, number] | null } = {}): [Tensor, Tensor] {
  const t0 = ravel(toTensor(x))
  const t = isFloat(t0.dtype) ? t0 : cast(t0, 'float32')
  const bins = options.bins ?? 10
  if (!Number.isInteger(bins) || bins < 1) throw new InvalidArgumentError(`\`histogram\` needs a positive integer number of bins. Received: bins=${fmt(bins)}`)
  let lo: Tensor
  let hi: Tensor
  if (options.range) { lo = scalar(options.range[0], t.dtype, t); hi = scalar(options.range[1], t.dtype, t) } else {
    lo = lax.reduceMin(t, [0]); hi = lax.reduceMax(t, [0])
  }
  const edges = linspace(lo, hi, { num: bins + 1, dtype: t.dtype })
  // bin = searchsorted(edges, x, right) - 1; x == last edge goes to the last bin; outside: dropped
  const n = t.shape[0]!
  const shape = [n, bins + 1]
  const le = lax.le(broadcastTo(edges, shape), broadcastTo(insertAxes(t, [1]), shape))
  let idx = lax.sub(lax.reduceSum(cast(le, 'int32'), [1]), like(lax.reduceSum(cast(le, 'int32'), [1]), 1))
  const atEnd = lax.eq(t, broadcastTo(lax.reshape(lax.slice(edges, [bins], [bins + 1]), []), [n]))
  idx = lax.select(atEnd, like(idx, bins - 1), idx)
  const inRange = lax.binary('and', lax.ge(idx, like(idx, 0)), lax.lt(idx, like(idx, bins)))
  const hot = lax.eq(broadcastTo(insertAxes(idx, [1]), [n, bins]), broadcastTo(lax.iota('int32', [bins], 0), [n, bins]))
  const counts = lax.reduceSum(cast(lax.binary('and', hot, broadcastTo(insertAxes(inRange, [1]), [n, bins])), t.dtype), [0])
  return [counts, edges]
}

/**
 * Converts flat indices into coordinate arrays for `shape` (`np.unravel_index`).
 *
 * @example
 * ```ts
 * unravelIndex([5, 7], [3, 4]) // [[1, 1], [1, 3]]
 * ```
 */
export function unravelIndex(indices: TensorLike, shape: readonly number[]): Tensor[] {
  const t = toTensor(indices)
  const d = standardizeDType(t.dtype, 'unravelIndex')!
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1))
  return range(shape.length).map((i) => {
    const q = lax.div(t, like(t, strides[i]!))
    return cast(lax.binary('rem', q, like(q, shape[i]!)), d)
  })
}
