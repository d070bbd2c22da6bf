/** @file The public names of `products.ts` (a re-export facade; see `../index.ts`). */
export { matmul, dot, tensordot, inner, outer, vdot, kron, cross } from '../products.js'
