/**
 * @file Stacking and splitting ops of `keras.ops`: stack, h/v/dstack, append, split, array_split, h/v/dsplit,
 * unstack. Apart from join-split.ts (concatenate) so that a bundle needing only concatenate does not carry them.
 */
import { InvalidArgumentError, ShapeError, Tensor, fmt, lax } from '@kx/core'
import type { Dim } from '@kx/core'
import { toTensor, type TensorLike } from './convert.js'
import { axisOf } from './promote.js'
import { insertAxes, removeAxes } from './shape-util.js'
import { sliceAxis } from './shape-ops.js'
import { toCommon, concatenate } from './join-split.js'

/**
 * Joins tensors of one shape along a new axis (default 0).
 *
 * @example
 * ```ts
 * stack([[1, 2], [3, 4]], { axis: 1 }) // [[1, 3], [2, 4]]
 * ```
 */
export function stack(xs: readonly TensorLike[], options: { axis?: number } = {}): Tensor {
  const ts = toCommon('stack', xs)
  const r = ts[0]!.shape.length
  for (const t of ts) {
    if (t.shape.length !== r || t.shape.some((d, i) => d !== null && ts[0]!.shape[i] !== null && d !== ts[0]!.shape[i])) {
      throw new ShapeError(`\`stack\` needs tensors of one shape. Received: shapes=${ts.map((u) => fmt(u.shape)).join(', ')}`)
    }
  }
  const axis = axisOf(options.axis ?? 0, r + 1, 'stack')
  return lax.concatenate(ts.map((t) => insertAxes(t, [axis])), axis)
}

const atLeast = (t: Tensor, n: number): Tensor => {
  if (t.shape.length >= n) return t
  if (n === 3 && t.shape.length === 1) return insertAxes(t, [0, 2])
  if (n === 3 && t.shape.length === 2) return insertAxes(t, [2])
  return insertAxes(t, Array.from({ length: n - t.shape.length }, (_, i) => i))
}

/** Stacks horizontally (axis 1; axis 0 for 1-D). @example `hstack([[1], [2]]) // [1, 2]` */
export function hstack(xs: readonly TensorLike[]): Tensor {
  const ts = toCommon('hstack', xs).map((t) => atLeast(t, 1))
  return concatenate(ts, { axis: ts[0]!.shape.length === 1 ? 0 : 1 })
}
/** Stacks vertically (axis 0, 1-D inputs become rows). @example `vstack([[1, 2], [3, 4]]) // [[1, 2], [3, 4]]` */
export function vstack(xs: readonly TensorLike[]): Tensor {
  return concatenate(toCommon('vstack', xs).map((t) => atLeast(t, 2)), { axis: 0 })
}
/** Stacks depth-wise (axis 2). @example `dstack([[1], [2]]) // [[[1, 2]]]` */
export function dstack(xs: readonly TensorLike[]): Tensor {
  return concatenate(toCommon('dstack', xs).map((t) => atLeast(t, 3)), { axis: 2 })
}

/**
 * Appends `x2` to `x1` along `axis` (both flattened when axis is null, the default).
 *
 * @example
 * ```ts
 * append([1, 2], [3]) // [1, 2, 3]
 * ```
 */
export function append(x1: TensorLike, x2: TensorLike, options: { axis?: number | null } = {}): Tensor {
  return concatenate([x1, x2], { axis: options.axis ?? null })
}

function splitAt(t: Tensor, axis: number, bounds: readonly number[]): Tensor[] {
  const n = t.shape[axis]
  if (n === null || n === undefined) throw new ShapeError(`Splitting needs a known size along the axis. Received: x.shape=${fmt(t.shape)}, axis=${axis}`)
  const cuts = [0, ...bounds.map((b) => Math.min(Math.max(b < 0 ? b + n : b, 0), n)), n]
  const out: Tensor[] = []
  for (let i = 0; i + 1 < cuts.length; i++) {
    const s = cuts[i]!
    out.push(sliceAxis(t, axis, s, Math.max(s, cuts[i + 1]!)))
  }
  return out
}

/**
 * Splits into equal sections (an int that must divide the axis) or at the given indices.
 *
 * @example
 * ```ts
 * split(ops.arange(6), 3) // three tensors of 2 elements
 * ```
 */
export function split(x: TensorLike, indicesOrSections: number | readonly number[], options: { axis?: number } = {}): Tensor[] {
  const t = toTensor(x)
  const axis = axisOf(options.axis ?? 0, t.shape.length, 'split')
  if (typeof indicesOrSections === 'number') {
    const n = t.shape[axis]!
    const k = indicesOrSections
    if (!Number.isInteger(k) || k <= 0) throw new InvalidArgumentError(`\`split\` needs a positive number of sections. Received: indices_or_sections=${k}`)
    if (n !== null && n % k !== 0) throw new ShapeError(`\`split\` needs sections that divide the axis evenly; use \`arraySplit\` otherwise. Received: x.shape=${fmt(t.shape)}, sections=${k}, axis=${axis}`)
    return splitAt(t, axis, Array.from({ length: k - 1 }, (_, i) => ((i + 1) * n) / k))
  }
  return splitAt(t, axis, indicesOrSections)
}

/**
 * Splits into `sections` parts of nearly equal size (the first ones one larger), or at indices.
 *
 * @example
 * ```ts
 * arraySplit(ops.arange(5), 2) // sizes 3 and 2
 * ```
 */
export function arraySplit(x: TensorLike, indicesOrSections: number | readonly number[], options: { axis?: number } = {}): Tensor[] {
  const t = toTensor(x)
  const axis = axisOf(options.axis ?? 0, t.shape.length, 'arraySplit')
  if (typeof indicesOrSections !== 'number') return splitAt(t, axis, indicesOrSections)
  const n = t.shape[axis]
  const k = indicesOrSections
  if (!Number.isInteger(k) || k <= 0) throw new InvalidArgumentError(`\`arraySplit\` needs a positive number of sections. Received: indices_or_sections=${k}`)
  if (n === null || n === undefined) throw new ShapeError(`\`arraySplit\` needs a known size along the axis. Received: x.shape=${fmt(t.shape)}`)
  const base = Math.floor(n / k)
  const extra = n % k
  const bounds: number[] = []
  let acc = 0
  for (let i = 0; i < k - 1; i++) { acc += base + (i < extra ? 1 : 0); bounds.push(acc) }
  return splitAt(t, axis, bounds)
}

/** Splits along axis 1 (axis 0 for 1-D). @example `hsplit(ops.zeros([2, 4]), 2)` */
export function hsplit(x: TensorLike, indicesOrSections: number | readonly number[]): Tensor[] {
  const t = toTensor(x)
  if (t.shape.length < 1) throw new ShapeError(`\`hsplit\` needs at least 1 dimension. Received: x.shape=${fmt(t.shape)}`)
  return split(t, indicesOrSections, { axis: t.shape.length === 1 ? 0 : 1 })
}
/** Splits along axis 0. @example `vsplit(ops.zeros([4, 2]), 2)` */
export function vsplit(x: TensorLike, indicesOrSections: number | readonly number[]): Tensor[] {
  const t = toTensor(x)
  if (t.shape.length < 2) throw new ShapeError(`\`vsplit\` needs at least 2 dimensions. Received: x.shape=${fmt(t.shape)}`)
  return split(t, indicesOrSections, { axis: 0 })
}
/** Splits along axis 2. @example `dsplit(ops.zeros([1, 1, 4]), 2)` */
export function dsplit(x: TensorLike, indicesOrSections: number | readonly number[]): Tensor[] {
  const t = toTensor(x)
  if (t.shape.length < 3) throw new ShapeError(`\`dsplit\` needs at least 3 dimensions. Received: x.shape=${fmt(t.shape)}`)
  return split(t, indicesOrSections, { axis: 2 })
}

/**
 * Unpacks a tensor into a list along `axis` (default 0), removing that axis.
 *
 * @example
 * ```ts
 * unstack([[1, 2], [3, 4]]) // [[1, 2], [3, 4]] as two tensors
 * ```
 */
export function unstack(x: TensorLike, options: { num?: number | null; axis?: number } = {}): Tensor[] {
  const t = toTensor(x)
  const axis = axisOf(options.axis ?? 0, t.shape.length, 'unstack')
  const n: Dim = t.shape[axis]!
  if (n === null) throw new ShapeError(`\`unstack\` needs a known size along the axis (or \`num\`). Received: x.shape=${fmt(t.shape)}, axis=${axis}`)
  if (options.num !== undefined && options.num !== null && options.num !== n) {
    throw new InvalidArgumentError(`\`unstack\`: \`num\` does not match the axis size. Received: num=${options.num}, x.shape=${fmt(t.shape)}, axis=${axis}`)
  }
  return Array.from({ length: n }, (_, i) => removeAxes(sliceAxis(t, axis, i, i + 1), [axis]))
}
