/** @file Adadelta (Keras `keras.optimizers.Adadelta`). */
import { lax, type Tensor, type Variable } from '@kx/core'
import { Optimizer, type OptimizerArgs } from './Optimizer.js'
import { cast, square } from '@kx/ops-numpy'
import { addS, like, mulS } from './math.js'

/** Options of `Adadelta`. */
export interface AdadeltaArgs extends OptimizerArgs {
  /** Decay rate of both running averages (default 0.95). */
  readonly rho?: number
  /** Added inside the square roots (default 1e-7). */
  readonly epsilon?: number
}

/**
 * Adadelta: `E[g²] = ρE[g²] + (1-ρ)g²`, `Δ = -sqrt(E[Δ²] + ε)/sqrt(E[g²] + ε)·g`,
 * `E[Δ²] = ρE[Δ²] + (1-ρ)Δ²`, `w += lr·Δ`.
 *
 * @example
 * ```ts
 * const opt = new Adadelta({ learningRate: 1.0, rho: 0.95 })
 * ```
 */
export class Adadelta extends Optimizer {
  static override readonly className: string = 'Adadelta'
  readonly rho: number
  readonly epsilon: number
  protected _accumulatedGrads: (Variable | null)[] = []
  protected _accumulatedDeltaVars: (Variable | null)[] = []

  constructor(args: AdadeltaArgs = {}) {
    super({ ...args, learningRate: args.learningRate ?? 0.001 })
    this.rho = args.rho ?? 0.95
    this.epsilon = args.epsilon ?? 1e-7
  }

  protected override buildSlots(variables: readonly Variable[]): void {
    ;[this._accumulatedGrads, this._accumulatedDeltaVars] = this.addOptimizerVariables(variables, ['accumulated_grad', 'accumulated_delta_var']) as [(Variable | null)[], (Variable | null)[]]
  }

  protected override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const dtype = variable.dtype
    const i = this.indexOf(variable)
    const g = cast(gradient, dtype)
    const accGrad = this._accumulatedGrads[i]!
    const accDelta = this._accumulatedDeltaVars[i]!
    const rho = this.rho
    const rms = (x: Tensor): Tensor => lax.sqrt(addS(x, this.epsilon))
    const ag = lax.add(mulS(this.read(accGrad), rho), mulS(square(g), 1 - rho))
    this.assign(accGrad, ag)
    const ad0 = this.read(accDelta)
    const delta = lax.neg(lax.div(lax.mul(rms(ad0), g), rms(ag)))
    this.assign(accDelta, lax.add(mulS(ad0, rho), mulS(square(delta), 1 - rho)))
    this.assignAdd(variable, lax.mul(like(delta, cast(learningRate, dtype)), delta))
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon }
  }
}
