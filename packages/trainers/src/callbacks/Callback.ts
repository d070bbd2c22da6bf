/** @file Callback base (every Keras hook), CallbackList and History. */
import type { Model } from '@kx/layers'

/** Scalar logs passed to callbacks (`{loss: 0.3, accuracy: 0.9, val_loss: …}`). */
export type Logs = Record<string, number>

/** Parameters a callback sees (`callback.params`). */
export interface CallbackParams {
  epochs?: number
  steps?: number | undefined
  verbose?: number
}

/**
 * Base class of callbacks (Keras `keras.callbacks.Callback`); override any hook. Hooks may be async.
 *
 * @example
 * ```ts
 * class PrintLoss extends Callback {
 *   override onEpochEnd(epoch: number, logs: Logs) { console.log(epoch, logs.loss) }
 * }
 * ```
 */
export class Callback {
  model: Model | undefined
  params: CallbackParams = {}
  setModel(model: Model): void { this.model = model }
  setParams(params: CallbackParams): void { this.params = params }
  onTrainBegin(_logs?: Logs): void | Promise<void> {}
  onTrainEnd(_logs?: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onTrainBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  onTrainBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
  onTestBegin(_logs?: Logs): void | Promise<void> {}
  onTestEnd(_logs?: Logs): void | Promise<void> {}
  onTestBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  onTestBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
  onPredictBegin(_logs?: Logs): void | Promise<void> {}
  onPredictEnd(_logs?: Logs): void | Promise<void> {}
  onPredictBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  onPredictBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
}

type Hook = Exclude<keyof Callback, 'model' | 'params' | 'setModel' | 'setParams'>

/** Calls a hook on a list of callbacks in order (Keras `CallbackList`). */
export class CallbackList {
  readonly callbacks: Callback[]
  constructor(callbacks: readonly Callback[], model: Model, params: CallbackParams) {
    this.callbacks = [...callbacks]
    for (const c of this.callbacks) { c.setModel(model); c.setParams(params) }
  }
  /** Whether any callback overrides a batch-level hook (so logs must be read every batch). */
  needsBatchLogs(kind: 'Train' | 'Test' | 'Predict'): boolean {
    const hooks = [`on${kind}BatchBegin`, `on${kind}BatchEnd`] as const
    return this.callbacks.some((c) => hooks.some((h) => (c as unknown as Record<string, unknown>)[h] !== (Callback.prototype as unknown as Record<string, unknown>)[h]))
  }
  async call(hook: Hook, ...args: unknown[]): Promise<void> {
    // NOTE: like Keras's pythonify_logs, the callbacks of one call share one copy of the logs with
    // sorted keys, `{}` when the loop gave none (a callback may add keys for the ones after it).
    const at = /Epoch|Batch/.test(hook) ? 1 : 0
    const a = args.slice(0, at + 1)
    while (a.length <= at) a.push(undefined)
    const logs = (a[at] ?? {}) as Record<string, unknown>
    a[at] = Object.fromEntries(Object.keys(logs).sort().map((k) => [k, logs[k]]))
    for (const c of this.callbacks) {
      const r = (c[hook] as (...x: unknown[]) => void | Promise<void>).apply(c, a)
      if (r instanceof Promise) await r
    }
  }
}

/**
 * Records the logs of every epoch (`model.fit` returns it; Keras `History`).
 *
 * @example
 * ```ts
 * const history = await model.fit(x, y, { epochs: 3 })
 * console.log(history.history.loss)
 * ```
 */
export class History extends Callback {
  epoch: number[] = []
  history: Record<string, number[]> = {}
  override onTrainBegin(): void { this.epoch = [] }
  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch)
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v)
  }
}
