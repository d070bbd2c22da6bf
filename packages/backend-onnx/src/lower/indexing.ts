/**
 * @file Lowerings of gather (clamped indices), scatter / scatter_add (ScatterElements along a
 * [pre, n, post] view), sort and top_k (TopK with NaN placed as the reference does) and iota (Range).
 */
import { isFloat, type DType } from '@kx/core'
import type { GraphBuilder, LVal } from '../onnx/builder.js'
import { ONNX_TYPE } from '../onnx/proto.js'
import { STORAGE } from '../onnx/dtypes.js'
import { computeDtype, fromCompute, type Lowering } from './common.js'

/** Indices as int64 clamped into `[0, n)` where n is `x.shape[axis]`. */
function clampedIndices(b: GraphBuilder, x: LVal, axis: number, indices: LVal): string {
  const idx = b.castTo(indices.name, STORAGE[indices.dtype], ONNX_TYPE.INT64)
  const n = x.shape[axis]
  const hi = n !== null && n !== undefined
    ? b.i64s(Math.max(n - 1, 0))
    : b.op('Sub', [b.op('Squeeze', [b.shapeVector([[x, axis]]), b.i64([0])]), b.i64s(1)])
  return b.op('Min', [b.op('Max', [idx, b.i64s(0)]), hi])
}

const prod = (ds: readonly (number | null)[]): number | null => (ds.some((d) => d === null) ? null : ds.reduce<number>((a, d) => a * d!, 1))

/** Types of ORT's ScatterElements kernel (with reductions). */
const SCATTER_TYPES: readonly DType[] = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'float32', 'float64']

function scatterLowering(reduction: 'add' | 'none'): Lowering<'scatter_add' | 'scatter'> {
  return (b, [operand, indices, updates], { axis }) => {
    const x = operand!
    const m = prod(indices!.shape)
    const pre = prod(x.shape.slice(0, axis))
    const post = prod(x.shape.slice(axis + 1))
    const n = x.shape[axis]!
    if (m === null || n === null || [pre, post].filter((d) => d === null).length > 1) b.unsupported('ScatterElements', 'more than one dynamic dimension around the scatter axis')
    const c = computeDtype(x.dtype, SCATTER_TYPES)!
    const data = b.reshape(b.cast(x.name, x.dtype, c), [pre ?? -1, n, post ?? -1])
    const upd = b.reshape(b.cast(updates!.name, updates!.dtype, c), [pre ?? -1, m!, post ?? -1])
    const idx = b.reshape(clampedIndices(b, x, axis, indices!), [1, m!, 1])
    const idxFull = b.op('Expand', [idx, b.op('Shape', [upd])])
    const r = b.op('ScatterElements', [data, idxFull, upd], { axis: 1, reduction })
    const back = b.reshape(r, x.shape.map((d, i) => d ?? ([x, i] as const)))
    return [x.dtype === 'bool' ? b.castTo(back, STORAGE[c], ONNX_TYPE.BOOL) : fromCompute(b, back, c, x.dtype)]
  }
}

/** Types of ORT's TopK kernel. */
const TOPK_TYPES: readonly DType[] = ['int8', 'int16', 'int32', 'int64', 'uint8', 'float32', 'float64']

/**
 * TopK along `axis` with stable ties. NaN placement: `nanLast` sorts NaN after everything (sort),
 * otherwise NaN ranks as the largest value (top_k). Values are gathered from the input, so NaNs keep
 * their payload and -0 stays -0.
 */
function topK(b: GraphBuilder, x: LVal, axis: number, k: string, largest: boolean, nanLast: boolean): [string, string] {
  const c = x.dtype === 'bool' ? 'uint8' : computeDtype(x.dtype, TOPK_TYPES)!
  let key = b.castTo(x.name, STORAGE[x.dtype], STORAGE[c])
  if (isFloat(x.dtype)) {
    // NaN ranks above +∞, except in a descending sort, where it goes last (below -∞).
    key = b.op('Where', [b.op('IsNaN', [key]), b.scalar(largest && nanLast ? -Infinity : Infinity, c), key])
  }
  const [, idx] = b.opN('TopK', [key, k], 2, { axis, largest: largest ? 1 : 0, sorted: 1 })
  const values = b.op('GatherElements', [x.name, idx!], { axis })
  return [values, b.castTo(idx!, ONNX_TYPE.INT64, ONNX_TYPE.INT32)]
}

/** Types of ORT's Range kernel. */
const RANGE_TYPES: readonly DType[] = ['int16', 'int32', 'int64', 'float32', 'float64']

export const indexingLowerings = {
  gather: (b, [x, indices], { axis }) => [b.op('Gather', [x!.name, clampedIndices(b, x!, axis, indices!)], { axis })],
  scatter_add: scatterLowering('add'),
  scatter: scatterLowering('none'),
  sort: (b, [x], { dimension, descending }) => {
    const n = x!.shape[dimension]
    const k = n !== null && n !== undefined ? b.i64([n]) : b.shapeVector([[x!, dimension]])
    return topK(b, x!, dimension, k, descending, true)
  },
  top_k: (b, [x], { k }) => topK(b, x!, x!.shape.length - 1, b.i64([k]), true, false),
  iota: (b, _inputs, { dtype, shape, dimension }) => {
    const c = computeDtype(dtype, RANGE_TYPES)!
    const n = shape[dimension]!
    const r = b.op('Range', [b.scalar(0, c), b.scalar(n, c), b.scalar(1, c)])
    const dims = shape.map((d, i) => (i === dimension ? d : 1))
    const shaped = shape.length === 1 ? r : b.op('Reshape', [r, b.i64(dims)], dims.includes(0) ? { allowzero: 1 } : undefined)
    const full = dims.every((d, i) => d === shape[i]) ? shaped : b.op('Expand', [shaped, b.i64(shape)])
    return [fromCompute(b, full, c, dtype)]
  },
} satisfies { readonly [P in 'gather' | 'scatter_add' | 'scatter' | 'sort' | 'top_k' | 'iota']: Lowering<P> }
