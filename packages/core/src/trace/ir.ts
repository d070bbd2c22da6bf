/** @file The graph IR: equations of primitive calls over typed variables, with constants and variable reads/writes. */
import type { AbstractValue, Prim, PrimParams } from '../primitives/types.js'
import type { Tensor } from '../tensor.js'
import type { Variable } from '../variable.js'

/** A value in a graph (SSA: defined once). */
export interface GraphVar {
  readonly id: number
  readonly aval: AbstractValue
}

/** One primitive call. */
export interface GraphEquation {
  readonly prim: Prim
  readonly params: PrimParams[Prim]
  readonly inputs: readonly GraphVar[]
  readonly outputs: readonly GraphVar[]
}

/**
 * A traced function: inputs, captured constants, variable reads, equations in topological order,
 * outputs and variable writes. The single input of graph backends and exporters.
 */
export interface Graph {
  readonly inputs: readonly GraphVar[]
  readonly constants: readonly { readonly var: GraphVar; readonly value: Tensor }[]
  readonly variableReads: readonly { readonly var: GraphVar; readonly variable: Variable }[]
  readonly equations: readonly GraphEquation[]
  readonly outputs: readonly GraphVar[]
  readonly variableWrites: readonly { readonly variable: Variable; readonly value: GraphVar }[]
}
