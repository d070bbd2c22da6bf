/** @file `keras.optimizers`: the optimizer classes and their get/serialize/deserialize. */
import { InvalidArgumentError, fmt } from '@kx/core'
import type { KerasEnvelope } from '@kx/layers'
import { Optimizer } from './Optimizer.js'
import { optimizerRegistry, deserializeOptimizer, serializeOptimizer } from './registry.js'
import { SGD } from './SGD.js'
import { Adam, AdamW } from './Adam.js'
import { RMSprop } from './RMSprop.js'
import { Adadelta } from './Adadelta.js'
import { Adagrad } from './Adagrad.js'
import { Adamax } from './Adamax.js'
import { Nadam } from './Nadam.js'
import { Ftrl } from './Ftrl.js'
import { Lamb } from './Lamb.js'
import { Lion } from './Lion.js'
import { Adafactor } from './Adafactor.js'
import { Muon } from './Muon.js'
import { ScheduleFreeAdamW } from './ScheduleFreeAdamW.js'
import { LossScaleOptimizer } from './LossScaleOptimizer.js'
import { MultiOptimizer } from './MultiOptimizer.js'

export { Optimizer, clipByGlobalNorm } from './Optimizer.js'
export type { OptimizerArgs, LearningRate, GradientPair } from './Optimizer.js'
export { optimizerRegistry, serializeOptimizer, deserializeOptimizer } from './registry.js'
export { SGD } from './SGD.js'
export type { SGDArgs } from './SGD.js'
export { Adam, AdamW } from './Adam.js'
export type { AdamArgs, AdamWArgs } from './Adam.js'
export { RMSprop } from './RMSprop.js'
export type { RMSpropArgs } from './RMSprop.js'
export { Adadelta } from './Adadelta.js'
export type { AdadeltaArgs } from './Adadelta.js'
export { Adagrad } from './Adagrad.js'
export type { AdagradArgs } from './Adagrad.js'
export { Adamax } from './Adamax.js'
export type { AdamaxArgs } from './Adamax.js'
export { Nadam } from './Nadam.js'
export type { NadamArgs } from './Nadam.js'
export { Ftrl } from './Ftrl.js'
export type { FtrlArgs } from './Ftrl.js'
export { Lamb } from './Lamb.js'
export type { LambArgs } from './Lamb.js'
export { Lion } from './Lion.js'
export type { LionArgs } from './Lion.js'
export { Adafactor } from './Adafactor.js'
export type { AdafactorArgs } from './Adafactor.js'
export { Muon } from './Muon.js'
export type { MuonArgs } from './Muon.js'
export { ScheduleFreeAdamW } from './ScheduleFreeAdamW.js'
export type { ScheduleFreeAdamWArgs } from './ScheduleFreeAdamW.js'
export { LossScaleOptimizer } from './LossScaleOptimizer.js'
export type { LossScaleOptimizerArgs } from './LossScaleOptimizer.js'
export { MultiOptimizer, OptimizerMap } from './MultiOptimizer.js'
export type { OptimizerSelector } from './MultiOptimizer.js'

for (const cls of [SGD, Adam, AdamW, RMSprop, Adadelta, Adagrad, Adamax, Nadam, Ftrl, Lamb, Lion, Adafactor, Muon, ScheduleFreeAdamW, LossScaleOptimizer, MultiOptimizer]) {
  optimizerRegistry.register(cls, cls.className, cls.className.toLowerCase())
}

/**
 * Returns an optimizer from a name (`'adam'`, `'sgd'`, `'rmsprop'`, ... with default settings), a
 * Keras envelope, or an instance (returned as is) (Keras `keras.optimizers.get`).
 *
 * @example
 * ```ts
 * const opt = getOptimizer('adam')
 * const opt2 = getOptimizer({ class_name: 'SGD', config: { learning_rate: 0.1, momentum: 0.9 } })
 * ```
 */
export function getOptimizer(identifier: string | Optimizer | KerasEnvelope | Record<string, unknown>): Optimizer {
  if (identifier instanceof Optimizer) return identifier
  if (typeof identifier === 'string') return deserializeOptimizer({ class_name: identifier, config: {} })
  if (identifier !== null && typeof identifier === 'object' && !Array.isArray(identifier)) return deserializeOptimizer(identifier)
  throw new InvalidArgumentError(`Could not interpret optimizer identifier: ${fmt(identifier)}`)
}

/** Keras `keras.optimizers.get` (alias of `getOptimizer`, for the `optimizers` namespace). */
export const get = getOptimizer
/** Keras `keras.optimizers.serialize` (alias of `serializeOptimizer`). */
export const serialize = serializeOptimizer
/** Keras `keras.optimizers.deserialize` (alias of `deserializeOptimizer`). */
export const deserialize = deserializeOptimizer
