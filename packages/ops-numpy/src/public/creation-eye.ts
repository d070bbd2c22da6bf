/** @file The public names of `creation-eye.ts` (a re-export facade; see `../index.ts`). */
export { eye, identity, tri } from '../creation-eye.js'
