/**
 * @file Reference implementations of the movement primitives. Every one of them is a strided box
 * copy (`stridedCopy`), which the reduce and indexing families reuse to move axes around.
 */
import { allocTyped, type DType, type TypedArray } from '../dtype.js'
import { stridesOf } from '../shape.js'
import type { RefImplTable, RefTensor } from './types.js'

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1)

/**
 * @internal Copies a box of shape `box`: `dst[dstBase + Σ i·dstStrides] = src[srcBase + Σ i·srcStrides]`
 * for every multi-index `i` of the box, visited in row-major order (so later writes win).
 */
export function stridedCopy(
  dst: TypedArray, dstBase: number, dstStrides: readonly number[],
  src: TypedArray, srcBase: number, srcStrides: readonly number[], box: readonly number[],
): void {
  const n = prod(box)
  if (n === 0) return
  const r = box.length
  const idx = new Array<number>(r).fill(0)
  let so = srcBase
  let d0 = dstBase
  for (let k = 0; k < n; k++) {
    dst[d0] = src[so]!
    for (let d = r - 1; d >= 0; d--) {
      idx[d]!++
      so += srcStrides[d]!
      d0 += dstStrides[d]!
      if (idx[d]! < box[d]!) break
      so -= srcStrides[d]! * box[d]!
      d0 -= dstStrides[d]! * box[d]!
      idx[d] = 0
    }
  }
}

/**
 * @internal Transposes `t` so `axes` come last (kept dims first, in order), as float64:
 * row `o` of the result holds the `inner` elements reduced into output element `o`.
 */
export function axesLast(t: RefTensor, axes: readonly number[]): { data: Float64Array; outer: number; inner: number } {
  const kept = t.shape.map((_, i) => i).filter((i) => !axes.includes(i))
  const perm = [...kept, ...axes]
  const box = perm.map((p) => t.shape[p]!)
  const strides = stridesOf(t.shape)
  const data = new Float64Array(prod(box))
  stridedCopy(data, 0, stridesOf(box), t.values, 0, perm.map((p) => strides[p]!), box)
  return { data, outer: prod(kept.map((k) => t.shape[k]!)), inner: prod(axes.map((a) => t.shape[a]!)) }
}

/** @internal Inverse of `axesLast` for one axis: `data` is laid out with `axis` last; returns `shape` row-major. */
export function axisRestored(data: TypedArray, shape: readonly number[], axis: number, dtype: DType): TypedArray {
  const perm = [...shape.map((_, i) => i).filter((i) => i !== axis), axis]
  const box = perm.map((p) => shape[p]!)
  const out = allocTyped(dtype, prod(shape))
  const outStrides = stridesOf(shape)
  stridedCopy(out, 0, perm.map((p) => outStrides[p]!), data, 0, stridesOf(box), box)
  return out
}

/** Clamps dynamic start indices like XLA, so the window `[start, start + size)` stays inside `dims`. */
export function clampStarts(starts: RefTensor, sizes: readonly number[], dims: readonly number[]): number[] {
  return dims.map((d, i) => Math.min(Math.max(Math.trunc(starts.values[i] as number), 0), d - sizes[i]!))
}

function copyOut(t: RefTensor, dtype: DType): TypedArray {
  const o = allocTyped(dtype, t.values.length)
  ;(o as Float64Array).set(t.values as ArrayLike<number>)
  return o
}

export const movementImpls = {
  reshape: ([x], _p, [out]) => [copyOut(x!, out!.dtype)],
  transpose: ([x], { permutation }, [out]) => {
    const o = allocTyped(out!.dtype, x!.values.length)
    const s = stridesOf(x!.shape)
    stridedCopy(o, 0, stridesOf(out!.shape), x!.values, 0, permutation.map((p) => s[p]!), out!.shape)
    return [o]
  },
  broadcast_in_dim: ([x], { broadcastDimensions }, [out]) => {
    const o = allocTyped(out!.dtype, prod(out!.shape))
    const s = stridesOf(x!.shape)
    // An output dim reads the operand with stride 0 when it is new or the operand's size is 1.
    const src = out!.shape.map((_, d) => {
      const i = broadcastDimensions.indexOf(d)
      return i < 0 || x!.shape[i] === 1 ? 0 : s[i]!
    })
    stridedCopy(o, 0, stridesOf(out!.shape), x!.values, 0, src, out!.shape)
    return [o]
  },
  slice: ([x], { startIndices, strides }, [out]) => {
    const o = allocTyped(out!.dtype, prod(out!.shape))
    const s = stridesOf(x!.shape)
    const base = startIndices.reduce((acc, st, i) => acc + st * s[i]!, 0)
    stridedCopy(o, 0, stridesOf(out!.shape), x!.values, base, s.map((v, i) => v * strides[i]!), out!.shape)
    return [o]
  },
  dynamic_slice: ([x, starts], { sliceSizes }, [out]) => {
    const o = allocTyped(out!.dtype, prod(sliceSizes))
    const s = stridesOf(x!.shape)
    const st = clampStarts(starts!, sliceSizes, x!.shape)
    stridedCopy(o, 0, stridesOf(sliceSizes), x!.values, st.reduce((a, v, i) => a + v * s[i]!, 0), s, sliceSizes)
    return [o]
  },
  dynamic_update_slice: ([x, update, starts], _p, [out]) => {
    const o = copyOut(x!, out!.dtype)
    const s = stridesOf(x!.shape)
    const st = clampStarts(starts!, update!.shape, x!.shape)
    stridedCopy(o, st.reduce((a, v, i) => a + v * s[i]!, 0), s, update!.values, 0, stridesOf(update!.shape), update!.shape)
    return [o]
  },
  pad: ([x, padValue], { lo, interior }, [out]) => {
    const o = allocTyped(out!.dtype, prod(out!.shape))
    o.fill(padValue!.values[0] as number)
    const inS = stridesOf(x!.shape)
    const outS = stridesOf(out!.shape)
    // Operand element p lands at lo + p·(interior+1); negative padding crops, so copy only the
    // sub-box of operand indices that land inside the output.
    const pMin: number[] = []
    const box: number[] = []
    x!.shape.forEach((d, i) => {
      const step = interior[i]! + 1
      const first = Math.max(0, Math.ceil(-lo[i]! / step))
      const last = Math.min(d - 1, Math.floor((out!.shape[i]! - 1 - lo[i]!) / step))
      pMin.push(first)
      box.push(Math.max(0, last - first + 1))
    })
    const srcBase = pMin.reduce((a, p, i) => a + p * inS[i]!, 0)
    const dstBase = pMin.reduce((a, p, i) => a + (lo[i]! + p * (interior[i]! + 1)) * outS[i]!, 0)
    stridedCopy(o, dstBase, outS.map((v, i) => v * (interior[i]! + 1)), x!.values, srcBase, inS, box)
    return [o]
  },
  concatenate: (xs, { dimension }, [out]) => {
    const o = allocTyped(out!.dtype, prod(out!.shape))
    const outS = stridesOf(out!.shape)
    let offset = 0
    for (const x of xs) {
      stridedCopy(o, offset * outS[dimension]!, outS, x.values, 0, stridesOf(x.shape), x.shape)
      offset += x.shape[dimension]!
    }
    return [o]
  },
  rev: ([x], { dimensions }, [out]) => {
    const o = allocTyped(out!.dtype, x!.values.length)
    const s = stridesOf(x!.shape)
    const base = dimensions.reduce((a, d) => a + (x!.shape[d]! - 1) * s[d]!, 0)
    const src = s.map((v, i) => (dimensions.includes(i) ? -v : v))
    stridedCopy(o, 0, s, x!.values, x!.values.length ? base : 0, src, x!.shape)
    return [o]
  },
} satisfies Partial<RefImplTable>
