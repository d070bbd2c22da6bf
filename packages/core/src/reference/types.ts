/** @file Types of the reference implementations: plain typed arrays in, typed arrays out. */
import type { DType, TypedArray } from '../dtype.js'
import type { BackendPrim, BackendPrimParams } from '../primitives/types.js'
import type { OutputSpec } from '../backend.js'

/** A reference-backend tensor: row-major host storage plus shape and dtype. */
export interface RefTensor {
  readonly values: TypedArray
  readonly shape: readonly number[]
  readonly dtype: DType
}

/** A reference implementation: computes each output's values (storage of the output dtype). */
export type RefImpl<P extends BackendPrim> = (inputs: readonly RefTensor[], params: BackendPrimParams[P], outputs: readonly OutputSpec[]) => TypedArray[]

/** Exhaustive table of reference implementations. */
export type RefImplTable = { readonly [P in BackendPrim]: RefImpl<P> }
