/** @file The public names of `creation.ts` (a re-export facade; see `../index.ts`). */
export { zeros, ones, empty, full, fullLike, zerosLike, onesLike, emptyLike, array, arange, linspace, logspace, geomspace, meshgrid } from '../creation.js'
export type { SpaceOptions } from '../creation.js'
