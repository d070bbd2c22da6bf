/**
 * @file OpenVINO lowerings of the movement primitives (reshape, transpose, broadcast, slices, pad with
 * interior and negative padding, concatenate, rev), indexing (gather, scatter) and routines (sort,
 * top_k, iota; random and linear algebra are refused with a typed error).
 */
import type { BackendPrim, Dim } from '@kx/core'
import { portKey, type IrBuilder, type Port } from './ir.js'
import {
  binary, convert, dimOf, elementTypeOf, pad, range, reshape, select, shapeOf, slice, transpose, type DimRef, type OvLowering,
} from './common.js'

/** XLA padding: `interior` values between elements, then `lo`/`hi` at the ends (negative crops; Pad-12 does both). */
export function padGeneral(b: IrBuilder, x: Port, value: Port, lo: readonly number[], hi: readonly number[], interior: readonly number[]): Port {
  let cur = x
  for (let a = 0; a < x.shape.length; a++) {
    const k = interior[a] ?? 0
    const n = cur.shape[a]
    if (k === 0) continue
    if (n === null || n === undefined) b.unsupported('Pad', 'interior padding of a dynamic dimension')
    if (n <= 1) continue
    // [.., n, ..] → [.., n, 1, ..] → pad k after each element → [.., n·(k+1), ..] → drop the trailing k.
    const unsq = b.op('Unsqueeze', [cur, b.i64([a + 1])], { dtype: cur.dtype, shape: [...cur.shape.slice(0, a + 1), 1, ...cur.shape.slice(a + 1)] })
    const pads = new Array<number>(cur.shape.length + 1).fill(0)
    const hiPads = pads.slice()
    hiPads[a + 1] = k
    const padded = pad(b, unsq, pads, hiPads, value)
    const merged = reshape(b, padded, cur.shape.map((d, i): DimRef => (i === a ? n * (k + 1) : d ?? [cur, i])))
    const len = (n - 1) * (k + 1) + 1
    cur = slice(b, merged, [a], [0], [len], [1], { dtype: cur.dtype, shape: cur.shape.map((d, i) => (i === a ? len : d)) })
  }
  return pad(b, cur, lo, hi, value)
}

/** Clamped int64 starts for a window of `sizes` inside `x` (XLA's rule). */
function clampedStarts(b: IrBuilder, x: Port, starts: Port, sizes: readonly number[]): Port {
  const s = convert(b, starts, 'int64')
  const hi = binary(b, 'Subtract', shapeOf(b, x), b.i64(sizes))
  return binary(b, 'Maximum', binary(b, 'Minimum', s, hi), b.scalar(0, 'int64'))
}

export const movementLowerings = {
  reshape: (b, [x], { newSizes }, [o]) => [reshape(b, x!, newSizes.map((d, i) => (d === -1 ? (o!.shape[i] ?? -1) : d)))],
  transpose: (b, [x], { permutation }) => [transpose(b, x!, permutation)],
  broadcast_in_dim: (b, [x], { shape, broadcastDimensions }, [o]) => {
    const X = x!
    const newAxes = shape.map((_, i) => i).filter((i) => !broadcastDimensions.includes(i))
    const unsqShape = shape.map((_, i) => { const j = broadcastDimensions.indexOf(i); return j < 0 ? 1 : X.shape[j]! })
    const c = newAxes.length ? b.constantOf(X) : undefined
    // A constant (a bias) is unsqueezed at export time, so later transposes fold into it too.
    const y = !newAxes.length ? X : c ? b.constant(c.values, c.dtype, unsqShape as number[], `${c.name}/expanded`) : b.op('Unsqueeze', [X, b.i64(newAxes)], { dtype: X.dtype, shape: unsqShape })
    const target = (shape as readonly Dim[]).map((d) => d ?? 1)
    // Nothing to stretch when every dim already has its output size (a dynamic dim carried from x included).
    if (unsqShape.every((d, i) => d === o!.shape[i])) return [y]
    const out = b.op('Broadcast', [y, b.i64(target)], { dtype: X.dtype, shape: o!.shape }, { mode: 'bidirectional' }, 'opset3')
    b.narrow.set(portKey(out), X.shape.length === 0 ? X : y)
    return [out]
  },
  slice: (b, [x], { startIndices, limitIndices, strides }, [o]) => {
    const X = x!
    const axes = startIndices.map((_, i) => i).filter((i) => !(startIndices[i] === 0 && strides[i] === 1 && limitIndices[i] === X.shape[i]))
    if (axes.length === 0) return [X]
    return [slice(b, X, axes, axes.map((i) => startIndices[i]!), axes.map((i) => limitIndices[i]!), axes.map((i) => strides[i]!), o!)]
  },
  dynamic_slice: (b, [x, starts], { sliceSizes }, [o]) => {
    const s = clampedStarts(b, x!, starts!, sliceSizes)
    const stop = binary(b, 'Add', s, b.i64(sliceSizes))
    return [b.op('Slice', [x!, s, stop, b.i64(sliceSizes.map(() => 1)), b.i64(range(sliceSizes.length))], o!, undefined, 'opset8')]
  },
  dynamic_update_slice: (b, [x, update, starts], _p, [o]) => {
    const U = update!
    if (U.shape.some((d) => d === null)) b.unsupported('Pad', 'the update has a dynamic size')
    const sizes = U.shape as number[]
    const s = clampedStarts(b, x!, starts!, sizes)
    const after = binary(b, 'Subtract', binary(b, 'Subtract', shapeOf(b, x!), s), b.i64(sizes))
    const padTo = (v: Port, fill: Port): Port => b.op('Pad', [v, s, after, fill], { dtype: v.dtype, shape: o!.shape }, { pad_mode: 'constant' }, 'opset12')
    const placed = padTo(U, b.scalar(0, U.dtype))
    const mask = padTo(b.constant(new Array<number>(sizes.reduce((a, c) => a * c, 1)).fill(1), 'bool', sizes), b.scalar(0, 'bool'))
    return [select(b, mask, placed, x!)]
  },
  pad: (b, [x, value], { lo, hi, interior }) => [padGeneral(b, x!, value!, lo, hi, interior)],
  concatenate: (b, xs, { dimension }, [o]) => [xs.length === 1 ? xs[0]! : b.op('Concat', xs, o!, { axis: dimension })],
  rev: (b, [x], { dimensions }) => [dimensions.length === 0 ? x! : b.op('Reverse', [x!, b.i64(dimensions)], x!, { mode: 'index' })],
} satisfies { readonly [P in 'reshape' | 'transpose' | 'broadcast_in_dim' | 'slice' | 'dynamic_slice' | 'dynamic_update_slice' | 'pad' | 'concatenate' | 'rev']: OvLowering<P> }

/** int64 indices clamped to `[0, dim(axis) - 1]` (kx's out-of-range rule; OpenVINO's Gather wraps negatives). */
function clampIndices(b: IrBuilder, operand: Port, indices: Port, axis: number): Port {
  const i = convert(b, indices, 'int64')
  const n = operand.shape[axis]
  const top = n === null || n === undefined ? binary(b, 'Subtract', dimOf(b, operand, axis), b.scalar(1, 'int64')) : b.scalar(n - 1, 'int64')
  return binary(b, 'Maximum', binary(b, 'Minimum', i, top), b.scalar(0, 'int64'))
}

/** scatter/scatter_add: ScatterElementsUpdate on updates flattened to `operand[:axis] + [K] + operand[axis+1:]`. */
function scatterAlong(b: IrBuilder, [x, indices, updates]: readonly Port[], axis: number, reduction: 'sum' | 'none', out: Port['shape']): Port {
  const X = x!
  const I = indices!
  const r = X.shape.length
  const static_ = I.shape.every((d) => d !== null)
  const k = static_ ? (I.shape as number[]).reduce((a, c) => a * c, 1) : -1
  const flatDims: DimRef[] = X.shape.map((d, i) => (i === axis ? k : d ?? [updates!, i < axis ? i : i + I.shape.length - 1]))
  const upd = reshape(b, updates!, flatDims)
  const idx = reshape(b, clampIndices(b, X, I, axis), range(r).map((i) => (i === axis ? k : 1)))
  const idxB = b.op('Broadcast', [idx, shapeOf(b, upd)], { dtype: 'int64', shape: upd.shape }, { mode: 'numpy' }, 'opset3')
  return b.op('ScatterElementsUpdate', [X, idxB, upd, b.scalar(axis, 'int64')], { dtype: X.dtype, shape: out }, { reduction, use_init_val: true }, 'opset12')
}

export const indexingLowerings = {
  gather: (b, [x, indices], { axis }, [o]) =>
    [b.op('Gather', [x!, clampIndices(b, x!, indices!, axis), b.scalar(axis, 'int64')], o!, { batch_dims: 0 }, 'opset8')],
  scatter_add: (b, ins, { axis }, [o]) => [scatterAlong(b, ins, axis, 'sum', o!.shape)],
  scatter: (b, ins, { axis }, [o]) => [scatterAlong(b, ins, axis, 'none', o!.shape)],
} satisfies { readonly [P in 'gather' | 'scatter_add' | 'scatter']: OvLowering<P> }

/** Stable `TopK` along `axis`: `[values, int32 indices]`. */
function topK(b: IrBuilder, x: Port, k: Port, axis: number, mode: 'max' | 'min', outShape: readonly Dim[]): Port[] {
  return b.opN('TopK', [x, k], [{ dtype: x.dtype, shape: outShape }, { dtype: 'int32', shape: outShape }],
    { axis, mode, sort: 'value', index_element_type: elementTypeOf('int32'), stable: true }, 'opset11')
}

const noLinalg = <P extends BackendPrim>(what: string): OvLowering<P> => (b) => b.unsupported(what, 'OpenVINO has no such operator')

export const routineLowerings = {
  sort: (b, [x], { dimension, descending }) => {
    const X = x!
    const n = X.shape[dimension]
    const k = n === null || n === undefined ? b.op('Squeeze', [dimOf(b, X, dimension), b.i64([0])], { dtype: 'int64', shape: [] }) : b.scalar(n, 'int64')
    return topK(b, X, k, dimension, descending ? 'max' : 'min', X.shape)
  },
  top_k: (b, [x], { k }, [o]) => topK(b, x!, b.scalar(k, 'int64'), x!.shape.length - 1, 'max', o!.shape),
  iota: (b, _ins, { dtype, shape, dimension }) => {
    const n = shape.reduce((a, c) => a * c, 1)
    const inner = shape.slice(dimension + 1).reduce((a, c) => a * c, 1)
    const values = Array.from({ length: n }, (_, i) => Math.floor(i / inner) % shape[dimension]!)
    return [b.constant(values, dtype, shape)]
  },
  random_bits: (b) => b.unsupported('RandomUniform', 'kx random streams (threefry) are not OpenVINO operators; an inference graph has none'),
  random_uniform: (b) => b.unsupported('RandomUniform', 'kx random streams (threefry) are not OpenVINO operators; an inference graph has none'),
  threefry2x32: (b) => b.unsupported('RandomUniform', 'kx random streams (threefry) are not OpenVINO operators; an inference graph has none'),
  fft: (b) => b.unsupported('DFT', 'the FFT family is not lowered to OpenVINO DFT yet'),
} satisfies { readonly [P in 'sort' | 'top_k' | 'iota' | 'random_bits' | 'random_uniform' | 'threefry2x32' | 'fft']: OvLowering<P> }

export const linalgLowerings = {
  cholesky: noLinalg<'cholesky'>('Cholesky'),
  triangular_solve: noLinalg<'triangular_solve'>('TriangularSolve'),
  lu: noLinalg<'lu'>('LU'),
  qr: noLinalg<'qr'>('QR'),
  eigh: noLinalg<'eigh'>('Eigh'),
  svd: noLinalg<'svd'>('SVD'),
} satisfies { readonly [P in 'cholesky' | 'triangular_solve' | 'lu' | 'qr' | 'eigh' | 'svd']: OvLowering<P> }
