/**
 * @file `eigh` on the device, with `reference`'s algorithm in float32: cyclic Jacobi on the symmetric matrix
 * built from one triangle, eigenvalues ascending (stable), one invocation per matrix with a fixed maximum
 * number of sweeps. backend-tfjs runs it on the host, which needs a synchronous read; WebGPU reads are async
 * only. Eigenvectors and eigenvalues are packed per matrix in one float32 buffer (which also holds the work
 * matrix) and unpacked by a small index-mapping program.
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core'
import type { TfjsRule } from '@kx/backend-tfjs'
import type { RunsPrograms } from './kernels.js'
import type { FlatProgramMaker } from './sort.js'

/** kx's own tfjs kernel (under `kx-webgpu`): `{ x: [count, n, n] }` float32, attr `lower`. */
export const KX_EIGH = 'KxEigh'

/** Sweeps of either Jacobi method: float32 converges in well under 15 for the sizes Keras models use. */
export const MAX_SWEEPS = 30

/** WGSL: tan φ of the Jacobi rotation zeroing a (p, q) pair, from ζ (reference's `jacobiTangent`). */
export const JACOBI_TANGENT_WGSL = `
      fn kxJacobiTangent(zeta : f32) -> f32 {
        if (abs(zeta) > 1e15) { return 0.5 / zeta; }
        return select(-1.0, 1.0, zeta >= 0.0) / (abs(zeta) + sqrt(1.0 + zeta * zeta));
      }`

/**
 * WGSL: one invocation per `n × n` matrix; `result` per matrix = `[V (n·n), w (n), work A (n·n)]`, the
 * symmetric A built from the `lower` (or upper) triangle.
 */
const EIGH_WGSL = `${JACOBI_TANGENT_WGSL}
      fn main(index : i32) {
        if (index >= uniforms.count) { return; }
        let n = uniforms.n;
        let ai = index * n * n;
        let vo = index * (2 * n * n + n);
        let wo = vo + n * n;
        let a = wo + n;
        var nan = false;
        for (var i = 0; i < n; i++) {
          for (var j = 0; j < n; j++) {
            let inTri = select(j >= i, j <= i, uniforms.lower == 1);
            let v = select(A[ai + j * n + i], A[ai + i * n + j], inTri);
            if (isnan(v)) { nan = true; }
            result[a + i * n + j] = v;
            result[vo + i * n + j] = select(0.0, 1.0, i == j);
          }
        }
        if (nan) {
          for (var t = 0; t < n * n; t++) { result[vo + t] = uniforms.NAN; }
          for (var t = 0; t < n; t++) { result[wo + t] = uniforms.NAN; }
          return;
        }
        for (var sweep = 0; sweep < ${MAX_SWEEPS}; sweep++) {
          var off = 0.0;
          var diag = 0.0;
          for (var i = 0; i < n; i++) {
            diag = diag + result[a + i * n + i] * result[a + i * n + i];
            for (var j = i + 1; j < n; j++) { off = off + result[a + i * n + j] * result[a + i * n + j]; }
          }
          if (off <= 1e-14 * diag || off == 0.0) { break; }
          for (var p = 0; p < n - 1; p++) {
            for (var q = p + 1; q < n; q++) {
              let apq = result[a + p * n + q];
              if (apq == 0.0) { continue; }
              let t = kxJacobiTangent((result[a + q * n + q] - result[a + p * n + p]) / (2.0 * apq));
              let c = 1.0 / sqrt(1.0 + t * t);
              let s = t * c;
              for (var k = 0; k < n; k++) {
                let akp = result[a + k * n + p];
                let akq = result[a + k * n + q];
                result[a + k * n + p] = c * akp - s * akq;
                result[a + k * n + q] = s * akp + c * akq;
              }
              for (var k = 0; k < n; k++) {
                let apk = result[a + p * n + k];
                let aqk = result[a + q * n + k];
                result[a + p * n + k] = c * apk - s * aqk;
                result[a + q * n + k] = s * apk + c * aqk;
              }
              result[a + p * n + q] = 0.0;
              result[a + q * n + p] = 0.0;
              for (var k = 0; k < n; k++) {
                let vkp = result[vo + k * n + p];
                let vkq = result[vo + k * n + q];
                result[vo + k * n + p] = c * vkp - s * vkq;
                result[vo + k * n + q] = s * vkp + c * vkq;
              }
            }
          }
        }
        for (var i = 0; i < n; i++) { result[wo + i] = result[a + i * n + i]; }
        // Ascending, stable (insertion sort by adjacent swaps), eigenvector columns moved alike.
        for (var i = 1; i < n; i++) {
          for (var j = i; j > 0 && result[wo + j - 1] > result[wo + j]; j--) {
            let tw = result[wo + j];
            result[wo + j] = result[wo + j - 1];
            result[wo + j - 1] = tw;
            for (var k = 0; k < n; k++) {
              let tv = result[vo + k * n + j];
              result[vo + k * n + j] = result[vo + k * n + j - 1];
              result[vo + k * n + j - 1] = tv;
            }
          }
        }
      }`

/** The `KxEigh` kernel: `{ x: [count, n, n] }`, attr `lower`; outputs `[v, w]`. */
export function eighKernel(flat: FlatProgramMaker): (args: { inputs: Record<string, TensorInfo>; backend: KernelBackend; attrs: Record<string, unknown> }) => TensorInfo[] {
  return ({ inputs, backend, attrs }) => {
    const run = backend as RunsPrograms
    const x = inputs['x']!
    const [count, n] = x.shape as [number, number, number]
    const stride = 2 * n * n + n
    const program = Object.assign(flat([count], 'kx_eigh', EIGH_WGSL), { outputShape: [count, stride], size: false, uniforms: 'count : i32, n : i32, lower : i32,' })
    const packed = run.runWebGPUProgram(program, [x], 'float32', [count, n, attrs['lower'] ? 1 : 0].map((v) => ({ type: 'int32', data: [v] })))
    const outs = [unpack(flat, run, packed, [count, n, n], stride, 0, n * n), unpack(flat, run, packed, [count, n], stride, n * n, n)]
    backend.disposeData(packed.dataId)
    return outs
  }
}

/** WGSL: part `[start, start + len)` of each packed row of `P` (`stride` long). */
const UNPACK_WGSL = `
      fn main(index : i32) {
        if (index < uniforms.size) { setOutputAtIndex(index, P[(index / uniforms.len) * uniforms.stride + uniforms.start + index % uniforms.len]); }
      }`

function unpack(flat: FlatProgramMaker, run: RunsPrograms, packed: TensorInfo, shape: number[], stride: number, start: number, len: number): TensorInfo {
  const program = Object.assign(flat(shape, 'kx_jacobi_unpack', UNPACK_WGSL), { variableNames: ['P'], uniforms: 'stride : i32, start : i32, len : i32,' })
  return run.runWebGPUProgram(program, [packed], 'float32', [stride, start, len].map((v) => ({ type: 'int32', data: [v] })))
}

const batchCount = (shape: readonly number[]): number => shape.slice(0, -2).reduce((x, y) => x * y, 1)

/** The `eigh` rule on webgpu: float32 batches through `KxEigh` (empty operands as constants). */
export const eighRule: TfjsRule<'eigh'> = (ctx, [x], { lower }, outputs) => {
  const n = x!.shape.at(-1)!
  const count = batchCount(x!.shape)
  if (count * n === 0) return outputs.map((o) => ctx.constant(0, 'float32', o.shape))
  const outs = ctx.kernelMulti(KX_EIGH, { x: ctx.kernel('Reshape', { x: x! }, { shape: [count, n, n] }) }, { lower })
  return outs.map((t, i) => ctx.kernel('Reshape', { x: t }, { shape: outputs[i]!.shape.slice() }))
}
