/** @file `keras.optimizers`, with `keras.optimizers.schedules` inside, as in Keras. */
import { optimizers as base, schedules } from '@kx/trainers'

/** Every optimizer class plus `get`/`serialize`/`deserialize` and the `schedules` namespace. */
export const optimizers = { ...base, schedules }
