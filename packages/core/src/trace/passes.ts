/** @file Graph passes: dead-code and common-subexpression elimination (pure rewrites, new graphs out). */
import type { PrimParams } from '../primitives/types.js'
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
 * control-flow sub-graphs too, and drops dead outputs of `scan` (unused ys, and carries no live value
 * depends on) and `cond`, with the operands they alone needed. Every primitive is pure.
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
    const pruned = pruneOutputs(eq, eq.outputs.map((v) => live.has(v.id)))
    for (const v of pruned.inputs) live.add(v.id)
    kept.push(mapSubgraphs(pruned, eliminateDeadCode))
  }
  kept.reverse()
  return {
    ...graph,
    constants: graph.constants.filter((c) => live.has(c.var.id)),
    variableReads: graph.variableReads.filter((r) => live.has(r.var.id)),
    equations: kept,
  }
}

/** Which of a graph's inputs the masked outputs depend on (sub-graph equations depend on all their inputs). */
function neededInputs(g: Graph, outputMask: readonly boolean[]): boolean[] {
  const need = new Set<number>()
  g.outputs.forEach((v, i) => { if (outputMask[i]) need.add(v.id) })
  for (let i = g.equations.length - 1; i >= 0; i--) {
    const eq = g.equations[i]!
    if (eq.outputs.some((v) => need.has(v.id))) for (const v of eq.inputs) need.add(v.id)
  }
  return g.inputs.map((v) => need.has(v.id))
}

const pick = <T>(xs: readonly T[], mask: readonly boolean[]): T[] => xs.filter((_, i) => mask[i])

/**
 * Drops the dead outputs of a structured primitive: unused ys (and carries nothing live depends on)
 * of a `scan`, unused outputs of a `cond`, then the operands no branch or body needs any more.
 */
function pruneOutputs(eq: GraphEquation, liveOut: readonly boolean[]): GraphEquation {
  if (liveOut.every(Boolean)) return eq
  if (eq.prim === 'scan') {
    const p = eq.params as PrimParams['scan']
    const C = p.numConsts
    const K = p.numCarry
    const liveCarry = liveOut.slice(0, K)
    const liveY = liveOut.slice(K)
    // A carry stays when a live output depends on its value entering a step (fixed point).
    let needIn: boolean[]
    for (;;) {
      needIn = neededInputs(p.body, [...liveCarry, ...liveY])
      const grow = liveCarry.map((l, k) => !l && needIn[C + k]!)
      if (!grow.some(Boolean)) break
      grow.forEach((g, k) => { if (g) liveCarry[k] = true })
    }
    const inMask = needIn.map((n, i) => (i >= C && i < C + K ? liveCarry[i - C]! : n))
    const body: Graph = { ...p.body, inputs: pick(p.body.inputs, inMask), outputs: pick(p.body.outputs, [...liveCarry, ...liveY]) }
    const params: PrimParams['scan'] = { ...p, body, numConsts: needIn.slice(0, C).filter(Boolean).length, numCarry: liveCarry.filter(Boolean).length }
    return { ...eq, params, inputs: pick(eq.inputs, inMask), outputs: pick(eq.outputs, [...liveCarry, ...liveY]) }
  }
  if (eq.prim === 'cond') {
    const p = eq.params as PrimParams['cond']
    const needs = p.branches.map((b) => neededInputs(b, liveOut))
    const opMask = eq.inputs.slice(1).map((_, i) => needs.some((n) => n[i]!))
    const branches = p.branches.map((b) => ({ ...b, inputs: pick(b.inputs, opMask), outputs: pick(b.outputs, liveOut) }))
    return { ...eq, params: { branches }, inputs: [eq.inputs[0]!, ...pick(eq.inputs.slice(1), opMask)], outputs: pick(eq.outputs, liveOut) }
  }
  return eq
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
