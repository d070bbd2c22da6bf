/**
 * @file Lowerings of reductions (NaN-propagating max/min, bitwise and/or by a halving tree), argmax /
 * argmin (first NaN wins) and the cumulative scans (CumSum, or a log-step Hillis–Steele scan).
 */
import { isFloat, type CumulativePrim, type DType, type ReducePrim } from '@kx/core'
import type { GraphBuilder, LVal } from '../onnx/builder.js'
import { ONNX_TYPE } from '../onnx/proto.js'
import { STORAGE } from '../onnx/dtypes.js'
import { I32_I64_F, ORDERED, computeDtype, fromCompute, toCompute, type Lowering } from './common.js'
import { binaryLowerings } from './elementwise.js'

/** Reduction identity values by dtype (the reference's `lowest`/`highest`). */
export function lowest(d: DType): number {
  if (isFloat(d)) return -Infinity
  return ({ int8: -128, int16: -32768, int32: -2147483648, int64: -(2 ** 63) } as Partial<Record<DType, number>>)[d] ?? 0
}
export function highest(d: DType): number {
  if (isFloat(d)) return Infinity
  return ({ bool: 1, int8: 127, int16: 32767, int32: 2147483647, int64: 2 ** 63 - 1, uint8: 255, uint16: 65535, uint32: 4294967295 } as Partial<Record<DType, number>>)[d] ?? 0
}

/** `ReduceX(x, axes)` with keepdims=0 (no node for no axes). */
function reduceOp(b: GraphBuilder, op: string, x: string, axes: readonly number[], keep = 0): string {
  return b.op(op, [x, b.i64(axes)], { keepdims: keep })
}

/** Max/min reduction that propagates NaN (ORT's kernels skip it). */
function reduceExtreme(b: GraphBuilder, x: LVal, axes: readonly number[], op: 'ReduceMax' | 'ReduceMin', out: DType): string {
  if (x.dtype === 'bool') {
    const u = b.castTo(x.name, ONNX_TYPE.BOOL, ONNX_TYPE.UINT8)
    return b.castTo(reduceOp(b, op, u, axes), ONNX_TYPE.UINT8, ONNX_TYPE.BOOL)
  }
  const { names: [v], dtype } = toCompute(b, [x], ORDERED, op)
  let r = reduceOp(b, op, v!, axes)
  if (isFloat(x.dtype)) {
    const nan = reduceOp(b, 'ReduceMax', b.castTo(b.op('IsNaN', [v!]), ONNX_TYPE.BOOL, ONNX_TYPE.UINT8), axes)
    r = b.op('Where', [b.castTo(nan, ONNX_TYPE.UINT8, ONNX_TYPE.BOOL), b.scalar(NaN, dtype), r])
  }
  return fromCompute(b, r, dtype, out)
}

/**
 * Reduces `x` (shape `[rows, k]`, k static) along its last axis with a binary ONNX op by halving:
 * odd lengths are padded with `identity` first.
 */
function halvingTree(b: GraphBuilder, x: string, k: number, op: string, identity: string): string {
  let cur = x
  let n = k
  if (n === 0) return b.op('Squeeze', [b.op('Pad', [cur, b.i64([0, 0, 0, 1]), identity]), b.i64([1])])
  while (n > 1) {
    if (n % 2 === 1) { cur = b.op('Pad', [cur, b.i64([0, 0, 0, 1]), identity]); n++ }
    const half = n / 2
    const lo = b.op('Slice', [cur, b.i64([0]), b.i64([half]), b.i64([1])])
    const hi = b.op('Slice', [cur, b.i64([half]), b.i64([n]), b.i64([1])])
    cur = b.op(op, [lo, hi])
    n = half
  }
  return b.op('Squeeze', [cur, b.i64([1])])
}

/** Bitwise and/or over integer axes: move axes last, flatten to [rows, k], halving tree, reshape. */
function bitwiseReduce(b: GraphBuilder, x: LVal, axes: readonly number[], op: 'BitwiseAnd' | 'BitwiseOr', out: readonly (number | null)[]): string {
  const k = axes.reduce((a, ax) => a * (x.shape[ax] ?? NaN), 1)
  if (!Number.isFinite(k)) b.unsupported(op, 'a reduced axis has a dynamic size')
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i))
  const moved = b.op('Transpose', [x.name], { perm: [...kept, ...axes] })
  const flat = b.reshape(moved, [-1, k])
  const identity = b.scalar(op === 'BitwiseAnd' ? -1 : 0, x.dtype)
  const r = halvingTree(b, flat, k, op, identity)
  return b.reshape(r, out.map((d, i) => d ?? ([x, kept[i]!] as const)))
}

function reduceLowering(p: ReducePrim): Lowering<ReducePrim> {
  return (b, [x], { axes }, [o]) => {
    if (axes.length === 0) return [x!.name]
    const d = x!.dtype
    switch (p) {
      case 'reduce_sum':
        if (d === 'bool') return [reduceExtreme(b, x!, axes, 'ReduceMax', o!.dtype)]
        return [reduceWith(b, x!, axes, 'ReduceSum', o!.dtype)]
      case 'reduce_prod':
        if (d === 'bool') return [reduceExtreme(b, x!, axes, 'ReduceMin', o!.dtype)]
        return [reduceWith(b, x!, axes, 'ReduceProd', o!.dtype)]
      case 'reduce_max': return [reduceExtreme(b, x!, axes, 'ReduceMax', o!.dtype)]
      case 'reduce_min': return [reduceExtreme(b, x!, axes, 'ReduceMin', o!.dtype)]
      case 'reduce_and':
        if (d === 'bool') return [reduceExtreme(b, x!, axes, 'ReduceMin', o!.dtype)]
        return [bitwiseReduce(b, x!, axes, 'BitwiseAnd', o!.shape)]
      case 'reduce_or':
        if (d === 'bool') return [reduceExtreme(b, x!, axes, 'ReduceMax', o!.dtype)]
        return [bitwiseReduce(b, x!, axes, 'BitwiseOr', o!.shape)]
    }
  }
}

function reduceWith(b: GraphBuilder, x: LVal, axes: readonly number[], op: string, out: DType): string {
  const { names: [v], dtype } = toCompute(b, [x], I32_I64_F, op)
  return fromCompute(b, reduceOp(b, op, v!, axes), dtype, out)
}

/** ArgMax/ArgMin with NumPy's rules: first extreme wins; the first NaN beats everything. */
function argLowering(op: 'ArgMax' | 'ArgMin'): Lowering<'argmax' | 'argmin'> {
  return (b, [x], { axis, indexDtype }) => {
    const v = x!.dtype === 'bool' ? b.castTo(x!.name, ONNX_TYPE.BOOL, ONNX_TYPE.UINT8) : toCompute(b, [x!], ORDERED, op).names[0]!
    let r = b.op(op, [v], { axis, keepdims: 0, select_last_index: 0 })
    if (isFloat(x!.dtype)) {
      const nanU8 = b.castTo(b.op('IsNaN', [v]), ONNX_TYPE.BOOL, ONNX_TYPE.UINT8)
      const firstNaN = b.op('ArgMax', [nanU8], { axis, keepdims: 0, select_last_index: 0 })
      const any = b.castTo(reduceOp(b, 'ReduceMax', nanU8, [axis]), ONNX_TYPE.UINT8, ONNX_TYPE.BOOL)
      r = b.op('Where', [any, firstNaN, r])
    }
    return [b.castTo(r, ONNX_TYPE.INT64, STORAGE[indexDtype])]
  }
}

/** `x` shifted by `s` places along `axis` toward the scan direction, filled with `fill`. */
function shifted(b: GraphBuilder, x: string, axis: number, n: number, s: number, reverse: boolean, fill: string, rank: number): string {
  const part = reverse
    ? b.op('Slice', [x, b.i64([s]), b.i64([n]), b.i64([axis])])
    : b.op('Slice', [x, b.i64([0]), b.i64([n - s]), b.i64([axis])])
  const pads = new Array<number>(2 * rank).fill(0)
  pads[reverse ? rank + axis : axis] = s
  return b.op('Pad', [part, b.i64(pads), fill])
}

/** Types of ORT's Pad kernel. */
export const PAD_TYPES: readonly DType[] = ['bool', 'int8', 'int32', 'int64', 'uint8', 'uint32', 'float32', 'float64']

/** Inclusive scan by log-step doubling (Hillis–Steele): ⌈log₂ n⌉ rounds of shift-and-combine. */
function doublingScan(b: GraphBuilder, x: LVal, axis: number, reverse: boolean, combine: (a: LVal, c: LVal) => string, identity: number): string {
  const n = x.shape[axis]
  if (n === null || n === undefined) b.unsupported('composition', 'the scanned axis has a dynamic size')
  const c = computeDtype(x.dtype, PAD_TYPES)!
  let cur: LVal = { name: b.cast(x.name, x.dtype, c), shape: x.shape, dtype: c }
  const fill = b.scalar(identity, c)
  for (let s = 1; s < n; s *= 2) {
    const sh: LVal = { ...cur, name: shifted(b, cur.name, axis, n, s, reverse, fill, x.shape.length) }
    cur = { ...cur, name: combine(cur, sh) }
  }
  return fromCompute(b, cur.name, c, x.dtype)
}

function cumulativeLowering(p: CumulativePrim): Lowering<CumulativePrim> {
  return (b, [x], { axis, reverse }, [o]) => {
    const d = x!.dtype
    if (p === 'cumsum' && d !== 'bool') {
      const { names: [v], dtype } = toCompute(b, [x!], I32_I64_F, 'CumSum')
      return [fromCompute(b, b.op('CumSum', [v!, b.i64s(axis)], { reverse: reverse ? 1 : 0 }), dtype, o!.dtype)]
    }
    const prim = p === 'cumsum' ? 'add' : p === 'cumprod' ? 'mul' : p === 'cummax' ? 'max' : 'min'
    const identity = p === 'cumsum' ? 0 : p === 'cumprod' ? 1 : p === 'cummax' ? lowest(d) : highest(d)
    const combine = (a: LVal, c: LVal): string => binaryLowerings[prim](b, [a, c], {}, [{ shape: a.shape, dtype: a.dtype }])[0]!
    return [doublingScan(b, x!, axis, reverse, combine, identity)]
  }
}

export const reduceLowerings = {
  reduce_sum: reduceLowering('reduce_sum'),
  reduce_max: reduceLowering('reduce_max'),
  reduce_min: reduceLowering('reduce_min'),
  reduce_prod: reduceLowering('reduce_prod'),
  reduce_and: reduceLowering('reduce_and'),
  reduce_or: reduceLowering('reduce_or'),
  argmax: argLowering('ArgMax'),
  argmin: argLowering('ArgMin'),
  cumsum: cumulativeLowering('cumsum'),
  cumprod: cumulativeLowering('cumprod'),
  cummax: cumulativeLowering('cummax'),
  cummin: cumulativeLowering('cummin'),
} satisfies { readonly [P in ReducePrim | CumulativePrim | 'argmax' | 'argmin']: Lowering<P> }
