/**
 * @file `keras.ops` core ops: cast, saturate_cast, stop_gradient, custom_gradient and the control
 * flow family (cond, switch, while_loop, fori_loop, scan, map, associative_scan, vectorized_map),
 * which wrap `@kx/core`'s implementations under Keras's names.
 */
import {
  Tensor, associativeScan as coreAssociativeScan, cond as coreCond, customGradient as coreCustomGradient, foriLoop as coreForiLoop,
  isBool, isFloat, isInt, isUnsigned, lax, map as coreMap, scan as coreScan, stopGradient as coreStopGradient,
  switchCase as coreSwitchCase, vectorizedMap as coreVectorizedMap, whileLoop as coreWhileLoop,
} from '@kx/core'
import type { DType, ScanOptions, WhileLoopOptions, AssociativeScanOptions } from '@kx/core'
import { standardizeDType, toTensor, type DTypeLike, type TensorLike } from './convert.js'
import { like, maxFinite } from './elementwise.js'

/**
 * Casts to `dtype` (float → int truncates toward zero).
 *
 * @example
 * ```ts
 * cast([1.7, -1.7], 'int32') // [1, -1]
 * ```
 */
export function cast(x: TensorLike, dtype: DTypeLike): Tensor {
  const d = standardizeDType(dtype, 'cast')!
  return lax.convertElementType(toTensor(x), d)
}

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647], int64: [-(2 ** 63), 2 ** 63 - 1],
  uint8: [0, 255], uint16: [0, 65535], uint32: [0, 4294967295],
}

/**
 * Casts with saturation: values outside the target dtype's range clamp to its limits instead of
 * wrapping (`keras.ops.saturate_cast`).
 *
 * @example
 * ```ts
 * saturateCast([300, -5], 'uint8') // [255, 0]
 * ```
 */
export function saturateCast(x: TensorLike, dtype: DTypeLike): Tensor {
  const d = standardizeDType(dtype, 'saturateCast')!
  const t = toTensor(x)
  if (isBool(d) || isBool(t.dtype)) return lax.convertElementType(t, d)
  let lo: number
  let hi: number
  if (isInt(d)) [lo, hi] = INT_RANGE[d]!
  else { hi = maxFinite(d); lo = -hi }
  if (isInt(t.dtype)) {
    const [ilo, ihi] = INT_RANGE[t.dtype]!
    if (ilo >= lo && ihi <= hi) return lax.convertElementType(t, d)
    lo = Math.max(lo, ilo)
    hi = Math.min(hi, ihi)
  } else if (isFloat(d) && maxFinite(t.dtype) <= hi) return lax.convertElementType(t, d)
  if (isUnsigned(d)) lo = Math.max(lo, 0)
  // Clamp in the source dtype, then cast.
  const clamped = lax.min(lax.max(t, like(t, lo)), like(t, hi))
  return lax.convertElementType(clamped, d)
}

/**
 * Blocks gradients: the value passes through, its gradient is zero (`keras.ops.stop_gradient`).
 *
 * @example
 * ```ts
 * stopGradient(x)
 * ```
 */
export function stopGradient(variable: TensorLike): Tensor {
  return coreStopGradient(toTensor(variable))
}

/**
 * Defines a function with a custom gradient (`keras.ops.custom_gradient`): `fn` returns
 * `[output, gradFn]`, `gradFn(upstream)` returns one gradient per argument.
 *
 * @example
 * ```ts
 * const f = customGradient((x: Tensor) => [ops.log1p(ops.exp(x)), (dy: Tensor) => [ops.multiply(dy, ops.sigmoid(x))]])
 * ```
 */
export const customGradient = coreCustomGradient

/**
 * Runs `trueFn` or `falseFn` depending on a scalar predicate (`keras.ops.cond`).
 *
 * @example
 * ```ts
 * cond(ops.greater(x, 0), () => x, () => ops.negative(x))
 * ```
 */
export function cond<T>(pred: Tensor | boolean, trueFn: () => T, falseFn: () => T): T { return coreCond(pred, trueFn, falseFn) }

/**
 * Runs `branches[index]` on the operands (`keras.ops.switch`; the index is clamped). Exported as
 * `switchCase` (and `switch_`, since `switch` is a JS keyword).
 *
 * @example
 * ```ts
 * switchCase(1, [(x) => x, (x) => ops.square(x)], x)
 * ```
 */
export function switchCase<T>(index: Tensor | number, branches: readonly ((...operands: never[]) => T)[], ...operands: unknown[]): T {
  return coreSwitchCase(index, branches, ...operands)
}
/** Alias of `switchCase` under Keras's name (`switch` is reserved in JS). @example `switch_(0, [f, g], x)` */
export const switch_ = switchCase

/**
 * Loops `body` while `cond` holds (`keras.ops.while_loop`); `maximumIterations` caps it.
 *
 * @example
 * ```ts
 * whileLoop((i) => ops.less(i, 10), (i) => ops.add(i, 1), ops.convertToTensor(0))
 * ```
 */
export function whileLoop<T>(condFn: (...vars: never[]) => Tensor | boolean, body: (...vars: never[]) => T, loopVars: T, options: WhileLoopOptions = {}): T {
  return coreWhileLoop(condFn, body, loopVars, options)
}

/**
 * `for i in [lower, upper): val = body(i, val)` (`keras.ops.fori_loop`).
 *
 * @example
 * ```ts
 * foriLoop(0, 5, (i, acc) => ops.add(acc, i), ops.convertToTensor(0))
 * ```
 */
export function foriLoop<T>(lower: number | Tensor, upper: number | Tensor, body: (i: Tensor, val: T) => T, initVal: T): T {
  return coreForiLoop(lower, upper, body, initVal)
}

/**
 * Scans `f(carry, x) → [carry, y]` over the leading axis of `xs` (`keras.ops.scan`).
 *
 * @example
 * ```ts
 * const [last, all] = scan((c, x) => [ops.add(c, x), ops.add(c, x)], ops.convertToTensor(0), xs)
 * ```
 */
export function scan<C, Y>(f: (carry: C, x: never) => [C, Y], init: C, xs: unknown = null, options: ScanOptions = {}): [C, Y] {
  return coreScan(f, init, xs, options)
}

/**
 * Maps `f` over the leading axis of `xs` and stacks the results (`keras.ops.map`).
 *
 * @example
 * ```ts
 * map((x) => ops.sum(x), ops.ones([3, 4])) // [4, 4, 4]
 * ```
 */
export function map<Y>(f: (x: never) => Y, xs: unknown): Y { return coreMap(f, xs) }

/** Vectorised map over the leading axis (`keras.ops.vectorized_map`). @example `vectorizedMap((x) => ops.sum(x), xs)` */
export function vectorizedMap<Y>(fn: (x: never) => Y, elements: unknown): Y { return coreVectorizedMap(fn, elements) }

/**
 * Inclusive scan with an associative binary `f` (`keras.ops.associative_scan`).
 *
 * @example
 * ```ts
 * associativeScan((a, b) => ops.add(a, b), ops.arange(5)) // cumulative sum
 * ```
 */
export function associativeScan<T>(f: (a: T, b: T) => T, elems: T, options: AssociativeScanOptions = {}): T {
  return coreAssociativeScan(f, elems, options)
}
