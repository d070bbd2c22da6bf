/** @file Schedule-Free AdamW (Defazio et al., 2024; Keras `keras.optimizers.ScheduleFreeAdamW`). */
import { lax, tidy, type Tensor, type Variable } from '@kx/core'
import { Optimizer, type OptimizerArgs } from './Optimizer.js'
import { cast, square } from '@kx/ops-numpy'
import { constant, copy, like, minS, rdivS, rsubS } from './math.js'

/** Options of `ScheduleFreeAdamW`. */
export interface ScheduleFreeAdamWArgs extends OptimizerArgs {
  /** Interpolation between the averaged and the fast iterate (default 0.9). */
  readonly beta1?: number
  /** Decay rate of the second moment (default 0.999). */
  readonly beta2?: number
  readonly epsilon?: number
  /** Linear learning-rate warmup steps (default 0: none). */
  readonly warmupSteps?: number
}

/**
 * Schedule-Free AdamW: Adam-normalized steps on an auxiliary sequence `z` (the `momentum` slot),
 * uniformly averaged into `x`, with the model weights at `y = (1-β1)·z + β1·x`. No learning-rate
 * schedule is needed.
 *
 * @example
 * ```ts
 * const opt = new ScheduleFreeAdamW({ learningRate: 0.0025, warmupSteps: 100 })
 * ```
 */
export class ScheduleFreeAdamW extends Optimizer {
  static override readonly className: string = 'ScheduleFreeAdamW'
  readonly beta1: number
  readonly beta2: number
  readonly epsilon: number
  readonly warmupSteps: number
  protected _momentums: (Variable | null)[] = []
  protected _velocities: (Variable | null)[] = []

  constructor(args: ScheduleFreeAdamWArgs = {}) {
    super({ ...args, learningRate: args.learningRate ?? 0.0025 })
    this.beta1 = args.beta1 ?? 0.9
    this.beta2 = args.beta2 ?? 0.999
    this.epsilon = args.epsilon ?? 1e-8
    this.warmupSteps = args.warmupSteps ?? 0
  }

  protected override buildSlots(variables: readonly Variable[]): void {
    ;[this._momentums, this._velocities] = this.addOptimizerVariables(variables, ['momentum', 'velocity']) as [(Variable | null)[], (Variable | null)[]]
    // z starts at the initial weights
    tidy(() => this._momentums.forEach((m, i) => { if (m) this.assign(m, copy(this.read(variables[i]!))) }))
  }

  protected override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const dtype = variable.dtype
    const i = this.indexOf(variable)
    const g = cast(gradient, dtype)
    const t = this.localStep(dtype)
    const beta1 = constant(this.beta1, dtype, t)
    const beta2 = constant(this.beta2, dtype, t)
    let lr = cast(learningRate, dtype)
    if (this.warmupSteps > 0) lr = lax.mul(lr, minS(lax.div(t, constant(this.warmupSteps, dtype, t)), 1))
    const momentum = this._momentums[i]!
    const velocity = this._velocities[i]!
    const zOld = this.read(momentum)
    const biasCorrection2 = rsubS(1, lax.pow(beta2, t))
    const v0 = this.read(velocity)
    const v1 = lax.add(v0, lax.mul(lax.sub(square(g), v0), like(v0, rsubS(1, beta2))))
    this.assign(velocity, v1)
    const denom = lax.add(lax.sqrt(lax.div(v1, like(v1, biasCorrection2))), like(v1, constant(this.epsilon, dtype, t)))
    const z = lax.sub(zOld, lax.div(lax.mul(like(g, lr), g), denom))
    const weight = rdivS(1, t)
    const oneMinusB1 = like(z, rsubS(1, beta1))
    // x_old = (y_old - (1 - β1) z_old) / β1, computed before z_old is replaced
    const xOld = lax.div(lax.sub(this.read(variable), lax.mul(oneMinusB1, zOld)), like(z, beta1))
    this.assign(momentum, z)
    const xNew = lax.add(lax.mul(like(z, rsubS(1, weight)), xOld), lax.mul(like(z, weight), z))
    this.assign(variable, lax.add(lax.mul(oneMinusB1, z), lax.mul(like(z, beta1), xNew)))
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, warmup_steps: this.warmupSteps }
  }
}

