/**
 * @file Private helpers of @kx/ops-nn that @kx/ops-numpy has no public counterpart for: float
 * conversion, constants and index vectors placed on an operand's backend, reshapes to shapes with
 * unknown dims, slices that work on symbolic tensors, constant padding that may crop, clamping
 * gathers, and integer-tuple arguments. Everything else comes from @kx/ops-numpy.
 */
import { InvalidArgumentError, Tensor, fmt, full, isFloat, lax, normalizeAxis, tensor, floatx, type DType, type Dim } from '@kx/core'
import { cast, convertToTensor, reshape, type TensorLike } from '@kx/ops-numpy'

/** Converts to a floating-point tensor: float inputs keep their dtype, others become floatx. */
export function toFloat(x: TensorLike): Tensor {
  const t = convertToTensor(x)
  return isFloat(t.dtype) ? t : cast(t, floatx())
}

/** A scalar constant on `ref`'s backend (the active one for symbolic operands). */
export function scalar(ref: Tensor, value: number, dtype: DType = ref.dtype): Tensor {
  return full([], value, dtype, ref.isSymbolic ? undefined : ref.backend)
}

/** `reshape` to a shape whose unknown (null) dims, which only symbolic tensors have, are inferred (-1). */
export function reshapeDims(x: Tensor, shape: readonly Dim[]): Tensor {
  return reshape(x, shape.map((d) => d ?? -1))
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

/** Constant padding with explicit `[lo, hi]` per axis (negative values crop, unlike ops-numpy's `pad`). */
export function padConst(x: Tensor, pads: readonly (readonly [number, number])[], value = 0): Tensor {
  if (pads.every(([l, h]) => l === 0 && h === 0)) return x
  return lax.pad(x, scalar(x, value), pads.map((p) => p[0]), pads.map((p) => p[1]))
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

/** `x` gathered at `indices` along `axis`, out-of-range indices clamped (XLA's gather, not ops-numpy's filling `take`). */
export function take(x: Tensor, indices: Tensor, axis: number): Tensor {
  return lax.gather(x, cast(indices, 'int32'), normalizeAxis(axis, x.ndim, 'take'))
}

/** Integer tuple argument: a number repeated `n` times, or an array of length `n`. */
export function tuple(v: number | readonly number[], n: number, name: string, op: string): number[] {
  const out = typeof v === 'number' ? Array.from({ length: n }, () => v) : v.slice()
  if (out.length !== n || out.some((d) => !Number.isInteger(d))) {
    throw new InvalidArgumentError(`\`${op}\`: \`${name}\` must be an integer or a list of ${n} integers. Received: ${name}=${fmt(v)}`)
  }
  return out
}
