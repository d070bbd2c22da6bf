/**
 * @file Max-pool's backward pass (`select_and_scatter_add`) as one WGSL program on software adapters.
 * backend-tfjs maps it onto tfjs's MaxPool (again, for the `output` input) + MaxPoolGrad, which on
 * tfjs-webgpu is a positions pass and a scatter pass: three dispatches over the pooled activation. Here
 * each invocation owns one input element and gathers the source values of the windows whose first
 * maximum it is (recomputing those windows' maxima), which is cheap for small windows (2×2: 4 reads).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import { TFJS_PRIM_RULES, type TfjsRule } from '@kx/backend-tfjs'
import type { KernelFn } from './kernels.js'

/** kx's own tfjs kernel (under `kx-webgpu`): max-pool gradient, inputs `{ dy, x }` (NHWC), attrs of `PoolSizes`. */
export const KX_MAX_POOL_GRAD = 'KxMaxPoolGrad'

/** Window geometry compiled into the shader. */
export interface PoolSizes {
  readonly h: number; readonly w: number; readonly c: number; readonly oh: number; readonly ow: number
  readonly kh: number; readonly kw: number; readonly sh: number; readonly sw: number; readonly pt: number; readonly pl: number
}

/** Reads per input element above which the gather costs more than tfjs's passes. */
const MAX_READS = 64

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
