/** @file Sets the learning rate at the start of each epoch from a function (Keras `LearningRateScheduler`). */
import { InvalidArgumentError, fmt } from '@kx/core'
import { Callback, type Logs } from './Callback.js'
import type { Optimizer } from '../optimizers/Optimizer.js'
import { pyFloatRepr } from './pyFormat.js'
import { lrOptimizers, modelOf, needOptimizer, printMsg, readLearningRate } from './utils.js'

/** The schedule: the epoch index (from 0) and the current learning rate → the new learning rate. */
export type EpochSchedule = (epoch: number, lr: number) => number | Promise<number>

/**
 * Sets the optimizer's learning rate at the beginning of every epoch to `schedule(epoch, lr)`
 * (Keras `keras.callbacks.LearningRateScheduler`); adds `learning_rate` to the epoch logs.
 *
 * @example
 * ```ts
 * const sched = new LearningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * Math.exp(-0.1)))
 * await model.fit(x, y, { epochs: 15, callbacks: [sched] })
 * ```
 */
export class LearningRateScheduler extends Callback {
  readonly schedule: EpochSchedule
  verbose: number

  constructor(schedule: EpochSchedule, options: { verbose?: number } = {}) {
    super()
    if (typeof schedule !== 'function') throw new InvalidArgumentError(`LearningRateScheduler needs a schedule function (epoch, lr) => lr. Received: schedule=${fmt(schedule)}`)
    this.schedule = schedule
    this.verbose = options.verbose ?? 0
  }

  private async update(optimizer: Optimizer, epoch: number): Promise<number> {
    const lr = await this.schedule(epoch, await readLearningRate(optimizer))
    if (typeof lr !== 'number' || Number.isNaN(lr)) throw new InvalidArgumentError(`The output of the \`schedule\` function should be a float. Got: ${fmt(lr)}`)
    optimizer.learningRate = lr
    return lr
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    const parts = lrOptimizers(needOptimizer(modelOf(this.model, 'LearningRateScheduler'), 'LearningRateScheduler'))
    for (const { optimizer, name } of parts) {
      const lr = await this.update(optimizer, epoch)
      if (this.verbose > 0) printMsg(`\nEpoch ${epoch + 1}: LearningRateScheduler setting${name ? ` ${name}` : ''} learning rate to ${pyFloatRepr(lr)}.`)
    }
  }

  override async onEpochEnd(_epoch: number, logs: Logs = {}): Promise<void> {
    const parts = lrOptimizers(needOptimizer(modelOf(this.model, 'LearningRateScheduler'), 'LearningRateScheduler'))
    for (const { optimizer, name } of parts) logs[name === undefined ? 'learning_rate' : `learning_rate_${name}`] = await readLearningRate(optimizer)
  }
}
