/** @file `keras.dtype_policies`. */
export { DTypePolicy, getDtypePolicy as get } from '@kx/layers'
