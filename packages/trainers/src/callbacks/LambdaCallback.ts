/** @file A callback built from functions (Keras `LambdaCallback`). */
import { Callback, type Logs } from './Callback.js'

type MaybePromise = void | Promise<void>

/** The hooks a `LambdaCallback` can run (every `Callback` hook, camelCased like its method). */
export interface LambdaCallbackArgs {
  readonly onEpochBegin?: (epoch: number, logs: Logs) => MaybePromise
  readonly onEpochEnd?: (epoch: number, logs: Logs) => MaybePromise
  readonly onTrainBegin?: (logs: Logs) => MaybePromise
  readonly onTrainEnd?: (logs: Logs) => MaybePromise
  readonly onTrainBatchBegin?: (batch: number, logs: Logs) => MaybePromise
  readonly onTrainBatchEnd?: (batch: number, logs: Logs) => MaybePromise
  readonly onTestBegin?: (logs: Logs) => MaybePromise
  readonly onTestEnd?: (logs: Logs) => MaybePromise
  readonly onTestBatchBegin?: (batch: number, logs: Logs) => MaybePromise
  readonly onTestBatchEnd?: (batch: number, logs: Logs) => MaybePromise
  readonly onPredictBegin?: (logs: Logs) => MaybePromise
  readonly onPredictEnd?: (logs: Logs) => MaybePromise
  readonly onPredictBatchBegin?: (batch: number, logs: Logs) => MaybePromise
  readonly onPredictBatchEnd?: (batch: number, logs: Logs) => MaybePromise
}

const HOOKS = ['onEpochBegin', 'onEpochEnd', 'onTrainBegin', 'onTrainEnd', 'onTrainBatchBegin', 'onTrainBatchEnd', 'onTestBegin', 'onTestEnd',
  'onTestBatchBegin', 'onTestBatchEnd', 'onPredictBegin', 'onPredictEnd', 'onPredictBatchBegin', 'onPredictBatchEnd'] as const

/**
 * A callback whose hooks are the given functions (Keras `keras.callbacks.LambdaCallback`; hook
 * names camelCased). Hooks may be async. Only the given hooks are installed, so batch logs are
 * computed only when a batch hook is passed.
 *
 * @example
 * ```ts
 * const log = new LambdaCallback({ onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss) })
 * await model.fit(x, y, { epochs: 3, callbacks: [log] })
 * ```
 */
export class LambdaCallback extends Callback {
  constructor(args: LambdaCallbackArgs = {}) {
    super()
    for (const hook of HOOKS) {
      const fn = args[hook]
      if (fn === undefined || fn === null) continue
      // Own properties shadow the base methods, as Keras assigns attributes on the instance.
      Object.defineProperty(this, hook, { value: (...a: unknown[]) => (fn as (...x: unknown[]) => MaybePromise)(...withLogs(hook, a)), writable: true, configurable: true })
    }
  }
}

/** Passes `{}` when the loop gave no logs, so the functions can always read `logs`. */
function withLogs(hook: string, args: unknown[]): unknown[] {
  const at = /Epoch|Batch/.test(hook) ? 1 : 0
  const out = args.slice(0, at + 1)
  while (out.length < at) out.push(undefined)
  out[at] = args[at] ?? {}
  return out
}
