/**
 * @file VJP rules of the structured control-flow primitives: cond → cond over the branch VJPs; scan → a
 * reverse scan over per-step residuals; while has none (its trip count is not known ahead).
 */
import { NotImplementedError } from '../../errors.js'
import type { Tensor } from '../../tensor.js'
import { bind } from '../../dispatch.js'
import { zerosLike } from '../../creation.js'
import * as lax from '../../lax.js'
import type { Graph } from '../../trace/ir.js'
import { floatIndices, graphVjp, permuteInputs, traceSub, unifyCaptures } from '../../trace/subgraph.js'
import type { VjpRule } from '../../primitives/def.js'
import type { AbstractValue } from '../../primitives/types.js'
import { unstacked } from '../../primitives/control.js'
import { range } from '../../primitives/linear.js'

// d cond(i, ops) = cond(i, branch VJPs)(ops, cts): each branch's VJP re-runs its forward pass.
export const cond: VjpRule<'cond'> = ({ cotangents, inputs, outputs, params }) => {
  const [index, ...ops] = inputs
  const fo = floatIndices(ops)
  const fy = floatIndices(outputs)
  if (fo.length === 0 || fy.length === 0 || fy.every((i) => !cotangents[i])) return inputs.map(() => null)
  const cts = fy.map((i) => cotangents[i] ?? zerosLike(outputs[i]!))
  const avals = [...ops, ...cts].map((t) => ({ shape: t.shape, dtype: t.dtype }))
  const traces = params.branches.map((b) => traceSub(avals, (ph) => {
    const p = ph.slice(0, ops.length)
    const c = ph.slice(ops.length)
    const full: (Tensor | null)[] = b.outputs.map(() => null)
    fy.forEach((i, k) => { full[i] = c[k]! })
    return graphVjp(b, p, fo, full)
  }))
  const { graphs, captures } = unifyCaptures(traces)
  try {
    const g = bind('cond', [index!, ...ops, ...cts, ...captures], { branches: graphs })
    const out: (Tensor | null)[] = inputs.map(() => null)
    fo.forEach((i, k) => { out[i + 1] = g[k]! })
    return out
  } finally { for (const t of traces) t.release() }
}

export const while_: VjpRule<'while'> = () => {
  throw new NotImplementedError('Reverse-mode differentiation of `while` loops is not supported (the trip count is not known ahead). Use `foriLoop` with static bounds or `scan`, which are differentiable.')
}

// NOTE: the residuals are the carries entering each step, emitted as extra scan outputs by a
// forward re-run; the reverse scan recomputes each step's body under its VJP from them (one
// checkpoint per step, O(length) memory).
export const scan: VjpRule<'scan'> = ({ cotangents, inputs, outputs, params }) => {
  const { body, length, reverse, numConsts: C, numCarry: K } = params
  const consts = inputs.slice(0, C)
  const init = inputs.slice(C, C + K)
  const xs = inputs.slice(C + K)
  const X = xs.length
  const Y = outputs.length - K
  const fc = floatIndices(consts)
  const fk = floatIndices(init)
  const fx = floatIndices(xs)
  const fy = floatIndices(outputs.slice(K))
  const anyCt = [...fk.map((i) => cotangents[i]), ...fy.map((i) => cotangents[K + i])].some((c) => c)
  if (!anyCt || fc.length + fk.length + fx.length === 0) return inputs.map(() => null)

  // 1. Forward again, also emitting the carry that enters each step.
  const resBody: Graph = { ...body, outputs: [...body.outputs, ...body.inputs.slice(C, C + K)] }
  const fwd = bind('scan', inputs, { ...params, body: resBody })
  const carryRes = fwd.slice(K + Y)
  for (const t of fwd.slice(0, K + Y)) t.dispose()

  // 2. Backward: carry = (accumulated const cotangents, carry cotangent); xs = (x, carry-in, y cotangent).
  const acc0 = fc.map((i) => zerosLike(consts[i]!))
  const ctK0 = fk.map((i) => cotangents[i] ?? zerosLike(init[i]!))
  const ctYs = fy.map((i) => cotangents[K + i] ?? zerosLike(outputs[K + i]!))
  const aval = (t: Tensor): AbstractValue => ({ shape: t.shape, dtype: t.dtype })
  const avals = [
    ...consts.map(aval), ...acc0.map(aval), ...ctK0.map(aval),
    ...xs.map((t) => unstacked(aval(t))), ...init.map(aval), ...ctYs.map((t) => unstacked(aval(t))),
  ]
  const nA = fc.length
  const nK = fk.length
  const bwd = traceSub(avals, (ph) => {
    let o = 0
    const take = (n: number): Tensor[] => ph.slice(o, (o += n))
    const [c, acc, ctK, x, cIn, ctY] = [take(C), take(nA), take(nK), take(X), take(K), take(fy.length)]
    const bodyIns = [...c, ...cIn, ...x]
    const wrt = [...fc, ...fk.map((i) => C + i), ...fx.map((i) => C + K + i)]
    const cts: (Tensor | null)[] = body.outputs.map(() => null)
    fk.forEach((i, k) => { cts[i] = ctK[k]! })
    fy.forEach((i, k) => { cts[K + i] = ctY[k]! })
    const g = graphVjp(body, bodyIns, wrt, cts)
    const newAcc = acc.map((a, k) => lax.add(a, g[k]!))
    return [...newAcc, ...g.slice(nA)]
  })
  // Captures join the consts: inputs (c, caps, acc, ctK, x, cIn, ctY).
  const n = bwd.numExplicit
  const nCap = bwd.captures.length
  const order = [
    ...range(0, C), ...range(n, n + nCap), ...range(C, n),
  ]
  try {
    const res = bind('scan', [...consts, ...bwd.captures, ...acc0, ...ctK0, ...xs, ...carryRes, ...ctYs], {
      body: permuteInputs(bwd.graph, order), length, reverse: !reverse, numConsts: C + nCap, numCarry: nA + nK,
    })
    const out: (Tensor | null)[] = inputs.map(() => null)
    fc.forEach((i, k) => { out[i] = res[k]! })
    fk.forEach((i, k) => { out[C + i] = res[nA + k]! })
    fx.forEach((i, k) => { out[C + K + i] = res[nA + nK + k]! })
    return out
  } finally {
    bwd.release()
    for (const t of carryRes) t.dispose()
  }
}
