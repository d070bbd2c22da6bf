/** @file The public names of `convert.ts` (a re-export facade; see `../index.ts`). */
export type { TensorLike, DTypeLike } from '../convert.js'
export { convertToTensor, convertToNumpy, isTensor, dtype, shape } from '../convert.js'
