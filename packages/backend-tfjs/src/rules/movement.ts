/**
 * @file Movement and indexing primitives on tfjs kernels: reshape, transpose, broadcast, slices
 * (static and dynamic), pad, concatenate, rev, gather/scatter (np.take layout), iota; sort and top_k.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import { tfDtype, type TfDType, type TfjsKernelContext } from '../context.js'
import { binary, broadcastInDim, cast, inverse, pad, prod, range, reshape, slice, stridedSlice, transpose } from '../helpers.js'
import { hostRule, type TfjsRule, type TfjsRuleTable } from './types.js'

/** Clamps int32 indices into `[lo, hi]` with Maximum/Minimum (ClipByValue is float-only on wasm). */
function clampIndices(ctx: TfjsKernelContext, idx: TensorInfo, lo: number, hi: TensorInfo | number): TensorInfo {
  const i32 = idx.dtype === 'int32' ? idx : cast(ctx, idx, 'int32')
  const upper = typeof hi === 'number' ? ctx.constant(hi, 'int32') : hi
  return binary(ctx, 'Maximum', binary(ctx, 'Minimum', i32, upper), ctx.constant(lo, 'int32'))
}

/**
 * Flat row-major offsets (int32, shaped `sizes`) of the window `[start, start + sizes)` of `shape`,
 * with the start vector clamped on the device so the window stays inside (XLA's rule).
 */
function windowOffsets(ctx: TfjsKernelContext, starts: TensorInfo, shape: readonly number[], sizes: readonly number[]): TensorInfo {
  const r = shape.length
  const clamped = clampIndices(ctx, starts, 0, ctx.upload(Int32Array.from(shape.map((d, i) => Math.max(0, d - sizes[i]!))), [r], 'int32'))
  let stride = 1
  let acc: TensorInfo | null = null
  for (let d = r - 1; d >= 0; d--) {
    const start = slice(ctx, clamped, [d], [1])
    const iota = ctx.kernel('Range', {}, { start: 0, stop: sizes[d]!, step: 1, dtype: 'int32' })
    let term = binary(ctx, 'Add', iota, start)
    if (stride !== 1) term = binary(ctx, 'Multiply', term, ctx.constant(stride, 'int32'))
    term = reshape(ctx, term, sizes.map((s, i) => (i === d ? s : 1)))
    acc = acc === null ? term : binary(ctx, 'Add', acc, term)
    stride *= shape[d]!
  }
  return broadcastInDim(ctx, acc ?? ctx.constant(0, 'int32', []), sizes, range(r))
}

/** Runs `f` on a bool tensor through int32 (several kernels have no bool path on wasm). */
function viaInt<T extends TensorInfo>(ctx: TfjsKernelContext, x: T, f: (y: TensorInfo) => TensorInfo): TensorInfo {
  if (x.dtype !== 'bool') return f(x)
  return cast(ctx, f(cast(ctx, x, 'int32')), 'bool')
}

const dynamicSlice: TfjsRule<'dynamic_slice'> = (ctx, [x, starts], { sliceSizes }) => {
  if (prod(sliceSizes) === 0) return [ctx.constant(0, x!.dtype as TfDType, sliceSizes)]
  if (ctx.traits.syncRead) {
    const s = ctx.readSync(starts!)
    const begin = x!.shape.map((d, i) => Math.min(Math.max(Math.trunc(s[i] as number), 0), d - sliceSizes[i]!))
    return [viaInt(ctx, x!, (y) => slice(ctx, y, begin, sliceSizes))]
  }
  const flat = reshape(ctx, x!, [prod(x!.shape)])
  const idx = reshape(ctx, windowOffsets(ctx, starts!, x!.shape, sliceSizes), [prod(sliceSizes)])
  return [reshape(ctx, viaInt(ctx, flat, (y) => ctx.kernel('GatherV2', { x: y, indices: idx }, { axis: 0, batchDims: 0 })), sliceSizes)]
}

const dynamicUpdateSlice: TfjsRule<'dynamic_update_slice'> = (ctx, [x, update, starts]) => {
  if (prod(update!.shape) === 0) return [x!]
  const n = prod(x!.shape)
  const m = prod(update!.shape)
  const idx = reshape(ctx, windowOffsets(ctx, starts!, x!.shape, update!.shape), [m, 1])
  const out = viaInt(ctx, reshape(ctx, x!, [n]), (t) => ctx.kernel('TensorScatterUpdate', {
    tensor: ctx.traits.quirks?.scatterUpdateInPlace ? ctx.copy(t) : t, indices: idx, updates: reshape(ctx, update!.dtype === 'bool' ? cast(ctx, update!, 'int32') : update!, [m]),
  }))
  return [reshape(ctx, out, x!.shape)]
}

/**
 * np.take-layout scatter: moves `axis` to the front so the updates become rows `[M, rest]` addressed
 * by `[M, 1]` indices, scatters into `[n, rest]`, and moves the axis back.
 */
function scatterRule(mode: 'add' | 'set'): TfjsRule<'scatter_add' | 'scatter'> {
  const host = hostRule(mode === 'add' ? 'scatter_add' : 'scatter')
  return (ctx, inputs, params, outputs) => {
    const [x, indices, updates] = inputs as [TensorInfo, TensorInfo, TensorInfo]
    if (x.dtype === 'bool') return host(ctx, inputs, params, outputs)
    const { axis } = params
    const r = x.shape.length
    const n = x.shape[axis]!
    const m = prod(indices.shape)
    if (m === 0 || prod(x.shape) === 0) return [x]
    const perm = [axis, ...range(r).filter((i) => i !== axis)]
    const rest = perm.slice(1).map((p) => x.shape[p]!)
    const xt = reshape(ctx, transpose(ctx, x, perm), [n, prod(rest)])
    // updates: x.shape[:axis] + indices.shape + x.shape[axis+1:] → indices dims first.
    const ir = indices.shape.length
    const uPerm = [...range(ir).map((i) => axis + i), ...range(axis), ...range(r - axis - 1).map((i) => axis + ir + i)]
    const ut = reshape(ctx, transpose(ctx, updates, uPerm), [m, prod(rest)])
    const idx = reshape(ctx, clampIndices(ctx, indices, 0, n - 1), [m, 1])
    const res = mode === 'add'
      ? binary(ctx, 'Add', xt, ctx.kernel('ScatterNd', { indices: idx, updates: ut }, { shape: [n, prod(rest)] }))
      : ctx.kernel('TensorScatterUpdate', { tensor: ctx.traits.quirks?.scatterUpdateInPlace ? ctx.copy(xt) : xt, indices: idx, updates: ut })
    return [transpose(ctx, reshape(ctx, res, [n, ...rest]), inverse(perm))]
  }
}

const iota: TfjsRule<'iota'> = (ctx, _inputs, { dtype, shape, dimension }) => {
  const n = shape[dimension]!
  const dt = tfDtype(dtype)
  const line = dt === 'bool'
    ? cast(ctx, ctx.kernel('Range', {}, { start: 0, stop: n, step: 1, dtype: 'int32' }), 'bool')
    : ctx.kernel('Range', {}, { start: 0, stop: n, step: 1, dtype: dt })
  return [broadcastInDim(ctx, line, shape, [dimension])]
}

export const movementRules = {
  reshape: (ctx, [x], _p, [out]) => [reshape(ctx, x!, out!.shape)],
  transpose: (ctx, [x], { permutation }) => [transpose(ctx, x!, permutation)],
  broadcast_in_dim: (ctx, [x], { shape, broadcastDimensions }) => [broadcastInDim(ctx, x!, shape, broadcastDimensions)],
  slice: (ctx, [x], { startIndices, limitIndices, strides }) => [viaInt(ctx, x!, (y) => stridedSlice(ctx, y, startIndices, limitIndices, strides))],
  dynamic_slice: dynamicSlice,
  dynamic_update_slice: dynamicUpdateSlice,
  pad: (ctx, [x, v], { lo, hi, interior }) => [pad(ctx, x!, lo, hi, interior, v!)],
  concatenate: (ctx, xs, { dimension }) => {
    const parts = xs.filter((t) => t.shape[dimension] !== 0)
    if (parts.length === 0) return [xs[0]!]
    if (parts.length === 1) return [parts[0]!]
    return [viaIntMany(ctx, parts, (ys) => ctx.kernel('Concat', ys, { axis: dimension }))]
  },
  rev: (ctx, [x], { dimensions }) => [dimensions.length === 0 ? x! : viaInt(ctx, x!, (y) => ctx.kernel('Reverse', { x: y }, { dims: dimensions.slice() }))],
  gather: (ctx, [x, indices], { axis }, [out]) => {
    if (prod(out!.shape) === 0) return [ctx.constant(0, x!.dtype as TfDType, out!.shape)]
    const idx = clampIndices(ctx, indices!, 0, x!.shape[axis]! - 1)
    return [viaInt(ctx, x!, (y) => ctx.kernel('GatherV2', { x: y, indices: idx }, { axis, batchDims: 0 }))]
  },
  scatter_add: scatterRule('add'),
  scatter: scatterRule('set'),
  // NOTE: tfjs TopK has no NaN order, compares equal infinities inconsistently (cpu computes Inf - Inf)
  // and is not documented stable; sort and top_k run core's reference on the host instead.
  sort: hostRule('sort'),
  top_k: hostRule('top_k'),
  iota,
} satisfies Partial<TfjsRuleTable>

function viaIntMany(ctx: TfjsKernelContext, xs: readonly TensorInfo[], f: (ys: TensorInfo[]) => TensorInfo): TensorInfo {
  if (xs[0]!.dtype !== 'bool') return f(xs.slice())
  return cast(ctx, f(xs.map((x) => cast(ctx, x, 'int32'))), 'bool')
}
