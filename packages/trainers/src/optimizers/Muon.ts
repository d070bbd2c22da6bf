/**
 * @file Muon: momentum orthogonalized by Newton-Schulz for 2-D weights, AdamW for the rest
 * (Keras `keras.optimizers.Muon`).
 */
import { lax, type Tensor, type Variable } from '@kx/core'
import { Optimizer, type OptimizerArgs } from './Optimizer.js'
import { cast, square, sum } from '@kx/ops-numpy'
import { addS, constant, like, mulS, rsubS } from './math.js'

/** Options of `Muon`. */
export interface MuonArgs extends OptimizerArgs {
  readonly adamBeta1?: number
  readonly adamBeta2?: number
  /** Weight decay of the variables Adam updates (default 0.004). */
  readonly adamWeightDecay?: number | null
  readonly epsilon?: number
  /** Regular expressions: variables whose path matches one are updated with Adam. */
  readonly excludeLayers?: readonly string[] | null
  /** Variables whose path contains "embedding" are updated with Adam (default true). */
  readonly excludeEmbeddings?: boolean
  readonly muonA?: number
  readonly muonB?: number
  readonly muonC?: number
  /** Learning-rate multiplier of the Adam-updated variables (default 1). */
  readonly adamLrRatio?: number
  readonly momentum?: number
  /** Newton-Schulz iterations (default 5). */
  readonly nsSteps?: number
  readonly nesterov?: boolean
  /** Update scale `sqrt(max(n, m)) · rmsRate` (Moonlight); null disables it (default 0.2). */
  readonly rmsRate?: number | null
}

/**
 * Muon: for 2-D variables, `m += g + (μ - 1)m`, the (Nesterov) momentum is orthogonalized with a
 * quintic Newton-Schulz iteration and applied with the Moonlight scale; other variables use AdamW.
 *
 * @example
 * ```ts
 * const opt = new Muon({ learningRate: 0.02, excludeLayers: ['head'] })
 * ```
 */
export class Muon extends Optimizer {
  static override readonly className: string = 'Muon'
  readonly adamBeta1: number
  readonly adamBeta2: number
  readonly epsilon: number
  readonly muonA: number
  readonly muonB: number
  readonly muonC: number
  readonly adamLrRatio: number
  readonly momentum: number
  readonly nsSteps: number
  readonly nesterov: boolean
  readonly excludeEmbeddings: boolean
  readonly excludeLayers: readonly string[]
  readonly adamWeightDecay: number | null
  readonly rmsRate: number | null
  protected _momentums: (Variable | null)[] = []
  protected _adamVelocities: (Variable | null)[] = []

  constructor(args: MuonArgs = {}) {
    super({ ...args, learningRate: args.learningRate ?? 0.001, weightDecay: args.weightDecay === undefined ? 0.004 : args.weightDecay })
    this.adamBeta1 = args.adamBeta1 ?? 0.9
    this.adamBeta2 = args.adamBeta2 ?? 0.999
    this.epsilon = args.epsilon ?? 1e-7
    this.muonA = args.muonA ?? 3.4445
    this.muonB = args.muonB ?? -4.775
    this.muonC = args.muonC ?? 2.0315
    this.adamLrRatio = args.adamLrRatio ?? 1
    this.momentum = args.momentum ?? 0.95
    this.nsSteps = args.nsSteps ?? 5
    this.nesterov = args.nesterov ?? true
    this.excludeEmbeddings = args.excludeEmbeddings ?? true
    this.excludeLayers = (args.excludeLayers ?? []).slice()
    this.adamWeightDecay = args.adamWeightDecay === undefined ? 0.004 : args.adamWeightDecay
    this.rmsRate = args.rmsRate === undefined ? 0.2 : args.rmsRate
  }

  /** Whether `variable` is updated with AdamW (not 2-D, an embedding, or an excluded layer). */
  shouldUseAdamw(variable: Variable): boolean {
    if (variable.shape.length !== 2) return true
    if (this.excludeEmbeddings && variable.path.toLowerCase().includes('embedding')) return true
    return this.excludeLayers.some((k) => new RegExp(k).test(variable.path))
  }

  protected override buildSlots(variables: readonly Variable[]): void {
    this._momentums = variables.map(() => null)
    this._adamVelocities = variables.map(() => null)
    for (const v of variables) {
      if ((v as { overwriteWithGradient?: boolean }).overwriteWithGradient === true) continue
      const i = this.indexOf(v)
      this._momentums[i] = this.addVariableFromReference(v, 'momentum')
      if (this.shouldUseAdamw(v)) this._adamVelocities[i] = this.addVariableFromReference(v, 'velocity')
    }
  }

  protected override updateStep(gradient: Tensor, variable: Variable, learningRate: Tensor): void {
    const i = this.indexOf(variable)
    const m = this._momentums[i]!
    const v = this._adamVelocities[i]
    if (v) this.adamwUpdateStep(gradient, variable, mulS(learningRate, this.adamLrRatio), m, v)
    else this.muonUpdateStep(gradient, variable, learningRate, m)
  }

  private muonUpdateStep(gradient: Tensor, variable: Variable, lr: Tensor, m: Variable): void {
    const m0 = this.read(m)
    const m1 = lax.add(m0, lax.add(gradient, mulS(m0, this.momentum - 1)))
    this.assign(m, m1)
    const g = this.nesterov ? lax.add(gradient, mulS(m1, this.momentum)) : m1
    const update = this.zeropowerViaNewtonSchulz5(g, this.nsSteps)
    this.assignSub(variable, this.lrAdjust(lax.mul(like(update, lr), update)))
  }

  private adamwUpdateStep(gradient: Tensor, variable: Variable, learningRate: Tensor, m: Variable, v: Variable): void {
    const dtype = variable.dtype
    const g = cast(gradient, dtype)
    const t = this.localStep(dtype)
    const b1p = lax.pow(constant(this.adamBeta1, dtype, t), t)
    const b2p = lax.pow(constant(this.adamBeta2, dtype, t), t)
    const alpha = lax.div(lax.mul(cast(learningRate, dtype), lax.sqrt(rsubS(1, b2p))), rsubS(1, b1p))
    const m0 = this.read(m)
    const m1 = lax.add(m0, mulS(lax.sub(g, m0), 1 - this.adamBeta1))
    this.assign(m, m1)
    const v0 = this.read(v)
    const v1 = lax.add(v0, mulS(lax.sub(square(g), v0), 1 - this.adamBeta2))
    this.assign(v, v1)
    this.assignSub(variable, lax.div(lax.mul(m1, like(m1, alpha)), addS(lax.sqrt(v1), this.epsilon)))
  }

  /** Moonlight's scale: `x · sqrt(max(n, m)) · rmsRate` (x unchanged when `rmsRate` is null). */
  lrAdjust(x: Tensor): Tensor {
    if (this.rmsRate === null) return x
    return mulS(mulS(x, Math.fround(Math.sqrt(Math.max(x.shape[0]!, x.shape[1]!)))), this.rmsRate)
  }

  /** Quintic Newton-Schulz iteration towards the orthogonal factor of a 2-D `x` (≈ U V^T of its SVD). */
  zeropowerViaNewtonSchulz5(x: Tensor, steps: number): Tensor {
    const [rows, cols] = x.shape as number[]
    const tall = rows! > cols!
    let y = tall ? lax.transpose(x, [1, 0]) : x
    // Ensure spectral norm is at most 1 (the Frobenius norm bounds it)
    y = lax.div(y, like(y, addS(lax.sqrt(sum(square(y))), 1e-7)))
    for (let s = 0; s < steps; s++) {
      const a = lax.dotGeneral(y, y, [[1], [1]]) // y @ y^T
      const b = lax.add(mulS(a, this.muonB), lax.dotGeneral(mulS(a, this.muonC), a, [[1], [0]]))
      y = lax.add(mulS(y, this.muonA), lax.dotGeneral(b, y, [[1], [0]]))
    }
    return tall ? lax.transpose(y, [1, 0]) : y
  }

  protected override applyWeightDecay(vars: Variable[]): void {
    for (const v of vars) {
      if (!this.useWeightDecay(v)) continue
      const wd = this.shouldUseAdamw(v) ? this.adamWeightDecay : this.weightDecay
      if (wd === null) continue
      const x = this.read(v)
      this.assign(v, lax.sub(x, mulS(mulS(x, wd), cast(this.stepLearningRate(), v.dtype))))
    }
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      adam_beta_1: this.adamBeta1,
      adam_beta_2: this.adamBeta2,
      epsilon: this.epsilon,
      exclude_layers: this.excludeLayers.slice(),
      muon_a: this.muonA,
      muon_b: this.muonB,
      muon_c: this.muonC,
      adam_lr_ratio: this.adamLrRatio,
      momentum: this.momentum,
      ns_steps: this.nsSteps,
      nesterov: this.nesterov,
      exclude_embeddings: this.excludeEmbeddings,
      adam_weight_decay: this.adamWeightDecay,
      rms_rate: this.rmsRate,
    }
  }
}

