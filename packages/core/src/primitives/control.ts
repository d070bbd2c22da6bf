/**
 * @file Structured control-flow primitives (`cond`, `while`, `scan`): signature checks against their
 * sub-graphs. Their VJP rules live in `autodiff/rules/control.ts`. Their eager evaluator is installed into
 * `bind` by whatever makes their sub-graphs (`trace`, the control-flow functions, `evaluateGraph`), not
 * here: shape inference must not pull the graph interpreter into apps that never use control flow.
 */
import { DTypeError, InvalidArgumentError, ShapeError, fmt } from '../errors.js'
import { isInt } from '../dtype.js'
import type { Dim } from '../shape.js'
import type { GraphVar } from '../trace/ir.js'
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
    if (!index || index.shape.length !== 0 || !isInt(index.dtype)) {
      throw new DTypeError(`Primitive \`cond\` needs an integer scalar index. Received: index=${index ? `${index.dtype}${fmt(index.shape)}` : 'None'}`)
    }
    if (branches.length === 0) throw new InvalidArgumentError('Primitive `cond` needs at least one branch. Received: branches=()')
    branches.forEach((b, k) => checkSignature('cond', `operands and the inputs of branch ${k}`, b.inputs.map(avalOf), operands))
    return mergeAvals('cond', branches.map((b) => b.outputs.map(avalOf)))
  },
})

export const while_ = definePrimitive({
  name: 'while',
  abstractEval: (inputs, { condGraph, body, numConsts }) => {
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
})

/** @internal Drops the leading (scanned) axis of an aval. */
export const unstacked = (a: AbstractValue): AbstractValue => ({ shape: a.shape.slice(1), dtype: a.dtype })

export const scan = definePrimitive({
  name: 'scan',
  abstractEval: (inputs, { body, length, numConsts, numCarry }) => {
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
})
