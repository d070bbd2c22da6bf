/** @file The `keras.constraints` namespace. */
export { Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm, get, serialize, deserialize, constraintRegistry } from './constraints.js'
export type { ConstraintIdentifier } from './constraints.js'
