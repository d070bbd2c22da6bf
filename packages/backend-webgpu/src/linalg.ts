/**
 * @file `cholesky`, `triangular_solve` and `lu` on the device (backend-tfjs runs them on the host, which needs
 * a synchronous read; WebGPU reads are async only), with `reference`'s algorithms: Cholesky–Banachiewicz with a
 * NaN lower triangle for a matrix that is not positive definite, substitution per right-hand side, and LU with
 * partial pivoting (the first row of largest magnitude wins, as LAPACK's idamax). `qr`'s gradient is built
 * from `triangular_solve`; `det`, `inv`, `solve`, `slogdet` from `lu`.
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core'
import type { TfjsRule } from '@kx/backend-tfjs'
import type { KernelFn, RunsPrograms } from './kernels.js'
import type { FlatProgramMaker } from './sort.js'

/** kx's own tfjs kernels (under `kx-webgpu`), on float32 `[count, …]` batches. */
export const KX_CHOLESKY = 'KxCholesky'
export const KX_TRIANGULAR_SOLVE = 'KxTriangularSolve'
export const KX_LU = 'KxLu'

/** WGSL: one invocation per `n × n` matrix of `A`, its factor `L` written to `result` (upper triangle 0). */
const CHOLESKY_WGSL = `
      fn main(index : i32) {
        if (index >= uniforms.count) { return; }
        let n = uniforms.n;
        let o = index * n * n;
        for (var t = 0; t < n * n; t++) { result[o + t] = 0.0; }
        for (var j = 0; j < n; j++) {
          var s = A[o + j * n + j];
          for (var k = 0; k < j; k++) { s = s - result[o + j * n + k] * result[o + j * n + k]; }
          if (!(s > 0.0)) {
            for (var i = 0; i < n; i++) { for (var k = 0; k <= i; k++) { result[o + i * n + k] = uniforms.NAN; } }
            return;
          }
          let d = sqrt(s);
          result[o + j * n + j] = d;
          for (var i = j + 1; i < n; i++) {
            var t = A[o + i * n + j];
            for (var k = 0; k < j; k++) { t = t - result[o + i * n + k] * result[o + j * n + k]; }
            result[o + i * n + j] = t / d;
          }
        }
      }`

/**
 * WGSL: one invocation per right-hand side — a column of `B` (`leftSide`: `op(A) X = B`) or a row
 * (`X op(A) = B`, i.e. `op(A)ᵀ xᵀ = bᵀ`) — copied to `result` and solved there by substitution.
 */
const SOLVE_WGSL = `
      fn kxTri(ao : i32, i : i32, k : i32) -> f32 {
        let m = uniforms.m;
        // op(A) from A's triangle (unit diagonal if asked), transposed if asked.
        let r = select(i, k, uniforms.transA == 1);
        let c = select(k, i, uniforms.transA == 1);
        if (r == c && uniforms.unit == 1) { return 1.0; }
        let upper = c >= r;
        let lowerTri = c <= r;
        let inTri = select(upper, lowerTri, uniforms.lower == 1);
        return select(0.0, A[ao + r * m + c], inTri);
      }
      fn kxM(ao : i32, i : i32, k : i32) -> f32 {
        return select(kxTri(ao, k, i), kxTri(ao, i, k), uniforms.left == 1);
      }
      fn main(index : i32) {
        if (index >= uniforms.total) { return; }
        let m = uniforms.m;
        let b = index / uniforms.vecs;
        let v = index % uniforms.vecs;
        let ao = b * m * m;
        let base = b * m * uniforms.vecs + select(v * m, v, uniforms.left == 1);
        let stride = select(1, uniforms.vecs, uniforms.left == 1);
        for (var i = 0; i < m; i++) { result[base + i * stride] = B[base + i * stride]; }
        // op(A) is lower iff lower != transposeA; solving against its transpose flips that.
        let mLower = ((uniforms.lower == 1) != (uniforms.transA == 1)) == (uniforms.left == 1);
        for (var step = 0; step < m; step++) {
          let i = select(m - 1 - step, step, mLower);
          var s = result[base + i * stride];
          for (var k = 0; k < m; k++) {
            let below = k < i;
            let above = i < k;
            if (select(above, below, mLower)) { s = s - kxM(ao, i, k) * result[base + k * stride]; }
          }
          result[base + i * stride] = s / kxM(ao, i, i);
        }
      }`

/**
 * WGSL: one invocation per `m × n` matrix of `A`, packed into `result` as `[LU (m·n), pivots (k), permutation
 * (m)]` (indices as f32, exact below 2^24).
 */
const LU_WGSL = `
      fn main(index : i32) {
        if (index >= uniforms.count) { return; }
        let m = uniforms.m;
        let n = uniforms.n;
        let k = min(m, n);
        let ai = index * m * n;
        let o = index * (m * n + k + m);
        for (var t = 0; t < m * n; t++) { result[o + t] = A[ai + t]; }
        let po = o + m * n + k;
        for (var i = 0; i < m; i++) { result[po + i] = f32(i); }
        for (var j = 0; j < k; j++) {
          var best = j;
          var bestAbs = abs(result[o + j * n + j]);
          for (var i = j + 1; i < m; i++) {
            let v = abs(result[o + i * n + j]);
            if (v > bestAbs) { best = i; bestAbs = v; }
          }
          result[o + m * n + j] = f32(best);
          if (best != j) {
            for (var c = 0; c < n; c++) {
              let t = result[o + j * n + c];
              result[o + j * n + c] = result[o + best * n + c];
              result[o + best * n + c] = t;
            }
            let t = result[po + j];
            result[po + j] = result[po + best];
            result[po + best] = t;
          }
          let d = result[o + j * n + j];
          if (d != 0.0) { for (var i = j + 1; i < m; i++) { result[o + i * n + j] = result[o + i * n + j] / d; } }
          for (var i = j + 1; i < m; i++) {
            let f = result[o + i * n + j];
            if (f != 0.0) { for (var c = j + 1; c < n; c++) { result[o + i * n + c] = result[o + i * n + c] - f * result[o + j * n + c]; } }
          }
        }
      }`

/** WGSL: part `[from, from + len)` of each packed row of `P` (`stride` long), as f32 or i32. */
const UNPACK_WGSL = (int: boolean): string => `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let v = P[(index / uniforms.len) * uniforms.stride + uniforms.start + index % uniforms.len];
        ${int ? 'setOutputAtIndexI32(index, i32(v));' : 'setOutputAtIndex(index, v);'}
      }`

/** The `KxLu` kernel: `{ x }` of shape `[count, m, n]`; outputs `[lu, pivots, permutation]`. */
export function luKernel(flat: FlatProgramMaker): (args: { inputs: Record<string, TensorInfo>; backend: KernelBackend }) => TensorInfo[] {
  return ({ inputs, backend }) => {
    const run = backend as RunsPrograms
    const x = inputs['x']!
    const [count, m, n] = x.shape as [number, number, number]
    const k = Math.min(m, n)
    const stride = m * n + k + m
    const int = (v: number): { type: string; data: number[] } => ({ type: 'int32', data: [v] })
    const factor = Object.assign(flat([count], 'kx_lu', LU_WGSL), { outputShape: [count, stride], size: false, uniforms: 'count : i32, m : i32, n : i32,' })
    const packed = run.runWebGPUProgram(factor, [x], 'float32', [count, m, n].map(int))
    const part = (shape: number[], from: number, len: number, dtype: 'float32' | 'int32'): TensorInfo => {
      const program = Object.assign(flat(shape, `kx_lu_unpack_${dtype}`, UNPACK_WGSL(dtype === 'int32')), { variableNames: ['P'], uniforms: 'stride : i32, start : i32, len : i32,' })
      return run.runWebGPUProgram(program, [packed], dtype, [stride, from, len].map(int))
    }
    const outs = [part([count, m, n], 0, m * n, 'float32'), part([count, k], m * n, k, 'int32'), part([count, m], m * n + k, m, 'int32')]
    backend.disposeData(packed.dataId)
    return outs
  }
}

/** The `KxCholesky` kernel: `{ x }` of shape `[count, n, n]`. */
export function choleskyKernel(flat: FlatProgramMaker): KernelFn {
  return ({ inputs, backend }) => {
    const x = inputs['x']!
    const [count, n] = x.shape as [number, number, number]
    const program = Object.assign(flat([count], 'kx_cholesky', CHOLESKY_WGSL), { outputShape: x.shape.slice(), size: false, uniforms: 'count : i32, n : i32,' })
    return (backend as RunsPrograms).runWebGPUProgram(program, [x], 'float32', [count, n].map((v) => ({ type: 'int32', data: [v] })))
  }
}

/** The `KxTriangularSolve` kernel: `{ a: [count, m, m], b: [count, …] }`, attrs as the primitive's params. */
export function triangularSolveKernel(flat: FlatProgramMaker): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo }
    const [count, m] = a.shape as [number, number, number]
    const left = attrs['leftSide'] as boolean
    const vecs = (b.shape.reduce((x, y) => x * y, 1) / Math.max(1, count)) / Math.max(1, m)
    const total = count * vecs
    const program = Object.assign(flat([total], 'kx_triangular_solve', SOLVE_WGSL), {
      variableNames: ['A', 'B'], outputShape: b.shape.slice(), size: false,
      uniforms: 'm : i32, vecs : i32, total : i32, left : i32, lower : i32, transA : i32, unit : i32,',
    })
    const flags = [left, attrs['lower'], attrs['transposeA'], attrs['unitDiagonal']].map((f) => (f ? 1 : 0))
    return (backend as RunsPrograms).runWebGPUProgram(program, [a, b], 'float32', [m, vecs, total, ...flags].map((v) => ({ type: 'int32', data: [v] })))
  }
}

const batchCount = (shape: readonly number[]): number => shape.slice(0, -2).reduce((x, y) => x * y, 1)

/** The `cholesky` rule on webgpu: float32 batches through `KxCholesky`. */
export const choleskyRule: TfjsRule<'cholesky'> = (ctx, [x]) => {
  const n = x!.shape.at(-1)!
  const count = batchCount(x!.shape)
  if (count * n === 0) return [ctx.constant(0, 'float32', x!.shape)]
  const out = ctx.kernel(KX_CHOLESKY, { x: ctx.kernel('Reshape', { x: x! }, { shape: [count, n, n] }) })
  return [ctx.kernel('Reshape', { x: out }, { shape: x!.shape.slice() })]
}

/** The `triangular_solve` rule on webgpu: float32 batches through `KxTriangularSolve`. */
export const triangularSolveRule: TfjsRule<'triangular_solve'> = (ctx, [a, b], params) => {
  const m = a!.shape.at(-1)!
  const count = batchCount(b!.shape)
  if (b!.shape.reduce((x, y) => x * y, 1) === 0 || m === 0) return [ctx.constant(0, 'float32', b!.shape)]
  const a3 = ctx.kernel('Reshape', { x: a! }, { shape: [count, m, m] })
  const out = ctx.kernel(KX_TRIANGULAR_SOLVE, { a: a3, b: b! }, { ...params })
  return [out]
}

/** The `lu` rule on webgpu: float32 batches through `KxLu` (empty operands as constants). */
export const luRule: TfjsRule<'lu'> = (ctx, [x], _params, outputs) => {
  const [m, n] = x!.shape.slice(-2) as [number, number]
  const count = batchCount(x!.shape)
  if (count * m * n === 0) return outputs.map((o, i) => ctx.constant(0, i === 0 ? 'float32' : 'int32', o.shape))
  const outs = ctx.kernelMulti(KX_LU, { x: ctx.kernel('Reshape', { x: x! }, { shape: [count, m, n] }) })
  return outs.map((t, i) => ctx.kernel('Reshape', { x: t }, { shape: outputs[i]!.shape.slice() }))
}
