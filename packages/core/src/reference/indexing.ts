/** @file Reference implementations of gather/scatter, sort, top_k and iota on host arrays. */
import { allocTyped, isBool, type TypedArray } from '../dtype.js'
import type { RefImplTable, RefTensor } from './types.js'
import { axesLast, axisRestored } from './movement.js'

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1)

/** Sizes around `axis`: `[before, along, after]` element counts of a row-major shape. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  return [prod(shape.slice(0, axis)), shape[axis]!, prod(shape.slice(axis + 1))]
}

/** Indices clamped into `[0, n)`: out-of-range indices clamp, as the primitives document. */
function clampedIndices(indices: RefTensor, n: number): Int32Array {
  const v = indices.values
  const out = new Int32Array(v.length)
  for (let i = 0; i < v.length; i++) out[i] = Math.min(Math.max(Math.trunc(v[i] as number), 0), n - 1)
  return out
}

/** Applies `write(dstIndex, srcIndex)` for every update of a scatter along `axis`, in row-major order. */
function forEachScatter(operand: RefTensor, indices: RefTensor, axis: number, write: (dst: number, src: number) => void): void {
  const [pre, n, post] = around(operand.shape, axis)
  const idx = clampedIndices(indices, n)
  const m = idx.length
  for (let p = 0; p < pre; p++) {
    for (let i = 0; i < m; i++) {
      const dst = (p * n + idx[i]!) * post
      const src = (p * m + i) * post
      for (let q = 0; q < post; q++) write(dst + q, src + q)
    }
  }
}

function copyOf(t: RefTensor): TypedArray {
  const o = allocTyped(t.dtype, t.values.length)
  ;(o as Float64Array).set(t.values as ArrayLike<number>)
  return o
}

/** Ascending order with NaN last and -0 == 0 (JAX canonicalises both before sorting). */
function ascending(a: number, b: number): number {
  const na = Number.isNaN(a)
  const nb = Number.isNaN(b)
  if (na || nb) return na === nb ? 0 : na ? 1 : -1
  return a < b ? -1 : a > b ? 1 : 0
}
function descending(a: number, b: number): number {
  const na = Number.isNaN(a)
  const nb = Number.isNaN(b)
  if (na || nb) return na === nb ? 0 : na ? 1 : -1
  return a > b ? -1 : a < b ? 1 : 0
}
/** top_k's order: NaN counts as the largest value (as in `lax.top_k`). */
function largestFirst(a: number, b: number): number {
  const na = Number.isNaN(a)
  const nb = Number.isNaN(b)
  if (na || nb) return na === nb ? 0 : na ? -1 : 1
  return a > b ? -1 : a < b ? 1 : 0
}

/** Stably sorts each row of `data` (rows of `n`), keeping the first `k`: values and source indices. */
function sortRows(data: Float64Array, n: number, k: number, cmp: (a: number, b: number) => number): [Float64Array, Int32Array] {
  const rows = n === 0 ? 0 : data.length / n
  const values = new Float64Array(rows * k)
  const indices = new Int32Array(rows * k)
  const order = Array.from({ length: n }, (_, i) => i)
  for (let r = 0; r < rows; r++) {
    const base = r * n
    for (let i = 0; i < n; i++) order[i] = i
    // Array.prototype.sort is stable, so ties keep their original (lower index first) order.
    order.sort((a, b) => cmp(data[base + a]!, data[base + b]!))
    for (let i = 0; i < k; i++) {
      values[r * k + i] = data[base + order[i]!]!
      indices[r * k + i] = order[i]!
    }
  }
  return [values, indices]
}

export const indexingImpls = {
  gather: ([operand, indices], { axis }, [out]) => {
    const [pre, n, post] = around(operand!.shape, axis)
    const idx = clampedIndices(indices!, n)
    const m = idx.length
    const o = allocTyped(out!.dtype, pre * m * post)
    const v = operand!.values
    for (let p = 0; p < pre; p++) {
      for (let i = 0; i < m; i++) {
        const src = (p * n + idx[i]!) * post
        const dst = (p * m + i) * post
        for (let q = 0; q < post; q++) o[dst + q] = v[src + q]!
      }
    }
    return [o]
  },
  scatter_add: ([operand, indices, updates], { axis }) => {
    const o = copyOf(operand!)
    const u = updates!.values
    const bool = isBool(operand!.dtype)
    forEachScatter(operand!, indices!, axis, (dst, src) => {
      o[dst] = bool ? (o[dst] || u[src] ? 1 : 0) : (o[dst] as number) + (u[src] as number)
    })
    return [o]
  },
  scatter: ([operand, indices, updates], { axis }) => {
    const o = copyOf(operand!)
    const u = updates!.values
    forEachScatter(operand!, indices!, axis, (dst, src) => { o[dst] = u[src]! })
    return [o]
  },
  sort: ([x], { dimension, descending: desc }, [vals, idxs]) => {
    const n = x!.shape[dimension]!
    const { data } = axesLast(x!, [dimension])
    const [v, i] = sortRows(data, n, n, desc ? descending : ascending)
    return [axisRestored(v, x!.shape, dimension, vals!.dtype), axisRestored(i, x!.shape, dimension, idxs!.dtype)]
  },
  top_k: ([x], { k }, [vals, idxs]) => {
    const n = x!.shape[x!.shape.length - 1]!
    const [v, i] = sortRows(x!.values instanceof Float64Array ? x!.values : Float64Array.from(x!.values), n, k, largestFirst)
    const o = allocTyped(vals!.dtype, v.length)
    ;(o as Float64Array).set(v)
    const oi = allocTyped(idxs!.dtype, i.length)
    ;(oi as Int32Array).set(i)
    return [o, oi]
  },
  iota: (_inputs, { shape, dimension }, [out]) => {
    const o = allocTyped(out!.dtype, prod(shape))
    const stride = prod(shape.slice(dimension + 1))
    const n = shape[dimension]!
    for (let i = 0; i < o.length; i++) o[i] = Math.floor(i / stride) % n
    return [o]
  },
} satisfies Partial<RefImplTable>
