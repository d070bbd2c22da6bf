/** @file The public names of `take.ts` (a re-export facade; see `../index.ts`). */
export { take, takeAlongAxis } from '../take.js'
