/** @file Stops training when a monitored quantity stops improving (Keras `EarlyStopping`). */
import type { NestedArray } from '@kx/core'
import type { Logs } from './Callback.js'
import { MonitorCallback, type MonitorMode } from './MonitorCallback.js'
import { modelOf, printMsg } from './utils.js'

/** Options of `EarlyStopping` (Keras's arguments, camelCased). */
export interface EarlyStoppingArgs {
  /** Quantity to monitor (default `'val_loss'`). */
  readonly monitor?: string
  /** Smallest absolute change that counts as an improvement (default 0). */
  readonly minDelta?: number
  /** Epochs without improvement before stopping (default 0). */
  readonly patience?: number
  /** 1 prints a message when stopping / restoring. */
  readonly verbose?: number
  readonly mode?: MonitorMode
  /** Training stops unless the quantity improves on this value. */
  readonly baseline?: number | null
  /** Restore the weights of the best epoch when training ends. */
  readonly restoreBestWeights?: boolean
  /** Epochs to wait before monitoring starts (warm-up). */
  readonly startFromEpoch?: number
}

/**
 * Stops training when a monitored metric has stopped improving (Keras `keras.callbacks.EarlyStopping`).
 *
 * @example
 * ```ts
 * const stop = new EarlyStopping({ monitor: 'loss', patience: 3 })
 * await model.fit(x, y, { epochs: 100, callbacks: [stop] })
 * ```
 */
export class EarlyStopping extends MonitorCallback {
  patience: number
  verbose: number
  baseline: number | undefined
  restoreBestWeights: boolean
  startFromEpoch: number
  wait = 0
  stoppedEpoch = 0
  bestEpoch = 0
  bestWeights: NestedArray[] | undefined

  constructor(args: EarlyStoppingArgs = {}) {
    super({ monitor: args.monitor ?? 'val_loss', mode: args.mode ?? 'auto', minDelta: args.minDelta ?? 0 })
    this.patience = args.patience ?? 0
    this.verbose = args.verbose ?? 0
    this.baseline = args.baseline ?? undefined
    this.restoreBestWeights = args.restoreBestWeights ?? false
    this.startFromEpoch = args.startFromEpoch ?? 0
  }

  override onTrainBegin(): void {
    this.wait = 0
    this.stoppedEpoch = 0
    this.best = undefined
    this.bestWeights = undefined
    this.bestEpoch = 0
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    if (!this.monitorOp) this.setMonitorOp()
    const current = this.monitorValue(logs, 'Early stopping')
    if (current === undefined || epoch < this.startFromEpoch) return
    const model = modelOf(this.model, 'EarlyStopping')
    if (this.restoreBestWeights && this.bestWeights === undefined) {
      this.bestWeights = await model.getWeights()
      this.bestEpoch = epoch
    }
    this.wait += 1
    if (this.isImprovement(current, this.best)) {
      this.best = current
      this.bestEpoch = epoch
      if (this.restoreBestWeights) this.bestWeights = await model.getWeights()
      // NOTE: like Keras, an improvement that does not beat the baseline keeps counting towards patience.
      if (this.baseline === undefined || this.isImprovement(current, this.baseline)) this.wait = 0
      return
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch
      model.stopTraining = true
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) printMsg(`Epoch ${this.stoppedEpoch + 1}: early stopping`)
    if (this.restoreBestWeights && this.bestWeights !== undefined) {
      if (this.verbose > 0) printMsg(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`)
      modelOf(this.model, 'EarlyStopping').setWeights(this.bestWeights)
    }
  }
}
