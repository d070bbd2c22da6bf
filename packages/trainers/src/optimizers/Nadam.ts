/** @file Nadam: Adam with Nesterov momentum and the momentum schedule `μ_t` (Keras `keras.optimizers.Nadam`). */
import { floatx, lax, type Tensor, type Variable } from '@kx/core'
import { uniqueName } from '@kx/layers'
import { Optimizer, type OptimizerArgs } from './Optimizer.js'
import { cast, square } from '@kx/ops-numpy'
import { addS, constant, like, mulS, rsubS } from './math.js'

/** Options of `Nadam`. */
export interface NadamArgs extends OptimizerArgs {
  /** Decay rate of the first moment (default 0.9). */
  readonly beta1?: number
  /** Decay rate of the second moment (default 0.999). */
  readonly beta2?: number
  /** Added to `sqrt(v̂)` (default 1e-7). */
  readonly epsilon?: number
}

/**
 * Nadam: Adam whose first moment uses Nesterov's look-ahead with the schedule
 * `μ_t = β1(1 - 0.5·0.96^t)` and its running product.
 *
 * @example
 * ```ts
 * const opt = new Nadam({ learningRate: 0.002 })
 * ```
 */
export class Nadam extends Optimizer {
  static override readonly className: string = 'Nadam'
  readonly beta1: number
  readonly beta2: number
  readonly epsilon: number
  protected _momentums: (Variable | null)[] = []
  protected _velocities: (Variable | null)[] = []
  protected _uProduct: Variable | undefined

  constructor(args: NadamArgs = {}) {
    super({ ...args, learningRate: args.learningRate ?? 0.001 })
    this.beta1 = args.beta1 ?? 0.9
    this.beta2 = args.beta2 ?? 0.999
    this.epsilon = args.epsilon ?? 1e-7
  }

  protected override buildSlots(variables: readonly Variable[]): void {
    const dtype = variables[0]?.dtype ?? floatx()
    ;[this._momentums, this._velocities] = this.addOptimizerVariables(variables, ['momentum', 'velocity']) as [(Variable | null)[], (Variable | null)[]]
    // Keras creates an unnamed `backend.Variable(1.0)`, auto-named `variable`, `variable_1`, ...
    this._uProduct = this.addVariable([], { name: uniqueName('variable'), dtype, initializer: 1 })
  }

  /** μ_t = β1 (1 - 0.5 · 0.96^t) for the step `iterations + offset`. */
  private mu(dtype: Tensor['dtype'], offset: number): Tensor {
    return this.perStep(`nadam_mu${offset}|${dtype}`, () => {
      const t = this.localStep(dtype, offset)
      return lax.mul(constant(this.beta1, dtype, t), rsubS(1, mulS(lax.pow(constant(0.96, dtype, t), t), 0.5)))
    })
  }

  protected override backendUpdateStep(grads: Tensor[], vars: Variable[], learningRate: Tensor): void {
    const u = this._uProduct!
    const dtype = u.dtype
    const t = this.localStep(dtype)
    const factor = rsubS(1, mulS(lax.pow(constant(0.96, dtype, t), t), 0.5))
    this.assign(u, lax.mul(mulS(this.read(u), this.beta1), factor))
    super.backendUpdateStep(grads, vars, learningRate)
  }

  protected override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const dtype = variable.dtype
    const i = this.indexOf(variable)
    const g = cast(gradient, dtype)
    const m = this._momentums[i]!
    const v = this._velocities[i]!
    const uT = this.mu(dtype, 1)
    const uT1 = this.mu(dtype, 2)
    const uProductT = cast(this.read(this._uProduct!), dtype)
    const uProductT1 = lax.mul(uProductT, uT1)
    const t = this.localStep(dtype)
    const beta1 = constant(this.beta1, dtype, t)
    const beta2 = constant(this.beta2, dtype, t)
    const beta2Power = lax.pow(beta2, t)
    const m0 = this.read(m)
    const m1 = lax.add(m0, lax.mul(lax.sub(g, m0), like(g, rsubS(1, beta1))))
    this.assign(m, m1)
    const v0 = this.read(v)
    const v1 = lax.add(v0, lax.mul(lax.sub(square(g), v0), like(g, rsubS(1, beta2))))
    this.assign(v, v1)
    const mHat = lax.add(
      lax.div(lax.mul(like(m1, uT1), m1), like(m1, rsubS(1, uProductT1))),
      lax.div(lax.mul(like(g, rsubS(1, uT)), g), like(g, rsubS(1, uProductT))),
    )
    const vHat = lax.div(v1, like(v1, rsubS(1, beta2Power)))
    this.assignSub(variable, lax.div(lax.mul(mHat, like(mHat, cast(learningRate, dtype))), addS(lax.sqrt(vHat), this.epsilon)))
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon }
  }
}

