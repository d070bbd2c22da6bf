/** @file Adamax: Adam with the infinity norm (Keras `keras.optimizers.Adamax`). */
import { lax, type Tensor, type Variable } from '@kx/core'
import { Optimizer, type OptimizerArgs } from './Optimizer.js'
import { cast } from '@kx/ops-numpy'
import { addS, constant, like, mulS, rsubS } from './math.js'

/** Options of `Adamax`. */
export interface AdamaxArgs extends OptimizerArgs {
  /** Decay rate of the first moment (default 0.9). */
  readonly beta1?: number
  /** Decay rate of the infinity norm (default 0.999). */
  readonly beta2?: number
  /** Added to the norm (default 1e-7). */
  readonly epsilon?: number
}

/**
 * Adamax: `m += (g - m)(1 - β1)`, `u = max(β2·u, |g|)`, `w -= lr·m / ((1 - β1^t)(u + ε))`.
 *
 * @example
 * ```ts
 * const opt = new Adamax({ learningRate: 0.002 })
 * ```
 */
export class Adamax extends Optimizer {
  static override readonly className: string = 'Adamax'
  readonly beta1: number
  readonly beta2: number
  readonly epsilon: number
  protected _m: (Variable | null)[] = []
  protected _u: (Variable | null)[] = []

  constructor(args: AdamaxArgs = {}) {
    super({ ...args, learningRate: args.learningRate ?? 0.001 })
    this.beta1 = args.beta1 ?? 0.9
    this.beta2 = args.beta2 ?? 0.999
    this.epsilon = args.epsilon ?? 1e-7
  }

  protected override buildSlots(variables: readonly Variable[]): void {
    ;[this._m, this._u] = this.addOptimizerVariables(variables, ['momentum', 'norm']) as [(Variable | null)[], (Variable | null)[]]
  }

  protected override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const dtype = variable.dtype
    const i = this.indexOf(variable)
    const g = cast(gradient, dtype)
    const m = this._m[i]!
    const u = this._u[i]!
    const oneMinusB1p = this.perStep(`adamax_b1p|${dtype}`, () => {
      const t = this.localStep(dtype)
      return rsubS(1, lax.pow(constant(this.beta1, dtype, t), t))
    })
    const m0 = this.read(m)
    const m1 = lax.add(m0, mulS(lax.sub(g, m0), 1 - this.beta1))
    this.assign(m, m1)
    const u1 = lax.max(mulS(this.read(u), this.beta2), lax.abs(g))
    this.assign(u, u1)
    const lr = cast(learningRate, dtype)
    this.assignSub(variable, lax.div(lax.mul(like(m1, lr), m1), lax.mul(like(u1, oneMinusB1p), addS(u1, this.epsilon))))
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon }
  }
}
