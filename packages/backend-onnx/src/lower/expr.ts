/**
 * @file A tiny expression helper over `GraphBuilder` for elementwise compositions in one float dtype
 * (`float32` or `float64` storage): arithmetic, comparisons, selects and constants by value.
 */
import type { DType } from '@kx/core'
import type { GraphBuilder } from '../onnx/builder.js'

/** A value name, or a number that becomes a scalar constant of the expression's dtype. */
export type Operand = string | number

/** Elementwise helpers in one dtype; numbers are scalar constants (broadcast by ONNX). */
export class Expr {
  constructor(readonly b: GraphBuilder, readonly dtype: DType) {}
  v(x: Operand): string { return typeof x === 'number' ? this.b.scalar(x, this.dtype) : x }
  private bin(op: string, x: Operand, y: Operand): string { return this.b.op(op, [this.v(x), this.v(y)]) }
  add(x: Operand, y: Operand): string { return this.bin('Add', x, y) }
  sub(x: Operand, y: Operand): string { return this.bin('Sub', x, y) }
  mul(x: Operand, y: Operand): string { return this.bin('Mul', x, y) }
  div(x: Operand, y: Operand): string { return this.bin('Div', x, y) }
  pow(x: Operand, y: Operand): string { return this.bin('Pow', x, y) }
  max(x: Operand, y: Operand): string { return this.bin('Max', x, y) }
  min(x: Operand, y: Operand): string { return this.bin('Min', x, y) }
  eq(x: Operand, y: Operand): string { return this.bin('Equal', x, y) }
  lt(x: Operand, y: Operand): string { return this.bin('Less', x, y) }
  le(x: Operand, y: Operand): string { return this.bin('LessOrEqual', x, y) }
  gt(x: Operand, y: Operand): string { return this.bin('Greater', x, y) }
  ge(x: Operand, y: Operand): string { return this.bin('GreaterOrEqual', x, y) }
  and(x: string, y: string): string { return this.b.op('And', [x, y]) }
  or(x: string, y: string): string { return this.b.op('Or', [x, y]) }
  not(x: string): string { return this.b.op('Not', [x]) }
  neg(x: Operand): string { return this.b.op('Neg', [this.v(x)]) }
  abs(x: Operand): string { return this.b.op('Abs', [this.v(x)]) }
  sign(x: Operand): string { return this.b.op('Sign', [this.v(x)]) }
  exp(x: Operand): string { return this.b.op('Exp', [this.v(x)]) }
  log(x: Operand): string { return this.b.op('Log', [this.v(x)]) }
  sqrt(x: Operand): string { return this.b.op('Sqrt', [this.v(x)]) }
  sin(x: Operand): string { return this.b.op('Sin', [this.v(x)]) }
  cos(x: Operand): string { return this.b.op('Cos', [this.v(x)]) }
  floor(x: Operand): string { return this.b.op('Floor', [this.v(x)]) }
  isNaN(x: string): string { return this.b.op('IsNaN', [x]) }
  isInf(x: string): string { return this.b.op('IsInf', [x]) }
  where(c: string, x: Operand, y: Operand): string { return this.b.op('Where', [c, this.v(x), this.v(y)]) }
  /** Polynomial Σ c[i]·x^i by Horner's rule (c from degree 0 up). */
  poly(x: string, c: readonly number[]): string {
    let acc: Operand = c[c.length - 1]!
    for (let i = c.length - 2; i >= 0; i--) acc = this.add(this.mul(acc, x), c[i]!)
    return this.v(acc)
  }
  /** Sign bit set (x < 0, or -0): `x < 0 or 1/x < 0`. */
  signBit(x: string): string { return this.or(this.lt(x, 0), this.lt(this.div(1, x), 0)) }
}
