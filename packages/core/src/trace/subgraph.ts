/**
 * @file Helpers for control-flow sub-graphs: closure-converted body traces, capture unification
 * across branches, input re-layout, and the VJP of a graph (used by the cond/scan VJP rules).
 */
import { isFloat } from '../dtype.js'
import type { Tensor } from '../tensor.js'
import type { AbstractValue } from '../primitives/types.js'
import { vjp } from '../autodiff/grad.js'
import { zerosLike } from '../creation.js'
import type { Graph, GraphVar } from './ir.js'
import { isGraph } from './print.js'
import { traceInternal } from './trace.js'
import { runGraph } from './evaluate.js'

/** A body traced in sub mode: `graph.inputs` = explicit placeholders, then one input per capture. */
export interface SubTrace {
  readonly graph: Graph
  readonly numExplicit: number
  readonly captures: readonly Tensor[]
  release(): void
}

/** Traces a control-flow body on placeholders of `avals`; foreign tensors it uses become captures. */
export function traceSub(avals: readonly AbstractValue[], fn: (placeholders: Tensor[]) => unknown): SubTrace {
  const r = traceInternal(avals, fn, true)
  return { graph: r.graph, numExplicit: avals.length, captures: r.captures, release: () => r.release() }
}

/** Largest var id used anywhere in a graph's own scope. */
function maxVarId(g: Graph): number {
  let m = -1
  const see = (v: GraphVar): void => { if (v.id > m) m = v.id }
  g.inputs.forEach(see)
  g.constants.forEach((c) => see(c.var))
  g.variableReads.forEach((r) => see(r.var))
  for (const eq of g.equations) eq.outputs.forEach(see)
  return m
}

/**
 * Lays out several bodies over one shared capture list: each graph's inputs become
 * `[...explicit, ...allCaptures]` (captures a body does not use get fresh unused inputs).
 */
export function unifyCaptures(traces: readonly SubTrace[]): { graphs: Graph[]; captures: Tensor[] } {
  const captures: Tensor[] = []
  for (const t of traces) for (const c of t.captures) if (!captures.includes(c)) captures.push(c)
  const graphs = traces.map((t) => {
    let next = maxVarId(t.graph) + 1
    const own = new Map<Tensor, GraphVar>()
    t.captures.forEach((c, i) => own.set(c, t.graph.inputs[t.numExplicit + i]!))
    const capVars = captures.map((c) => own.get(c) ?? { id: next++, aval: { shape: c.shape.slice(), dtype: c.dtype } })
    return { ...t.graph, inputs: [...t.graph.inputs.slice(0, t.numExplicit), ...capVars] }
  })
  return { graphs, captures }
}

/** Returns the graph with its inputs permuted: `order[i]` is the old position of new input i. */
export function permuteInputs(g: Graph, order: readonly number[]): Graph {
  return { ...g, inputs: order.map((i) => g.inputs[i]!) }
}

/** True when a value (a param) contains a sub-graph. */
export function containsGraph(v: unknown): boolean {
  if (isGraph(v)) return true
  if (Array.isArray(v)) return v.some(containsGraph)
  return false
}

/**
 * Cotangents of the graph's inputs `wrt` (float inputs) at `inputs`, for output cotangents `cts`
 * (null = zero). Runs the graph under a `vjp`, so on symbolic inputs it records forward + backward.
 */
export function graphVjp(g: Graph, inputs: readonly Tensor[], wrt: readonly number[], cts: readonly (Tensor | null)[]): Tensor[] {
  if (wrt.length === 0) return []
  const [outs, pull, release] = vjp((...p: Tensor[]) => {
    const all = inputs.slice()
    wrt.forEach((i, k) => { all[i] = p[k]! })
    return runGraph(g, all, {}, false).outputs
  }, ...wrt.map((i) => inputs[i]!))
  try {
    const outList = outs as Tensor[]
    return pull(outList.map((o, i) => cts[i] ?? zerosLike(o)))
  } finally { release() }
}

/** Indices of the float-typed entries. */
export function floatIndices(avals: readonly AbstractValue[]): number[] {
  const out: number[] = []
  avals.forEach((a, i) => { if (isFloat(a.dtype)) out.push(i) })
  return out
}
