/** @file Lion: sign momentum (Keras `keras.optimizers.Lion`). */
import { InvalidArgumentError, fmt, lax, type Tensor, type Variable } from '@kx/core'
import { Optimizer, type OptimizerArgs } from './Optimizer.js'
import { cast } from '@kx/ops-numpy'
import { constant, like, rsubS } from './math.js'

/** Options of `Lion`. */
export interface LionArgs extends OptimizerArgs {
  /** Interpolation of momentum and gradient in the update, in (0, 1] (default 0.9). */
  readonly beta1?: number
  /** Decay rate of the momentum (default 0.99). */
  readonly beta2?: number
}

/**
 * Lion (Chen et al., 2023): `w -= lr·sign(β1·m + (1-β1)·g)`, then `m = β2·m + (1-β2)·g`.
 *
 * @example
 * ```ts
 * const opt = new Lion({ learningRate: 1e-4, weightDecay: 0.1 })
 * ```
 */
export class Lion extends Optimizer {
  static override readonly className: string = 'Lion'
  readonly beta1: number
  readonly beta2: number
  protected _momentums: (Variable | null)[] = []

  constructor(args: LionArgs = {}) {
    super({ ...args, learningRate: args.learningRate ?? 0.001 })
    this.beta1 = args.beta1 ?? 0.9
    this.beta2 = args.beta2 ?? 0.99
    if (this.beta1 <= 0 || this.beta1 > 1) {
      throw new InvalidArgumentError(`Argument \`beta_1\` must be in the [0, 1] range. Otherwise, the optimizer degenerates to SignSGD. Received: beta_1=${fmt(this.beta1)}.`)
    }
  }

  protected override buildSlots(variables: readonly Variable[]): void {
    this._momentums = this.addOptimizerVariables(variables, ['momentum'])[0]!
  }

  protected override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const dtype = variable.dtype
    const g = cast(gradient, dtype)
    const m = this._momentums[this.indexOf(variable)]!
    const b1 = constant(this.beta1, dtype, g)
    const b2 = constant(this.beta2, dtype, g)
    const m0 = this.read(m)
    const direction = lax.sign(lax.add(lax.mul(m0, like(m0, b1)), lax.mul(g, like(g, rsubS(1, b1)))))
    this.assignSub(variable, lax.mul(like(direction, cast(learningRate, dtype)), direction))
    this.assign(m, lax.add(lax.mul(m0, like(m0, b2)), lax.mul(g, like(g, rsubS(1, b2)))))
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2 }
  }
}
