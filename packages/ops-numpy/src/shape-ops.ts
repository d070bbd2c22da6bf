/**
 * @file Shape and movement ops of `keras.ops`: reshape, transpose, expand/squeeze, broadcast, moveaxis,
 * composed from the movement primitives (flips, rolls, tile/repeat and pad are in shape-ops-more.ts).
 */
import { InvalidArgumentError, ShapeError, Tensor, fmt, lax } from '@kx/core'
import type { Dim } from '@kx/core'
import { toTensor, type TensorLike } from './convert.js'
import { axesOf, axisOf, broadcastShapesOp, broadcastTo as broadcastRaw, range } from './promote.js'
import { flatten1d, insertAxes, knownSize, removeAxes } from './shape-util.js'

/**
 * Gives `x` a new shape with the same elements (one entry may be -1, inferred).
 *
 * @example
 * ```ts
 * reshape(ops.arange(6), [2, -1]) // shape [2, 3]
 * ```
 */
export function reshape(x: TensorLike, newshape: number | readonly number[]): Tensor {
  const t = toTensor(x)
  const target = typeof newshape === 'number' ? [newshape] : newshape
  if (target.some((d) => !Number.isInteger(d) || d < -1) || target.filter((d) => d === -1).length > 1) {
    throw new InvalidArgumentError(`\`reshape\` needs non-negative integer sizes and at most one -1. Received: newshape=${fmt(newshape)}`)
  }
  const n = knownSize(t.shape)
  const fixed = target.reduce((a, d) => (d === -1 ? a : a * d), 1)
  if (n !== null && (target.includes(-1) ? fixed === 0 || n % fixed !== 0 : fixed !== n)) {
    throw new ShapeError(`\`reshape\` cannot reshape ${n} elements into the requested shape. Received: x.shape=${fmt(t.shape)}, newshape=${fmt(newshape)}`)
  }
  if (n !== null && target.includes(-1)) return lax.reshape(t, target.map((d) => (d === -1 ? n / fixed : d)))
  return lax.reshape(t, target)
}

/**
 * Permutes the axes (reverses them by default).
 *
 * @example
 * ```ts
 * transpose(ops.zeros([2, 3, 4]), { axes: [1, 0, 2] }) // shape [3, 2, 4]
 * ```
 */
export function transpose(x: TensorLike, options: { axes?: readonly number[] | null } = {}): Tensor {
  const t = toTensor(x)
  const r = t.shape.length
  if (options.axes === undefined || options.axes === null) return lax.transpose(t, range(r).reverse())
  const axes = options.axes.map((a) => axisOf(a, r, 'transpose'))
  if (axes.length !== r || new Set(axes).size !== r) {
    throw new InvalidArgumentError(`\`transpose\` needs a permutation of all ${r} axes. Received: axes=${fmt(options.axes)}, x.shape=${fmt(t.shape)}`)
  }
  return lax.transpose(t, axes)
}

/**
 * Inserts unit axes at `axis` (an int or a list, positions in the output).
 *
 * @example
 * ```ts
 * expandDims(ops.zeros([3]), 0) // shape [1, 3]
 * ```
 */
export function expandDims(x: TensorLike, axis: number | readonly number[]): Tensor {
  const t = toTensor(x)
  const list = typeof axis === 'number' ? [axis] : axis
  const outRank = t.shape.length + list.length
  return insertAxes(t, axesOf(list, outRank, 'expandDims'))
}

/**
 * Removes unit axes (all of them by default; the named ones must have size 1).
 *
 * @example
 * ```ts
 * squeeze(ops.zeros([1, 3, 1])) // shape [3]
 * ```
 */
export function squeeze(x: TensorLike, options: { axis?: number | readonly number[] | null } = {}): Tensor {
  const t = toTensor(x)
  if (options.axis === undefined || options.axis === null) {
    return removeAxes(t, t.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0))
  }
  const axes = axesOf(options.axis, t.shape.length, 'squeeze')
  for (const a of axes) {
    if (t.shape[a] !== 1 && t.shape[a] !== null) {
      throw new ShapeError(`\`squeeze\` can only remove axes of size 1. Received: x.shape=${fmt(t.shape)}, axis=${fmt(options.axis)}`)
    }
  }
  return removeAxes(t, axes)
}

/**
 * Broadcasts `x` to `shape` with NumPy's rules.
 *
 * @example
 * ```ts
 * broadcastTo([1, 2, 3], [2, 3]) // [[1, 2, 3], [1, 2, 3]]
 * ```
 */
export function broadcastTo(x: TensorLike, shape: readonly Dim[]): Tensor {
  const t = toTensor(x)
  const out = broadcastShapesOp('broadcastTo', [t.shape, shape], ['x', 'shape'])
  if (out.length !== shape.length || out.some((d, i) => shape[i] !== null && d !== shape[i])) {
    throw new ShapeError(`\`broadcastTo\` cannot broadcast the input to the requested shape. Received: x.shape=${fmt(t.shape)}, shape=${fmt(shape)}`)
  }
  return broadcastRaw(t, out)
}

/** Flattens to 1-D (`np.ravel`). @example `ravel([[1, 2], [3, 4]]) // [1, 2, 3, 4]` */
export function ravel(x: TensorLike): Tensor {
  const t = toTensor(x)
  return t.shape.length === 0 ? lax.reshape(t, [1]) : flatten1d(t)
}

/**
 * Moves axes from `source` to `destination` positions, keeping the others in order.
 *
 * @example
 * ```ts
 * moveaxis(ops.zeros([2, 3, 4]), 0, -1) // shape [3, 4, 2]
 * ```
 */
export function moveaxis(x: TensorLike, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const t = toTensor(x)
  const r = t.shape.length
  const src = (typeof source === 'number' ? [source] : source).map((a) => axisOf(a, r, 'moveaxis'))
  const dst = (typeof destination === 'number' ? [destination] : destination).map((a) => axisOf(a, r, 'moveaxis'))
  if (src.length !== dst.length) throw new InvalidArgumentError(`\`moveaxis\` needs as many sources as destinations. Received: source=${fmt(source)}, destination=${fmt(destination)}`)
  const rest = range(r).filter((i) => !src.includes(i))
  const perm = new Array<number>(r).fill(-1)
  dst.forEach((d, i) => { perm[d] = src[i]! })
  let j = 0
  for (let i = 0; i < r; i++) if (perm[i] === -1) perm[i] = rest[j++]!
  return lax.transpose(t, perm)
}

/**
 * @internal Slices `[start, stop)` (with `step`) along one axis. Other dims may be unknown: then the
 * slice is a gather of the chosen positions, which needs no concrete sizes.
 */
export function sliceAxis(t: Tensor, axis: number, start: number, stop: number, step = 1): Tensor {
  const limits = t.shape.map((d, i) => (i === axis ? stop : d))
  if (limits.some((d) => d === null)) {
    const idx: number[] = []
    for (let i = start; i < stop; i += step) idx.push(i)
    return lax.gather(t, toTensor(Int32Array.from(idx), 'int32'), axis)
  }
  const starts = t.shape.map((_, i) => (i === axis ? start : 0))
  const strides = t.shape.map((_, i) => (i === axis ? step : 1))
  return lax.slice(t, starts, limits as number[], strides)
}

/** Number of dimensions (`keras.ops.ndim`). @example `ndim(ops.zeros([2, 3])) // 2` */
export function ndim(x: TensorLike): number { return toTensor(x).shape.length }

/** Number of elements (`keras.ops.size`); `null` when a symbolic dim is unknown. @example `size(ops.zeros([2, 3])) // 6` */
export function size(x: TensorLike): number | null { return knownSize(toTensor(x).shape) }
