/**
 * @file Movement primitives: reshape, transpose, broadcast_in_dim, slice, dynamic_slice,
 * dynamic_update_slice, pad, concatenate and rev (shape/dtype rules), plus the parameter checks that
 * the reduce and indexing families share. Their VJP rules live in `autodiff/rules/movement.ts`.
 */
import { DTypeError, InvalidArgumentError, ShapeError, fmt } from '../errors.js'
import { isInt, type DType } from '../dtype.js'
import type { Dim } from '../shape.js'
import { definePrimitive } from './def.js'
import type { AbstractValue } from './types.js'

// ---- shared helpers (@internal) ------------------------------------------------------------------

const isNat = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0

/** @internal Throws unless `axis` is an integer in `[0, rank)` (primitives take normalised axes). */
export function checkAxisParam(prim: string, name: string, axis: number, rank: number): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) {
    throw new InvalidArgumentError(`Primitive \`${prim}\` needs \`${name}\` to be an integer in [0, ${rank}) (ops normalise negative axes first). Received: ${name}=${fmt(axis)}, rank=${rank}`)
  }
}

/** @internal Throws unless `axes` are distinct integers in `[0, rank)`. */
export function checkAxesParam(prim: string, name: string, axes: readonly number[], rank: number): void {
  if (!Array.isArray(axes)) throw new InvalidArgumentError(`Primitive \`${prim}\` needs \`${name}\` to be an array of axes. Received: ${name}=${fmt(axes)}`)
  for (const a of axes) checkAxisParam(prim, name, a, rank)
  if (new Set(axes).size !== axes.length) throw new InvalidArgumentError(`Primitive \`${prim}\` got a repeated axis. Received: ${name}=${fmt(axes)}`)
}

/** @internal Throws unless an index operand has an integer dtype. */
export function checkIndexDtype(prim: string, name: string, d: DType): void {
  if (!isInt(d)) throw new DTypeError(`Primitive \`${prim}\` needs integer \`${name}\`. Received: ${name} dtype=${d}`)
}

function checkLength(prim: string, name: string, v: readonly unknown[], rank: number): void {
  if (!Array.isArray(v) || v.length !== rank) {
    throw new InvalidArgumentError(`Primitive \`${prim}\` needs \`${name}\` with one entry per operand dimension. Received: ${name}=${fmt(v)}, rank=${rank}`)
  }
}

const sameDims = (a: Dim, b: Dim): boolean => a === null || b === null || a === b

// ---- primitives ----------------------------------------------------------------------------------

export const reshape = definePrimitive({
  name: 'reshape',
  abstractEval: ([x], { newSizes }) => {
    const bad = (why: string): never => {
      throw new ShapeError(`Primitive \`reshape\` cannot reshape: ${why}. Received: shape=${fmt(x!.shape)}, newSizes=${fmt(newSizes)}`)
    }
    if (!Array.isArray(newSizes) || newSizes.some((d) => !Number.isInteger(d) || d < -1)) bad('sizes must be non-negative integers or -1')
    const holes = newSizes.filter((d) => d === -1).length
    if (holes > 1) bad('at most one size may be -1')
    const known = newSizes.reduce((a, d) => (d === -1 ? a : a * d), 1)
    const knownIn = x!.shape.reduce<number>((a, d) => (d === null ? a : a * d), 1)
    if (x!.shape.some((d) => d === null)) {
      // NOTE: with unknown input dims the -1 stays unknown; a fixed target must still be a multiple of the known part.
      if (holes === 0 && knownIn > 0 && known % knownIn !== 0) bad('the sizes do not hold the known part of the input')
      return [{ shape: newSizes.map((d) => (d === -1 ? null : d)), dtype: x!.dtype }]
    }
    const total = knownIn
    if (holes === 1) {
      if (known === 0 || total % known !== 0) bad(`${total} elements cannot fill the known sizes`)
      return [{ shape: newSizes.map((d) => (d === -1 ? total / known : d)), dtype: x!.dtype }]
    }
    if (known !== total) bad(`${total} elements do not make ${known}`)
    return [{ shape: newSizes.slice(), dtype: x!.dtype }]
  },
})

export const transpose = definePrimitive({
  name: 'transpose',
  abstractEval: ([x], { permutation }) => {
    const r = x!.shape.length
    const ok = Array.isArray(permutation) && permutation.length === r && permutation.every((p) => Number.isInteger(p) && p >= 0 && p < r) && new Set(permutation).size === r
    if (!ok) throw new InvalidArgumentError(`Primitive \`transpose\` needs a permutation of the operand's ${r} axes. Received: permutation=${fmt(permutation)}, shape=${fmt(x!.shape)}`)
    return [{ shape: permutation.map((p) => x!.shape[p]!), dtype: x!.dtype }]
  },
})

export const broadcast_in_dim = definePrimitive({
  name: 'broadcast_in_dim',
  abstractEval: ([x], { shape, broadcastDimensions: bd }) => {
    const r = x!.shape.length
    const target = shape as readonly Dim[]
    if (!Array.isArray(target) || target.some((d) => d !== null && !isNat(d))) {
      throw new ShapeError(`Primitive \`broadcast_in_dim\` needs a target shape of non-negative integers. Received: shape=${fmt(target)}`)
    }
    checkLength('broadcast_in_dim', 'broadcastDimensions', bd, r)
    if (bd.some((d, i) => !Number.isInteger(d) || d < 0 || d >= target.length || (i > 0 && d <= bd[i - 1]!))) {
      throw new InvalidArgumentError(`Primitive \`broadcast_in_dim\` needs strictly increasing broadcastDimensions inside the target rank ${target.length}. Received: broadcastDimensions=${fmt(bd)}`)
    }
    const out = target.slice()
    x!.shape.forEach((d, i) => {
      const t = target[bd[i]!]!
      if (d !== null && t !== null && d !== 1 && d !== t) {
        throw new ShapeError(`Primitive \`broadcast_in_dim\` can only broadcast operand dims of size 1 or equal to the target. Received: operand shape=${fmt(x!.shape)}, shape=${fmt(target)}, broadcastDimensions=${fmt(bd)}`)
      }
      if (t === null && d !== null && d !== 1) out[bd[i]!] = d
    })
    return [{ shape: out, dtype: x!.dtype }]
  },
})

export const slice = definePrimitive({
  name: 'slice',
  abstractEval: ([x], { startIndices, limitIndices, strides }) => {
    const r = x!.shape.length
    checkLength('slice', 'startIndices', startIndices, r)
    checkLength('slice', 'limitIndices', limitIndices, r)
    checkLength('slice', 'strides', strides, r)
    const out = x!.shape.map((d, i) => {
      const s = startIndices[i]!
      const l = limitIndices[i]!
      const st = strides[i]!
      if (!isNat(s) || !Number.isInteger(l) || l < s || (d !== null && l > d) || !Number.isInteger(st) || st < 1) {
        throw new ShapeError(`Primitive \`slice\` needs 0 <= start <= limit <= dim and strides >= 1 in every dimension. Received: shape=${fmt(x!.shape)}, startIndices=${fmt(startIndices)}, limitIndices=${fmt(limitIndices)}, strides=${fmt(strides)}`)
      }
      return Math.ceil((l - s) / st)
    })
    return [{ shape: out, dtype: x!.dtype }]
  },
})

function checkStarts(prim: string, starts: AbstractValue, rank: number): void {
  checkIndexDtype(prim, 'starts', starts.dtype)
  if (starts.shape.length !== 1 || !sameDims(starts.shape[0]!, rank)) {
    throw new ShapeError(`Primitive \`${prim}\` needs \`starts\` as a vector with one entry per operand dimension. Received: starts shape=${fmt(starts.shape)}, rank=${rank}`)
  }
}

export const dynamic_slice = definePrimitive({
  name: 'dynamic_slice',
  abstractEval: ([x, starts], { sliceSizes }) => {
    const r = x!.shape.length
    checkStarts('dynamic_slice', starts!, r)
    checkLength('dynamic_slice', 'sliceSizes', sliceSizes, r)
    if (sliceSizes.some((s, i) => !isNat(s) || (x!.shape[i] !== null && s > x!.shape[i]!))) {
      throw new ShapeError(`Primitive \`dynamic_slice\` needs 0 <= sliceSizes <= operand dims. Received: shape=${fmt(x!.shape)}, sliceSizes=${fmt(sliceSizes)}`)
    }
    return [{ shape: sliceSizes.slice(), dtype: x!.dtype }]
  },
})

export const dynamic_update_slice = definePrimitive({
  name: 'dynamic_update_slice',
  abstractEval: ([x, update, starts]) => {
    const r = x!.shape.length
    checkStarts('dynamic_update_slice', starts!, r)
    if (update!.dtype !== x!.dtype) {
      throw new DTypeError(`Primitive \`dynamic_update_slice\` needs an update of the operand's dtype. Received: operand dtype=${x!.dtype}, update dtype=${update!.dtype}`)
    }
    if (update!.shape.length !== r || update!.shape.some((u, i) => u !== null && x!.shape[i] !== null && u > x!.shape[i]!)) {
      throw new ShapeError(`Primitive \`dynamic_update_slice\` needs an update of the operand's rank that fits inside it. Received: operand shape=${fmt(x!.shape)}, update shape=${fmt(update!.shape)}`)
    }
    return [{ shape: x!.shape, dtype: x!.dtype }]
  },
})

export const pad = definePrimitive({
  name: 'pad',
  abstractEval: ([x, padValue], { lo, hi, interior }) => {
    const r = x!.shape.length
    if (padValue!.shape.length !== 0 || padValue!.dtype !== x!.dtype) {
      throw new ShapeError(`Primitive \`pad\` needs a scalar padValue of the operand's dtype. Received: padValue shape=${fmt(padValue!.shape)}, dtype=${padValue!.dtype}, operand dtype=${x!.dtype}`)
    }
    checkLength('pad', 'lo', lo, r)
    checkLength('pad', 'hi', hi, r)
    checkLength('pad', 'interior', interior, r)
    const out = x!.shape.map((d, i) => {
      if (!Number.isInteger(lo[i]) || !Number.isInteger(hi[i]) || !isNat(interior[i])) {
        throw new InvalidArgumentError(`Primitive \`pad\` needs integer lo/hi and non-negative interior padding. Received: lo=${fmt(lo)}, hi=${fmt(hi)}, interior=${fmt(interior)}`)
      }
      if (d === null) return null
      const n = lo[i]! + hi[i]! + d + Math.max(0, d - 1) * interior[i]!
      if (n < 0) throw new ShapeError(`Primitive \`pad\` crops more than the dimension holds. Received: shape=${fmt(x!.shape)}, lo=${fmt(lo)}, hi=${fmt(hi)}, interior=${fmt(interior)}`)
      return n
    })
    return [{ shape: out, dtype: x!.dtype }]
  },
})

export const concatenate = definePrimitive({
  name: 'concatenate',
  abstractEval: (xs, { dimension }) => {
    if (xs.length === 0) throw new InvalidArgumentError('Primitive `concatenate` needs at least one operand. Received: operands=()')
    const first = xs[0]!
    const r = first.shape.length
    checkAxisParam('concatenate', 'dimension', dimension, r)
    const out = first.shape.slice()
    for (const x of xs.slice(1)) {
      if (x.dtype !== first.dtype) throw new DTypeError(`Primitive \`concatenate\` needs operands of one dtype (ops promote first). Received: dtypes=${xs.map((t) => t.dtype).join(', ')}`)
      if (x.shape.length !== r || x.shape.some((d, i) => i !== dimension && !sameDims(d, first.shape[i]!))) {
        throw new ShapeError(`Primitive \`concatenate\` needs operands that agree except along dimension ${dimension}. Received: shapes=${xs.map((t) => fmt(t.shape)).join(', ')}`)
      }
      x.shape.forEach((d, i) => { if (i !== dimension && out[i] === null) out[i] = d })
    }
    const sizes = xs.map((x) => x.shape[dimension]!)
    out[dimension] = sizes.some((d) => d === null) ? null : sizes.reduce<number>((a, b) => a + b!, 0)
    return [{ shape: out, dtype: first.dtype }]
  },
})

export const rev = definePrimitive({
  name: 'rev',
  abstractEval: ([x], { dimensions }) => {
    checkAxesParam('rev', 'dimensions', dimensions, x!.shape.length)
    return [{ shape: x!.shape, dtype: x!.dtype }]
  },
})
