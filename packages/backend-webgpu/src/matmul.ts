/**
 * @file A direct matmul (`BatchMatMul`, `_FusedMatMul` with bias + activation) for CPU-backed WebGPU adapters:
 * each invocation owns an 8×4 block of the output and reads both operands straight from their buffers through
 * strides passed as uniforms, so one shader serves every shape and transpose of a given fusion. On Mesa
 * lavapipe, tfjs-webgpu's shared-memory tiled programs (`matMulPacked`, `matMulSmallOutputSize`: one per
 * transpose pair and tile choice) each take 0.3–1 s to compile at their first dispatch, most of a model's first
 * training step, where this one shader is compiled once; it also runs 1.4–3× faster than they do on lavapipe
 * (an MLP's and a CNN's dense products and their gradients, measured against tfjs's choice).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { KernelFn, Program, RunsPrograms } from './kernels.js'
import { ACTIVATIONS } from './adapter.js'

/**
 * Output rows, and columns (one vec4), of the block each invocation computes: each B row read serves 8 output
 * rows (on lavapipe 8 × 4 ran ~1.3× faster than 4 × 4 and ~2× faster than 2 × 4 on an MLP's products).
 */
const ROWS = 8
const BLOCK = 4

/** At most this many outputs: tfjs's kernel (its `MatMulReduceProgram` cut-off). */
const TINY_OUTPUT = 128

const UNIFORMS = 'batch : i32, m : i32, n : i32, k : i32, sar : i32, sak : i32, sbk : i32, sbc : i32, bsa : i32, bsb : i32, alpha : f32,'

const rows = Array.from({ length: ROWS }, (_, i) => i)

/** WGSL body: `out[t, i, j] = act(Σ_k A[t·bsa + i·sar + k·sak] · B[t·bsb + k·sbk + j·sbc] + Bias[j])`. */
export function directMatMulWgsl(hasBias: boolean, activation: string): string {
  return `
      fn activate(x : f32) -> f32 { return ${ACTIVATIONS[activation]}; }
      fn main(index : i32) {
        let m = uniforms.m;
        let n = uniforms.n;
        let nb = (n + ${BLOCK - 1}) / ${BLOCK};
        let per = ((m + ${ROWS - 1}) / ${ROWS}) * nb;
        if (index >= uniforms.batch * per) { return; }
        let t = index / per;
        let blk = index - t * per;
        let r0 = (blk / nb) * ${ROWS};
        let c0 = (blk % nb) * ${BLOCK};
        // Reads are clamped into the operands; the stores below skip what lies outside the output.
        ${rows.map((i) => `let a${i} = t * uniforms.bsa + min(r0 + ${i}, m - 1) * uniforms.sar;`).join('\n        ')}
        let bc = t * uniforms.bsb + min(vec4<i32>(c0) + vec4<i32>(0, 1, 2, 3), vec4<i32>(n - 1)) * uniforms.sbc;
        ${rows.map((i) => `var acc${i} = vec4<f32>(0.0);`).join('\n        ')}
        for (var k = 0; k < uniforms.k; k++) {
          let kb = k * uniforms.sbk;
          let ka = k * uniforms.sak;
          let b = vec4<f32>(B[kb + bc.x], B[kb + bc.y], B[kb + bc.z], B[kb + bc.w]);
          ${rows.map((i) => `acc${i} = fma(vec4<f32>(A[a${i} + ka]), b, acc${i});`).join('\n          ')}
        }
        let bias = ${hasBias ? 'vec4<f32>(Bias[min(c0, n - 1)], Bias[min(c0 + 1, n - 1)], Bias[min(c0 + 2, n - 1)], Bias[min(c0 + 3, n - 1)])' : 'vec4<f32>(0.0)'};
        ${rows.map((i) => `if (r0 + ${i} < m) {
          let v = acc${i} + bias;
          let o = (t * m + r0 + ${i}) * n + c0;
          ${['x', 'y', 'z', 'w'].map((c, j) => `if (c0 + ${j} < n) { setOutputAtIndex(o + ${j}, activate(v.${c})); }`).join('\n          ')}
        }`).join('\n        ')}
      }`
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1)

/**
 * `BatchMatMul` / `_FusedMatMul` on the direct program (float32; more than `TINY_OUTPUT` outputs; batch dims
 * equal, or one side's all 1; a bias of `n` values; the activations of conv.ts), `fallback` (tfjs's kernel)
 * otherwise; `reshape` is tfjs's (a view).
 */
export function directMatMul(flat: (shape: number[], key: string, code: string) => Program, fallback: KernelFn, reshape: KernelFn): KernelFn {
  return (args) => {
    const { inputs, backend, attrs } = args
    const { a, b, bias, preluActivationWeights } = inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo }
    const activation = (attrs['activation'] as string | undefined) ?? 'linear'
    const [ra, rb] = [a.shape.length, b.shape.length]
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || preluActivationWeights || !(activation in ACTIVATIONS) || ra < 2 || rb < 2) return fallback(args)
    const [ta, tb] = [!!attrs['transposeA'], !!attrs['transposeB']]
    const [m, k] = ta ? [a.shape[ra - 1]!, a.shape[ra - 2]!] : [a.shape[ra - 2]!, a.shape[ra - 1]!]
    const [kb, n] = tb ? [b.shape[rb - 1]!, b.shape[rb - 2]!] : [b.shape[rb - 2]!, b.shape[rb - 1]!]
    const [batchA, batchB] = [a.shape.slice(0, -2), b.shape.slice(0, -2)]
    const [na, nbt] = [size(batchA), size(batchB)]
    const sameBatch = batchA.length === batchB.length && batchA.every((d, i) => d === batchB[i])
    if (k !== kb || !(sameBatch || na === 1 || nbt === 1) || (bias && (bias.dtype !== 'float32' || size(bias.shape) !== n))) return fallback(args)
    // The output keeps the larger batch shape (tfjs broadcasts batch dims; all-1 ones add rank).
    const batchShape = na !== nbt ? (na > nbt ? batchA : batchB) : batchA.length >= batchB.length ? batchA : batchB
    const batch = Math.max(na, nbt)
    // Tiny outputs (batch-1 inference heads) stay on tfjs's reduce program: one workgroup per output
    // parallelises over k, and it compiles faster than this shader, which a first prediction would wait for.
    if (batch * m * n <= TINY_OUTPUT || k === 0) return fallback(args)
    const key = `kx_matmul_${bias ? 'b' : ''}_${activation}`
    const program = flat([batch * Math.ceil(m / ROWS) * Math.ceil(n / BLOCK)], key, directMatMulWgsl(!!bias, activation))
    Object.assign(program, { variableNames: bias ? ['A', 'B', 'Bias'] : ['A', 'B'], outputShape: [batch * m * n], size: false, uniforms: UNIFORMS })
    const ints = [batch, m, n, k, ta ? 1 : k, ta ? m : 1, tb ? 1 : n, tb ? k : 1, na === 1 ? 0 : m * k, nbt === 1 ? 0 : k * n]
    const uniforms = [...ints.map((v) => ({ type: 'int32', data: [v] })), { type: 'float32', data: [(attrs['leakyreluAlpha'] as number | undefined) ?? 0.2] }]
    // 1-d views in and out: one shader key whatever the operands' ranks and broadcasting.
    const view = (t: TensorInfo, shape: number[]): TensorInfo => reshape({ inputs: { x: t }, backend, attrs: { shape } })
    const flatViews = (bias ? [a, b, bias] : [a, b]).map((t) => view(t, [size(t.shape)]))
    const y = (backend as RunsPrograms).runWebGPUProgram(program, flatViews, 'float32', uniforms)
    const out = view(y, [...batchShape, m, n])
    for (const t of [...flatViews, y]) backend.disposeData(t.dataId)
    return out
  }
}
