/** @file Elementwise primitives: unary math, binary arithmetic, comparisons, select and casts. */
import { DTypeError, ShapeError, fmt } from '../errors.js'
import { isBool, isFloat, isInt, itemsize, type DType } from '../dtype.js'
import type { Tensor } from '../tensor.js'
import * as lax from '../lax.js'
import { full, zerosLike } from '../creation.js'
import { definePrimitive, needsCt, type PrimitiveDef, type VjpArgs } from './def.js'
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

const scalarLike = (x: Tensor, v: number): Tensor => full(x.shape, v, x.dtype, x.isSymbolic ? undefined : x.backend)
const { mul, div, add, sub, neg } = lax

/** d/dx rules of unary math, as a function of x, y = f(x) and g = the cotangent. */
const UNARY_VJP: { [P in UnaryPrim]: ((x: Tensor, y: Tensor, g: Tensor) => Tensor) | null } = {
  neg: (_x, _y, g) => neg(g),
  sign: null, floor: null, ceil: null, round: null, is_finite: null, not: null, stop_gradient: null,
  exp: (_x, y, g) => mul(g, y), // d(exp x) = exp x · dx
  log: (x, _y, g) => div(g, x),
  log1p: (x, _y, g) => div(g, add(x, scalarLike(x, 1))),
  expm1: (_x, y, g) => mul(g, add(y, scalarLike(y, 1))),
  tanh: (_x, y, g) => mul(g, sub(scalarLike(y, 1), mul(y, y))),
  logistic: (_x, y, g) => mul(g, mul(y, sub(scalarLike(y, 1), y))),
  sin: (x, _y, g) => mul(g, lax.cos(x)),
  cos: (x, _y, g) => neg(mul(g, lax.sin(x))),
  tan: (_x, y, g) => mul(g, add(scalarLike(y, 1), mul(y, y))),
  asin: (x, _y, g) => mul(g, lax.rsqrt(sub(scalarLike(x, 1), mul(x, x)))),
  acos: (x, _y, g) => neg(mul(g, lax.rsqrt(sub(scalarLike(x, 1), mul(x, x))))),
  atan: (x, _y, g) => div(g, add(scalarLike(x, 1), mul(x, x))),
  sinh: (x, _y, g) => mul(g, lax.unary('cosh', x)),
  cosh: (x, _y, g) => mul(g, lax.unary('sinh', x)),
  asinh: (x, _y, g) => mul(g, lax.rsqrt(add(mul(x, x), scalarLike(x, 1)))),
  acosh: (x, _y, g) => mul(g, lax.rsqrt(sub(mul(x, x), scalarLike(x, 1)))),
  atanh: (x, _y, g) => div(g, sub(scalarLike(x, 1), mul(x, x))),
  sqrt: (_x, y, g) => div(g, mul(scalarLike(y, 2), y)),
  rsqrt: (x, y, g) => mul(g, mul(scalarLike(y, -0.5), div(y, x))),
  cbrt: (_x, y, g) => div(g, mul(scalarLike(y, 3), mul(y, y))),
  abs: (x, _y, g) => mul(g, lax.sign(x)),
  erf: (x, _y, g) => mul(g, mul(scalarLike(x, 2 / Math.sqrt(Math.PI)), lax.exp(neg(mul(x, x))))),
  erf_inv: (_x, y, g) => mul(g, mul(scalarLike(y, Math.sqrt(Math.PI) / 2), lax.exp(mul(y, y)))),
  lgamma: (x, _y, g) => mul(g, lax.unary('digamma', x)),
  digamma: null,
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
    vjp: ({ cotangents: [g], inputs: [x], outputs: [y] }: VjpArgs<P>) => {
      const rule = UNARY_VJP[name]
      if (!rule || !g) return [null]
      if (name === 'sign' || name === 'floor' || name === 'ceil' || name === 'round') return [zerosLike(x!)]
      return [rule(x!, y!, g)]
    },
  })
}
function isFloatPrim(name: UnaryPrim): boolean { return UNARY_DOMAIN[name] === floatOnly }

/** Cotangents of binary prims (equal shapes, so no reduction); `nx`/`ny`: whether x / y need one. */
const BINARY_VJP: { [P in BinaryPrim]: ((x: Tensor, y: Tensor, out: Tensor, g: Tensor, nx: boolean, ny: boolean) => [Tensor | null, Tensor | null]) | null } = {
  add: (_x, _y, _o, g, nx, ny) => [nx ? g : null, ny ? g : null],
  sub: (_x, _y, _o, g, nx, ny) => [nx ? g : null, ny ? neg(g) : null],
  mul: (x, y, _o, g, nx, ny) => [nx ? mul(g, y) : null, ny ? mul(g, x) : null],
  div: (_x, y, out, g, nx, ny) => { const gx = div(g, y); return [nx ? gx : null, ny ? neg(mul(gx, out)) : null] },
  rem: (x, y, _o, g, nx, ny) => [nx ? g : null, ny ? neg(mul(g, lax.unary('round', truncDiv(x, y)))) : null],
  // d(x^y) = y x^(y-1) dx + log(x) x^y dy; at x = 0 the dy term is taken as 0 (JAX).
  pow: (x, y, out, g, nx, ny) => {
    const gx = nx ? mul(g, mul(y, lax.pow(x, sub(y, scalarLike(y, 1))))) : null
    if (!ny) return [gx, null]
    const safeLog = lax.log(lax.select(lax.eq(x, scalarLike(x, 0)), scalarLike(x, 1), x))
    return [gx, mul(g, mul(out, safeLog))]
  },
  // NOTE: ties split the gradient evenly between both operands, as JAX does.
  max: (x, y, _o, g, nx, ny) => minMaxVjp(x, y, g, 'gt', nx, ny),
  min: (x, y, _o, g, nx, ny) => minMaxVjp(x, y, g, 'lt', nx, ny),
  atan2: (x, y, _o, g, nx, ny) => {
    const denom = add(mul(x, x), mul(y, y))
    return [nx ? mul(g, div(y, denom)) : null, ny ? neg(mul(g, div(x, denom))) : null]
  },
  and: null, or: null, xor: null,
  igamma: null,
}

function truncDiv(x: Tensor, y: Tensor): Tensor {
  const q = div(x, y)
  return lax.select(lax.lt(q, scalarLike(q, 0)), lax.unary('ceil', q), lax.unary('floor', q))
}

function minMaxVjp(x: Tensor, y: Tensor, g: Tensor, cmp: 'gt' | 'lt', nx: boolean, ny: boolean): [Tensor | null, Tensor | null] {
  const zero = scalarLike(g, 0)
  const xWins = lax.compare(cmp, x, y)
  const halfG = mul(g, scalarLike(g, 0.5))
  const tie = lax.eq(x, y)
  const gx = nx ? lax.select(xWins, g, lax.select(tie, halfG, zero)) : null
  const gy = ny ? lax.select(xWins, zero, lax.select(tie, halfG, g)) : null
  return [gx, gy]
}

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
    vjp: (args: VjpArgs<P>) => {
      const { cotangents: [g], inputs: [x, y], outputs: [out] } = args
      const rule = BINARY_VJP[name]
      if (!rule || !g || !isFloat(x!.dtype)) return [null, null]
      return rule(x!, y!, out!, g, needsCt(args, 0), needsCt(args, 1))
    },
  })
}

function compareDef<P extends ComparePrim>(name: P): PrimitiveDef<P> {
  return definePrimitive({
    name,
    abstractEval: (inputs) => { sameShapeDtype(name, inputs); return [{ shape: inputs[0]!.shape, dtype: 'bool' }] },
    vjp: () => [null, null],
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
  vjp: (args) => {
    const { cotangents: [g], inputs: [pred, onFalse] } = args
    if (!g || !isFloat(onFalse!.dtype)) return [null, null, null]
    const z = zerosLike(g)
    return [null, needsCt(args, 1) ? lax.select(pred!, z, g) : null, needsCt(args, 2) ? lax.select(pred!, g, z) : null]
  },
})

export const convert_element_type = definePrimitive({
  name: 'convert_element_type',
  abstractEval: ([x], { newDtype }) => [{ shape: x!.shape, dtype: newDtype }],
  vjp: ({ cotangents: [g], inputs: [x] }) => {
    if (!g || !isFloat(x!.dtype) || !isFloat(g.dtype)) return [null]
    return [lax.convertElementType(g, x!.dtype)]
  },
})

export const bitcast_convert_type = definePrimitive({
  name: 'bitcast_convert_type',
  abstractEval: ([x], { newDtype }) => {
    if (itemsize(x!.dtype) !== itemsize(newDtype)) {
      throw new DTypeError(`Primitive \`bitcast_convert_type\` needs dtypes of equal size. Received: from=${x!.dtype}, to=${newDtype}`)
    }
    return [{ shape: x!.shape, dtype: newDtype }]
  },
  vjp: () => [null],
})
