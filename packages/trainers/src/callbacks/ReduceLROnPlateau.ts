/** @file Lowers the learning rate when a monitored quantity stops improving (Keras `ReduceLROnPlateau`). */
import { InvalidArgumentError, fmt } from '@kx/core'
import type { Logs } from './Callback.js'
import { MonitorCallback, type MonitorMode } from './MonitorCallback.js'
import type { Optimizer } from '../optimizers/Optimizer.js'
import { pyFloatRepr } from './pyFormat.js'
import { lrOptimizers, modelOf, needOptimizer, printMsg, readLearningRate, warn } from './utils.js'

/** Options of `ReduceLROnPlateau` (Keras's arguments, camelCased). */
export interface ReduceLROnPlateauArgs {
  /** Quantity to monitor (default `'val_loss'`). */
  readonly monitor?: string
  /** The learning rate is multiplied by this (< 1; default 0.1). */
  readonly factor?: number
  /** Epochs without improvement before reducing (default 10). */
  readonly patience?: number
  readonly verbose?: number
  readonly mode?: MonitorMode
  /** Smallest change that counts as an improvement (default 1e-4). */
  readonly minDelta?: number
  /** Epochs to wait after a reduction before counting again (default 0). */
  readonly cooldown?: number
  /** Lower bound of the learning rate (default 0). */
  readonly minLr?: number
}

/**
 * Reduces the learning rate when a metric has stopped improving (Keras `keras.callbacks.ReduceLROnPlateau`).
 * Adds `learning_rate` to the epoch logs that later callbacks see.
 *
 * @example
 * ```ts
 * const reduce = new ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.2, patience: 5, minLr: 0.001 })
 * await model.fit(x, y, { epochs: 50, validationSplit: 0.2, callbacks: [reduce] })
 * ```
 */
export class ReduceLROnPlateau extends MonitorCallback {
  factor: number
  minLr: number
  patience: number
  verbose: number
  cooldown: number
  cooldownCounter = 0
  wait = 0

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super({ monitor: args.monitor ?? 'val_loss', mode: args.mode ?? 'auto', minDelta: args.minDelta ?? 1e-4 })
    const factor = args.factor ?? 0.1
    if (factor >= 1.0) throw new InvalidArgumentError(`ReduceLROnPlateau does not support a factor >= 1.0. Received factor=${fmt(factor)}`)
    this.factor = factor
    this.minLr = args.minLr ?? 0
    this.patience = args.patience ?? 10
    this.verbose = args.verbose ?? 0
    this.cooldown = args.cooldown ?? 0
  }

  override onTrainBegin(): void {
    this.best = undefined
    this.cooldownCounter = 0
    this.wait = 0
  }

  /** Whether a reduction happened recently (Keras `in_cooldown`). */
  inCooldown(): boolean {
    return this.cooldownCounter > 0
  }

  private async reduce(optimizer: Optimizer, epoch: number, name: string | undefined): Promise<boolean> {
    const oldLr = await readLearningRate(optimizer)
    if (!(oldLr > Math.fround(this.minLr))) return false
    const newLr = Math.max(oldLr * this.factor, this.minLr)
    optimizer.learningRate = newLr
    if (this.verbose > 0) printMsg(`\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing${name ? ` ${name}` : ''} learning rate to ${pyFloatRepr(newLr)}.`)
    return true
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (!this.monitorOp) this.setMonitorOp()
    const model = modelOf(this.model, 'ReduceLROnPlateau')
    const parts = lrOptimizers(needOptimizer(model, 'ReduceLROnPlateau'))
    for (const { optimizer, name } of parts) logs[name === undefined ? 'learning_rate' : `learning_rate_${name}`] = await readLearningRate(optimizer)
    const current = logs[this.monitor]
    if (current === undefined) {
      warn(`Learning rate reduction is conditioned on metric \`${this.monitor}\` which is not available. Available metrics are: ${Object.keys(logs).join(',')}.`)
      return
    }
    if (this.inCooldown()) {
      this.cooldownCounter -= 1
      this.wait = 0
    }
    if (this.isImprovement(current, this.best)) {
      this.best = current
      this.wait = 0
    } else if (!this.inCooldown()) {
      this.wait += 1
      if (this.wait >= this.patience) {
        let reduced = false
        for (const { optimizer, name } of parts) if (await this.reduce(optimizer, epoch, name)) reduced = true
        if (reduced) {
          this.cooldownCounter = this.cooldown
          this.wait = 0
        }
      }
    }
  }
}
