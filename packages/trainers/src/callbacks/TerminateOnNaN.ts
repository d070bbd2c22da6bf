/** @file Stops training when the loss becomes NaN or infinite (Keras `TerminateOnNaN`). */
import { KxError } from '@kx/core'
import { Callback, type Logs } from './Callback.js'
import { modelOf, printMsg } from './utils.js'

/** Thrown by `TerminateOnNaN({ raiseError: true })` (Keras raises `RuntimeError`). */
export class NaNLossError extends KxError {
  constructor(message: string) { super('value', message) }
}

/**
 * Terminates training when a NaN or infinite loss is seen after a batch (Keras
 * `keras.callbacks.TerminateOnNaN`); with `raiseError` it throws instead of stopping gracefully.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 10, callbacks: [new TerminateOnNaN()] })
 * ```
 */
export class TerminateOnNaN extends Callback {
  readonly raiseError: boolean
  constructor(args: { raiseError?: boolean } = {}) {
    super()
    this.raiseError = args.raiseError ?? false
  }

  override onTrainBatchEnd(batch: number, logs: Logs = {}): void {
    const loss = logs['loss']
    if (loss === undefined || Number.isFinite(loss)) return
    if (this.raiseError) throw new NaNLossError(`NaN or Inf loss encountered at batch ${batch}. Loss value: ${loss}. Terminating training immediately.`)
    printMsg(`Batch ${batch}: Invalid loss, terminating training`)
    modelOf(this.model, 'TerminateOnNaN').stopTraining = true
  }
}
