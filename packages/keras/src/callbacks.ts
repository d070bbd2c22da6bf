/** @file `keras.callbacks`. */
export { Callback, CallbackList, History, ProgbarLogger } from '@kx/trainers'
export type { Logs, CallbackParams } from '@kx/trainers'
