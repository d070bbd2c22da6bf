/**
 * @file The two fflate entry points kx uses, each re-exported alone so `zip.ts` can import them lazily
 * without making all of fflate live: esbuild keeps every export of a dynamically imported module, so
 * `await import('fflate')` put its deflate, gzip and zip writers into every `.keras` reader bundle.
 */
export { Inflate } from 'fflate'
