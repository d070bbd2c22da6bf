/**
 * @file The lowering contract (`Lowering<P>`, exhaustive `LoweringTable`) and helpers shared by the
 * families: compute-dtype selection (ORT CPU kernels cover few integer widths), float64 gaps, NaN masks.
 */
import { isFloat, type AbstractValue, type BackendPrim, type BackendPrimParams, type DType } from '@kx/core'
import type { GraphBuilder, LVal } from '../onnx/builder.js'
import { ONNX_TYPE } from '../onnx/proto.js'
import { STORAGE, isHalf } from '../onnx/dtypes.js'

/**
 * Lowers one primitive call: emits ONNX nodes into `b` reading `inputs` and returns one value name per
 * output, each in the storage type of its output dtype (`STORAGE`). Throws `UnsupportedOpError`
 * (through `b.unsupported`) for cases ONNX cannot express.
 */
export type Lowering<P extends BackendPrim> = (
  b: GraphBuilder, inputs: readonly LVal[], params: BackendPrimParams[P], outputs: readonly AbstractValue[],
) => string[]

/** One lowering per backend primitive: a missing primitive is a compile error. */
export type LoweringTable = { readonly [P in BackendPrim]: Lowering<P> }

/** Dtypes to widen to, in order of preference, when an ONNX kernel lacks a dtype. */
const WIDER: { readonly [D in DType]: readonly DType[] } = {
  bool: ['int32', 'int64', 'float32', 'float64'],
  int8: ['int32', 'int64', 'float32', 'float64'],
  uint8: ['int32', 'int64', 'float32', 'float64'],
  int16: ['int32', 'int64', 'float32', 'float64'],
  uint16: ['int32', 'int64', 'float32', 'float64'],
  int32: ['int64', 'float64'],
  uint32: ['int64', 'float64'],
  int64: ['float64'],
  float16: ['float32', 'float64'],
  bfloat16: ['float32', 'float64'],
  float32: ['float64'],
  float64: [],
}

/** The dtype a kernel that supports `allowed` computes `d` in (`undefined`: none fits). */
export function computeDtype(d: DType, allowed: readonly DType[]): DType | undefined {
  if (allowed.includes(d)) return d
  return WIDER[d].find((w) => allowed.includes(w))
}

/**
 * Casts every input to one compute dtype the kernel supports (half types compute in float32 for free:
 * that is their storage). Throws a typed error when none fits.
 */
export function toCompute(b: GraphBuilder, xs: readonly LVal[], allowed: readonly DType[], onnxOp: string): { names: string[]; dtype: DType } {
  const d = xs[0]!.dtype
  const c = computeDtype(d, allowed)
  if (!c) b.unsupported(onnxOp, `no ${onnxOp} kernel for dtype ${d}`)
  // Broadcasting ops take broadcast-hinted operands in their small form (see `GraphBuilder.bcast`).
  const names = xs.length > 1 ? b.narrow(xs.map((x) => x.name)) : [xs[0]!.name]
  return { names: names.map((n, i) => b.cast(n, xs[i]!.dtype, c)), dtype: c }
}

/** Casts a computed value back to the output dtype (rounding half types). */
export function fromCompute(b: GraphBuilder, name: string, computed: DType, out: DType): string {
  if (computed === out) return name
  if (isHalf(out) && computed === 'float32') return b.roundHalf(name, out)
  return b.cast(name, computed, out)
}

/** Runs a single-op kernel in a supported dtype and casts back: the common elementwise pattern. */
export function viaKernel(
  b: GraphBuilder, op: string, xs: readonly LVal[], allowed: readonly DType[], out: DType, attrs?: Record<string, never | number | string>,
): string {
  const { names, dtype } = toCompute(b, xs, allowed, op)
  const y = b.sinkTranspose(names, (ns) => b.op(op, ns, attrs)) ?? b.op(op, names, attrs)
  return fromCompute(b, y, dtype, out)
}

export const FLOATS: readonly DType[] = ['float32', 'float64']
export const F32: readonly DType[] = ['float32']
/** Types the ORT CPU arithmetic kernels (Add/Sub/Mul/Div) have. */
export const ARITH: readonly DType[] = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'float32', 'float64']
/** Types of Max/Min, ReduceMax/Min, ArgMax/Min, MaxPool-like kernels. */
export const ORDERED: readonly DType[] = ['int8', 'int32', 'int64', 'uint8', 'uint32', 'float32', 'float64']
export const I32_I64_F: readonly DType[] = ['int32', 'int64', 'float32', 'float64']
export const ALL_INTS: readonly DType[] = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32']

/** Boolean mask of NaN entries (all false for non-floats). */
export function isNaNMask(b: GraphBuilder, x: LVal): string | undefined {
  return isFloat(x.dtype) ? b.op('IsNaN', [x.name]) : undefined
}

/** `where(mask, a, b)`; mask absent = `b`. */
export function whereMaybe(b: GraphBuilder, mask: string | undefined, onTrue: string, onFalse: string): string {
  return mask ? b.op('Where', [mask, onTrue, onFalse]) : onFalse
}

/** A scalar of value `v` in the storage of `d`, or of float32 for half dtypes. */
export const scalarOf = (b: GraphBuilder, v: number, d: DType): string => b.scalar(v, d)

/** float type code of a float dtype's storage. */
export const floatStorage = (d: DType): number => (d === 'float64' ? ONNX_TYPE.DOUBLE : ONNX_TYPE.FLOAT)

/** `STORAGE` re-export for families. */
export { STORAGE }
