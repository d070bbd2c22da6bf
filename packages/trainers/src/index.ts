/**
 * @kx/trainers: `compile` / `fit` / `evaluate` / `predict` for kx models, with Keras's losses,
 * metrics, optimizers, learning-rate schedules and callbacks. Install it into `@kx/layers` with
 * `registerTrainer(trainer)` (the `@kx/keras` umbrella does this).
 *
 * @packageDocumentation
 */
export { trainer } from './trainer/Trainer.js'
export { CompileLoss, CompileMetrics, outputNames } from './trainer/compileUtils.js'
export { ArrayDataset, permutation } from './trainer/data.js'
export type { HostArray, Batch } from './trainer/data.js'
export { Callback, CallbackList, History } from './callbacks/Callback.js'
export type { Logs, CallbackParams } from './callbacks/Callback.js'
export { ProgbarLogger } from './callbacks/ProgbarLogger.js'
export * as callbacks from './callbacks/index.js'
export * as losses from './losses/index.js'
export * as metrics from './metrics/index.js'
export * as optimizers from './optimizers/index.js'
export * as schedules from './schedules/index.js'
