/** @file The public names of `reduction.ts` (a re-export facade; see `../index.ts`). */
export { sum, prod, max, min, amax, amin, ptp, all, any, countNonzero } from '../reduction.js'
export type { ReduceOptions } from '../reduction.js'
