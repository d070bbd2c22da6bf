/** @file `keras.ops.image` as the `image` namespace (its own module; see `../index.ts`). */
import * as image from '../image/index.js'

export { image }
