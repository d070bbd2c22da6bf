/**
 * @file Accuracy metrics (`keras.metrics.Accuracy`, `BinaryAccuracy`, `CategoricalAccuracy`, ...) and their
 * per-sample functions: elementwise match indicators averaged by `MeanMetricWrapper`.
 */
import { floatx, type Tensor } from '@kx/core'
import type { TensorLike } from '@kx/ops-numpy'
import * as ops from '@kx/ops-numpy'
import { squeezeOrExpandToSameRank } from '../losses/Loss.js'
import { MeanMetricWrapper, type MetricArgs } from './Metric.js'

type WrappedFn = ConstructorParameters<typeof MeanMetricWrapper>[0]
const wrap = (fn: (yTrue: never, yPred: never, options: never) => Tensor) => fn as unknown as WrappedFn

/** 1 where `yTrue == yPred`. @example `accuracy([1, 2], [1, 3]) // [1, 0]` */
export function accuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const p = ops.convertToTensor(yPred)
  const [t, q] = squeezeOrExpandToSameRank(ops.cast(ops.convertToTensor(yTrue), p.dtype), p)
  return ops.cast(ops.equal(t, q), floatx())
}

/** 1 where `yTrue == (yPred > threshold)`. @example `binaryAccuracy([[1], [0]], [[0.7], [0.6]]) // [1, 0]` */
export function binaryAccuracy(yTrue: TensorLike, yPred: TensorLike, options: { threshold?: number } = {}): Tensor {
  const [t, p] = squeezeOrExpandToSameRank(ops.convertToTensor(yTrue), ops.convertToTensor(yPred))
  const hit = ops.cast(ops.greater(p, options.threshold ?? 0.5), t.dtype)
  return ops.cast(ops.equal(t, hit), floatx())
}

/** 1 where `argmax(yTrue) == argmax(yPred)` over the last axis. @example `categoricalAccuracy([[0, 1]], [[0.3, 0.7]]) // [1]` */
export function categoricalAccuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const p = ops.convertToTensor(yPred)
  const t = ops.argmax(ops.convertToTensor(yTrue), { axis: -1 })
  const pi = ops.argmax(p, { axis: -1 })
  return ops.cast(ops.equal(ops.cast(t, 'int32'), ops.cast(pi, 'int32')), floatx())
}

/** 1 where integer `yTrue == argmax(yPred)`. @example `sparseCategoricalAccuracy([1], [[0.3, 0.7]]) // [1]` */
export function sparseCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const p = ops.convertToTensor(yPred)
  let t = ops.cast(ops.convertToTensor(yTrue), p.dtype)
  const orgShape = t.shape
  let reshape = false
  if (t.shape.length === p.shape.length && t.shape[t.shape.length - 1] === 1) {
    t = ops.squeeze(t, { axis: -1 })
    reshape = true
  }
  const pi = ops.cast(ops.argmax(p, { axis: -1 }), t.dtype)
  let m = ops.cast(ops.equal(t, pi), floatx())
  if (reshape) m = ops.reshape(m, orgShape)
  if (m.shape.length > 1 && m.shape[m.shape.length - 1] === 1) m = ops.squeeze(m, { axis: -1 })
  return m
}

/**
 * Keras's `in_top_k` (JAX backend): the target's score ranks within the top `k`; ties count as in,
 * NaN scores as out. One comparison and a sum, no sort.
 */
function inTopK(targets: Tensor, predictions: Tensor, k: number): Tensor {
  let at = ops.takeAlongAxis(predictions, ops.expandDims(ops.cast(targets, 'int32'), -1), { axis: -1 })
  at = ops.where(ops.isnan(at), -Infinity, at)
  const rank = ops.add(1, ops.sum(ops.greater(predictions, at), { axis: -1 }))
  return ops.lessEqual(rank, k)
}

function topKMatches(t: Tensor, p: Tensor, k: number, fromSortedIds = false): Tensor {
  const orgShape = t.shape
  const pr = p.shape.length > 2 ? ops.reshape(p, [-1, p.shape[p.shape.length - 1]!]) : p
  const reshape = t.shape.length > 1
  const tr = reshape ? ops.reshape(t, [-1]) : t
  const m = fromSortedIds
    ? ops.any(ops.equal(ops.expandDims(tr, 1), ops.slice(pr, [0, 0], [pr.shape[0]!, Math.min(k, pr.shape[1]!)])), { axis: 1 })
    : inTopK(tr, pr, k)
  const out = ops.cast(m, floatx())
  return reshape ? ops.reshape(out, orgShape) : out
}

/** 1 where the one-hot target's class is among the top `k` predictions. @example `topKCategoricalAccuracy([[0, 0, 1]], [[0.1, 0.5, 0.4]], { k: 2 }) // [1]` */
export function topKCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike, options: { k?: number } = {}): Tensor {
  const p = ops.convertToTensor(yPred)
  const t = ops.argmax(ops.cast(ops.convertToTensor(yTrue), p.dtype), { axis: -1 })
  return topKMatches(t, p, options.k ?? 5)
}

/** 1 where the integer target is among the top `k` predictions (or among the first `k` ids with `fromSortedIds`). @example `sparseTopKCategoricalAccuracy([2], [[0.1, 0.5, 0.4]], { k: 2 }) // [1]` */
export function sparseTopKCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike, options: { k?: number; fromSortedIds?: boolean } = {}): Tensor {
  const p = ops.convertToTensor(yPred)
  const t = ops.cast(ops.convertToTensor(yTrue), options.fromSortedIds ? p.dtype : 'int32')
  return topKMatches(t, p, options.k ?? 5, options.fromSortedIds ?? false)
}

/** How often predictions equal labels. @example `const m = new Accuracy(); m.updateState([1, 2], [1, 3])` */
export class Accuracy extends MeanMetricWrapper {
  constructor(args: MetricArgs = {}) { super(wrap(accuracy), { name: 'accuracy', ...args }) }
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype } }
}

/** How often `yPred > threshold` matches binary labels. @example `new BinaryAccuracy({ threshold: 0.5 }).apply([[1], [0]], [[0.7], [0.6]]) // 0.5` */
export class BinaryAccuracy extends MeanMetricWrapper {
  readonly threshold: number
  constructor(args: MetricArgs & { threshold?: number } = {}) {
    const { threshold = 0.5, ...rest } = args
    super(wrap(binaryAccuracy), { name: 'binary_accuracy', ...rest, fnOptions: { threshold } })
    this.threshold = threshold
  }
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype, threshold: this.threshold } }
}

/** How often the argmax of predictions matches the one-hot labels. @example `new CategoricalAccuracy().apply([[0, 1]], [[0.3, 0.7]]) // 1` */
export class CategoricalAccuracy extends MeanMetricWrapper {
  constructor(args: MetricArgs = {}) { super(wrap(categoricalAccuracy), { name: 'categorical_accuracy', ...args }) }
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype } }
}

/** How often the argmax of predictions matches integer labels. @example `new SparseCategoricalAccuracy().apply([1], [[0.3, 0.7]]) // 1` */
export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  constructor(args: MetricArgs = {}) { super(wrap(sparseCategoricalAccuracy), { name: 'sparse_categorical_accuracy', ...args }) }
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype } }
}

/** How often one-hot targets are in the top `k` predictions. @example `new TopKCategoricalAccuracy({ k: 1 })` */
export class TopKCategoricalAccuracy extends MeanMetricWrapper {
  readonly k: number
  constructor(args: MetricArgs & { k?: number } = {}) {
    const { k = 5, ...rest } = args
    super(wrap(topKCategoricalAccuracy), { name: 'top_k_categorical_accuracy', ...rest, fnOptions: { k } })
    this.k = k
  }
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype, k: this.k } }
}

/** How often integer targets are in the top `k` predictions. @example `new SparseTopKCategoricalAccuracy({ k: 1 })` */
export class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  readonly k: number
  readonly fromSortedIds: boolean
  constructor(args: MetricArgs & { k?: number; fromSortedIds?: boolean } = {}) {
    const { k = 5, fromSortedIds = false, ...rest } = args
    super(wrap(sparseTopKCategoricalAccuracy), { name: 'sparse_top_k_categorical_accuracy', ...rest, fnOptions: { k, fromSortedIds } })
    this.k = k
    this.fromSortedIds = fromSortedIds
  }
  override getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: this.dtype, k: this.k, ...(this.fromSortedIds ? { from_sorted_ids: true } : {}) }
  }
}
