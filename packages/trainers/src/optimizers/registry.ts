/** @file The optimizer class registry and Keras-envelope serialization shared by the optimizer modules. */
import { ClassRegistry, registeredNameOf, type CustomObjects, type KerasEnvelope } from '@kx/layers'
import type { Optimizer } from './Optimizer.js'

/** The optimizer registry (`keras.optimizers.deserialize`); classes register in `optimizers/index.ts`. */
export const optimizerRegistry = new ClassRegistry<Optimizer>('optimizer', 'keras.optimizers')

/**
 * Serializes an optimizer (or an `OptimizerMap`) to Keras's envelope (`module: 'keras.optimizers'`).
 *
 * @example
 * ```ts
 * serializeOptimizer(new Adam()) // { module: 'keras.optimizers', class_name: 'Adam', config: {...}, registered_name: null }
 * ```
 */
export function serializeOptimizer(optimizer: { readonly className: string; getConfig(): Record<string, unknown> }): KerasEnvelope {
  const registered = registeredNameOf(optimizer.constructor)
  return {
    module: registered ? registered.split('>')[0]! : 'keras.optimizers',
    class_name: optimizer.className,
    config: optimizer.getConfig(),
    registered_name: registered,
  }
}

/**
 * Rebuilds an optimizer from a Keras envelope; built-in class names match case-insensitively
 * (`{class_name: 'adam'}` works, like Keras).
 *
 * @example
 * ```ts
 * const opt = deserializeOptimizer({ class_name: 'Adam', config: { learning_rate: 0.01 } })
 * ```
 */
export function deserializeOptimizer(config: unknown, customObjects?: CustomObjects): Optimizer {
  if (config !== null && typeof config === 'object' && !Array.isArray(config)) {
    const env = config as Record<string, unknown>
    const name = env['class_name']
    if (typeof name === 'string' && !optimizerRegistry.has(name) && optimizerRegistry.has(name.toLowerCase())) {
      return optimizerRegistry.deserialize({ ...env, class_name: name.toLowerCase() }, customObjects)
    }
  }
  return optimizerRegistry.deserialize(config, customObjects)
}
