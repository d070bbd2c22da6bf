/**
 * @file Fused optimizer updates as WGSL: Adam's step of one variable in one dispatch writing the new
 * variable and both moments (`KxAdamStep`, recorded on tfjs's command encoder directly: its programs have
 * one output), or, where that path is unavailable, three flat tfjs programs (new first moment, new second
 * moment, new variable); either instead of the decomposition's dozen elementwise kernels and broadcasts.
 * On a software adapter each dispatch costs far more than its arithmetic.
 */
import { env, type TensorInfo } from '@tensorflow/tfjs-core'
import type { TfjsFusedRule } from '@kx/backend-tfjs'
import type { KernelFn } from './kernels.js'

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

/** kx's tfjs kernel (under `kx-webgpu`): a whole Adam step, inputs `{ w, g, m, v, alpha }` (flat), outputs `[w', m', v']`. */
export const KX_ADAM_STEP = 'KxAdamStep'

/** The one-dispatch step: the three parts' expressions in the same order (same float32 rounding). */
const ADAM_STEP_WGSL = `
struct U { n : i32, c1 : f32, c2 : f32, eps : f32 }
@group(0) @binding(0) var<storage, read_write> W1 : array<f32>;
@group(0) @binding(1) var<storage, read_write> M1 : array<f32>;
@group(0) @binding(2) var<storage, read_write> V1 : array<f32>;
@group(0) @binding(3) var<storage, read> W : array<f32>;
@group(0) @binding(4) var<storage, read> G : array<f32>;
@group(0) @binding(5) var<storage, read> M : array<f32>;
@group(0) @binding(6) var<storage, read> V : array<f32>;
@group(0) @binding(7) var<storage, read> Alpha : array<f32>;
@group(0) @binding(8) var<uniform> u : U;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id : vec3<u32>) {
  for (var j = 0; j < ${ADAM_ELEMENTS}; j++) {
    let index = i32(id.x) * ${ADAM_ELEMENTS} + j;
    if (index < u.n) {
      let m1 = M[index] + (G[index] - M[index]) * u.c1;
      let v1 = V[index] + (G[index] * G[index] - V[index]) * u.c2;
      M1[index] = m1;
      V1[index] = v1;
      W1[index] = W[index] - (m1 * Alpha[0]) / (sqrt(v1) + u.eps);
    }
  }
}`

/** The parts of tfjs-webgpu's `WebGPUBackend` the one-dispatch step records through (4.22). */
interface Recorder {
  device: GPUDevice
  pipelineCache: Record<string, unknown>
  commandEncoder: GPUCommandEncoder | null
  computePassEncoder: GPUComputePassEncoder | null
  dispatchCountInPass: number
  commandQueueOwnedIds: WeakSet<object>
  activeTimers: unknown
  makeTensorInfo(shape: number[], dtype: string): TensorInfo
  uploadToGPU(dataId: object): void
  tensorToBinding(t: TensorInfo): GPUBindingResource
  makeUniforms(u: { type: string; data: number[] }[]): GPUBindingResource
  ensureCommandEncoderReady(): void
  endComputePassEncoder(): void
  submitQueue(): void
}

const STEP_KEY = 'kx_adam_step'

/**
 * The `KxAdamStep` kernel: one dispatch where the backend is tfjs-webgpu's as expected (not profiling, a
 * dispatch within one grid dimension), else `part` (the `KxAdamUpdate` kernel) three times.
 */
export function adamStepKernel(part: KernelFn): KernelFn {
  return (({ inputs, backend, attrs }: Parameters<KernelFn>[0]): TensorInfo[] => {
    const { w, g, m, v, alpha } = inputs as Record<'w' | 'g' | 'm' | 'v' | 'alpha', TensorInfo>
    const [c1, c2, eps] = [attrs['c1'], attrs['c2'], attrs['epsilon']] as [number, number, number]
    const n = w.shape[0]!
    const be = backend as unknown as Recorder
    const groups = Math.ceil(n / ADAM_ELEMENTS / 64)
    const direct = typeof be.makeUniforms === 'function' && be.commandQueueOwnedIds instanceof WeakSet && be.activeTimers == null
      && groups <= be.device.limits.maxComputeWorkgroupsPerDimension
    if (!direct) {
      const run = (p: string, xs: TensorInfo[], c: number): TensorInfo => part({ inputs: Object.fromEntries(xs.map((x, i) => [i, x])), backend, attrs: { part: p, c } })
      const m1 = run('m', [g, m], c1)
      const v1 = run('v', [g, v], c2)
      return [run('w', [w, m1, v1, alpha], eps), m1, v1]
    }
    let pipeline = be.pipelineCache[STEP_KEY] as GPUComputePipeline | undefined
    if (!pipeline) {
      const module = be.device.createShaderModule({ code: ADAM_STEP_WGSL })
      pipeline = be.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } })
      be.pipelineCache[STEP_KEY] = pipeline
    }
    const outs = [0, 1, 2].map(() => be.makeTensorInfo([n], 'float32'))
    const all = [...outs, w, g, m, v, alpha]
    for (const t of all) be.uploadToGPU(t.dataId)
    const uniforms = be.makeUniforms([{ type: 'int32', data: [n] }, { type: 'float32', data: [c1] }, { type: 'float32', data: [c2] }, { type: 'float32', data: [eps] }])
    const bindGroup = be.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [...all.map((t, i) => ({ binding: i, resource: be.tensorToBinding(t) })), { binding: all.length, resource: uniforms }],
    })
    // As tfjs's own recordAndSubmit: the buffers stay owned by the queued commands until the next submit.
    for (const t of all) be.commandQueueOwnedIds.add(t.dataId)
    be.ensureCommandEncoderReady()
    be.computePassEncoder ??= be.commandEncoder!.beginComputePass({})
    be.computePassEncoder.setPipeline(pipeline)
    be.computePassEncoder.setBindGroup(0, bindGroup)
    be.computePassEncoder.dispatchWorkgroups(groups)
    be.dispatchCountInPass++
    if ((env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) <= be.dispatchCountInPass) {
      be.endComputePassEncoder()
      be.submitQueue()
    }
    return outs
  }) as unknown as KernelFn
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
  const [c1, c2, eps] = [Math.fround(1 - beta1), Math.fround(1 - beta2), Math.fround(epsilon)]
  const alpha1 = ctx.kernel('Reshape', { x: alpha }, { shape: [1] })
  if (ctx.has(KX_ADAM_STEP)) return ctx.kernelMulti(KX_ADAM_STEP, { w: wf, g: gf, m: mf, v: vf, alpha: alpha1 }, { c1, c2, epsilon: eps })
  const m1 = ctx.kernel(KX_ADAM_UPDATE, [gf, mf], { part: 'm', c: c1 })
  const v1 = ctx.kernel(KX_ADAM_UPDATE, [gf, vf], { part: 'v', c: c2 })
  return [ctx.kernel(KX_ADAM_UPDATE, [wf, m1, v1, alpha1], { part: 'w', c: eps }), m1, v1]
}
