import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { digamma, erf, erfc, erfInv, hurwitzZeta, igamma, lgamma } from '../src/reference/special.js'

/** Golden values from mpmath at 40 digits, scipy beside them (tools/golden/core_routines.py). Non-finite numbers are strings. */
const golden = JSON.parse(readFileSync(new URL('./golden/routines.json', import.meta.url), 'utf8'))
const num = (v: number | string): number => (typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity)

/** Relative error with an absolute floor (for values at or near zero). */
function expectClose(got: number, want: number, rel: number, abs = 1e-300, what = ''): void {
  if (Number.isNaN(want)) { expect(got, what).toBeNaN(); return }
  if (!Number.isFinite(want)) { expect(got, what).toBe(want); return }
  const err = Math.abs(got - want)
  expect(err, `${what}: got ${got}, want ${want}`).toBeLessThanOrEqual(Math.max(rel * Math.abs(want), abs))
}

function checkUnary(name: string, f: (x: number) => number, rel: number, abs = 1e-300): void {
  const { x, y } = golden.special[name] as { x: (number | string)[]; y: (number | string)[] }
  for (let i = 0; i < x.length; i++) expectClose(f(num(x[i]!)), num(y[i]!), rel, abs, `${name}(${x[i]})`)
}

describe('special functions against mpmath (40 digits)', () => {
  it('erf', () => checkUnary('erf', erf, 1e-15))
  it('erfInv', () => checkUnary('erfinv', erfInv, 2e-15))
  it('lgamma (log |Γ|), relative away from its negative-axis zeros', () => checkUnary('lgamma', lgamma, 1e-14))
  it('digamma', () => {
    const { x, y } = golden.special.digamma as { x: (number | string)[]; y: (number | string)[] }
    for (let i = 0; i < x.length; i++) {
      const xi = num(x[i]!)
      // scipy gives -inf at 0 where jax.lax.digamma gives NaN; kx follows JAX (checked below).
      if (xi === 0) continue
      expectClose(digamma(xi), num(y[i]!), 1e-14, 0, `digamma(${xi})`)
    }
    const edges = golden.special.jax_digamma_edges as { x: number[]; y: (number | string)[] }
    for (let i = 0; i < edges.x.length; i++) expectClose(digamma(edges.x[i]!), num(edges.y[i]!), 0, 0, 'jax edge')
  })
  it('digamma keeps relative accuracy at its positive root', () => {
    // ψ(x0_hi) = -x0_lo · ψ'(x0) ≈ -9.2413e-17 (scipy gives -9.241265521729427e-17).
    expectClose(digamma(1.4616321449683622), -9.241265521729427e-17, 1e-12)
  })
  it('igamma (regularized lower P(a, x))', () => {
    const { a, x, y } = golden.special.igamma as { a: (number | string)[]; x: (number | string)[]; y: (number | string)[] }
    for (let i = 0; i < a.length; i++) {
      const ai = num(a[i]!)
      const want = num(y[i]!)
      // NOTE: P is exp(E) with |E| up to hundreds here; rounding E alone costs |E|·ε relative.
      const tol = Math.max(1e-14, want > 0 ? 1e-15 * Math.abs(Math.log(want)) : 0, ai >= 100 ? 3e-13 : 0)
      expectClose(igamma(ai, num(x[i]!)), want, tol, 1e-300, `igamma(${a[i]}, ${x[i]})`)
    }
  })
  it('hurwitzZeta', () => {
    const { s, a, y } = golden.special.hurwitz_zeta as { s: number[]; a: number[]; y: number[] }
    for (let i = 0; i < s.length; i++) expectClose(hurwitzZeta(s[i]!, a[i]!), y[i]!, 2e-15, 0, `zeta(${s[i]}, ${a[i]})`)
  })
  it('erfc tail and erf/erfInv round trips', () => {
    expectClose(erfc(10), 2.088487583762545e-45, 1e-14)
    expectClose(erfc(1), 0.15729920705028513, 2e-15)
    for (const y of [-0.9999, -0.3, 1e-5, 0.7, 0.999999]) expectClose(erf(erfInv(y)), y, 3e-15)
  })
})
