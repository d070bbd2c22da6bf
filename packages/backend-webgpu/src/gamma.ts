/**
 * @file `lgamma`, `digamma` and `igamma` on the device (backend-tfjs runs them on the host, which needs a
 * synchronous read; WebGPU reads are async only). float32 versions of `reference`'s algorithms (core's
 * `reference/special.ts`): a power series of lgamma around 2 with recurrences and Stirling's series, the
 * reflection formulas for negative arguments, and P(a, x) by its series (x < a + 1) or Lentz's continued
 * fraction of Q, each with a fixed maximum number of iterations.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { TfjsRule } from '@kx/backend-tfjs'
import type { KernelFn, RunsPrograms } from './kernels.js'
import type { FlatProgramMaker } from './sort.js'

/** kx's own tfjs kernels (under `kx-webgpu`): elementwise float32 `{ x }` (lgamma, digamma) and `{ a, x }` (igamma). */
export const KX_LGAMMA = 'KxLgamma'
export const KX_DIGAMMA = 'KxDigamma'
export const KX_IGAMMA = 'KxIgamma'

/** ζ(k) − 1 = Σ_{j≥2} j^−k for k ≥ 2: direct terms to 1000, then the Euler–Maclaurin tail (error < 1e-15). */
function zetaMinusOne(k: number): number {
  const J = 1000
  let s = 0
  for (let j = J; j >= 2; j--) s += j ** -k
  return s + J ** (1 - k) / (k - 1) - 0.5 * J ** -k + (k / 12) * J ** (-k - 1)
}

/** lgamma(2 + z) = Σ_{k≥1} c_k z^k, c_1 = 1 − γ, c_k = (−1)^k (ζ(k) − 1) / k; 20 terms suffice in f32 for |z| ≤ ½. */
const LG_C2 = [1 - 0.5772156649015329, ...Array.from({ length: 19 }, (_, i) => ((i % 2 === 0 ? 1 : -1) * zetaMinusOne(i + 2)) / (i + 2))]
/** Even Bernoulli numbers B2 … B10 (Stirling's series, digamma's asymptotic series). */
const BERNOULLI = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66]

const lit = (v: number): string => {
  const s = v.toPrecision(9)
  return s.includes('.') || s.includes('e') ? s : `${s}.0`
}
/** WGSL Horner evaluation of Σ_{k≥1} c[k−1] z^k. */
const series = (c: readonly number[], z: string): string =>
  `${c.slice().reverse().reduce((acc, v, i) => (i === 0 ? lit(v) : `(${lit(v)} + ${z} * ${acc})`), '')} * ${z}`
/** WGSL: Stirling's correction Σ B_2j / (2j (2j−1) x^(2j−1)) (x ≥ 10), and ψ's Σ B_2j / (2j x^2j). */
const stirling = BERNOULLI.map((b, j) => `${lit(b / ((2 * j + 2) * (2 * j + 1)))} / ${['x', 'x3', 'x5', 'x7', 'x9'][j]}`).join(' + ')
const psiTail = BERNOULLI.map((b, j) => `${lit(b / (2 * j + 2))} / ${['x2', 'x4', 'x6', 'x8', 'x10'][j]}`).join(' + ')

/** WGSL helpers shared by the three programs. */
const GAMMA_FNS = `
      fn kxStirling(x : f32) -> f32 {
        let x2 = x * x; let x3 = x2 * x; let x5 = x3 * x2; let x7 = x5 * x2; let x9 = x7 * x2;
        return ${stirling};
      }
      // log Γ(x) for x > 0 (finite).
      fn kxLgammaPos(x : f32) -> f32 {
        if (x >= 10.0) { return (x - 0.5) * log(x) - x + 0.918938533 + kxStirling(x); }
        // Shift into [1.5, 2.5): Γ(x) = Γ(y) · (y−1)…(x) / (x)…(y−1), products of at most 10 factors.
        var y = x;
        var num = 1.0;
        var den = 1.0;
        for (var i = 0; i < 12 && y < 1.5; i++) { den = den * y; y = y + 1.0; }
        for (var i = 0; i < 12 && y >= 2.5; i++) { y = y - 1.0; num = num * y; }
        let z = y - 2.0;
        return ${series(LG_C2, 'z')} + log(num) - log(den);
      }
      // |sin(πx)| with exact argument reduction to [0, ½].
      fn kxAbsSinPi(x : f32) -> f32 {
        var r = abs(x - 2.0 * round(x * 0.5));
        if (r > 0.5) { r = 1.0 - r; }
        return sin(3.14159265 * r);
      }
      fn kxLgamma(x : f32) -> f32 {
        if (isnan(x)) { return uniforms.NAN; }
        if (abs(x) > 3.0e38) { return uniforms.INFINITY; }
        if (x <= 0.0) {
          if (floor(x) == x) { return uniforms.INFINITY; }
          // Reflection: Γ(x) Γ(1−x) = π / sin(πx).
          return log(3.14159265 / kxAbsSinPi(x)) - kxLgammaPos(1.0 - x);
        }
        return kxLgammaPos(x);
      }
      fn kxDigammaPos(x0 : f32) -> f32 {
        var x = x0;
        var acc = 0.0;
        for (var i = 0; i < 10 && x < 10.0; i++) { acc = acc + 1.0 / x; x = x + 1.0; }
        let x2 = x * x; let x4 = x2 * x2; let x6 = x4 * x2; let x8 = x6 * x2; let x10 = x8 * x2;
        return log(x) - 0.5 / x - (${psiTail}) - acc;
      }
      fn kxDigamma(x : f32) -> f32 {
        if (isnan(x)) { return uniforms.NAN; }
        if (x > 3.0e38) { return uniforms.INFINITY; }
        if (x <= 0.0) {
          if (floor(x) == x || x < -3.0e38) { return uniforms.NAN; }
          // Reflection: ψ(1−x) − ψ(x) = π cot(πx), r = x − round(x) in [−½, ½].
          let r = 3.14159265 * (x - round(x));
          return kxDigammaPos(1.0 - x) - 3.14159265 * cos(r) / sin(r);
        }
        return kxDigammaPos(x);
      }
      // log(1 + t) − t for |t| < ½ (series, no cancellation).
      fn kxLog1pmx(t : f32) -> f32 {
        var term = t;
        var sum = 0.0;
        for (var k = 2; k < 60; k++) {
          term = -term * t;
          sum = sum + term / f32(k);
          if (abs(term) < 1e-9 * abs(sum)) { break; }
        }
        return sum;
      }
      // log(x^a e^−x / Γ(a)); for a ≥ 10 without the cancellation between a·log x, x and lgamma(a).
      fn kxLogPrefactor(a : f32, x : f32) -> f32 {
        if (a < 10.0) { return a * log(x) - x - kxLgamma(a); }
        let t = (x - a) / a;
        var l = log(x / a) - t;
        if (abs(t) < 0.5) { l = kxLog1pmx(t); }
        return a * l + 0.5 * log(a / 6.28318531) - kxStirling(a);
      }
      fn kxIgamma(a : f32, x : f32) -> f32 {
        if (isnan(a) || isnan(x) || x < 0.0 || a < 0.0) { return uniforms.NAN; }
        if (a == 0.0) { return select(uniforms.NAN, 1.0, x > 0.0); }
        if (x == 0.0) { return 0.0; }
        if (x > 3.0e38) { return 1.0; }
        if (a > 3.0e38) { return uniforms.NAN; }
        if (x < a + 1.0) {
          var term = 1.0;
          var sum = 1.0;
          for (var n = 1; n < 2000; n++) {
            term = term * x / (a + f32(n));
            sum = sum + term;
            if (term < 1e-8 * sum) { break; }
          }
          return min(1.0, exp(kxLogPrefactor(a, x)) * sum / a);
        }
        // Q by Lentz's method: 1/(x+1−a− 1(1−a)/(x+3−a− 2(2−a)/(x+5−a− …))).
        let tiny = 1e-30;
        var b = x + 1.0 - a;
        var c = 1.0 / tiny;
        var d = 1.0 / b;
        var h = d;
        for (var n = 1; n < 2000; n++) {
          let an = -f32(n) * (f32(n) - a);
          b = b + 2.0;
          d = an * d + b;
          if (abs(d) < tiny) { d = tiny; }
          c = b + an / c;
          if (abs(c) < tiny) { c = tiny; }
          d = 1.0 / d;
          let delta = d * c;
          h = h * delta;
          if (abs(delta - 1.0) < 1e-7) { break; }
        }
        return 1.0 - exp(kxLogPrefactor(a, x)) * h;
      }`

const unaryWgsl = (fn: string): string => `${GAMMA_FNS}
      fn main(index : i32) {
        if (index < uniforms.size) { setOutputAtIndex(index, ${fn}(getAByOutputIndex(index))); }
      }`

const IGAMMA_WGSL = `${GAMMA_FNS}
      fn main(index : i32) {
        if (index < uniforms.size) { setOutputAtIndex(index, kxIgamma(getAByOutputIndex(index), getBByOutputIndex(index))); }
      }`

/** The `KxLgamma` / `KxDigamma` kernels: `{ x }` float32. */
export function gammaUnaryKernel(flat: FlatProgramMaker, which: 'lgamma' | 'digamma'): KernelFn {
  return ({ inputs, backend }) => {
    const x = inputs['x']!
    const program = flat(x.shape.slice(), `kx_${which}`, unaryWgsl(which === 'lgamma' ? 'kxLgamma' : 'kxDigamma'))
    return (backend as RunsPrograms).runWebGPUProgram(program, [x], 'float32')
  }
}

/** The `KxIgamma` kernel: `{ a, x }` float32 of one shape (or broadcasting like tfjs's binary kernels). */
export function igammaKernel(flat: FlatProgramMaker): KernelFn {
  return ({ inputs, backend }) => {
    const { a, x } = inputs as { a: TensorInfo; x: TensorInfo }
    const shape = a.shape.length >= x.shape.length ? a.shape.slice() : x.shape.slice()
    const program = Object.assign(flat(shape, 'kx_igamma', IGAMMA_WGSL), { variableNames: ['A', 'B'] })
    return (backend as RunsPrograms).runWebGPUProgram(program, [a, x], 'float32')
  }
}

/** The `lgamma` / `digamma` rules on webgpu (the primitives take float dtypes; float32 is the one stored). */
export const lgammaRule: TfjsRule<'lgamma'> = (ctx, [x]) => [ctx.kernel(KX_LGAMMA, { x: x! })]
export const digammaRule: TfjsRule<'digamma'> = (ctx, [x]) => [ctx.kernel(KX_DIGAMMA, { x: x! })]
/** The `igamma` rule on webgpu: P(a, x), regularized lower incomplete gamma. */
export const igammaRule: TfjsRule<'igamma'> = (ctx, [a, x]) => [ctx.kernel(KX_IGAMMA, { a: a!, x: x! })]
