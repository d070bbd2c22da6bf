/**
 * @file Safe mode for deserialization (Keras `SafeModeScope`, `enable_unsafe_deserialization`): whether a
 * config may restore a `Lambda` layer's function. The loaders read it; `Lambda` enforces it.
 */
import { FileFormatError } from '@kx/core'

/** Refused deserialization of code (a `Lambda` config in safe mode, or a serialized function body). */
export class UnsafeDeserializationError extends FileFormatError {}

let unsafeEnabled = false
let scopedSafeMode: boolean | undefined
/** Allows `Lambda` configs whose function is registered by name (Keras `keras.config.enable_unsafe_deserialization`). */
export function enableUnsafeDeserialization(): void { unsafeEnabled = true }
/** Runs `fn` with safe mode on or off (Keras `SafeModeScope`); loaders pass their `safeMode` option through it. */
export function withSafeMode<T>(safeMode: boolean, fn: () => T): T {
  const prev = scopedSafeMode
  scopedSafeMode = safeMode
  try { return fn() } finally { scopedSafeMode = prev }
}
/** Whether deserialization currently runs in safe mode (the default). */
export function inSafeMode(): boolean { return scopedSafeMode ?? !unsafeEnabled }
