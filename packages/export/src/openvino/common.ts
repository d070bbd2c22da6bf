/**
 * @file The OpenVINO lowering contract (`OvLowering<P>`, exhaustive `OvLoweringTable`) and the shape
 * helpers the families share: numpy broadcasting of port shapes, shape tensors with dynamic dims.
 */
import { isFloat, type AbstractValue, type BackendPrim, type BackendPrimParams, type DType, type Dim } from '@kx/core'
import { elementType, portKey, type IrBuilder, type OutSpec, type Port } from './ir.js'

/**
 * Lowers one primitive call: adds OpenVINO layers to `b` reading `inputs` and returns one port per
 * output, of the output's dtype. Throws `UnsupportedOpError` (through `b.unsupported`) for what the
 * OpenVINO opsets cannot express.
 */
export type OvLowering<P extends BackendPrim> = (
  b: IrBuilder, inputs: readonly Port[], params: BackendPrimParams[P], outputs: readonly AbstractValue[],
) => Port[]

/** One lowering per backend primitive: a missing primitive is a compile error. */
export type OvLoweringTable = { readonly [P in BackendPrim]: OvLowering<P> }

/** `[0, n)` shifted by `from`. */
export const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i)

/** Numpy broadcasting of two shapes (a dynamic dim against 1 or a dynamic dim stays dynamic). */
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[]): Dim[] {
  const r = Math.max(a.length, b.length)
  return range(r).map((i) => {
    const ia = a.length - r + i
    const ib = b.length - r + i
    const x = ia >= 0 ? a[ia]! : 1
    const y = ib >= 0 ? b[ib]! : 1
    if (x === 1) return y
    if (y === 1) return x
    return x ?? y
  })
}

const sameShape = (a: readonly Dim[], b: readonly Dim[]): boolean => a.length === b.length && a.every((d, i) => d === b[i])
const inverse = (perm: readonly number[]): number[] => { const inv: number[] = []; perm.forEach((p, i) => { inv[p] = i }); return inv }

/** Operands in their un-stretched form where numpy broadcasting gives the same result shape. */
function narrowAll(b: IrBuilder, xs: readonly Port[]): Port[] {
  const out = xs.slice()
  const target = out.reduce<Dim[]>((acc, p) => broadcastShapes(acc, p.shape), [])
  for (let i = 0; i < out.length; i++) {
    const n = b.narrow.get(portKey(out[i]!))
    if (!n) continue
    const trial = out.map((p, j) => (j === i ? n : p))
    if (sameShape(trial.reduce<Dim[]>((acc, p) => broadcastShapes(acc, p.shape), []), target)) out[i] = n
  }
  return out
}

/**
 * Elementwise ops run before transposes: when an operand is a transposed value and the others are
 * scalars, small broadcast vectors or values transposed the same way, the op is applied to the sources
 * and its result transposed once — so the transposes around NCHW convolutions and pools cancel.
 * Returns the sources and the permutation, or undefined.
 */
function sinkable(b: IrBuilder, xs: readonly Port[]): { srcs: Port[]; perm: readonly number[] } | undefined {
  const t = xs.map((p) => b.transposed.get(portKey(p)))
  const lead = t.find((x) => x !== undefined)
  if (!lead) return undefined
  const perm = lead.perm
  const inv = inverse(perm)
  const srcs: Port[] = []
  for (let i = 0; i < xs.length; i++) {
    const p = xs[i]!
    const ti = t[i]
    if (ti) {
      if (ti.perm.length !== perm.length || ti.perm.some((v, j) => v !== perm[j])) return undefined
      srcs.push(ti.src)
    } else if (p.shape.length === 0) {
      srcs.push(p)
    } else if (p.shape.length === perm.length && p.shape.filter((d) => d !== 1).length <= 1) {
      srcs.push(transpose(b, p, inv))
    } else {
      return undefined
    }
  }
  return { srcs, perm }
}

/** An elementwise binary op with numpy broadcasting (`auto_broadcast` is numpy by default). */
export function binary(b: IrBuilder, type: string, x: Port, y: Port, dtype: DType = x.dtype, data?: Record<string, string | boolean>): Port {
  const [nx, ny] = narrowAll(b, [x, y])
  const sunk = sinkable(b, [nx!, ny!])
  if (sunk) return transpose(b, binary(b, type, sunk.srcs[0]!, sunk.srcs[1]!, dtype, data), sunk.perm)
  return b.op(type, [nx!, ny!], { dtype, shape: broadcastShapes(nx!.shape, ny!.shape) }, data)
}

/** An elementwise unary op. */
export function unary(b: IrBuilder, type: string, x: Port, version = 'opset1', data?: Record<string, string>): Port {
  const t = b.transposed.get(portKey(x))
  if (t) return transpose(b, unary(b, type, t.src, version, data), t.perm)
  return b.op(type, [x], { dtype: x.dtype, shape: x.shape }, data, version)
}

/** `Convert` to `dtype` (no layer when the dtype already matches). */
export function convert(b: IrBuilder, x: Port, dtype: DType): Port {
  return x.dtype === dtype ? x : b.op('Convert', [x], { dtype, shape: x.shape }, { destination_type: elementTypeOf(dtype) })
}

/** OpenVINO element type name of a dtype (for `destination_type`, `index_element_type`). */
export const elementTypeOf = elementType

/** `ShapeOf` (int64) of a port. */
export function shapeOf(b: IrBuilder, x: Port): Port {
  return b.op('ShapeOf', [x], { dtype: 'int64', shape: [x.shape.length] }, { output_type: 'i64' }, 'opset3')
}

/** One dim of a port's runtime shape, as a 1-element int64 vector. */
export function dimOf(b: IrBuilder, x: Port, axis: number): Port {
  return b.op('Gather', [shapeOf(b, x), b.i64([axis]), b.scalar(0, 'int64')], { dtype: 'int64', shape: [1] }, { batch_dims: 0 }, 'opset8')
}

/** A target shape: static entries, or `[port, axis]` references to another value's dim (dynamic dims). */
export type DimRef = number | readonly [Port, number]

/** An int64 shape vector from static dims and references (a `Concat` only when a reference is dynamic). */
export function shapeVector(b: IrBuilder, dims: readonly DimRef[]): Port {
  const resolved = dims.map((d) => (typeof d === 'number' ? d : d[0].shape[d[1]] ?? d))
  if (resolved.every((d) => typeof d === 'number')) return b.i64(resolved as number[])
  const parts = resolved.map((d) => (typeof d === 'number' ? b.i64([d]) : dimOf(b, d[0], d[1])))
  return b.op('Concat', parts, { dtype: 'int64', shape: [dims.length] }, { axis: 0 })
}

/** `Reshape` to `dims` (static or referenced dims; one -1 allowed). */
export function reshape(b: IrBuilder, x: Port, dims: readonly DimRef[]): Port {
  const shape: Dim[] = dims.map((d) => (typeof d === 'number' ? (d < 0 ? null : d) : d[0].shape[d[1]] ?? null))
  if (shape.length === x.shape.length && shape.every((d, i) => d !== null && d === x.shape[i])) return x
  // NOTE: OpenVINO 2026.4's CPU plugin segfaults compiling a MatMul reshaped straight to rank 0; Squeeze avoids it.
  if (dims.length === 0) return b.op('Squeeze', [reshape(b, x, [1]), b.i64([0])], { dtype: x.dtype, shape: [] })
  return b.op('Reshape', [x, shapeVector(b, dims)], { dtype: x.dtype, shape }, { special_zero: false })
}

/** `Transpose` by `perm` (no layer for the identity; a transpose of a transpose composes). */
export function transpose(b: IrBuilder, x: Port, perm: readonly number[]): Port {
  if (perm.every((p, i) => p === i)) return x
  const t = b.transposed.get(portKey(x))
  if (t) return transpose(b, t.src, perm.map((i) => t.perm[i]!))
  const c = b.constantOf(x)
  if (c) return b.constant(transposeValues(c.values, c.shape, perm), c.dtype, perm.map((p) => c.shape[p]!), `${c.name}/transposed`)
  const y = b.op('Transpose', [x, b.i64(perm)], { dtype: x.dtype, shape: perm.map((p) => x.shape[p]!) })
  b.transposed.set(portKey(y), { src: x, perm })
  return y
}

/** Row-major values of a host array transposed by `perm` (constants are folded at export time). */
function transposeValues(values: ArrayLike<number>, shape: readonly number[], perm: readonly number[]): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, c) => a * c, 1))
  const outShape = perm.map((p) => shape[p]!)
  const out = new Array<number>(values.length)
  const idx = new Array<number>(outShape.length).fill(0)
  for (let o = 0; o < out.length; o++) {
    let src = 0
    for (let d = 0; d < idx.length; d++) src += idx[d]! * strides[perm[d]!]!
    out[o] = values[src]!
    for (let d = idx.length - 1; d >= 0; d--) { if (++idx[d]! < outShape[d]!) break; idx[d] = 0 }
  }
  return out
}

/** Whether `p` is a constant whose every element is `v`. */
function isConstant(b: IrBuilder, p: Port, v: number): boolean {
  const vals = b.values.get(portKey(p))
  return vals !== undefined && vals.every((e) => e === v)
}

/** `Select(cond, then, else)` with numpy broadcasting; `x > 0 ? x : 0` (kx's relu) becomes `ReLU`. */
export function select(b: IrBuilder, cond: Port, onTrue: Port, onFalse: Port): Port {
  const [c, t, f] = narrowAll(b, [cond, onTrue, onFalse])
  const sunk = sinkable(b, [c!, t!, f!])
  if (sunk) return transpose(b, select(b, sunk.srcs[0]!, sunk.srcs[1]!, sunk.srcs[2]!), sunk.perm)
  const pred = b.producer(c!)
  if (pred.type === 'Greater' && portKey(pred.inputs[0]!) === portKey(t!) && isConstant(b, pred.inputs[1]!, 0) && isConstant(b, f!, 0) && isFloat(t!.dtype)) {
    return b.op('ReLU', [t!], { dtype: t!.dtype, shape: t!.shape })
  }
  const shape = broadcastShapes(c!.shape, broadcastShapes(t!.shape, f!.shape))
  return b.op('Select', [c!, t!, f!], { dtype: t!.dtype, shape }, { auto_broadcast: 'numpy' })
}

/** `Slice` (opset8) along `axes`. */
export function slice(b: IrBuilder, x: Port, axes: readonly number[], starts: readonly number[], stops: readonly number[], steps: readonly number[], out: OutSpec): Port {
  return b.op('Slice', [x, b.i64(starts), b.i64(stops), b.i64(steps), b.i64(axes)], out, undefined, 'opset8')
}

/** `Pad` (opset12: negative pads crop) with a constant value port. */
export function pad(b: IrBuilder, x: Port, lo: readonly number[], hi: readonly number[], value: Port): Port {
  if (lo.every((v) => v === 0) && hi.every((v) => v === 0)) return x
  const shape = x.shape.map((d, i) => (d === null ? null : d + lo[i]! + hi[i]!))
  return b.op('Pad', [x, b.i64(lo), b.i64(hi), value], { dtype: x.dtype, shape }, { pad_mode: 'constant' }, 'opset12')
}

/** The smallest and largest finite-or-infinite values of a dtype (identities of max/min). */
export function lowest(d: DType): number {
  switch (d) {
    case 'bool': case 'uint8': case 'uint16': case 'uint32': return 0
    case 'int8': return -128
    case 'int16': return -32768
    case 'int32': return -(2 ** 31)
    case 'int64': return -(2 ** 63)
    default: return -Infinity
  }
}
export function highest(d: DType): number {
  switch (d) {
    case 'bool': return 1
    case 'uint8': return 255
    case 'uint16': return 65535
    case 'uint32': return 2 ** 32 - 1
    case 'int8': return 127
    case 'int16': return 32767
    case 'int32': return 2 ** 31 - 1
    case 'int64': return 2 ** 63 - 1
    default: return Infinity
  }
}
