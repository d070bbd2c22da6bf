/**
 * @file Fused composites of the webgpu engine beyond backend-tfjs's (`_FusedMatMul`, `FusedConv2D`, `Softmax`,
 * log-softmax): layer normalization as one WGSL program, and attention as BatchMatMul → Softmax → BatchMatMul
 * instead of the decomposition's dozen primitives. Each declines (returns null) what it does not cover, and
 * the op then runs its decomposition.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { FusedOp } from '@kx/core'
import type { TfjsFusedRule, TfjsKernelContext } from '@kx/backend-tfjs'
import { adamUpdate } from './optimizer.js'

/** kx's own tfjs kernel (under `kx-webgpu`): layer norm over the last axis of a 2-d `x` (inputs `{ x, gamma?, beta? }`). */
export const KX_LAYER_NORM = 'KxLayerNorm'

/**
 * WGSL body of layer normalization over rows of `X` (`rows × depth`): one invocation per row, two passes
 * (mean, then the mean squared deviation, as `moments`), then `(x − mean) · rsqrt(var + ε) · γ + β`.
 */
export function layerNormWgsl(hasGamma: boolean, hasBeta: boolean): string {
  return `
      fn main(index : i32) {
        if (index >= uniforms.rows) { return; }
        let depth = uniforms.depth;
        let base = index * depth;
        var mean = 0.0;
        for (var j = 0; j < depth; j++) { mean = mean + X[base + j]; }
        mean = mean / f32(depth);
        var v = 0.0;
        for (var j = 0; j < depth; j++) { let d = X[base + j] - mean; v = v + d * d; }
        let inv = inverseSqrt(v / f32(depth) + uniforms.eps);
        for (var j = 0; j < depth; j++) {
          var y = (X[base + j] - mean) * inv;
          ${hasGamma ? 'y = y * G[j];' : ''}
          ${hasBeta ? 'y = y + B[j];' : ''}
          setOutputAtIndex(base + j, y);
        }
      }`
}

/** ops-nn's masked-logit value (`-0.7 · float32 max`). */
const LARGE_NEGATIVE = -0.7 * 3.4028234663852886e38

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1)
const reshape = (ctx: TfjsKernelContext, x: TensorInfo, shape: readonly number[]): TensorInfo =>
  (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i]) ? x : ctx.kernel('Reshape', { x }, { shape: shape.slice() }))

/** Layer norm over the last axis with 1-d γ/β (Keras's LayerNormalization default); declines other axes. */
const layerNorm: TfjsFusedRule<'layer_norm'> = (ctx, inputs, { axes, epsilon, hasGamma, hasBeta }) => {
  const x = inputs[0]!
  const rank = x.shape.length
  const depth = x.shape[rank - 1]!
  if (x.dtype !== 'float32' || rank === 0 || axes.length !== 1 || axes[0] !== rank - 1 || depth === 0 || prod(x.shape) === 0) return null
  const gamma = hasGamma ? inputs[1]! : undefined
  const beta = hasBeta ? inputs[hasGamma ? 2 : 1]! : undefined
  if ([gamma, beta].some((t) => t && (t.dtype !== 'float32' || prod(t.shape) !== depth))) return null
  const named: Record<string, TensorInfo> = { x: reshape(ctx, x, [prod(x.shape) / depth, depth]) }
  if (gamma) named['gamma'] = reshape(ctx, gamma, [depth])
  if (beta) named['beta'] = reshape(ctx, beta, [depth])
  return [reshape(ctx, ctx.kernel(KX_LAYER_NORM, named, { epsilon }), x.shape)]
}

/**
 * Attention in `(B, T, H, D)` layout: `softmax(scale · q kᵀ + mask) v` with tfjs kernels — heads moved next
 * to the batch, one BatchMatMul for the logits, the (causal) mask as an additive bias, Softmax, one BatchMatMul.
 * Declines grouped-query attention (fewer key heads) and non-float32 inputs.
 */
const attention: TfjsFusedRule<'attention'> = (ctx, inputs, { scale, causal, hasMask, outDtype }) => {
  const [q, k, v] = inputs as [TensorInfo, TensorInfo, TensorInfo]
  const [b, t, h, d] = q.shape as [number, number, number, number]
  const s = k.shape[1]!
  if (outDtype !== 'float32' || [q, k, v].some((x) => x.dtype !== 'float32') || k.shape[2] !== h || prod(q.shape) === 0 || s === 0) return null
  const heads = (x: TensorInfo, n: number, depth: number): TensorInfo =>
    reshape(ctx, ctx.kernel('Transpose', { x }, { perm: [0, 2, 1, 3] }), [b * h, n, depth])
  const qh = heads(q, t, d)
  const kh = heads(k, s, d)
  const vh = heads(v, s, v.shape[3]!)
  let logits = ctx.kernel('BatchMatMul', { a: qh, b: kh }, { transposeA: false, transposeB: true })
  logits = ctx.kernel('Multiply', { a: logits, b: ctx.constant(scale, 'float32') })
  let keep: TensorInfo | undefined = hasMask ? reshape(ctx, inputs[3]!, [b * h, t, s]) : undefined
  if (causal) {
    const rows = ctx.kernel('Range', {}, { start: 0, stop: t, step: 1, dtype: 'int32' })
    const cols = ctx.kernel('Range', {}, { start: 0, stop: s, step: 1, dtype: 'int32' })
    const tri = ctx.kernel('GreaterEqual', { a: reshape(ctx, rows, [1, t, 1]), b: reshape(ctx, cols, [1, 1, s]) })
    keep = keep ? ctx.kernel('LogicalAnd', { a: keep, b: tri }) : tri
  }
  if (keep) {
    // Masked logits get the decomposition's large negative (−0.7 · float32 max) added: exp underflows to 0
    // as with its `where`, and a fully masked row stays uniform.
    const dropped = ctx.kernel('Sub', { a: ctx.constant(1, 'float32'), b: ctx.kernel('Cast', { x: keep }, { dtype: 'float32' }) })
    logits = ctx.kernel('Add', { a: logits, b: ctx.kernel('Multiply', { a: dropped, b: ctx.constant(LARGE_NEGATIVE, 'float32') }) })
  }
  const p = ctx.kernel('Softmax', { logits }, { dim: 2 })
  const o = ctx.kernel('BatchMatMul', { a: p, b: vh }, { transposeA: false, transposeB: false })
  return [ctx.kernel('Transpose', { x: reshape(ctx, o, [b, h, t, v.shape[3]!]) }, { perm: [0, 2, 1, 3] })]
}

/**
 * The fused rules webgpu adds to backend-tfjs's, by op.
 *
 * @example
 * ```ts
 * wrapTfjsBackend({ ..., fusedRules: WEBGPU_FUSED_RULES })
 * ```
 */
export const WEBGPU_FUSED_RULES: { readonly [F in FusedOp]?: TfjsFusedRule<F> } = { layer_norm: layerNorm, attention, adam_update: adamUpdate }
