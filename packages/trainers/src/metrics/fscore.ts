/** @file F-scores (`keras.metrics.FBetaScore`, `F1Score`) over `(batch, classes)` one-hot or multi-label targets. */
import { InvalidArgumentError, ShapeError, epsilon, fmt, tidy, type Tensor, type Variable } from '@kx/core'
import * as ops from '@kx/ops-numpy'
import { Metric, type MetricArgs } from './Metric.js'

/** Options of `FBetaScore`. */
export interface FBetaScoreArgs extends MetricArgs {
  readonly average?: 'micro' | 'macro' | 'weighted' | null
  readonly beta?: number
  readonly threshold?: number | null
}

/**
 * F-beta score; `threshold` null takes each row's max as positive; `average` reduces per-class scores.
 *
 * @example
 * ```ts
 * new FBetaScore({ beta: 2, average: 'macro' }).apply(yTrue, yPred)
 * ```
 */
export class FBetaScore extends Metric {
  readonly average: 'micro' | 'macro' | 'weighted' | null
  readonly beta: number
  readonly threshold: number | null
  readonly axis: number | null
  private state: { tp: Variable; fp: Variable; fn: Variable; weights: Variable } | undefined
  constructor(args: FBetaScoreArgs = {}) {
    const { average = null, beta = 1, threshold = null, ...rest } = args
    super({ name: 'fbeta_score', ...rest })
    if (![null, 'micro', 'macro', 'weighted'].includes(average)) {
      throw new InvalidArgumentError(`Invalid \`average\` argument value. Expected one of: {None, 'micro', 'macro', 'weighted'}. Received: average=${fmt(average)}`)
    }
    if (typeof beta !== 'number' || !(beta > 0)) throw new InvalidArgumentError(`Invalid \`beta\` argument value. It should be > 0. Received: beta=${fmt(beta)}`)
    if (threshold !== null && !(threshold > 0 && threshold <= 1)) {
      throw new InvalidArgumentError(`Invalid \`threshold\` argument value. It should verify 0 < threshold <= 1. Received: threshold=${fmt(threshold)}`)
    }
    this.average = average
    this.beta = beta
    this.threshold = threshold
    this.axis = average === 'micro' ? null : 0
  }
  private build(trueShape: readonly number[], predShape: readonly number[]): NonNullable<FBetaScore['state']> {
    if (predShape.length !== 2 || trueShape.length !== 2) {
      throw new ShapeError(`FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received input shapes: y_pred.shape=${fmt(predShape)} and y_true.shape=${fmt(trueShape)}.`)
    }
    const shape = this.average === 'micro' ? [] : [predShape[1]!]
    this.state = {
      tp: this.addVariable(shape, { name: 'true_positives' }), fp: this.addVariable(shape, { name: 'false_positives' }),
      fn: this.addVariable(shape, { name: 'false_negatives' }), weights: this.addVariable(shape, { name: 'intermediate_weights' }),
    }
    return this.state
  }
  updateState(yTrue: unknown, yPred?: unknown, sampleWeight?: unknown): void {
    tidy(() => {
      const t = ops.convertToTensor(yTrue as never, this.dtype)
      let p = ops.convertToTensor(yPred as never, this.dtype)
      const s = this.state ?? this.build(t.shape, p.shape)
      const hit = this.threshold === null
        ? ops.logicalAnd(ops.greaterEqual(p, ops.max(p, { axis: -1, keepdims: true })), ops.greater(ops.abs(p), 1e-9))
        : ops.greater(p, this.threshold)
      p = ops.cast(hit, this.dtype)
      const sw = sampleWeight === undefined || sampleWeight === null ? undefined : ops.expandDims(ops.convertToTensor(sampleWeight as never, this.dtype), 1)
      const wsum = (v: Tensor): Tensor => ops.sum(sw ? ops.multiply(v, sw) : v, { axis: this.axis })
      s.tp.assignAdd(wsum(ops.multiply(p, t)))
      s.fp.assignAdd(wsum(ops.multiply(p, ops.subtract(1, t))))
      s.fn.assignAdd(wsum(ops.multiply(ops.subtract(1, p), t)))
      s.weights.assignAdd(wsum(t))
    })
  }
  result(): Tensor {
    return tidy(() => {
      const s = this.state
      if (!s) return ops.cast(0, this.dtype)
      const eps = epsilon()
      const tp = s.tp.value
      const precision = ops.divide(tp, ops.add(ops.add(tp, s.fp.value), eps))
      const recall = ops.divide(tp, ops.add(ops.add(tp, s.fn.value), eps))
      const b2 = this.beta ** 2
      const f = ops.multiply(ops.divide(ops.multiply(precision, recall), ops.add(ops.add(ops.multiply(b2, precision), recall), eps)), 1 + b2)
      if (this.average === 'weighted') {
        const w = ops.divide(s.weights.value, ops.add(ops.sum(s.weights.value), eps))
        return ops.sum(ops.multiply(f, w))
      }
      return this.average !== null ? ops.mean(f) : f
    })
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), average: this.average, beta: this.beta, threshold: this.threshold }
  }
}

/** F1 score (`FBetaScore` with beta 1). @example `new F1Score({ threshold: 0.5 }).apply(yTrue, yPred)` */
export class F1Score extends FBetaScore {
  constructor(args: Omit<FBetaScoreArgs, 'beta'> = {}) { super({ name: 'f1_score', ...args, beta: 1 }) }
  override getConfig(): Record<string, unknown> {
    const { beta: _beta, ...rest } = super.getConfig()
    return rest
  }
}
