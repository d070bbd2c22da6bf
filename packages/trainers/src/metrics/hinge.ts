/** @file Hinge metrics (`keras.metrics.Hinge`, `SquaredHinge`, `CategoricalHinge`): the hinge losses averaged over samples. */
import * as F from '../losses/functions.js'
import { MeanMetricWrapper, type MetricArgs } from './Metric.js'

type WrappedFn = ConstructorParameters<typeof MeanMetricWrapper>[0]
const wrap = (fn: unknown) => fn as WrappedFn

/** Mean hinge loss. @example `new Hinge().apply([[1, -1]], [[0.3, -0.4]])` */
export class Hinge extends MeanMetricWrapper {
  constructor(args: MetricArgs = {}) { super(wrap(F.hinge), { name: 'hinge', ...args }) }
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype } }
}

/** Mean squared hinge loss. @example `new SquaredHinge().apply([[1, -1]], [[0.3, -0.4]])` */
export class SquaredHinge extends MeanMetricWrapper {
  constructor(args: MetricArgs = {}) { super(wrap(F.squaredHinge), { name: 'squared_hinge', ...args }) }
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype } }
}

/** Mean categorical hinge loss. @example `new CategoricalHinge().apply([[0, 1]], [[0.3, 0.7]])` */
export class CategoricalHinge extends MeanMetricWrapper {
  constructor(args: MetricArgs = {}) { super(wrap(F.categoricalHinge), { name: 'categorical_hinge', ...args }) }
  override getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype } }
}
