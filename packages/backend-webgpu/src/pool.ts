/**
 * @file Max-pool's backward pass (`select_and_scatter_add`) as one WGSL program on software adapters.
 * backend-tfjs maps it onto tfjs's MaxPool (again, for the `output` input) + MaxPoolGrad, which on
 * tfjs-webgpu is a positions pass and a scatter pass: three dispatches over the pooled activation. Here
 * each invocation owns one input element and gathers the source values of the windows whose first
 * maximum it is (recomputing those windows' maxima), which is cheap for small windows (2×2: 4 reads).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import { TFJS_PRIM_RULES, type TfjsRule } from '@kx/backend-tfjs'
import type { KernelFn, Program, RunsPrograms } from './kernels.js'

/** kx's own tfjs kernel (under `kx-webgpu`): max-pool gradient, inputs `{ dy, x }` (NHWC), attrs of `PoolSizes`. */
export const KX_MAX_POOL_GRAD = 'KxMaxPoolGrad'

/** Window geometry compiled into the shader. */
export interface PoolSizes {
  readonly h: number; readonly w: number; readonly c: number; readonly oh: number; readonly ow: number
  readonly kh: number; readonly kw: number; readonly sh: number; readonly sw: number; readonly pt: number; readonly pl: number
}

/** Reads per input element above which the gather costs more than tfjs's passes. */
const MAX_READS = 64

/**
 * WGSL body: `dx[n, ih, iw, c] = Σ dy[n, oh, ow, c]` over the windows `(oh, ow)` containing `(ih, iw)` whose
 * first maximum (row-major over the window, padding excluded, as the reference) is at `(ih, iw)`.
 */
export function maxPoolGradWgsl(p: PoolSizes, total: number): string {
  return `
      fn main(index : i32) {
        if (index >= ${total}) { return; }
        // NOTE: a static use keeps the uniform buffer in the auto layout (tfjs always binds it).
        _ = uniforms.unused;
        let c = index % ${p.c};
        var t = index / ${p.c};
        let iw = t % ${p.w};
        t = t / ${p.w};
        let ih = t % ${p.h};
        let n = t / ${p.h};
        var acc = 0.0;
        for (var ki = 0; ki < ${p.kh}; ki++) {
          let hs = ih + ${p.pt} - ki;
          if (hs < 0 || hs % ${p.sh} != 0 || hs / ${p.sh} >= ${p.oh}) { continue; }
          let oh = hs / ${p.sh};
          for (var kj = 0; kj < ${p.kw}; kj++) {
            let ws = iw + ${p.pl} - kj;
            if (ws < 0 || ws % ${p.sw} != 0 || ws / ${p.sw} >= ${p.ow}) { continue; }
            let ow = ws / ${p.sw};
            // The window's first maximum: strictly greater replaces, so ties keep the earliest offset.
            var best = 0.0;
            var at = -1;
            for (var a = 0; a < ${p.kh}; a++) {
              let y = oh * ${p.sh} - ${p.pt} + a;
              if (y < 0 || y >= ${p.h}) { continue; }
              for (var b = 0; b < ${p.kw}; b++) {
                let x = ow * ${p.sw} - ${p.pl} + b;
                if (x < 0 || x >= ${p.w}) { continue; }
                let v = X[((n * ${p.h} + y) * ${p.w} + x) * ${p.c} + c];
                if (at < 0 || v > best) { best = v; at = y * ${p.w} + x; }
              }
            }
            if (at == ih * ${p.w} + iw) { acc = acc + DY[((n * ${p.oh} + oh) * ${p.ow} + ow) * ${p.c} + c]; }
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
    const program = flat([total], `kx_maxpool_grad_${total}_${Object.values(p).join('_')}`, maxPoolGradWgsl(p, total))
    Object.assign(program, { variableNames: ['DY', 'X'], outputShape: x.shape.slice(), size: false, uniforms: 'unused : f32,' })
    return (backend as RunsPrograms).runWebGPUProgram(program, [dy, x], 'float32', [{ type: 'float32', data: [0] }])
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
