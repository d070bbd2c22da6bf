/** @file Cosine learning-rate schedules: CosineDecay (with linear warmup) and CosineDecayRestarts (SGDR). */
import { InvalidArgumentError, Tensor, fmt, lax } from '@kx/core'
import { cast } from '@kx/ops-numpy'
import { addS, constant, divS, like, mulS, powS, rsubS } from '../optimizers/math.js'
import { LearningRateSchedule, scheduleDtype } from './LearningRateSchedule.js'

/** Options of `CosineDecay`. */
export interface CosineDecayArgs {
  readonly initialLearningRate: number
  readonly decaySteps: number
  readonly alpha?: number
  readonly name?: string
  /** Learning rate reached at the end of the warmup (no warmup when null). */
  readonly warmupTarget?: number | null
  readonly warmupSteps?: number
}

/** `decayFrom * ((1 - alpha) * 0.5 * (1 + cos(pi * step / decaySteps)) + alpha)`. */
function cosineDecayed(step: Tensor, decaySteps: Tensor, decayFrom: Tensor, alpha: number): Tensor {
  const fraction = lax.div(step, decaySteps)
  const cosine = mulS(addS(lax.cos(mulS(fraction, Math.PI)), 1), 0.5)
  const decayed = addS(mulS(cosine, 1 - alpha), alpha)
  return lax.mul(decayFrom, decayed)
}

/**
 * Cosine decay from `initialLearningRate` to `alpha * initialLearningRate` over `decaySteps`,
 * optionally after a linear warmup to `warmupTarget` over `warmupSteps` (Keras `CosineDecay`).
 *
 * @example
 * ```ts
 * new CosineDecay({ initialLearningRate: 0, decaySteps: 1000, warmupTarget: 0.1, warmupSteps: 100 })
 * ```
 */
export class CosineDecay extends LearningRateSchedule {
  static override readonly className: string = 'CosineDecay'
  readonly initialLearningRate: number
  readonly decaySteps: number
  readonly alpha: number
  readonly name: string
  readonly warmupTarget: number | null
  readonly warmupSteps: number
  constructor(args: CosineDecayArgs) {
    super()
    this.initialLearningRate = args.initialLearningRate
    this.decaySteps = args.decaySteps
    this.alpha = args.alpha ?? 0.0
    this.name = args.name ?? 'CosineDecay'
    this.warmupTarget = args.warmupTarget ?? null
    this.warmupSteps = args.warmupSteps ?? 0
    if (!(this.decaySteps > 0)) throw new InvalidArgumentError(`Argument \`decay_steps\` must be > 0. Received: decay_steps=${fmt(this.decaySteps)}`)
  }
  call(step: Tensor): Tensor {
    const dtype = scheduleDtype()
    const init = constant(this.initialLearningRate, dtype, step)
    const decaySteps = constant(this.decaySteps, dtype, step)
    let s = cast(step, dtype)
    if (this.warmupTarget === null) {
      s = lax.min(s, decaySteps)
      return cosineDecayed(s, decaySteps, init, this.alpha)
    }
    const target = constant(this.warmupTarget, dtype, step)
    const warmupSteps = constant(this.warmupSteps, dtype, step)
    s = lax.min(s, lax.add(decaySteps, warmupSteps))
    // NOTE: both branches are computed and one is selected (trace-friendly; Keras uses `cond`).
    const warm = lax.add(lax.mul(lax.sub(target, init), lax.div(s, warmupSteps)), init)
    const decay = cosineDecayed(lax.sub(s, warmupSteps), decaySteps, target, this.alpha)
    return lax.select(lax.lt(s, warmupSteps), warm, decay)
  }
  getConfig(): Record<string, unknown> {
    return { initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, alpha: this.alpha, name: this.name, warmup_target: this.warmupTarget, warmup_steps: this.warmupSteps }
  }
}

/** Options of `CosineDecayRestarts`. */
export interface CosineDecayRestartsArgs {
  readonly initialLearningRate: number
  readonly firstDecaySteps: number
  readonly tMul?: number
  readonly mMul?: number
  readonly alpha?: number
  readonly name?: string
}

/**
 * Cosine decay with warm restarts (SGDR): period `firstDecaySteps`, each period `tMul` times longer
 * and each restart `mMul` times lower (Keras `CosineDecayRestarts`).
 *
 * @example
 * ```ts
 * new CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 1000 })
 * ```
 */
export class CosineDecayRestarts extends LearningRateSchedule {
  static override readonly className: string = 'CosineDecayRestarts'
  readonly initialLearningRate: number
  readonly firstDecaySteps: number
  readonly tMul: number
  readonly mMul: number
  readonly alpha: number
  readonly name: string
  constructor(args: CosineDecayRestartsArgs) {
    super()
    this.initialLearningRate = args.initialLearningRate
    this.firstDecaySteps = args.firstDecaySteps
    this.tMul = args.tMul ?? 2.0
    this.mMul = args.mMul ?? 1.0
    this.alpha = args.alpha ?? 0.0
    this.name = args.name ?? 'SGDRDecay'
    if (!(this.firstDecaySteps > 0)) throw new InvalidArgumentError(`Argument \`first_decay_steps\` must be > 0. Received: first_decay_steps=${fmt(this.firstDecaySteps)}`)
  }
  call(step: Tensor): Tensor {
    const dtype = scheduleDtype()
    let fraction = divS(cast(step, dtype), this.firstDecaySteps)
    let iRestart: Tensor
    if (this.tMul === 1) {
      iRestart = lax.unary('floor', fraction)
      fraction = lax.sub(fraction, iRestart)
    } else {
      const tMul = constant(this.tMul, dtype, step)
      iRestart = lax.unary('floor', lax.div(lax.log(rsubS(1, mulS(fraction, 1 - this.tMul))), lax.log(tMul)))
      const tPow = lax.pow(like(iRestart, tMul), iRestart)
      const sumR = divS(rsubS(1, tPow), 1 - this.tMul)
      fraction = lax.div(lax.sub(fraction, sumR), tPow)
    }
    const mFac = powS(like(iRestart, this.mMul), iRestart)
    const cosine = lax.mul(mulS(mFac, 0.5), addS(lax.cos(mulS(fraction, Math.PI)), 1))
    const decayed = addS(mulS(cosine, 1 - this.alpha), this.alpha)
    return lax.mul(constant(this.initialLearningRate, dtype, step), decayed)
  }
  getConfig(): Record<string, unknown> {
    return { initial_learning_rate: this.initialLearningRate, first_decay_steps: this.firstDecaySteps, t_mul: this.tMul, m_mul: this.mMul, alpha: this.alpha, name: this.name }
  }
}
