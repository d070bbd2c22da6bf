/**
 * @file The `keras.losses` namespace: loss classes, loss functions, and `get`/`serialize`/`deserialize`
 * over Keras's JSON envelopes (module `keras.losses`), plus `getLoss` for `compile()`.
 */
import type { Tensor } from '@kx/core'
import { InvalidArgumentError, fmt } from '@kx/core'
import { Loss, LossFunctionWrapper } from './Loss.js'
import * as C from './losses.js'
import * as F from './functions.js'
import { configToArgs, functionEnvelope, snakeCase } from './registry-util.js'

export { Loss, LossFunctionWrapper, reduceWeightedValues, squeezeOrExpandToSameRank, applyMask } from './Loss.js'
export type { LossArgs, Reduction } from './Loss.js'
export * from './losses.js'
export * from './functions.js'

/** A loss function: per-sample losses from targets and predictions. */
export type LossFn = (yTrue: Tensor, yPred: Tensor, options?: never) => Tensor
type LossClass = new (args?: never) => Loss

const CLASSES: Record<string, LossClass> = {
  Loss: Loss as unknown as LossClass, LossFunctionWrapper: LossFunctionWrapper as unknown as LossClass,
  BinaryCrossentropy: C.BinaryCrossentropy, BinaryFocalCrossentropy: C.BinaryFocalCrossentropy, CTC: C.CTC,
  CategoricalCrossentropy: C.CategoricalCrossentropy, CategoricalFocalCrossentropy: C.CategoricalFocalCrossentropy,
  CategoricalGeneralizedCrossEntropy: C.CategoricalGeneralizedCrossEntropy, CategoricalHinge: C.CategoricalHinge, Circle: C.Circle,
  CosineSimilarity: C.CosineSimilarity, Dice: C.Dice, Hinge: C.Hinge, Huber: C.Huber, KLDivergence: C.KLDivergence, LogCosh: C.LogCosh,
  MeanAbsoluteError: C.MeanAbsoluteError, MeanAbsolutePercentageError: C.MeanAbsolutePercentageError, MeanSquaredError: C.MeanSquaredError,
  MeanSquaredLogarithmicError: C.MeanSquaredLogarithmicError, Poisson: C.Poisson, SparseCategoricalCrossentropy: C.SparseCategoricalCrossentropy,
  SquaredHinge: C.SquaredHinge, Tversky: C.Tversky,
}

/** Keras's loss functions under their Python names. */
export const LOSS_FUNCTIONS: Readonly<Record<string, LossFn>> = Object.freeze({
  binary_crossentropy: F.binaryCrossentropy, binary_focal_crossentropy: F.binaryFocalCrossentropy,
  categorical_crossentropy: F.categoricalCrossentropy, categorical_focal_crossentropy: F.categoricalFocalCrossentropy,
  categorical_hinge: F.categoricalHinge, circle: F.circle, cosine_similarity: F.cosineSimilarity, ctc: F.ctc, dice: F.dice,
  hinge: F.hinge, huber: F.huber, kl_divergence: F.klDivergence, log_cosh: F.logCosh, mean_absolute_error: F.meanAbsoluteError,
  mean_absolute_percentage_error: F.meanAbsolutePercentageError, mean_squared_error: F.meanSquaredError,
  mean_squared_logarithmic_error: F.meanSquaredLogarithmicError, poisson: F.poisson,
  sparse_categorical_crossentropy: F.sparseCategoricalCrossentropy, squared_hinge: F.squaredHinge, tversky: F.tversky,
} as Record<string, LossFn>)

// Keras's `ALL_OBJECTS_DICT` aliases.
const ALIASES: Record<string, string> = {
  bce: 'binary_crossentropy', BCE: 'binary_crossentropy', kld: 'kl_divergence', KLD: 'kl_divergence',
  mae: 'mean_absolute_error', MAE: 'mean_absolute_error', mse: 'mean_squared_error', MSE: 'mean_squared_error',
  mape: 'mean_absolute_percentage_error', MAPE: 'mean_absolute_percentage_error',
  msle: 'mean_squared_logarithmic_error', MSLE: 'mean_squared_logarithmic_error',
}

function lookup(name: string): LossClass | LossFn | undefined {
  if (Object.hasOwn(CLASSES, name)) return CLASSES[name]
  const fnName = Object.hasOwn(ALIASES, name) ? ALIASES[name]! : name
  return Object.hasOwn(LOSS_FUNCTIONS, fnName) ? LOSS_FUNCTIONS[fnName] : undefined
}
const isClass = (x: unknown): x is LossClass => typeof x === 'function' && Object.values(CLASSES).includes(x as LossClass)

/** The Keras name of a loss function (`meanSquaredError` → `mean_squared_error`). */
export function lossFunctionName(fn: (...args: never[]) => unknown): string {
  for (const [k, v] of Object.entries(LOSS_FUNCTIONS)) if (v === fn) return k
  return snakeCase(fn.name || 'loss')
}

/**
 * Keras's `keras.losses.serialize`: a Loss becomes `{module, class_name, config, registered_name}`;
 * a loss function becomes Keras's function envelope.
 *
 * @example
 * ```ts
 * serialize(new BinaryCrossentropy({ fromLogits: true }))
 * // { module: 'keras.losses', class_name: 'BinaryCrossentropy', config: { name: 'binary_crossentropy', ... }, registered_name: null }
 * ```
 */
export function serialize(loss: Loss | LossFn): Record<string, unknown> {
  if (typeof loss === 'function') return functionEnvelope(lossFunctionName(loss))
  if (loss.constructor === LossFunctionWrapper) {
    const w = loss as LossFunctionWrapper
    const config = { ...w.getConfig(), fn: functionEnvelope(lossFunctionName(w.fn)), ...configFromOptions(w.fnOptions) }
    return { module: 'keras.src.losses.losses', class_name: 'LossFunctionWrapper', config, registered_name: 'LossFunctionWrapper' }
  }
  return { module: 'keras.losses', class_name: loss.constructor.name, config: loss.getConfig(), registered_name: null }
}

function configFromOptions(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [snakeCase(k), v]))
}

/**
 * Keras's `keras.losses.deserialize`: a name (class or function, aliases included) or an envelope,
 * with or without `module` / `registered_name`.
 *
 * @example
 * ```ts
 * deserialize({ class_name: 'MeanSquaredError', config: { name: 'mse', reduction: 'sum' } })
 * ```
 */
export function deserialize(config: string | Record<string, unknown>): Loss | LossFn {
  if (typeof config === 'string') {
    const obj = lookup(config)
    if (!obj) throw new InvalidArgumentError(`Unknown loss: '${config}'. Use one of Keras's loss names (e.g. 'mean_squared_error', 'mse', 'BinaryCrossentropy'). Received: identifier=${fmt(config)}`)
    return isClass(obj) ? new obj() : obj
  }
  if (config === null || typeof config !== 'object' || typeof config['class_name'] !== 'string') {
    throw new InvalidArgumentError(`Could not deserialize a loss: expected a name or a {class_name, config} envelope. Received: config=${fmt(config)}`)
  }
  const className = config['class_name']
  const inner = config['config']
  if (className === 'function' || className === '__function__') {
    const fn = typeof inner === 'string' ? lookup(inner) : undefined
    if (!fn || isClass(fn)) throw new InvalidArgumentError(`Unknown loss function: '${String(inner)}'. Received: config=${fmt(config)}`)
    return fn
  }
  if (!Object.hasOwn(CLASSES, className) || className === 'Loss') {
    throw new InvalidArgumentError(`Unknown loss class: '${className}'. Received: class_name=${fmt(className)}`)
  }
  const args = configToArgs(inner)
  if (className === 'LossFunctionWrapper') {
    const { fn, ...rest } = args
    const f = fn && typeof fn === 'object' ? deserialize(fn as Record<string, unknown>) : typeof fn === 'string' ? deserialize(fn) : undefined
    if (typeof f !== 'function') throw new InvalidArgumentError(`LossFunctionWrapper config needs a loss function \`fn\`. Received: fn=${fmt(fn)}`)
    const { name, reduction, dtype, ...fnOptions } = rest
    return new LossFunctionWrapper(f as never, { ...(name === undefined ? {} : { name }), ...(reduction === undefined ? {} : { reduction }), ...(dtype === undefined ? {} : { dtype }), fnOptions } as never)
  }
  return new CLASSES[className]!(args as never)
}

/**
 * Keras's `keras.losses.get`: `null` → `null`; a name, envelope, Loss or function → the loss
 * (classes are instantiated with defaults, functions returned as they are).
 *
 * @example
 * ```ts
 * get('mse') // the meanSquaredError function
 * get('BinaryCrossentropy') // a BinaryCrossentropy instance
 * ```
 */
export function get(identifier: unknown): Loss | LossFn | null {
  if (identifier === undefined || identifier === null) return null
  if (identifier instanceof Loss) return identifier
  if (typeof identifier === 'string' || (typeof identifier === 'object' && !Array.isArray(identifier))) {
    return deserialize(identifier as string | Record<string, unknown>)
  }
  if (typeof identifier === 'function') return isClass(identifier) ? new identifier() : (identifier as LossFn)
  throw new InvalidArgumentError(`Could not interpret loss identifier: ${fmt(identifier)}`)
}

/**
 * The Loss `compile({ loss })` uses (Keras `compile_utils.get_loss`): functions are wrapped in a
 * `LossFunctionWrapper` named after the identifier.
 *
 * @example
 * ```ts
 * getLoss('sparse_categorical_crossentropy').apply(yTrue, yPred)
 * ```
 */
export function getLoss(identifier: unknown): Loss {
  const obj = get(identifier)
  if (obj === null) throw new InvalidArgumentError(`Expected a loss, received ${fmt(identifier)}`)
  if (obj instanceof Loss) return obj
  const name = typeof identifier === 'string' ? identifier : lossFunctionName(obj)
  return new LossFunctionWrapper(obj as never, { name })
}
