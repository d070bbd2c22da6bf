/** @file LAMB: Adam with a per-layer trust ratio (Keras `keras.optimizers.Lamb`). */
import { lax, type Tensor, type Variable } from '@kx/core'
import { Optimizer, type OptimizerArgs } from './Optimizer.js'
import { cast, square, sum } from '@kx/ops-numpy'
import { addS, constant, like, mulS, rsubS } from './math.js'

/** Options of `Lamb`. */
export interface LambArgs extends OptimizerArgs {
  /** Decay rate of the first moment (default 0.9). */
  readonly beta1?: number
  /** Decay rate of the second moment (default 0.999). */
  readonly beta2?: number
  /** Added to `sqrt(v̂)` (default 1e-7). */
  readonly epsilon?: number
}

/**
 * LAMB (You et al., 2019): the bias-corrected Adam direction `u`, scaled by the trust ratio
 * `‖w‖ / ‖u‖` (1 when either norm is 0): `w -= ratio·lr·u`.
 *
 * @example
 * ```ts
 * const opt = new Lamb({ learningRate: 1e-3 })
 * ```
 */
export class Lamb extends Optimizer {
  static override readonly className: string = 'Lamb'
  readonly beta1: number
  readonly beta2: number
  readonly epsilon: number
  protected _momentums: (Variable | null)[] = []
  protected _velocities: (Variable | null)[] = []

  constructor(args: LambArgs = {}) {
    super({ ...args, learningRate: args.learningRate ?? 0.001 })
    this.beta1 = args.beta1 ?? 0.9
    this.beta2 = args.beta2 ?? 0.999
    this.epsilon = args.epsilon ?? 1e-7
  }

  protected override buildSlots(variables: readonly Variable[]): void {
    ;[this._momentums, this._velocities] = this.addOptimizerVariables(variables, ['momentum', 'velocity']) as [(Variable | null)[], (Variable | null)[]]
  }

  protected override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const dtype = variable.dtype
    const i = this.indexOf(variable)
    const g = cast(gradient, dtype)
    const m = this._momentums[i]!
    const v = this._velocities[i]!
    const t = this.localStep(dtype)
    const oneMinusB1p = this.perStep(`lamb_b1p|${dtype}`, () => rsubS(1, lax.pow(constant(this.beta1, dtype, t), t)))
    const oneMinusB2p = this.perStep(`lamb_b2p|${dtype}`, () => rsubS(1, lax.pow(constant(this.beta2, dtype, t), t)))
    const m0 = this.read(m)
    const m1 = lax.add(m0, mulS(lax.sub(g, m0), 1 - this.beta1))
    this.assign(m, m1)
    const v0 = this.read(v)
    const v1 = lax.add(v0, mulS(lax.sub(square(g), v0), 1 - this.beta2))
    this.assign(v, v1)
    const mHat = lax.div(m1, like(m1, oneMinusB1p))
    const vSqrt = addS(lax.sqrt(lax.div(v1, like(v1, oneMinusB2p))), this.epsilon)
    const update = lax.div(mHat, vSqrt)
    const wNorm = lax.sqrt(sum(square(this.read(variable))))
    const gNorm = lax.sqrt(sum(square(update)))
    const one = like(wNorm, 1)
    const zero = like(wNorm, 0)
    const ratio = lax.select(lax.gt(wNorm, zero), lax.select(lax.gt(gNorm, zero), lax.div(wNorm, gNorm), one), one)
    this.assignSub(variable, lax.mul(like(update, lax.mul(ratio, cast(learningRate, dtype))), update))
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon }
  }
}
