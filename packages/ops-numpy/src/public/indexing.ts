/** @file The public names of `indexing.ts` (a re-export facade; see `../index.ts`). */
export { where, select, clip, nonzero, slice, sliceUpdate, scatter, scatterUpdate } from '../indexing.js'
