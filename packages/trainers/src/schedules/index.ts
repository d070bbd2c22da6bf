/** @file `keras.optimizers.schedules`: the schedule classes and their get/serialize/deserialize. */
import { InvalidArgumentError, fmt } from '@kx/core'
import { ClassRegistry, registeredNameOf, type CustomObjects, type KerasEnvelope } from '@kx/layers'
import { ExponentialDecay, InverseTimeDecay, LearningRateSchedule, PiecewiseConstantDecay, PolynomialDecay } from './LearningRateSchedule.js'
import { CosineDecay, CosineDecayRestarts } from './CosineDecay.js'

export { LearningRateSchedule, ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, PolynomialDecay } from './LearningRateSchedule.js'
export type { ExponentialDecayArgs, InverseTimeDecayArgs, PiecewiseConstantDecayArgs, PolynomialDecayArgs } from './LearningRateSchedule.js'
export { CosineDecay, CosineDecayRestarts } from './CosineDecay.js'
export type { CosineDecayArgs, CosineDecayRestartsArgs } from './CosineDecay.js'

/** The schedule registry (`keras.optimizers.schedules.deserialize`). */
export const scheduleRegistry = new ClassRegistry<LearningRateSchedule>('learning rate schedule', 'keras.optimizers.schedules')
for (const cls of [ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay, CosineDecay, CosineDecayRestarts]) {
  scheduleRegistry.register(cls, cls.className)
}

/**
 * Serializes a schedule to Keras's envelope (`module: 'keras.optimizers.schedules'`).
 *
 * @example
 * ```ts
 * serializeSchedule(new CosineDecay({ initialLearningRate: 0.1, decaySteps: 10 }))
 * // { module: 'keras.optimizers.schedules', class_name: 'CosineDecay', config: {...}, registered_name: null }
 * ```
 */
export function serializeSchedule(schedule: LearningRateSchedule): KerasEnvelope {
  const registered = registeredNameOf(schedule.constructor)
  return {
    module: registered ? registered.split('>')[0]! : 'keras.optimizers.schedules',
    class_name: schedule.className,
    config: schedule.getConfig(),
    registered_name: registered,
  }
}

/**
 * Rebuilds a schedule from a Keras envelope (with or without `module` / `registered_name`).
 *
 * @example
 * ```ts
 * const s = deserializeSchedule({ class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.5 } })
 * ```
 */
export function deserializeSchedule(config: unknown, customObjects?: CustomObjects): LearningRateSchedule {
  return scheduleRegistry.deserialize(config, customObjects)
}

/**
 * Returns a schedule from an instance or an envelope (Keras `keras.optimizers.schedules.get`
 * equivalent of `deserialize` for dicts).
 *
 * @example
 * ```ts
 * getSchedule({ class_name: 'CosineDecay', config: { initial_learning_rate: 1, decay_steps: 5 } })
 * ```
 */
export function getSchedule(identifier: LearningRateSchedule | KerasEnvelope | Record<string, unknown>): LearningRateSchedule {
  if (identifier instanceof LearningRateSchedule) return identifier
  if (identifier !== null && typeof identifier === 'object') return deserializeSchedule(identifier)
  throw new InvalidArgumentError(`Could not interpret learning rate schedule identifier. Received: identifier=${fmt(identifier)}`)
}

/** Keras `keras.optimizers.schedules.get` (alias of `getSchedule`). */
export const get = getSchedule
/** Keras `keras.optimizers.schedules.serialize` (alias of `serializeSchedule`). */
export const serialize = serializeSchedule
/** Keras `keras.optimizers.schedules.deserialize` (alias of `deserializeSchedule`). */
export const deserialize = deserializeSchedule
