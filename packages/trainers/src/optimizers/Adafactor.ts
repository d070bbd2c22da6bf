/** @file Adafactor: factored second moments for ≥2-D variables (Keras `keras.optimizers.Adafactor`). */
import { lax, type Tensor, type Variable } from '@kx/core'
import { LearningRateSchedule } from '../schedules/LearningRateSchedule.js'
import { Optimizer, type OptimizerArgs } from './Optimizer.js'
import { cast, square } from '@kx/ops-numpy'
import { addS, constant, divS, like, maxS, meanAll, meanAxis, powS, rdivS, rsubS } from './math.js'

/** Options of `Adafactor`. */
export interface AdafactorArgs extends OptimizerArgs {
  /** Exponent of the second-moment decay `1 - t^beta2Decay` (default -0.8). */
  readonly beta2Decay?: number
  /** Added to the squared gradients (default 1e-30). */
  readonly epsilon1?: number
  /** Lower bound of the parameter scale (default 1e-3). */
  readonly epsilon2?: number
  /** Update clipping threshold on the RMS of the update (default 1.0). */
  readonly clipThreshold?: number
  /** Caps the learning rate at `1/sqrt(t)` (default true). */
  readonly relativeStep?: boolean
}

/**
 * Adafactor (Shazeer & Stern, 2018): the second moment of a ≥2-D variable is kept as row and column
 * averages of its last two axes, and updates are clipped by their RMS.
 *
 * @example
 * ```ts
 * const opt = new Adafactor({ learningRate: 1e-3 })
 * ```
 */
export class Adafactor extends Optimizer {
  static override readonly className: string = 'Adafactor'
  readonly beta2Decay: number
  readonly epsilon1: number
  readonly epsilon2: number
  readonly clipThreshold: number
  readonly relativeStep: boolean
  protected _r: (Variable | null)[] = []
  protected _c: (Variable | null)[] = []
  protected _v: (Variable | null)[] = []

  constructor(args: AdafactorArgs = {}) {
    super({ ...args, learningRate: args.learningRate ?? 0.001 })
    this.beta2Decay = args.beta2Decay ?? -0.8
    this.epsilon1 = args.epsilon1 ?? 1e-30
    this.epsilon2 = args.epsilon2 ?? 1e-3
    this.clipThreshold = args.clipThreshold ?? 1.0
    this.relativeStep = args.relativeStep ?? true
  }

  protected override buildSlots(variables: readonly Variable[]): void {
    const overwrite = (v: Variable): boolean => (v as { overwriteWithGradient?: boolean }).overwriteWithGradient === true
    for (const v of variables) {
      if (v.shape.length < 2) {
        // NOTE: Keras keeps int32 scalar placeholders (named after the variable) so slot lists line up.
        this._r.push(this.addVariable([], { name: v.name, dtype: 'int32', initializer: 0 }))
        this._c.push(this.addVariable([], { name: v.name, dtype: 'int32', initializer: 0 }))
      } else if (overwrite(v)) {
        this._r.push(null)
        this._c.push(null)
      } else {
        const s = v.shape
        this._r.push(this.addVariable(s.slice(0, -1), { name: v.name, dtype: v.dtype }))
        this._c.push(this.addVariable([...s.slice(0, -2), s[s.length - 1]!], { name: v.name, dtype: v.dtype }))
      }
      this._v.push(overwrite(v) ? null : this.addVariableFromReference(v, 'velocity'))
    }
  }

  private rms(x: Tensor): Tensor { return lax.sqrt(meanAll(square(x))) }

  protected override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const dtype = variable.dtype
    const i = this.indexOf(variable)
    const g = cast(gradient, dtype)
    const t = this.localStep(dtype)
    const invSqrtT = this.perStep(`adafactor_isqrt|${dtype}`, () => rdivS(1, lax.sqrt(t)))
    let lr = cast(learningRate, dtype)
    const lrIsCallable = this.learningRateSource instanceof LearningRateSchedule || typeof this.learningRateSource === 'function'
    if (!lrIsCallable && this.relativeStep) lr = lax.min(lr, invSqrtT)
    const w = this.read(variable)
    const rhoT = lax.min(lr, invSqrtT)
    const alphaT = lax.mul(maxS(this.rms(w), constant(this.epsilon2, dtype, t)), rhoT)
    const regGradSquare = addS(square(g), this.epsilon1)
    const beta2T = this.perStep(`adafactor_b2|${dtype}`, () => rsubS(1, powS(t, this.beta2Decay)))
    const oneMinusB2 = rsubS(1, beta2T)
    const v = this._v[i]!
    const n = variable.shape.length
    let vNew: Tensor
    if (n >= 2) {
      const r = this._r[i]!
      const c = this._c[i]!
      const rNew = lax.add(lax.mul(like(this.read(r), beta2T), this.read(r)), lax.mul(like(this.read(r), oneMinusB2), meanAxis(regGradSquare, -1)))
      const cNew = lax.add(lax.mul(like(this.read(c), beta2T), this.read(c)), lax.mul(like(this.read(c), oneMinusB2), meanAxis(regGradSquare, -2)))
      this.assign(r, rNew)
      this.assign(c, cNew)
      const rNorm = lax.div(rNew, lax.broadcastTo(meanAxis(rNew, -1, true), rNew.shape as number[]))
      const dims = variable.shape as number[]
      const rB = lax.broadcastInDim(rNorm, dims, Array.from({ length: n - 1 }, (_, k) => k))
      const cB = lax.broadcastInDim(cNew, dims, [...Array.from({ length: n - 2 }, (_, k) => k), n - 1])
      vNew = lax.mul(rB, cB)
    } else {
      const v0 = this.read(v)
      vNew = lax.add(lax.mul(like(v0, beta2T), v0), lax.mul(like(v0, oneMinusB2), regGradSquare))
    }
    this.assign(v, vNew)
    const u = lax.div(g, lax.sqrt(vNew))
    const uHat = lax.div(u, like(u, maxS(divS(this.rms(u), this.clipThreshold), 1)))
    this.assignSub(variable, lax.mul(like(uHat, alphaT), uHat))
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      beta_2_decay: this.beta2Decay,
      epsilon_1: this.epsilon1,
      epsilon_2: this.epsilon2,
      clip_threshold: this.clipThreshold,
      relative_step: this.relativeStep,
    }
  }
}
