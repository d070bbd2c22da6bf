/** @file The public names of `linalg.ts` (a re-export facade; see `../index.ts`). */
export {
  slogdet, logdet, cholesky, choleskyInverse, det, eig, eigh, inv, lstsq, luFactor, matrixRank, norm, pinv, qr, solve, solveTriangular, svd, jvp,
} from '../linalg.js'
export type { NormOrd } from '../linalg.js'
export * as linalg from '../linalg.js'
