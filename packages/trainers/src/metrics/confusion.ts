/**
 * @file Confusion-matrix metrics at thresholds (`keras.metrics.TruePositives`, ..., `Precision`, `Recall`)
 * and Keras's `update_confusion_matrix_variables`, which the threshold-curve metrics share.
 */
import { InvalidArgumentError, ShapeError, fmt, tidy, type Tensor, type Variable } from '@kx/core'
import * as nn from '@kx/ops-nn'
import * as ops from '@kx/ops-numpy'
import { squeezeOrExpandToSameRank } from '../losses/Loss.js'
import { Metric, type MetricArgs } from './Metric.js'

/** Keras's `NEG_INF`, the default threshold with `topK` (everything kept by top-k counts as positive). */
export const NEG_INF = -1e10

/** Which confusion counts to accumulate: tp, fp, tn, fn. */
export interface ConfusionVariables {
  tp?: Variable
  fp?: Variable
  tn?: Variable
  fn?: Variable
}

/** Keras's `parse_init_thresholds`: validates `[0, 1]` and returns the list. */
export function parseThresholds(thresholds: number | readonly number[] | null | undefined, defaultThreshold: number): number[] {
  if (thresholds !== undefined && thresholds !== null) {
    const list = typeof thresholds === 'number' ? [thresholds] : [...thresholds]
    const bad = list.filter((t) => typeof t !== 'number' || !(t >= 0 && t <= 1))
    if (bad.length) throw new InvalidArgumentError(`Threshold values must be in [0, 1]. Received: ${fmt(bad)}`)
    return list
  }
  return [defaultThreshold]
}

/** Keras's `_filter_top_k`: entries outside the top `k` of the last axis become `NEG_INF`. */
function filterTopK(x: Tensor, k: number): Tensor {
  const [, idx] = ops.topK(x, k)
  const mask = ops.sum(nn.oneHot(idx, x.shape[x.shape.length - 1]!, { dtype: x.dtype }), { axis: -2 })
  return ops.add(ops.multiply(x, mask), ops.multiply(NEG_INF, ops.subtract(1, mask)))
}

/** The last-axis column `classId`, kept as a size-1 axis (`x[..., classId, None]`). */
function column(x: Tensor, classId: number): Tensor {
  const r = x.shape.length
  const start = x.shape.map((_, i) => (i === r - 1 ? classId : 0))
  const size = x.shape.map((d, i) => (i === r - 1 ? 1 : d))
  return ops.slice(x, start, size)
}

/**
 * Keras's `update_confusion_matrix_variables`: adds the (weighted) counts of `label ∧ (pred > t)` etc.
 * for each threshold `t` to the given variables. One broadcast comparison `[T, N]` and a sum per
 * count; no host reads.
 */
export function updateConfusionMatrixVariables(
  variables: ConfusionVariables, yTrue: unknown, yPred: unknown, thresholds: readonly number[],
  options: { topK?: number | null; classId?: number | null; sampleWeight?: unknown; multiLabel?: boolean; labelWeights?: Tensor | null } = {},
): void {
  const first = variables.tp ?? variables.fp ?? variables.tn ?? variables.fn
  if (!first) throw new InvalidArgumentError('Please provide at least one valid confusion matrix variable to update (tp, fp, tn, fn).')
  const dtype = first.dtype
  const multiLabel = options.multiLabel ?? false
  let t = ops.cast(ops.convertToTensor(yTrue as never), dtype)
  let p = ops.cast(ops.convertToTensor(yPred as never), dtype)
  ;[p, t] = squeezeOrExpandToSameRank(p, t)
  let sw: Tensor | undefined
  if (options.sampleWeight !== undefined && options.sampleWeight !== null) {
    sw = ops.expandDims(ops.cast(ops.convertToTensor(options.sampleWeight as never), dtype), -1)
    ;[, sw] = squeezeOrExpandToSameRank(t, sw, false)
  }
  if (options.topK !== undefined && options.topK !== null) p = filterTopK(p, options.topK)
  if (options.classId !== undefined && options.classId !== null) {
    if (p.shape.length === 1) {
      throw new ShapeError(`When class_id is provided, y_pred must be a 2D array with shape (num_samples, num_classes), found shape: ${fmt(p.shape)}`)
    }
    t = column(t, options.classId)
    p = column(p, options.classId)
  }
  const T = thresholds.length
  const thr = ops.convertToTensor(thresholds as number[], dtype)
  let weights: Tensor | undefined = sw ? ops.broadcastTo(sw, p.shape) : undefined
  if (options.labelWeights && !multiLabel) {
    const lw = ops.broadcastTo(ops.expandDims(options.labelWeights, 0), p.shape)
    weights = weights ? ops.multiply(weights, lw) : lw
  }
  let preds: Tensor, labels: Tensor, thrT: Tensor
  if (multiLabel) {
    preds = ops.expandDims(p, 0) // [1, N, L]
    labels = ops.expandDims(ops.cast(t, 'bool'), 0)
    thrT = ops.reshape(thr, [T, 1, 1])
    if (weights) weights = ops.expandDims(weights, 0)
  } else {
    preds = ops.reshape(p, [1, -1]) // [1, N*L]
    labels = ops.reshape(ops.cast(t, 'bool'), [1, -1])
    thrT = ops.reshape(thr, [T, 1])
    if (weights) weights = ops.reshape(weights, [1, -1])
  }
  const predPos = ops.greater(preds, thrT)
  const add = (v: Variable | undefined, label: Tensor, pred: Tensor): void => {
    if (!v) return
    const both = ops.logicalAnd(label, pred)
    const counts = weights ? ops.where(both, weights, 0) : ops.cast(both, dtype)
    v.assignAdd(ops.sum(counts, { axis: 1 }))
  }
  const predNeg = ops.logicalNot(predPos)
  const labelNeg = ops.logicalNot(labels)
  add(variables.tp, labels, predPos)
  add(variables.fn, labels, predNeg)
  add(variables.fp, labelNeg, predPos)
  add(variables.tn, labelNeg, predNeg)
}

/** The first entry when there is one threshold, else the vector (Keras's `result[0]`). */
export function firstIfSingle(x: Tensor, n: number): Tensor {
  return n === 1 ? ops.reshape(ops.slice(x, [0], [1]), []) : x
}

/** Options of the confusion-count metrics. */
export interface ThresholdsArgs extends MetricArgs {
  readonly thresholds?: number | readonly number[] | null
}

abstract class ConfusionMatrixConditionCount extends Metric {
  readonly initThresholds: number | readonly number[] | null
  readonly thresholds: number[]
  readonly accumulator: Variable
  protected abstract readonly cond: keyof ConfusionVariables
  constructor(args: ThresholdsArgs, name: string) {
    const { thresholds = null, ...rest } = args
    super({ name, ...rest })
    this.initThresholds = thresholds
    this.thresholds = parseThresholds(thresholds, 0.5)
    this.accumulator = this.addVariable([this.thresholds.length], { name: 'accumulator' })
  }
  updateState(yTrue: unknown, yPred?: unknown, sampleWeight?: unknown): void {
    tidy(() => updateConfusionMatrixVariables({ [this.cond]: this.accumulator }, yTrue, yPred, this.thresholds, { sampleWeight }))
  }
  result(): Tensor { return firstIfSingle(this.accumulator.value, this.thresholds.length) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), thresholds: this.initThresholds } }
}

/** Weighted count of false positives at each threshold. @example `new FalsePositives().apply([0, 1, 0, 0], [0, 0, 1, 1]) // 2` */
export class FalsePositives extends ConfusionMatrixConditionCount {
  protected readonly cond = 'fp'
  constructor(args: ThresholdsArgs = {}) { super(args, 'false_positives') }
}
/** Weighted count of false negatives at each threshold. @example `new FalseNegatives().apply([0, 1, 1, 1], [0, 1, 0, 0]) // 2` */
export class FalseNegatives extends ConfusionMatrixConditionCount {
  protected readonly cond = 'fn'
  constructor(args: ThresholdsArgs = {}) { super(args, 'false_negatives') }
}
/** Weighted count of true negatives at each threshold. @example `new TrueNegatives().apply([0, 1, 0, 0], [1, 1, 0, 0]) // 2` */
export class TrueNegatives extends ConfusionMatrixConditionCount {
  protected readonly cond = 'tn'
  constructor(args: ThresholdsArgs = {}) { super(args, 'true_negatives') }
}
/** Weighted count of true positives at each threshold. @example `new TruePositives().apply([0, 1, 1, 1], [1, 0, 1, 1]) // 2` */
export class TruePositives extends ConfusionMatrixConditionCount {
  protected readonly cond = 'tp'
  constructor(args: ThresholdsArgs = {}) { super(args, 'true_positives') }
}

/** Options of `Precision` / `Recall`. */
export interface PrecisionRecallArgs extends ThresholdsArgs {
  readonly topK?: number | null
  readonly classId?: number | null
}

abstract class PrecisionRecallBase extends Metric {
  readonly initThresholds: number | readonly number[] | null
  readonly thresholds: number[]
  readonly topK: number | null
  readonly classId: number | null
  readonly truePositives: Variable
  protected readonly other: Variable
  constructor(args: PrecisionRecallArgs, name: string, otherName: string) {
    const { thresholds = null, topK = null, classId = null, ...rest } = args
    super({ name, ...rest })
    this.initThresholds = thresholds
    this.topK = topK
    this.classId = classId
    this.thresholds = parseThresholds(thresholds, topK === null ? 0.5 : NEG_INF)
    this.truePositives = this.addVariable([this.thresholds.length], { name: 'true_positives' })
    this.other = this.addVariable([this.thresholds.length], { name: otherName })
  }
  protected abstract readonly otherKey: 'fp' | 'fn'
  updateState(yTrue: unknown, yPred?: unknown, sampleWeight?: unknown): void {
    tidy(() => updateConfusionMatrixVariables({ tp: this.truePositives, [this.otherKey]: this.other }, yTrue, yPred, this.thresholds, {
      topK: this.topK, classId: this.classId, sampleWeight,
    }))
  }
  result(): Tensor {
    return tidy(() => firstIfSingle(ops.divideNoNan(this.truePositives.value, ops.add(this.truePositives.value, this.other.value)), this.thresholds.length))
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), thresholds: this.initThresholds, top_k: this.topK, class_id: this.classId }
  }
}

/**
 * Precision `tp / (tp + fp)` at thresholds, optionally over the top-k predictions or one class.
 *
 * @example
 * ```ts
 * new Precision().apply([0, 1, 1, 1], [1, 0, 1, 1]) // 0.6667
 * ```
 */
export class Precision extends PrecisionRecallBase {
  protected readonly otherKey = 'fp'
  constructor(args: PrecisionRecallArgs = {}) { super(args, 'precision', 'false_positives') }
  get falsePositives(): Variable { return this.other }
}

/**
 * Recall `tp / (tp + fn)` at thresholds, optionally over the top-k predictions or one class.
 *
 * @example
 * ```ts
 * new Recall().apply([0, 1, 1, 1], [1, 0, 1, 1]) // 0.6667
 * ```
 */
export class Recall extends PrecisionRecallBase {
  protected readonly otherKey = 'fn'
  constructor(args: PrecisionRecallArgs = {}) { super(args, 'recall', 'false_negatives') }
  get falseNegatives(): Variable { return this.other }
}
