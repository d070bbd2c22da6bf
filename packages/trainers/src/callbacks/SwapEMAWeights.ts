/** @file Evaluates and predicts with the optimizer's moving-average weights (Keras `SwapEMAWeights`). */
import { InvalidArgumentError, tidy, type Variable } from '@kx/core'
import { copy } from '../optimizers/math.js'
import { Callback } from './Callback.js'
import type { Optimizer } from '../optimizers/Optimizer.js'
import { LossScaleOptimizer } from '../optimizers/LossScaleOptimizer.js'
import { MultiOptimizer } from '../optimizers/MultiOptimizer.js'
import { modelOf, needOptimizer } from './utils.js'

/** The variables an optimizer was built with (their EMA slots have the same order). */
function builtVariables(opt: Optimizer): Variable[] {
  // NOTE: Keras reads `optimizer._trainable_variables` here too; kx keeps the list protected.
  return (opt as unknown as { _trainableVariables: Variable[] })._trainableVariables
}

/**
 * Swaps the model's weights with the optimizer's exponential moving averages around evaluation
 * and prediction, so that validation uses the EMA weights (Keras `keras.callbacks.SwapEMAWeights`;
 * the optimizer needs `useEma: true`). With `swapOnEpoch`, the EMA weights are also in the model at
 * the end of every epoch (e.g. for ModelCheckpoint placed after this callback).
 *
 * @example
 * ```ts
 * model.compile({ optimizer: new SGD({ useEma: true }), loss: 'mse' })
 * await model.fit(x, y, { epochs: 5, validationSplit: 0.2, callbacks: [new SwapEMAWeights()] })
 * ```
 */
export class SwapEMAWeights extends Callback {
  readonly swapOnEpoch: boolean
  private emaWeightsInModel = false

  constructor(args: { swapOnEpoch?: boolean } = {}) {
    super()
    this.swapOnEpoch = args.swapOnEpoch ?? false
  }

  private emaOptimizers(): Optimizer[] {
    let opt = needOptimizer(modelOf(this.model, 'SwapEMAWeights'), 'SwapEMAWeights')
    if (opt instanceof LossScaleOptimizer) opt = opt.innerOptimizer
    if (opt instanceof MultiOptimizer) {
      const withEma = opt.optimizers.filter((o) => o.useEma)
      if (!withEma.length) throw new InvalidArgumentError('SwapEMAWeights must be used when at least one inner optimizer has `useEma: true` set. Received a MultiOptimizer with all inner optimizers having `useEma: false`.')
      return withEma
    }
    if (!opt.useEma) throw new InvalidArgumentError(`SwapEMAWeights must be used when \`use_ema=True\` is set on the optimizer. Received: use_ema=${String(opt.useEma)}`)
    return [opt]
  }

  private swap(): void {
    for (const opt of this.emaOptimizers()) opt.swapEmaWeights(builtVariables(opt))
  }

  /** Copies the model's (EMA) weights into the averages, so fit's final `finalizeVariableValues` keeps them. */
  private finalizeEma(): void {
    for (const opt of this.emaOptimizers()) {
      const vars = builtVariables(opt)
      const avgs = opt.emaAverages
      tidy(() => vars.forEach((v, i) => avgs[i]?.assign(copy(v.rawValue))))
    }
  }

  override onEpochBegin(): void {
    if (this.swapOnEpoch && this.emaWeightsInModel) {
      this.swap()
      this.emaWeightsInModel = false
    }
  }

  override onEpochEnd(epoch: number): void {
    if (this.swapOnEpoch && !this.emaWeightsInModel) {
      this.swap()
      this.emaWeightsInModel = true
      if (epoch === (this.params.epochs ?? 0) - 1) this.finalizeEma()
    }
  }

  override onTestBegin(): void {
    if (!this.emaWeightsInModel) {
      this.swap()
      this.emaWeightsInModel = true
    }
  }

  override onTestEnd(): void {
    if (this.emaWeightsInModel) {
      this.swap()
      this.emaWeightsInModel = false
    }
  }

  override onPredictBegin(): void {
    this.onTestBegin()
  }

  override onPredictEnd(): void {
    // NOTE: Keras 3 tests `not _ema_weights_in_model` here, which never swaps back; kx restores the weights.
    this.onTestEnd()
  }
}
