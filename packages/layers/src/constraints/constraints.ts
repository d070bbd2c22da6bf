/**
 * @file `keras.constraints`: MaxNorm, MinMaxNorm, NonNeg, UnitNorm (projections applied to a weight
 * after each optimizer update) and the registry behind `get` / `serialize` / `deserialize`.
 */
import { InvalidArgumentError, fmt, epsilon, type Tensor } from '@kx/core'
import { add, clip, divide, maximum, multiply, sqrt, square, sum } from '@kx/ops-numpy'
import { ClassRegistry, type CustomObjects, type KerasEnvelope } from '../engine/serialization.js'
import { camelArgs } from '../initializers/Initializer.js'
import { serializeKerasObject } from '../initializers/registry.js'
import { installConstraintHooks } from '../engine/hooks.js'

/**
 * Base class of constraints: `apply(w)` returns the projected weight (the identity here).
 *
 * @example
 * ```ts
 * class Positive extends Constraint { override apply(w: Tensor) { return ops.maximum(w, 1e-3) } }
 * ```
 */
export class Constraint {
  static readonly className: string = 'Constraint'
  get className(): string { return (this.constructor as typeof Constraint).className }
  apply(w: Tensor): Tensor { return w }
  getConfig(): Record<string, unknown> { return {} }
  static fromConfig(this: new (args?: any) => Constraint, config: Record<string, unknown>): Constraint { return new this(camelArgs(config)) }
  toString(): string { return `<${this.className}>` }
}

type Axis = number | readonly number[]
const norms = (w: Tensor, axis: Axis): Tensor => sqrt(sum(square(w), { axis, keepdims: true }))
const axisConfig = (a: Axis): number | number[] => (typeof a === 'number' ? a : [...a])

/**
 * Rescales weights whose norm along `axis` exceeds `maxValue` (Keras `MaxNorm`; 2, axis 0).
 *
 * @example
 * ```ts
 * new MaxNorm({ maxValue: 3 }).apply(kernel)
 * ```
 */
export class MaxNorm extends Constraint {
  static override readonly className: string = 'MaxNorm'
  readonly maxValue: number
  readonly axis: Axis
  constructor(args: { maxValue?: number; axis?: Axis } = {}) {
    super()
    this.maxValue = args.maxValue ?? 2
    this.axis = args.axis ?? 0
  }
  override apply(w: Tensor): Tensor {
    const n = norms(w, this.axis)
    const desired = clip(n, 0, this.maxValue)
    return multiply(w, divide(desired, add(n, epsilon())))
  }
  override getConfig(): Record<string, unknown> { return { max_value: this.maxValue, axis: axisConfig(this.axis) } }
}

/**
 * Clips negative weights to 0 (Keras `NonNeg`).
 *
 * @example
 * ```ts
 * new NonNeg().apply(kernel)
 * ```
 */
export class NonNeg extends Constraint {
  static override readonly className: string = 'NonNeg'
  override apply(w: Tensor): Tensor { return maximum(w, 0) }
}

/**
 * Rescales weights to unit norm along `axis` (Keras `UnitNorm`; axis 0).
 *
 * @example
 * ```ts
 * new UnitNorm({ axis: 0 }).apply(kernel)
 * ```
 */
export class UnitNorm extends Constraint {
  static override readonly className: string = 'UnitNorm'
  readonly axis: Axis
  constructor(args: { axis?: Axis } = {}) {
    super()
    this.axis = args.axis ?? 0
  }
  override apply(w: Tensor): Tensor { return divide(w, add(norms(w, this.axis), epsilon())) }
  override getConfig(): Record<string, unknown> { return { axis: axisConfig(this.axis) } }
}

/**
 * Keeps weight norms along `axis` in [minValue, maxValue], moving a `rate` fraction of the way
 * (Keras `MinMaxNorm`; 0, 1, rate 1, axis 0).
 *
 * @example
 * ```ts
 * new MinMaxNorm({ minValue: 0.5, maxValue: 1 }).apply(kernel)
 * ```
 */
export class MinMaxNorm extends Constraint {
  static override readonly className: string = 'MinMaxNorm'
  readonly minValue: number
  readonly maxValue: number
  readonly rate: number
  readonly axis: Axis
  constructor(args: { minValue?: number; maxValue?: number; rate?: number; axis?: Axis } = {}) {
    super()
    this.minValue = args.minValue ?? 0
    this.maxValue = args.maxValue ?? 1
    this.rate = args.rate ?? 1
    this.axis = args.axis ?? 0
  }
  override apply(w: Tensor): Tensor {
    const n = norms(w, this.axis)
    const desired = add(multiply(clip(n, this.minValue, this.maxValue), this.rate), multiply(n, 1 - this.rate))
    return multiply(w, divide(desired, add(n, epsilon())))
  }
  override getConfig(): Record<string, unknown> { return { min_value: this.minValue, max_value: this.maxValue, rate: this.rate, axis: axisConfig(this.axis) } }
}

/** The registry behind `constraints.deserialize`. */
export const constraintRegistry = new ClassRegistry<Constraint>('constraint', 'keras.constraints')
for (const [cls, ...names] of [
  [Constraint, 'Constraint', 'constraint'], [MaxNorm, 'MaxNorm', 'max_norm'], [MinMaxNorm, 'MinMaxNorm', 'min_max_norm'],
  [NonNeg, 'NonNeg', 'non_neg'], [UnitNorm, 'UnitNorm', 'unit_norm'],
] as [typeof Constraint, ...string[]][]) constraintRegistry.register(cls as never, ...names)

/** Serializes a constraint to Keras's envelope. @example `serialize(new MaxNorm())` */
export function serialize(constraint: Constraint): KerasEnvelope { return serializeKerasObject(constraint, 'keras.constraints') }
/** Rebuilds a constraint from an envelope or a name. @example `deserialize({ class_name: 'NonNeg', config: {} })` */
export function deserialize(config: unknown, customObjects?: CustomObjects): Constraint { return constraintRegistry.deserialize(config, customObjects) }

/** What `constraints.get` accepts. */
export type ConstraintIdentifier = string | Constraint | Record<string, unknown> | null | undefined

/**
 * Resolves a constraint (Keras `keras.constraints.get`): null → null, a name → a default instance,
 * an envelope → deserialized, an instance → itself.
 *
 * @example
 * ```ts
 * get('non_neg')
 * ```
 */
export function get(identifier: ConstraintIdentifier): Constraint | null {
  if (identifier === null || identifier === undefined) return null
  if (identifier instanceof Constraint) return identifier
  if (typeof identifier === 'string') return deserialize({ class_name: identifier, config: {} })
  if (typeof identifier === 'object') return deserialize(identifier)
  throw new InvalidArgumentError(`Could not interpret constraint identifier: ${fmt(identifier)}`)
}

/**
 * @internal Installs `get` / `serialize` as the hooks through which the layers resolve constraint arguments (see
 * `installRegularizers`). Runs when this module loads; the package root also calls it.
 */
export function installConstraints(): void {
  installConstraintHooks({ get: (id) => get(id as ConstraintIdentifier), serialize: (c) => serialize(c as Constraint) })
}
installConstraints()
