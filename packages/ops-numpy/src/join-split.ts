/**
 * @file `keras.ops.concatenate` and the list check shared with stack-split.ts (stack, split and the rest).
 */
import { InvalidArgumentError, ShapeError, Tensor, fmt, lax } from '@kx/core'
import { backendOfArgs, toTensor, type TensorLike } from './convert.js'
import { axisOf, resultDType } from './promote.js'
import { ravel } from './shape-ops.js'

function checkList(op: string, xs: readonly TensorLike[]): void {
  if (!Array.isArray(xs) || xs.length === 0) throw new InvalidArgumentError(`\`${op}\` needs a non-empty list of tensors. Received: ${fmt(xs)}`)
}

/** @internal Converts a list to tensors of their common dtype, on one backend. */
export function toCommon(op: string, xs: readonly TensorLike[]): Tensor[] {
  checkList(op, xs)
  const d = resultDType(...xs.map((x) => (typeof x === 'number' ? toTensor(x) : x)))
  const b = backendOfArgs(xs)
  return xs.map((x) => toTensor(x, d, b))
}

/**
 * Joins tensors along an existing axis (default 0); dtypes promote. `axis: null` flattens them first.
 *
 * @example
 * ```ts
 * concatenate([[1, 2], [3]]) // [1, 2, 3]
 * ```
 */
export function concatenate(xs: readonly TensorLike[], options: { axis?: number | null } = {}): Tensor {
  let ts = toCommon('concatenate', xs)
  if (options.axis === null) { ts = ts.map(ravel); return lax.concatenate(ts, 0) }
  const r = ts[0]!.shape.length
  if (r === 0) throw new ShapeError(`\`concatenate\` cannot join 0-d tensors. Received: shapes=${fmt(ts.map((t) => t.shape))}`)
  const axis = axisOf(options.axis ?? 0, r, 'concatenate')
  for (const t of ts) {
    const ok = t.shape.length === r && t.shape.every((d, i) => i === axis || d === null || ts[0]!.shape[i] === null || d === ts[0]!.shape[i])
    if (!ok) throw new ShapeError(`\`concatenate\` needs tensors with equal shapes except along the axis. Received: shapes=${ts.map((u) => fmt(u.shape)).join(', ')}, axis=${axis}`)
  }
  return lax.concatenate(ts, axis)
}

