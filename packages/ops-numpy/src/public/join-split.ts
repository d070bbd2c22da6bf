/** @file The public names of `join-split.ts` (a re-export facade; see `../index.ts`). */
export { concatenate } from '../join-split.js'
