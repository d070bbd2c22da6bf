/** @file RMSprop, plain or centered, with optional momentum (Keras `keras.optimizers.RMSprop`). */
import { lax, type Tensor, type Variable } from '@kx/core'
import { Optimizer, type OptimizerArgs } from './Optimizer.js'
import { cast, square } from '@kx/ops-numpy'
import { addS, like, mulS } from './math.js'

/** Options of `RMSprop`. */
export interface RMSpropArgs extends OptimizerArgs {
  /** Discount factor of the squared-gradient average (default 0.9). */
  readonly rho?: number
  /** Momentum (default 0: none). */
  readonly momentum?: number
  /** Added under the square root (default 1e-7). */
  readonly epsilon?: number
  /** Normalize by the estimated variance instead of the second moment (default false). */
  readonly centered?: boolean
}

/**
 * RMSprop: `v = ρv + (1-ρ)g²`, `w -= lr·g / sqrt(v + ε)` (centered: `sqrt(v - ḡ² + ε)`), with optional
 * momentum on the increment.
 *
 * @example
 * ```ts
 * const opt = new RMSprop({ learningRate: 0.01, centered: true, momentum: 0.9 })
 * ```
 */
export class RMSprop extends Optimizer {
  static override readonly className: string = 'RMSprop'
  readonly rho: number
  readonly momentum: number
  readonly epsilon: number
  readonly centered: boolean
  protected _velocities: (Variable | null)[] = []
  protected _momentums: (Variable | null)[] = []
  protected _averageGradients: (Variable | null)[] = []

  constructor(args: RMSpropArgs = {}) {
    super({ ...args, learningRate: args.learningRate ?? 0.001 })
    this.rho = args.rho ?? 0.9
    this.momentum = args.momentum ?? 0.0
    this.epsilon = args.epsilon ?? 1e-7
    this.centered = args.centered ?? false
  }

  protected override buildSlots(variables: readonly Variable[]): void {
    this._velocities = this.addOptimizerVariables(variables, ['velocity'])[0]!
    if (this.momentum > 0) this._momentums = this.addOptimizerVariables(variables, ['momentum'])[0]!
    if (this.centered) this._averageGradients = this.addOptimizerVariables(variables, ['average_gradient'])[0]!
  }

  protected override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const dtype = variable.dtype
    const i = this.indexOf(variable)
    const g = cast(gradient, dtype)
    const velocity = this._velocities[i]!
    const rho = this.rho
    const vel = lax.add(mulS(this.read(velocity), rho), mulS(square(g), 1 - rho))
    this.assign(velocity, vel)
    let denominator: Tensor
    if (this.centered) {
      const avgVar = this._averageGradients[i]!
      const avg = lax.add(mulS(this.read(avgVar), rho), mulS(g, 1 - rho))
      this.assign(avgVar, avg)
      denominator = addS(lax.sub(vel, square(avg)), this.epsilon)
    } else {
      denominator = addS(vel, this.epsilon)
    }
    const increment = lax.div(lax.mul(like(g, cast(learningRate, dtype)), g), lax.sqrt(denominator))
    if (this.momentum > 0) {
      const mom = this._momentums[i]!
      const m1 = lax.add(mulS(this.read(mom), this.momentum), increment)
      this.assign(mom, m1)
      this.assignSub(variable, m1)
    } else {
      this.assignSub(variable, increment)
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered }
  }
}
