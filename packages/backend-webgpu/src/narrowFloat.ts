/**
 * @file float16 and bfloat16 on WebGPU: tfjs-backend-webgpu's kernels store float32 only, so kx stores the narrow
 * floats as float32 and rounds every op's new values to the narrow type (round to nearest even), as the reference
 * backend does — the numerics of float16/bfloat16 (precision, float16's overflow to ±inf above 65504) at float32's
 * memory cost. The rounding is integer arithmetic on the float32 bits, so it needs no `shader-f16` and is exact on
 * every adapter (WGSL leaves the rounding direction of f32→f16 conversions to the implementation).
 */
import { getKernel, registerKernel, type KernelBackend, type TensorInfo } from '@tensorflow/tfjs-core'
import type { webgpu_util as WebGPUUtil } from '@tensorflow/tfjs-backend-webgpu'
import type { NarrowFloatRounding } from '@kx/backend-tfjs'
import { KX_WEBGPU, flatProgram, type RunsPrograms } from './kernels.js'

/** kx's own tfjs kernel (under `kx-webgpu`): float32 values rounded to float16 or bfloat16 (attr `dtype`). */
export const KX_ROUND_NARROW = 'KxRoundNarrowFloat'

// float16: keep 10 of float32's 23 mantissa bits (normal range), a multiple of 2^-24 below 2^-14 (subnormals;
// WGSL's `round` is half-to-even), ±inf from 65520 (the midpoint above float16's largest finite, 65504).
const FLOAT16_WGSL = `
      fn narrow(x : f32) -> f32 {
        let bits = bitcast<u32>(x);
        let sign = bits & 0x80000000u;
        let mag = bits & 0x7fffffffu;
        if (mag >= 0x7f800000u) { return x; }
        if (mag >= 0x477ff000u) { return bitcast<f32>(sign | 0x7f800000u); }
        if (mag < 0x38800000u) { return bitcast<f32>(sign | bitcast<u32>(round(bitcast<f32>(mag) * 16777216.0) * 5.9604644775390625e-8)); }
        return bitcast<f32>(sign | ((mag + 0xfffu + ((mag >> 13u) & 1u)) & 0xffffe000u));
      }`

// bfloat16: keep float32's top 16 bits, rounding to nearest even (overflow carries into ±inf); NaN stays NaN.
const BFLOAT16_WGSL = `
      fn narrow(x : f32) -> f32 {
        let bits = bitcast<u32>(x);
        if ((bits & 0x7fffffffu) > 0x7f800000u) { return x; }
        return bitcast<f32>((bits + 0x7fffu + ((bits >> 16u) & 1u)) & 0xffff0000u);
      }`

const main = (narrow: string): string => `${narrow}
      fn main(index : i32) {
        if (index < uniforms.size) { setOutputAtIndex(index, narrow(getAByOutputIndex(index))); }
      }`

/**
 * Registers `KxRoundNarrowFloat` under `kx-webgpu`, once (takes the loaded tfjs-backend-webgpu module's utils).
 *
 * @example
 * ```ts
 * const { webgpu_util } = await import('@tensorflow/tfjs-backend-webgpu')
 * registerNarrowFloat(webgpu_util)
 * ```
 */
export function registerNarrowFloat(util: typeof WebGPUUtil): void {
  if (getKernel(KX_ROUND_NARROW, KX_WEBGPU)) return
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: KernelBackend; attrs: { dtype: string } }): TensorInfo => {
    const x = inputs['x']!
    const half = attrs.dtype === 'float16'
    const program = flatProgram(util, x.shape.slice(), half ? 'kx_round_f16' : 'kx_round_bf16', main(half ? FLOAT16_WGSL : BFLOAT16_WGSL))
    return (backend as RunsPrograms).runWebGPUProgram(program, [x], 'float32')
  }
  registerKernel({ kernelName: KX_ROUND_NARROW, backendName: KX_WEBGPU, kernelFunc: kernelFunc as never })
}

/** Rounds float32 storage to float16/bfloat16 values on the device (`wrapTfjsBackend`'s `narrowFloats`). */
export const roundNarrowFloat: NarrowFloatRounding = (ctx, x, dtype) =>
  x.shape.reduce((a, b) => a * b, 1) === 0 ? x : ctx.kernel(KX_ROUND_NARROW, { x }, { dtype })
