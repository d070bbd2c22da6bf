/**
 * @file The take ops of `keras.ops`: take and take_along_axis (jnp's "fill" mode out of bounds) and the gather
 * behind them and sort/linalg. Apart from indexing.ts so that where/clip (every model) come without them.
 */
import { DTypeError, ShapeError, Tensor, fmt, isBool, isFloat, isInt, isUnsigned, lax } from '@kx/core'
import type { DType, Dim } from '@kx/core'
import { toTensor, type TensorLike } from './convert.js'
import { axisOf, broadcastInDim, broadcastShapesOp, broadcastTo, cast, fullLike, land, range, scalar } from './promote.js'
import { like } from './elementwise.js'
import { insertAxes, knownSize } from './shape-util.js'
import { ravel } from './shape-ops.js'

/** @internal The out-of-bounds fill of `jnp.take` ("fill" mode): NaN, the int minimum, or true. */
function fillValue(d: DType): number | boolean {
  if (isFloat(d)) return NaN
  if (isBool(d)) return true
  if (isUnsigned(d)) return d === 'uint8' ? 255 : d === 'uint16' ? 65535 : 4294967295
  return d === 'int8' ? -128 : d === 'int16' ? -32768 : d === 'int64' ? -(2 ** 53) : -2147483648
}

/** @internal Wraps negative indices once and reports which are in range. */
function normalizeIndices(idx: Tensor, n: number): [Tensor, Tensor] {
  let i = isInt(idx.dtype) ? cast(idx, 'int32') : idx
  if (!isInt(i.dtype)) throw new DTypeError(`Indices must be integers. Received: indices dtype=${idx.dtype}`)
  i = lax.select(lax.lt(i, like(i, 0)), lax.add(i, like(i, n)), i)
  const valid = land(lax.ge(i, like(i, 0)), lax.lt(i, like(i, n)))
  return [i, valid]
}

/**
 * Takes elements along `axis` at `indices` (the flattened tensor by default). Negative indices
 * count from the end; out-of-range indices give NaN for floats (JAX's "fill" mode).
 *
 * @example
 * ```ts
 * take([10, 20, 30], [2, 0]) // [30, 10]
 * ```
 */
export function take(x: TensorLike, indices: TensorLike, options: { axis?: number | null } = {}): Tensor {
  let t = toTensor(x)
  const idx0 = toTensor(indices, undefined, t.isSymbolic ? undefined : t.backend)
  if (!isInt(idx0.dtype)) throw new DTypeError(`\`take\` needs integer indices. Received: indices dtype=${idx0.dtype}`)
  let axis: number
  if (options.axis === undefined || options.axis === null) { t = ravel(t); axis = 0 } else axis = axisOf(options.axis, t.shape.length, 'take')
  const n = t.shape[axis]
  if (n === null || n === undefined) throw new ShapeError(`\`take\` needs a known size along the axis. Received: x.shape=${fmt(t.shape)}, axis=${axis}`)
  if (n === 0) throw new ShapeError(`\`take\` cannot index an empty axis. Received: x.shape=${fmt(t.shape)}, axis=${axis}`)
  const [idx, valid] = normalizeIndices(idx0, n)
  const g = lax.gather(t, idx, axis)
  const shape = g.shape as Dim[]
  const v = broadcastInDim(valid, shape, range(axis + idx.shape.length, axis))
  return lax.select(v, g, like(g, fillValue(g.dtype)))
}

/**
 * Takes values along `axis` at per-position `indices` (`np.take_along_axis`); the other axes
 * broadcast. `axis: null` works on the flattened tensor.
 *
 * @example
 * ```ts
 * takeAlongAxis([[10, 30, 20]], [[1, 2]], { axis: 1 }) // [[30, 20]]
 * ```
 */
export function takeAlongAxis(x: TensorLike, indices: TensorLike, options: { axis?: number | null } = {}): Tensor {
  let t = toTensor(x)
  let idx0 = toTensor(indices, undefined, t.isSymbolic ? undefined : t.backend)
  if (!isInt(idx0.dtype)) throw new DTypeError(`\`takeAlongAxis\` needs integer indices. Received: indices dtype=${idx0.dtype}`)
  let axis: number
  if (options.axis === undefined || options.axis === null) { t = ravel(t); idx0 = ravel(idx0); axis = 0 } else axis = axisOf(options.axis, t.shape.length, 'takeAlongAxis')
  if (idx0.shape.length !== t.shape.length) {
    throw new ShapeError(`\`takeAlongAxis\` needs indices with the rank of x. Received: x.shape=${fmt(t.shape)}, indices.shape=${fmt(idx0.shape)}`)
  }
  const n = t.shape[axis]
  if (n === null || n === undefined) throw new ShapeError(`\`takeAlongAxis\` needs a known size along the axis. Received: x.shape=${fmt(t.shape)}`)
  const others = broadcastShapesOp('takeAlongAxis', [t.shape.filter((_, i) => i !== axis), idx0.shape.filter((_, i) => i !== axis)], ['x', 'indices'])
  const withAxis = (k: Dim): Dim[] => [...others.slice(0, axis), k, ...others.slice(axis)]
  const xt = broadcastTo(t, withAxis(n))
  const [idx, valid] = normalizeIndices(broadcastTo(idx0, withAxis(idx0.shape[axis]!)), n)
  const out = gatherAlong(xt, idx, axis)
  return lax.select(valid, out, like(out, fillValue(out.dtype)))
}

/**
 * @internal Per-position gather along `axis` (x and idx share every other dim). Known shapes use one
 * flat `gather`; unknown dims use a one-hot contraction, which needs no concrete sizes.
 */
export function gatherAlong(x: Tensor, idx: Tensor, axis: number): Tensor {
  const n = x.shape[axis] ?? null
  const r = x.shape.length
  const perm = [...range(r).filter((i) => i !== axis), axis]
  const xt = lax.transpose(x, perm)
  const it = lax.transpose(idx, perm)
  const rows = knownSize(xt.shape.slice(0, -1))
  const k = it.shape[r - 1]!
  const inv = new Array<number>(r)
  perm.forEach((p, i) => { inv[p] = i })
  if (rows !== null && k !== null && n !== null) {
    const flatX = lax.reshape(xt, [rows * n])
    const offsets = lax.mul(lax.iota('int32', [rows, k], 0), broadcastTo(scalar(n, 'int32', x), [rows, k]))
    const flatI = lax.add(lax.reshape(cast(it, 'int32'), [rows, k]), offsets)
    const g = lax.gather(flatX, flatI, 0)
    return lax.transpose(lax.reshape(g, it.shape as number[]), inv)
  }
  // unknown dims: hot[..., j, i] = (idx[..., j] == i), with i counted by a cumulative sum when n is unknown
  const full = [...it.shape, n] as Dim[]
  const xe = broadcastTo(insertAxes(xt, [r - 1]), full)
  const positions = n === null
    ? lax.sub(lax.cumulative('cumsum', fullLike(xe, 1, 'int32'), r), fullLike(xe, 1, 'int32'))
    : broadcastTo(lax.iota('int32', [n], 0), full)
  const hot = lax.eq(broadcastTo(insertAxes(cast(it, 'int32'), [r]), full), positions)
  const picked = isBool(x.dtype) ? lax.reduce('reduce_or', land(hot, xe), [r]) : lax.reduceSum(lax.select(hot, xe, like(xe, 0)), [r])
  return lax.transpose(picked, inv)
}
