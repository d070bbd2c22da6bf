/**
 * @file int32 `dot_general` on the device: exact products and sums wrapping mod 2^32 like `reference` (WGSL's
 * i32 arithmetic wraps). tfjs-webgpu's BatchMatMul computes in f32 (inexact above 2^24), and backend-tfjs runs
 * non-float32 dot_general on the host, which needs a synchronous read; WebGPU reads are async only. Operands
 * are brought to `[B, M, K]` / `[B, K, N]` with Transpose/Reshape (exact for int32 on kx-webgpu: intexact.ts).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import { TFJS_PRIM_RULES, type TfjsRule } from '@kx/backend-tfjs'
import type { KernelFn, RunsPrograms } from './kernels.js'
import type { FlatProgramMaker } from './sort.js'

/** kx's own tfjs kernel (under `kx-webgpu`): int32 `{ a: [B, M, K], b: [B, K, N] }` → `[B, M, N]`. */
export const KX_INT_MATMUL = 'KxIntMatMul'

/** WGSL: one invocation per output element, a wrapping i32 dot product over K. */
const INT_MATMUL_WGSL = `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let n = uniforms.n;
        let k = uniforms.k;
        let mn = uniforms.m * n;
        let bi = index / mn;
        let row = (index % mn) / n;
        let col = index % n;
        let ao = (bi * uniforms.m + row) * k;
        let bo = bi * k * n + col;
        var s = 0;
        for (var t = 0; t < k; t++) { s = s + A[ao + t] * B[bo + t * n]; }
        setOutputAtIndexI32(index, s);
      }`

/** The `KxIntMatMul` kernel. */
export function intMatMulKernel(flat: FlatProgramMaker): KernelFn {
  return ({ inputs, backend }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo }
    const [count, m, k] = a.shape as [number, number, number]
    const n = b.shape[2]!
    const program = Object.assign(flat([count, m, n], 'kx_int_matmul', INT_MATMUL_WGSL), { variableNames: ['A', 'B'], uniforms: 'm : i32, n : i32, k : i32,' })
    return (backend as RunsPrograms).runWebGPUProgram(program, [a, b], 'int32', [m, n, k].map((v) => ({ type: 'int32', data: [v] })))
  }
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i)
const prod = (xs: readonly number[]): number => xs.reduce((x, y) => x * y, 1)

/** The `dot_general` rule on webgpu: int32 operands through `KxIntMatMul`, the rest as backend-tfjs maps them. */
export const dotGeneralRule: TfjsRule<'dot_general'> = (ctx, inputs, params, outputs) => {
  const [lhs, rhs] = inputs as [TensorInfo, TensorInfo]
  if (lhs.dtype !== 'int32') return TFJS_PRIM_RULES.dot_general(ctx, inputs, params, outputs)
  const [lc, rc] = params.contracting
  const [lb, rb] = params.batch
  const lf = range(lhs.shape.length).filter((d) => !lc.includes(d) && !lb.includes(d))
  const rf = range(rhs.shape.length).filter((d) => !rc.includes(d) && !rb.includes(d))
  const size = (t: TensorInfo, dims: readonly number[]): number => prod(dims.map((d) => t.shape[d]!))
  const [B, M, K, N] = [size(lhs, lb), size(lhs, lf), size(lhs, lc), size(rhs, rf)]
  const out = outputs[0]!
  if (B * M * N === 0 || K === 0) return [ctx.constant(0, 'int32', out.shape)]
  const arrange = (t: TensorInfo, perm: number[], shape: number[]): TensorInfo => {
    const moved = perm.every((d, i) => d === i) ? t : ctx.kernel('Transpose', { x: t }, { perm })
    return ctx.kernel('Reshape', { x: moved }, { shape })
  }
  const a = arrange(lhs, [...lb, ...lf, ...lc], [B, M, K])
  const b = arrange(rhs, [...rb, ...rc, ...rf], [B, K, N])
  return [ctx.kernel('Reshape', { x: ctx.kernel(KX_INT_MATMUL, { a, b }) }, { shape: out.shape.slice() })]
}
