/**
 * @file The explicit class registry behind every `deserialize`: Keras JSON envelopes map to
 * registered classes only; nothing from a file is ever evaluated, and no `__proto__`-like key
 * reaches an object.
 */
import { FileFormatError, InvalidArgumentError, fmt } from '@kx/core'

/** A Keras serialization envelope. */
export interface KerasEnvelope {
  readonly module?: string | null
  readonly class_name: string
  readonly config: Record<string, unknown>
  readonly registered_name?: string | null
  readonly build_config?: Record<string, unknown> | null
  readonly compile_config?: Record<string, unknown> | null
  readonly [key: string]: unknown
}

/** A class that can be rebuilt from its config. */
export interface Deserializable<T = unknown> {
  readonly name: string
  fromConfig(config: Record<string, unknown>, custom?: CustomObjects): T
}
export type CustomObjects = Readonly<Record<string, Deserializable>>

/** One registry namespace (layers, activations, initializers, …). */
export class ClassRegistry<T = unknown> {
  readonly kind: string
  readonly module: string
  private readonly classes = new Map<string, Deserializable<T>>()
  constructor(kind: string, module: string) {
    this.kind = kind
    this.module = module
  }
  /** Registers a class under one or more names (Keras's class name and export aliases). */
  register(cls: Deserializable<T>, ...names: string[]): void {
    for (const n of names.length ? names : [cls.name]) this.classes.set(n, cls)
  }
  has(name: string): boolean { return this.classes.has(name) }
  lookup(name: string, custom?: CustomObjects): Deserializable<T> | undefined {
    if (custom && Object.prototype.hasOwnProperty.call(custom, name)) return custom[name] as Deserializable<T>
    return this.classes.get(name) ?? customRegistry.get(name) as Deserializable<T> | undefined
  }
  names(): string[] { return [...this.classes.keys()] }

  /** Rebuilds an object from a Keras envelope (or a bare class name for string identifiers). */
  deserialize(value: unknown, custom?: CustomObjects): T {
    const env = asEnvelope(value, this.kind)
    const name = env.registered_name && env.registered_name.includes('>') ? env.registered_name : env.class_name
    const cls = this.lookup(name, custom) ?? this.lookup(env.class_name, custom)
    if (!cls) {
      throw new InvalidArgumentError(`Unknown ${this.kind}: "${env.class_name}". Register custom classes with \`registerKerasSerializable(package, name)\` or pass them in \`customObjects\`. Received: class_name=${fmt(env.class_name)}${env.registered_name ? `, registered_name=${fmt(env.registered_name)}` : ''}`)
    }
    return cls.fromConfig(sanitize(env.config ?? {}) as Record<string, unknown>, custom)
  }
}

const customRegistry = new Map<string, Deserializable>()

/**
 * Registers a custom class for deserialization as `package>name` (Keras
 * `keras.saving.register_keras_serializable`).
 *
 * @example
 * ```ts
 * registerKerasSerializable('my_package', 'MyLayer')(MyLayer)
 * ```
 */
export function registerKerasSerializable(pkg = 'Custom', name?: string): <C extends Deserializable>(cls: C) => C {
  return (cls) => {
    const n = name ?? cls.name
    customRegistry.set(`${pkg}>${n}`, cls)
    customRegistry.set(n, cls)
    registeredNames.set(cls, `${pkg}>${n}`)
    return cls
  }
}
const registeredNames = new Map<unknown, string>()
/** The `package>name` a class was registered under, or null for built-ins. */
export function registeredNameOf(cls: unknown): string | null { return registeredNames.get(cls) ?? null }

/** Validates an envelope shape (a bare string becomes `{class_name}`). */
export function asEnvelope(value: unknown, kind: string): KerasEnvelope {
  if (typeof value === 'string') return { class_name: value, config: {} }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FileFormatError(`Invalid ${kind} config: expected {"class_name", "config"}. Received: ${fmt(value)}`)
  }
  const v = value as Record<string, unknown>
  if (typeof v['class_name'] !== 'string') throw new FileFormatError(`Invalid ${kind} config: "class_name" must be a string. Received: class_name=${fmt(v['class_name'])}`)
  const config = v['config']
  if (config !== undefined && config !== null && (typeof config !== 'object' || Array.isArray(config))) {
    throw new FileFormatError(`Invalid ${kind} config for "${v['class_name']}": "config" must be an object. Received: config=${fmt(config)}`)
  }
  return v as unknown as KerasEnvelope
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype'])
/** Deep-copies JSON data dropping `__proto__`/`constructor`/`prototype` keys (prototype-pollution guard). */
export function sanitize(value: unknown, depth = 0): unknown {
  if (depth > 64) throw new FileFormatError('Config nesting is too deep (over 64 levels).')
  if (Array.isArray(value)) return value.map((v) => sanitize(v, depth + 1))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      if (FORBIDDEN.has(k)) continue
      Object.defineProperty(out, k, { value: sanitize(v, depth + 1), enumerable: true, writable: true, configurable: true })
    }
    return out
  }
  return value
}

/** The layer registry (`keras.layers.deserialize`). Populated by the layer modules' registration. */
export const layerRegistry = new ClassRegistry('layer', 'keras.layers')
