/**
 * @file Lowerings of the movement primitives (reshape, transpose, broadcast, slices, pad with interior
 * and negative padding, concatenate, rev) and the padding helper the convolution family reuses.
 */
import type { DType, Dim } from '@kx/core'
import type { GraphBuilder, LVal } from '../onnx/builder.js'
import { ONNX_TYPE } from '../onnx/proto.js'
import { STORAGE } from '../onnx/dtypes.js'
import { computeDtype, type Lowering } from './common.js'
import { PAD_TYPES } from './reduce.js'
import { select } from './elementwise.js'

const I64_MAX = 2 ** 63
const I64_MIN = -(2 ** 63)

/** `Pad` with a constant of the value's dtype; dtypes the kernel lacks go through a wider type. */
function padOp(b: GraphBuilder, x: string, d: DType, pads: readonly number[] | string, value: string): string {
  const c = computeDtype(d, PAD_TYPES)!
  const xs = b.castTo(x, STORAGE[d], STORAGE[c])
  const v = b.castTo(value, STORAGE[d], STORAGE[c])
  const r = b.op('Pad', [xs, typeof pads === 'string' ? pads : b.i64(pads), v])
  return b.castTo(r, STORAGE[c], STORAGE[d])
}

/**
 * XLA-style padding: `interior` values between elements, then `lo`/`hi` at the ends (negative values
 * crop). `value` is a scalar in the storage of `x.dtype`. Returns the value name and its shape.
 */
export function padGeneral(
  b: GraphBuilder, x: LVal, value: string, lo: readonly number[], hi: readonly number[], interior: readonly number[],
): { name: string; shape: Dim[] } {
  const r = x.shape.length
  let name = x.name
  const shape: Dim[] = x.shape.slice()
  for (let a = 0; a < r; a++) {
    const k = interior[a] ?? 0
    if (k === 0) continue
    const n = shape[a]
    if (n === null || n === undefined) b.unsupported('Pad', 'interior padding of a dynamic dimension')
    if (n <= 1) continue
    const t = b.op('Unsqueeze', [name, b.i64([a + 1])])
    const pads = new Array<number>(2 * (r + 1)).fill(0)
    pads[r + 1 + a + 1] = k
    const padded = padOp(b, t, x.dtype, pads, value)
    const cur: LVal = { name, shape, dtype: x.dtype }
    const merged = b.reshape(padded, shape.map((d, i) => (i === a ? n * (k + 1) : d ?? ([cur, i] as const))))
    const len = (n - 1) * (k + 1) + 1
    name = b.op('Slice', [merged, b.i64([0]), b.i64([len]), b.i64([a])])
    shape[a] = len
  }
  const posLo = lo.map((v) => Math.max(v, 0))
  const posHi = hi.map((v) => Math.max(v, 0))
  if (posLo.some((v) => v > 0) || posHi.some((v) => v > 0)) {
    name = padOp(b, name, x.dtype, [...posLo, ...posHi], value)
    shape.forEach((d, i) => { if (d !== null) shape[i] = d + posLo[i]! + posHi[i]! })
  }
  const cropAxes = lo.map((_, i) => i).filter((i) => lo[i]! < 0 || hi[i]! < 0)
  if (cropAxes.length) {
    const starts = cropAxes.map((i) => Math.max(-lo[i]!, 0))
    const ends = cropAxes.map((i) => (hi[i]! < 0 ? hi[i]! : I64_MAX))
    name = b.op('Slice', [name, b.i64(starts), b.i64(ends), b.i64(cropAxes)])
    for (const i of cropAxes) if (shape[i] !== null) shape[i] = Math.max(0, shape[i]! + Math.min(lo[i]!, 0) + Math.min(hi[i]!, 0))
  }
  return { name, shape }
}

/** Clamped int64 start indices for a window of `sizes` inside `x` (XLA's rule). */
function clampedStarts(b: GraphBuilder, x: LVal, starts: LVal, sizes: readonly number[]): string {
  const s = b.castTo(starts.name, STORAGE[starts.dtype], ONNX_TYPE.INT64)
  const hi = b.op('Sub', [b.shapeOf(x), b.i64(sizes)])
  return b.op('Max', [b.op('Min', [s, hi]), b.i64s(0)])
}

/** Reshape honouring zero-sized dims (`allowzero`) and -1. */
function reshapeTo(b: GraphBuilder, x: string, sizes: readonly number[]): string {
  const zero = sizes.includes(0) && !sizes.includes(-1)
  return b.op('Reshape', [x, b.i64(sizes)], zero ? { allowzero: 1 } : undefined)
}

export const movementLowerings = {
  reshape: (b, [x], { newSizes }, [o]) => {
    if (x!.shape.length === newSizes.length && newSizes.every((d, i) => d === x!.shape[i])) return [x!.name]
    if (newSizes.includes(-1) || o!.shape.every((d) => d !== null)) return [reshapeTo(b, x!.name, newSizes.map((d, i) => (d === -1 ? (o!.shape[i] ?? -1) : d)))]
    return [reshapeTo(b, x!.name, newSizes)]
  },
  transpose: (b, [x], { permutation }) =>
    [b.transpose(x!.name, permutation)],
  broadcast_in_dim: (b, [x], { shape, broadcastDimensions }, [o]) => {
    const newAxes = shape.map((_, i) => i).filter((i) => !broadcastDimensions.includes(i))
    let name = x!.name
    if (newAxes.length) name = b.op('Unsqueeze', [name, b.i64(newAxes)])
    const expanded = shape.map((_, i) => {
      const j = broadcastDimensions.indexOf(i)
      return j < 0 ? 1 : x!.shape[j]
    })
    const target = (shape as readonly Dim[]).map((d) => d ?? 1)
    const same = expanded.every((d, i) => d !== null && d === target[i] && o!.shape[i] === d)
    if (same) return [name]
    const out = b.op('Expand', [name, b.i64(target as number[])])
    b.hintBroadcast(out, b.bcast.get(name) ?? name)
    const v = b.splat.get(x!.name)
    if (v !== undefined) b.splat.set(out, v)
    return [out]
  },
  slice: (b, [x], { startIndices, limitIndices, strides }) => {
    const axes = startIndices.map((_, i) => i).filter((i) => !(startIndices[i] === 0 && strides[i] === 1 && limitIndices[i] === x!.shape[i]))
    if (axes.length === 0) return [x!.name]
    return [b.op('Slice', [x!.name, b.i64(axes.map((i) => startIndices[i]!)), b.i64(axes.map((i) => limitIndices[i]!)), b.i64(axes), b.i64(axes.map((i) => strides[i]!))])]
  },
  dynamic_slice: (b, [x, starts], { sliceSizes }) => {
    const s = clampedStarts(b, x!, starts!, sliceSizes)
    const axes = sliceSizes.map((_, i) => i)
    return [b.op('Slice', [x!.name, s, b.op('Add', [s, b.i64(sliceSizes)]), b.i64(axes)])]
  },
  dynamic_update_slice: (b, [x, update, starts]) => {
    const sizes = update!.shape.map((d) => d ?? NaN)
    if (sizes.some((d) => Number.isNaN(d))) b.unsupported('Pad', 'the update has a dynamic size')
    const s = clampedStarts(b, x!, starts!, sizes)
    const after = b.op('Sub', [b.op('Sub', [b.shapeOf(x!), s]), b.i64(sizes)])
    const pads = b.op('Concat', [s, after], { axis: 0 })
    const placed = padOp(b, update!.name, update!.dtype, pads, b.scalar(0, update!.dtype))
    const mask = b.op('Pad', [b.filled(1, 'bool', sizes), pads, b.constant([0], ONNX_TYPE.BOOL, [])])
    return [select(b, mask, { ...x!, name: placed }, x!)]
  },
  pad: (b, [x, value], { lo, hi, interior }) => [padGeneral(b, x!, value!.name, lo, hi, interior).name],
  concatenate: (b, xs, { dimension }) => [xs.length === 1 ? xs[0]!.name : b.op('Concat', xs.map((x) => x.name), { axis: dimension })],
  rev: (b, [x], { dimensions }) => {
    if (dimensions.length === 0) return [x!.name]
    const n = dimensions.length
    return [b.op('Slice', [x!.name, b.i64(new Array<number>(n).fill(-1)), b.i64(new Array<number>(n).fill(I64_MIN)), b.i64(dimensions), b.i64(new Array<number>(n).fill(-1))])]
  },
} satisfies { readonly [P in 'reshape' | 'transpose' | 'broadcast_in_dim' | 'slice' | 'dynamic_slice' | 'dynamic_update_slice' | 'pad' | 'concatenate' | 'rev']: Lowering<P> }
