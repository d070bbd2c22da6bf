/**
 * @file int32 `rem` as one WGSL program. backend-tfjs composes it from a truncating division (abs, sign,
 * floor-div, selects: ten distinct int32 programs), and the global `SeedGenerator` runs it on every unseeded
 * draw — each Keras initializer when a model is built — so a fresh process compiled those ten pipelines
 * before its first step (0.1–1 s each on a software adapter). WGSL's i32 `%` truncates (the dividend's
 * sign) and gives `INT_MIN % -1 = 0` as kx does, but `x % 0 = 0`: XLA's `x % 0 = x` is selected explicitly.
 */
import { getKernel, registerKernel, type KernelBackend, type TensorInfo } from '@tensorflow/tfjs-core'
import type { webgpu_util as WebGPUUtil } from '@tensorflow/tfjs-backend-webgpu'
import { TFJS_PRIM_RULES, type TfjsRule } from '@kx/backend-tfjs'
import { KX_WEBGPU, flatProgram, type RunsPrograms } from './kernels.js'

/** kx's own tfjs kernel (under `kx-webgpu`): int32 `a % b` on operands of one shape (inputs `{ a, b }`). */
export const KX_INT_REM = 'KxIntRem'

const INT_REM_WGSL = `
      fn main(index : i32) {
        if (index < uniforms.size) { let a = A[index]; let b = B[index]; setOutputAtIndexI32(index, select(a % b, a, b == 0)); }
      }`

/**
 * Registers `KxIntRem` under `kx-webgpu`, once (takes the loaded tfjs-backend-webgpu module's utils).
 *
 * @example
 * ```ts
 * const { webgpu_util } = await import('@tensorflow/tfjs-backend-webgpu')
 * registerIntRem(webgpu_util)
 * ```
 */
export function registerIntRem(util: typeof WebGPUUtil): void {
  if (getKernel(KX_INT_REM, KX_WEBGPU)) return
  const kernelFunc = ({ inputs, backend }: { inputs: Record<string, TensorInfo>; backend: KernelBackend }): TensorInfo => {
    const program = Object.assign(flatProgram(util, inputs['a']!.shape.slice(), 'kx_int_rem', INT_REM_WGSL), { variableNames: ['A', 'B'] })
    return (backend as RunsPrograms).runWebGPUProgram(program, [inputs['a']!, inputs['b']!], 'int32')
  }
  registerKernel({ kernelName: KX_INT_REM, backendName: KX_WEBGPU, kernelFunc: kernelFunc as never })
}

/** The `rem` rule on webgpu: int32 through `KxIntRem` (operands of one shape), float32 as backend-tfjs does it. */
export const remRule: TfjsRule<'rem'> = (ctx, inputs, params, outputs) => {
  const [a, b] = inputs as [TensorInfo, TensorInfo]
  return a.dtype === 'int32' ? [ctx.kernel(KX_INT_REM, { a, b })] : TFJS_PRIM_RULES.rem(ctx, inputs, params, outputs)
}
