/** @file Indexing primitives: gather, scatter_add, scatter (np.take-style along one axis), sort, top_k, iota. */
import { DTypeError, InvalidArgumentError, ShapeError, fmt } from '../errors.js'
import { isBool, isFloat } from '../dtype.js'
import { sizeOf, type Dim } from '../shape.js'
import * as lax from '../lax.js'
import { full } from '../creation.js'
import { definePrimitive } from './def.js'
import type { AbstractValue } from './types.js'
import { checkAxisParam, checkIndexDtype, scatterAddAlongAxis, zerosOf } from './movement.js'

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
  // The adjoint of a (clamped) gather is a scatter_add of the cotangent into zeros at the same (clamped) indices.
  vjp: ({ cotangents: [g], inputs: [operand, indices], params: { axis } }) => {
    if (!g || !isFloat(operand!.dtype)) return [null, null]
    return [lax.scatterAdd(zerosOf(g, operand!.shape), indices!, g, axis), null]
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
  vjp: ({ cotangents: [g], inputs: [operand, indices], params: { axis } }) => {
    if (!g || !isFloat(operand!.dtype)) return [null, null, null]
    return [g, null, lax.gather(g, indices!, axis)]
  },
})

/** Writes `updates` into `operand` at `indices` along `axis` (the last write wins; indices clamp). */
export const scatter = definePrimitive({
  name: 'scatter',
  abstractEval: scatterEval('scatter'),
  // Scatter each update's own id to see which one landed where: the operand's cotangent is cut
  // where something landed, and only the winning update of a duplicated index gets a gradient.
  vjp: ({ cotangents: [g], inputs: [operand, indices, updates], params: { axis } }) => {
    if (!g || !isFloat(operand!.dtype)) return [null, null, null]
    const n = updates!.size
    if (n === 0) return [g, null, zerosOf(g, updates!.shape)]
    const ids = lax.reshape(lax.iota('int32', [n], 0), updates!.shape)
    const winner = lax.scatter(full(operand!.shape, -1, 'int32', g.backend), indices!, ids, axis)
    const landed = lax.ne(winner, full(operand!.shape, -1, 'int32', g.backend))
    const gOperand = lax.select(landed, zerosOf(g, operand!.shape), g)
    const won = lax.eq(lax.gather(winner, indices!, axis), ids)
    return [gOperand, null, lax.select(won, lax.gather(g, indices!, axis), zerosOf(g, updates!.shape))]
  },
})

/** Stable sort along `dimension` (NaN last, -0 == 0); outputs `[values, int32 indices]`. */
export const sort = definePrimitive({
  name: 'sort',
  abstractEval: ([x], { dimension, descending }) => {
    checkAxisParam('sort', 'dimension', dimension, x!.shape.length)
    if (typeof descending !== 'boolean') throw new InvalidArgumentError(`Primitive \`sort\` needs a boolean \`descending\`. Received: descending=${fmt(descending)}`)
    return [{ shape: x!.shape, dtype: x!.dtype }, { shape: x!.shape, dtype: 'int32' }]
  },
  // The values are a permutation of x: send each cotangent back to where its value came from.
  vjp: ({ cotangents: [g], inputs: [x], outputs: [, indices], params: { dimension } }) => {
    if (!g || !isFloat(x!.dtype)) return [null]
    return [scatterAddAlongAxis(g, indices!, dimension, x!.shape[dimension]!)]
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
  vjp: ({ cotangents: [g], inputs: [x], outputs: [, indices] }) => {
    if (!g || !isFloat(x!.dtype)) return [null]
    const axis = x!.shape.length - 1
    return [scatterAddAlongAxis(g, indices!, axis, x!.shape[axis]!)]
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
  vjp: () => [],
})
