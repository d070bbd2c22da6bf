/** @file The graph IR: equations of primitive calls over typed variables, with constants and variable reads/writes. */
import type { AbstractValue, Prim, PrimParams } from '../primitives/types.js'
import type { Tensor } from '../tensor.js'
import type { TreeDef } from '../tree.js'
import type { Variable } from '../variable.js'

/** A value in a graph (SSA: defined once). Ids are unique within one graph (not across sub-graphs). */
export interface GraphVar {
  readonly id: number
  readonly aval: AbstractValue
}

/** One primitive call. Control-flow primitives (`cond`, `while`, `scan`) carry sub-graphs in `params`. */
export interface GraphEquation {
  readonly prim: Prim
  readonly params: PrimParams[Prim]
  readonly inputs: readonly GraphVar[]
  readonly outputs: readonly GraphVar[]
}

/**
 * A traced function: inputs, captured constants, variable reads, equations in topological order,
 * outputs and variable writes. The single input of graph backends and exporters.
 *
 * A graph is evaluated as: bind `inputs` to the call's tensors, `constants` to their values and
 * `variableReads` to the variables' values at the start of the call; run `equations` in order;
 * return `outputs`; then assign each `variableWrites` value to its variable (writes see no reads of
 * the same call: a read after a write inside the traced function is the written value itself).
 */
export interface Graph {
  readonly inputs: readonly GraphVar[]
  readonly constants: readonly { readonly var: GraphVar; readonly value: Tensor }[]
  readonly variableReads: readonly { readonly var: GraphVar; readonly variable: Variable }[]
  readonly equations: readonly GraphEquation[]
  readonly outputs: readonly GraphVar[]
  readonly variableWrites: readonly { readonly variable: Variable; readonly value: GraphVar }[]
  /** Structure of the traced function's positional arguments (leaves = `inputs`), when traced from one. */
  readonly inputTree?: TreeDef
  /** Structure of the traced function's result (leaves = `outputs`), when traced from one. */
  readonly outputTree?: TreeDef
}
