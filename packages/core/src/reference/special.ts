/**
 * @file Special functions of the reference backend (erf, erfInv, lgamma, digamma, igamma) in float64,
 * accurate to about 1e-14 relative away from the zeros of lgamma/digamma on the negative axis.
 * Edge values follow `jax.lax` (digamma at non-positive integers is NaN, erfInv(±1) = ±Infinity).
 */

const SQRT_PI = Math.sqrt(Math.PI)
const EULER_GAMMA = 0.5772156649015329
const HALF_LOG_2PI = 0.9189385332046728 // 0.5 · log(2π)

/** Even Bernoulli numbers B2, B4, ..., B20. */
const BERNOULLI = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798, -174611 / 330]

/**
 * Hurwitz zeta ζ(s, a) = Σ_{k≥0} (a + k)^-s for s > 1, a > 0, by Euler–Maclaurin summation.
 * NOTE: with N = 12 direct terms and ten Bernoulli corrections the remainder is below 1e-20 for s ≥ 2.
 */
export function hurwitzZeta(s: number, a: number): number {
  const N = 12
  let sum = 0
  for (let k = N - 1; k >= 0; k--) sum += (a + k) ** -s
  const x = a + N
  sum += x ** (1 - s) / (s - 1) + 0.5 * x ** -s
  // term j: B_{2j} / (2j)! · s (s+1) ... (s+2j-2) · x^(-s-2j+1)
  let rising = s // s (s+1) ... (s+2j-2)
  let fact = 2 // (2j)!
  let xp = x ** (-s - 1)
  for (let j = 1; j <= BERNOULLI.length; j++) {
    sum += (BERNOULLI[j - 1]! / fact) * rising * xp
    rising *= (s + 2 * j - 1) * (s + 2 * j)
    fact *= (2 * j + 1) * (2 * j + 2)
    xp /= x * x
  }
  return sum
}

// ---- erf / erfc / erfInv -----------------------------------------------------------------------

/**
 * erfc(x) for x ≥ 1 by the continued fraction
 * erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated with modified Lentz.
 */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300
  let f = x
  let c = x
  let d = 0
  for (let n = 1; n < 5000; n++) {
    const an = n / 2
    d = x + an * d
    d = d === 0 ? tiny : 1 / d
    c = x + an / c
    if (c === 0) c = tiny
    const delta = c * d
    f *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return Math.exp(-x * x) / (SQRT_PI * f)
}

/**
 * erf(x) for |x| < 2.5 by the all-positive series erf(x) = 2/√π · exp(-x²) · Σ 2^n x^(2n+1) / (2n+1)!!,
 * which has no cancellation (unlike the alternating Taylor series).
 */
function erfSeries(x: number): number {
  const x2 = x * x
  let term = x
  let sum = x
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1)
    sum += term
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum
}

/** The error function erf(x) = 2/√π ∫₀ˣ exp(-t²) dt. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN
  const a = Math.abs(x)
  if (a < 2.5) return erfSeries(x)
  if (a > 6) return x > 0 ? 1 : -1
  const r = 1 - erfcContinuedFraction(a)
  return x > 0 ? r : -r
}

/** The complementary error function 1 - erf(x), accurate in its tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN
  // NOTE: below 1 the subtraction loses under 3 bits, fewer than the slowly converging fraction would.
  if (x < 1) return 1 - erf(x)
  if (x > 27.3) return 0
  return erfcContinuedFraction(x)
}

/**
 * Inverse of erf on (-1, 1); ±1 → ±Infinity, outside → NaN.
 * NOTE: a rough closed-form guess (Winitzki, ~2e-3) refined by Halley steps on erf(x) - y, or on
 * erfc(x) - (1 - y) in the tails so that y close to ±1 keeps full relative accuracy.
 */
export function erfInv(y: number): number {
  if (Number.isNaN(y) || y < -1 || y > 1) return NaN
  if (y === 1) return Infinity
  if (y === -1) return -Infinity
  if (y === 0) return y
  const s = y < 0 ? -1 : 1
  const ay = Math.abs(y)
  const a = 0.147
  const ln = Math.log1p(-ay) + Math.log1p(ay) // log(1 - y²)
  const t = 2 / (Math.PI * a) + ln / 2
  let x = Math.sqrt(Math.sqrt(t * t - ln / a) - t)
  const tail = ay > 0.85
  const q = 1 - ay // exact for ay ≥ 0.5
  for (let i = 0; i < 20; i++) {
    const f = tail ? q - erfc(x) : erf(x) - ay
    const fp = (2 / SQRT_PI) * Math.exp(-x * x)
    const dx = f / (fp + x * f) // Halley: f'' = -2x f'
    x -= dx
    if (Math.abs(dx) <= 1e-16 * x) break
  }
  return s * x
}

// ---- lgamma ----------------------------------------------------------------------------------

/** Power series coefficients: lgamma(1+z) = Σ_k c1[k] z^k and lgamma(2+z) = Σ_k c2[k] z^k (k ≥ 1). */
const LG_TERMS = 64
const LG_C1 = new Float64Array(LG_TERMS)
const LG_C2 = new Float64Array(LG_TERMS)
{
  LG_C1[1] = -EULER_GAMMA
  LG_C2[1] = 1 - EULER_GAMMA
  for (let k = 2; k < LG_TERMS; k++) {
    const zm1 = hurwitzZeta(k, 2) // ζ(k) - 1, without cancellation
    const sgn = k % 2 === 0 ? 1 : -1
    LG_C1[k] = (sgn * (1 + zm1)) / k
    LG_C2[k] = (sgn * zm1) / k
  }
}
function powerSeries(c: Float64Array, z: number): number {
  let sum = 0
  for (let k = c.length - 1; k >= 1; k--) sum = (sum + c[k]!) * z
  return sum
}

/** Stirling's series remainder lgamma(x) - [(x-½)log x - x + ½log 2π] for x ≥ 10. */
function stirlingCorrection(x: number): number {
  const x2 = x * x
  let corr = 0
  let xp = x
  for (let j = 1; j <= 7; j++) {
    corr += BERNOULLI[j - 1]! / (2 * j * (2 * j - 1) * xp)
    xp *= x2
  }
  return corr
}

/** sin(πx) with exact argument reduction. */
function sinPi(x: number): number {
  const r = x - 2 * Math.round(x / 2) // in [-1, 1], exact
  return Math.sin(Math.PI * r)
}

/** log |Γ(x)| (JAX's `lgamma`). Poles (non-positive integers) give +Infinity. */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN
  if (x === Infinity || x === -Infinity) return Infinity
  if (x <= 0) {
    if (Number.isInteger(x)) return Infinity
    // reflection: Γ(x) Γ(1-x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(sinPi(x))) - lgamma(1 - x)
  }
  if (x < 0.7) return lgamma(x + 1) - Math.log(x)
  if (x < 1.5) return powerSeries(LG_C1, x - 1)
  if (x < 2.5) return powerSeries(LG_C2, x - 2)
  if (x < 10) {
    // lgamma(x) = lgamma(x - n) + log((x-1)(x-2)...(x-n)) with x - n in [1.5, 2.5)
    let prod = 1
    let y = x
    while (y >= 2.5) { y -= 1; prod *= y }
    return powerSeries(LG_C2, y - 2) + Math.log(prod)
  }
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + stirlingCorrection(x)
}

// ---- digamma ---------------------------------------------------------------------------------

// Positive root of digamma, x0 = 1.46163214496836234126..., split into a double and its remainder.
const PSI_ROOT_HI = 1.4616321449683622
const PSI_ROOT_LO = 9.549995429965697e-17
const PSI_ROOT_TERMS = 40
/** ψ(x0 + h) = Σ_{n≥1} (-1)^(n+1) ζ(n+1, x0) h^n. */
const PSI_ROOT_C = new Float64Array(PSI_ROOT_TERMS)
for (let n = 1; n < PSI_ROOT_TERMS; n++) PSI_ROOT_C[n] = (n % 2 === 1 ? 1 : -1) * hurwitzZeta(n + 1, PSI_ROOT_HI + PSI_ROOT_LO)

/** Asymptotic expansion of ψ(x) for x ≥ 10. */
function digammaAsymptotic(x: number): number {
  const x2 = x * x
  let s = 0
  let xp = x2
  for (let j = 1; j <= 7; j++) {
    s += BERNOULLI[j - 1]! / (2 * j * xp)
    xp *= x2
  }
  return Math.log(x) - 0.5 / x - s
}

/** The digamma function ψ(x) = Γ'(x)/Γ(x). NaN at non-positive integers (as `jax.lax.digamma`). */
export function digamma(x: number): number {
  if (Number.isNaN(x)) return NaN
  if (x === Infinity) return Infinity
  if (x <= 0) {
    if (Number.isInteger(x)) return NaN
    // reflection: ψ(1-x) - ψ(x) = π cot(πx)
    const r = x - Math.round(x)
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * r)
  }
  // NOTE: near the positive root, x - x0 is formed from the split root so ψ keeps relative accuracy.
  const h = (x - PSI_ROOT_HI) - PSI_ROOT_LO
  if (Math.abs(h) < 0.25) return powerSeries(PSI_ROOT_C, h)
  let acc = 0
  let y = x
  while (y < 10) { acc += 1 / y; y += 1 }
  return digammaAsymptotic(y) - acc
}

// ---- regularized incomplete gamma ------------------------------------------------------------

/** log(1 + t) - t without cancellation for small t. */
function log1pmx(t: number): number {
  // Σ_{k≥2} (-1)^(k+1) t^k / k = -t²/2 + t³/3 - ...
  let term = t
  let sum = 0
  for (let k = 2; k < 200; k++) {
    term *= -t
    const add = term / k
    sum += add
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break
  }
  return sum
}

/**
 * log(x^a e^-x / Γ(a)), the common prefactor of P and Q.
 * NOTE: for a ≥ 10 it is written as a·log1pmx((x-a)/a) + ½log(a/2π) - stirlingCorrection(a), which
 * avoids the cancellation of a·log x - x - lgamma(a) between large terms.
 */
function logGammaPrefactor(a: number, x: number): number {
  if (a < 10) return a * Math.log(x) - x - lgamma(a)
  const t = (x - a) / a
  const l = Math.abs(t) < 0.5 ? log1pmx(t) : Math.log(x / a) - t
  return a * l + 0.5 * Math.log(a / (2 * Math.PI)) - stirlingCorrection(a)
}

/**
 * Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a) (JAX's `igamma`), by its power series
 * when x < a + 1 and by the continued fraction of Q = 1 - P otherwise (Lentz).
 */
export function igamma(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || x < 0 || a < 0) return NaN
  if (a === 0) return x > 0 ? 1 : NaN
  if (x === 0) return 0
  if (x === Infinity) return 1
  if (a === Infinity) return NaN
  if (x < a + 1) {
    // P = x^a e^-x / Γ(a+1) · Σ_n x^n / ((a+1)...(a+n))
    let term = 1
    let sum = 1
    for (let n = 1; n < 100000; n++) {
      term *= x / (a + n)
      sum += term
      if (term < 1e-17 * sum) break
    }
    return Math.exp(logGammaPrefactor(a, x)) * sum / a
  }
  return 1 - igammacContinuedFraction(a, x)
}

/** Q(a, x) for x ≥ a + 1: x^a e^-x / Γ(a) · 1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/(x+5-a- ...))). */
function igammacContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300
  let b = x + 1 - a
  let c = 1 / tiny
  let d = 1 / b
  let h = d
  for (let n = 1; n < 100000; n++) {
    const an = -n * (n - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < tiny) d = tiny
    c = b + an / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return Math.exp(logGammaPrefactor(a, x)) * h
}
