/**
 * @file The less common shape ops of `keras.ops`: swapaxes, flips, roll and rot90, tile/repeat and pad. Apart
 * from shape-ops.ts so that a bundle needing only reshape/transpose (every model) does not carry them.
 */
import { InvalidArgumentError, ShapeError, Tensor, fmt, lax } from '@kx/core'
import type { Dim } from '@kx/core'
import { toTensor, type TensorLike } from './convert.js'
import { axesOf, axisOf, broadcastTo as broadcastRaw, range, scalar } from './promote.js'
import { insertAxes, reshapeTo } from './shape-util.js'
import { ravel, sliceAxis } from './shape-ops.js'

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
