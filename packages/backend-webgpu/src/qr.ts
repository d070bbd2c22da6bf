/**
 * @file `qr` on the device (Householder, LAPACK geqrf/orgqr signs, as core's `reference`): backend-tfjs runs
 * it on the host, which needs a synchronous read; WebGPU reads are async only. Keras's `Orthogonal`
 * initializer (the default recurrent initializer of SimpleRNN/GRU/LSTM) is a `qr`, so recurrent layers
 * depend on it. One workgroup per matrix: invocation 0 forms each reflector (`dlarfg`), then the
 * workgroup applies it to the remaining columns in parallel; Q is accumulated backwards the same way.
 */
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core'
import { NotImplementedError } from '@kx/core'
import type { TfjsRule } from '@kx/backend-tfjs'
import type { Program, RunsPrograms } from './kernels.js'
import type { FlatProgramMaker } from './sort.js'

/** kx's own tfjs kernel (under `kx-webgpu`): float32 `{ x }` of shape `[count, m, n]`, attrs `{ fullMatrices }`; outputs `[q, r]`. */
export const KX_QR = 'KxQr'

const UNIFORMS = 'm : i32, n : i32, k : i32, qc : i32, rr : i32,'
/** Invocations per matrix (the workgroup size of tfjs's flat programs). */
const LANES = 64

/**
 * WGSL of the factorization into `result`, per matrix `[a (m·n, R above the diagonal, reflectors v below),
 * τ (k)]`. Barriers stay in uniform control flow: loop bounds are uniforms, data-dependent branches hold none.
 */
const FACTOR_WGSL = `
      fn main(index : i32) {
        let m = uniforms.m;
        let n = uniforms.n;
        let k = uniforms.k;
        let lane = i32(localId.x);
        let xo = i32(workgroupId.x) * m * n;
        let ro = i32(workgroupId.x) * (m * n + k);
        for (var t = lane; t < m * n; t += ${LANES}) { result[ro + t] = X[xo + t]; }
        storageBarrier();
        for (var j = 0; j < k; j++) {
          if (lane == 0) {
            // dlarfg: H = I − τ v vᵀ (v[j] = 1) maps the column to (β, 0, …), β = −sign(α)·‖(α, x)‖.
            let alpha = result[ro + j * n + j];
            var big = 0.0;
            for (var i = j + 1; i < m; i++) { big = max(big, abs(result[ro + i * n + j])); }
            var tau = 0.0;
            if (big > 0.0) {
              var s = 0.0;
              for (var i = j + 1; i < m; i++) { let v = result[ro + i * n + j] / big; s = s + v * v; }
              let xnorm = big * sqrt(s);
              let top = max(abs(alpha), xnorm);
              let norm = top * sqrt((alpha / top) * (alpha / top) + (xnorm / top) * (xnorm / top));
              let beta = select(norm, -norm, alpha >= 0.0);
              tau = (beta - alpha) / beta;
              let scale = 1.0 / (alpha - beta);
              for (var i = j + 1; i < m; i++) { result[ro + i * n + j] = result[ro + i * n + j] * scale; }
              result[ro + j * n + j] = beta;
            }
            result[ro + m * n + j] = tau;
          }
          storageBarrier();
          let tau = result[ro + m * n + j];
          for (var c = j + 1 + lane; c < n; c += ${LANES}) {
            var w = result[ro + j * n + c];
            for (var i = j + 1; i < m; i++) { w = w + result[ro + i * n + j] * result[ro + i * n + c]; }
            w = w * tau;
            result[ro + j * n + c] = result[ro + j * n + c] - w;
            for (var i = j + 1; i < m; i++) { result[ro + i * n + c] = result[ro + i * n + c] - w * result[ro + i * n + j]; }
          }
          storageBarrier();
        }
      }`

/** WGSL of Q (`m × qc`) = H_0 ⋯ H_{k−1} applied to the identity's first `qc` columns, from the packed factors `P`. */
const Q_WGSL = `
      fn main(index : i32) {
        let m = uniforms.m;
        let n = uniforms.n;
        let k = uniforms.k;
        let qc = uniforms.qc;
        let lane = i32(localId.x);
        let po = i32(workgroupId.x) * (m * n + k);
        let qo = i32(workgroupId.x) * m * qc;
        for (var t = lane; t < m * qc; t += ${LANES}) { result[qo + t] = select(0.0, 1.0, t / qc == t % qc); }
        storageBarrier();
        for (var j = k - 1; j >= 0; j--) {
          let tau = P[po + m * n + j];
          for (var c = lane; c < qc; c += ${LANES}) {
            var w = result[qo + j * qc + c];
            for (var i = j + 1; i < m; i++) { w = w + P[po + i * n + j] * result[qo + i * qc + c]; }
            w = w * tau;
            result[qo + j * qc + c] = result[qo + j * qc + c] - w;
            for (var i = j + 1; i < m; i++) { result[qo + i * qc + c] = result[qo + i * qc + c] - w * P[po + i * n + j]; }
          }
          storageBarrier();
        }
      }`

/** WGSL of R (`rr × n`): the upper triangle of the packed factors `P`. */
const R_WGSL = `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let n = uniforms.n;
        let i = (index / n) % uniforms.rr;
        let c = index % n;
        let po = (index / (uniforms.rr * n)) * (uniforms.m * n + uniforms.k);
        setOutputAtIndex(index, select(0.0, P[po + i * n + c], (c >= i) && (i < uniforms.m)));
      }`

/** The `KxQr` kernel function: factor, then Q and R from the packed factors. */
export function qrKernel(flat: FlatProgramMaker): (args: { inputs: Record<string, TensorInfo>; backend: KernelBackend; attrs: NamedAttrMap }) => TensorInfo[] {
  return ({ inputs, backend, attrs }) => {
    const run = backend as RunsPrograms
    const x = inputs['x']!
    const [count, m, n] = x.shape as [number, number, number]
    const k = Math.min(m, n)
    const full = attrs['fullMatrices'] as boolean
    const [qc, rr] = full ? [m, m] : [k, k]
    const uniforms = [m, n, k, qc, rr].map((v) => ({ type: 'int32', data: [v] }))
    // One workgroup per matrix: the dispatch is the batch, not the output size.
    const perMatrix = (shape: number[], key: string, code: string, names: string[]): Program =>
      Object.assign(flat(shape, key, code), { variableNames: names, uniforms: UNIFORMS, size: false, dispatch: [count, 1, 1] as [number, number, number] })
    const packed = run.runWebGPUProgram(perMatrix([count, m * n + k], 'kx_qr_factor', FACTOR_WGSL, ['X']), [x], 'float32', uniforms)
    const q = run.runWebGPUProgram(perMatrix([count, m, qc], 'kx_qr_q', Q_WGSL, ['P']), [packed], 'float32', uniforms)
    const r = run.runWebGPUProgram(Object.assign(flat([count, rr, n], 'kx_qr_r', R_WGSL), { variableNames: ['P'], uniforms: UNIFORMS }), [packed], 'float32', uniforms)
    backend.disposeData(packed.dataId)
    return [q, r]
  }
}

/**
 * The `qr` rule on webgpu: float32 matrices (batched) through `KxQr`; an empty operand gives an empty
 * factorization (Q is the identity's first columns when it has any).
 */
export const qrRule: TfjsRule<'qr'> = (ctx, [x], { fullMatrices }, [qSpec, rSpec]) => {
  const shape = x!.shape
  const [m, n] = shape.slice(-2) as [number, number]
  const count = shape.slice(0, -2).reduce((a, b) => a * b, 1)
  if (count === 0 || n === 0) {
    if (count * m * (qSpec!.shape.at(-1) ?? 0) > 0) {
      throw new NotImplementedError(`qr of a matrix with no columns on webgpu (a non-empty identity Q) is not implemented. Received: shape=(${shape.join(', ')})`)
    }
    return [ctx.constant(0, 'float32', qSpec!.shape), ctx.constant(0, 'float32', rSpec!.shape)]
  }
  if (count > 65535) throw new NotImplementedError(`qr on webgpu runs one workgroup per matrix, at most 65535 matrices. Received: shape=(${shape.join(', ')})`)
  const [q, r] = ctx.kernelMulti(KX_QR, { x: ctx.kernel('Reshape', { x: x! }, { shape: [count, m, n] }) }, { fullMatrices }) as [TensorInfo, TensorInfo]
  return [ctx.kernel('Reshape', { x: q }, { shape: qSpec!.shape.slice() }), ctx.kernel('Reshape', { x: r }, { shape: rSpec!.shape.slice() })]
}
