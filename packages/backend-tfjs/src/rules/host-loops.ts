/**
 * @file Comparisons and select as plain JS loops over engine memory, for engines whose kernels for
 * them are slow (tfjs-wasm's Greater / Equal / Select run a generic broadcasting loop, ~10 ns per
 * element against ~1 for its arithmetic: they dominated the relu backward pass; its Select also
 * mis-picks some bool values), and float32 sums. Used when `traits.hostElementwise` is set and the
 * operands have one shape.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { ComparePrim } from '@kx/core'
import type { TfDType, TfjsKernelContext } from '../context.js'
import { sameShape } from '../helpers.js'

type Cmp = (x: number, y: number) => boolean
const CMP: { readonly [P in ComparePrim]: Cmp } = {
  eq: (x, y) => x === y, ne: (x, y) => x !== y, lt: (x, y) => x < y, le: (x, y) => x <= y, gt: (x, y) => x > y, ge: (x, y) => x >= y,
}

/** `a <p> b` for same-shape, same-dtype operands, or null when the host path does not apply. */
export function hostCompare(ctx: TfjsKernelContext, p: ComparePrim, a: TensorInfo, b: TensorInfo): TensorInfo | null {
  const host = ctx.traits.hostMemory
  if (!host || !ctx.traits.hostElementwise || a.dtype !== b.dtype || !sameShape(a.shape, b.shape)) return null
  // NOTE: allocate first, then take views: an allocation may move the wasm heap.
  const out = ctx.allocHost(a.shape, 'bool')
  const o = out.values
  const x = host.view(a)
  const ub = ctx.uniformOf(b)
  const n = o.length
  // Monomorphic loops per comparison (a shared callback would cost a call per element).
  if (ub !== undefined) {
    switch (p) {
      case 'gt': for (let i = 0; i < n; i++) o[i] = x[i]! > ub ? 1 : 0; break
      case 'ge': for (let i = 0; i < n; i++) o[i] = x[i]! >= ub ? 1 : 0; break
      case 'lt': for (let i = 0; i < n; i++) o[i] = x[i]! < ub ? 1 : 0; break
      case 'le': for (let i = 0; i < n; i++) o[i] = x[i]! <= ub ? 1 : 0; break
      case 'eq': for (let i = 0; i < n; i++) o[i] = x[i]! === ub ? 1 : 0; break
      default: { const f = CMP[p]; for (let i = 0; i < n; i++) o[i] = f(x[i]!, ub) ? 1 : 0 }
    }
    return out.info
  }
  const y = host.view(b)
  switch (p) {
    case 'gt': for (let i = 0; i < n; i++) o[i] = x[i]! > y[i]! ? 1 : 0; break
    case 'ge': for (let i = 0; i < n; i++) o[i] = x[i]! >= y[i]! ? 1 : 0; break
    case 'lt': for (let i = 0; i < n; i++) o[i] = x[i]! < y[i]! ? 1 : 0; break
    case 'le': for (let i = 0; i < n; i++) o[i] = x[i]! <= y[i]! ? 1 : 0; break
    case 'eq': for (let i = 0; i < n; i++) o[i] = x[i]! === y[i]! ? 1 : 0; break
    default: { const f = CMP[p]; for (let i = 0; i < n; i++) o[i] = f(x[i]!, y[i]!) ? 1 : 0 }
  }
  return out.info
}

/** `pred ? t : e` for same-shape operands, or null when the host path does not apply. */
export function hostSelect(ctx: TfjsKernelContext, pred: TensorInfo, t: TensorInfo, e: TensorInfo): TensorInfo | null {
  const host = ctx.traits.hostMemory
  if (!host || !ctx.traits.hostElementwise || !sameShape(pred.shape, t.shape) || !sameShape(t.shape, e.shape)) return null
  const out = ctx.allocHost(t.shape, t.dtype as TfDType)
  const o = out.values
  const c = host.view(pred)
  const n = o.length
  const ut = ctx.uniformOf(t)
  const ue = ctx.uniformOf(e)
  const tv = ut === undefined ? host.view(t) : null
  const ev = ue === undefined ? host.view(e) : null
  if (tv && ev) for (let i = 0; i < n; i++) o[i] = c[i] ? tv[i]! : ev[i]!
  else if (tv) for (let i = 0; i < n; i++) o[i] = c[i] ? tv[i]! : ue!
  else if (ev) for (let i = 0; i < n; i++) o[i] = c[i] ? ut! : ev[i]!
  else for (let i = 0; i < n; i++) o[i] = c[i] ? ut! : ue!
  return out.info
}

/**
 * float32 sum over `axes` in one pass, or null when the host path does not apply. Each output adds
 * its inputs in row-major order with float32 rounding, as tfjs-wasm's Sum does after moving the
 * reduced axes last (bit-identical results), without its Transpose and scalar loop.
 */
export function hostSum(ctx: TfjsKernelContext, x: TensorInfo, axes: readonly number[], outShape: readonly number[]): TensorInfo | null {
  const host = ctx.traits.hostMemory
  const r = x.shape.length
  if (!host || !ctx.traits.hostElementwise || x.dtype !== 'float32' || r === 0 || axes.length === 0) return null
  const out = ctx.allocHost(outShape, 'float32')
  const o = out.values as Float32Array
  o.fill(0)
  const v = host.view(x) as Float32Array
  if (v.length === 0) return out.info
  // Output stride of each input dim (0 for reduced dims) and input strides.
  const ostr = new Array<number>(r).fill(0)
  const istr = new Array<number>(r).fill(1)
  for (let d = r - 1, s = 1; d >= 0; d--) {
    if (!axes.includes(d)) { ostr[d] = s; s *= x.shape[d]! }
    if (d < r - 1) istr[d] = istr[d + 1]! * x.shape[d + 1]!
  }
  const last = r - 1
  const n = x.shape[last]!
  const st = ostr[last]!
  const rec = (d: number, inOff: number, outOff: number): void => {
    if (d === last) {
      // NOTE: a Float32Array store rounds each partial sum to float32, like the engine's float accumulator.
      if (st === 0) { let a = o[outOff]!; for (let i = 0; i < n; i++) a = Math.fround(a + v[inOff + i]!); o[outOff] = a } else {
        for (let i = 0; i < n; i++) o[outOff + i * st] += v[inOff + i]!
      }
      return
    }
    for (let i = 0; i < x.shape[d]!; i++) rec(d + 1, inOff + i * istr[d]!, outOff + i * ostr[d]!)
  }
  rec(0, 0, 0)
  return out.info
}
