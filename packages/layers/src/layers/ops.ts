/**
 * @file Re-exports of @kx/ops-numpy under the names of the layer zoo's former private op helpers,
 * kept only for modules that still import them (saving/legacyConfig.ts). New code imports
 * @kx/ops-numpy directly.
 */
export { add, clip, multiply as mul } from '@kx/ops-numpy'
