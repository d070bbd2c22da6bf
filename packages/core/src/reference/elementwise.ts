/** @file Reference implementations of elementwise primitives (float64 math on host arrays). */
import { allocTyped, isBool, isFloat, isUnsigned, type DType, type TypedArray } from '../dtype.js'
import type { BinaryPrim, ComparePrim, UnaryPrim } from '../primitives/types.js'
import type { RefImpl, RefImplTable, RefTensor } from './types.js'
import { digamma, erf, erfInv, igamma, lgamma } from './special.js'

/** Round half to even (NumPy/JAX `round`). */
function roundHalfEven(x: number): number {
  const r = Math.round(x)
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

const UNARY: { [P in UnaryPrim]: (x: number, dtype: DType) => number } = {
  neg: (x) => -x,
  sign: (x) => (Number.isNaN(x) ? NaN : x > 0 ? 1 : x < 0 ? -1 : 0),
  floor: Math.floor, ceil: Math.ceil, round: roundHalfEven,
  is_finite: (x) => (Number.isFinite(x) ? 1 : 0),
  exp: Math.exp, log: Math.log, log1p: Math.log1p, expm1: Math.expm1, tanh: Math.tanh,
  logistic: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  sin: Math.sin, cos: Math.cos, tan: Math.tan, asin: Math.asin, acos: Math.acos, atan: Math.atan,
  sinh: Math.sinh, cosh: Math.cosh, asinh: Math.asinh, acosh: Math.acosh, atanh: Math.atanh,
  sqrt: Math.sqrt, rsqrt: (x) => 1 / Math.sqrt(x), cbrt: Math.cbrt, abs: Math.abs,
  not: (x, d) => (isBool(d) ? (x ? 0 : 1) : ~x),
  erf, erf_inv: erfInv, lgamma, digamma,
  stop_gradient: (x) => x,
}

function intDiv(x: number, y: number, d: DType): number {
  if (isFloat(d)) return x / y
  if (y === 0) return isUnsigned(d) ? 0xffffffff : -1 // XLA: integer x / 0 is all ones
  return Math.trunc(x / y)
}
/** 32-bit integer products wrap like XLA's; a float64 product loses the low bits above 2^53 first. */
export const wrapMul32 = (d: DType): boolean => d === 'int32' || d === 'uint32'
function intPow(x: number, y: number, d: DType): number {
  if (isFloat(d)) return Math.pow(x, y)
  if (y < 0) return x === 1 ? 1 : x === -1 ? (y % 2 === 0 ? 1 : -1) : 0
  let r = 1
  for (let i = 0; i < y; i++) r = wrapMul32(d) ? Math.imul(r, x) : r * x
  return r
}
const maxNaN = (x: number, y: number): number => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y))
const minNaN = (x: number, y: number): number => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y))

const BINARY: { [P in BinaryPrim]: (x: number, y: number, d: DType) => number } = {
  add: (x, y, d) => (isBool(d) ? (x || y ? 1 : 0) : x + y),
  sub: (x, y) => x - y,
  mul: (x, y, d) => (isBool(d) ? (x && y ? 1 : 0) : wrapMul32(d) ? Math.imul(x, y) : x * y),
  div: intDiv,
  rem: (x, y, d) => (!isFloat(d) && y === 0 ? x : x % y),
  pow: intPow,
  max: maxNaN, min: minNaN,
  atan2: Math.atan2,
  and: (x, y, d) => (isBool(d) ? (x && y ? 1 : 0) : x & y),
  or: (x, y, d) => (isBool(d) ? (x || y ? 1 : 0) : x | y),
  xor: (x, y, d) => (isBool(d) ? (x !== y ? 1 : 0) : x ^ y),
  igamma: (a, x) => igamma(a, x),
}

const COMPARE: { [P in ComparePrim]: (x: number, y: number) => boolean } = {
  eq: (x, y) => x === y, ne: (x, y) => x !== y, lt: (x, y) => x < y, le: (x, y) => x <= y, gt: (x, y) => x > y, ge: (x, y) => x >= y,
}

function unaryImpl<P extends UnaryPrim>(p: P): RefImpl<P> {
  const f = UNARY[p]
  return ([x], _params, [out]) => {
    const o = allocTyped(out!.dtype, x!.values.length)
    const v = x!.values
    for (let i = 0; i < v.length; i++) o[i] = f(v[i] as number, x!.dtype)
    return [o]
  }
}
function binaryImpl<P extends BinaryPrim>(p: P): RefImpl<P> {
  const f = BINARY[p]
  return ([x, y], _params, [out]) => {
    const o = allocTyped(out!.dtype, x!.values.length)
    const a = x!.values
    const b = y!.values
    for (let i = 0; i < a.length; i++) o[i] = f(a[i] as number, b[i] as number, x!.dtype)
    return [o]
  }
}
function compareImpl<P extends ComparePrim>(p: P): RefImpl<P> {
  const f = COMPARE[p]
  return ([x, y]) => {
    const o = new Uint8Array(x!.values.length)
    const a = x!.values
    const b = y!.values
    for (let i = 0; i < a.length; i++) o[i] = f(a[i] as number, b[i] as number) ? 1 : 0
    return [o]
  }
}

/** Converts values to a dtype with C-like semantics (truncation toward zero; NaN → 0 for ints). */
export function convertValues(src: RefTensor, dtype: DType): TypedArray {
  const o = allocTyped(dtype, src.values.length)
  const v = src.values
  // NOTE: NaN is truthy when cast to bool (JAX/NumPy), so test `!== 0`, not JS truthiness.
  if (dtype === 'bool') for (let i = 0; i < v.length; i++) o[i] = v[i] !== 0 ? 1 : 0
  else if (isFloat(dtype)) for (let i = 0; i < v.length; i++) o[i] = v[i] as number
  else for (let i = 0; i < v.length; i++) { const x = v[i] as number; o[i] = Number.isNaN(x) ? 0 : Math.trunc(x) }
  return o
}

export const elementwiseImpls = {
  ...Object.fromEntries((['neg', 'sign', 'floor', 'ceil', 'round', 'is_finite', 'exp', 'log', 'log1p', 'expm1', 'tanh', 'logistic', 'sin', 'cos', 'tan',
    'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'sqrt', 'rsqrt', 'cbrt', 'abs', 'not', 'erf', 'erf_inv',
    'lgamma', 'digamma', 'stop_gradient'] as const).map((p) => [p, unaryImpl(p)])) as { [P in UnaryPrim]: RefImpl<P> },
  ...Object.fromEntries((['add', 'sub', 'mul', 'div', 'rem', 'pow', 'max', 'min', 'atan2', 'and', 'or', 'xor', 'igamma'] as const).map((p) => [p, binaryImpl(p)])) as { [P in BinaryPrim]: RefImpl<P> },
  ...Object.fromEntries((['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const).map((p) => [p, compareImpl(p)])) as { [P in ComparePrim]: RefImpl<P> },
  select_n: ([pred, onFalse, onTrue], _p, [out]) => {
    const o = allocTyped(out!.dtype, pred!.values.length)
    for (let i = 0; i < o.length; i++) o[i] = pred!.values[i] ? onTrue!.values[i]! : onFalse!.values[i]!
    return [o]
  },
  convert_element_type: ([x], { newDtype }) => [convertValues(x!, newDtype)],
  bitcast_convert_type: ([x], { newDtype }) => {
    const src = x!.values
    // NOTE: float16/bfloat16 and int64 are not stored at their own width on the host, so only
    // dtypes whose host storage matches their definition can be reinterpreted.
    const bytes = new Uint8Array(src.buffer, src.byteOffset, src.byteLength).slice()
    const o = allocTyped(newDtype, 0)
    const Ctor = o.constructor as new (b: ArrayBuffer) => TypedArray
    return [new Ctor(bytes.buffer)]
  },
} satisfies Partial<RefImplTable>
