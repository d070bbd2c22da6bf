/** @file Cases of the elementwise primitives: unary math, binary arithmetic, comparisons, select, casts. */
import type { BinaryPrim, ComparePrim, UnaryPrim } from '@kx/core'
import type { ConformanceCase, InputGen } from '../types.js'
import { SPECIALS, bf16, bool, f16, f32, f64, i32, input, ints, nonzero, uniform, values } from './helpers.js'

type Cases<P extends UnaryPrim | BinaryPrim | ComparePrim | 'select_n' | 'convert_element_type' | 'bitcast_convert_type'> = ConformanceCase<P>[]

/** The domain each float unary primitive is sampled on (away from poles, branch points and kinks). */
const UNARY_DOMAIN: { [P in UnaryPrim]: InputGen } = {
  neg: uniform(-3, 3), sign: nonzero(0.1, 3), floor: uniform(-3, 3), ceil: uniform(-3, 3), round: uniform(-3, 3),
  is_finite: uniform(-3, 3), exp: uniform(-3, 3), log: uniform(0.1, 4), log1p: uniform(-0.9, 3), expm1: uniform(-2, 2),
  tanh: uniform(-3, 3), logistic: uniform(-6, 6), sin: uniform(-4, 4), cos: uniform(-4, 4), tan: uniform(-1.4, 1.4),
  asin: uniform(-0.95, 0.95), acos: uniform(-0.95, 0.95), atan: uniform(-4, 4), sinh: uniform(-3, 3), cosh: uniform(-3, 3),
  asinh: uniform(-4, 4), acosh: uniform(1.1, 4), atanh: uniform(-0.9, 0.9), sqrt: uniform(0.1, 4), rsqrt: uniform(0.1, 4),
  cbrt: nonzero(0.1, 4), abs: nonzero(0.1, 3), not: ints(-5, 5), erf: uniform(-2.5, 2.5), erf_inv: uniform(-0.95, 0.95),
  lgamma: uniform(0.1, 6), digamma: uniform(0.2, 6), stop_gradient: uniform(-2, 2),
}

/** Extra values-only cases (special values, ties, negative arguments) per unary primitive. */
const UNARY_EXTRA: { [P in UnaryPrim]?: readonly number[] } = {
  neg: SPECIALS, sign: SPECIALS, floor: [...SPECIALS, -0.5, 2.999], ceil: [...SPECIALS, -0.5, 2.001],
  round: [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49999997, NaN, Infinity, -0], is_finite: SPECIALS,
  exp: [...SPECIALS, 700, -750], log: [0, -1, Infinity, NaN, 1, 1e-300], log1p: [-1, -2, 0, -0, 1e-10, Infinity],
  expm1: [0, -0, 1e-10, -Infinity, Infinity, NaN], tanh: [0, -0, 20, -20, Infinity, NaN],
  logistic: [0, 40, -40, 800, -800, Infinity, -Infinity, NaN], sqrt: [0, -0, -1, Infinity, NaN, 2],
  rsqrt: [0, -1, Infinity, 4, NaN, 0.25], cbrt: [-8, 0, -0, 27, Infinity, NaN], abs: SPECIALS,
  asin: [1, -1, 1.5, 0], acos: [1, -1, 1.5, 0], atanh: [1, -1, 0, 2], acosh: [1, 0.5, Infinity, 2],
  erf: [0, -0, 6, -6, Infinity, -Infinity, NaN], erf_inv: [0, 1, -1, 0.999, -0.999, 2],
  lgamma: [-2.5, -0.5, 1, 2, 0.5, 100, Infinity], digamma: [-2.5, -0.5, 1, 2, 0.5, 100],
  sin: [0, -0, Infinity, NaN, 100], cos: [0, Infinity, NaN, 100], atan: [Infinity, -Infinity, 0, NaN],
}

/** Unary primitives that take integers (and which ones take bools). */
const INT_UNARY: ReadonlySet<UnaryPrim> = new Set(['neg', 'sign', 'abs', 'not', 'stop_gradient'])

function unaryCases<P extends UnaryPrim>(prim: P): Cases<P> {
  const p = {} as ConformanceCase<P>['params']
  const dom = UNARY_DOMAIN[prim]
  const out: Cases<P> = []
  if (prim !== 'not') {
    out.push({ name: 'f32', inputs: [f32([2, 3], dom)], params: p })
    out.push({ name: 'f64', inputs: [f64([7], dom)], params: p })
    out.push({ name: 'f32 scalar', inputs: [f32([], dom)], params: p })
    out.push({ name: 'f16', inputs: [f16([5], dom)], params: p, noGrad: 'float16 gradients are covered by float32/float64' })
    out.push({ name: 'bf16', inputs: [bf16([5], dom)], params: p, noGrad: 'bfloat16 gradients are covered by float32/float64' })
    out.push({ name: 'empty', inputs: [f32([0, 3], dom)], params: p })
    const extra = UNARY_EXTRA[prim]
    if (extra) out.push({ name: 'special values f64', inputs: [f64([extra.length], values(extra))], params: p, noGrad: 'special values' })
    if (extra) out.push({ name: 'special values f32', inputs: [f32([extra.length], values(extra))], params: p, noGrad: 'special values' })
  }
  if (INT_UNARY.has(prim)) {
    out.push({ name: 'int32', inputs: [i32([2, 4], ints(-7, 7))], params: p })
    if (prim !== 'sign' && prim !== 'abs') out.push({ name: 'uint8', inputs: [input('uint8', [6], ints(0, 255))], params: p })
  }
  if (prim === 'not') {
    out.push({ name: 'bool', inputs: [bool([2, 3])], params: p })
    out.push({ name: 'int8', inputs: [input('int8', [5], ints(-128, 127))], params: p })
  }
  return out
}

/** Per binary primitive: the domains of x and y for float cases. */
const BINARY_DOMAIN: { [P in BinaryPrim]: readonly [InputGen, InputGen] } = {
  add: [uniform(-3, 3), uniform(-3, 3)], sub: [uniform(-3, 3), uniform(-3, 3)], mul: [uniform(-3, 3), uniform(-3, 3)],
  div: [uniform(-3, 3), nonzero(0.5, 2)], rem: [uniform(-5, 5), nonzero(0.7, 2)], pow: [uniform(0.5, 2), uniform(-2, 2)],
  max: [uniform(-3, 3), uniform(-3, 3)], min: [uniform(-3, 3), uniform(-3, 3)], atan2: [nonzero(0.2, 2), nonzero(0.2, 2)],
  and: [ints(-8, 8), ints(-8, 8)], or: [ints(-8, 8), ints(-8, 8)], xor: [ints(-8, 8), ints(-8, 8)],
  igamma: [uniform(0.5, 5), uniform(0.1, 6)],
}

function binaryCases<P extends BinaryPrim>(prim: P): Cases<P> {
  const p = {} as ConformanceCase<P>['params']
  const [dx, dy] = BINARY_DOMAIN[prim]
  const out: Cases<P> = []
  if (prim === 'and' || prim === 'or' || prim === 'xor') {
    out.push({ name: 'bool', inputs: [bool([2, 3]), bool([2, 3])], params: p })
    out.push({ name: 'int32', inputs: [i32([7], dx), i32([7], dy)], params: p })
    out.push({ name: 'uint8', inputs: [input('uint8', [5], ints(0, 255)), input('uint8', [5], ints(0, 255))], params: p })
    return out
  }
  out.push({ name: 'f32', inputs: [f32([2, 3], dx), f32([2, 3], dy)], params: p })
  out.push({ name: 'f64', inputs: [f64([6], dx), f64([6], dy)], params: p })
  out.push({ name: 'f32 scalar', inputs: [f32([], dx), f32([], dy)], params: p })
  out.push({ name: 'f16', inputs: [f16([4], dx), f16([4], dy)], params: p, noGrad: 'float16 gradients are covered by float32/float64', tolScale: prim === 'igamma' ? 3 : 1 })
  if (prim === 'igamma') return out
  out.push({ name: 'bf16', inputs: [bf16([4], dx), bf16([4], dy)], params: p, noGrad: 'bfloat16 gradients are covered by float32/float64' })
  if (prim !== 'atan2') {
    const iy = prim === 'div' || prim === 'rem' ? values([3, -3, 2, -2, 5, 7, -4]) : prim === 'pow' ? ints(0, 4) : ints(-6, 6)
    out.push({ name: 'int32', inputs: [i32([7], ints(-9, 9)), i32([7], iy)], params: p })
    if (prim !== 'pow') out.push({ name: 'uint8', inputs: [input('uint8', [5], ints(0, 200)), input('uint8', [5], ints(1, 9))], params: p })
  }
  if (prim === 'max' || prim === 'min') {
    out.push({ name: 'ties', inputs: [f64([4], values([1, 2, -3, 0.5])), f64([4], values([1, 2, 3, -0.5]))], params: p })
    out.push({ name: 'nan propagates', inputs: [f32([3], values([NaN, 1, NaN])), f32([3], values([1, NaN, NaN]))], params: p, noGrad: 'NaN' })
  }
  if (prim === 'div' || prim === 'rem' || prim === 'pow' || prim === 'atan2') {
    const special = prim === 'pow'
      ? [[0, 0, -1, 2, Infinity, NaN, 0], [0, -1, 0.5, Infinity, -1, 0, 2]]
      : [[1, -1, 0, 0, Infinity, 3, -0], [0, 0, 0, -0, 2, Infinity, 1]]
    out.push({ name: 'special values', inputs: [f64([7], values(special[0]!)), f64([7], values(special[1]!))], params: p, noGrad: 'special values' })
  }
  return out
}

function compareCases<P extends ComparePrim>(): Cases<P> {
  const p = {} as ConformanceCase<P>['params']
  return [
    { name: 'f32 with ties', inputs: [f32([6], values([1, 2, 3, -1, 0, -0])), f32([6], values([1, 3, 2, -1, -0, 0]))], params: p },
    { name: 'f64', inputs: [f64([2, 3]), f64([2, 3])], params: p },
    { name: 'nan', inputs: [f32([3], values([NaN, 1, NaN])), f32([3], values([1, NaN, NaN]))], params: p },
    { name: 'int32', inputs: [i32([6], ints(-2, 2)), i32([6], ints(-2, 2))], params: p },
    { name: 'uint8', inputs: [input('uint8', [5], ints(0, 3)), input('uint8', [5], ints(0, 3))], params: p },
    { name: 'bool', inputs: [bool([4], values([1, 0, 1, 0])), bool([4], values([1, 1, 0, 0]))], params: p },
  ]
}

const UNARY_NAMES = ['neg', 'sign', 'floor', 'ceil', 'round', 'is_finite', 'exp', 'log', 'log1p', 'expm1', 'tanh', 'logistic', 'sin', 'cos', 'tan',
  'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'sqrt', 'rsqrt', 'cbrt', 'abs', 'not', 'erf', 'erf_inv',
  'lgamma', 'digamma', 'stop_gradient'] as const satisfies readonly UnaryPrim[]
const BINARY_NAMES = ['add', 'sub', 'mul', 'div', 'rem', 'pow', 'max', 'min', 'atan2', 'and', 'or', 'xor', 'igamma'] as const satisfies readonly BinaryPrim[]
const COMPARE_NAMES = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const satisfies readonly ComparePrim[]

export const unaryCaseTable = Object.fromEntries(UNARY_NAMES.map((p) => [p, unaryCases(p)])) as { [P in UnaryPrim]: Cases<P> }
export const binaryCaseTable = Object.fromEntries(BINARY_NAMES.map((p) => [p, binaryCases(p)])) as { [P in BinaryPrim]: Cases<P> }
export const compareCaseTable = Object.fromEntries(COMPARE_NAMES.map((p) => [p, compareCases()])) as { [P in ComparePrim]: Cases<P> }

export const select_n: Cases<'select_n'> = [
  { name: 'f32', inputs: [bool([2, 3]), f32([2, 3]), f32([2, 3])], params: {} },
  { name: 'f64 all true', inputs: [bool([4], values([1, 1, 1, 1])), f64([4]), f64([4])], params: {} },
  { name: 'int32', inputs: [bool([5]), i32([5]), i32([5])], params: {} },
  { name: 'bool', inputs: [bool([5]), bool([5]), bool([5])], params: {} },
  { name: 'scalar', inputs: [bool([], values([0])), f32([]), f32([])], params: {} },
]

const CAST_VALUES = [-2.7, -1.5, -0.5, 0, 0.49, 1.5, 2.5, 3.99, 100.25]
export const convert_element_type: Cases<'convert_element_type'> = [
  { name: 'f32 -> int32 truncates', inputs: [f32([9], values(CAST_VALUES))], params: { newDtype: 'int32' } },
  { name: 'f32 -> f16', inputs: [f32([2, 3])], params: { newDtype: 'float16' } },
  { name: 'f32 -> bf16', inputs: [f32([2, 3])], params: { newDtype: 'bfloat16' } },
  { name: 'f64 -> f32', inputs: [f64([5])], params: { newDtype: 'float32' } },
  { name: 'f32 -> f64', inputs: [f32([5])], params: { newDtype: 'float64' } },
  { name: 'f16 -> f32', inputs: [f16([5])], params: { newDtype: 'float32' } },
  { name: 'int32 -> f32', inputs: [i32([6], ints(-1000, 1000))], params: { newDtype: 'float32' } },
  { name: 'bool -> f32', inputs: [bool([4], values([1, 0, 1, 1]))], params: { newDtype: 'float32' } },
  { name: 'f32 -> bool', inputs: [f32([5], values([0, -0, 0.5, -2, NaN]))], params: { newDtype: 'bool' } },
  { name: 'int32 -> bool', inputs: [i32([4], values([0, 1, -3, 0]))], params: { newDtype: 'bool' } },
  { name: 'int32 -> uint8 (in range)', inputs: [i32([4], ints(0, 255))], params: { newDtype: 'uint8' } },
  { name: 'uint8 -> int32', inputs: [input('uint8', [4], ints(0, 255))], params: { newDtype: 'int32' } },
  { name: 'f32 -> uint32 (in range)', inputs: [f32([4], uniform(0, 1000))], params: { newDtype: 'uint32' } },
  { name: 'int64 -> f64', inputs: [input('int64', [4], values([-(2 ** 40), 3, 2 ** 50, -7]))], params: { newDtype: 'float64' } },
  { name: 'f64 -> int64', inputs: [f64([4], values([-(2 ** 40) - 0.5, 3.7, 2 ** 50, -7.9]))], params: { newDtype: 'int64' } },
  { name: 'int32 -> int8 (in range)', inputs: [i32([4], ints(-128, 127))], params: { newDtype: 'int8' } },
]

export const bitcast_convert_type: Cases<'bitcast_convert_type'> = [
  { name: 'f32 -> int32', inputs: [f32([5], values([1, -2, 0, -0, 0.1]))], params: { newDtype: 'int32' } },
  { name: 'int32 -> f32', inputs: [i32([4], values([1065353216, -1082130432, 0, 1]))], params: { newDtype: 'float32' } },
  { name: 'f32 -> uint32', inputs: [f32([3], values([1, Infinity, -3.5]))], params: { newDtype: 'uint32' } },
  { name: 'uint8 -> int8', inputs: [input('uint8', [4], values([0, 127, 128, 255]))], params: { newDtype: 'int8' } },
]
