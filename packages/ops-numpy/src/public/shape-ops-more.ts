/** @file The public names of `shape-ops-more.ts` (a re-export facade; see `../index.ts`). */
export { swapaxes, flip, fliplr, flipud, roll, rot90, tile, repeat, pad } from '../shape-ops-more.js'
export type { PadWidth, PadMode } from '../shape-ops-more.js'
