/** @file FTRL-Proximal (Keras `keras.optimizers.Ftrl`), with L1/L2, shrinkage and `beta`. */
import { InvalidArgumentError, fmt, lax, type Tensor, type Variable } from '@kx/core'
import { Optimizer, type OptimizerArgs } from './Optimizer.js'
import { cast, square } from '@kx/ops-numpy'
import { addS, clip, like, mulS, powS, rdivS } from './math.js'

/** Options of `Ftrl`. */
export interface FtrlArgs extends OptimizerArgs {
  /** How the learning rate decays with the accumulator, ≤ 0 (default -0.5). */
  readonly learningRatePower?: number
  /** Starting value of the accumulators, ≥ 0 (default 0.1). */
  readonly initialAccumulatorValue?: number
  readonly l1RegularizationStrength?: number
  readonly l2RegularizationStrength?: number
  /** L2 penalty on the weights added to the gradient (shrinkage), ≥ 0. */
  readonly l2ShrinkageRegularizationStrength?: number
  /** The β of the FTRL paper (default 0). */
  readonly beta?: number
}

/**
 * FTRL-Proximal ("Follow The Regularized Leader"), as in McMahan et al., 2013.
 *
 * @example
 * ```ts
 * const opt = new Ftrl({ learningRate: 0.1, l1RegularizationStrength: 0.01 })
 * ```
 */
export class Ftrl extends Optimizer {
  static override readonly className: string = 'Ftrl'
  readonly learningRatePower: number
  readonly initialAccumulatorValue: number
  readonly l1RegularizationStrength: number
  readonly l2RegularizationStrength: number
  readonly l2ShrinkageRegularizationStrength: number
  readonly beta: number
  protected _accumulators: (Variable | null)[] = []
  protected _linears: (Variable | null)[] = []

  constructor(args: FtrlArgs = {}) {
    super({ ...args, learningRate: args.learningRate ?? 0.001 })
    this.learningRatePower = args.learningRatePower ?? -0.5
    this.initialAccumulatorValue = args.initialAccumulatorValue ?? 0.1
    this.l1RegularizationStrength = args.l1RegularizationStrength ?? 0.0
    this.l2RegularizationStrength = args.l2RegularizationStrength ?? 0.0
    this.l2ShrinkageRegularizationStrength = args.l2ShrinkageRegularizationStrength ?? 0.0
    this.beta = args.beta ?? 0.0
    const check = (ok: boolean, msg: string, key: string, v: number): void => {
      if (!ok) throw new InvalidArgumentError(`\`${key}\` ${msg}. Received: ${key}=${fmt(v)}.`)
    }
    check(this.initialAccumulatorValue >= 0, 'needs to be positive or zero', 'initial_accumulator_value', this.initialAccumulatorValue)
    check(this.learningRatePower <= 0, 'needs to be negative or zero', 'learning_rate_power', this.learningRatePower)
    check(this.l1RegularizationStrength >= 0, 'needs to be positive or zero', 'l1_regularization_strength', this.l1RegularizationStrength)
    check(this.l2RegularizationStrength >= 0, 'needs to be positive or zero', 'l2_regularization_strength', this.l2RegularizationStrength)
    check(this.l2ShrinkageRegularizationStrength >= 0, 'needs to be positive or zero', 'l2_shrinkage_regularization_strength', this.l2ShrinkageRegularizationStrength)
  }

  protected override buildSlots(variables: readonly Variable[]): void {
    ;[this._accumulators, this._linears] = this.addOptimizerVariables(variables, ['accumulator', 'linear'], [this.initialAccumulatorValue, 0]) as [(Variable | null)[], (Variable | null)[]]
  }

  protected override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const dtype = variable.dtype
    const i = this.indexOf(variable)
    const g = cast(gradient, dtype)
    const lr = cast(learningRate, dtype)
    const accum = this._accumulators[i]!
    const linear = this._linears[i]!
    const lrPower = this.learningRatePower
    // l2 = l2_regularization_strength + beta / (2 lr)
    const l2Reg = addS(rdivS(this.beta, mulS(lr, 2)), this.l2RegularizationStrength)
    const w = this.read(variable)
    const gradToUse = lax.add(g, mulS(w, 2 * this.l2ShrinkageRegularizationStrength))
    const acc0 = this.read(accum)
    const newAccum = lax.add(acc0, square(g))
    const lrB = like(w, lr)
    const sigma = lax.div(lax.sub(powS(newAccum, -lrPower), powS(acc0, -lrPower)), lrB)
    const lin = lax.add(this.read(linear), lax.sub(gradToUse, lax.mul(sigma, w)))
    this.assign(linear, lin)
    const quadratic = lax.add(lax.div(powS(newAccum, -lrPower), lrB), like(w, mulS(l2Reg, 2)))
    const l1 = this.l1RegularizationStrength
    this.assign(variable, lax.div(lax.sub(clip(lin, -l1, l1), lin), quadratic))
    this.assign(accum, newAccum)
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      learning_rate_power: this.learningRatePower,
      initial_accumulator_value: this.initialAccumulatorValue,
      l1_regularization_strength: this.l1RegularizationStrength,
      l2_regularization_strength: this.l2RegularizationStrength,
      l2_shrinkage_regularization_strength: this.l2ShrinkageRegularizationStrength,
      beta: this.beta,
    }
  }
}
