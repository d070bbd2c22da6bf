/** @file The `keras.regularizers` namespace. */
export { Regularizer, L1, L2, L1L2, OrthogonalRegularizer, get, serialize, deserialize, regularizerRegistry } from './regularizers.js'
export type { RegularizerIdentifier } from './regularizers.js'
