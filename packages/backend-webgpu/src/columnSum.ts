/**
 * @file `Sum` over leading axes (a bias gradient: NHWC → C) as one WGSL program on software adapters.
 * tfjs-webgpu's Sum moves the reduced axes last with a transpose (a full copy of the activation) before
 * reducing; here each invocation sums one kept column straight from the buffer, in blocks of rows (the
 * block sums are added to the total, which keeps the rounding error near a pairwise sum's).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { KernelFn, Program, RunsPrograms } from './kernels.js'

/** Rows summed into one block before the block is added to the column's total. */
const BLOCK = 256
/** Widest kept size handled (one invocation per kept element; wider sums parallelise well on tfjs's kernel). */
const MAX_COLUMNS = 4096
/** Most rows one invocation sums serially (longer columns go to tfjs's parallel reduction). */
const MAX_ROWS = 1 << 22
/** Fewest elements for which skipping tfjs's transpose copy pays (an MLP's bias gradient stays on tfjs's). */
const MIN_ELEMENTS = 1 << 18

/** WGSL body: `out[j] = Σ_i X[i · cols + j]` for `rows × cols` in `X`. */
export function columnSumWgsl(rows: number, cols: number): string {
  return `
      fn main(index : i32) {
        if (index >= ${cols}) { return; }
        // NOTE: a static use keeps the uniform buffer in the auto layout (tfjs always binds it).
        _ = uniforms.unused;
        var total = 0.0;
        for (var r0 = 0; r0 < ${rows}; r0 += ${BLOCK}) {
          var block = 0.0;
          let end = min(r0 + ${BLOCK}, ${rows});
          for (var r = r0; r < end; r++) { block = block + X[r * ${cols} + index]; }
          total = total + block;
        }
        setOutputAtIndex(index, total);
      }`
}

/**
 * tfjs's `Sum` with the leading-axes float32 case (`axis` = 0..k−1, at most `MAX_COLUMNS` kept elements and
 * `MAX_ROWS` summed ones, `MIN_ELEMENTS` in all) on the column program, `fallback` (tfjs's kernel) otherwise.
 */
export function columnSum(flat: (shape: number[], key: string, code: string) => Program, fallback: KernelFn): KernelFn {
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
    const program = flat([cols], `kx_colsum_${rows}_${cols}`, columnSumWgsl(rows, cols))
    const outputShape = attrs['keepDims'] ? [...axes.map(() => 1), ...kept] : kept
    Object.assign(program, { variableNames: ['X'], outputShape, size: false, uniforms: 'unused : f32,' })
    return (backend as RunsPrograms).runWebGPUProgram(program, [x], 'float32', [{ type: 'float32', data: [0] }])
  }
}
