/**
 * @file Rank-5+ Select and Tile on tfjs-webgpu, whose programs index coordinates up to `vec4` only: Select
 * throws above rank 4, and Tile reads its input back to the host with a synchronous read (which needs
 * `OffscreenCanvas`, absent in Node, and stalls the queue elsewhere). Both run on lower-rank views instead,
 * as kernels.ts does for StridedSlice. (int32 Tile is made exact by intexact.ts, as the other copies.)
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { KernelFn } from './kernels.js'

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1)

/**
 * Select for any rank: tfjs's kernel takes `t`, `e` of one shape and a condition of that shape (elementwise:
 * flattened to 1-d) or a 1-d condition over the first axis (`t`, `e` viewed as `[n0, rest]`).
 */
export function selectAnyRank(select: KernelFn, reshape: KernelFn): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { condition, t, e } = inputs as { condition: TensorInfo; t: TensorInfo; e: TensorInfo }
    if (t.shape.length <= 4) return select({ inputs, backend, attrs })
    const view = condition.shape.length === 1 ? [t.shape[0]!, prod(t.shape.slice(1))] : [prod(t.shape)]
    const r = (x: TensorInfo, shape: number[]): TensorInfo => reshape({ inputs: { x }, backend, attrs: { shape } })
    const parts = [r(condition, condition.shape.length === 1 ? [condition.shape[0]!] : view), r(t, view), r(e, view)]
    const out = select({ inputs: { condition: parts[0]!, t: parts[1]!, e: parts[2]! }, backend, attrs })
    const shaped = r(out, t.shape.slice())
    for (const p of [...parts, out]) backend.disposeData(p.dataId)
    return shaped
  }
}

/**
 * Tile for any rank: untiled dims merge into the dim before them first; if the rank is still above 4, one axis is tiled per
 * pass on the rank-3 view `[before, axis, after]` (repeating whole `[axis, after]` blocks is exactly
 * tiling that axis).
 */
export function tileAnyRank(tile: KernelFn, reshape: KernelFn): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const x = inputs['x']!
    const reps = attrs['reps'] as number[]
    if (x.shape.length <= 4) return tile({ inputs, backend, attrs })
    const r = (v: TensorInfo, shape: number[]): TensorInfo => reshape({ inputs: { x: v }, backend, attrs: { shape } })
    const outShape = x.shape.map((d, i) => d * reps[i]!)
    const shape: number[] = []
    const merged: number[] = []
    x.shape.forEach((d, i) => {
      // Tiling `[a, b]` by `[k, 1]` repeats whole rows: the same as tiling the flat `[a·b]` by `k`.
      if (i > 0 && reps[i] === 1) shape[shape.length - 1]! *= d
      else { shape.push(d); merged.push(reps[i]!) }
    })
    let cur: TensorInfo
    if (shape.length <= 4) {
      const v = r(x, shape)
      cur = tile({ inputs: { x: v }, backend, attrs: { reps: merged } })
      backend.disposeData(v.dataId)
    } else {
      cur = x
      const dims = x.shape.slice()
      reps.forEach((k, d) => {
        if (k === 1) return
        const v = r(cur, [prod(dims.slice(0, d)), dims[d]!, prod(dims.slice(d + 1))])
        const next = tile({ inputs: { x: v }, backend, attrs: { reps: [1, k, 1] } })
        backend.disposeData(v.dataId)
        if (cur !== x) backend.disposeData(cur.dataId)
        dims[d]! *= k
        cur = next
      })
      if (cur === x) return r(x, x.shape.slice())
    }
    const out = r(cur, outShape)
    backend.disposeData(cur.dataId)
    return out
  }
}
