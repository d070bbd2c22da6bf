/**
 * @file IEEE special values of tfjs-webgpu's float binary kernels, fixed after the fact on the device (the
 * finite results are theirs): `Mod(x, ±inf)` (kx's `rem` is `sign(x)·Mod(|x|, |y|)`) gave NaN, not x;
 * `Pow(±0, y < 0)` gave 0, not ±inf; `Atan2` of zeros and infinities was off. `reference` follows JS
 * `Math`, i.e. C99 Annex F.
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core'
import type { KernelFn, RunsPrograms } from './kernels.js'
import type { FlatProgramMaker } from './sort.js'

/** WGSL of each fix: `R` is tfjs's result, `A`/`B` the operands (broadcast by tfjs's accessors). */
const FIXES = {
  // Python-style mod (tfjs's): x mod ±inf is x when x is 0 or has the divisor's sign, else the divisor.
  Mod: `
        if (kxIsInf(b) && !kxIsInf(a) && !isnan(a)) { r = select(b, a, a == 0.0 || sign(a) == sign(b)); }`,
  // pow(±0, y < 0): ±inf for odd integer y (the zero's sign), +inf otherwise.
  Pow: `
        if (a == 0.0 && b < 0.0) {
          let odd = b == trunc(b) && abs(b % 2.0) == 1.0;
          let negZero = (bitcast<u32>(a) >> 31u) == 1u;
          r = select(uniforms.INFINITY, -uniforms.INFINITY, odd && negZero);
        }`,
  // atan2(y, x) with y = A, x = B: zeros by their signs, infinities by quadrant.
  Atan2: `
        let negA = (bitcast<u32>(a) >> 31u) == 1u;
        let negB = (bitcast<u32>(b) >> 31u) == 1u;
        let pi = 3.14159265358979;
        var v = r;
        if (a == 0.0 && !isnan(b)) { v = select(0.0, pi, negB); }
        else if (kxIsInf(a) && kxIsInf(b)) { v = select(pi / 4.0, 3.0 * pi / 4.0, negB); }
        else if (kxIsInf(b) && !isnan(a)) { v = select(0.0, pi, negB); }
        else if (kxIsInf(a) && !isnan(b)) { v = pi / 2.0; }
        if (!isnan(v) && !isnan(a) && !isnan(b)) { r = select(abs(v), -abs(v), negA); }`,
} as const

const IS_INF_WGSL = `
      fn kxIsInf(v : f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) == 0x7f800000u; }`

/** Wraps tfjs's float32 `Mod`/`Pow`/`Atan2` with the special-value fix (other dtypes pass through). */
export function ieeeFix(name: keyof typeof FIXES, kernel: KernelFn, flat: FlatProgramMaker): KernelFn {
  const code = `${IS_INF_WGSL}
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let a = getAByOutputIndex(index);
        let b = getBByOutputIndex(index);
        var r = getRByOutputIndex(index);${FIXES[name]}
        setOutputAtIndex(index, r);
      }`
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo }
    const r = kernel(args)
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return r
    const shape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape)
    const program = Object.assign(flat(shape, `kx_ieee_${name}`, code), { variableNames: ['R', 'A', 'B'] })
    const out = (args.backend as RunsPrograms).runWebGPUProgram(program, [r, a, b], 'float32')
    args.backend.disposeData(r.dataId)
    return out
  }
}

/** The tfjs kernels `ieeeFix` wraps. */
export const IEEE_FIXED_KERNELS = Object.keys(FIXES) as (keyof typeof FIXES)[]
