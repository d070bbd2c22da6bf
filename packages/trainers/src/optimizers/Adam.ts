/** @file Adam and AdamW (Keras `keras.optimizers.Adam` / `AdamW`), with the AMSGrad variant. */
import { InvalidArgumentError, bindFused, full, lax, type Tensor, type Variable } from '@kx/core'
import { Optimizer, type OptimizerArgs } from './Optimizer.js'
import { cast, square } from '@kx/ops-numpy'
import { addS, constant, like, mulS, rsubS } from './math.js'

/** Options of `Adam`. */
export interface AdamArgs extends OptimizerArgs {
  /** Decay rate of the first-moment estimate (default 0.9). */
  readonly beta1?: number
  /** Decay rate of the second-moment estimate (default 0.999). */
  readonly beta2?: number
  /** Added to `sqrt(v)` ("epsilon hat"; default 1e-7). */
  readonly epsilon?: number
  /** Use the running maximum of `v` (AMSGrad; default false). */
  readonly amsgrad?: boolean
}

/**
 * Adam: `m += (g - m)(1 - β1)`, `v += (g² - v)(1 - β2)`,
 * `w -= lr·sqrt(1 - β2^t)/(1 - β1^t) · m / (sqrt(v) + ε)`.
 *
 * @example
 * ```ts
 * const opt = new Adam({ learningRate: 1e-3, amsgrad: true })
 * opt.applyGradients([[grad, kernel]])
 * ```
 */
export class Adam extends Optimizer {
  static override readonly className: string = 'Adam'
  readonly beta1: number
  readonly beta2: number
  readonly epsilon: number
  readonly amsgrad: boolean
  protected _momentums: (Variable | null)[] = []
  protected _velocities: (Variable | null)[] = []
  protected _velocityHats: (Variable | null)[] = []

  constructor(args: AdamArgs = {}) {
    super({ ...args, learningRate: args.learningRate ?? 0.001 })
    this.beta1 = args.beta1 ?? 0.9
    this.beta2 = args.beta2 ?? 0.999
    this.epsilon = args.epsilon ?? 1e-7
    this.amsgrad = args.amsgrad ?? false
  }

  protected override buildSlots(variables: readonly Variable[]): void {
    ;[this._momentums, this._velocities] = this.addOptimizerVariables(variables, ['momentum', 'velocity']) as [(Variable | null)[], (Variable | null)[]]
    if (this.amsgrad) this._velocityHats = this.addOptimizerVariables(variables, ['velocity_hat'])[0]!
  }

  protected override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const dtype = variable.dtype
    const i = this.indexOf(variable)
    const m = this._momentums[i]!
    const v = this._velocities[i]!
    // alpha = lr · sqrt(1 - β2^t) / (1 - β1^t), one scalar per step and dtype
    const alpha = this.perStep(`adam_alpha|${dtype}`, () => {
      const step = dtype === 'float32' ? this.hostLocalStep() : null
      if (step !== null) {
        // Eager float32 steps with a known count: the step-only factors on the host, each rounded to float32
        // after each operation as the reference backend's kernels do (the traced path's bits), then the
        // device path's multiply and divide: two scalar kernels per step instead of a dozen.
        const f = Math.fround
        const t = f(step)
        const sqrtTerm = f(Math.sqrt(f(1 - f(Math.pow(f(this.beta2), t)))))
        const denominator = f(1 - f(Math.pow(f(this.beta1), t)))
        const be = learningRate.backend
        return lax.div(lax.mul(cast(learningRate, dtype), full([], sqrtTerm, dtype, be)), full([], denominator, dtype, be))
      }
      const t = this.localStep(dtype)
      const b1p = lax.pow(constant(this.beta1, dtype, t), t)
      const b2p = lax.pow(constant(this.beta2, dtype, t), t)
      return lax.div(lax.mul(cast(learningRate, dtype), lax.sqrt(rsubS(1, b2p))), rsubS(1, b1p))
    })
    const g = cast(gradient, dtype)
    const m0 = this.read(m)
    const v0 = this.read(v)
    const moments = (): [Tensor, Tensor] =>
      [lax.add(m0, mulS(lax.sub(g, m0), 1 - this.beta1)), lax.add(v0, mulS(lax.sub(square(g), v0), 1 - this.beta2))]
    const step = (w: Tensor, m1: Tensor, v1: Tensor): Tensor => lax.sub(w, lax.div(lax.mul(m1, like(m1, alpha)), addS(lax.sqrt(v1), this.epsilon)))
    if (!this.amsgrad) {
      // One fused kernel per variable where the backend has `adam_update` (eager steps on webgpu);
      // elsewhere, and when traced, the same arithmetic as primitives.
      const w0 = this.read(variable)
      const spec = { shape: w0.shape, dtype }
      const [w1, m1, v1] = bindFused('adam_update', [w0, g, m0, v0, alpha], { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon },
        [spec, spec, spec], () => { const [m1, v1] = moments(); return [step(w0, m1, v1), m1, v1] }) as [Tensor, Tensor, Tensor]
      this.assign(m, m1)
      this.assign(v, v1)
      this.assign(variable, w1)
      return
    }
    const [m1, v1] = moments()
    this.assign(m, m1)
    this.assign(v, v1)
    const vHat = this._velocityHats[i]!
    const vMax = lax.max(this.read(vHat), v1)
    this.assign(vHat, vMax)
    this.assign(variable, step(this.read(variable), m1, vMax))
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad }
  }
}

/** Options of `AdamW` (`weightDecay` defaults to 0.004 and may not be null). */
export type AdamWArgs = AdamArgs

/**
 * Adam with decoupled weight decay (`w -= w · weightDecay · lr` before each Adam step).
 *
 * @example
 * ```ts
 * const opt = new AdamW({ learningRate: 1e-3, weightDecay: 0.01 })
 * opt.excludeFromWeightDecay({ varNames: ['bias'] })
 * ```
 */
export class AdamW extends Adam {
  static override readonly className: string = 'AdamW'
  constructor(args: AdamWArgs = {}) {
    super({ ...args, weightDecay: args.weightDecay === undefined ? 0.004 : args.weightDecay })
    if (this.weightDecay === null) throw new InvalidArgumentError('Argument `weight_decay` must be a float. Received: weight_decay=None')
  }
}
