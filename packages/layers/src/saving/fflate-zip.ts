/** @file fflate's `zipSync` alone, imported lazily by `zip.ts` when writing (see fflate-inflate.ts). */
export { zipSync } from 'fflate'
