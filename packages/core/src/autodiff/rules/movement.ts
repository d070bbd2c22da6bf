/** @file VJP rules of the movement primitives (reshape, transpose, broadcast_in_dim, slice, pad, concatenate, …). */
import { isFloat } from '../../dtype.js'
import * as lax from '../../lax.js'
import type { VjpRule } from '../../primitives/def.js'
import { inversePermutation, scalarOf, sumAll, zerosOf } from './helpers.js'

export const reshape: VjpRule<'reshape'> = ({ cotangents: [g], inputs: [x] }) => {
  if (!g || !isFloat(x!.dtype)) return [null]
  return [lax.reshape(g, x!.shape)]
}

export const transpose: VjpRule<'transpose'> = ({ cotangents: [g], inputs: [x], params: { permutation } }) => {
  if (!g || !isFloat(x!.dtype)) return [null]
  return [lax.transpose(g, inversePermutation(permutation))]
}

// d(broadcast x) sums the cotangent over every new or stretched dimension.
export const broadcast_in_dim: VjpRule<'broadcast_in_dim'> = ({ cotangents: [g], inputs: [x], params: { broadcastDimensions: bd } }) => {
  if (!g || !isFloat(x!.dtype)) return [null]
  const summed = g.shape.map((_, d) => d).filter((d) => {
    const i = bd.indexOf(d)
    return i < 0 || (x!.shape[i] === 1 && g.shape[d] !== 1)
  })
  return [lax.reshape(summed.length ? lax.reduceSum(g, summed) : g, x!.shape)]
}

// The adjoint scatters the cotangent back with a pad: lo = start, interior = stride - 1.
export const slice: VjpRule<'slice'> = ({ cotangents: [g], inputs: [x], params: { startIndices, strides } }) => {
  if (!g || !isFloat(x!.dtype)) return [null]
  const hi = x!.shape.map((d, i) => {
    const n = g.shape[i]!
    return d - startIndices[i]! - (n === 0 ? 0 : (n - 1) * strides[i]! + 1)
  })
  return [lax.pad(g, scalarOf(g, 0), startIndices, hi, strides.map((s) => s - 1))]
}

export const dynamic_slice: VjpRule<'dynamic_slice'> = ({ cotangents: [g], inputs: [x, starts] }) => {
  if (!g || !isFloat(x!.dtype)) return [null, null]
  return [lax.dynamicUpdateSlice(zerosOf(g, x!.shape), g, starts!), null]
}

export const dynamic_update_slice: VjpRule<'dynamic_update_slice'> = ({ cotangents: [g], inputs: [x, update, starts] }) => {
  if (!g || !isFloat(x!.dtype)) return [null, null, null]
  return [lax.dynamicUpdateSlice(g, zerosOf(g, update!.shape), starts!), lax.dynamicSlice(g, starts!, update!.shape), null]
}

// Un-pad the cotangent (pad by -lo/-hi), then take every (interior+1)-th element; the pad value
// receives what the operand did not: sum(g) - sum(g_operand).
export const pad: VjpRule<'pad'> = ({ cotangents: [g], inputs: [x], params: { lo, hi, interior } }) => {
  if (!g || !isFloat(x!.dtype)) return [null, null]
  const unpadded = lax.pad(g, scalarOf(g, 0), lo.map((v) => -v), hi.map((v) => -v))
  const gx = lax.slice(unpadded, unpadded.shape.map(() => 0), unpadded.shape, interior.map((v) => v + 1))
  return [gx, lax.sub(sumAll(g), sumAll(gx))]
}

export const concatenate: VjpRule<'concatenate'> = ({ cotangents: [g], inputs, params: { dimension } }) => {
  if (!g) return inputs.map(() => null)
  let offset = 0
  return inputs.map((x) => {
    const n = x.shape[dimension]!
    const start = g.shape.map((_, i) => (i === dimension ? offset : 0))
    const limit = g.shape.map((d, i) => (i === dimension ? offset + n : d))
    offset += n
    return isFloat(x.dtype) ? lax.slice(g, start, limit) : null
  })
}

export const rev: VjpRule<'rev'> = ({ cotangents: [g], inputs: [x], params: { dimensions } }) => {
  if (!g || !isFloat(x!.dtype)) return [null]
  return [lax.rev(g, dimensions)]
}
