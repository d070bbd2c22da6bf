/**
 * @file Private op helpers of the layer zoo, written with `lax`: broadcasting arithmetic with Keras's
 * promotion, reductions and movement that work on concrete and symbolic tensors (null dims).
 * NOTE: a stop-gap mirror of the few @kx/ops-numpy ops the layers need, to be replaced by
 * re-exports once that package's public API is settled (see the dedup list in the report).
 */
import {
  InvalidArgumentError, ShapeError, Tensor, Variable, broadcastShapes, fmt, full, isFloat, lax, normalizeAxes, normalizeAxis, resultType,
  tensor, floatx, type DType, type Dim, type NestedArray, type PromotionType, type TypedArray,
} from '@kx/core'

/** A tensor, a variable, or host values. */
export type TensorLike = Tensor | Variable | NestedArray | TypedArray

/** Converts host values to a tensor (floats → floatx); casts when `dtype` is given. */
export function toTensor(x: TensorLike, dtype?: DType): Tensor {
  if (x instanceof Variable) return toTensor(x.value, dtype)
  if (x instanceof Tensor) return dtype && x.dtype !== dtype ? lax.convertElementType(x, dtype) : x
  if (typeof x === 'number' && dtype === undefined) return tensor(x, { dtype: Number.isInteger(x) ? 'int32' : floatx() })
  return tensor(x, dtype ? { dtype } : {})
}

export function cast(x: Tensor, dtype: DType): Tensor { return lax.convertElementType(x, dtype) }

/** A rank-0 constant on `ref`'s backend (the active one for symbolic tensors). */
export function scalar(ref: Tensor, value: number | boolean, dtype: DType = ref.dtype): Tensor {
  return full([], value, dtype, ref.isSymbolic ? undefined : ref.backend)
}

/** Broadcasts `x` to `shape` (trailing alignment; `null` dims allowed on the symbolic path). */
export function broadcastTo(x: Tensor, shape: readonly Dim[]): Tensor {
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x
  const off = shape.length - x.shape.length
  if (off < 0) throw new ShapeError(`Cannot broadcast a tensor to a lower rank. Received: shape=${fmt(x.shape)}, target=${fmt(shape)}`)
  return lax.broadcastInDim(x, shape as readonly number[], x.shape.map((_, i) => i + off))
}

type Operand = Tensor | number

/** Promotes two operands (numbers are weak) and broadcasts them to one shape. */
export function align(a: Operand, b: Operand, op: string): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') throw new InvalidArgumentError(`\`${op}\` needs at least one tensor.`)
  const weak = (n: number): PromotionType => (Number.isInteger(n) ? 'weak_int' : 'weak_float')
  const dtype = resultType(typeof a === 'number' ? weak(a) : a.dtype, typeof b === 'number' ? weak(b) : b.dtype)
  const ref = (typeof a === 'number' ? b : a) as Tensor
  const x = typeof a === 'number' ? scalar(ref, a, dtype) : cast(a, dtype)
  const y = typeof b === 'number' ? scalar(ref, b, dtype) : cast(b, dtype)
  const shape = broadcastShapes([x.shape, y.shape], op)
  return [broadcastTo(x, shape), broadcastTo(y, shape)]
}

export const add = (a: Operand, b: Operand): Tensor => lax.add(...align(a, b, 'add'))
export const sub = (a: Operand, b: Operand): Tensor => lax.sub(...align(a, b, 'subtract'))
export const mul = (a: Operand, b: Operand): Tensor => lax.mul(...align(a, b, 'multiply'))
export const div = (a: Operand, b: Operand): Tensor => lax.div(...align(a, b, 'divide'))
export const maximum = (a: Operand, b: Operand): Tensor => lax.max(...align(a, b, 'maximum'))
export const minimum = (a: Operand, b: Operand): Tensor => lax.min(...align(a, b, 'minimum'))
export const greater = (a: Operand, b: Operand): Tensor => lax.gt(...align(a, b, 'greater'))
export const greaterEqual = (a: Operand, b: Operand): Tensor => lax.ge(...align(a, b, 'greater_equal'))
export const less = (a: Operand, b: Operand): Tensor => lax.lt(...align(a, b, 'less'))
export const notEqual = (a: Operand, b: Operand): Tensor => lax.ne(...align(a, b, 'not_equal'))
export const equal = (a: Operand, b: Operand): Tensor => lax.eq(...align(a, b, 'equal'))
export const neg = (x: Tensor): Tensor => lax.neg(x)
export const square = (x: Tensor): Tensor => lax.mul(x, x)

/** `cond ? a : b` with broadcasting and promotion of `a`, `b`. */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const [x, y] = align(a, b, 'where')
  const shape = broadcastShapes([cond.shape, x.shape], 'where')
  return lax.select(broadcastTo(cond, shape), broadcastTo(x, shape), broadcastTo(y, shape))
}

/** `clip(x, lo, hi)`. */
export function clip(x: Tensor, lo: number, hi: number): Tensor { return minimum(maximum(x, lo), hi) }

/** Sum over `axis` (all axes when omitted). */
export function sum(x: Tensor, axis?: number | readonly number[] | null, keepdims = false): Tensor {
  const axes = normalizeAxes(axis ?? null, x.shape.length, 'sum')
  const s = lax.reduceSum(x, axes)
  return keepdims ? expandAxes(s, axes, x.shape.length) : s
}

/** Mean over `axis` (all axes when omitted); integer inputs are averaged in floatx. */
export function mean(x: Tensor, axis?: number | readonly number[] | null, keepdims = false): Tensor {
  const t = isFloat(x.dtype) ? x : cast(x, floatx())
  const axes = normalizeAxes(axis ?? null, t.shape.length, 'mean')
  const n = axes.reduce((a, i) => a * (t.shape[i] as number), 1)
  if (axes.some((i) => t.shape[i] === null)) {
    throw new ShapeError(`\`mean\` needs known sizes on the reduced axes. Received: shape=${fmt(t.shape)}, axis=${fmt(axis)}`)
  }
  // NOTE: accumulate float16/bfloat16 in float32, like XLA's reductions.
  const acc = t.dtype === 'float16' || t.dtype === 'bfloat16' ? cast(t, 'float32') : t
  return cast(div(sum(acc, axes, keepdims), n), t.dtype)
}

export function max(x: Tensor, axis?: number | readonly number[] | null, keepdims = false): Tensor {
  const axes = normalizeAxes(axis ?? null, x.shape.length, 'max')
  const m = lax.reduceMax(x, axes)
  return keepdims ? expandAxes(m, axes, x.shape.length) : m
}

/** Re-inserts reduced axes as size 1. */
export function expandAxes(x: Tensor, axes: readonly number[], rank: number): Tensor {
  const shape: Dim[] = []
  let k = 0
  for (let i = 0; i < rank; i++) shape.push(axes.includes(i) ? 1 : x.shape[k++]!)
  return reshape(x, shape)
}

/** Reshape; `null` or -1 dims are inferred (at most one unknown). */
export function reshape(x: Tensor, shape: readonly (number | null)[]): Tensor {
  const sizes = shape.map((d) => (d === null ? -1 : d))
  if (sizes.filter((d) => d === -1).length > 1) {
    // NOTE: symbolic reshapes may keep several unknown dims; carry them through with a symbolic-only path.
    if (!x.isSymbolic) throw new ShapeError(`Cannot reshape with more than one unknown dim. Received: shape=${fmt(x.shape)}, newShape=${fmt(shape)}`)
    return reshapeSymbolic(x, shape)
  }
  return lax.reshape(x, sizes)
}

function reshapeSymbolic(x: Tensor, shape: readonly (number | null)[]): Tensor {
  // Reshape to a placeholder with all unknowns folded into the first, then broadcast-free relabel.
  const known = shape.map((d) => (d === null || d === -1 ? -1 : d))
  const first = known.indexOf(-1)
  const folded = known.map((d, i) => (d === -1 && i !== first ? 1 : d))
  const y = lax.reshape(x, folded)
  return lax.broadcastInDim(y, shape.map((d) => (d === -1 ? null : d)) as number[], shape.map((_, i) => i))
}

export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  return lax.transpose(x, perm ?? x.shape.map((_, i) => x.shape.length - 1 - i))
}

export function expandDims(x: Tensor, axis: number): Tensor {
  const r = x.shape.length + 1
  const a = normalizeAxis(axis, r, 'expandDims')
  const shape = x.shape.slice()
  shape.splice(a, 0, 1)
  return reshape(x, shape)
}

export function squeeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis(axis, x.shape.length, 'squeeze')
  return reshape(x, x.shape.filter((_, i) => i !== a))
}

/** `x[..., start:stop, ...]` along `axis`. */
export function sliceAxis(x: Tensor, axis: number, start: number, stop: number, step = 1): Tensor {
  const r = x.shape.length
  const starts = x.shape.map(() => 0)
  const limits = x.shape.map((d) => d as number)
  const strides = x.shape.map(() => 1)
  starts[axis] = start
  limits[axis] = stop
  strides[axis] = step
  return lax.slice(x, starts, limits, strides.length === r ? strides : undefined)
}

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  const r = xs[0]!.shape.length
  return lax.concatenate(xs, normalizeAxis(axis, r, 'concatenate'))
}

/** `x @ kernel` over the last axis of x and the first of kernel (Dense's matmul). */
export function matmulLast(x: Tensor, kernel: Tensor): Tensor {
  const [a, b] = alignDtypes(x, kernel)
  return lax.dotGeneral(a, b, [[a.shape.length - 1], [0]])
}

/** NumPy matmul for rank ≥ 2 operands with broadcast batch dims. */
export function matmul(x: Tensor, y: Tensor): Tensor {
  let [a, b] = alignDtypes(x, y)
  if (a.shape.length === 1) return squeeze(matmul(expandDims(a, 0), b), -2)
  if (b.shape.length === 1) return squeeze(matmul(a, expandDims(b, -1)), -1)
  const batch = broadcastShapes([a.shape.slice(0, -2), b.shape.slice(0, -2)], 'matmul')
  a = broadcastTo(a, [...batch, ...a.shape.slice(-2)])
  b = broadcastTo(b, [...batch, ...b.shape.slice(-2)])
  const bd = batch.map((_, i) => i)
  const r = batch.length
  return lax.dotGeneral(a, b, [[r + 1], [r]], [bd, bd])
}

function alignDtypes(x: Tensor, y: Tensor): [Tensor, Tensor] {
  const d = resultType(x.dtype, y.dtype)
  return [cast(x, d), cast(y, d)]
}

/** Zero (or `value`) padding: `pads[i] = [before, after]` per axis. */
export function padConst(x: Tensor, pads: readonly (readonly [number, number])[], value = 0): Tensor {
  return lax.pad(x, scalar(x, value), pads.map((p) => p[0]), pads.map((p) => p[1]))
}

/** `np.repeat(x, repeats, axis)` with a scalar repeat count. */
export function repeat(x: Tensor, repeats: number, axis: number): Tensor {
  const a = normalizeAxis(axis, x.shape.length, 'repeat')
  const shape = x.shape.slice()
  const expanded = expandDims(x, a + 1)
  const target = expanded.shape.slice()
  target[a + 1] = repeats
  const b = lax.broadcastInDim(expanded, target as number[], target.map((_, i) => i))
  const out: (number | null)[] = shape.slice()
  out[a] = shape[a] === null ? null : (shape[a] as number) * repeats
  return reshape(b, out)
}

/** `np.tile` along one axis by `n`. */
export function tileAxis(x: Tensor, n: number, axis: number): Tensor {
  const a = normalizeAxis(axis, x.shape.length, 'tile')
  const expanded = expandDims(x, a)
  const target = expanded.shape.slice()
  target[a] = n
  const b = lax.broadcastInDim(expanded, target as number[], target.map((_, i) => i))
  const out: (number | null)[] = x.shape.slice()
  out[a] = x.shape[a] === null ? null : (x.shape[a] as number) * n
  return reshape(b, out)
}
