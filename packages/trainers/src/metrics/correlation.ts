/** @file Correlation metrics (`keras.metrics.PearsonCorrelation`, `ConcordanceCorrelation`) and their functions. */
import { epsilon, type Tensor } from '@kx/core'
import type { TensorLike } from '@kx/ops-numpy'
import * as ops from '@kx/ops-numpy'
import { squeezeOrExpandToSameRank } from '../losses/Loss.js'
import { MeanMetricWrapper, type MetricArgs } from './Metric.js'

type WrappedFn = ConstructorParameters<typeof MeanMetricWrapper>[0]
const wrap = (fn: unknown) => fn as WrappedFn

function pair(yTrue: TensorLike, yPred: TensorLike): [Tensor, Tensor] {
  const p = ops.convertToTensor(yPred)
  return squeezeOrExpandToSameRank(ops.cast(ops.convertToTensor(yTrue), p.dtype), p)
}

/** Pearson correlation along `axis` (default -1) per sample. @example `pearsonCorrelation([[1, 2, 3]], [[2, 4, 7]])` */
export function pearsonCorrelation(yTrue: TensorLike, yPred: TensorLike, options: { axis?: number } = {}): Tensor {
  const axis = options.axis ?? -1
  const [t, p] = pair(yTrue, yPred)
  let tn = ops.subtract(t, ops.mean(t, { axis, keepdims: true }))
  let pn = ops.subtract(p, ops.mean(p, { axis, keepdims: true }))
  tn = ops.divide(tn, ops.std(tn, { axis, keepdims: true }))
  pn = ops.divide(pn, ops.std(pn, { axis, keepdims: true }))
  return ops.mean(ops.multiply(tn, pn), { axis })
}

/** Lin's concordance correlation along `axis` (default -1) per sample. @example `concordanceCorrelation([[1, 2, 3]], [[2, 4, 7]])` */
export function concordanceCorrelation(yTrue: TensorLike, yPred: TensorLike, options: { axis?: number } = {}): Tensor {
  const axis = options.axis ?? -1
  const [t, p] = pair(yTrue, yPred)
  const tm = ops.mean(t, { axis, keepdims: true })
  const pm = ops.mean(p, { axis, keepdims: true })
  const tv = ops.variance(ops.subtract(t, tm), { axis, keepdims: true })
  const pv = ops.variance(ops.subtract(p, pm), { axis, keepdims: true })
  // NOTE: Keras centres y_true on y_pred's mean in the covariance term; kept for identical values.
  const covar = ops.multiply(ops.subtract(t, pm), ops.subtract(p, pm))
  const norm = ops.add(ops.add(tv, pv), ops.square(ops.subtract(tm, pm)))
  return ops.mean(ops.divide(ops.multiply(2, covar), ops.add(norm, epsilon())), { axis })
}

/** Mean Pearson correlation. @example `new PearsonCorrelation().apply([[1, 2, 3]], [[2, 4, 7]])` */
export class PearsonCorrelation extends MeanMetricWrapper {
  readonly axis: number
  constructor(args: MetricArgs & { axis?: number } = {}) {
    const { axis = -1, ...rest } = args
    super(wrap(pearsonCorrelation), { name: 'pearson_correlation', ...rest, fnOptions: { axis } })
    this.axis = axis
  }
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype, axis: this.axis } }
}

/** Mean concordance correlation. @example `new ConcordanceCorrelation().apply([[1, 2, 3]], [[2, 4, 7]])` */
export class ConcordanceCorrelation extends MeanMetricWrapper {
  readonly axis: number
  constructor(args: MetricArgs & { axis?: number } = {}) {
    const { axis = -1, ...rest } = args
    super(wrap(concordanceCorrelation), { name: 'concordance_correlation', ...rest, fnOptions: { axis } })
    this.axis = axis
  }
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype, axis: this.axis } }
}
