/**
 * @file `asin` / `acos` on the device through `atan2`: the WGSL built-ins are off by up to ~1e-4 relative on
 * Mesa lavapipe (near ±0.65), beyond float32 tolerance; `atan2(x, √((1 − x)(1 + x)))` is accurate there.
 * Outside [−1, 1] (and for NaN) the result is NaN, as `reference`'s `Math.asin`.
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core'
import type { RunsPrograms } from './kernels.js'
import type { FlatProgramMaker } from './sort.js'

const ARC_WGSL = (acos: boolean): string => `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let x = getAByOutputIndex(index);
        let c = sqrt((1.0 - x) * (1.0 + x));
        let v = ${acos ? 'atan2(c, x)' : 'atan2(x, c)'};
        setOutputAtIndex(index, select(v, uniforms.NAN, isnan(x) || abs(x) > 1.0));
      }`

/** The float32 `Asin` / `Acos` kernel function (other dtypes never reach it: kx casts to float first). */
export function arcKernel(flat: FlatProgramMaker, acos: boolean): (args: { inputs: Record<string, TensorInfo>; backend: KernelBackend }) => TensorInfo {
  return ({ inputs, backend }) => {
    const x = inputs['x']!
    return (backend as RunsPrograms).runWebGPUProgram(flat(x.shape.slice(), acos ? 'kx_acos' : 'kx_asin', ARC_WGSL(acos)), [x], 'float32')
  }
}
