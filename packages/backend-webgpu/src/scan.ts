/**
 * @file int32 cumulative sums and products on the device. tfjs-webgpu's Cumsum/Cumprod move a non-last axis
 * last with its internal TransposeProgram, which does not compile for i32 buffers (the scan then reads
 * zeros): Keras's causal masks (`cumsum` of int32 ones along −2) came out all false. This program scans
 * each row sequentially in place instead (one invocation per row, exact int32 wrap-around).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import { TFJS_PRIM_RULES, type TfDType, type TfjsRule } from '@kx/backend-tfjs'

/**
 * WGSL body of an int32 scan along one axis of `A` viewed as `[outer, n, inner]`: invocation `index` owns
 * the row `(index / inner, ·, index % inner)` and walks it forwards (or backwards when `reverse`).
 */
export function intScanWgsl(op: '+' | '*', exclusive: boolean, reverse: boolean): string {
  const step = exclusive
    ? 'setOutputAtIndexI32(at, acc); acc = acc OP A[at];'
    : 'acc = acc OP A[at]; setOutputAtIndexI32(at, acc);'
  return `
      fn main(index : i32) {
        if (index >= uniforms.rows) { return; }
        let n = uniforms.n;
        let inner = uniforms.inner;
        let base = (index / inner) * n * inner + index % inner;
        var acc : i32 = ${op === '+' ? '0' : '1'};
        for (var j = 0; j < n; j++) {
          let at = base + ${reverse ? '(n - 1 - j)' : 'j'} * inner;
          ${step.replaceAll('OP', op)}
        }
      }`
}

/** The uniforms and row count of an int32 scan of `x` along `axis` (as `intScanWgsl` reads them). */
export function intScanLayout(x: TensorInfo, axis: number): { rows: number; uniforms: { type: string; data: number[] }[] } {
  const rank = x.shape.length
  const ax = (axis + rank) % rank
  const n = x.shape[ax]!
  const inner = x.shape.slice(ax + 1).reduce((a, b) => a * b, 1)
  const rows = x.shape.reduce((a, b) => a * b, 1) / Math.max(n, 1)
  return { rows, uniforms: [{ type: 'int32', data: [rows] }, { type: 'int32', data: [n] }, { type: 'int32', data: [inner] }] }
}

/** The uniform declarations `intScanWgsl` reads. */
export const INT_SCAN_UNIFORMS = 'rows : i32, n : i32, inner : i32,'

/**
 * The `cumsum`/`cumprod` rule on webgpu: backend-tfjs's for numbers; empty operands as constants, and bool
 * (an or-scan / and-scan) as an int32 scan compared with 0 — both run on the host in backend-tfjs.
 */
export function scanRule<P extends 'cumsum' | 'cumprod'>(prim: P): TfjsRule<P> {
  const tfjs = TFJS_PRIM_RULES[prim] as TfjsRule<P>
  return (ctx, inputs, params, outputs) => {
    const x = inputs[0]!
    if (x.shape.some((d) => d === 0)) return [ctx.constant(0, x.dtype as TfDType, x.shape)]
    if (x.dtype !== 'bool') return tfjs(ctx, inputs, params, outputs)
    const kernel = prim === 'cumsum' ? 'Cumsum' : 'Cumprod'
    const s = ctx.kernel(kernel, { x: ctx.kernel('Cast', { x }, { dtype: 'int32' }) }, { axis: params.axis, exclusive: false, reverse: params.reverse })
    return [ctx.kernel('NotEqual', { a: s, b: ctx.constant(0, 'int32') })]
  }
}
