/** @file The public names of `matrix.ts` (a re-export facade; see `../index.ts`). */
export { diag, diagflat, diagonal, trace, tril, triu, diff, vander, trapezoid, correlate } from '../matrix.js'
