/** @file Graph passes: dead-code and common-subexpression elimination (pure rewrites, new graphs out). */
import type { Graph, GraphEquation, GraphVar } from './ir.js'
import { canonicalParams } from './hash.js'
import { isGraph } from './print.js'

/** Applies `pass` to every sub-graph found in an equation's params (cond branches, loop bodies). */
function mapSubgraphs(eq: GraphEquation, pass: (g: Graph) => Graph): GraphEquation {
  let changed = false
  const rec = (v: unknown): unknown => {
    if (isGraph(v)) { const g = pass(v); if (g !== v) changed = true; return g }
    if (Array.isArray(v)) return v.map(rec)
    if (v !== null && typeof v === 'object') {
      const o: Record<string, unknown> = {}
      for (const k of Object.keys(v)) o[k] = rec((v as Record<string, unknown>)[k])
      return o
    }
    return v
  }
  const params = rec(eq.params) as GraphEquation['params']
  return changed ? { ...eq, params } : eq
}

/**
 * Removes equations whose outputs reach neither the graph's outputs nor its variable writes, and the
 * constants and variable reads nothing uses. Inputs are kept (they are the signature). Applies inside
 * control-flow sub-graphs too. Every primitive is pure, so nothing else needs to stay.
 *
 * @example
 * ```ts
 * const g2 = eliminateDeadCode(trace(fn, specs))
 * ```
 */
export function eliminateDeadCode(graph: Graph): Graph {
  const live = new Set<number>([...graph.outputs.map((v) => v.id), ...graph.variableWrites.map((w) => w.value.id)])
  const kept: GraphEquation[] = []
  for (let i = graph.equations.length - 1; i >= 0; i--) {
    const eq = graph.equations[i]!
    if (!eq.outputs.some((v) => live.has(v.id))) continue
    for (const v of eq.inputs) live.add(v.id)
    kept.push(mapSubgraphs(eq, eliminateDeadCode))
  }
  kept.reverse()
  return {
    ...graph,
    constants: graph.constants.filter((c) => live.has(c.var.id)),
    variableReads: graph.variableReads.filter((r) => live.has(r.var.id)),
    equations: kept,
  }
}

/**
 * Merges equations that apply the same primitive with the same parameters to the same inputs (keeping
 * the first), rewiring every use. All primitives are pure functions of their inputs (random ones of
 * their key), so this never changes results. Applies inside control-flow sub-graphs too.
 *
 * @example
 * ```ts
 * const g2 = eliminateCommonSubexpressions(trace((x: Tensor) => lax.add(lax.exp(x), lax.exp(x)), specs))
 * // one `exp` left
 * ```
 */
export function eliminateCommonSubexpressions(graph: Graph): Graph {
  const subst = new Map<number, GraphVar>()
  const s = (v: GraphVar): GraphVar => subst.get(v.id) ?? v
  const seen = new Map<string, readonly GraphVar[]>()
  const equations: GraphEquation[] = []
  for (const eq0 of graph.equations) {
    const eq1 = mapSubgraphs(eq0, eliminateCommonSubexpressions)
    const inputs = eq1.inputs.map(s)
    const key = `${eq1.prim}|${canonicalParams(eq1.params)}|${inputs.map((v) => v.id).join(',')}`
    const prev = seen.get(key)
    if (prev) {
      eq1.outputs.forEach((v, i) => subst.set(v.id, prev[i]!))
      continue
    }
    seen.set(key, eq1.outputs)
    equations.push(inputs.every((v, i) => v === eq1.inputs[i]) ? eq1 : { ...eq1, inputs })
  }
  return {
    ...graph,
    equations,
    outputs: graph.outputs.map(s),
    variableWrites: graph.variableWrites.map((w) => ({ variable: w.variable, value: s(w.value) })),
  }
}
