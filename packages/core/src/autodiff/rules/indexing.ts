/** @file VJP rules of the indexing primitives: gather, scatter_add, scatter, sort, top_k, iota. */
import { isFloat } from '../../dtype.js'
import * as lax from '../../lax.js'
import { full } from '../../creation.js'
import type { VjpRule } from '../../primitives/def.js'
import { scatterAddAlongAxis, zerosOf } from './helpers.js'

// The adjoint of a (clamped) gather is a scatter_add of the cotangent into zeros at the same (clamped) indices.
export const gather: VjpRule<'gather'> = ({ cotangents: [g], inputs: [operand, indices], params: { axis } }) => {
  if (!g || !isFloat(operand!.dtype)) return [null, null]
  return [lax.scatterAdd(zerosOf(g, operand!.shape), indices!, g, axis), null]
}

export const scatter_add: VjpRule<'scatter_add'> = ({ cotangents: [g], inputs: [operand, indices], params: { axis } }) => {
  if (!g || !isFloat(operand!.dtype)) return [null, null, null]
  return [g, null, lax.gather(g, indices!, axis)]
}

// Scatter each update's own id to see which one landed where: the operand's cotangent is cut
// where something landed, and only the winning update of a duplicated index gets a gradient.
export const scatter: VjpRule<'scatter'> = ({ cotangents: [g], inputs: [operand, indices, updates], params: { axis } }) => {
  if (!g || !isFloat(operand!.dtype)) return [null, null, null]
  const n = updates!.size
  if (n === 0) return [g, null, zerosOf(g, updates!.shape)]
  const ids = lax.reshape(lax.iota('int32', [n], 0), updates!.shape)
  const winner = lax.scatter(full(operand!.shape, -1, 'int32', g.backend), indices!, ids, axis)
  const landed = lax.ne(winner, full(operand!.shape, -1, 'int32', g.backend))
  const gOperand = lax.select(landed, zerosOf(g, operand!.shape), g)
  const won = lax.eq(lax.gather(winner, indices!, axis), ids)
  return [gOperand, null, lax.select(won, lax.gather(g, indices!, axis), zerosOf(g, updates!.shape))]
}

// The values are a permutation of x: send each cotangent back to where its value came from.
export const sort: VjpRule<'sort'> = ({ cotangents: [g], inputs: [x], outputs: [, indices], params: { dimension } }) => {
  if (!g || !isFloat(x!.dtype)) return [null]
  return [scatterAddAlongAxis(g, indices!, dimension, x!.shape[dimension]!)]
}

export const top_k: VjpRule<'top_k'> = ({ cotangents: [g], inputs: [x], outputs: [, indices] }) => {
  if (!g || !isFloat(x!.dtype)) return [null]
  const axis = x!.shape.length - 1
  return [scatterAddAlongAxis(g, indices!, axis, x!.shape[axis]!)]
}

export const iota: VjpRule<'iota'> = () => []
