/**
 * @file Shape and movement ops of `keras.ops`: reshape, transpose, expand/squeeze, broadcast,
 * flips and rolls, tile/repeat and pad, composed from the movement primitives.
 */
import { InvalidArgumentError, ShapeError, Tensor, fmt, lax } from '@kx/core'
import type { Dim } from '@kx/core'
import { toTensor, type TensorLike } from './convert.js'
import { axesOf, axisOf, broadcastShapesOp, broadcastTo as broadcastRaw, range, scalar } from './promote.js'
import { flatten1d, insertAxes, knownSize, removeAxes, reshapeTo } from './shape-util.js'

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

/** Swaps two axes. @example `swapaxes(ops.zeros([2, 3]), 0, 1) // shape [3, 2]` */
export function swapaxes(x: TensorLike, axis1: number, axis2: number): Tensor {
  const t = toTensor(x)
  const r = t.shape.length
  const a = axisOf(axis1, r, 'swapaxes')
  const b = axisOf(axis2, r, 'swapaxes')
  const perm = range(r)
  perm[a] = b
  perm[b] = a
  return lax.transpose(t, perm)
}

/** Reverses the order of elements along `axis` (all axes by default). @example `flip([1, 2, 3]) // [3, 2, 1]` */
export function flip(x: TensorLike, options: { axis?: number | readonly number[] | null } = {}): Tensor {
  const t = toTensor(x)
  return lax.rev(t, axesOf(options.axis, t.shape.length, 'flip'))
}
/** Flips axis 1 (left/right). @example `fliplr([[1, 2]]) // [[2, 1]]` */
export function fliplr(x: TensorLike): Tensor {
  const t = toTensor(x)
  if (t.shape.length < 2) throw new ShapeError(`\`fliplr\` needs at least 2 dimensions. Received: x.shape=${fmt(t.shape)}`)
  return lax.rev(t, [1])
}
/** Flips axis 0 (up/down). @example `flipud([[1], [2]]) // [[2], [1]]` */
export function flipud(x: TensorLike): Tensor {
  const t = toTensor(x)
  if (t.shape.length < 1) throw new ShapeError(`\`flipud\` needs at least 1 dimension. Received: x.shape=${fmt(t.shape)}`)
  return lax.rev(t, [0])
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

function rollAxis(t: Tensor, shift: number, axis: number): Tensor {
  const n = t.shape[axis]
  if (n === null || n === undefined) throw new ShapeError(`\`roll\` needs a known size along the rolled axis. Received: x.shape=${fmt(t.shape)}, axis=${axis}`)
  if (n === 0) return t
  const s = ((shift % n) + n) % n
  if (s === 0) return t
  return lax.concatenate([sliceAxis(t, axis, n - s, n), sliceAxis(t, axis, 0, n - s)], axis)
}

/**
 * Rolls elements along `axis` (the flattened tensor by default); elements leaving one end come
 * back at the other.
 *
 * @example
 * ```ts
 * roll([1, 2, 3, 4], 1) // [4, 1, 2, 3]
 * ```
 */
export function roll(x: TensorLike, shift: number | readonly number[], options: { axis?: number | readonly number[] | null } = {}): Tensor {
  const t = toTensor(x)
  if (options.axis === undefined || options.axis === null) {
    if (typeof shift !== 'number') throw new InvalidArgumentError(`\`roll\` needs a single shift when axis is None. Received: shift=${fmt(shift)}`)
    return lax.reshape(rollAxis(ravel(t), shift, 0), t.shape as number[])
  }
  const axes = (typeof options.axis === 'number' ? [options.axis] : options.axis).map((a) => axisOf(a, t.shape.length, 'roll'))
  const shifts = typeof shift === 'number' ? axes.map(() => shift) : shift
  if (shifts.length !== axes.length) throw new InvalidArgumentError(`\`roll\` needs one shift per axis. Received: shift=${fmt(shift)}, axis=${fmt(options.axis)}`)
  return axes.reduce((acc, a, i) => rollAxis(acc, shifts[i]!, a), t)
}

/**
 * Rotates by 90° `k` times in the plane of `axes` (default the first two), from the first axis
 * toward the second.
 *
 * @example
 * ```ts
 * rot90([[1, 2], [3, 4]]) // [[2, 4], [1, 3]]
 * ```
 */
export function rot90(array: TensorLike, options: { k?: number; axes?: readonly [number, number] } = {}): Tensor {
  const t = toTensor(array)
  const r = t.shape.length
  if (r < 2) throw new ShapeError(`\`rot90\` needs at least 2 dimensions. Received: array.shape=${fmt(t.shape)}`)
  const [a0, a1] = (options.axes ?? [0, 1]).map((a) => axisOf(a, r, 'rot90'))
  if (a0 === a1) throw new InvalidArgumentError(`\`rot90\` needs two different axes. Received: axes=${fmt(options.axes)}`)
  const k = (((options.k ?? 1) % 4) + 4) % 4
  const swap = (u: Tensor): Tensor => { const p = range(r); p[a0!] = a1!; p[a1!] = a0!; return lax.transpose(u, p) }
  if (k === 0) return t
  if (k === 1) return swap(lax.rev(t, [a1!]))
  if (k === 2) return lax.rev(t, [a0!, a1!])
  return lax.rev(swap(t), [a1!])
}

/**
 * Repeats the whole tensor `repeats` times along each axis (`np.tile`).
 *
 * @example
 * ```ts
 * tile([1, 2], [2]) // [1, 2, 1, 2]
 * ```
 */
export function tile(x: TensorLike, repeats: number | readonly number[]): Tensor {
  let t = toTensor(x)
  let reps = typeof repeats === 'number' ? [repeats] : repeats.slice()
  if (reps.some((d) => !Number.isInteger(d) || d < 0)) throw new InvalidArgumentError(`\`tile\` needs non-negative integer repeats. Received: repeats=${fmt(repeats)}`)
  if (reps.length < t.shape.length) reps = [...new Array<number>(t.shape.length - reps.length).fill(1), ...reps]
  if (t.shape.length < reps.length) t = insertAxes(t, range(reps.length - t.shape.length))
  if (reps.every((d) => d === 1)) return t
  // [a, b] → [1, a, 1, b] → broadcast [r0, a, r1, b] → [r0·a, r1·b]
  const r = t.shape.length
  const expanded = insertAxes(t, range(r).map((i) => 2 * i))
  const target: Dim[] = []
  t.shape.forEach((d, i) => { target.push(reps[i]!, d) })
  const b = broadcastRaw(expanded, target)
  return reshapeTo(b, t.shape.map((d, i) => (d === null ? null : d * reps[i]!)), 'tile')
}

/**
 * Repeats each element `repeats` times along `axis` (the flattened tensor by default). `repeats`
 * may be one count or one per element along the axis (concrete values).
 *
 * @example
 * ```ts
 * repeat([1, 2], 2) // [1, 1, 2, 2]
 * ```
 */
export function repeat(x: TensorLike, repeats: number | readonly number[] | Tensor, options: { axis?: number | null } = {}): Tensor {
  let t = toTensor(x)
  let axis: number
  if (options.axis === undefined || options.axis === null) { t = ravel(t); axis = 0 } else axis = axisOf(options.axis, t.shape.length, 'repeat')
  let counts: number[]
  if (typeof repeats === 'number') counts = [repeats]
  else if (repeats instanceof Tensor) counts = Array.from(repeats.dataSync() as ArrayLike<number>)
  else counts = repeats.slice()
  if (counts.some((c) => !Number.isInteger(c) || c < 0)) throw new InvalidArgumentError(`\`repeat\` needs non-negative integer repeats. Received: repeats=${fmt(counts)}`)
  if (counts.length === 1) {
    const k = counts[0]!
    if (k === 1) return t
    const e = insertAxes(t, [axis + 1])
    const target = e.shape.map((d, i) => (i === axis + 1 ? k : d))
    const b = broadcastRaw(e, target)
    return reshapeTo(b, t.shape.map((d, i) => (i === axis ? (d === null ? null : d * k) : d)), 'repeat')
  }
  const n = t.shape[axis]
  if (n !== counts.length) throw new ShapeError(`\`repeat\` needs one repeat count per element along the axis. Received: x.shape=${fmt(t.shape)}, axis=${axis}, repeats length=${counts.length}`)
  const idx: number[] = []
  counts.forEach((c, i) => { for (let j = 0; j < c; j++) idx.push(i) })
  if (idx.length === 0) return sliceAxis(t, axis, 0, 0)
  return lax.gather(t, toIndexTensor(idx, t), axis)
}

function toIndexTensor(values: readonly number[], like: Tensor): Tensor {
  return toTensor(Int32Array.from(values), 'int32', like.isSymbolic ? undefined : like.backend)
}

/** Padding widths: an int, `[before, after]`, or one pair per axis. */
export type PadWidth = number | readonly [number, number] | readonly (readonly [number, number])[] | readonly (readonly number[])[]

/** @internal Normalises `pad_width` to one `[before, after]` pair per axis. */
export function padPairs(padWidth: PadWidth, rank: number): [number, number][] {
  const bad = (): never => { throw new InvalidArgumentError(`Invalid \`pad_width\` for a tensor of rank ${rank}. Received: pad_width=${fmt(padWidth)}`) }
  let pairs: [number, number][]
  if (typeof padWidth === 'number') pairs = range(rank).map(() => [padWidth, padWidth])
  else if (padWidth.length > 0 && typeof padWidth[0] === 'number') {
    const p = padWidth as readonly number[]
    if (p.length === 1) pairs = range(rank).map(() => [p[0]!, p[0]!])
    else if (p.length === 2) pairs = range(rank).map(() => [p[0]!, p[1]!])
    else return bad()
  } else {
    const p = padWidth as readonly (readonly number[])[]
    const norm = (q: readonly number[]): [number, number] => (q.length === 1 ? [q[0]!, q[0]!] : q.length === 2 ? [q[0]!, q[1]!] : bad())
    if (p.length === 1) pairs = range(rank).map(() => norm(p[0]!))
    else if (p.length === rank) pairs = p.map(norm)
    else return bad()
  }
  if (pairs.some(([a, b]) => !Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0)) bad()
  return pairs
}

/** Pad modes supported by `pad`. */
export type PadMode = 'constant' | 'edge' | 'reflect' | 'symmetric' | 'wrap' | 'maximum' | 'minimum' | 'mean'

/**
 * Pads a tensor (`np.pad`) with a constant (default 0) or from its own values (`edge`, `reflect`,
 * `symmetric`, `wrap`, `maximum`, `minimum`, `mean`).
 *
 * @example
 * ```ts
 * pad([1, 2], [[1, 2]]) // [0, 1, 2, 0, 0]
 * ```
 */
export function pad(x: TensorLike, padWidth: PadWidth, options: { mode?: PadMode; constantValues?: number | null } = {}): Tensor {
  const t = toTensor(x)
  const mode = options.mode ?? 'constant'
  const pairs = padPairs(padWidth, t.shape.length)
  if (mode !== 'constant' && options.constantValues !== undefined && options.constantValues !== null) {
    throw new InvalidArgumentError(`Argument \`constantValues\` can only be provided when \`mode == 'constant'\`. Received: mode=${mode}`)
  }
  if (mode === 'constant') {
    const v = scalar(options.constantValues ?? 0, t.dtype, t)
    return lax.pad(t, v, pairs.map((p) => p[0]), pairs.map((p) => p[1]))
  }
  let out = t
  pairs.forEach(([lo, hi], axis) => {
    if (lo === 0 && hi === 0) return
    out = padAxis(out, axis, lo, hi, mode)
  })
  return out
}

function padAxis(t: Tensor, axis: number, lo: number, hi: number, mode: Exclude<PadMode, 'constant'>): Tensor {
  const n = t.shape[axis]
  if (n === null || n === undefined || n === 0) throw new ShapeError(`\`pad\` mode "${mode}" needs a known, non-empty axis. Received: shape=${fmt(t.shape)}, axis=${axis}`)
  const pick = (i: number): Tensor => sliceAxis(t, axis, i, i + 1)
  const source = (j: number): number => {
    // Index into the original axis for position j (may be outside [0, n)).
    if (mode === 'edge') return Math.min(Math.max(j, 0), n - 1)
    if (mode === 'wrap') return ((j % n) + n) % n
    if (mode === 'reflect') {
      if (n === 1) return 0
      const period = 2 * (n - 1)
      const m = ((j % period) + period) % period
      return m < n ? m : period - m
    }
    // symmetric
    const period = 2 * n
    const m = ((j % period) + period) % period
    return m < n ? m : period - 1 - m
  }
  if (mode === 'maximum' || mode === 'minimum' || mode === 'mean') {
    const red = mode === 'mean'
      ? lax.div(lax.reduceSum(t, [axis]), broadcastRaw(scalar(n, t.dtype, t), lax.reduceSum(t, [axis]).shape))
      : lax.reduce(mode === 'maximum' ? 'reduce_max' : 'reduce_min', t, [axis])
    const e = insertAxes(red, [axis])
    const rep = (k: number): Tensor => broadcastRaw(e, e.shape.map((d, i) => (i === axis ? k : d)))
    const parts = [...(lo ? [rep(lo)] : []), t, ...(hi ? [rep(hi)] : [])]
    return lax.concatenate(parts, axis)
  }
  const before = range(lo).map((i) => pick(source(i - lo)))
  const after = range(hi).map((i) => pick(source(n + i)))
  return lax.concatenate([...before, t, ...after], axis)
}

/** Number of dimensions (`keras.ops.ndim`). @example `ndim(ops.zeros([2, 3])) // 2` */
export function ndim(x: TensorLike): number { return toTensor(x).shape.length }

/** Number of elements (`keras.ops.size`); `null` when a symbolic dim is unknown. @example `size(ops.zeros([2, 3])) // 6` */
export function size(x: TensorLike): number | null { return knownSize(toTensor(x).shape) }
