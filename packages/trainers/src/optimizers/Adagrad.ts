/** @file Adagrad (Keras `keras.optimizers.Adagrad`). */
import { lax, type Tensor, type Variable } from '@kx/core'
import { Optimizer, type OptimizerArgs } from './Optimizer.js'
import { cast, square } from '@kx/ops-numpy'
import { addS, like } from './math.js'

/** Options of `Adagrad`. */
export interface AdagradArgs extends OptimizerArgs {
  /** Starting value of the squared-gradient sums (default 0.1). */
  readonly initialAccumulatorValue?: number
  /** Added under the square root (default 1e-7). */
  readonly epsilon?: number
}

/**
 * Adagrad: `acc += g²`, `w -= lr·g / sqrt(acc + ε)`.
 *
 * @example
 * ```ts
 * const opt = new Adagrad({ learningRate: 0.1, initialAccumulatorValue: 0.1 })
 * ```
 */
export class Adagrad extends Optimizer {
  static override readonly className: string = 'Adagrad'
  readonly initialAccumulatorValue: number
  readonly epsilon: number
  protected _accumulators: (Variable | null)[] = []

  constructor(args: AdagradArgs = {}) {
    super({ ...args, learningRate: args.learningRate ?? 0.001 })
    this.initialAccumulatorValue = args.initialAccumulatorValue ?? 0.1
    this.epsilon = args.epsilon ?? 1e-7
  }

  protected override buildSlots(variables: readonly Variable[]): void {
    this._accumulators = this.addOptimizerVariables(variables, ['accumulator'], [this.initialAccumulatorValue])[0]!
  }

  protected override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const dtype = variable.dtype
    const g = cast(gradient, dtype)
    const acc = this._accumulators[this.indexOf(variable)]!
    const a = lax.add(this.read(acc), square(g))
    this.assign(acc, a)
    this.assignSub(variable, lax.div(lax.mul(like(g, cast(learningRate, dtype)), g), lax.sqrt(addS(a, this.epsilon))))
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), initial_accumulator_value: this.initialAccumulatorValue, epsilon: this.epsilon }
  }
}
