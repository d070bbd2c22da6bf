/**
 * @file Matrix-structure ops of `keras.ops`: diag, diagflat, diagonal, trace, tril, triu, diff,
 * vander, trapezoid and correlate.
 */
import { InvalidArgumentError, ShapeError, Tensor, fmt, isBool, lax } from '@kx/core'
import type { DType } from '@kx/core'
import { toTensor, type TensorLike } from './convert.js'
import { axisOf, broadcastInDim, broadcastTo, cast, prepare, range, resultDType, scalar } from './promote.js'
import { like } from './elementwise.js'
import { ravel, sliceAxis } from './shape-ops.js'
import { insertAxes, reshapeTo } from './shape-util.js'

/**
 * The `offset`-th diagonal of the matrices in the plane `(axis1, axis2)`, appended as the last axis
 * (`np.diagonal`).
 *
 * @example
 * ```ts
 * diagonal([[1, 2], [3, 4]]) // [1, 4]
 * ```
 */
export function diagonal(x: TensorLike, options: { offset?: number; axis1?: number; axis2?: number } = {}): Tensor {
  const t = toTensor(x)
  const r = t.shape.length
  if (r < 2) throw new ShapeError(`\`diagonal\` needs at least 2 dimensions. Received: x.shape=${fmt(t.shape)}`)
  const a1 = axisOf(options.axis1 ?? 0, r, 'diagonal')
  const a2 = axisOf(options.axis2 ?? 1, r, 'diagonal')
  if (a1 === a2) throw new InvalidArgumentError(`\`diagonal\` needs two different axes. Received: axis1=${a1}, axis2=${a2}`)
  const k = options.offset ?? 0
  const rest = range(r).filter((i) => i !== a1 && i !== a2)
  const m = lax.transpose(t, [...rest, a1, a2])
  const n1 = t.shape[a1]!
  const n2 = t.shape[a2]!
  if (n1 === null || n2 === null) throw new ShapeError(`\`diagonal\` needs known sizes on both axes. Received: x.shape=${fmt(t.shape)}`)
  const len = Math.max(0, Math.min(n1 + Math.min(k, 0), n2 - Math.max(k, 0)))
  const lead = rest.map((i) => t.shape[i]!)
  if (len === 0) return sliceAxis(reshapeTo(m, [...lead, n1 * n2]), rest.length, 0, 0)
  const flatM = reshapeTo(m, [...lead, n1 * n2], 'diagonal')
  // element (i - min(k,0), i + max(k,0)) at flat index row·n2 + col
  const idx = Array.from({ length: len }, (_, i) => (i - Math.min(k, 0)) * n2 + i + Math.max(k, 0))
  return lax.gather(flatM, toTensor(Int32Array.from(idx), 'int32', t.isSymbolic ? undefined : t.backend), rest.length)
}

/**
 * A diagonal matrix from a 1-D input (on the `k`-th diagonal), or the `k`-th diagonal of a 2-D input.
 *
 * @example
 * ```ts
 * diag([1, 2]) // [[1, 0], [0, 2]]
 * ```
 */
export function diag(x: TensorLike, options: { k?: number } = {}): Tensor {
  const t = toTensor(x)
  const k = options.k ?? 0
  if (t.shape.length === 2) return diagonal(t, { offset: k })
  if (t.shape.length !== 1) throw new ShapeError(`\`diag\` needs a 1-D or 2-D input. Received: x.shape=${fmt(t.shape)}`)
  const n = t.shape[0]!
  const size = n + Math.abs(k)
  const rows = lax.iota('int32', [size, size], 0)
  const cols = lax.iota('int32', [size, size], 1)
  const onDiag = lax.eq(lax.sub(cols, rows), broadcastTo(scalar(k, 'int32'), [size, size]))
  // value at (i, j) = x[min(i, j)] on the diagonal (i for k >= 0 rows, j for k < 0)
  const src = k >= 0 ? rows : cols
  const safe = lax.min(src, broadcastTo(scalar(Math.max(n - 1, 0), 'int32'), [size, size]))
  const vals = n === 0 ? broadcastTo(scalar(0, t.dtype, t), [size, size]) : lax.gather(t, safe, 0)
  return lax.select(onDiag, vals, like(vals, 0))
}

/** A diagonal matrix from the flattened input (`np.diagflat`). @example `diagflat([[1, 2]]) // 2×2` */
export function diagflat(x: TensorLike, options: { k?: number } = {}): Tensor {
  return diag(ravel(toTensor(x)), options)
}

/**
 * Sum along the `offset`-th diagonal (`np.trace`); small int and bool inputs accumulate in int32.
 *
 * @example
 * ```ts
 * trace([[1, 2], [3, 4]]) // 5
 * ```
 */
export function trace(x: TensorLike, options: { offset?: number; axis1?: number; axis2?: number } = {}): Tensor {
  const t = toTensor(x)
  let d: DType = t.dtype
  if (d === 'bool' || d === 'int8' || d === 'int16') d = 'int32'
  else if (d === 'uint8' || d === 'uint16') d = 'uint32'
  const dg = cast(diagonal(t, options), d)
  return lax.reduceSum(dg, [dg.shape.length - 1])
}

function triangle(x: TensorLike, k: number, lower: boolean, op: string): Tensor {
  const t = toTensor(x)
  const r = t.shape.length
  if (r < 2) throw new ShapeError(`\`${op}\` needs at least 2 dimensions. Received: x.shape=${fmt(t.shape)}`)
  const n = t.shape[r - 2]!
  const m = t.shape[r - 1]!
  if (n === null || m === null) throw new ShapeError(`\`${op}\` needs known matrix sizes. Received: x.shape=${fmt(t.shape)}`)
  const rows = lax.iota('int32', [n, m], 0)
  const cols = lax.iota('int32', [n, m], 1)
  const shifted = lax.add(rows, broadcastTo(scalar(k, 'int32'), [n, m]))
  const keep = lower ? lax.le(cols, shifted) : lax.ge(cols, shifted)
  const mask = broadcastInDim(keep, t.shape, [r - 2, r - 1])
  return lax.select(mask, t, like(t, 0))
}
/** Lower triangle (elements above the `k`-th diagonal zeroed). @example `tril([[1, 2], [3, 4]]) // [[1, 0], [3, 4]]` */
export function tril(x: TensorLike, options: { k?: number } = {}): Tensor { return triangle(x, options.k ?? 0, true, 'tril') }
/** Upper triangle. @example `triu([[1, 2], [3, 4]]) // [[1, 2], [0, 4]]` */
export function triu(x: TensorLike, options: { k?: number } = {}): Tensor { return triangle(x, options.k ?? 0, false, 'triu') }

/**
 * `n`-th discrete difference along `axis` (default last).
 *
 * @example
 * ```ts
 * diff([1, 4, 9]) // [3, 5]
 * ```
 */
export function diff(a: TensorLike, options: { n?: number; axis?: number } = {}): Tensor {
  let t = toTensor(a)
  const axis = axisOf(options.axis ?? -1, t.shape.length, 'diff')
  const n = options.n ?? 1
  for (let i = 0; i < n; i++) {
    const len = t.shape[axis]!
    if (len === null) throw new ShapeError(`\`diff\` needs a known size along the axis. Received: a.shape=${fmt(t.shape)}`)
    if (len === 0) break
    const hi = sliceAxis(t, axis, 1, len)
    const lo = sliceAxis(t, axis, 0, len - 1)
    t = isBool(t.dtype) ? lax.ne(hi, lo) : lax.sub(hi, lo)
  }
  return t
}

/**
 * Vandermonde matrix: columns are powers of `x` (decreasing unless `increasing`), `N` columns
 * (default len(x)).
 *
 * @example
 * ```ts
 * vander([1, 2, 3], { N: 3 }) // [[1, 1, 1], [4, 2, 1], [9, 3, 1]]
 * ```
 */
export function vander(x: TensorLike, options: { N?: number | null; increasing?: boolean } = {}): Tensor {
  const t = toTensor(x)
  if (t.shape.length !== 1) throw new ShapeError(`\`vander\` needs a 1-D input. Received: x.shape=${fmt(t.shape)}`)
  const len = t.shape[0]!
  const N = options.N ?? len
  const powers = Array.from({ length: N }, (_, i) => (options.increasing ? i : N - 1 - i))
  const p = toTensor(Float64Array.from(powers), t.dtype, t.isSymbolic ? undefined : t.backend)
  const shape = [len, N]
  return lax.pow(lax.broadcastInDim(t, shape, [0]), lax.broadcastInDim(p, shape, [1]))
}

/**
 * Integrates `y` along `axis` with the trapezoidal rule (sample points `x`, or spacing `dx`).
 *
 * @example
 * ```ts
 * trapezoid([1, 2, 3]) // 4
 * ```
 */
export function trapezoid(y: TensorLike, options: { x?: TensorLike | null; dx?: number; axis?: number } = {}): Tensor {
  const t0 = toTensor(y)
  const t = cast(t0, resultDType(t0, 'weak_float'))
  const axis = axisOf(options.axis ?? -1, t.shape.length, 'trapezoid')
  const n = t.shape[axis]!
  const avg = lax.mul(lax.add(sliceAxis(t, axis, 1, n), sliceAxis(t, axis, 0, n - 1)), like(sliceAxis(t, axis, 0, n - 1), 0.5))
  if (options.x !== undefined && options.x !== null) {
    const xs = cast(toTensor(options.x), t.dtype)
    const dx = xs.shape.length === 1 ? broadcastInDim(diff(xs), avg.shape, [axis]) : diff(xs, { axis })
    return lax.reduceSum(lax.mul(avg, broadcastTo(dx, avg.shape)), [axis])
  }
  return lax.mul(lax.reduceSum(avg, [axis]), like(lax.reduceSum(avg, [axis]), options.dx ?? 1))
}

/**
 * Cross-correlation of two 1-D sequences (`np.correlate`, modes `valid`, `same`, `full`); the
 * result is a float.
 *
 * @example
 * ```ts
 * correlate([1, 2, 3], [0, 1, 0.5]) // [3.5]
 * ```
 */
export function correlate(x1: TensorLike, x2: TensorLike, options: { mode?: 'valid' | 'same' | 'full' } = {}): Tensor {
  let d = resultDType(x1, x2)
  d = d === 'float16' || d === 'bfloat16' || d === 'float64' ? d : 'float32'
  const [a0, v0] = prepare('correlate', [x1, x2], { dtype: d, broadcast: false })
  if (a0!.shape.length !== 1 || v0!.shape.length !== 1) throw new ShapeError(`\`correlate\` needs 1-D inputs. Received: x1.shape=${fmt(a0!.shape)}, x2.shape=${fmt(v0!.shape)}`)
  let a = a0!
  let v = v0!
  let swapped = false
  if (v.shape[0]! > a.shape[0]!) { [a, v] = [v, a]; swapped = true }
  const n = a.shape[0]!
  const m = v.shape[0]!
  const mode = options.mode ?? 'valid'
  let lo = 0
  let hi = 0
  if (mode === 'same') { lo = Math.floor(m / 2); hi = m - 1 - lo } else if (mode === 'full') { lo = m - 1; hi = m - 1 }
  const padded = lax.pad(a, scalar(0, d, a), [lo], [hi])
  const outLen = n + lo + hi - m + 1
  // windows[i, j] = padded[i + j]; out[i] = Σ_j windows[i, j] · v[j]
  const idx = lax.add(lax.iota('int32', [outLen, m], 0), lax.iota('int32', [outLen, m], 1))
  const windows = lax.gather(padded, idx, 0)
  let out = lax.dotGeneral(windows, v, [[1], [0]])
  if (swapped) out = lax.rev(out, [0])
  return out
}

/** @internal Unit axes inserted at the end (used by statistics). */
export const expandLast = (t: Tensor): Tensor => insertAxes(t, [t.shape.length])
