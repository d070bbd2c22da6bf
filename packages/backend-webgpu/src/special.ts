/**
 * @file `erf_inv` on the device (normal and truncated-normal draws, hence Keras's normal initializers):
 * backend-tfjs runs it on the host, which needs a synchronous read; WebGPU reads are async only.
 */
import type { TfjsRule } from '@kx/backend-tfjs'

/** kx's own tfjs kernel (under `kx-webgpu`): elementwise float32 inverse error function (inputs `{ x }`). */
export const KX_ERF_INV = 'KxErfInv'

/**
 * WGSL body of erf⁻¹ in f32: M. Giles' single-precision approximation ("Approximating the erfinv function",
 * GPU Computing Gems, 2011; the one XLA uses for f32), two polynomials in w = −log((1 − x)(1 + x)).
 * ±1 → ±inf, |x| > 1 and NaN → NaN, ±0 → ±0.
 */
export const ERF_INV_WGSL = `
      fn kxErfInv(x : f32) -> f32 {
        let ax = abs(x);
        if (isnan(x) || ax > 1.0) { return uniforms.NAN; }
        if (ax == 1.0) { return sign(x) * uniforms.INFINITY; }
        var w = -log((1.0 - x) * (1.0 + x));
        var p : f32;
        if (w < 5.0) {
          w = w - 2.5;
          p = 2.81022636e-08;
          p = 3.43273939e-07 + p * w;
          p = -3.5233877e-06 + p * w;
          p = -4.39150654e-06 + p * w;
          p = 0.00021858087 + p * w;
          p = -0.00125372503 + p * w;
          p = -0.00417768164 + p * w;
          p = 0.246640727 + p * w;
          p = 1.50140941 + p * w;
        } else {
          w = sqrt(w) - 3.0;
          p = -0.000200214257;
          p = 0.000100950558 + p * w;
          p = 0.00134934322 + p * w;
          p = -0.00367342844 + p * w;
          p = 0.00573950773 + p * w;
          p = -0.0076224613 + p * w;
          p = 0.00943887047 + p * w;
          p = 1.00167406 + p * w;
          p = 2.83297682 + p * w;
        }
        return p * x;
      }
      fn main(index : i32) {
        if (index < uniforms.size) { setOutputAtIndex(index, kxErfInv(getAByOutputIndex(index))); }
      }`

/** The `erf_inv` rule on webgpu: the WGSL kernel (the primitive takes float dtypes; float32 is the one stored). */
export const erfInvRule: TfjsRule<'erf_inv'> = (ctx, [x]) => [ctx.kernel(KX_ERF_INV, { x: x! })]
