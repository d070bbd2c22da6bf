/**
 * @file Lowerings of the elementwise primitives: unary math, binary arithmetic (integer division and
 * remainder guarded like XLA), comparisons, select and casts (C-like float→int conversion).
 */
import { isFloat, isInt, isUnsigned, type BinaryPrim, type ComparePrim, type DType, type UnaryPrim } from '@kx/core'
import type { GraphBuilder, LVal } from '../onnx/builder.js'
import { ONNX_TYPE } from '../onnx/proto.js'
import { STORAGE } from '../onnx/dtypes.js'
import { ALL_INTS, ARITH, F32, FLOATS, ORDERED, computeDtype, fromCompute, toCompute, viaKernel, type Lowering } from './common.js'
import { Expr } from './expr.js'
import * as sp from './special.js'

/** Runs `f` on the input as float32/float64 storage (half types in float32) and casts back. */
function floatFn(b: GraphBuilder, x: LVal, out: DType, f: (e: Expr, v: string) => string, force64 = false): string {
  const c = force64 ? 'float64' : computeDtype(x.dtype, FLOATS)!
  const v = b.cast(x.name, x.dtype, c)
  return fromCompute(b, f(new Expr(b, c), v), c, out)
}

/** A native float kernel in float32; float64 through `f64` when ORT lacks the double kernel. */
function nativeOr64(op: string, f64?: (e: Expr, v: string) => string): Lowering<UnaryPrim> {
  return (b, [x], _p, [o]) => {
    if (x!.dtype === 'float64' && f64) return [floatFn(b, x!, o!.dtype, f64)]
    return [viaKernel(b, op, [x!], f64 ? F32 : FLOATS, o!.dtype)]
  }
}

const composed = (f: (e: Expr, v: string) => string, force64 = false): Lowering<UnaryPrim> =>
  (b, [x], _p, [o]) => [floatFn(b, x!, o!.dtype, f, force64)]

export const unaryLowerings: { readonly [P in UnaryPrim]: Lowering<P> } = {
  neg: (b, [x], _p, [o]) => {
    if (isUnsigned(x!.dtype)) return [b.op('Sub', [b.scalar(0, x!.dtype), x!.name])]
    return [viaKernel(b, 'Neg', [x!], ['int8', 'int16', 'int32', 'int64', 'float32', 'float64'], o!.dtype)]
  },
  sign: (b, [x], _p, [o]) => {
    const y = viaKernel(b, 'Sign', [x!], ARITH, o!.dtype)
    return [isFloat(x!.dtype) ? b.op('Where', [b.op('IsNaN', [x!.name]), x!.name, y]) : y]
  },
  floor: (b, [x], _p, [o]) => [viaKernel(b, 'Floor', [x!], FLOATS, o!.dtype)],
  ceil: (b, [x], _p, [o]) => [viaKernel(b, 'Ceil', [x!], FLOATS, o!.dtype)],
  round: (b, [x], _p, [o]) => [viaKernel(b, 'Round', [x!], FLOATS, o!.dtype)],
  is_finite: (b, [x]) => [b.op('Not', [b.op('Or', [b.op('IsNaN', [x!.name]), b.op('IsInf', [x!.name])])])],
  exp: nativeOr64('Exp'), log: nativeOr64('Log'), tanh: nativeOr64('Tanh'), logistic: nativeOr64('Sigmoid'),
  sin: nativeOr64('Sin'), cos: nativeOr64('Cos'), sqrt: nativeOr64('Sqrt'), abs: (b, [x], _p, [o]) => [viaKernel(b, 'Abs', [x!], ARITH, o!.dtype)],
  log1p: composed(sp.log1p), expm1: composed(sp.expm1),
  tan: nativeOr64('Tan', (e, v) => e.div(e.sin(v), e.cos(v))),
  asin: nativeOr64('Asin', sp.asin64), acos: nativeOr64('Acos', sp.acos64), atan: nativeOr64('Atan', sp.atan64),
  sinh: nativeOr64('Sinh', sp.sinh64), cosh: nativeOr64('Cosh', sp.cosh64), asinh: nativeOr64('Asinh', sp.asinh64),
  acosh: nativeOr64('Acosh', sp.acosh64), atanh: nativeOr64('Atanh', sp.atanh64),
  rsqrt: composed((e, v) => e.div(1, e.sqrt(v))),
  cbrt: composed(sp.cbrt),
  not: (b, [x]) => [x!.dtype === 'bool' ? b.op('Not', [x!.name]) : b.op('BitwiseNot', [x!.name])],
  erf: nativeOr64('Erf', sp.erf64),
  erf_inv: composed(sp.erfInv, true),
  lgamma: composed(sp.lgamma, true),
  digamma: composed(sp.digamma, true),
  stop_gradient: (_b, [x]) => [x!.name],
}

/**
 * Truncating `xs / ys` (ys ≠ 0) exact on engines whose integer Div rounds through float32: |q| is estimated,
 * its remainder corrected by a second (now small) division and a final ±1 step, then the sign restored.
 */
function exactTruncDiv(e: Expr, xs: string, ys: string): string {
  const ax = e.where(e.lt(xs, 0), e.neg(xs), xs)
  const ay = e.where(e.lt(ys, 0), e.neg(ys), ys)
  const q0 = e.div(ax, ay)
  const q1 = e.add(q0, e.div(e.sub(ax, e.mul(q0, ay)), ay))
  const r1 = e.sub(ax, e.mul(q1, ay))
  const q = e.sub(e.add(q1, e.where(e.ge(r1, ay), 1, 0)), e.where(e.lt(r1, 0), 1, 0))
  return e.where(e.eq(e.lt(xs, 0), e.lt(ys, 0)), q, e.neg(q))
}

/** Signed integer division/remainder in int64 with XLA's results for y = 0 and no trap on MIN / -1. */
function intDivRem(b: GraphBuilder, x: LVal, y: LVal, out: DType, rem: boolean): string {
  const c: DType = 'int64'
  const xs = b.cast(x.name, x.dtype, c)
  const ys = b.cast(y.name, y.dtype, c)
  const e = new Expr(b, c)
  const zero = e.eq(ys, 0)
  const minus1 = e.eq(ys, -1)
  const safe = e.where(e.or(zero, minus1), 1, ys)
  let r: string
  if (rem) {
    r = b.inexactIntDiv ? e.sub(xs, e.mul(exactTruncDiv(e, xs, safe), safe)) : b.op('Mod', [xs, safe], { fmod: 1 })
    r = e.where(minus1, 0, e.where(zero, xs, r))
  } else {
    r = b.inexactIntDiv ? exactTruncDiv(e, xs, safe) : e.div(xs, safe)
    const allOnes = isUnsigned(out) ? 0xffffffff : -1
    r = e.where(minus1, e.neg(xs), e.where(zero, allOnes, r))
  }
  return b.cast(r, c, out)
}

/** Integer power as the reference defines it (negative exponents: 1, ±1 or 0), via float64. */
function intPow(b: GraphBuilder, x: LVal, y: LVal, out: DType): string {
  const e = new Expr(b, 'float64')
  const xd = b.cast(x.name, x.dtype, 'float64')
  const yd = b.cast(y.name, y.dtype, 'float64')
  const p = e.pow(xd, yd)
  const odd = e.eq(e.sub(yd, e.mul(2, e.floor(e.mul(yd, 0.5)))), 1)
  const negExp = e.where(e.eq(xd, 1), 1, e.where(e.eq(xd, -1), e.where(odd, -1, 1), 0))
  const r = e.where(e.lt(yd, 0), negExp, p)
  return b.cast(b.castTo(r, ONNX_TYPE.DOUBLE, ONNX_TYPE.INT64), 'int64', out)
}

const boolOr = (op: string, intOp: string | undefined, kernel: string): Lowering<BinaryPrim> => (b, [x, y], _p, [o]) => {
  if (x!.dtype === 'bool') return [b.op(op, [x!.name, y!.name])]
  if (intOp && isInt(x!.dtype)) return [b.op(intOp, [x!.name, y!.name])]
  return [viaKernel(b, kernel, [x!, y!], kernel === 'Max' || kernel === 'Min' ? ORDERED : ARITH, o!.dtype)]
}

/** `Relu(x)` (float32), moved before a layout transpose of `x` so convolutions' transposes cancel. */
export const relu = (b: GraphBuilder, x: string): string => b.sinkTranspose([x], ([s]) => b.op('Relu', [s!])) ?? b.op('Relu', [x])

/** Arithmetic on bool computes in int32 and casts back (nonzero = true). */
const arith = (op: string): Lowering<BinaryPrim> => (b, [x, y], _p, [o]) => [viaKernel(b, op, [x!, y!], ARITH, o!.dtype)]

export const binaryLowerings: { readonly [P in BinaryPrim]: Lowering<P> } = {
  add: boolOr('Or', undefined, 'Add'),
  sub: arith('Sub'),
  mul: boolOr('And', undefined, 'Mul'),
  div: (b, [x, y], _p, [o]) => {
    if (isFloat(x!.dtype)) return [viaKernel(b, 'Div', [x!, y!], FLOATS, o!.dtype)]
    return [intDivRem(b, x!, y!, o!.dtype, false)]
  },
  rem: (b, [x, y], _p, [o]) => {
    if (isFloat(x!.dtype)) return [viaKernel(b, 'Mod', [x!, y!], FLOATS, o!.dtype, { fmod: 1 })]
    return [intDivRem(b, x!, y!, o!.dtype, true)]
  },
  pow: (b, [x, y], _p, [o]) => {
    if (isFloat(x!.dtype)) return [viaKernel(b, 'Pow', [x!, y!], FLOATS, o!.dtype)]
    return [intPow(b, x!, y!, o!.dtype)]
  },
  max: (b, [x, y], p, o) => {
    // NOTE: max(x, 0) is Relu, which ORT fuses into convolutions and matmuls; it keeps NaN (as max
    // does) and differs only in returning -0 for -0.
    if (isFloat(x!.dtype) && computeDtype(x!.dtype, FLOATS) === 'float32') {
      if (b.splat.get(y!.name) === 0) return [fromCompute(b, relu(b, x!.name), 'float32', o[0]!.dtype)]
      if (b.splat.get(x!.name) === 0) return [fromCompute(b, relu(b, y!.name), 'float32', o[0]!.dtype)]
    }
    return boolOr('Or', undefined, 'Max')(b, [x!, y!], p, o)
  },
  min: boolOr('And', undefined, 'Min'),
  atan2: (b, [x, y], _p, [o]) => {
    const c = computeDtype(x!.dtype, FLOATS)!
    return [fromCompute(b, sp.atan2(new Expr(b, c), b.cast(x!.name, x!.dtype, c), b.cast(y!.name, y!.dtype, c)), c, o!.dtype)]
  },
  and: boolOr('And', 'BitwiseAnd', 'BitwiseAnd'),
  or: boolOr('Or', 'BitwiseOr', 'BitwiseOr'),
  xor: boolOr('Xor', 'BitwiseXor', 'BitwiseXor'),
  igamma: (b) => b.unsupported('composition', 'the regularized incomplete gamma function needs data-dependent iteration counts'),
}

const COMPARE_OPS: { readonly [P in ComparePrim]: string } = { eq: 'Equal', ne: 'Equal', lt: 'Less', le: 'LessOrEqual', gt: 'Greater', ge: 'GreaterOrEqual' }
const compare = (p: ComparePrim): Lowering<ComparePrim> => (b, [x, y]) => {
  const allowed: readonly DType[] = p === 'eq' || p === 'ne' ? ['bool', ...ARITH] : ARITH
  const { names } = toCompute(b, [x!, y!], allowed, COMPARE_OPS[p])
  const r = b.op(COMPARE_OPS[p], names)
  return [p === 'ne' ? b.op('Not', [r]) : r]
}

export const compareLowerings: { readonly [P in ComparePrim]: Lowering<P> } = {
  eq: compare('eq'), ne: compare('ne'), lt: compare('lt'), le: compare('le'), gt: compare('gt'), ge: compare('ge'),
}

/** Types ORT's Where kernel has. */
export const WHERE_TYPES: readonly DType[] = ['uint8', 'int32', 'int64', 'float32', 'float64']

/** `where(pred, a, b)` for any dtype (widened to a type the kernel has, cast back). */
export function select(b: GraphBuilder, pred: string, onTrue: LVal, onFalse: LVal): string {
  const d = onTrue.dtype
  const c: DType = d === 'bool' ? 'uint8' : d === 'uint16' || d === 'int8' || d === 'int16' ? 'int32' : d === 'uint32' ? 'int64' : d
  const [p, t, f] = b.narrow([pred, onTrue.name, onFalse.name])
  const r = b.op('Where', [p!, b.castTo(t!, STORAGE[d], STORAGE[c]), b.castTo(f!, STORAGE[d], STORAGE[c])])
  return b.castTo(r, STORAGE[c], STORAGE[d])
}

/** C-like conversion: float → int truncates with NaN/±∞ → 0 and wraps (through int64); → bool is `!= 0`. */
export function convert(b: GraphBuilder, x: LVal, to: DType): string {
  const from = x.dtype
  if (from === to) return x.name
  if (to === 'bool') {
    if (from === 'bool') return x.name
    return b.op('Not', [b.op('Equal', [x.name, b.scalar(0, from)])])
  }
  if (isFloat(from) && !isFloat(to)) {
    const bad = b.op('Or', [b.op('IsNaN', [x.name]), b.op('IsInf', [x.name])])
    const clean = b.op('Where', [bad, b.scalar(0, from), x.name])
    const wide = b.castTo(clean, STORAGE[from], ONNX_TYPE.INT64)
    return b.castTo(wide, ONNX_TYPE.INT64, STORAGE[to])
  }
  return b.cast(x.name, from, to)
}

export const selectConvertLowerings = {
  select_n: (b, [pred, onFalse, onTrue]) => [select(b, pred!.name, onTrue!, onFalse!)],
  convert_element_type: (b, [x], { newDtype }) => [convert(b, x!, newDtype)],
  bitcast_convert_type: (b) => b.unsupported('BitCast', 'ONNX has no operator that reinterprets bits'),
} satisfies { readonly [P in 'select_n' | 'convert_element_type' | 'bitcast_convert_type']: Lowering<P> }

export { ALL_INTS }
