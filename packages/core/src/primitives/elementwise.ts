/** @file Elementwise primitives: unary math, binary arithmetic, comparisons, select and casts (shape/dtype rules; VJPs in `autodiff/rules/elementwise.ts`). */
import { DTypeError, ShapeError, fmt } from '../errors.js'
import { isBool, isFloat, isInt, itemsize, type DType } from '../dtype.js'
import { definePrimitive, type PrimitiveDef } from './def.js'
import type { AbstractValue, BinaryPrim, ComparePrim, UnaryPrim } from './types.js'

const same = (a: AbstractValue): AbstractValue[] => [{ shape: a.shape, dtype: a.dtype }]

/** Checks all operands have one shape and one dtype (ops broadcast and promote before binding). */
function sameShapeDtype(prim: string, inputs: readonly AbstractValue[], checkDtype = true): void {
  const a = inputs[0]
  // NOTE: plain loops: this runs on every elementwise op.
  for (let k = 1; k < inputs.length; k++) {
    const b = inputs[k]!
    if (b.shape !== a!.shape && !compatibleShapes(a!.shape, b.shape)) {
      throw new ShapeError(`Primitive \`${prim}\` needs operands of one shape (ops broadcast first). Received: shapes=${inputs.map((x) => fmt(x.shape)).join(', ')}`)
    }
    if (checkDtype && b.dtype !== a!.dtype) {
      throw new DTypeError(`Primitive \`${prim}\` needs operands of one dtype (ops promote first). Received: dtypes=${inputs.map((x) => x.dtype).join(', ')}`)
    }
  }
}

/** Equal ranks and equal dims wherever both are known. */
function compatibleShapes(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    const d = b[i]
    if (d !== null && a[i] !== null && d !== a[i]) return false
  }
  return true
}

type DomainCheck = (d: DType) => boolean
const floatOnly: DomainCheck = isFloat
const numeric: DomainCheck = (d) => !isBool(d)
const intOrBool: DomainCheck = (d) => isInt(d) || isBool(d)

function check(prim: string, ok: DomainCheck, d: DType, what: string): void {
  if (!ok(d)) throw new DTypeError(`Primitive \`${prim}\` needs ${what} operands. Received: dtype=${d}`)
}

const UNARY_DOMAIN: { [P in UnaryPrim]: DomainCheck } = {
  neg: numeric, sign: numeric, floor: floatOnly, ceil: floatOnly, round: floatOnly, is_finite: floatOnly,
  exp: floatOnly, log: floatOnly, log1p: floatOnly, expm1: floatOnly, tanh: floatOnly, logistic: floatOnly,
  sin: floatOnly, cos: floatOnly, tan: floatOnly, asin: floatOnly, acos: floatOnly, atan: floatOnly,
  sinh: floatOnly, cosh: floatOnly, asinh: floatOnly, acosh: floatOnly, atanh: floatOnly,
  sqrt: floatOnly, rsqrt: floatOnly, cbrt: floatOnly, abs: numeric, not: intOrBool,
  erf: floatOnly, erf_inv: floatOnly, lgamma: floatOnly, digamma: floatOnly, stop_gradient: () => true,
}

function unaryDef<P extends UnaryPrim>(name: P): PrimitiveDef<P> {
  return definePrimitive({
    name,
    abstractEval: ([x]) => {
      check(name, UNARY_DOMAIN[name], x!.dtype, name === 'not' ? 'integer or boolean' : isFloatPrim(name) ? 'floating-point' : 'numeric')
      return name === 'is_finite' ? [{ shape: x!.shape, dtype: 'bool' }] : same(x!)
    },
  })
}
function isFloatPrim(name: UnaryPrim): boolean { return UNARY_DOMAIN[name] === floatOnly }

const BINARY_DOMAIN: { [P in BinaryPrim]: DomainCheck } = {
  add: () => true, sub: numeric, mul: () => true, div: numeric, rem: numeric, pow: numeric,
  max: () => true, min: () => true, atan2: floatOnly, and: intOrBool, or: intOrBool, xor: intOrBool, igamma: floatOnly,
}

function binaryDef<P extends BinaryPrim>(name: P): PrimitiveDef<P> {
  return definePrimitive({
    name,
    abstractEval: (inputs) => {
      sameShapeDtype(name, inputs)
      check(name, BINARY_DOMAIN[name], inputs[0]!.dtype, 'suitable')
      return same(inputs[0]!)
    },
  })
}

function compareDef<P extends ComparePrim>(name: P): PrimitiveDef<P> {
  return definePrimitive({
    name,
    abstractEval: (inputs) => { sameShapeDtype(name, inputs); return [{ shape: inputs[0]!.shape, dtype: 'bool' }] },
  })
}

export const unaryPrimitives = Object.fromEntries(
  (['neg', 'sign', 'floor', 'ceil', 'round', 'is_finite', 'exp', 'log', 'log1p', 'expm1', 'tanh', 'logistic', 'sin', 'cos', 'tan',
    'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'sqrt', 'rsqrt', 'cbrt', 'abs', 'not', 'erf', 'erf_inv',
    'lgamma', 'digamma', 'stop_gradient'] as const).map((p) => [p, unaryDef(p)]),
) as { [P in UnaryPrim]: PrimitiveDef<P> }

export const binaryPrimitives = Object.fromEntries(
  (['add', 'sub', 'mul', 'div', 'rem', 'pow', 'max', 'min', 'atan2', 'and', 'or', 'xor', 'igamma'] as const).map((p) => [p, binaryDef(p)]),
) as { [P in BinaryPrim]: PrimitiveDef<P> }

export const comparePrimitives = Object.fromEntries(
  (['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const).map((p) => [p, compareDef(p)]),
) as { [P in ComparePrim]: PrimitiveDef<P> }

export const select_n = definePrimitive({
  name: 'select_n',
  abstractEval: ([pred, onFalse, onTrue]) => {
    if (pred!.dtype !== 'bool') throw new DTypeError(`Primitive \`select_n\` needs a bool predicate. Received: dtype=${pred!.dtype}`)
    sameShapeDtype('select_n', [onFalse!, onTrue!])
    sameShapeDtype('select_n', [pred!, onFalse!], false)
    return same(onFalse!)
  },
})

export const convert_element_type = definePrimitive({
  name: 'convert_element_type',
  abstractEval: ([x], { newDtype }) => [{ shape: x!.shape, dtype: newDtype }],
})

export const bitcast_convert_type = definePrimitive({
  name: 'bitcast_convert_type',
  abstractEval: ([x], { newDtype }) => {
    if (itemsize(x!.dtype) !== itemsize(newDtype)) {
      throw new DTypeError(`Primitive \`bitcast_convert_type\` needs dtypes of equal size. Received: from=${x!.dtype}, to=${newDtype}`)
    }
    return [{ shape: x!.shape, dtype: newDtype }]
  },
})
