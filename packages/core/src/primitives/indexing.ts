/**
 * @file Indexing primitives: gather, scatter_add, scatter (np.take-style along one axis), sort, top_k, iota
 * (shape/dtype rules; their VJP rules live in `autodiff/rules/indexing.ts`).
 */
import { DTypeError, InvalidArgumentError, ShapeError, fmt } from '../errors.js'
import { isBool } from '../dtype.js'
import { sizeOf, type Dim } from '../shape.js'
import { definePrimitive } from './def.js'
import type { AbstractValue } from './types.js'
import { checkAxisParam, checkIndexDtype } from './movement.js'

/** np.take's output shape: operand[:axis] + indices.shape + operand[axis+1:]. */
function takeShape(operand: AbstractValue, indices: AbstractValue, axis: number): Dim[] {
  return [...operand.shape.slice(0, axis), ...indices.shape, ...operand.shape.slice(axis + 1)]
}

function checkTake(prim: string, operand: AbstractValue, indices: AbstractValue, axis: number): void {
  checkAxisParam(prim, 'axis', axis, operand.shape.length)
  checkIndexDtype(prim, 'indices', indices.dtype)
  if (operand.shape[axis] === 0 && sizeOf(indices.shape) > 0) {
    throw new ShapeError(`Primitive \`${prim}\` cannot index an empty axis. Received: operand shape=${fmt(operand.shape)}, axis=${axis}, indices shape=${fmt(indices.shape)}`)
  }
}

/** Gather along `axis` with `np.take` semantics; out-of-range indices clamp. */
export const gather = definePrimitive({
  name: 'gather',
  abstractEval: ([operand, indices], { axis }) => {
    checkTake('gather', operand!, indices!, axis)
    return [{ shape: takeShape(operand!, indices!, axis), dtype: operand!.dtype }]
  },
})

function scatterEval(prim: 'scatter' | 'scatter_add'): (inputs: readonly AbstractValue[], params: { readonly axis: number }) => AbstractValue[] {
  return ([operand, indices, updates], { axis }) => {
    checkTake(prim, operand!, indices!, axis)
    if (updates!.dtype !== operand!.dtype) {
      throw new DTypeError(`Primitive \`${prim}\` needs updates of the operand's dtype. Received: operand dtype=${operand!.dtype}, updates dtype=${updates!.dtype}`)
    }
    const want = takeShape(operand!, indices!, axis)
    if (updates!.shape.length !== want.length || updates!.shape.some((d, i) => d !== null && want[i] !== null && d !== want[i])) {
      throw new ShapeError(`Primitive \`${prim}\` needs updates shaped like gather's output, operand[:axis] + indices.shape + operand[axis+1:]. Received: operand shape=${fmt(operand!.shape)}, indices shape=${fmt(indices!.shape)}, updates shape=${fmt(updates!.shape)}, axis=${axis}`)
    }
    return [{ shape: operand!.shape, dtype: operand!.dtype }]
  }
}

/** Adds `updates` into `operand` at `indices` along `axis` (duplicates accumulate; indices clamp). */
export const scatter_add = definePrimitive({
  name: 'scatter_add',
  abstractEval: scatterEval('scatter_add'),
})

/** Writes `updates` into `operand` at `indices` along `axis` (the last write wins; indices clamp). */
export const scatter = definePrimitive({
  name: 'scatter',
  abstractEval: scatterEval('scatter'),
})

/** Stable sort along `dimension` (NaN last, -0 == 0); outputs `[values, int32 indices]`. */
export const sort = definePrimitive({
  name: 'sort',
  abstractEval: ([x], { dimension, descending }) => {
    checkAxisParam('sort', 'dimension', dimension, x!.shape.length)
    if (typeof descending !== 'boolean') throw new InvalidArgumentError(`Primitive \`sort\` needs a boolean \`descending\`. Received: descending=${fmt(descending)}`)
    return [{ shape: x!.shape, dtype: x!.dtype }, { shape: x!.shape, dtype: 'int32' }]
  },
})

/** The k largest entries along the last axis (NaN counts as largest; ties: lower index first). */
export const top_k = definePrimitive({
  name: 'top_k',
  abstractEval: ([x], { k }) => {
    const r = x!.shape.length
    if (r === 0) throw new ShapeError(`Primitive \`top_k\` needs an operand of rank >= 1. Received: shape=${fmt(x!.shape)}`)
    const n = x!.shape[r - 1]!
    if (!Number.isInteger(k) || k < 0 || (n !== null && k > n)) {
      throw new InvalidArgumentError(`Primitive \`top_k\` needs 0 <= k <= the size of the last axis. Received: k=${fmt(k)}, shape=${fmt(x!.shape)}`)
    }
    const shape = [...x!.shape.slice(0, -1), k]
    return [{ shape, dtype: x!.dtype }, { shape, dtype: 'int32' }]
  },
})

/** Index along `dimension`, broadcast to `shape` (`lax.broadcasted_iota`). */
export const iota = definePrimitive({
  name: 'iota',
  abstractEval: (_inputs, { dtype, shape, dimension }) => {
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ShapeError(`Primitive \`iota\` needs a shape of non-negative integers. Received: shape=${fmt(shape)}`)
    }
    checkAxisParam('iota', 'dimension', dimension, shape.length)
    if (isBool(dtype)) throw new DTypeError(`Primitive \`iota\` needs a numeric dtype. Received: dtype=${dtype}`)
    return [{ shape: shape.slice(), dtype }]
  },
})
