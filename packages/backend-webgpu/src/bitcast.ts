/**
 * @file `bitcast_convert_type` on the device: WGSL `bitcast<>` between the 32-bit types webgpu stores
 * (float32 ↔ int32), a copy when the dtype does not change. backend-tfjs runs it on the host, which needs a
 * synchronous read; WebGPU reads are async only. `nextafter` is built from it.
 */
import { DTypeError } from '@kx/core'
import type { TfjsRule } from '@kx/backend-tfjs'
import type { KernelFn, RunsPrograms } from './kernels.js'
import type { FlatProgramMaker } from './sort.js'

/** kx's own tfjs kernel (under `kx-webgpu`): `{ x }` reinterpreted as attr `dtype` ('float32' | 'int32'). */
export const KX_BITCAST = 'KxBitcast'

const BITCAST_WGSL = (toInt: boolean): string => `
      fn main(index : i32) {
        if (index < uniforms.size) { ${toInt ? 'setOutputAtIndexI32(index, bitcast<i32>(A[index]));' : 'setOutputAtIndex(index, bitcast<f32>(A[index]));'} }
      }`

/** The `KxBitcast` kernel: a float32 ↔ int32 reinterpretation of each element (raw buffer reads, no f32 rounding). */
export function bitcastKernel(flat: FlatProgramMaker): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const x = inputs['x']!
    const toInt = attrs['dtype'] === 'int32'
    const program = flat(x.shape.slice(), `kx_bitcast_${toInt ? 'i32' : 'f32'}`, BITCAST_WGSL(toInt))
    return (backend as RunsPrograms).runWebGPUProgram(program, [x], toInt ? 'int32' : 'float32')
  }
}

/** The `bitcast_convert_type` rule on webgpu: float32 ↔ int32 on the device, a same-dtype cast is a copy. */
export const bitcastRule: TfjsRule<'bitcast_convert_type'> = (ctx, [x], { newDtype }, [out]) => {
  if (newDtype === x!.dtype) return [ctx.copy(x!)]
  const pair = `${x!.dtype}->${newDtype}`
  if (pair !== 'float32->int32' && pair !== 'int32->float32') {
    throw new DTypeError(`webgpu: \`bitcast_convert_type\` runs between float32 and int32 only (the 32-bit dtypes WebGPU stores). Received: from=${x!.dtype}, to=${newDtype}. Bitcast on a backend with that dtype (e.g. cpu).`)
  }
  if (out!.shape.some((d) => d === 0)) return [ctx.constant(0, newDtype as 'float32' | 'int32', out!.shape)]
  return [ctx.kernel(KX_BITCAST, { x: x! }, { dtype: newDtype })]
}
