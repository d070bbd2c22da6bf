/** @file VJP rules of the elementwise primitives: unary math, binary arithmetic, comparisons, select and casts. */
import { isFloat } from '../../dtype.js'
import type { Tensor } from '../../tensor.js'
import * as lax from '../../lax.js'
import { full, zerosLike } from '../../creation.js'
import { needsCt, type VjpRule } from '../../primitives/def.js'
import { BINARY_PRIMS, UNARY_PRIMS, type BinaryPrim, type ComparePrim, type UnaryPrim } from '../../primitives/types.js'

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

function unaryVjp<P extends UnaryPrim>(name: P): VjpRule<P> {
  return ({ cotangents: [g], inputs: [x], outputs: [y] }) => {
    const rule = UNARY_VJP[name]
    if (!rule || !g) return [null]
    if (name === 'sign' || name === 'floor' || name === 'ceil' || name === 'round') return [zerosLike(x!)]
    return [rule(x!, y!, g)]
  }
}

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

function binaryVjp<P extends BinaryPrim>(name: P): VjpRule<P> {
  return (args) => {
    const { cotangents: [g], inputs: [x, y], outputs: [out] } = args
    const rule = BINARY_VJP[name]
    if (!rule || !g || !isFloat(x!.dtype)) return [null, null]
    return rule(x!, y!, out!, g, needsCt(args, 0), needsCt(args, 1))
  }
}

export const unaryRules = Object.fromEntries(UNARY_PRIMS.map((p) => [p, unaryVjp(p)])) as { [P in UnaryPrim]: VjpRule<P> }
export const binaryRules = Object.fromEntries(BINARY_PRIMS.map((p) => [p, binaryVjp(p)])) as { [P in BinaryPrim]: VjpRule<P> }
// Comparisons have boolean outputs: no gradient.
const noGradient = (): (Tensor | null)[] => [null, null]
export const compareRules: { [P in ComparePrim]: VjpRule<P> } = { eq: noGradient, ne: noGradient, lt: noGradient, le: noGradient, gt: noGradient, ge: noGradient }

export const select_n: VjpRule<'select_n'> = (args) => {
  const { cotangents: [g], inputs: [pred, onFalse] } = args
  if (!g || !isFloat(onFalse!.dtype)) return [null, null, null]
  const z = zerosLike(g)
  return [null, needsCt(args, 1) ? lax.select(pred!, z, g) : null, needsCt(args, 2) ? lax.select(pred!, g, z) : null]
}

export const convert_element_type: VjpRule<'convert_element_type'> = ({ cotangents: [g], inputs: [x] }) => {
  if (!g || !isFloat(x!.dtype) || !isFloat(g.dtype)) return [null]
  return [lax.convertElementType(g, x!.dtype)]
}

export const bitcast_convert_type: VjpRule<'bitcast_convert_type'> = () => [null]
