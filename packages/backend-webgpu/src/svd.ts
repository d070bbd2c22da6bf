/**
 * @file `svd` on the device, with `reference`'s algorithm in float32: one-sided Jacobi on the tall form
 * (A, or Aᵀ when wide), singular values descending (stable), columns of zero singular values and the extra
 * columns of `fullMatrices` completed by Gram–Schmidt (twice) on the unit vector with the largest residual.
 * One invocation per matrix with a fixed maximum number of sweeps; backend-tfjs runs it on the host, which
 * needs a synchronous read (WebGPU reads are async only).
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core'
import type { TfjsRule } from '@kx/backend-tfjs'
import type { RunsPrograms } from './kernels.js'
import type { FlatProgramMaker } from './sort.js'
import { JACOBI_TANGENT_WGSL, MAX_SWEEPS } from './eigh.js'

/** kx's own tfjs kernel (under `kx-webgpu`): `{ x: [count, m, n] }` float32, attrs as the primitive's params. */
export const KX_SVD = 'KxSvd'

/**
 * WGSL: one invocation per matrix. With M = max(m, n), N = min(m, n), `result` per matrix is
 * `[B (M·M, row stride M), S (N·N), s (N), col (M), best (M)]`: B's first N columns hold the tall operand
 * A′ and become U′ = A′V′/s (then completed to `cols` columns), S holds V′.
 */
const SVD_WGSL = `${JACOBI_TANGENT_WGSL}
      fn main(index : i32) {
        if (index >= uniforms.count) { return; }
        let m = uniforms.m;
        let n = uniforms.n;
        let M = max(m, n);
        let N = min(m, n);
        let cols = uniforms.cols;
        let o = index * uniforms.stride;
        let so = o + M * M;
        let sv = so + N * N;
        let col = sv + N;
        let best = col + M;
        let ai = index * m * n;
        var nan = false;
        for (var i = 0; i < M; i++) {
          for (var j = 0; j < N; j++) {
            let v = select(A[ai + j * n + i], A[ai + i * n + j], m >= n);
            if (isnan(v)) { nan = true; }
            result[o + i * M + j] = v;
          }
        }
        for (var i = 0; i < N; i++) { for (var j = 0; j < N; j++) { result[so + i * N + j] = select(0.0, 1.0, i == j); } }
        if (nan) {
          for (var t = 0; t < uniforms.stride; t++) { result[o + t] = uniforms.NAN; }
          return;
        }
        for (var sweep = 0; sweep < ${MAX_SWEEPS}; sweep++) {
          var rotated = false;
          for (var p = 0; p < N - 1; p++) {
            for (var q = p + 1; q < N; q++) {
              var alpha = 0.0;
              var beta = 0.0;
              var gamma = 0.0;
              for (var i = 0; i < M; i++) {
                let up = result[o + i * M + p];
                let uq = result[o + i * M + q];
                alpha = alpha + up * up;
                beta = beta + uq * uq;
                gamma = gamma + up * uq;
              }
              if (gamma == 0.0 || abs(gamma) <= 1e-7 * sqrt(alpha * beta)) { continue; }
              rotated = true;
              let t = kxJacobiTangent((beta - alpha) / (2.0 * gamma));
              let c = 1.0 / sqrt(1.0 + t * t);
              let s = c * t;
              for (var i = 0; i < M; i++) {
                let up = result[o + i * M + p];
                let uq = result[o + i * M + q];
                result[o + i * M + p] = c * up - s * uq;
                result[o + i * M + q] = s * up + c * uq;
              }
              for (var i = 0; i < N; i++) {
                let vp = result[so + i * N + p];
                let vq = result[so + i * N + q];
                result[so + i * N + p] = c * vp - s * vq;
                result[so + i * N + q] = s * vp + c * vq;
              }
            }
          }
          if (!rotated) { break; }
        }
        for (var j = 0; j < N; j++) {
          var ss = 0.0;
          for (var i = 0; i < M; i++) { ss = ss + result[o + i * M + j] * result[o + i * M + j]; }
          result[sv + j] = sqrt(ss);
        }
        // Descending, stable (adjacent swaps), columns of U′ and V′ moved alike.
        for (var i = 1; i < N; i++) {
          for (var j = i; j > 0 && result[sv + j - 1] < result[sv + j]; j--) {
            let ts = result[sv + j];
            result[sv + j] = result[sv + j - 1];
            result[sv + j - 1] = ts;
            for (var k = 0; k < M; k++) {
              let tu = result[o + k * M + j];
              result[o + k * M + j] = result[o + k * M + j - 1];
              result[o + k * M + j - 1] = tu;
            }
            for (var k = 0; k < N; k++) {
              let tv = result[so + k * N + j];
              result[so + k * N + j] = result[so + k * N + j - 1];
              result[so + k * N + j - 1] = tv;
            }
          }
        }
        for (var j = 0; j < N; j++) {
          let d = result[sv + j];
          for (var i = 0; i < M; i++) { result[o + i * M + j] = select(0.0, result[o + i * M + j] / d, d > 0.0); }
        }
        // Complete: column j is valid when j < N with s_j > 0; earlier columns are valid once completed.
        for (var j = 0; j < cols; j++) {
          if (j < N && result[sv + j] > 0.0) { continue; }
          var bestNorm = -1.0;
          for (var e = 0; e < M; e++) {
            for (var i = 0; i < M; i++) { result[col + i] = select(0.0, 1.0, i == e); }
            for (var twice = 0; twice < 2; twice++) {
              for (var c = 0; c < cols; c++) {
                if (!(c < j || (c < N && result[sv + min(c, N - 1)] > 0.0))) { continue; }
                var dot = 0.0;
                for (var i = 0; i < M; i++) { dot = dot + result[o + i * M + c] * result[col + i]; }
                for (var i = 0; i < M; i++) { result[col + i] = result[col + i] - dot * result[o + i * M + c]; }
              }
            }
            var nn = 0.0;
            for (var i = 0; i < M; i++) { nn = nn + result[col + i] * result[col + i]; }
            let norm = sqrt(nn);
            if (norm > bestNorm) {
              bestNorm = norm;
              for (var i = 0; i < M; i++) { result[best + i] = result[col + i] / norm; }
            }
          }
          for (var i = 0; i < M; i++) { result[o + i * M + j] = result[best + i]; }
        }
      }`

/** WGSL: `out[r, c]` = `P[row · stride + start + (trans ? c·ld + r : r·ld + c)]` for an output `[count, rows, ocols]`. */
const PART_WGSL = `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let per = uniforms.rows * uniforms.ocols;
        let r = (index % per) / uniforms.ocols;
        let c = index % uniforms.ocols;
        let at = select(r * uniforms.ld + c, c * uniforms.ld + r, uniforms.trans == 1);
        setOutputAtIndex(index, P[(index / per) * uniforms.stride + uniforms.start + at]);
      }`

/** The `KxSvd` kernel: outputs `[u, s, vh]` (computeUv) or `[s]`, each `[count, …]`. */
export function svdKernel(flat: FlatProgramMaker): (args: { inputs: Record<string, TensorInfo>; backend: KernelBackend; attrs: Record<string, unknown> }) => TensorInfo[] {
  return ({ inputs, backend, attrs }) => {
    const run = backend as RunsPrograms
    const x = inputs['x']!
    const [count, m, n] = x.shape as [number, number, number]
    const [M, N] = [Math.max(m, n), Math.min(m, n)]
    const full = !!attrs['fullMatrices']
    const stride = M * M + N * N + N + 2 * M
    const int = (v: number): { type: string; data: number[] } => ({ type: 'int32', data: [v] })
    const program = Object.assign(flat([count], 'kx_svd', SVD_WGSL), { outputShape: [count, stride], size: false, uniforms: 'count : i32, m : i32, n : i32, cols : i32, stride : i32,' })
    const packed = run.runWebGPUProgram(program, [x], 'float32', [count, m, n, full ? M : N, stride].map(int))
    const part = (rows: number, ocols: number, start: number, ld: number, trans: boolean, shape = [count, rows, ocols]): TensorInfo => {
      const p = Object.assign(flat(shape, 'kx_svd_part', PART_WGSL), { variableNames: ['P'], uniforms: 'stride : i32, start : i32, ld : i32, rows : i32, ocols : i32, trans : i32,' })
      return run.runWebGPUProgram(p, [packed], 'float32', [stride, start, ld, rows, ocols, trans ? 1 : 0].map(int))
    }
    const [big, small, svAt] = [0, M * M, M * M + N * N]
    const sv = part(1, N, svAt, N, false, [count, N])
    let outs: TensorInfo[] = [sv]
    if (attrs['computeUv']) {
      const [uc, vr] = [full ? m : N, full ? n : N]
      // Tall: U = B, Vh = S′ᵀ. Wide (A′ = Aᵀ): U = S′, Vh = Bᵀ.
      const u = m >= n ? part(m, uc, big, M, false) : part(m, uc, small, N, false)
      const vh = m >= n ? part(vr, n, small, N, true) : part(vr, n, big, M, true)
      outs = [u, sv, vh]
    }
    backend.disposeData(packed.dataId)
    return outs
  }
}

const batchCount = (shape: readonly number[]): number => shape.slice(0, -2).reduce((x, y) => x * y, 1)

/** The `svd` rule on webgpu: float32 batches through `KxSvd` (empty operands as constants). */
export const svdRule: TfjsRule<'svd'> = (ctx, [x], params, outputs) => {
  const [m, n] = x!.shape.slice(-2) as [number, number]
  const count = batchCount(x!.shape)
  if (count * m * n === 0) return outputs.map((o) => ctx.constant(0, 'float32', o.shape))
  const outs = ctx.kernelMulti(KX_SVD, { x: ctx.kernel('Reshape', { x: x! }, { shape: [count, m, n] }) }, { ...params })
  return outs.map((t, i) => ctx.kernel('Reshape', { x: t }, { shape: outputs[i]!.shape.slice() }))
}
