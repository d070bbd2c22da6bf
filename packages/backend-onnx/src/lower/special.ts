/**
 * @file Float compositions for functions ONNX (or ORT's CPU kernels, in float64) lacks: log1p, expm1,
 * the float64 inverse trig/hyperbolic functions, atan2, cbrt, erf (float64), erf_inv, lgamma, digamma.
 * Each takes a value in float32 or float64 storage and returns one in the same dtype.
 */
import type { DType } from '@kx/core'
import { ONNX_TYPE } from '../onnx/proto.js'
import { Expr } from './expr.js'

const PI = Math.PI

/** log(1 + x) without cancellation: `x · log(u) / (u - 1)` with `u = 1 + x` (Kahan); `log(u)` where u is ±inf (NaN for -inf). */
export function log1p(e: Expr, x: string): string {
  const u = e.add(1, x)
  const d = e.sub(u, 1)
  const r = e.div(e.mul(e.log(u), x), d)
  return e.where(e.eq(d, 0), x, e.where(e.isInf(u), e.log(u), r))
}

/** exp(x) - 1 without cancellation: `(u - 1) · x / log(u)` with `u = exp(x)` (Kahan). */
export function expm1(e: Expr, x: string): string {
  const u = e.exp(x)
  const d = e.sub(u, 1)
  const r = e.div(e.mul(d, x), e.log(u))
  return e.where(e.eq(u, 1), x, e.where(e.eq(d, -1), -1, e.where(e.isInf(u), u, r)))
}

/** Runs a float32 kernel on a float64 value and widens the result back (a starting guess). */
function f32Guess(e: Expr, op: string, x: string): string {
  const narrow = e.b.op('Cast', [x], { to: ONNX_TYPE.FLOAT })
  return e.b.op('Cast', [e.b.op(op, [narrow])], { to: ONNX_TYPE.DOUBLE })
}

/**
 * atan in float64: the float32 kernel's value refined by two Newton steps on f(y) = sin y - x cos y
 * (f' = cos y + x sin y > 0 around the root, no pole at ±π/2).
 */
export function atan64(e: Expr, x: string): string {
  let y = f32Guess(e, 'Atan', x)
  for (let i = 0; i < 2; i++) {
    const s = e.sin(y)
    const c = e.cos(y)
    y = e.sub(y, e.div(e.sub(s, e.mul(x, c)), e.add(c, e.mul(x, s))))
  }
  return e.where(e.isInf(x), e.mul(e.sign(x), PI / 2), y)
}

/** atan in the expression's dtype (native in float32). */
export function atanOf(e: Expr, x: string): string {
  return e.dtype === 'float64' ? atan64(e, x) : e.b.op('Atan', [x])
}

/** asin(x) = atan(x / sqrt((1 - x)(1 + x))) (exact ±π/2 at ±1). */
export function asin64(e: Expr, x: string): string {
  return atan64(e, e.div(x, e.sqrt(e.mul(e.sub(1, x), e.add(1, x)))))
}

/** acos(x) = 2·atan(sqrt((1 - x)/(1 + x))). */
export function acos64(e: Expr, x: string): string {
  return e.mul(2, atan64(e, e.sqrt(e.div(e.sub(1, x), e.add(1, x)))))
}

export function sinh64(e: Expr, x: string): string { return e.mul(0.5, e.sub(e.exp(x), e.exp(e.neg(x)))) }
export function cosh64(e: Expr, x: string): string { return e.mul(0.5, e.add(e.exp(x), e.exp(e.neg(x)))) }

/** asinh(x) = sign(x)·log1p(|x| + x²/(1 + sqrt(1 + x²))). */
export function asinh64(e: Expr, x: string): string {
  const a = e.abs(x)
  const x2 = e.mul(x, x)
  const r = log1p(e, e.add(a, e.div(x2, e.add(1, e.sqrt(e.add(1, x2))))))
  // NOTE: for huge |x|, x² overflows; log(2|x|) is then exact to rounding.
  const big = e.add(e.log(a), Math.LN2)
  return e.mul(e.where(e.gt(a, 1e150), big, r), e.where(e.signBit(x), -1, 1))
}

/** acosh(x) = log(x + sqrt(x² - 1)) (large x: log(2x)). */
export function acosh64(e: Expr, x: string): string {
  const r = e.log(e.add(x, e.sqrt(e.mul(e.sub(x, 1), e.add(x, 1)))))
  return e.where(e.gt(x, 1e150), e.add(e.log(x), Math.LN2), r)
}

/** atanh(x) = ½·log1p(2x / (1 - x)). */
export function atanh64(e: Expr, x: string): string {
  return e.mul(0.5, log1p(e, e.div(e.mul(2, x), e.sub(1, x))))
}

/** IEEE atan2(y, x) from atan(y/x) plus quadrant, signed-zero and infinity rules. */
export function atan2(e: Expr, y: string, x: string): string {
  const r = atanOf(e, e.div(y, x))
  const negX = e.signBit(x)
  const negY = e.signBit(y)
  const piY = e.where(negY, -PI, PI)
  let out = e.where(negX, e.add(r, piY), r)
  // both zero: ±0 or ±π by the signs
  const zz = e.and(e.eq(x, 0), e.eq(y, 0))
  out = e.where(zz, e.where(negX, piY, y), out)
  // both infinite: ±π/4 or ±3π/4
  const ii = e.and(e.isInf(x), e.isInf(y))
  out = e.where(ii, e.mul(e.where(negY, -1, 1), e.where(negX, (3 * PI) / 4, PI / 4)), out)
  return out
}

/** cbrt(x) = sign(x)·|x|^(1/3), polished by one Newton step. */
export function cbrt(e: Expr, x: string): string {
  const a = e.abs(x)
  const y0 = e.pow(a, 1 / 3)
  const y1 = e.sub(y0, e.div(e.sub(e.mul(e.mul(y0, y0), y0), a), e.mul(3, e.mul(y0, y0))))
  const y = e.where(e.or(e.eq(y0, 0), e.isInf(y0)), y0, y1)
  return e.where(e.signBit(x), e.neg(y), y)
}

/**
 * erf in float64, as the reference computes it: for |x| < 2.5 the all-positive series
 * 2/√π·exp(-x²)·Σ 2ⁿx^(2n+1)/(2n+1)!! (nested, 60 terms), else 1 - erfc(|x|) by the continued
 * fraction erfc(x) = exp(-x²)/√π / (x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) evaluated from depth 60.
 */
export function erf64(e: Expr, x: string): string {
  const a = e.abs(x)
  const small = e.min(a, 2.5)
  const x2 = e.mul(small, small)
  let s: string = e.v(1)
  for (let n = 60; n >= 1; n--) s = e.add(1, e.mul(e.div(e.mul(2, x2), 2 * n + 1), s))
  const series = e.mul(e.mul(2 / Math.sqrt(PI), e.exp(e.neg(x2))), e.mul(small, s))
  const big = e.max(a, 2.5)
  let f: string = big
  for (let n = 60; n >= 1; n--) f = e.add(big, e.div(n / 2, f))
  const erfc = e.div(e.exp(e.neg(e.mul(big, big))), e.mul(Math.sqrt(PI), f))
  const tail = e.sub(1, erfc)
  const mag = e.where(e.lt(a, 2.5), series, e.where(e.gt(a, 6), 1, tail))
  const signed = e.where(e.signBit(x), e.neg(mag), mag)
  return e.where(e.isNaN(x), x, signed)
}

/** erf in the expression's dtype (native Erf in float32). */
export function erfOf(e: Expr, x: string): string {
  return e.dtype === 'float64' ? erf64(e, x) : e.b.op('Erf', [x])
}

/**
 * erf⁻¹ (float32): Giles' single-precision approximation (two polynomials in w = -log(1 - y²)), then
 * one Halley step on erf(x) - y in float64 with the float64 erf.
 */
export function erfInv(e: Expr, y: string): string {
  const w = e.neg(log1p(e, e.neg(e.mul(y, y))))
  const w1 = e.sub(w, 2.5)
  const p1 = e.poly(w1, [1.50140941, 0.246640727, -0.00417768164, -0.00125372503, 0.00021858087, -4.39150654e-6, -3.5233877e-6, 3.43273939e-7, 2.81022636e-8])
  const w2 = e.sub(e.sqrt(w), 3)
  const p2 = e.poly(w2, [2.83297682, 1.00167406, 0.00943887047, -0.0076224613, 0.00573950773, -0.00367342844, 0.00134934322, 0.000100950558, -0.000200214257])
  let x = e.mul(e.where(e.lt(w, 5), p1, p2), y)
  for (let i = 0; i < 2; i++) {
    const f = e.sub(erfOf(e, x), y)
    const fp = e.mul(2 / Math.sqrt(PI), e.exp(e.neg(e.mul(x, x))))
    const dx = e.div(f, e.add(fp, e.mul(x, f)))
    x = e.where(e.isInf(x), x, e.sub(x, dx))
  }
  const ay = e.abs(y)
  let out = e.where(e.eq(ay, 1), e.mul(y, Infinity), x)
  out = e.where(e.or(e.gt(ay, 1), e.isNaN(y)), NaN, out)
  return e.where(e.eq(y, 0), y, out)
}

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7]

/** log Γ(x) for x ≥ 0.5 by Lanczos (g = 7, 9 terms). */
function lgammaRight(e: Expr, x: string): string {
  const z = e.sub(x, 1)
  let s: string = e.v(LANCZOS[0]!)
  for (let i = 1; i < LANCZOS.length; i++) s = e.add(s, e.div(LANCZOS[i]!, e.add(z, i)))
  const t = e.add(z, 7.5)
  return e.add(e.add(0.5 * Math.log(2 * PI), e.mul(e.add(z, 0.5), e.log(t))), e.sub(e.log(s), t))
}

/** log|Γ(x)|: Lanczos for x ≥ 0.5, reflection log(π/|sin πx|) - lgammaRight(1 - x) below; +∞ at poles. */
export function lgamma(e: Expr, x: string): string {
  const right = lgammaRight(e, e.max(x, 0.5))
  const xr = e.min(x, 0.5)
  // sin(πx) with x reduced mod 2 first keeps the argument small.
  const red = e.sub(xr, e.mul(2, e.floor(e.mul(xr, 0.5))))
  const left = e.sub(e.log(e.div(PI, e.abs(e.sin(e.mul(PI, red))))), lgammaRight(e, e.sub(1, xr)))
  const pole = e.and(e.le(x, 0), e.eq(x, e.floor(x)))
  let out = e.where(e.ge(x, 0.5), right, left)
  out = e.where(pole, Infinity, out)
  out = e.where(e.isInf(x), Infinity, out)
  return e.where(e.isNaN(x), x, out)
}

/** ψ(x): reflection below 0.5, a shift by 10 and the asymptotic series; NaN at non-positive integers. */
export function digamma(e: Expr, x: string): string {
  const refl = e.lt(x, 0.5)
  const xr = e.min(x, 0.5)
  const z0 = e.where(refl, e.sub(1, xr), x)
  let shift: string = e.v(0)
  for (let k = 0; k < 10; k++) shift = e.add(shift, e.div(1, e.add(z0, k)))
  const z = e.add(z0, 10)
  const iz2 = e.div(1, e.mul(z, z))
  const series = e.mul(iz2, e.poly(iz2, [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12]))
  const psi = e.sub(e.sub(e.sub(e.log(z), e.div(0.5, z)), series), shift)
  const red = e.sub(xr, e.mul(2, e.floor(e.mul(xr, 0.5))))
  const reflected = e.sub(psi, e.div(PI, e.div(e.sin(e.mul(PI, red)), e.cos(e.mul(PI, red)))))
  let out = e.where(refl, reflected, psi)
  out = e.where(e.and(e.le(x, 0), e.eq(x, e.floor(x))), NaN, out)
  return e.where(e.eq(x, Infinity), Infinity, out)
}

/** Dtypes the compositions compute in. */
export const COMPOSE_DTYPES: readonly DType[] = ['float32', 'float64']
