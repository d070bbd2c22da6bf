/**
 * @file Fused optimizer updates as WGSL programs: Adam's step of one variable in three flat dispatches (new
 * first moment, new second moment, new variable) instead of the decomposition's dozen elementwise kernels
 * and broadcasts. On a software adapter each dispatch costs far more than its arithmetic.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { TfjsFusedRule } from '@kx/backend-tfjs'

/** kx's tfjs kernel (under `kx-webgpu`): one part (`attrs.part`: `m`, `v` or `w`) of an Adam step on flat buffers. */
export const KX_ADAM_UPDATE = 'KxAdamUpdate'

/** The three parts of an Adam step: input buffer names and WGSL body (`uniforms.c` is `1 − β` or ε). */
export const ADAM_PARTS = {
  // m' = m + (g − m)(1 − β1), the decomposition's order of operations
  m: { inputs: ['G', 'M'], code: 'M[index] + (G[index] - M[index]) * uniforms.c' },
  // v' = v + (g² − v)(1 − β2)
  v: { inputs: ['G', 'V'], code: 'V[index] + (G[index] * G[index] - V[index]) * uniforms.c' },
  // w' = w − (m' · alpha) / (sqrt(v') + ε); alpha is a one-element buffer (it depends on the step count)
  w: { inputs: ['W', 'M', 'V', 'Alpha'], code: 'W[index] - (M[index] * Alpha[0]) / (sqrt(V[index]) + uniforms.c)' },
} as const

/** Elements per invocation (as tfjs's vec4 elementwise kernels: fewer, longer invocations suit a software adapter). */
export const ADAM_ELEMENTS = 4

/** WGSL of one part over `uniforms.n` elements, `ADAM_ELEMENTS` consecutive ones per invocation. */
export function adamPartWgsl(part: keyof typeof ADAM_PARTS): string {
  return `
      fn main(q : i32) {
        for (var j = 0; j < ${ADAM_ELEMENTS}; j++) {
          let index = q * ${ADAM_ELEMENTS} + j;
          if (index < uniforms.n) { setOutputAtIndex(index, ${ADAM_PARTS[part].code}); }
        }
      }`
}

/**
 * `adam_update` on float32 `[w, g, m, v, alpha]`: flattened to 1-d (free: a view) so one shader per part
 * serves every variable shape, then three programs. Declines other dtypes.
 */
export const adamUpdate: TfjsFusedRule<'adam_update'> = (ctx, inputs, { beta1, beta2, epsilon }) => {
  const [w, g, m, v, alpha] = inputs as [TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo]
  const n = w.shape.reduce((a, b) => a * b, 1)
  if (n === 0 || [w, g, m, v, alpha].some((t) => t.dtype !== 'float32') || alpha.shape.reduce((a, b) => a * b, 1) !== 1) return null
  const flat = (t: TensorInfo): TensorInfo => (t.shape.length === 1 ? t : ctx.kernel('Reshape', { x: t }, { shape: [n] }))
  const [wf, gf, mf, vf] = [w, g, m, v].map(flat) as [TensorInfo, TensorInfo, TensorInfo, TensorInfo]
  // NOTE: the constants are rounded to float32 as the decomposition's uploaded scalars are.
  const m1 = ctx.kernel(KX_ADAM_UPDATE, [gf, mf], { part: 'm', c: Math.fround(1 - beta1) })
  const v1 = ctx.kernel(KX_ADAM_UPDATE, [gf, vf], { part: 'v', c: Math.fround(1 - beta2) })
  const w1 = ctx.kernel(KX_ADAM_UPDATE, [wf, m1, v1, ctx.kernel('Reshape', { x: alpha }, { shape: [1] })], { part: 'w', c: Math.fround(epsilon) })
  return [w1, m1, v1]
}
