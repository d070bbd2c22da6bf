/**
 * @file Structured control-flow primitives (`cond`, `while`, `scan`): signature checks against their
 * sub-graphs, and VJP rules (cond → cond over branch VJPs; scan → reverse scan over per-step residuals).
 */
import { DTypeError, InvalidArgumentError, NotImplementedError, ShapeError, fmt } from '../errors.js'
import { isFloat, isInt } from '../dtype.js'
import type { Dim } from '../shape.js'
import type { Tensor } from '../tensor.js'
import { bind } from '../dispatch.js'
import { zerosLike } from '../creation.js'
import * as lax from '../lax.js'
import type { Graph, GraphVar } from '../trace/ir.js'
import { ensureControlEvaluator } from '../trace/evaluate.js'
import { floatIndices, graphVjp, permuteInputs, traceSub, unifyCaptures } from '../trace/subgraph.js'
import { definePrimitive } from './def.js'
import type { AbstractValue } from './types.js'

const avalOf = (v: GraphVar): AbstractValue => v.aval
const showAvals = (as: readonly AbstractValue[]): string => fmt(as.map((a) => `${a.dtype}${fmt(a.shape)}`))

function compatible(a: AbstractValue, b: AbstractValue): boolean {
  return a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === null || b.shape[i] === null || d === b.shape[i])
}

/** Checks that values match a sub-graph's inputs or outputs (count, dtype, shape). */
function checkSignature(prim: string, what: string, expected: readonly AbstractValue[], got: readonly AbstractValue[]): void {
  if (expected.length !== got.length || expected.some((e, i) => !compatible(e, got[i]!))) {
    const err = expected.length === got.length && expected.every((e, i) => e.dtype === got[i]!.dtype) ? ShapeError : DTypeError
    throw new err(`Primitive \`${prim}\`: ${what} do not match. Received: expected=${showAvals(expected)}, got=${showAvals(got)}`)
  }
}

/** Merges avals of several branches: dims that differ become unknown only when one is unknown. */
function mergeAvals(prim: string, lists: readonly (readonly AbstractValue[])[]): AbstractValue[] {
  const [first, ...rest] = lists
  rest.forEach((l, k) => checkSignature(prim, `outputs of branch 0 and branch ${k + 1}`, first!, l))
  return first!.map((a, i) => ({
    dtype: a.dtype,
    shape: a.shape.map((d, j) => (lists.some((l) => l[i]!.shape[j] === null) ? null : d)) as Dim[],
  }))
}

export const cond = definePrimitive({
  name: 'cond',
  abstractEval: ([index, ...operands], { branches }) => {
    ensureControlEvaluator()
    if (!index || index.shape.length !== 0 || !isInt(index.dtype)) {
      throw new DTypeError(`Primitive \`cond\` needs an integer scalar index. Received: index=${index ? `${index.dtype}${fmt(index.shape)}` : 'None'}`)
    }
    if (branches.length === 0) throw new InvalidArgumentError('Primitive `cond` needs at least one branch. Received: branches=()')
    branches.forEach((b, k) => checkSignature('cond', `operands and the inputs of branch ${k}`, b.inputs.map(avalOf), operands))
    return mergeAvals('cond', branches.map((b) => b.outputs.map(avalOf)))
  },
  // d cond(i, ops) = cond(i, branch VJPs)(ops, cts): each branch's VJP re-runs its forward pass.
  vjp: ({ cotangents, inputs, outputs, params }) => {
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
  },
})

export const while_ = definePrimitive({
  name: 'while',
  abstractEval: (inputs, { condGraph, body, numConsts }) => {
    ensureControlEvaluator()
    const carry = inputs.slice(numConsts)
    checkSignature('while', 'loop values and the inputs of the condition', condGraph.inputs.map(avalOf), inputs)
    checkSignature('while', 'loop values and the inputs of the body', body.inputs.map(avalOf), inputs)
    const c = condGraph.outputs
    if (c.length !== 1 || c[0]!.aval.dtype !== 'bool' || c[0]!.aval.shape.length !== 0) {
      throw new DTypeError(`Primitive \`while\`: the condition must return one bool scalar. Received: outputs=${showAvals(c.map(avalOf))}`)
    }
    checkSignature('while', 'loop values and the outputs of the body', carry, body.outputs.map(avalOf))
    return carry.map((a, i) => ({ dtype: a.dtype, shape: a.shape.map((d, j) => (body.outputs[i]!.aval.shape[j] === null ? null : d)) }))
  },
  vjp: () => {
    throw new NotImplementedError('Reverse-mode differentiation of `while` loops is not supported (the trip count is not known ahead). Use `foriLoop` with static bounds or `scan`, which are differentiable.')
  },
})

/** Drops the leading (scanned) axis of an aval. */
const unstacked = (a: AbstractValue): AbstractValue => ({ shape: a.shape.slice(1), dtype: a.dtype })

export const scan = definePrimitive({
  name: 'scan',
  abstractEval: (inputs, { body, length, numConsts, numCarry }) => {
    ensureControlEvaluator()
    if (!Number.isInteger(length) || length < 0) throw new InvalidArgumentError(`Primitive \`scan\` needs a non-negative integer length. Received: length=${fmt(length)}`)
    const carry = inputs.slice(numConsts, numConsts + numCarry)
    const xs = inputs.slice(numConsts + numCarry)
    for (const x of xs) {
      if (x.shape.length === 0 || (x.shape[0] !== null && x.shape[0] !== length)) {
        throw new ShapeError(`Primitive \`scan\`: every scanned input needs a leading axis of the scan length. Received: shape=${fmt(x.shape)}, length=${length}`)
      }
    }
    checkSignature('scan', 'consts, carry and x slices and the inputs of the body', body.inputs.map(avalOf), [...inputs.slice(0, numConsts + numCarry), ...xs.map(unstacked)])
    const outs = body.outputs.map(avalOf)
    checkSignature('scan', 'the carry and the carry returned by the body', carry, outs.slice(0, numCarry))
    return [
      ...carry.map((a, i) => ({ dtype: a.dtype, shape: a.shape.map((d, j) => (outs[i]!.shape[j] === null ? null : d)) })),
      ...outs.slice(numCarry).map((a) => ({ dtype: a.dtype, shape: [length, ...a.shape] })),
    ]
  },
  // NOTE: the residuals are the carries entering each step, emitted as extra scan outputs by a
  // forward re-run; the reverse scan recomputes each step's body under its VJP from them (one
  // checkpoint per step, O(length) memory).
  vjp: ({ cotangents, inputs, outputs, params }) => {
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
  },
})

function range(a: number, b: number): number[] { return Array.from({ length: b - a }, (_, i) => a + i) }
