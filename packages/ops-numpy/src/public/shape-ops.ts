/** @file The public names of `shape-ops.ts` (a re-export facade; see `../index.ts`). */
export { reshape, transpose, expandDims, squeeze, broadcastTo, ravel, moveaxis, ndim, size } from '../shape-ops.js'
