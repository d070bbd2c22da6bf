/** @file SGD: gradient descent with optional (Nesterov) momentum (Keras `keras.optimizers.SGD`). */
import { InvalidArgumentError, fmt, lax, type Tensor, type Variable } from '@kx/core'
import { Optimizer, type OptimizerArgs } from './Optimizer.js'
import { cast } from '@kx/ops-numpy'
import { like, mulS } from './math.js'

/** Options of `SGD`. */
export interface SGDArgs extends OptimizerArgs {
  /** Momentum in [0, 1]; 0 is plain gradient descent (default 0). */
  readonly momentum?: number
  /** Nesterov momentum (default false). */
  readonly nesterov?: boolean
}

/**
 * Gradient descent: `w -= lr * g`, or with momentum `v = momentum * v - lr * g; w += v`
 * (Nesterov: `w += momentum * v - lr * g`).
 *
 * @example
 * ```ts
 * const opt = new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true })
 * ```
 */
export class SGD extends Optimizer {
  static override readonly className: string = 'SGD'
  readonly momentum: number
  readonly nesterov: boolean
  protected _momentums: (Variable | null)[] = []

  constructor(args: SGDArgs = {}) {
    super({ ...args, learningRate: args.learningRate ?? 0.01 })
    const momentum = args.momentum ?? 0.0
    if (typeof momentum !== 'number' || momentum < 0 || momentum > 1) {
      throw new InvalidArgumentError(`\`momentum\` must be a float between [0, 1]. Received: momentum=${fmt(momentum)}`)
    }
    this.momentum = momentum
    this.nesterov = args.nesterov ?? false
  }

  protected override buildSlots(variables: readonly Variable[]): void {
    if (this.momentum !== 0) this._momentums = this.addOptimizerVariables(variables, ['momentum'])[0]!
  }

  protected override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const g = cast(gradient, variable.dtype)
    const gLr = lax.mul(g, like(g, cast(learningRate, variable.dtype)))
    const m = this.momentum !== 0 ? this._momentums[this.indexOf(variable)] : null
    if (!m) {
      this.assignSub(variable, gLr)
      return
    }
    this.assign(m, lax.sub(mulS(this.read(m), this.momentum), gLr))
    if (this.nesterov) this.assignAdd(variable, lax.sub(mulS(this.read(m), this.momentum), gLr))
    else this.assignAdd(variable, this.read(m))
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov }
  }
}
