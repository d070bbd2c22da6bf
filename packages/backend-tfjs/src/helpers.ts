/**
 * @file Small compositions over tfjs kernels shared by the primitive rules: reshape/transpose/cast,
 * slicing, XLA-style padding (negative and interior), broadcasting, constants of a dtype's extremes.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { TypedArray } from '@kx/core'
import type { TfDType, TfjsKernelContext } from './context.js'

/** Product of dims. */
export const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1)
/** `[0, n)`. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i)
/** Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export function reshape(ctx: TfjsKernelContext, x: TensorInfo, shape: readonly number[]): TensorInfo {
  if (sameShape(x.shape, shape)) return x
  return ctx.kernel('Reshape', { x }, { shape: shape.slice() })
}

export function transpose(ctx: TfjsKernelContext, x: TensorInfo, perm: readonly number[]): TensorInfo {
  if (perm.every((p, i) => p === i)) return x
  if (x.dtype !== 'float32' && perm.length >= 3 && ctx.traits.quirks?.intTransposeBroken) return transposeViaFloat(ctx, x, perm)
  return ctx.kernel('Transpose', { x }, { perm: perm.slice() })
}

/**
 * int32 / bool transposed as float32, exactly: bool is 0/1; int32 is split into 16-bit halves (each exact in
 * float32), transposed, and joined with int32 arithmetic (which wraps like the original bits).
 */
function transposeViaFloat(ctx: TfjsKernelContext, x: TensorInfo, perm: readonly number[]): TensorInfo {
  const t = (v: TensorInfo): TensorInfo => ctx.kernel('Transpose', { x: ctx.kernel('Cast', { x: v }, { dtype: 'float32' }) }, { perm: perm.slice() })
  const toInt = (v: TensorInfo): TensorInfo => ctx.kernel('Cast', { x: v }, { dtype: 'int32' })
  if (x.dtype === 'bool') return cast(ctx, t(x), 'bool')
  const base = ctx.constant(65536, 'int32')
  const hi = ctx.kernel('FloorDiv', { a: x, b: base })
  const lo = ctx.kernel('Sub', { a: x, b: ctx.kernel('Multiply', { a: hi, b: base }) })
  return ctx.kernel('Add', { a: ctx.kernel('Multiply', { a: toInt(t(hi)), b: base }), b: toInt(t(lo)) })
}

/** Casts with kx's semantics: to bool is `x != 0` (the wasm Cast kernel would wrap modulo 256). */
export function cast(ctx: TfjsKernelContext, x: TensorInfo, dtype: TfDType): TensorInfo {
  if (x.dtype === dtype) return x
  if (dtype === 'bool') return ctx.kernel('NotEqual', { a: x, b: ctx.constant(0, x.dtype as TfDType) })
  return ctx.kernel('Cast', { x }, { dtype })
}

export const unary = (ctx: TfjsKernelContext, name: string, x: TensorInfo): TensorInfo => ctx.kernel(name, { x })
export const binary = (ctx: TfjsKernelContext, name: string, a: TensorInfo, b: TensorInfo): TensorInfo => ctx.kernel(name, { a, b })
export function select(ctx: TfjsKernelContext, condition: TensorInfo, t: TensorInfo, e: TensorInfo): TensorInfo {
  // NOTE: tfjs-webgpu's Select takes rank ≤ 4; same-shape operands select elementwise, so flatten them.
  if (t.shape.length > 4 && sameShape(condition.shape, t.shape) && sameShape(e.shape, t.shape)) {
    const n = [prod(t.shape)]
    return reshape(ctx, ctx.kernel('Select', { condition: reshape(ctx, condition, n), t: reshape(ctx, t, n), e: reshape(ctx, e, n) }), t.shape)
  }
  return ctx.kernel('Select', { condition, t, e })
}

/** `x[begin : begin + size]` with unit strides. */
export function slice(ctx: TfjsKernelContext, x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
  if (begin.every((b) => b === 0) && sameShape(size, x.shape)) return x
  return ctx.kernel('Slice', { x }, { begin: begin.slice(), size: size.slice() })
}

/**
 * `x[start : limit : stride]` per dim (limit exclusive). Non-float tensors avoid StridedSlice (tfjs-wasm's
 * returns float32 storage for int32): each strided dim is cut to `n·stride`, reshaped to `[n, stride]`
 * and its first column kept.
 */
export function stridedSlice(ctx: TfjsKernelContext, x: TensorInfo, start: readonly number[], limit: readonly number[], strides: readonly number[]): TensorInfo {
  if (strides.every((s) => s === 1)) return slice(ctx, x, start, start.map((s, i) => Math.max(0, limit[i]! - s)))
  const outShape = start.map((s, i) => Math.max(0, Math.ceil((limit[i]! - s) / strides[i]!)))
  if (prod(outShape) === 0) return ctx.constant(0, x.dtype as TfDType, outShape)
  if (x.dtype === 'float32') {
    return ctx.kernel('StridedSlice', { x }, {
      begin: start.slice(), end: limit.slice(), strides: strides.slice(),
      beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
    })
  }
  let y = x
  for (let d = 0; d < y.shape.length; d++) {
    const st = strides[d]!
    const n = outShape[d]!
    const begin = y.shape.map((_, i) => (i === d ? start[d]! : 0))
    const avail = Math.min(n * st, y.shape[d]! - start[d]!)
    y = slice(ctx, y, begin, y.shape.map((v, i) => (i === d ? avail : v)))
    if (st === 1) continue
    if (avail < n * st) y = pad(ctx, y, y.shape.map(() => 0), y.shape.map((_, i) => (i === d ? n * st - avail : 0)), y.shape.map(() => 0), 0)
    const s = y.shape
    const split = reshape(ctx, y, [...s.slice(0, d), n, st, ...s.slice(d + 1)])
    const first = slice(ctx, split, split.shape.map(() => 0), split.shape.map((v, i) => (i === d + 1 ? 1 : v)))
    y = reshape(ctx, first, [...s.slice(0, d), n, ...s.slice(d + 1)])
  }
  return y
}

/** Lowest / highest value of a dtype: identities of max / min. */
export function lowest(d: TfDType): number { return d === 'float32' ? -Infinity : d === 'int32' ? -2147483648 : 0 }
export function highest(d: TfDType): number { return d === 'float32' ? Infinity : d === 'int32' ? 2147483647 : 1 }

/** A pad value: a host number, or a scalar tensor (read on engines that read synchronously). */
export type PadValue = number | TensorInfo

function hostPadValue(ctx: TfjsKernelContext, v: PadValue): number | null {
  if (typeof v === 'number') return v
  if (ctx.traits.syncRead) return ctx.readSync(v)[0] as number
  return null
}

/** PadV2 with non-negative `lo`/`hi`; a tensor value without host reads goes through a mask. */
function padPositive(ctx: TfjsKernelContext, x: TensorInfo, lo: readonly number[], hi: readonly number[], value: PadValue): TensorInfo {
  if (lo.every((v) => v === 0) && hi.every((v) => v === 0)) return x
  const paddings = lo.map((l, i) => [l, hi[i]!])
  const host = hostPadValue(ctx, value)
  const dt = x.dtype as TfDType
  const outShape = x.shape.map((d, i) => d + lo[i]! + hi[i]!)
  // NOTE: PadV2 passes its constant as a float32 to wasm, so int32 constants beyond 2^24 would round.
  if (host !== null && (dt !== 'int32' || Math.fround(host) === host)) {
    if (prod(x.shape) === 0) return ctx.constant(host, dt, outShape)
    return ctx.kernel('PadV2', { x }, { paddings, constantValue: host })
  }
  // Otherwise pad with 0, then fill the border from the value through a mask.
  const padded = ctx.kernel('PadV2', { x }, { paddings, constantValue: 0 })
  const mask = cast(ctx, ctx.kernel('PadV2', { x: ctx.constant(1, 'int32', x.shape) }, { paddings, constantValue: 0 }), 'bool')
  const fill = host !== null ? ctx.constant(host, dt, outShape) : broadcastTo(ctx, value as TensorInfo, outShape)
  return select(ctx, mask, padded, fill)
}

/**
 * XLA `pad`: `interior` elements between neighbours, then `lo`/`hi` at the edges, where negative
 * amounts crop. Values of bool tensors round-trip through int32 (PadV2 has no bool path on wasm).
 */
export function pad(ctx: TfjsKernelContext, x: TensorInfo, lo: readonly number[], hi: readonly number[], interior: readonly number[], value: PadValue): TensorInfo {
  const isBool = x.dtype === 'bool'
  let y = isBool ? cast(ctx, x, 'int32') : x
  const v: PadValue = isBool && typeof value !== 'number' ? cast(ctx, value, 'int32') : value
  for (let d = 0; d < y.shape.length; d++) {
    const k = interior[d] ?? 0
    const n = y.shape[d]!
    if (k === 0 || n <= 1) continue
    // [.., n, ..] → [.., n, 1, ..] → pad the new axis by k → [.., n·(k+1), ..] → drop the trailing k.
    const s = y.shape
    const withAxis = reshape(ctx, y, [...s.slice(0, d + 1), 1, ...s.slice(d + 1)])
    const lo1 = withAxis.shape.map(() => 0)
    const hi1 = withAxis.shape.map((_, i) => (i === d + 1 ? k : 0))
    const spread = padPositive(ctx, withAxis, lo1, hi1, v)
    const flat = reshape(ctx, spread, [...s.slice(0, d), n * (k + 1), ...s.slice(d + 1)])
    y = slice(ctx, flat, s.map(() => 0), [...s.slice(0, d), n * (k + 1) - k, ...s.slice(d + 1)])
  }
  y = padPositive(ctx, y, lo.map((l) => Math.max(0, l)), hi.map((h) => Math.max(0, h)), v)
  if (lo.some((l) => l < 0) || hi.some((h) => h < 0)) {
    const begin = lo.map((l) => Math.max(0, -l))
    const size = y.shape.map((d, i) => Math.max(0, d - begin[i]! - Math.max(0, -hi[i]!)))
    y = slice(ctx, y, begin, size)
  }
  return isBool ? cast(ctx, y, 'bool') : y
}

/**
 * Writes `src` (shape `s`, each dim 1 or equal to `o`'s) broadcast to shape `o` into `dst`: contiguous
 * runs are copied with `set`, repeated blocks with `copyWithin`, uniform tails with `fill`.
 */
function broadcastInto(dst: TypedArray, src: TypedArray, s: readonly number[], o: readonly number[]): void {
  const r = o.length
  const dstStride = new Array<number>(r + 1).fill(1)
  const srcStride = new Array<number>(r + 1).fill(1)
  for (let d = r - 1; d >= 0; d--) { dstStride[d] = dstStride[d + 1]! * o[d]!; srcStride[d] = srcStride[d + 1]! * s[d]! }
  // From `inner` on, source and output agree (one contiguous run); from `flat` on, the source is one value.
  let inner = r
  while (inner > 0 && s[inner - 1] === o[inner - 1]) inner--
  let flat = r
  while (flat > 0 && s[flat - 1] === 1) flat--
  const rec = (d: number, dOff: number, sOff: number): void => {
    if (d >= flat) { dst.fill(src[sOff]! as never, dOff, dOff + dstStride[d]!); return }
    if (d === inner) { dst.set(src.subarray(sOff, sOff + srcStride[d]!) as never, dOff); return }
    if (s[d] === 1) {
      rec(d + 1, dOff, sOff)
      const block = dstStride[d + 1]!
      for (let i = 1; i < o[d]!; i++) dst.copyWithin(dOff + i * block, dOff, dOff + block)
    } else {
      for (let i = 0; i < o[d]!; i++) rec(d + 1, dOff + i * dstStride[d + 1]!, sOff + i * srcStride[d + 1]!)
    }
  }
  if (dst.length > 0) rec(0, 0, 0)
}

/**
 * XLA `broadcast_in_dim`: operand dim i becomes output dim `dims[i]` (size equal or 1). Engines with
 * host-visible memory write it with JS copies (tfjs's Tile is ~100× slower); others use Tile. A
 * broadcast scalar is marked uniform so rules can spot constants (e.g. `max(x, 0)` → Relu).
 */
export function broadcastInDim(ctx: TfjsKernelContext, x: TensorInfo, shape: readonly number[], dims: readonly number[]): TensorInfo {
  let y = x
  let ds = dims.slice()
  if (ds.some((d, i) => i > 0 && d < ds[i - 1]!)) {
    const perm = range(ds.length).sort((a, b) => ds[a]! - ds[b]!)
    y = transpose(ctx, y, perm)
    ds = perm.map((p) => ds[p]!)
  }
  const r = shape.map(() => 1)
  ds.forEach((d, i) => { r[d] = y.shape[i]! })
  const reps = shape.map((s, i) => (r[i] === s ? 1 : s))
  if (reps.every((v) => v === 1)) return reshape(ctx, y, r)
  const dt = y.dtype as TfDType
  if (prod(shape) === 0) return ctx.constant(0, dt, shape)
  const host = ctx.traits.hostMemory
  const u = ctx.uniformOf(y)
  // NOTE: device engines (webgpu) upload host data lazily: a broadcast constant costs no kernel, and no
  // transfer at all when consumers take it as a scalar (see `scalarOperands`).
  if (!host && u !== undefined) return ctx.constant(u, dt, shape)
  if (host) {
    // NOTE: y's dims are in output order already, so its storage is that of shape `r` (no Reshape).
    const out = ctx.allocHost(shape, dt)
    broadcastInto(out.values, host.view(y), r, shape)
    if (prod(r) === 1) ctx.markUniform(out.info, out.values[0] as number)
    return out.info
  }
  y = reshape(ctx, y, r)
  const isBool = dt === 'bool'
  const tiled = ctx.kernel('Tile', { x: isBool ? cast(ctx, y, 'int32') : y }, { reps })
  return isBool ? cast(ctx, tiled, 'bool') : tiled
}

/** NumPy-style broadcast of `x` to `shape` (trailing alignment). */
export function broadcastTo(ctx: TfjsKernelContext, x: TensorInfo, shape: readonly number[]): TensorInfo {
  const off = shape.length - x.shape.length
  return broadcastInDim(ctx, x, shape, x.shape.map((_, i) => i + off))
}

/** Moves `axis` to the end: returns the permuted tensor and the permutation. */
export function axisLast(ctx: TfjsKernelContext, x: TensorInfo, axis: number): [TensorInfo, number[]] {
  const perm = [...range(x.shape.length).filter((i) => i !== axis), axis]
  return [transpose(ctx, x, perm), perm]
}

/** Inverse of a permutation. */
export function inverse(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length)
  perm.forEach((p, i) => { inv[p] = i })
  return inv
}
