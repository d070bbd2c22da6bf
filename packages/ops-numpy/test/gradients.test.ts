/**
 * @file Gradients of the differentiable ops against central finite differences, in float64 on the
 * reference backend. The inputs are the golden cases flagged `grad` (cast to float64).
 */
import { describe, expect, it } from 'vitest'
import { Tensor, grad, tensor, tidy } from '@kx/core'
import { NUMPY_GRAD_GROUPS, camel } from '@kx/backend-conformance'
import * as ops from '../src/index.js'
import { decodeArg, loadGolden, resolveOp, type GoldenCase } from './golden-util.js'

function toF64(v: unknown): unknown {
  if (v instanceof Tensor) return v.dtype.startsWith('float') ? ops.cast(v, 'float64') : v
  if (Array.isArray(v)) return v.map(toF64)
  return v
}

/** A fixed pseudo-random weighting so that every output element matters: f = Σ w ⊙ op(args). */
function weights(shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1)
  const w = Float64Array.from({ length: n }, (_, i) => 0.3 + ((i * 7919) % 13) / 10)
  return tensor(w, { shape: shape.slice(), dtype: 'float64' })
}

function checkCase(c: GoldenCase): void {
  const fn = resolveOp(c.op)!
  const kw = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [camel(k), toF64(decodeArg(v))]))
  const args = c.args.map((a) => toF64(decodeArg(a)))
  const call = (xs: unknown[]): Tensor => (Object.keys(kw).length ? fn(...xs, kw) : fn(...xs)) as Tensor
  const out0 = call(args)
  const w = weights(out0.shape)
  args.forEach((a, i) => {
    if (!(a instanceof Tensor) || a.dtype !== 'float64' || a.size === 0) return
    const f = (x: Tensor): Tensor => ops.sum(ops.multiply(call(args.map((b, j) => (j === i ? x : b))), w))
    const g = (grad(f)(a) as Tensor).dataSync()
    const base = Float64Array.from(a.dataSync() as Float64Array)
    const h = 1e-6
    for (let k = 0; k < base.length; k++) {
      const at = (d: number): number => {
        const v = base.slice()
        v[k] = v[k]! + d
        return tidy(() => f(tensor(v, { shape: a.shape.slice(), dtype: 'float64' })).dataSync()[0] as number)
      }
      const num = (at(h) - at(-h)) / (2 * h)
      const tol = 1e-5 * Math.max(1, Math.abs(num))
      if (Math.abs(num - g[k]!) > tol) expect(g[k], `${c.name}: d/d arg${i}[${k}] analytic vs numeric`).toBeCloseTo(num, 5)
    }
  })
}

describe('gradients vs central finite differences (float64)', () => {
  for (const group of NUMPY_GRAD_GROUPS) {
    for (const c of loadGolden(group).filter((x) => x.grad && !x.error)) {
      it(c.name, () => { tidy(() => checkCase(c)) })
    }
  }
  it('logsumexp has a finite gradient where exp overflows', () => {
    const x = tensor([1000, 1000, -1000], { dtype: 'float64' })
    const g = grad((t: Tensor) => ops.logsumexp(t))(x) as Tensor
    const v = Array.from(g.dataSync() as Float64Array)
    expect(v[0]).toBeCloseTo(0.5, 12)
    expect(v[1]).toBeCloseTo(0.5, 12)
    expect(v[2]).toBeCloseTo(0, 12)
  })
})
