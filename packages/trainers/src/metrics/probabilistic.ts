/**
 * @file Probabilistic metrics (`keras.metrics.BinaryCrossentropy`, `CategoricalCrossentropy`,
 * `SparseCategoricalCrossentropy`, `KLDivergence`, `Poisson`): the loss functions averaged over samples.
 */
import * as F from '../losses/functions.js'
import { MeanMetricWrapper, type MetricArgs } from './Metric.js'

type WrappedFn = ConstructorParameters<typeof MeanMetricWrapper>[0]
const wrap = (fn: unknown) => fn as WrappedFn

/** Mean KL divergence. @example `new KLDivergence().apply([[0, 1]], [[0.4, 0.6]])` */
export class KLDivergence extends MeanMetricWrapper {
  constructor(args: MetricArgs = {}) { super(wrap(F.klDivergence), { name: 'kl_divergence', ...args }) }
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype } }
}

/** Mean Poisson loss. @example `new Poisson().apply([[1]], [[2]])` */
export class Poisson extends MeanMetricWrapper {
  constructor(args: MetricArgs = {}) { super(wrap(F.poisson), { name: 'poisson', ...args }) }
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype } }
}

/** Mean binary cross-entropy. @example `new BinaryCrossentropy({ fromLogits: true }).apply([[0, 1]], [[-1, 2]])` */
export class BinaryCrossentropy extends MeanMetricWrapper {
  readonly fromLogits: boolean
  readonly labelSmoothing: number
  constructor(args: MetricArgs & { fromLogits?: boolean; labelSmoothing?: number } = {}) {
    const { fromLogits = false, labelSmoothing = 0, ...rest } = args
    super(wrap(F.binaryCrossentropy), { name: 'binary_crossentropy', ...rest, fnOptions: { fromLogits, labelSmoothing } })
    this.fromLogits = fromLogits
    this.labelSmoothing = labelSmoothing
  }
  override getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: this.dtype, from_logits: this.fromLogits, label_smoothing: this.labelSmoothing }
  }
}

/** Mean categorical cross-entropy. @example `new CategoricalCrossentropy().apply([[0, 1, 0]], [[0.05, 0.95, 0]])` */
export class CategoricalCrossentropy extends MeanMetricWrapper {
  readonly fromLogits: boolean
  readonly labelSmoothing: number
  readonly axis: number
  constructor(args: MetricArgs & { fromLogits?: boolean; labelSmoothing?: number; axis?: number } = {}) {
    const { fromLogits = false, labelSmoothing = 0, axis = -1, ...rest } = args
    super(wrap(F.categoricalCrossentropy), { name: 'categorical_crossentropy', ...rest, fnOptions: { fromLogits, labelSmoothing, axis } })
    this.fromLogits = fromLogits
    this.labelSmoothing = labelSmoothing
    this.axis = axis
  }
  override getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: this.dtype, from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: this.axis }
  }
}

/** Mean sparse categorical cross-entropy. @example `new SparseCategoricalCrossentropy().apply([1], [[0.05, 0.95, 0]])` */
export class SparseCategoricalCrossentropy extends MeanMetricWrapper {
  readonly fromLogits: boolean
  readonly ignoreClass: number | null
  readonly axis: number
  constructor(args: MetricArgs & { fromLogits?: boolean; ignoreClass?: number | null; axis?: number } = {}) {
    const { fromLogits = false, ignoreClass = null, axis = -1, ...rest } = args
    super(wrap(F.sparseCategoricalCrossentropy), { name: 'sparse_categorical_crossentropy', ...rest, fnOptions: { fromLogits, ignoreClass, axis } })
    this.fromLogits = fromLogits
    this.ignoreClass = ignoreClass
    this.axis = axis
  }
  override getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: this.dtype, from_logits: this.fromLogits, ignore_class: this.ignoreClass, axis: this.axis }
  }
}
