/** @file Helpers shared by the losses and metrics registries: Keras config keys ↔ constructor options. */
import { InvalidArgumentError, fmt } from '@kx/core'

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype'])

/** Keras's `to_snake_case`: `fromLogits` → `from_logits`, `MeanIoU` → `mean_io_u`. */
export function snakeCase(s: string): string {
  return s.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()
}

/** `from_logits` → `fromLogits`. */
export function camelCase(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

/** Keras's envelope for a built-in function. */
export function functionEnvelope(name: string): Record<string, unknown> {
  return { module: 'builtins', class_name: 'function', config: name, registered_name: 'function' }
}

/**
 * A Keras `config` dict as constructor options: keys camelCased, dtype policies reduced to their
 * dtype name, and keys such as `__proto__` rejected (configs come from files).
 */
export function configToArgs(config: unknown): Record<string, unknown> {
  if (config === undefined || config === null) return {}
  if (typeof config !== 'object' || Array.isArray(config)) {
    throw new InvalidArgumentError(`A Keras config must be an object. Received: config=${fmt(config)}`)
  }
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  for (const [k, v] of Object.entries(config as Record<string, unknown>)) {
    if (FORBIDDEN.has(k)) throw new InvalidArgumentError(`Refusing config key ${fmt(k)}.`)
    let value = v
    if (k === 'dtype' && value && typeof value === 'object') {
      const inner = (value as { config?: { name?: unknown } }).config
      value = inner && typeof inner.name === 'string' ? inner.name : undefined
    }
    // Keras writes tensor-valued arguments (e.g. AUC's label_weights) as `__tensor__` / `__numpy__` envelopes.
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const env = value as { class_name?: unknown; config?: { value?: unknown } }
      if ((env.class_name === '__tensor__' || env.class_name === '__numpy__') && env.config) value = env.config.value
    }
    if (value === undefined) continue
    out[camelCase(k)] = value
  }
  return { ...out }
}
