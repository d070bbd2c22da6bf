/**
 * @file The shape of a primitive's rules: abstract evaluation (shape + dtype), in `PRIMITIVES`, and its VJP,
 * in `VJP_RULES` (owned by autodiff, so code that only infers shapes and runs ops never carries gradients).
 */
import type { Tensor } from '../tensor.js'
import type { AbstractValue, Prim, PrimParams } from './types.js'

/** What a VJP rule receives. `cotangents[i]` is null when output i has no gradient flowing (treat as zeros). */
export interface VjpArgs<P extends Prim> {
  readonly cotangents: readonly (Tensor | null)[]
  readonly inputs: readonly Tensor[]
  readonly outputs: readonly Tensor[]
  readonly params: PrimParams[P]
  /** Which inputs need a cotangent (autodiff passes it; absent means all). A rule may return null
   * for an input that needs none instead of computing it (e.g. the data input of a first layer). */
  readonly needs?: readonly boolean[]
}

/** Whether a VJP rule must compute the cotangent of input `i`. */
export function needsCt(args: { readonly needs?: readonly boolean[] }, i: number): boolean {
  return !args.needs || args.needs[i] !== false
}

/**
 * One primitive: its shape/dtype rule, shared by the eager and the symbolic path. Its VJP is
 * `VJP_RULES[name]`.
 */
export interface PrimitiveDef<P extends Prim> {
  readonly name: P
  abstractEval(inputs: readonly AbstractValue[], params: PrimParams[P]): AbstractValue[]
}

/**
 * A primitive's VJP: output cotangents → input cotangents, written with primitives (so it is itself
 * differentiable and traceable). A null cotangent in the result means "no gradient" (integer inputs,
 * indices, predicates).
 */
export type VjpRule<P extends Prim> = (args: VjpArgs<P>) => (Tensor | null)[]

/** Table of every primitive's VJP rule; exhaustive by type. */
export type VjpTable = { readonly [P in Prim]: VjpRule<P> }

/** Table of every primitive's rules; exhaustive by type. */
export type PrimitiveTable = { readonly [P in Prim]: PrimitiveDef<P> }

/** Identity helper that types a primitive definition. */
export function definePrimitive<P extends Prim>(def: PrimitiveDef<P>): PrimitiveDef<P> { return def }
