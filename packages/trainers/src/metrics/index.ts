/**
 * @file The `keras.metrics` namespace: metric classes, the 23 metric functions, and
 * `get`/`serialize`/`deserialize` over Keras's JSON envelopes (module `keras.metrics`), plus
 * `getMetric` for `compile()`.
 */
import { InvalidArgumentError, fmt, type Tensor } from '@kx/core'
import { Mean, MeanMetricWrapper, Metric, Sum } from './Metric.js'
import * as A from './accuracy.js'
import * as P from './probabilistic.js'
import * as R from './regression.js'
import * as H from './hinge.js'
import * as Cf from './confusion.js'
import * as Th from './thresholds.js'
import * as Co from './correlation.js'
import * as Fs from './fscore.js'
import * as I from './iou.js'
import { LOSS_FUNCTIONS, lossFunctionName } from '../losses/index.js'
import { configToArgs, functionEnvelope, snakeCase } from '../losses/registry-util.js'

export { Metric, Mean, Sum, MeanMetricWrapper, reduceToSamplewiseValues } from './Metric.js'
export type { MetricArgs } from './Metric.js'
export * from './accuracy.js'
export * from './probabilistic.js'
export * from './regression.js'
export * from './hinge.js'
export * from './confusion.js'
export * from './thresholds.js'
export * from './correlation.js'
export * from './fscore.js'
export * from './iou.js'
export {
  binaryCrossentropy, binaryFocalCrossentropy, categoricalCrossentropy, categoricalFocalCrossentropy, categoricalHinge, hinge, huber,
  klDivergence, logCosh, meanAbsoluteError, meanAbsolutePercentageError, meanSquaredError, meanSquaredLogarithmicError, poisson,
  sparseCategoricalCrossentropy, squaredHinge,
} from '../losses/functions.js'

/** A metric function: per-sample values from targets and predictions. */
export type MetricFn = (yTrue: Tensor, yPred: Tensor, options?: never) => Tensor
type MetricClass = new (args: never) => Metric

const CLASS_LIST: Record<string, MetricClass> = {
  Metric: Metric as unknown as MetricClass, Mean, Sum, MeanMetricWrapper: MeanMetricWrapper as unknown as MetricClass,
  MeanSquaredError: R.MeanSquaredError, RootMeanSquaredError: R.RootMeanSquaredError, MeanAbsoluteError: R.MeanAbsoluteError,
  MeanAbsolutePercentageError: R.MeanAbsolutePercentageError, MeanSquaredLogarithmicError: R.MeanSquaredLogarithmicError,
  CosineSimilarity: R.CosineSimilarity, LogCoshError: R.LogCoshError, R2Score: R.R2Score,
  AUC: Th.AUC, FalseNegatives: Cf.FalseNegatives, FalsePositives: Cf.FalsePositives, Precision: Cf.Precision,
  PrecisionAtRecall: Th.PrecisionAtRecall, Recall: Cf.Recall, RecallAtPrecision: Th.RecallAtPrecision,
  SensitivityAtSpecificity: Th.SensitivityAtSpecificity, SpecificityAtSensitivity: Th.SpecificityAtSensitivity,
  TrueNegatives: Cf.TrueNegatives, TruePositives: Cf.TruePositives,
  ConcordanceCorrelation: Co.ConcordanceCorrelation, PearsonCorrelation: Co.PearsonCorrelation,
  Hinge: H.Hinge, SquaredHinge: H.SquaredHinge, CategoricalHinge: H.CategoricalHinge,
  KLDivergence: P.KLDivergence, Poisson: P.Poisson, BinaryCrossentropy: P.BinaryCrossentropy,
  CategoricalCrossentropy: P.CategoricalCrossentropy, SparseCategoricalCrossentropy: P.SparseCategoricalCrossentropy,
  Accuracy: A.Accuracy, BinaryAccuracy: A.BinaryAccuracy, CategoricalAccuracy: A.CategoricalAccuracy,
  SparseCategoricalAccuracy: A.SparseCategoricalAccuracy, TopKCategoricalAccuracy: A.TopKCategoricalAccuracy,
  SparseTopKCategoricalAccuracy: A.SparseTopKCategoricalAccuracy, F1Score: Fs.F1Score, FBetaScore: Fs.FBetaScore,
  IoU: I.IoU, BinaryIoU: I.BinaryIoU, MeanIoU: I.MeanIoU, OneHotIoU: I.OneHotIoU, OneHotMeanIoU: I.OneHotMeanIoU,
}

// Keras's `ALL_OBJECTS_DICT`: class names, their snake_case names, and the short aliases.
const CLASSES: Record<string, MetricClass> = { ...CLASS_LIST }
for (const [k, v] of Object.entries(CLASS_LIST)) CLASSES[snakeCase(k)] = v
Object.assign(CLASSES, {
  bce: P.BinaryCrossentropy, BCE: P.BinaryCrossentropy, mse: R.MeanSquaredError, MSE: R.MeanSquaredError,
  mae: R.MeanAbsoluteError, MAE: R.MeanAbsoluteError, mape: R.MeanAbsolutePercentageError, MAPE: R.MeanAbsolutePercentageError,
  msle: R.MeanSquaredLogarithmicError, MSLE: R.MeanSquaredLogarithmicError,
})

/** Keras's 23 metric functions (`keras.metrics.binary_accuracy`, ...) under their Python names. */
export const METRIC_FUNCTIONS: Readonly<Record<string, MetricFn>> = Object.freeze({
  binary_accuracy: A.binaryAccuracy, categorical_accuracy: A.categoricalAccuracy, sparse_categorical_accuracy: A.sparseCategoricalAccuracy,
  top_k_categorical_accuracy: A.topKCategoricalAccuracy, sparse_top_k_categorical_accuracy: A.sparseTopKCategoricalAccuracy,
  concordance_correlation: Co.concordanceCorrelation, pearson_correlation: Co.pearsonCorrelation,
  ...Object.fromEntries(['binary_crossentropy', 'binary_focal_crossentropy', 'categorical_crossentropy', 'categorical_focal_crossentropy',
    'categorical_hinge', 'hinge', 'huber', 'kl_divergence', 'log_cosh', 'mean_absolute_error', 'mean_absolute_percentage_error',
    'mean_squared_error', 'mean_squared_logarithmic_error', 'poisson', 'sparse_categorical_crossentropy', 'squared_hinge',
  ].map((k) => [k, LOSS_FUNCTIONS[k]!])),
} as Record<string, MetricFn>)

const isClass = (x: unknown): x is MetricClass => typeof x === 'function' && Object.values(CLASS_LIST).includes(x as MetricClass)

function functionName(fn: (...args: never[]) => unknown): string {
  for (const [k, v] of Object.entries(METRIC_FUNCTIONS)) if (v === fn) return k
  return lossFunctionName(fn)
}

/**
 * Keras's `keras.metrics.serialize`.
 *
 * @example
 * ```ts
 * serialize(new BinaryAccuracy()) // { module: 'keras.metrics', class_name: 'BinaryAccuracy', config: { name: 'binary_accuracy', dtype: 'float32', threshold: 0.5 }, registered_name: null }
 * ```
 */
export function serialize(metric: Metric | MetricFn): Record<string, unknown> {
  if (typeof metric === 'function') return functionEnvelope(functionName(metric))
  let config = metric.getConfig()
  if (metric.constructor === MeanMetricWrapper) {
    const w = metric as MeanMetricWrapper
    config = { ...config, fn: functionEnvelope(functionName(w.fn)), ...Object.fromEntries(Object.entries(w.fnOptions).map(([k, v]) => [snakeCase(k), v])) }
  }
  if (metric instanceof Th.AUC && metric.labelWeights) {
    config = { ...config, label_weights: { class_name: '__tensor__', config: { value: metric.labelWeights, dtype: metric.dtype } } }
  }
  return { module: 'keras.metrics', class_name: metric.constructor.name, config, registered_name: null }
}

/**
 * Keras's `keras.metrics.deserialize`: a name (class, snake_case class, alias) or an envelope.
 *
 * @example
 * ```ts
 * deserialize({ class_name: 'AUC', config: { num_thresholds: 100 } })
 * ```
 */
export function deserialize(config: string | Record<string, unknown>): Metric | MetricFn {
  if (typeof config === 'string') {
    if (Object.hasOwn(CLASSES, config)) return new CLASSES[config]!({} as never)
    throw new InvalidArgumentError(`Unknown metric: '${config}'. Use one of Keras's metric names (e.g. 'accuracy', 'mae', 'AUC'). Received: identifier=${fmt(config)}`)
  }
  if (config === null || typeof config !== 'object' || typeof config['class_name'] !== 'string') {
    throw new InvalidArgumentError(`Could not deserialize a metric: expected a name or a {class_name, config} envelope. Received: config=${fmt(config)}`)
  }
  const className = config['class_name']
  const inner = config['config']
  if (className === 'function' || className === '__function__') {
    if (typeof inner === 'string' && Object.hasOwn(METRIC_FUNCTIONS, inner)) return METRIC_FUNCTIONS[inner]!
    throw new InvalidArgumentError(`Unknown metric function: '${String(inner)}'. Received: config=${fmt(config)}`)
  }
  if (!Object.hasOwn(CLASS_LIST, className) || className === 'Metric') {
    throw new InvalidArgumentError(`Unknown metric class: '${className}'. Received: class_name=${fmt(className)}`)
  }
  const args = configToArgs(inner)
  if (className === 'MeanMetricWrapper') {
    const { fn, name, dtype, ...fnOptions } = args
    const f = fn && typeof fn === 'object' ? deserialize(fn as Record<string, unknown>) : undefined
    if (typeof f !== 'function') throw new InvalidArgumentError(`MeanMetricWrapper config needs a metric function \`fn\`. Received: fn=${fmt(fn)}`)
    return new MeanMetricWrapper(f as never, { ...(name == null ? {} : { name }), ...(dtype == null ? {} : { dtype }), fnOptions } as never)
  }
  return new CLASS_LIST[className]!(args as never)
}

/**
 * Keras's `keras.metrics.get`: `null` → `null`; a name or envelope → a new metric; a Metric or
 * function → itself.
 *
 * @example
 * ```ts
 * get('mae') // a MeanAbsoluteError metric
 * ```
 */
export function get(identifier: unknown): Metric | MetricFn | null {
  if (identifier === undefined || identifier === null) return null
  if (identifier instanceof Metric) return identifier
  if (typeof identifier === 'string' || (typeof identifier === 'object' && !Array.isArray(identifier))) {
    return deserialize(identifier as string | Record<string, unknown>)
  }
  if (typeof identifier === 'function') return isClass(identifier) ? new identifier({} as never) : (identifier as MetricFn)
  throw new InvalidArgumentError(`Could not interpret metric identifier: ${fmt(identifier)}`)
}

/**
 * The Metric `compile({ metrics })` uses (Keras `compile_utils.get_metric`, without the
 * 'accuracy' shape dispatch, which the trainer does): named after a string identifier; functions
 * are wrapped in `MeanMetricWrapper`.
 *
 * @example
 * ```ts
 * getMetric('mae').name // 'mae'
 * ```
 */
export function getMetric(identifier: unknown): Metric {
  const obj = get(identifier)
  if (obj === null) throw new InvalidArgumentError(`Expected a metric, received ${fmt(identifier)}`)
  if (obj instanceof Metric) {
    if (typeof identifier === 'string' && obj.name !== identifier) Object.defineProperty(obj, 'name', { value: identifier })
    return obj
  }
  return new MeanMetricWrapper(obj as never, { name: functionName(obj) })
}
