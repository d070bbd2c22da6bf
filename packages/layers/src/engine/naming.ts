/** @file Keras's automatic names: snake_case of the class name, made unique with a per-prefix counter. */

const counters = new Map<string, number>()

/** Keras's `to_snake_case`: `Conv2DTranspose` → `conv2d_transpose`, `UpSampling2D` → `up_sampling2d`, `GRU` → `gru`. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
}

/** Returns `prefix`, then `prefix_1`, `prefix_2`, … (Keras's `auto_name`). */
export function uniqueName(prefix: string): string {
  const n = counters.get(prefix) ?? 0
  counters.set(prefix, n + 1)
  return n === 0 ? prefix : `${prefix}_${n}`
}

/** Resets automatic naming (Keras `keras.backend.clear_session()`). */
export function clearSession(): void { counters.clear() }
