/**
 * @file OpenVINO lowerings of the elementwise primitives (unary incl. transcendental, binary, compare,
 * select, convert), the reductions, cumulative ops and argmax/argmin. What no opset has is composed
 * (log1p, expm1, atan2, cbrt, rsqrt) or refused with a typed error.
 */
import { isFloat, type BinaryPrim, type ComparePrim, type DType, type ReducePrim, type UnaryPrim } from '@kx/core'
import { portKey, type IrBuilder, type Port } from './ir.js'
import { binary, convert, elementTypeOf, select, unary, type OvLowering } from './common.js'

/** Unary primitives that are one OpenVINO op: `[type, version]`. */
const DIRECT: Partial<Record<UnaryPrim, readonly [string, string]>> = {
  neg: ['Negative', 'opset1'], sign: ['Sign', 'opset1'], floor: ['Floor', 'opset1'], ceil: ['Ceiling', 'opset1'],
  exp: ['Exp', 'opset1'], log: ['Log', 'opset1'], tanh: ['Tanh', 'opset1'], logistic: ['Sigmoid', 'opset1'],
  sin: ['Sin', 'opset1'], cos: ['Cos', 'opset1'], tan: ['Tan', 'opset1'], asin: ['Asin', 'opset1'], acos: ['Acos', 'opset1'],
  atan: ['Atan', 'opset1'], sinh: ['Sinh', 'opset1'], cosh: ['Cosh', 'opset1'], asinh: ['Asinh', 'opset4'],
  acosh: ['Acosh', 'opset4'], atanh: ['Atanh', 'opset4'], sqrt: ['Sqrt', 'opset1'], abs: ['Abs', 'opset1'], erf: ['Erf', 'opset1'],
}

const sc = (b: IrBuilder, v: number, x: Port): Port => b.scalar(v, x.dtype)
const eqTo = (b: IrBuilder, x: Port, y: Port): Port => binary(b, 'Equal', x, y, 'bool')

function lowerUnary(prim: UnaryPrim): OvLowering<UnaryPrim> {
  return (b, [x]) => {
    const X = x!
    const direct = DIRECT[prim]
    if (direct) return [unary(b, direct[0], X, direct[1])]
    switch (prim) {
      case 'stop_gradient': return [X]
      case 'round': return [unary(b, 'Round', X, 'opset5', { mode: 'half_to_even' })]
      case 'is_finite': return [isFloat(X.dtype) ? b.op('IsFinite', [X], { dtype: 'bool', shape: X.shape }, undefined, 'opset10') : b.op('Broadcast', [b.scalar(1, 'bool'), b.op('ShapeOf', [X], { dtype: 'int64', shape: [X.shape.length] }, { output_type: 'i64' }, 'opset3')], { dtype: 'bool', shape: X.shape }, { mode: 'numpy' }, 'opset3')]
      case 'not': return [X.dtype === 'bool' ? unary(b, 'LogicalNot', X) : unary(b, 'BitwiseNot', X, 'opset13')]
      case 'rsqrt': return [binary(b, 'Divide', sc(b, 1, X), unary(b, 'Sqrt', X))]
      case 'cbrt': {
        // cbrt(x) = sign(x) · |x|^(1/3)
        const mag = binary(b, 'Power', unary(b, 'Abs', X), sc(b, 1 / 3, X))
        return [binary(b, 'Multiply', unary(b, 'Sign', X), mag)]
      }
      case 'log1p': {
        // NOTE: log(u) · x / (u − 1) with u = 1 + x cancels u's rounding error (exact where u == 1).
        const u = binary(b, 'Add', X, sc(b, 1, X))
        const um1 = binary(b, 'Subtract', u, sc(b, 1, X))
        const q = binary(b, 'Divide', binary(b, 'Multiply', unary(b, 'Log', u), X), um1)
        return [select(b, eqTo(b, u, sc(b, 1, X)), X, q)]
      }
      case 'expm1': {
        // NOTE: (u − 1) · x / log(u) with u = exp(x) (Kahan), x where u == 1 and −1 where u − 1 == −1.
        const u = unary(b, 'Exp', X)
        const um1 = binary(b, 'Subtract', u, sc(b, 1, X))
        const q = binary(b, 'Divide', binary(b, 'Multiply', um1, X), unary(b, 'Log', u))
        const tail = select(b, eqTo(b, um1, sc(b, -1, X)), sc(b, -1, X), q)
        const inf = eqTo(b, u, sc(b, Infinity, X))
        return [select(b, eqTo(b, u, sc(b, 1, X)), X, select(b, inf, u, tail))]
      }
      default: return b.unsupported(prim, 'no OpenVINO operator computes it')
    }
  }
}

/** Unary lowerings, one per unary primitive. */
export const unaryLowerings = Object.fromEntries(
  (['neg', 'sign', 'floor', 'ceil', 'round', 'is_finite', 'exp', 'log', 'log1p', 'expm1', 'tanh', 'logistic', 'sin', 'cos', 'tan',
    'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'sqrt', 'rsqrt', 'cbrt', 'abs', 'not', 'erf', 'erf_inv',
    'lgamma', 'digamma', 'stop_gradient'] as const).map((p) => [p, lowerUnary(p)]),
) as { readonly [P in UnaryPrim]: OvLowering<P> }

const bin = <P extends BinaryPrim>(type: string, data?: (d: DType) => Record<string, string | boolean> | undefined): OvLowering<P> =>
  (b, [x, y], _p, [o]) => [binary(b, type, x!, y!, o!.dtype, data?.(x!.dtype))]
const logical = <P extends BinaryPrim>(boolType: string, bitType: string): OvLowering<P> =>
  (b, [x, y], _p, [o]) => [x!.dtype === 'bool' ? binary(b, boolType, x!, y!, 'bool') : b.op(bitType, [x!, y!], { dtype: o!.dtype, shape: o!.shape }, undefined, 'opset13')]

/** atan2(y, x) from atan(y / x) and the quadrant of (x, y). */
const atan2: OvLowering<'atan2'> = (b, [y, x]) => {
  const Y = y!
  const X = x!
  const base = unary(b, 'Atan', binary(b, 'Divide', Y, X))
  const zero = sc(b, 0, X)
  const xNeg = binary(b, 'Less', X, zero, 'bool')
  const yNeg = binary(b, 'Less', Y, zero, 'bool')
  const shifted = select(b, xNeg, binary(b, 'Add', base, select(b, yNeg, sc(b, -Math.PI, X), sc(b, Math.PI, X))), base)
  // x == 0: ±π/2 by the sign of y, 0 when y == 0 too.
  const onAxis = binary(b, 'Multiply', unary(b, 'Sign', Y), sc(b, Math.PI / 2, X))
  return [select(b, eqTo(b, X, zero), onAxis, shifted)]
}

/** The single reduced axis of `Unsqueeze(Reduce<type>(x, [a]), [a])` over `x`, or undefined. */
function keptReduction(b: IrBuilder, p: Port, type: string, x: Port): number | undefined {
  const u = b.producer(p)
  if (u.type !== 'Unsqueeze') return undefined
  const r = b.producer(u.inputs[0]!)
  if (r.type !== type || portKey(r.inputs[0]!) !== portKey(x)) return undefined
  const axes = b.values.get(portKey(r.inputs[1]!))
  const back = b.values.get(portKey(u.inputs[1]!))
  return axes && back && axes.length === 1 && back.length === 1 && axes[0] === back[0] ? axes[0] : undefined
}

/** kx's softmax decomposition `exp(z − max z) / Σ exp(z − max z)` (one axis) as one `SoftMax`, else undefined. */
function softmaxOf(b: IrBuilder, num: Port, den: Port): Port | undefined {
  const e = b.producer(num)
  if (e.type !== 'Exp') return undefined
  const s = b.producer(e.inputs[0]!)
  if (s.type !== 'Subtract') return undefined
  const z = s.inputs[0]!
  const axis = keptReduction(b, s.inputs[1]!, 'ReduceMax', z)
  if (axis === undefined || keptReduction(b, b.narrow.get(portKey(den)) ?? den, 'ReduceSum', num) !== axis) return undefined
  return b.op('SoftMax', [z], { dtype: z.dtype, shape: z.shape }, { axis }, 'opset8')
}

/** Binary lowerings. Integer `div` truncates (`m_pythondiv=false`); `rem` is C's fmod (OpenVINO `Mod`). */
export const binaryLowerings = {
  add: bin('Add'), sub: bin('Subtract'), mul: bin('Multiply'),
  div: (b, [x, y], p, o) => {
    const soft = isFloat(x!.dtype) ? softmaxOf(b, x!, y!) : undefined
    return soft ? [soft] : bin<'div'>('Divide', (d) => (isFloat(d) ? undefined : { m_pythondiv: false }))(b, [x!, y!], p, o)
  },
  rem: bin('Mod'), pow: bin('Power'), max: bin('Maximum'), min: bin('Minimum'),
  atan2,
  and: logical('LogicalAnd', 'BitwiseAnd'), or: logical('LogicalOr', 'BitwiseOr'), xor: logical('LogicalXor', 'BitwiseXor'),
  igamma: (b) => b.unsupported('igamma', 'no OpenVINO operator computes the incomplete gamma function'),
} satisfies { readonly [P in 'add' | 'sub' | 'mul' | 'div' | 'rem' | 'pow' | 'max' | 'min' | 'atan2' | 'and' | 'or' | 'xor' | 'igamma']: OvLowering<P> }

const cmp = <P extends ComparePrim>(type: string): OvLowering<P> => (b, [x, y]) => [binary(b, type, x!, y!, 'bool')]

/** Comparison lowerings (bool results). */
export const compareLowerings = {
  eq: cmp('Equal'), ne: cmp('NotEqual'), lt: cmp('Less'), le: cmp('LessEqual'), gt: cmp('Greater'), ge: cmp('GreaterEqual'),
} satisfies { readonly [P in 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge']: OvLowering<P> }

/** select_n (inputs `[pred, onFalse, onTrue]`), convert_element_type, bitcast (refused). */
export const selectConvertLowerings = {
  select_n: (b, [pred, onFalse, onTrue]) => [select(b, convert(b, pred!, 'bool'), onTrue!, onFalse!)],
  // NOTE: OpenVINO's Convert truncates float → int toward zero, as lax does.
  convert_element_type: (b, [x], { newDtype }) => [convert(b, x!, newDtype)],
  bitcast_convert_type: (b) => b.unsupported('bitcast', 'OpenVINO has no bit reinterpretation operator'),
} satisfies { readonly [P in 'select_n' | 'convert_element_type' | 'bitcast_convert_type']: OvLowering<P> }

const REDUCE: Record<string, string> = {
  reduce_sum: 'ReduceSum', reduce_max: 'ReduceMax', reduce_min: 'ReduceMin', reduce_prod: 'ReduceProd',
  reduce_and: 'ReduceLogicalAnd', reduce_or: 'ReduceLogicalOr',
}

const reduce = <P extends ReducePrim>(prim: P): OvLowering<P> => (b, [x], { axes }, [o]) => {
  if (axes.length === 0) return [x!]
  let X = x!
  let type = REDUCE[prim]!
  // Boolean max/min/sum/prod are logical reductions (sum of bools is integer-typed by the ops layer).
  if (X.dtype === 'bool' && (prim === 'reduce_max' || prim === 'reduce_min')) type = prim === 'reduce_max' ? 'ReduceLogicalOr' : 'ReduceLogicalAnd'
  if ((prim === 'reduce_and' || prim === 'reduce_or') && X.dtype !== 'bool') X = convert(b, X, 'bool')
  return [convert(b, b.op(type, [X, b.i64(axes)], { dtype: X.dtype, shape: o!.shape }, { keep_dims: false }), o!.dtype)]
}

/** Reduction lowerings (`keep_dims=false`). */
export const reduceLowerings = {
  reduce_sum: reduce('reduce_sum'), reduce_max: reduce('reduce_max'), reduce_min: reduce('reduce_min'),
  reduce_prod: reduce('reduce_prod'), reduce_and: reduce('reduce_and'), reduce_or: reduce('reduce_or'),
  cumsum: (b, [x], { axis, reverse }) => [b.op('CumSum', [x!, b.scalar(axis, 'int64')], { dtype: x!.dtype, shape: x!.shape }, { exclusive: false, reverse }, 'opset3')],
  cumprod: (b) => b.unsupported('CumSum', 'OpenVINO has no cumulative product'),
  cummax: (b) => b.unsupported('CumSum', 'OpenVINO has no cumulative maximum'),
  cummin: (b) => b.unsupported('CumSum', 'OpenVINO has no cumulative minimum'),
  argmax: (b, [x], { axis, indexDtype }, [o]) => [argExtreme(b, x!, axis, 'max', indexDtype, o!.shape)],
  argmin: (b, [x], { axis, indexDtype }, [o]) => [argExtreme(b, x!, axis, 'min', indexDtype, o!.shape)],
} satisfies { readonly [P in 'reduce_sum' | 'reduce_max' | 'reduce_min' | 'reduce_prod' | 'reduce_and' | 'reduce_or' | 'cumsum' | 'cumprod' | 'cummax' | 'cummin' | 'argmax' | 'argmin']: OvLowering<P> }

/** argmax/argmin: stable `TopK` with k = 1 (first index on ties), then squeeze the axis. */
function argExtreme(b: IrBuilder, x: Port, axis: number, mode: 'max' | 'min', indexDtype: DType, outShape: readonly (number | null)[]): Port {
  const X = x.dtype === 'bool' ? convert(b, x, 'int32') : x
  const kept = X.shape.map((d, i) => (i === axis ? 1 : d))
  const [, idx] = b.opN('TopK', [X, b.scalar(1, 'int64')], [{ dtype: X.dtype, shape: kept }, { dtype: 'int32', shape: kept }],
    { axis, mode, sort: 'value', index_element_type: elementTypeOf('int32'), stable: true }, 'opset11')
  const squeezed = b.op('Squeeze', [idx!, b.i64([axis])], { dtype: 'int32', shape: outShape })
  return convert(b, squeezed, indexDtype)
}
