/**
 * @file The logical and bitwise binary ops of `keras.ops` (logical_and/or/xor, bitwise_and/or/xor and the
 * shifts). Apart from arithmetic.ts so that a bundle needing only the arithmetic, as every model does, does not
 * carry them.
 */
import { DTypeError, Tensor, isBool, isFloat, lax } from '@kx/core'
import type { TensorLike } from './convert.js'
import { land, lor, prepare } from './promote.js'
import { like } from './elementwise.js'

const toBoolT = (t: Tensor): Tensor => (isBool(t.dtype) ? t : lax.ne(t, like(t, 0)))
const logicalOp = (op: string, prim: 'and' | 'or' | 'xor') => (x1: TensorLike, x2: TensorLike): Tensor => {
  const [a, b] = prepare(op, [x1, x2])
  return lax.binary(prim, toBoolT(a!), toBoolT(b!))
}
/** Logical AND (non-zero is true). @example `logicalAnd([true, true], [true, false]) // [true, false]` */
export const logicalAnd = /* @__PURE__ */ logicalOp('logicalAnd', 'and')
/** Logical OR. @example `logicalOr([false], [true]) // [true]` */
export const logicalOr = /* @__PURE__ */ logicalOp('logicalOr', 'or')
/** Logical XOR. @example `logicalXor([true], [true]) // [false]` */
export const logicalXor = /* @__PURE__ */ logicalOp('logicalXor', 'xor')

const bitwiseOp = (op: string, f: (a: Tensor, b: Tensor) => Tensor) => (x: TensorLike, y: TensorLike): Tensor => {
  const [a, b] = prepare(op, [x, y])
  if (isFloat(a!.dtype)) throw new DTypeError(`\`${op}\` needs integer or boolean operands. Received: dtypes=${a!.dtype}`)
  return f(a!, b!)
}
/** Bitwise AND of integers/booleans. @example `bitwiseAnd([12], [10]) // [8]` */
export const bitwiseAnd = /* @__PURE__ */ bitwiseOp('bitwiseAnd', (a, b) => lax.binary('and', a, b))
/** Bitwise OR. @example `bitwiseOr([12], [10]) // [14]` */
export const bitwiseOr = /* @__PURE__ */ bitwiseOp('bitwiseOr', (a, b) => lor(a, b))
/** Bitwise XOR. @example `bitwiseXor([12], [10]) // [6]` */
export const bitwiseXor = /* @__PURE__ */ bitwiseOp('bitwiseXor', (a, b) => lax.binary('xor', a, b))
/** `x << y` on integers. @example `bitwiseLeftShift([1], [3]) // [8]` */
export const bitwiseLeftShift = /* @__PURE__ */ bitwiseOp('bitwiseLeftShift', (a, b) => lax.mul(a, lax.pow(like(b, 2), b)))
/** `x >> y` on integers (arithmetic shift for signed ints). @example `bitwiseRightShift([-8], [1]) // [-4]` */
export const bitwiseRightShift = /* @__PURE__ */ bitwiseOp('bitwiseRightShift', (a, b) => {
  const d = lax.pow(like(b, 2), b)
  const q = lax.div(a, d)
  const r = lax.binary('rem', a, d)
  // Truncating division toward -∞ for negative values = arithmetic shift.
  return lax.select(land(lax.ne(r, like(r, 0)), lax.lt(a, like(a, 0))), lax.sub(q, like(q, 1)), q)
})
/** Alias of `bitwiseLeftShift`. @example `leftShift([1], [2]) // [4]` */
export const leftShift = bitwiseLeftShift
/** Alias of `bitwiseRightShift`. @example `rightShift([8], [2]) // [2]` */
export const rightShift = bitwiseRightShift
