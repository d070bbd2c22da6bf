/**
 * @file LearningRateSchedule base class and the step-based decays (exponential, inverse-time,
 * polynomial, piecewise constant), computed on scalar tensors so they trace (Keras
 * `keras.optimizers.schedules`).
 */
import { InvalidArgumentError, Tensor, floatx, fmt, full, lax, type DType } from '@kx/core'
import { configToArgs } from '@kx/layers'
import { cast } from '@kx/ops-numpy'
import { addS, constant, divS, like, mulS, powS, rsubS } from '../optimizers/math.js'

/**
 * Base class of learning-rate schedules: `apply(step)` returns the learning rate (a scalar tensor)
 * for an optimizer step. Subclasses implement `call(step)` and `getConfig()`.
 *
 * @example
 * ```ts
 * const lr = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.9 })
 * const opt = new SGD({ learningRate: lr })
 * ```
 */
export abstract class LearningRateSchedule {
  /** Keras's class name (used in serialized envelopes). */
  static readonly className: string = 'LearningRateSchedule'
  get className(): string { return (this.constructor as { className?: string }).className ?? this.constructor.name }

  /** The learning rate at `step` (a scalar tensor of the schedule's dtype). */
  abstract call(step: Tensor): Tensor
  /** The schedule's hyperparameters, with Keras's snake_case keys. */
  abstract getConfig(): Record<string, unknown>

  /** Keras `__call__`: accepts a step tensor or a number. */
  apply(step: Tensor | number): Tensor {
    const s = typeof step === 'number' ? full([], step, Number.isInteger(step) ? 'int32' : floatx()) : step
    return this.call(s)
  }

  /** Rebuilds a schedule from its config (snake_case keys). */
  static fromConfig<T>(this: new (args: never) => T, config: Record<string, unknown>): T {
    return new this(configToArgs(config) as never)
  }
}

/** The dtype schedules compute in (Keras: the dtype of `initial_learning_rate`, a float). */
export const scheduleDtype = (): DType => floatx()

function checkPositive(what: string, value: number): void {
  if (!(value > 0)) throw new InvalidArgumentError(`Argument \`${what}\` must be > 0. Received: ${what}=${fmt(value)}`)
}

/** Options of `ExponentialDecay`. */
export interface ExponentialDecayArgs {
  readonly initialLearningRate: number
  readonly decaySteps: number
  readonly decayRate: number
  readonly staircase?: boolean
  readonly name?: string
}

/**
 * `initial_learning_rate * decay_rate ** (step / decay_steps)` (floored exponent when `staircase`).
 *
 * @example
 * ```ts
 * new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1000, decayRate: 0.96, staircase: true })
 * ```
 */
export class ExponentialDecay extends LearningRateSchedule {
  static override readonly className: string = 'ExponentialDecay'
  readonly initialLearningRate: number
  readonly decaySteps: number
  readonly decayRate: number
  readonly staircase: boolean
  readonly name: string
  constructor(args: ExponentialDecayArgs) {
    super()
    this.initialLearningRate = args.initialLearningRate
    this.decaySteps = args.decaySteps
    this.decayRate = args.decayRate
    this.staircase = args.staircase ?? false
    this.name = args.name ?? 'ExponentialDecay'
    checkPositive('decay_steps', this.decaySteps)
  }
  call(step: Tensor): Tensor {
    const dtype = scheduleDtype()
    let p = divS(cast(step, dtype), this.decaySteps)
    if (this.staircase) p = lax.unary('floor', p)
    return lax.mul(constant(this.initialLearningRate, dtype, step), lax.pow(like(p, this.decayRate), p))
  }
  getConfig(): Record<string, unknown> {
    return { initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, decay_rate: this.decayRate, staircase: this.staircase, name: this.name }
  }
}

/** Options of `PiecewiseConstantDecay`. */
export interface PiecewiseConstantDecayArgs {
  readonly boundaries: readonly number[]
  readonly values: readonly number[]
  readonly name?: string
}

/**
 * `values[0]` while `step <= boundaries[0]`, `values[i]` while `boundaries[i-1] < step <= boundaries[i]`,
 * and `values[-1]` after the last boundary.
 *
 * @example
 * ```ts
 * new PiecewiseConstantDecay({ boundaries: [100, 200], values: [1.0, 0.5, 0.1] })
 * ```
 */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  static override readonly className: string = 'PiecewiseConstantDecay'
  readonly boundaries: readonly number[]
  readonly values: readonly number[]
  readonly name: string
  constructor(args: PiecewiseConstantDecayArgs) {
    super()
    if (args.boundaries.length !== args.values.length - 1) {
      throw new InvalidArgumentError(`The length of boundaries should be 1 less than the length of values. Received: boundaries=${fmt(args.boundaries)} of length ${args.boundaries.length}, and values=${fmt(args.values)} of length ${args.values.length}.`)
    }
    this.boundaries = args.boundaries.slice()
    this.values = args.values.slice()
    this.name = args.name ?? 'PiecewiseConstant'
  }
  call(step: Tensor): Tensor {
    const dtype = scheduleDtype()
    // NOTE: boundaries are compared in the step's dtype (Keras casts them to it), so an int step
    // truncates fractional boundaries like Keras does.
    const b = (i: number): Tensor => constant(step.dtype === 'int32' || step.dtype === 'int64' ? Math.trunc(this.boundaries[i]!) : this.boundaries[i]!, step.dtype, step)
    const v = (i: number): Tensor => constant(this.values[i]!, dtype, step)
    const n = this.boundaries.length
    let out = v(n)
    for (let i = n - 1; i >= 0; i--) out = lax.select(lax.le(step, b(i)), v(i), out)
    return out
  }
  getConfig(): Record<string, unknown> {
    return { boundaries: this.boundaries.slice(), values: this.values.slice(), name: this.name }
  }
}

/** Options of `PolynomialDecay`. */
export interface PolynomialDecayArgs {
  readonly initialLearningRate: number
  readonly decaySteps: number
  readonly endLearningRate?: number
  readonly power?: number
  readonly cycle?: boolean
  readonly name?: string
}

/**
 * `(initial - end) * (1 - step / decay_steps) ** power + end`, with `step` capped at `decay_steps`
 * (or `decay_steps` stretched to the next multiple when `cycle`).
 *
 * @example
 * ```ts
 * new PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 10000, endLearningRate: 0.01, power: 0.5 })
 * ```
 */
export class PolynomialDecay extends LearningRateSchedule {
  static override readonly className: string = 'PolynomialDecay'
  readonly initialLearningRate: number
  readonly decaySteps: number
  readonly endLearningRate: number
  readonly power: number
  readonly cycle: boolean
  readonly name: string
  constructor(args: PolynomialDecayArgs) {
    super()
    this.initialLearningRate = args.initialLearningRate
    this.decaySteps = args.decaySteps
    this.endLearningRate = args.endLearningRate ?? 0.0001
    this.power = args.power ?? 1.0
    this.cycle = args.cycle ?? false
    this.name = args.name ?? 'PolynomialDecay'
    checkPositive('decay_steps', this.decaySteps)
  }
  call(step: Tensor): Tensor {
    const dtype = scheduleDtype()
    let s = cast(step, dtype)
    let decay = constant(this.decaySteps, dtype, step)
    if (this.cycle) {
      const mult = lax.select(lax.eq(s, like(s, 0)), like(s, 1), lax.unary('ceil', divS(s, this.decaySteps)))
      decay = lax.mul(decay, mult)
    } else {
      s = lax.min(s, decay)
    }
    const p = lax.div(s, decay)
    const init = constant(this.initialLearningRate, dtype, step)
    const end = constant(this.endLearningRate, dtype, step)
    return lax.add(lax.mul(lax.sub(init, end), powS(rsubS(1, p), this.power)), end)
  }
  getConfig(): Record<string, unknown> {
    return { initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, end_learning_rate: this.endLearningRate, power: this.power, cycle: this.cycle, name: this.name }
  }
}

/** Options of `InverseTimeDecay`. */
export interface InverseTimeDecayArgs {
  readonly initialLearningRate: number
  readonly decaySteps: number
  readonly decayRate: number
  readonly staircase?: boolean
  readonly name?: string
}

/**
 * `initial_learning_rate / (1 + decay_rate * step / decay_steps)` (floored ratio when `staircase`).
 *
 * @example
 * ```ts
 * new InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 })
 * ```
 */
export class InverseTimeDecay extends LearningRateSchedule {
  static override readonly className: string = 'InverseTimeDecay'
  readonly initialLearningRate: number
  readonly decaySteps: number
  readonly decayRate: number
  readonly staircase: boolean
  readonly name: string
  constructor(args: InverseTimeDecayArgs) {
    super()
    this.initialLearningRate = args.initialLearningRate
    this.decaySteps = args.decaySteps
    this.decayRate = args.decayRate
    this.staircase = args.staircase ?? false
    this.name = args.name ?? 'InverseTimeDecay'
    checkPositive('decay_steps', this.decaySteps)
  }
  call(step: Tensor): Tensor {
    const dtype = scheduleDtype()
    let p = divS(cast(step, dtype), this.decaySteps)
    if (this.staircase) p = lax.unary('floor', p)
    const denom = addS(mulS(p, this.decayRate), 1)
    return lax.div(constant(this.initialLearningRate, dtype, step), denom)
  }
  getConfig(): Record<string, unknown> {
    return { initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, decay_rate: this.decayRate, staircase: this.staircase, name: this.name }
  }
}

