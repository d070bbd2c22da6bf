/**
 * @file `fft` (fft / ifft / rfft / irfft over the trailing 1–3 axes) on the device: a direct DFT per axis, as
 * `reference` computes it (complex values as separate real and imaginary float32 tensors). backend-tfjs runs it
 * on the host, which needs a synchronous read; WebGPU reads are async only. O(n²) per row, with a twiddle table
 * (cos, sin of 2πj/n computed in float64 on the host and uploaded) indexed by (k·t mod n), so every factor is
 * rounded once; enough for Keras's `fft`/`rfft`/`stft` frame sizes.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { TfjsKernelContext, TfjsRule } from '@kx/backend-tfjs'
import type { KernelFn, RunsPrograms } from './kernels.js'
import type { FlatProgramMaker } from './sort.js'

/** kx's own tfjs kernels (under `kx-webgpu`), float32. */
export const KX_DFT = 'KxDft'
export const KX_IRDFT = 'KxIrdft'

/**
 * WGSL: one part (`part` 0: real, 1: imaginary) of the DFT of `R + iI` along the middle axis of the view
 * `[outer, n, inner]`, X_k = Σ_t x_t e^{∓2πi kt/n} (scaled by 1/n when inverse), for the first `keep` k.
 */
const DFT_WGSL = `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let n = uniforms.n;
        let inner = uniforms.inner;
        let k = (index / inner) % uniforms.keep;
        let base = (index / (uniforms.keep * inner)) * n * inner + index % inner;
        let sgn = select(-1.0, 1.0, uniforms.inverse == 1);
        var sr = 0.0;
        var si = 0.0;
        var idx = 0;
        for (var t = 0; t < n; t++) {
          let c = W[idx];
          let s = sgn * W[n + idx];
          let xr = R[base + t * inner];
          let xi = I[base + t * inner];
          sr = sr + xr * c - xi * s;
          si = si + xr * s + xi * c;
          idx = (idx + k) % n;
        }
        let scale = select(1.0, 1.0 / f32(n), uniforms.inverse == 1);
        setOutputAtIndex(index, select(sr, si, uniforms.part == 1) * scale);
      }`

/**
 * WGSL: the real inverse DFT of Hermitian rows `[rows, half]` to `[rows, n]`:
 * x_t = (1/n) Σ_k c_k Re(y_k e^{2πi kt/n}), c_k = 1 at k = 0 and k = n/2, else 2 (as `reference`).
 */
const IRDFT_WGSL = `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let n = uniforms.n;
        let half = uniforms.half;
        let t = index % n;
        let base = (index / n) * half;
        var sum = 0.0;
        var idx = 0;
        for (var k = 0; k < half; k++) {
          let c = select(2.0, 1.0, k == 0 || (n % 2 == 0 && k * 2 == n));
          sum = sum + c * (R[base + k] * W[idx] - I[base + k] * W[n + idx]);
          idx = (idx + t) % n;
        }
        setOutputAtIndex(index, sum / f32(n));
      }`

const int = (v: number): { type: string; data: number[] } => ({ type: 'int32', data: [v] })

/**
 * The `KxDft` kernel: `{ re, im }` float32 `[outer, n, inner]`, `w` the twiddles; attrs `inverse`, `part` (0 real,
 * 1 imaginary), `keep` (outputs `[outer, keep, inner]`: rfft's non-negative frequencies only).
 */
export function dftKernel(flat: FlatProgramMaker): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { re, im, w } = inputs as { re: TensorInfo; im: TensorInfo; w: TensorInfo }
    const [outer, n, inner] = re.shape as [number, number, number]
    const keep = (attrs['keep'] as number | undefined) ?? n
    const program = Object.assign(flat([outer, keep, inner], 'kx_dft', DFT_WGSL), { variableNames: ['R', 'I', 'W'], uniforms: 'n : i32, inner : i32, inverse : i32, part : i32, keep : i32,' })
    const u = [n, inner, attrs['inverse'] ? 1 : 0, attrs['part'] as number, keep].map(int)
    return (backend as RunsPrograms).runWebGPUProgram(program, [re, im, w], 'float32', u)
  }
}

/** The `KxIrdft` kernel: `{ re, im }` float32 `[rows, half]`, `w` the twiddles of `n`; attr `n` (output length). */
export function irdftKernel(flat: FlatProgramMaker): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { re, im, w } = inputs as { re: TensorInfo; im: TensorInfo; w: TensorInfo }
    const [rows, half] = re.shape as [number, number]
    const n = attrs['n'] as number
    const program = Object.assign(flat([rows, n], 'kx_irdft', IRDFT_WGSL), { variableNames: ['R', 'I', 'W'], uniforms: 'n : i32, half : i32,' })
    return (backend as RunsPrograms).runWebGPUProgram(program, [re, im, w], 'float32', [n, half].map(int))
  }
}

const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1)

/** `[cos(2πj/n) for j < n, sin(2πj/n) for j < n]`, computed in float64 and uploaded (an upload, not a read). */
function twiddles(ctx: TfjsKernelContext, n: number): TensorInfo {
  const w = new Float32Array(2 * n)
  for (let j = 0; j < n; j++) { w[j] = Math.cos((2 * Math.PI * j) / n); w[n + j] = Math.sin((2 * Math.PI * j) / n) }
  return ctx.upload(w, [2 * n], 'float32')
}

/** The complex DFT of `[re, im]` along `axis` (its first `keep` frequencies), returning both parts. */
function dftAxis(ctx: TfjsKernelContext, re: TensorInfo, im: TensorInfo, axis: number, inverse: boolean, keep = re.shape[axis]!): [TensorInfo, TensorInfo] {
  const shape = re.shape.map((d, i) => (i === axis ? keep : d))
  const view = [prod(re.shape.slice(0, axis)), re.shape[axis]!, prod(re.shape.slice(axis + 1))]
  const r3 = ctx.kernel('Reshape', { x: re }, { shape: view })
  const i3 = ctx.kernel('Reshape', { x: im }, { shape: view })
  const w = twiddles(ctx, view[1]!)
  const part = (p: number): TensorInfo => ctx.kernel('Reshape', { x: ctx.kernel(KX_DFT, { re: r3, im: i3, w }, { inverse, part: p, keep }) }, { shape })
  return [part(0), part(1)]
}

/** The `fft` rule on webgpu: per-axis DFT programs (float32). */
export const fftRule: TfjsRule<'fft'> = (ctx, inputs, { fftType, fftLengths }, outputs) => {
  const x = inputs[0]!
  const r = x.shape.length
  const axes = fftLengths.map((_, i) => r - fftLengths.length + i)
  if (x.shape.some((d) => d === 0) || outputs.some((o) => o.shape.some((d) => d === 0))) {
    return outputs.map((o) => ctx.constant(0, 'float32', o.shape))
  }
  let re = x
  let im = inputs[1] ?? ctx.constant(0, 'float32', x.shape)
  if (fftType === 'rfft') {
    // The last axis first, keeping its non-negative frequencies only (the axes' DFTs commute).
    ;[re, im] = dftAxis(ctx, re, im, r - 1, false, outputs[0]!.shape[r - 1]!)
    for (const ax of axes.slice(0, -1)) [re, im] = dftAxis(ctx, re, im, ax, false)
    return [re, im]
  }
  const leading = fftType === 'irfft' ? axes.slice(0, -1) : axes
  for (const ax of leading) [re, im] = dftAxis(ctx, re, im, ax, fftType === 'ifft' || fftType === 'irfft')
  if (fftType === 'fft' || fftType === 'ifft') return [re, im]
  const half = x.shape[r - 1]!
  const rows = prod(x.shape) / half
  const flatRe = ctx.kernel('Reshape', { x: re }, { shape: [rows, half] })
  const flatIm = ctx.kernel('Reshape', { x: im }, { shape: [rows, half] })
  const n = fftLengths[fftLengths.length - 1]!
  const out = ctx.kernel(KX_IRDFT, { re: flatRe, im: flatIm, w: twiddles(ctx, n) }, { n })
  return [ctx.kernel('Reshape', { x: out }, { shape: outputs[0]!.shape.slice() })]
}
