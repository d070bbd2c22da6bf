/**
 * @file Private helpers of @kx/ops-nn: tensor conversion, broadcasting arithmetic with Keras's
 * promotion, reductions and movement, all written with `lax`. They mirror the few @kx/ops-numpy
 * ops this package needs (to be deduplicated once that package's API settles).
 */
import {
  InvalidArgumentError, ShapeError, Tensor, broadcastShapes, fmt, full, isFloat, lax, normalizeAxes, normalizeAxis, resultType,
  tensor, floatx, Variable, type DType, type NestedArray, type PromotionType, type TypedArray,
} from '@kx/core'

/** A tensor, a variable, or host values (nested arrays, typed arrays, a number, a boolean). */
export type TensorLike = Tensor | Variable | NestedArray | TypedArray

/** Converts host values to a tensor (floats → floatx, integers → int32); casts when `dtype` is given. */
export function toTensor(x: TensorLike, dtype?: DType): Tensor {
  if (x instanceof Variable) return toTensor(x.value, dtype)
  if (x instanceof Tensor) return dtype && x.dtype !== dtype ? lax.convertElementType(x, dtype) : x
  return tensor(x, dtype ? { dtype } : {})
}

/** Converts to a floating-point tensor: float inputs keep their dtype, others become floatx. */
export function toFloat(x: TensorLike): Tensor {
  const t = toTensor(x)
  return isFloat(t.dtype) ? t : lax.convertElementType(t, floatx())
}

export function cast(x: Tensor, dtype: DType): Tensor { return lax.convertElementType(x, dtype) }

/** The backend to create constants on: the operand's, or the active one for symbolic operands. */
function backendFor(ref: Tensor): Parameters<typeof full>[3] { return ref.isSymbolic ? undefined : ref.backend }

/** A scalar constant on `ref`'s backend. */
export function scalar(ref: Tensor, value: number, dtype: DType = ref.dtype): Tensor {
  return full([], value, dtype, backendFor(ref))
}

/** A constant shaped and typed like `ref` (or `dtype`). */
export function fullLike(ref: Tensor, value: number, dtype: DType = ref.dtype): Tensor {
  return broadcastTo(scalar(ref, value, dtype), ref.shape)
}

/** NumPy broadcasting of `x` to `shape` (trailing alignment). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  if (x.shape.length > shape.length) {
    throw new ShapeError(`Cannot broadcast a tensor to a lower rank. Received: shape=${fmt(x.shape)}, target=${fmt(shape)}`)
  }
  return lax.broadcastTo(x, shape)
}

type Operand = Tensor | number

/** Promotes two operands (numbers are weak) and broadcasts them to one shape. */
export function align(a: Operand, b: Operand, op: string): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') throw new InvalidArgumentError(`\`${op}\` needs at least one tensor.`)
  const weak = (n: number): PromotionType => (Number.isInteger(n) ? 'weak_int' : 'weak_float')
  const ta: PromotionType = typeof a === 'number' ? weak(a) : a.dtype
  const tb: PromotionType = typeof b === 'number' ? weak(b) : b.dtype
  const dtype = resultType(ta, tb)
  const ref = (typeof a === 'number' ? b : a) as Tensor
  let x = typeof a === 'number' ? scalar(ref, a, dtype) : cast(a, dtype)
  let y = typeof b === 'number' ? scalar(ref, b, dtype) : cast(b, dtype)
  const shape = broadcastShapes([x.shape, y.shape], op) as number[]
  x = broadcastTo(x, shape)
  y = broadcastTo(y, shape)
  return [x, y]
}

export const add = (a: Operand, b: Operand): Tensor => lax.add(...align(a, b, 'add'))
export const sub = (a: Operand, b: Operand): Tensor => lax.sub(...align(a, b, 'subtract'))
export const mul = (a: Operand, b: Operand): Tensor => lax.mul(...align(a, b, 'multiply'))
export const div = (a: Operand, b: Operand): Tensor => lax.div(...align(a, b, 'divide'))
export const maximum = (a: Operand, b: Operand): Tensor => lax.max(...align(a, b, 'maximum'))
export const minimum = (a: Operand, b: Operand): Tensor => lax.min(...align(a, b, 'minimum'))
export const pow = (a: Operand, b: Operand): Tensor => lax.pow(...align(a, b, 'power'))
export const gt = (a: Operand, b: Operand): Tensor => lax.gt(...align(a, b, 'greater'))
export const ge = (a: Operand, b: Operand): Tensor => lax.ge(...align(a, b, 'greater_equal'))
export const lt = (a: Operand, b: Operand): Tensor => lax.lt(...align(a, b, 'less'))
export const le = (a: Operand, b: Operand): Tensor => lax.le(...align(a, b, 'less_equal'))
export const eq = (a: Operand, b: Operand): Tensor => lax.eq(...align(a, b, 'equal'))
export const ne = (a: Operand, b: Operand): Tensor => lax.ne(...align(a, b, 'not_equal'))
export const and = (a: Tensor, b: Tensor): Tensor => lax.binary('and', ...align(a, b, 'logical_and'))
export const or = (a: Tensor, b: Tensor): Tensor => lax.binary('or', ...align(a, b, 'logical_or'))
export const not = (a: Tensor): Tensor => lax.unary('not', a)
export const neg = (x: Tensor): Tensor => lax.neg(x)
export const abs = (x: Tensor): Tensor => lax.abs(x)
export const square = (x: Tensor): Tensor => lax.mul(x, x)
export const log10 = (x: Tensor): Tensor => div(lax.log(x), Math.LN10)
export const clip = (x: Tensor, lo: number, hi: number): Tensor => minimum(maximum(x, lo), hi)

/** `cond ? a : b` with broadcasting and promotion of the branches. */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const [x, y] = align(a, b, 'where')
  const shape = broadcastShapes([cond.shape, x.shape], 'where') as number[]
  return lax.select(broadcastTo(cond, shape), broadcastTo(x, shape), broadcastTo(y, shape))
}

// ---- reductions ----------------------------------------------------------------------------------

function reduceWith(prim: 'reduce_sum' | 'reduce_max' | 'reduce_min' | 'reduce_prod' | 'reduce_and' | 'reduce_or', x: Tensor,
  axis: number | readonly number[] | null | undefined, keepdims: boolean, op: string): Tensor {
  const axes = normalizeAxes(axis, x.ndim, op)
  const y = lax.reduce(prim, x, axes)
  return keepdims ? expandAxes(y, x.shape, axes) : y
}

/** Re-inserts reduced axes as size 1. */
function expandAxes(y: Tensor, inShape: readonly number[], axes: readonly number[]): Tensor {
  const shape = inShape.map((d, i) => (axes.includes(i) ? 1 : d))
  return reshape(y, shape)
}

export const sum = (x: Tensor, axis?: number | readonly number[] | null, keepdims = false): Tensor => reduceWith('reduce_sum', x, axis, keepdims, 'sum')
export const max = (x: Tensor, axis?: number | readonly number[] | null, keepdims = false): Tensor => reduceWith('reduce_max', x, axis, keepdims, 'max')
export const min = (x: Tensor, axis?: number | readonly number[] | null, keepdims = false): Tensor => reduceWith('reduce_min', x, axis, keepdims, 'min')
export const any = (x: Tensor, axis?: number | readonly number[] | null, keepdims = false): Tensor => reduceWith('reduce_or', cast(x, 'bool'), axis, keepdims, 'any')
export const all = (x: Tensor, axis?: number | readonly number[] | null, keepdims = false): Tensor => reduceWith('reduce_and', cast(x, 'bool'), axis, keepdims, 'all')

/** Number of elements in the reduced axes (unknown dims count as 1: only the symbolic path sees them). */
function countOf(x: Tensor, axes: readonly number[]): number {
  return axes.reduce((a, d) => a * (x.shape[d] ?? 1), 1)
}

/** Mean over axes; integer inputs are averaged in floatx (as Keras). */
export function mean(x: Tensor, axis?: number | readonly number[] | null, keepdims = false): Tensor {
  const xf = isFloat(x.dtype) ? x : cast(x, floatx())
  const axes = normalizeAxes(axis, xf.ndim, 'mean')
  return div(sum(xf, axes, keepdims), countOf(xf, axes))
}

/** Population variance, `mean(|x - mean(x)|^2)` (as `jnp.var`). */
export function variance(x: Tensor, axis?: number | readonly number[] | null, keepdims = false): Tensor {
  const xf = isFloat(x.dtype) ? x : cast(x, floatx())
  const axes = normalizeAxes(axis, xf.ndim, 'var')
  const m = mean(xf, axes, true)
  return mean(square(sub(xf, m)), axes, keepdims)
}

/** Stable `log(sum(exp(x)))` over axes. */
export function logsumexp(x: Tensor, axis: number | readonly number[], keepdims = false): Tensor {
  const axes = normalizeAxes(axis, x.ndim, 'logsumexp')
  const m = lax.stopGradientPrim(max(x, axes, true))
  const mSafe = where(lax.unary('is_finite', m), m, 0)
  const s = lax.log(sum(lax.exp(sub(x, mSafe)), axes, true))
  const out = add(s, mSafe)
  return keepdims ? out : squeezeAxes(out, axes)
}

// ---- movement ------------------------------------------------------------------------------------

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  // NOTE: unknown (null) dims of symbolic tensors pass as -1.
  return lax.reshape(x, shape.map((d) => (d === null ? -1 : d)))
}

export function transpose(x: Tensor, perm: readonly number[]): Tensor { return lax.transpose(x, perm) }

export function expandDims(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis(axis, x.ndim + 1, 'expand_dims')
  const shape = x.shape.slice()
  shape.splice(a, 0, 1)
  return reshape(x, shape)
}

export function squeezeAxes(x: Tensor, axes: readonly number[]): Tensor {
  return reshape(x, x.shape.filter((_, i) => !axes.includes(i)))
}

/** `x[..., start:stop:step, ...]` along one axis. */
export function sliceAxis(x: Tensor, axis: number, start: number, stop: number, step = 1): Tensor {
  const a = normalizeAxis(axis, x.ndim, 'slice')
  if (x.shape.some((d) => d === null)) {
    // NOTE: the slice primitive needs every limit known; on symbolic tensors with unknown dims a gather of
    // the same positions gives the same result and keeps the unknown dims.
    const idx = Array.from({ length: Math.max(0, Math.ceil((stop - start) / step)) }, (_, i) => start + i * step)
    return lax.gather(x, tensor(idx, { shape: [idx.length], dtype: 'int32' }), a)
  }
  const s = x.shape.map(() => 0)
  const l = x.shape.slice()
  const st = x.shape.map(() => 1)
  s[a] = start
  l[a] = stop
  st[a] = step
  return lax.slice(x, s, l, st)
}

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  const a = normalizeAxis(axis, xs[0]!.ndim, 'concatenate')
  const dtype = resultType(...xs.map((x) => x.dtype))
  return lax.concatenate(xs.map((x) => cast(x, dtype)), a)
}

/** Constant padding with explicit `[lo, hi]` per axis (negative values crop). */
export function padConst(x: Tensor, pads: readonly (readonly [number, number])[], value = 0): Tensor {
  if (pads.every(([l, h]) => l === 0 && h === 0)) return x
  return lax.pad(x, scalar(x, value), pads.map((p) => p[0]), pads.map((p) => p[1]))
}

/** `jnp.arange(n)` as `dtype`. */
export function arange(ref: Tensor, n: number, dtype: DType = 'int32'): Tensor {
  return iotaOn(ref, dtype, [n], 0)
}

/** A constant int32 vector on `ref`'s backend. */
export function intVector(ref: Tensor, values: readonly number[]): Tensor {
  return tensor(values.slice(), { shape: [values.length], dtype: 'int32', ...(ref.isSymbolic ? {} : { backend: ref.backend }) })
}

/** Iota created on `ref`'s backend (concrete when `ref` is). */
export function iotaOn(ref: Tensor, dtype: DType, shape: readonly number[], dimension: number): Tensor {
  if (ref.isSymbolic) return lax.iota(dtype, shape, dimension)
  // NOTE: iota has no inputs, so it runs on the active backend; move it only when that differs.
  const t = lax.iota(dtype, shape, dimension)
  if (t.backend === ref.backend) return t
  const host = t.dataSync()
  t.dispose()
  return tensor(host as unknown as ArrayLike<number>, { shape, dtype, backend: ref.backend })
}

/** `jnp.take(x, indices, axis)`. */
export function take(x: Tensor, indices: Tensor, axis: number): Tensor {
  return lax.gather(x, cast(indices, 'int32'), normalizeAxis(axis, x.ndim, 'take'))
}

/** Moves `source` axis to position `dest`. */
export function moveAxis(x: Tensor, source: number, dest: number): Tensor {
  const s = normalizeAxis(source, x.ndim, 'moveaxis')
  const d = normalizeAxis(dest, x.ndim, 'moveaxis')
  const perm = x.shape.map((_, i) => i).filter((i) => i !== s)
  perm.splice(d, 0, s)
  return transpose(x, perm)
}

/** Integer tuple argument: a number repeated `n` times, or an array of length `n`. */
export function tuple(v: number | readonly number[], n: number, name: string, op: string): number[] {
  const out = typeof v === 'number' ? Array.from({ length: n }, () => v) : v.slice()
  if (out.length !== n || out.some((d) => !Number.isInteger(d))) {
    throw new InvalidArgumentError(`\`${op}\`: \`${name}\` must be an integer or a list of ${n} integers. Received: ${name}=${fmt(v)}`)
  }
  return out
}

export { floatx }
