/**
 * @file `getItem`: NumPy indexing (`x[key]`, `keras.ops.get_item`) as a small DSL — slices `S()`
 * or `'1:3'` strings, integers, `null` (new axis), `'...'`, integer arrays/tensors and boolean masks —
 * lowered to slice, rev, reshape and gather primitives.
 */
import { InvalidArgumentError, NotImplementedError, ShapeError, Tensor, fmt, isBool, isInt, lax } from '@kx/core'
import type { Dim } from '@kx/core'
import { toTensor, type TensorLike } from './convert.js'
import { broadcastShapesOp, broadcastTo, cast } from './promote.js'
import { like } from './elementwise.js'
import { insertAxes, knownSize, removeAxes, reshapeTo } from './shape-util.js'
import { nonzero } from './indexing.js'

/** A Python slice `start:stop:step` (null = default). Make one with `S(...)`. */
export class Slice {
  constructor(readonly start: number | null = null, readonly stop: number | null = null, readonly step: number | null = null) {
    if (step === 0) throw new InvalidArgumentError('Slice step cannot be zero. Received: step=0')
  }
  toString(): string { return `${this.start ?? ''}:${this.stop ?? ''}${this.step === null ? '' : `:${this.step}`}` }
}

/**
 * A slice object, like Python's `start:stop:step` (`S()` is `:`).
 *
 * @example
 * ```ts
 * getItem(x, [S(), S(1, 3)]) // x[:, 1:3]
 * ```
 */
export function S(start: number | null = null, stop: number | null = null, step: number | null = null): Slice {
  return new Slice(start, stop, step)
}

/**
 * One index: an integer, a `Slice` (or a `'start:stop:step'` string), `null` (new axis), `'...'`,
 * an integer array/tensor (advanced indexing), or a boolean mask (eager only).
 */
export type IndexItem = number | Slice | string | null | Tensor | readonly (number | boolean | readonly unknown[])[]

function parseSliceString(s: string): Slice | '...' {
  const t = s.replace(/\s+/g, '')
  if (t === '...') return '...'
  const parts = t.split(':')
  if (parts.length < 2 || parts.length > 3) throw new InvalidArgumentError(`Invalid index string: expected "start:stop:step" or "...". Received: ${fmt(s)}`)
  const num = (p: string | undefined): number | null => {
    if (p === undefined || p === '') return null
    const v = Number(p)
    if (!Number.isInteger(v)) throw new InvalidArgumentError(`Invalid slice bound. Received: ${fmt(s)}`)
    return v
  }
  return new Slice(num(parts[0]), num(parts[1]), num(parts[2]))
}

type Item =
  | { kind: 'slice'; s: Slice }
  | { kind: 'int'; i: number }
  | { kind: 'new' }
  | { kind: 'ellipsis' }
  | { kind: 'array'; t: Tensor }
  | { kind: 'mask'; t: Tensor }

function classify(k: IndexItem, like0: Tensor): Item {
  if (k === null) return { kind: 'new' }
  if (k instanceof Slice) return { kind: 'slice', s: k }
  if (typeof k === 'string') { const p = parseSliceString(k); return p === '...' ? { kind: 'ellipsis' } : { kind: 'slice', s: p } }
  if (typeof k === 'number') {
    if (!Number.isInteger(k)) throw new InvalidArgumentError(`Indices must be integers. Received: ${k}`)
    return { kind: 'int', i: k }
  }
  const t = k instanceof Tensor ? k : toTensor(k as TensorLike, undefined, like0.isSymbolic ? undefined : like0.backend)
  if (isBool(t.dtype)) return { kind: 'mask', t }
  if (!isInt(t.dtype)) throw new InvalidArgumentError(`Index arrays must be integers or booleans. Received: dtype=${t.dtype}`)
  return { kind: 'array', t }
}

/** Python's slice.indices for a known length. */
function sliceIndices(s: Slice, n: number): [number, number, number] {
  const step = s.step ?? 1
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi)
  const norm = (v: number | null, dflt: number, lo: number, hi: number): number => (v === null ? dflt : clamp(v < 0 ? v + n : v, lo, hi))
  if (step > 0) return [norm(s.start, 0, 0, n), norm(s.stop, n, 0, n), step]
  return [norm(s.start, n - 1, -1, n - 1), norm(s.stop, -1, -1, n - 1), step]
}

/**
 * NumPy indexing (`x[key]`, `keras.ops.get_item`). `key` is one index or an array of them (a tuple
 * in Python); inside the tuple, a nested JS array is an integer/boolean index array. Indices can
 * also be passed as separate arguments.
 *
 * @example
 * ```ts
 * getItem(x, [S(), S(1, 3)])     // x[:, 1:3]
 * getItem(x, ['...', 0])          // x[..., 0]
 * getItem(x, [null, S(null, null, -1)]) // x[None, ::-1]
 * getItem(x, [tensor([2, 0])])    // x[[2, 0]]
 * ```
 */
export function getItem(x: TensorLike, ...key: (IndexItem | readonly IndexItem[])[]): Tensor {
  const t = toTensor(x)
  const raw: IndexItem[] = key.length === 1 && Array.isArray(key[0]) ? (key[0] as IndexItem[]) : (key as IndexItem[])
  let items = raw.map((k) => classify(k, t))
  // boolean masks become integer arrays (eager only)
  items = items.flatMap((it): Item[] => {
    if (it.kind !== 'mask') return [it]
    if (it.t.isSymbolic) throw new NotImplementedError('Boolean mask indexing has a data-dependent shape and runs eagerly only.')
    if (it.t.shape.length === 0) throw new NotImplementedError('0-d boolean indices are not supported by `getItem`.')
    return nonzero(it.t).map((i) => ({ kind: 'array', t: i }))
  })
  const consumed = items.filter((i) => i.kind !== 'new' && i.kind !== 'ellipsis').length
  const ells = items.filter((i) => i.kind === 'ellipsis').length
  if (ells > 1) throw new InvalidArgumentError('An index can only have a single ellipsis ("...").')
  const rank = t.shape.length
  if (consumed > rank) throw new InvalidArgumentError(`Too many indices for a tensor of rank ${rank}. Received: key=${fmt(raw.map(String))}`)
  const fill: Item[] = Array.from({ length: rank - consumed }, () => ({ kind: 'slice', s: new Slice() }))
  const e = items.findIndex((i) => i.kind === 'ellipsis')
  items = e >= 0 ? [...items.slice(0, e), ...fill, ...items.slice(e + 1)] : [...items, ...fill]
  const hasArrays = items.some((i) => i.kind === 'array')
  if (hasArrays) items = items.map((i) => (i.kind === 'int' ? { kind: 'array', t: toTensor(i.i, 'int32', t.isSymbolic ? undefined : t.backend) } : i))

  // 1. basic slicing: one slice per dim (ints take [i, i+1] and are dropped afterwards)
  const starts: number[] = []
  const limits: Dim[] = []
  const strides: number[] = []
  const revDims: number[] = []
  const dropDims: number[] = []
  let d = 0
  let needSlice = false
  for (const it of items) {
    if (it.kind === 'new') continue
    const n = t.shape[d]!
    if (it.kind === 'slice') {
      const s = it.s
      const full = s.start === null && s.stop === null && (s.step === null || s.step === 1)
      if (full) { starts.push(0); limits.push(n); strides.push(1) } else {
        if (n === null) throw new ShapeError(`Slicing an unknown dimension needs a known size. Received: x.shape=${fmt(t.shape)}, dim=${d}`)
        const [a, b, st] = sliceIndices(s, n)
        if (st > 0) { starts.push(a); limits.push(Math.max(a, b)); strides.push(st) } else {
          // reversed: rev the axis, then slice forward from n-1-a
          revDims.push(d)
          const a2 = n - 1 - a
          const b2 = n - 1 - b
          starts.push(a2); limits.push(Math.max(a2, b2)); strides.push(-st)
        }
        needSlice = true
      }
    } else if (it.kind === 'int') {
      if (n !== null && (it.i >= n || it.i < -n)) throw new InvalidArgumentError(`Index ${it.i} is out of bounds for axis ${d} with size ${n}.`)
      if (n === null && it.i < 0) throw new ShapeError(`Negative indices need a known dimension. Received: index=${it.i}, x.shape=${fmt(t.shape)}`)
      const i = it.i < 0 ? it.i + n! : it.i
      starts.push(i); limits.push(i + 1); strides.push(1); dropDims.push(d)
      needSlice = true
    } else { starts.push(0); limits.push(n); strides.push(1) }
    d++
  }
  let y = revDims.length ? lax.rev(t, revDims) : t
  if (needSlice) {
    if (limits.some((l) => l === null)) {
      // unknown dims are kept whole: slice the others by splitting the work per known dim
      y = sliceKnown(y, starts, limits, strides)
    } else y = lax.slice(y, starts, limits as number[], strides)
  }
  y = removeAxes(y, dropDims)

  // 2. positions of each remaining item in y (new axes inserted in order)
  const kept = items.filter((i) => i.kind !== 'int')
  const newAt = kept.map((i, j) => (i.kind === 'new' ? j : -1)).filter((j) => j >= 0)
  y = insertAxes(y, newAt)
  if (!hasArrays) return y

  // 3. advanced indexing over the array items
  const advPos = kept.map((i, j) => (i.kind === 'array' ? j : -1)).filter((j) => j >= 0)
  const idxs = advPos.map((j) => (kept[j] as { t: Tensor }).t)
  const bshape = broadcastShapesOp('getItem', idxs.map((i) => i.shape), idxs.map((_, k) => `index${k}`))
  const sizes = advPos.map((j) => y.shape[j]!)
  if (sizes.some((s) => s === null)) throw new ShapeError(`Advanced indexing needs known sizes on the indexed axes. Received: x.shape=${fmt(t.shape)}`)
  let flat: Tensor | undefined
  let stride = 1
  for (let k = advPos.length - 1; k >= 0; k--) {
    const n = sizes[k] as number
    let ik = broadcastTo(cast(idxs[k]!, 'int32'), bshape)
    ik = lax.select(lax.lt(ik, like(ik, 0)), lax.add(ik, like(ik, n)), ik)
    const term = stride === 1 ? ik : lax.mul(ik, like(ik, stride))
    flat = flat ? lax.add(flat, term) : term
    stride *= n
  }
  const restPos = y.shape.map((_, j) => j).filter((j) => !advPos.includes(j))
  const moved = lax.transpose(y, [...advPos, ...restPos])
  const merged = reshapeTo(moved, [knownSize(sizes) ?? -1, ...restPos.map((j) => y.shape[j]!)], 'getItem')
  let out = lax.gather(merged, flat!, 0)
  const adjacent = advPos.every((p, k) => k === 0 || p === advPos[k - 1]! + 1)
  if (adjacent && advPos[0]! > 0) {
    const nb = bshape.length
    const first = advPos[0]!
    const r = out.shape.length
    const perm = [...Array.from({ length: first }, (_, k) => nb + k), ...Array.from({ length: nb }, (_, k) => k), ...Array.from({ length: r - nb - first }, (_, k) => nb + first + k)]
    out = lax.transpose(out, perm)
  }
  return out
}

/** Slices the known dims one at a time with gathers, which leave unknown (whole) dims untouched. */
function sliceKnown(y: Tensor, starts: readonly number[], limits: readonly Dim[], strides: readonly number[]): Tensor {
  let out = y
  limits.forEach((l, dIdx) => {
    const n = out.shape[dIdx]
    if (l === null || (starts[dIdx] === 0 && l === n && strides[dIdx] === 1)) return
    const idx: number[] = []
    for (let i = starts[dIdx]!; i < l; i += strides[dIdx]!) idx.push(i)
    out = lax.gather(out, toTensor(Int32Array.from(idx), 'int32'), dIdx)
  })
  return out
}
