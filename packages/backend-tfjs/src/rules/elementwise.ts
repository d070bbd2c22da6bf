/** @file Elementwise primitives on tfjs kernels: unary math, binary arithmetic, comparisons, select, casts. */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { BinaryPrim, ComparePrim, UnaryPrim } from '@kx/core'
import { tfDtype, type TfDType, type TfjsKernelContext } from '../context.js'
import { binary, cast, select, unary } from '../helpers.js'
import { hostRule, type TfjsRule, type TfjsRuleTable } from './types.js'
import { hostCompare, hostSelect } from './host-loops.js'

type Fn1 = (ctx: TfjsKernelContext, x: TensorInfo) => TensorInfo
const k1 = (name: string): Fn1 => (ctx, x) => unary(ctx, name, x)

/** int32 `~x` = `-x - 1` (two's complement, wrapping). */
const bitNot: Fn1 = (ctx, x) => binary(ctx, 'Sub', unary(ctx, 'Neg', x), ctx.constant(1, 'int32'))

const UNARY: { [P in UnaryPrim]: Fn1 | null } = {
  neg: k1('Neg'),
  sign: (ctx, x) => {
    const s = unary(ctx, 'Sign', x)
    if (x.dtype !== 'float32' || !ctx.traits.quirks?.signDropsNaN) return s
    return select(ctx, binary(ctx, 'NotEqual', x, x), x, s)
  }, floor: k1('Floor'), ceil: k1('Ceil'),
  // NOTE: tfjs Round is round-half-to-even, like NumPy/JAX.
  round: k1('Round'), is_finite: k1('IsFinite'),
  exp: k1('Exp'), log: k1('Log'), log1p: k1('Log1p'), expm1: k1('Expm1'), tanh: k1('Tanh'), logistic: k1('Sigmoid'),
  sin: k1('Sin'), cos: k1('Cos'), tan: k1('Tan'), asin: k1('Asin'), acos: k1('Acos'), atan: k1('Atan'),
  sinh: k1('Sinh'), cosh: k1('Cosh'), asinh: k1('Asinh'), acosh: k1('Acosh'), atanh: k1('Atanh'),
  sqrt: k1('Sqrt'), rsqrt: k1('Rsqrt'),
  // cbrt(x) = sign(x) · |x|^(1/3)
  cbrt: (ctx, x) => binary(ctx, 'Multiply', unary(ctx, 'Sign', x), binary(ctx, 'Pow', unary(ctx, 'Abs', x), ctx.constant(1 / 3, 'float32'))),
  abs: k1('Abs'),
  not: (ctx, x) => (x.dtype === 'bool' ? unary(ctx, 'LogicalNot', x) : bitNot(ctx, x)),
  erf: k1('Erf'),
  erf_inv: null, lgamma: null, digamma: null,
  stop_gradient: k1('Identity'),
}

type Fn2 = (ctx: TfjsKernelContext, a: TensorInfo, b: TensorInfo) => TensorInfo
const k2 = (name: string): Fn2 => (ctx, a, b) => binary(ctx, name, a, b)
/** Picks a kernel by operand dtype: bool operands use the logical kernels. */
const boolOr = (num: string, bool: string): Fn2 => (ctx, a, b) => binary(ctx, a.dtype === 'bool' ? bool : num, a, b)

/**
 * `floor(A / B)` for non-negative int32, exact on every engine: tfjs-wasm's FloorDiv divides in float32, which is
 * off by up to |A|·2⁻²⁴ (< 256), so the estimate's remainder is corrected by one more (now small) division and a
 * final ±1 step.
 */
function exactFloorDiv(ctx: TfjsKernelContext, A: TensorInfo, B: TensorInfo): TensorInfo {
  const q0 = binary(ctx, 'FloorDiv', A, B)
  const q1 = binary(ctx, 'Add', q0, binary(ctx, 'FloorDiv', binary(ctx, 'Sub', A, binary(ctx, 'Multiply', q0, B)), B))
  const r1 = binary(ctx, 'Sub', A, binary(ctx, 'Multiply', q1, B))
  const up = cast(ctx, binary(ctx, 'GreaterEqual', r1, B), 'int32')
  const down = cast(ctx, binary(ctx, 'Less', r1, ctx.constant(0, 'int32')), 'int32')
  return binary(ctx, 'Sub', binary(ctx, 'Add', q1, up), down)
}

/** int32 |x| in integer arithmetic (tfjs-cpu's Abs goes through float32, rounding values above 2²⁴). */
function intAbs(ctx: TfjsKernelContext, x: TensorInfo): TensorInfo {
  const zero = ctx.constant(0, 'int32')
  return select(ctx, binary(ctx, 'Less', x, zero), binary(ctx, 'Sub', zero, x), x)
}

/**
 * int32 `a·b` wrapping mod 2³², for engines whose Multiply rounds through a float64 product: with 16-bit halves
 * (`a = aH·2¹⁶ + aL`) every partial product stays below 2⁵³, so each engine step wraps exactly.
 */
const intMul: Fn2 = (ctx, a, b) => {
  const low = ctx.constant(0xffff, 'int32'), radix = ctx.constant(0x10000, 'int32')
  const aL = binary(ctx, 'BitwiseAnd', a, low), bL = binary(ctx, 'BitwiseAnd', b, low)
  const aH = binary(ctx, 'FloorDiv', a, radix), bH = binary(ctx, 'FloorDiv', b, radix)
  const cross = binary(ctx, 'Add', binary(ctx, 'Multiply', aH, bL), binary(ctx, 'Multiply', aL, bH))
  return binary(ctx, 'Add', binary(ctx, 'Multiply', aL, bL), binary(ctx, 'Multiply', cross, radix))
}

/** Integer division truncating toward zero, and XLA's `x / 0 = -1`. */
const intDiv: Fn2 = (ctx, a, b) => {
  const q = exactFloorDiv(ctx, intAbs(ctx, a), intAbs(ctx, b))
  const signed = binary(ctx, 'Multiply', q, binary(ctx, 'Multiply', unary(ctx, 'Sign', a), unary(ctx, 'Sign', b)))
  return select(ctx, binary(ctx, 'Equal', b, ctx.constant(0, 'int32')), ctx.constant(-1, 'int32', a.shape), signed)
}

/** C `fmod` (the sign of the dividend): float `sign(x) · Mod(|x|, |y|)`; int32 `x − trunc(x/y)·y`,
 * which gives XLA's `x % 0 = x` since `x / 0 = −1`. */
const rem: Fn2 = (ctx, a, b) => {
  if (a.dtype !== 'float32') return binary(ctx, 'Sub', a, binary(ctx, 'Multiply', intDiv(ctx, a, b), b))
  return binary(ctx, 'Multiply', unary(ctx, 'Sign', a), binary(ctx, 'Mod', unary(ctx, 'Abs', a), unary(ctx, 'Abs', b)))
}

/** int32 `a & b`, and `|`/`^` from it with wrapping arithmetic: a|b = a+b-(a&b), a^b = a+b-2(a&b). */
const bitAnd: Fn2 = (ctx, a, b) => binary(ctx, 'BitwiseAnd', a, b)
const bitOr: Fn2 = (ctx, a, b) => binary(ctx, 'Sub', binary(ctx, 'Add', a, b), bitAnd(ctx, a, b))
const bitXor: Fn2 = (ctx, a, b) => binary(ctx, 'Sub', binary(ctx, 'Add', a, b), binary(ctx, 'Multiply', bitAnd(ctx, a, b), ctx.constant(2, 'int32')))

/** Puts back a NaN of `b` that a max/min kernel dropped (engines with `quirks.minMaxDropsNaN`). */
function nanSafe(ctx: TfjsKernelContext, r: TensorInfo, b: TensorInfo): TensorInfo {
  if (b.dtype !== 'float32' || !ctx.traits.quirks?.minMaxDropsNaN) return r
  return select(ctx, binary(ctx, 'NotEqual', b, b), b, r)
}

const BINARY: { [P in BinaryPrim]: Fn2 | null } = {
  add: boolOr('Add', 'LogicalOr'),
  sub: k2('Sub'),
  mul: (ctx, a, b) => (a.dtype === 'int32' && ctx.traits.quirks?.intMulInexact ? intMul(ctx, a, b) : boolOr('Multiply', 'LogicalAnd')(ctx, a, b)),
  div: (ctx, a, b) => (a.dtype === 'float32' ? binary(ctx, 'RealDiv', a, b) : intDiv(ctx, a, b)),
  rem,
  pow: k2('Pow'),
  max: (ctx, a, b) => {
    if (a.dtype === 'bool') return binary(ctx, 'LogicalOr', a, b)
    // NOTE: max(x, 0) is relu: Relu is one fast kernel where wasm's Maximum is a slow generic loop.
    if (a.dtype === 'float32' && ctx.uniformOf(b) === 0) return unary(ctx, 'Relu', a)
    if (a.dtype === 'float32' && ctx.uniformOf(a) === 0) return unary(ctx, 'Relu', b)
    return nanSafe(ctx, binary(ctx, 'Maximum', a, b), b)
  },
  min: (ctx, a, b) => {
    if (a.dtype === 'bool') return binary(ctx, 'LogicalAnd', a, b)
    const zeroIn = a.dtype === 'float32' ? (ctx.uniformOf(b) === 0 ? a : ctx.uniformOf(a) === 0 ? b : null) : null
    if (zeroIn) return unary(ctx, 'Neg', unary(ctx, 'Relu', unary(ctx, 'Neg', zeroIn)))
    return nanSafe(ctx, binary(ctx, 'Minimum', a, b), b)
  },
  atan2: k2('Atan2'),
  and: (ctx, a, b) => (a.dtype === 'bool' ? binary(ctx, 'LogicalAnd', a, b) : bitAnd(ctx, a, b)),
  or: (ctx, a, b) => (a.dtype === 'bool' ? binary(ctx, 'LogicalOr', a, b) : bitOr(ctx, a, b)),
  // NOTE: bool xor is `!=` (tfjs-cpu registers no LogicalXor kernel).
  xor: (ctx, a, b) => (a.dtype === 'bool' ? binary(ctx, 'NotEqual', a, b) : bitXor(ctx, a, b)),
  igamma: null,
}

const COMPARE: { [P in ComparePrim]: string } = { eq: 'Equal', ne: 'NotEqual', lt: 'Less', le: 'LessEqual', gt: 'Greater', ge: 'GreaterEqual' }

function unaryRule<P extends UnaryPrim>(p: P): TfjsRule<P> {
  const f = UNARY[p]
  if (!f) return hostRule(p)
  return (ctx, [x]) => [f(ctx, x!)]
}
/** Binary kernels that broadcast a scalar operand themselves (float32 `div` is RealDiv). */
const SCALAR_OK: ReadonlySet<string> = new Set(['add', 'sub', 'mul', 'div', ...Object.keys(COMPARE)])

/**
 * On engines without host memory (webgpu), a uniform operand (a broadcast constant) is passed as a
 * scalar: the kernel broadcasts it, and the full-size constant is never uploaded.
 */
function scalarOperands(ctx: TfjsKernelContext, p: string, a: TensorInfo, b: TensorInfo): [TensorInfo, TensorInfo] {
  if (ctx.traits.hostMemory || !SCALAR_OK.has(p) || a.dtype === 'bool' || (p === 'div' && a.dtype !== 'float32')) return [a, b]
  const ua = ctx.uniformOf(a)
  const ub = ctx.uniformOf(b)
  if ((ua === undefined) === (ub === undefined) || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return [a, b]
  return ub !== undefined ? [a, ctx.constant(ub, b.dtype as TfDType)] : [ctx.constant(ua!, a.dtype as TfDType), b]
}

function binaryRule<P extends BinaryPrim>(p: P): TfjsRule<P> {
  const f = BINARY[p]
  if (!f) return hostRule(p)
  // NOTE: no destructuring or spread: this runs on every binary op.
  return (ctx, inputs) => { const ab = scalarOperands(ctx, p, inputs[0]!, inputs[1]!); return [f(ctx, ab[0], ab[1])] }
}
function compareRule<P extends ComparePrim>(p: P): TfjsRule<P> {
  const name = COMPARE[p]
  return (ctx, [a, b]) => [hostCompare(ctx, p, a!, b!) ?? binary(ctx, name, ...scalarOperands(ctx, p, a!, b!))]
}

const mapKeys = <K extends string, V>(keys: readonly K[], f: (k: K) => V): Record<K, V> => Object.fromEntries(keys.map((k) => [k, f(k)])) as Record<K, V>

export const elementwiseRules = {
  ...(mapKeys(Object.keys(UNARY) as UnaryPrim[], unaryRule) as { [P in UnaryPrim]: TfjsRule<P> }),
  ...(mapKeys(Object.keys(BINARY) as BinaryPrim[], binaryRule) as { [P in BinaryPrim]: TfjsRule<P> }),
  ...(mapKeys(Object.keys(COMPARE) as ComparePrim[], compareRule) as { [P in ComparePrim]: TfjsRule<P> }),
  select_n: (ctx, [pred, onFalse, onTrue]) => [hostSelect(ctx, pred!, onTrue!, onFalse!) ?? select(ctx, pred!, onTrue!, onFalse!)],
  convert_element_type: (ctx, [x], { newDtype }) => [cast(ctx, x!, tfDtype(newDtype))],
  bitcast_convert_type: hostRule('bitcast_convert_type'),
} satisfies Partial<TfjsRuleTable>

/** Unary/binary primitives that have no tfjs kernel and run on the host. */
export const HOST_ELEMENTWISE: readonly (UnaryPrim | BinaryPrim)[] = [
  ...(Object.keys(UNARY) as UnaryPrim[]).filter((p) => UNARY[p] === null),
  ...(Object.keys(BINARY) as BinaryPrim[]).filter((p) => BINARY[p] === null),
]
