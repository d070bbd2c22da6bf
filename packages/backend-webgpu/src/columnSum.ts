/**
 * @file `Sum` over leading axes (a bias gradient: NHWC → C) as one WGSL program on software adapters.
 * tfjs-webgpu's Sum moves the reduced axes last with a transpose (a full copy of the activation) before
 * reducing; here each invocation sums one kept column straight from the buffer, in blocks of rows (the
 * block sums are added to the total, which keeps the rounding error near a pairwise sum's). The sizes are
 * uniforms and the operand is viewed as 2-d, so one shader serves every sum (one compile in a first step).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { KernelFn, Program, RunsPrograms } from './kernels.js'

/** Rows summed into one block before the block is added to the column's total. */
const BLOCK = 256
/** Widest kept size handled (one invocation per kept element; wider sums parallelise well on tfjs's kernel). */
const MAX_COLUMNS = 4096
/** Most rows one invocation sums serially (longer columns go to tfjs's parallel reduction). */
const MAX_ROWS = 1 << 22
/** Fewest elements for which skipping tfjs's transpose copy pays (below it, its two small dispatches cost little). */
const MIN_ELEMENTS = 1 << 10

/** WGSL body: `out[j] = Σ_i X[i · cols + j]` for `uniforms.rows × uniforms.cols` in `X`. */
export function columnSumWgsl(): string {
  return `
      fn main(index : i32) {
        let rows = uniforms.rows;
        let cols = uniforms.cols;
        if (index >= cols) { return; }
        var total = 0.0;
        for (var r0 = 0; r0 < rows; r0 += ${BLOCK}) {
          var block = 0.0;
          let end = min(r0 + ${BLOCK}, rows);
          for (var r = r0; r < end; r++) { block = block + X[r * cols + index]; }
          total = total + block;
        }
        setOutputAtIndex(index, total);
      }`
}

/**
 * tfjs's `Sum` with the leading-axes float32 case (`axis` = 0..k−1, at most `MAX_COLUMNS` kept elements and
 * `MAX_ROWS` summed ones, `MIN_ELEMENTS` in all) on the column program, `fallback` (tfjs's kernel) otherwise;
 * `reshape` is tfjs's (a view).
 */
export function columnSum(flat: (shape: number[], key: string, code: string) => Program, fallback: KernelFn, reshape: KernelFn): KernelFn {
  return (args) => {
    const { inputs, backend, attrs } = args
    const x = inputs['x'] as TensorInfo
    const rank = x.shape.length
    const raw = attrs['axis'] as number | number[]
    const axes = [...new Set((Array.isArray(raw) ? raw : [raw]).map((a) => (a + rank) % rank))].sort((a, b) => a - b)
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i)
    if (x.dtype !== 'float32' || !leading) return fallback(args)
    const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1)
    const kept = x.shape.slice(axes.length)
    const cols = kept.reduce((a, b) => a * b, 1)
    if (cols > MAX_COLUMNS || cols === 0 || rows < 2 || rows > MAX_ROWS || rows * cols < MIN_ELEMENTS) return fallback(args)
    const program = flat([cols], 'kx_colsum', columnSumWgsl())
    Object.assign(program, { variableNames: ['X'], outputShape: [cols], size: false, uniforms: 'rows : i32, cols : i32,' })
    const x2 = reshape({ inputs: { x }, backend, attrs: { shape: [rows, cols] } })
    const sums = (backend as RunsPrograms).runWebGPUProgram(program, [x2], 'float32', [{ type: 'int32', data: [rows] }, { type: 'int32', data: [cols] }])
    backend.disposeData(x2.dataId)
    const out = reshape({ inputs: { x: sums }, backend, attrs: { shape: attrs['keepDims'] ? [...axes.map(() => 1), ...kept] : kept } })
    backend.disposeData(sums.dataId)
    return out
  }
}
