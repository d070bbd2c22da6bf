/**
 * @file Fused composites on tfjs kernels: `_FusedMatMul`, `FusedConv2D` / `FusedDepthwiseConv2D`,
 * `Softmax`, and log-softmax as one kernel sequence. A rule returns null to decline a call it cannot
 * fuse; the op then runs its decomposition (the contract of `Backend.runFused`).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { FusedActivation, FusedOp, FusedParams, OutputSpec } from '@kx/core'
import type { TfjsKernelContext } from './context.js'
import { binary, prod, reshape, unary } from './helpers.js'

/** A fused rule: the outputs, or null to decline. */
export type TfjsFusedRule<F extends FusedOp> = (ctx: TfjsKernelContext, inputs: readonly TensorInfo[], params: FusedParams[F], outputs: readonly OutputSpec[]) => TensorInfo[] | null

/** tfjs's activation names; null where tfjs has none (tanh) or another constant (elu α ≠ 1). */
function tfActivation(a: FusedActivation, alpha: number): string | null {
  switch (a) {
    case 'linear': return 'linear'
    case 'relu': return 'relu'
    case 'relu6': return 'relu6'
    case 'sigmoid': return 'sigmoid'
    case 'leaky_relu': return 'leakyrelu'
    case 'elu': return alpha === 1 ? 'elu' : null
    default: return null
  }
}

const matmulBiasAct: TfjsFusedRule<'matmul_bias_act'> = (ctx, inputs, { activation, hasBias, alpha }, [out]) => {
  const act = tfActivation(activation, alpha)
  const [a, b, bias] = inputs as [TensorInfo, TensorInfo, TensorInfo | undefined]
  if (!act || a.dtype !== 'float32' || b.shape.length !== 2 || prod(out!.shape) === 0 || a.shape[a.shape.length - 1] === 0) return null
  const k = b.shape[0]!
  const m = prod(a.shape) / k
  const b3 = reshape(ctx, b, [1, k, b.shape[1]!])
  const named: Record<string, TensorInfo> = { a: reshape(ctx, a, [1, m, k]), b: ctx.weightsFor(b3, `${b3.shape}`) }
  if (hasBias) named['bias'] = bias!
  const y = ctx.kernel('_FusedMatMul', named, { transposeA: false, transposeB: false, activation: act, leakyreluAlpha: alpha })
  return [reshape(ctx, y, out!.shape)]
}

const convBiasAct: TfjsFusedRule<'conv_bias_act'> = (ctx, inputs, p, [out]) => {
  const act = tfActivation(p.activation, p.alpha)
  const [x, w, bias] = inputs as [TensorInfo, TensorInfo, TensorInfo | undefined]
  if (!act || x.dtype !== 'float32' || x.shape.length !== 4 || prod(out!.shape) === 0) return null
  if (p.padding.some(([lo, hi]) => lo < 0 || hi < 0)) return null
  const cin = x.shape[3]!
  const depthwise = p.groups === cin && p.groups > 1
  if (p.groups !== 1 && !depthwise) return null
  const attrs = {
    strides: p.strides.slice(), dilations: p.dilation.slice(), dataFormat: 'NHWC', activation: act, leakyreluAlpha: p.alpha,
    pad: [[0, 0], [...p.padding[0]!], [...p.padding[1]!], [0, 0]],
  }
  const named: Record<string, TensorInfo> = depthwise
    ? { x, filter: reshape(ctx, w, [w.shape[0]!, w.shape[1]!, cin, w.shape[3]! / cin]) }
    : { x, filter: w }
  if (p.hasBias) named['bias'] = bias!
  return [ctx.kernel(depthwise ? 'FusedDepthwiseConv2D' : 'FusedConv2D', named, attrs)]
}

const lastAxis = (x: TensorInfo, axis: number): boolean => axis === x.shape.length - 1 || axis === -1

const softmax: TfjsFusedRule<'softmax'> = (ctx, [x], { axis }) => {
  if (x!.dtype !== 'float32' || !lastAxis(x!, axis) || prod(x!.shape) === 0) return null
  // NOTE: a non-negative dim: tfjs-wasm indexes the shape with it.
  return [ctx.kernel('Softmax', { logits: x! }, { dim: x!.shape.length - 1 })]
}

/** log_softmax(x) = (x − max) − log Σ exp(x − max), as one kernel sequence (tfjs has no kernel). */
const logSoftmax: TfjsFusedRule<'log_softmax'> = (ctx, [x], { axis }) => {
  if (x!.dtype !== 'float32' || prod(x!.shape) === 0) return null
  const ax = axis < 0 ? axis + x!.shape.length : axis
  const max = ctx.kernel('Max', { x: x! }, { reductionIndices: [ax], keepDims: true })
  const shifted = binary(ctx, 'Sub', x!, max)
  const lse = unary(ctx, 'Log', ctx.kernel('Sum', { x: unary(ctx, 'Exp', shifted) }, { axis: [ax], keepDims: true }))
  return [binary(ctx, 'Sub', shifted, lse)]
}

/**
 * The fused composites this package runs natively, by op; `layer_norm`/`attention` are not declared.
 *
 * @example
 * ```ts
 * const outs = TFJS_FUSED_RULES.softmax?.(ctx, [x], { axis: -1 }, [{ shape: x.shape, dtype: 'float32' }]) // null = declined
 * ```
 */
export const TFJS_FUSED_RULES: { readonly [F in FusedOp]?: TfjsFusedRule<F> } = {
  matmul_bias_act: matmulBiasAct,
  conv_bias_act: convBiasAct,
  softmax,
  log_softmax: logSoftmax,
}
