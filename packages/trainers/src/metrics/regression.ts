/**
 * @file Regression metrics (`keras.metrics.MeanSquaredError`, `RootMeanSquaredError`, `CosineSimilarity`,
 * `LogCoshError`, `R2Score`, ...).
 */
import { InvalidArgumentError, ShapeError, fmt, tidy, type Tensor, type Variable } from '@kx/core'
import * as nn from '@kx/ops-nn'
import type { TensorLike } from '@kx/ops-numpy'
import * as F from '../losses/functions.js'
import * as ops from '@kx/ops-numpy'
import { squeezeOrExpandToSameRank } from '../losses/Loss.js'
import { Mean, MeanMetricWrapper, Metric, type MetricArgs } from './Metric.js'

type WrappedFn = ConstructorParameters<typeof MeanMetricWrapper>[0]
const wrap = (fn: unknown) => fn as WrappedFn

/** Mean squared error metric. @example `new MeanSquaredError().apply([[0, 1]], [[1, 1]]) // 0.5` */
export class MeanSquaredError extends MeanMetricWrapper {
  constructor(args: MetricArgs = {}) { super(wrap(F.meanSquaredError), { name: 'mean_squared_error', ...args }) }
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype } }
}
/** Mean absolute error metric. @example `new MeanAbsoluteError().apply([[0, 1]], [[1, 1]]) // 0.5` */
export class MeanAbsoluteError extends MeanMetricWrapper {
  constructor(args: MetricArgs = {}) { super(wrap(F.meanAbsoluteError), { name: 'mean_absolute_error', ...args }) }
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype } }
}
/** Mean absolute percentage error metric. @example `new MeanAbsolutePercentageError().apply([[2]], [[1]]) // 50` */
export class MeanAbsolutePercentageError extends MeanMetricWrapper {
  constructor(args: MetricArgs = {}) { super(wrap(F.meanAbsolutePercentageError), { name: 'mean_absolute_percentage_error', ...args }) }
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype } }
}
/** Mean squared logarithmic error metric. @example `new MeanSquaredLogarithmicError().apply(yTrue, yPred)` */
export class MeanSquaredLogarithmicError extends MeanMetricWrapper {
  constructor(args: MetricArgs = {}) { super(wrap(F.meanSquaredLogarithmicError), { name: 'mean_squared_logarithmic_error', ...args }) }
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype } }
}
/** Mean log-cosh error metric. @example `new LogCoshError().apply(yTrue, yPred)` */
export class LogCoshError extends MeanMetricWrapper {
  constructor(args: MetricArgs = {}) { super(wrap(F.logCosh), { name: 'logcosh', ...args }) }
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype } }
}

/** Cosine similarity of L2-normalised vectors along `axis` (positive; the loss is its negative). @example `cosineSimilarity([[0, 1]], [[1, 1]]) // [0.7071]` */
export function cosineSimilarity(yTrue: TensorLike, yPred: TensorLike, options: { axis?: number } = {}): Tensor {
  const axis = options.axis ?? -1
  const p = ops.convertToTensor(yPred)
  const [t, q] = squeezeOrExpandToSameRank(ops.cast(ops.convertToTensor(yTrue), p.dtype), p)
  return ops.sum(ops.multiply(nn.normalize(t, { axis }), nn.normalize(q, { axis })), { axis })
}

/** Mean cosine similarity. @example `new CosineSimilarity({ axis: -1 }).apply([[0, 1]], [[1, 1]]) // 0.7071` */
export class CosineSimilarity extends MeanMetricWrapper {
  constructor(args: MetricArgs & { axis?: number } = {}) {
    const { axis = -1, ...rest } = args
    super(wrap(cosineSimilarity), { name: 'cosine_similarity', ...rest, fnOptions: { axis } })
  }
  // NOTE: Keras's get_config omits `axis`; kept identical.
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype } }
}

/** `sqrt` of the (weighted) mean squared error. @example `new RootMeanSquaredError().apply([[0, 1]], [[1, 1]]) // 0.7071` */
export class RootMeanSquaredError extends Mean {
  constructor(args: MetricArgs = {}) { super({ name: 'root_mean_squared_error', ...args }) }
  override updateState(yTrue: unknown, yPred?: unknown, sampleWeight?: unknown): void {
    tidy(() => {
      const [t, p] = squeezeOrExpandToSameRank(ops.convertToTensor(yTrue as never, this.dtype), ops.convertToTensor(yPred as never, this.dtype))
      super.updateState(ops.square(ops.subtract(p, t)), sampleWeight)
    })
  }
  override result(): Tensor { return ops.sqrt(super.result()) }
}

/** Options of `R2Score`. */
export interface R2ScoreArgs extends MetricArgs {
  readonly classAggregation?: 'uniform_average' | 'variance_weighted_average' | null
  readonly numRegressors?: number
}

/**
 * Coefficient of determination over `(batch, outputs)` targets, aggregated over outputs; adjusted
 * for `numRegressors` when given.
 *
 * @example
 * ```ts
 * new R2Score().apply([[1], [4], [3]], [[2], [4], [4]]) // 0.5714
 * ```
 */
export class R2Score extends Metric {
  readonly classAggregation: 'uniform_average' | 'variance_weighted_average' | null
  readonly numRegressors: number
  readonly numSamples: Variable
  private state: { squaredSum: Variable; sum: Variable; totalMse: Variable; count: Variable } | undefined
  constructor(args: R2ScoreArgs = {}) {
    const { classAggregation = 'uniform_average', numRegressors = 0, ...rest } = args
    super({ name: 'r2_score', ...rest })
    if (![null, 'uniform_average', 'variance_weighted_average'].includes(classAggregation)) {
      throw new InvalidArgumentError(`Invalid value for argument \`class_aggregation\`. Expected one of uniform_average, variance_weighted_average, null. Received: class_aggregation=${fmt(classAggregation)}`)
    }
    if (numRegressors < 0) throw new InvalidArgumentError(`Invalid value for argument \`num_regressors\`. Expected a value >= 0. Received: num_regressors=${fmt(numRegressors)}`)
    this.classAggregation = classAggregation
    this.numRegressors = numRegressors
    this.numSamples = this.addVariable([], { name: 'num_samples' })
  }
  private build(trueShape: readonly number[], predShape: readonly number[]): NonNullable<R2Score['state']> {
    if (predShape.length !== 2 || trueShape.length !== 2) {
      throw new ShapeError(`R2Score expects 2D inputs with shape (batch_size, output_dim). Received input shapes: y_pred.shape=${fmt(predShape)} and y_true.shape=${fmt(trueShape)}.`)
    }
    const n = predShape[1]!
    this.state = {
      squaredSum: this.addVariable([n], { name: 'squared_sum' }), sum: this.addVariable([n], { name: 'sum' }),
      totalMse: this.addVariable([n], { name: 'residual' }), count: this.addVariable([n], { name: 'count' }),
    }
    return this.state
  }
  updateState(yTrue: unknown, yPred?: unknown, sampleWeight?: unknown): void {
    tidy(() => {
      const [t, p] = squeezeOrExpandToSameRank(ops.convertToTensor(yTrue as never, this.dtype), ops.convertToTensor(yPred as never, this.dtype))
      const s = this.state ?? this.build(t.shape, p.shape)
      let w = ops.convertToTensor((sampleWeight ?? 1) as never, this.dtype)
      if (w.shape.length === 1) w = ops.expandDims(w, 1)
      w = ops.broadcastTo(w, t.shape)
      const wt = ops.multiply(t, w)
      s.sum.assignAdd(ops.sum(wt, { axis: 0 }))
      s.squaredSum.assignAdd(ops.sum(ops.multiply(t, wt), { axis: 0 }))
      s.totalMse.assignAdd(ops.sum(ops.multiply(ops.square(ops.subtract(t, p)), w), { axis: 0 }))
      s.count.assignAdd(ops.sum(w, { axis: 0 }))
      this.numSamples.assignAdd(ops.cast(t.size, this.dtype))
    })
  }
  result(): Tensor {
    return tidy(() => {
      const s = this.state
      if (!s) return ops.cast(0, this.dtype)
      const mean = ops.divide(s.sum.value, s.count.value)
      const total = ops.subtract(s.squaredSum.value, ops.multiply(s.sum.value, mean))
      let raw = ops.subtract(1, ops.divide(s.totalMse.value, total))
      raw = ops.where(ops.isinf(raw), 0, raw)
      let r2: Tensor
      if (this.classAggregation === 'uniform_average') r2 = ops.mean(raw)
      else if (this.classAggregation === 'variance_weighted_average') r2 = ops.divide(ops.sum(ops.multiply(total, raw)), ops.sum(total))
      else r2 = raw
      if (this.numRegressors !== 0) {
        // NOTE: Keras falls back to the plain score when p >= n - 1; chosen on device (no host read).
        const n = this.numSamples.value
        const pReg = this.numRegressors
        const adjusted = ops.subtract(1, ops.divide(ops.multiply(ops.subtract(1, r2), ops.subtract(n, 1)), ops.subtract(ops.subtract(n, pReg), 1)))
        r2 = ops.where(ops.greaterEqual(pReg, ops.subtract(n, 1)), r2, adjusted)
      }
      return r2
    })
  }
  override getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: this.dtype, class_aggregation: this.classAggregation, num_regressors: this.numRegressors }
  }
}
