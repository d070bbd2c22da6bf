/**
 * @file Pooling windows: `reduce_window` (MaxPool/AvgPool for NHWC 2-d windows, otherwise a
 * composition over the window's strided slices) and `select_and_scatter_add` (MaxPoolGrad, otherwise
 * a first-maximum selection over the same slices, scattered back by interior padding).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { WindowParams } from '@kx/core'
import type { TfDType, TfjsKernelContext } from '../context.js'
import { binary, cast, highest, inverse, lowest, pad, prod, range, reshape, select, slice, stridedSlice, transpose, unary } from '../helpers.js'
import { hostRule, type TfjsRule, type TfjsRuleTable } from './types.js'

const outSize = (n: number, k: number, s: number, lo: number, hi: number): number => Math.max(0, Math.floor((n + lo + hi - k) / s) + 1)

/** Window geometry of `shape` under `w`: output sizes and every window offset, row-major. */
function geometry(shape: readonly number[], w: WindowParams): { out: number[]; offsets: number[][] } {
  const out = shape.map((n, d) => outSize(n, w.windowDimensions[d]!, w.windowStrides[d]!, w.padding[d]![0], w.padding[d]![1]))
  let offsets: number[][] = [[]]
  for (const k of w.windowDimensions) offsets = offsets.flatMap((o) => Array.from({ length: k }, (_, i) => [...o, i]))
  return { out, offsets }
}

/**
 * The NHWC 2-d pooling case tfjs's pool kernels cover: rank 4 (or 3, lifted), window 1 and stride 1
 * on the batch and channel dims, no padding there. Returns the 2-d filter, strides and padding.
 */
function pool2d(shape: readonly number[], w: WindowParams): { filter: number[]; strides: number[]; pad: number[][] } | null {
  const r = shape.length
  if (r !== 4 && r !== 3) return null
  const c = r - 1
  const untouched = (d: number): boolean => w.windowDimensions[d] === 1 && w.windowStrides[d] === 1 && w.padding[d]![0] === 0 && w.padding[d]![1] === 0
  if (!untouched(0) || !untouched(c)) return null
  if (w.padding.some(([lo, hi]) => lo < 0 || hi < 0)) return null
  const sp = r === 4 ? [1, 2] : [1]
  const pick = <T>(f: (d: number) => T, one: T): T[] => (r === 4 ? sp.map(f) : [one, f(1)])
  return {
    filter: pick((d) => w.windowDimensions[d]!, 1),
    strides: pick((d) => w.windowStrides[d]!, 1),
    pad: [[0, 0], ...pick((d) => [w.padding[d]![0], w.padding[d]![1]], [0, 0]), [0, 0]],
  }
}

const to4d = (ctx: TfjsKernelContext, x: TensorInfo): TensorInfo => (x.shape.length === 4 ? x : reshape(ctx, x, [x.shape[0]!, 1, x.shape[1]!, x.shape[2]!]))

/** reduce_window by slices: combine the strided slice of every window offset of the padded operand. */
function windowBySlices(ctx: TfjsKernelContext, x: TensorInfo, w: WindowParams, computation: 'sum' | 'max' | 'min'): TensorInfo {
  const dt = x.dtype as TfDType
  const init = computation === 'sum' ? 0 : computation === 'max' ? lowest(dt) : highest(dt)
  const xp = pad(ctx, x, w.padding.map((p) => p[0]), w.padding.map((p) => p[1]), x.shape.map(() => 0), init)
  const { out, offsets } = geometry(x.shape, w)
  if (prod(out) === 0 || offsets.length === 0) return ctx.constant(init, dt, out)
  const op = computation === 'sum' ? (x.dtype === 'bool' ? 'LogicalOr' : 'Add') : computation === 'max' ? 'Maximum' : 'Minimum'
  let acc: TensorInfo | null = null
  for (const o of offsets) {
    const s = stridedSlice(ctx, xp, o, o.map((v, d) => v + (out[d]! - 1) * w.windowStrides[d]! + 1), w.windowStrides)
    acc = acc === null ? s : binary(ctx, op, acc, s)
  }
  return acc!
}

const reduceWindow: TfjsRule<'reduce_window'> = (ctx, inputs, params, outputs) => {
  const x = inputs[0]!
  const out = outputs[0]!
  const { computation } = params
  const p2 = pool2d(x.shape, params)
  if (p2 && x.dtype === 'float32' && prod(out.shape) > 0) {
    const x4 = to4d(ctx, x)
    const attrs = { filterSize: p2.filter, strides: p2.strides, pad: p2.pad }
    if (computation === 'max') return [reshape(ctx, ctx.kernel('MaxPool', { x: x4 }, attrs), out.shape)]
    if (computation === 'min') return [reshape(ctx, unary(ctx, 'Neg', ctx.kernel('MaxPool', { x: unary(ctx, 'Neg', x4) }, attrs)), out.shape)]
    // NOTE: sum = average × window size over a zero-padded input (AvgPool ignores padding otherwise).
    const xp = pad(ctx, x4, p2.pad.map((q) => q[0]!), p2.pad.map((q) => q[1]!), [0, 0, 0, 0], 0)
    const avg = ctx.kernel('AvgPool', { x: xp }, { ...attrs, pad: 'valid' })
    return [reshape(ctx, binary(ctx, 'Multiply', avg, ctx.constant(p2.filter[0]! * p2.filter[1]!, 'float32')), out.shape)]
  }
  if (x.dtype === 'bool' && computation !== 'sum') {
    return hostRule('reduce_window')(ctx, inputs, params, outputs)
  }
  return [windowBySlices(ctx, x, params, computation)]
}

/**
 * select_and_scatter_add by slices: scanning window offsets in row-major order, a position is selected
 * in a window when it equals the window's max and no earlier offset was selected (first maximum, as the
 * reference); each offset's selected sources are placed back by interior padding (stride − 1) and summed.
 */
function selectScatterBySlices(ctx: TfjsKernelContext, source: TensorInfo, x: TensorInfo, w: WindowParams): TensorInfo {
  const dt = x.dtype as TfDType
  const lo = w.padding.map((p) => p[0])
  const hi = w.padding.map((p) => p[1])
  const xp = pad(ctx, x, lo, hi, x.shape.map(() => 0), lowest(dt))
  const { out, offsets } = geometry(x.shape, w)
  const best = windowBySlices(ctx, x, w, 'max')
  const zero = ctx.constant(0, dt, out)
  let taken: TensorInfo | null = null
  let acc: TensorInfo | null = null
  for (const o of offsets) {
    const limit = o.map((v, d) => v + (out[d]! - 1) * w.windowStrides[d]! + 1)
    const s = stridedSlice(ctx, xp, o, limit, w.windowStrides)
    const hit = binary(ctx, 'Equal', s, best)
    const sel: TensorInfo = taken === null ? hit : binary(ctx, 'LogicalAnd', hit, unary(ctx, 'LogicalNot', taken))
    taken = taken === null ? sel : binary(ctx, 'LogicalOr', taken, sel)
    const contrib = select(ctx, sel, source, zero)
    const placed = pad(ctx, contrib, o, xp.shape.map((n, d) => n - limit[d]!), w.windowStrides.map((s1) => s1 - 1), 0)
    acc = acc === null ? placed : binary(ctx, 'Add', acc, placed)
  }
  if (acc === null) return ctx.constant(0, dt, x.shape)
  // Drop the padding (negative padding crops the operand, so re-pad those edges with zeros).
  return pad(ctx, acc, lo.map((l) => -l), hi.map((h) => -h), x.shape.map(() => 0), 0)
}

/**
 * select_and_scatter_add for non-overlapping windows (stride = window): the windows are laid out as
 * rows `[M, K]`, ArgMax picks each row's first maximum (row-major window order, as the reference), and
 * OneHot × source scatters the cotangent back — a handful of kernels whatever the window size.
 */
function selectScatterTiled(ctx: TfjsKernelContext, source: TensorInfo, x: TensorInfo, w: WindowParams): TensorInfo {
  const dt = x.dtype as TfDType
  const r = x.shape.length
  const k = w.windowDimensions
  const lo = w.padding.map((p) => p[0])
  const hi = w.padding.map((p) => p[1])
  const xp = pad(ctx, x, lo, hi, x.shape.map(() => 0), lowest(dt))
  const { out } = geometry(x.shape, w)
  const used = out.map((o, d) => o * k[d]!)
  const xc = slice(ctx, xp, used.map(() => 0), used)
  const perm = [...range(r).map((d) => 2 * d), ...range(r).map((d) => 2 * d + 1)]
  const rows = reshape(ctx, transpose(ctx, reshape(ctx, xc, out.flatMap((o, d) => [o, k[d]!])), perm), [prod(out), prod(k)])
  const first = ctx.kernel('ArgMax', { x: rows }, { axis: 1 })
  // NOTE: int32 OneHot, then a cast: tfjs-wasm's OneHot writes int32 values whatever the dtype asked.
  const hot = cast(ctx, ctx.kernel('OneHot', { indices: first }, { depth: prod(k), onValue: 1, offValue: 0, dtype: 'int32' }), dt)
  const g = binary(ctx, 'Multiply', hot, reshape(ctx, source, [prod(out), 1]))
  const back = reshape(ctx, transpose(ctx, reshape(ctx, g, [...out, ...k]), inverse(perm)), used)
  return pad(ctx, back, lo.map((l) => -l), used.map((u, d) => xp.shape[d]! - u - hi[d]!), x.shape.map(() => 0), 0)
}

const selectAndScatterAdd: TfjsRule<'select_and_scatter_add'> = (ctx, inputs, params, outputs) => {
  const [source, x] = inputs as [TensorInfo, TensorInfo]
  if (x.dtype === 'bool') return hostRule('select_and_scatter_add')(ctx, inputs, params, outputs)
  const p2 = pool2d(x.shape, params)
  if (p2 && x.dtype === 'float32' && prod(source.shape) > 0 && ctx.has('MaxPoolGrad')) {
    const x4 = to4d(ctx, x)
    const attrs = { filterSize: p2.filter, strides: p2.strides, pad: p2.pad }
    const y = ctx.kernel('MaxPool', { x: x4 }, attrs)
    const dx = ctx.kernel('MaxPoolGrad', { dy: to4d(ctx, source), input: x4, output: y }, attrs)
    return [reshape(ctx, dx, x.shape)]
  }
  const tiled = params.windowDimensions.every((k, d) => params.windowStrides[d] === k) && params.padding.every(([lo, hi]) => lo >= 0 && hi >= 0)
  if (tiled && prod(source.shape) > 0) return [selectScatterTiled(ctx, source, x, params)]
  return [selectScatterBySlices(ctx, source, x, params)]
}

export const windowRules = {
  reduce_window: reduceWindow,
  select_and_scatter_add: selectAndScatterAdd,
} satisfies Partial<TfjsRuleTable>
