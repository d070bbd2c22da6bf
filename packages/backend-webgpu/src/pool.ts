/**
 * @file Max-pool's backward pass (`select_and_scatter_add`) as one WGSL program on software adapters.
 * backend-tfjs maps it onto tfjs's MaxPool (again, for the `output` input) + MaxPoolGrad, which on
 * tfjs-webgpu is a positions pass and a scatter pass: three dispatches over the pooled activation. Here
 * each invocation owns one input element and gathers the source values of the windows whose first
 * maximum it is (recomputing those windows' maxima), which is cheap for small windows (2×2: 4 reads). The
 * geometry is passed as uniforms, so one shader serves every pooling layer (one compile in a first step).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import { TFJS_PRIM_RULES, type TfjsRule } from '@kx/backend-tfjs'
import type { KernelFn, Program, RunsPrograms } from './kernels.js'

/** kx's own tfjs kernel (under `kx-webgpu`): max-pool gradient, inputs `{ dy, x }` (NHWC), attrs of `PoolSizes`. */
export const KX_MAX_POOL_GRAD = 'KxMaxPoolGrad'

/** Window geometry (the shader's uniforms, in this order). */
export interface PoolSizes {
  readonly h: number; readonly w: number; readonly c: number; readonly oh: number; readonly ow: number
  readonly kh: number; readonly kw: number; readonly sh: number; readonly sw: number; readonly pt: number; readonly pl: number
}

const POOL_FIELDS = ['h', 'w', 'c', 'oh', 'ow', 'kh', 'kw', 'sh', 'sw', 'pt', 'pl'] as const
const POOL_UNIFORMS = `total : i32, ${POOL_FIELDS.map((k) => `${k} : i32,`).join(' ')}`

/** Reads per input element above which the gather costs more than tfjs's passes. */
const MAX_READS = 64

/**
 * WGSL body: `dx[n, ih, iw, c] = Σ dy[n, oh, ow, c]` over the windows `(oh, ow)` containing `(ih, iw)` whose
 * first maximum (row-major over the window, padding excluded, as the reference) is at `(ih, iw)`.
 */
export function maxPoolGradWgsl(): string {
  return `
      fn main(index : i32) {
        if (index >= uniforms.total) { return; }
        let c = index % uniforms.c;
        var t = index / uniforms.c;
        let iw = t % uniforms.w;
        t = t / uniforms.w;
        let ih = t % uniforms.h;
        let n = t / uniforms.h;
        var acc = 0.0;
        for (var ki = 0; ki < uniforms.kh; ki++) {
          let hs = ih + uniforms.pt - ki;
          if (hs < 0 || hs % uniforms.sh != 0 || hs / uniforms.sh >= uniforms.oh) { continue; }
          let oh = hs / uniforms.sh;
          for (var kj = 0; kj < uniforms.kw; kj++) {
            let ws = iw + uniforms.pl - kj;
            if (ws < 0 || ws % uniforms.sw != 0 || ws / uniforms.sw >= uniforms.ow) { continue; }
            let ow = ws / uniforms.sw;
            // The window's first maximum: strictly greater replaces, so ties keep the earliest offset.
            var best = 0.0;
            var at = -1;
            for (var a = 0; a < uniforms.kh; a++) {
              let y = oh * uniforms.sh - uniforms.pt + a;
              if (y < 0 || y >= uniforms.h) { continue; }
              for (var b = 0; b < uniforms.kw; b++) {
                let x = ow * uniforms.sw - uniforms.pl + b;
                if (x < 0 || x >= uniforms.w) { continue; }
                let v = X[((n * uniforms.h + y) * uniforms.w + x) * uniforms.c + c];
                if (at < 0 || v > best) { best = v; at = y * uniforms.w + x; }
              }
            }
            if (at == ih * uniforms.w + iw) { acc = acc + DY[((n * uniforms.oh + oh) * uniforms.ow + ow) * uniforms.c + c]; }
          }
        }
        setOutputAtIndex(index, acc);
      }`
}

/** The `KxMaxPoolGrad` kernel function, on a flat program maker (`flatProgram` bound to tfjs's utils). */
export function maxPoolGradKernel(flat: (shape: number[], key: string, code: string) => Program): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo }
    const p = attrs as unknown as PoolSizes
    const total = x.shape.reduce((a, b) => a * b, 1)
    const program = flat([total], 'kx_maxpool_grad', maxPoolGradWgsl())
    Object.assign(program, { variableNames: ['DY', 'X'], outputShape: x.shape.slice(), size: false, uniforms: POOL_UNIFORMS })
    const values = [total, ...POOL_FIELDS.map((k) => p[k])]
    return (backend as RunsPrograms).runWebGPUProgram(program, [dy, x], 'float32', values.map((v) => ({ type: 'int32', data: [v] })))
  }
}

const fallback = TFJS_PRIM_RULES.select_and_scatter_add

/**
 * `select_and_scatter_add` (max-pool's VJP) on webgpu: a 2-d NHWC float32 max pool (window and strides 1
 * on batch and channels, no padding there) with small windows runs `KxMaxPoolGrad` where the engine has it
 * (software adapters); anything else runs backend-tfjs's rule.
 */
export const selectAndScatterAddRule: TfjsRule<'select_and_scatter_add'> = (ctx, inputs, params, outputs) => {
  const [source, x] = inputs as [TensorInfo, TensorInfo]
  const { windowDimensions: k, windowStrides: s, padding: pad } = params
  const spatialOnly = x.shape.length === 4 && k[0] === 1 && k[3] === 1 && s[0] === 1 && s[3] === 1
    && [0, 3].every((d) => pad[d]![0] === 0 && pad[d]![1] === 0) && pad.every(([lo, hi]) => lo >= 0 && hi >= 0)
  if (!spatialOnly || x.dtype !== 'float32' || !ctx.has(KX_MAX_POOL_GRAD) || x.shape.some((d) => d === 0)) return fallback(ctx, inputs, params, outputs)
  const [kh, kw, sh, sw] = [k[1]!, k[2]!, s[1]!, s[2]!]
  if (kh * kw * Math.ceil(kh / sh) * Math.ceil(kw / sw) > MAX_READS) return fallback(ctx, inputs, params, outputs)
  const [, h, w, c] = x.shape as [number, number, number, number]
  const p: PoolSizes = { h, w, c, oh: source.shape[1]!, ow: source.shape[2]!, kh, kw, sh, sw, pt: pad[1]![0], pl: pad[2]![0] }
  return [ctx.kernel(KX_MAX_POOL_GRAD, { dy: source, x }, { ...p })]
}
