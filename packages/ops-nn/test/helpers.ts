/** Test helpers: golden JSON (decoded and compared by @kx/backend-conformance), finite-difference gradient checks. */
import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { grad, lax, tensor, type Tensor } from '@kx/core'
import { lossWeights, nnOutProblems, nnTolerance, sinInput, type NnGoldenCase } from '@kx/backend-conformance'

export type { NnGoldenArray as GoldenArray, NnGoldenCase as GoldenCase } from '@kx/backend-conformance'

export function loadGolden(name: string): NnGoldenCase[] {
  const url = new URL(`./golden/${name}`, import.meta.url)
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: NnGoldenCase[] }).cases
}

/** Expects a golden case's outputs (from `NN_RUN` / `IMAGE_RUN`) to match: shapes and values, and dtypes when `dtypes`. */
export async function expectGolden(c: NnGoldenCase, out: unknown, dtypes: boolean): Promise<void> {
  const outs = (Array.isArray(out) ? out : [out]) as Tensor[]
  expect(outs.length, `${c.id}: number of outputs`).toBe(c.outputs.length)
  const problems: string[] = []
  for (let i = 0; i < outs.length; i++) {
    problems.push(...await nnOutProblems(outs[i]!, c.outputs[i]!, nnTolerance(c, c.outputs[i]!.dtype), `${c.id}[${i}]`, dtypes ? {} : null))
  }
  expect(problems).toEqual([])
}


/**
 * Checks the gradient of `f` against central finite differences of L = Σ f(x)·w (fixed uneven w),
 * in float64, for every input `wrt` lists (default all).
 */
export function checkGrad(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], options: { wrt?: number[]; tol?: number; h?: number } = {}): void {
  const wrt = options.wrt ?? inputs.map((_, i) => i)
  const tol = options.tol ?? 1e-6
  const h = options.h ?? 1e-6
  const y0 = f(...inputs)
  const w = tensor(lossWeights(y0.size), { shape: [...y0.shape], dtype: y0.dtype })
  const loss = (...xs: Tensor[]): Tensor => {
    const y = f(...xs)
    return lax.reduceSum(lax.mul(y, w), y.shape.map((_, i) => i))
  }
  const gs = grad(loss, { argnums: wrt })(...inputs) as Tensor[]
  wrt.forEach((k, j) => {
    const x = inputs[k]!
    const g = gs[j]!
    expect(g.shape).toEqual(x.shape)
    const analytic = Array.from(g.dataSync() as ArrayLike<number>)
    const base = Array.from(x.dataSync() as ArrayLike<number>)
    for (let i = 0; i < base.length; i++) {
      const at = (d: number): number => {
        const v = base.slice()
        v[i]! += d
        const xs = inputs.slice()
        xs[k] = tensor(v, { shape: [...x.shape], dtype: x.dtype })
        return (loss(...xs).dataSync() as ArrayLike<number>)[0]!
      }
      const numeric = (at(h) - at(-h)) / (2 * h)
      expect(Math.abs(analytic[i]! - numeric), `d/dx${k}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(numeric)))
    }
  })
}

/** Deterministic pseudo-random float64 tensor (`sinInput`'s values). */
export function rand(shape: number[], seed = 1, scale = 1): Tensor {
  return tensor([...sinInput(shape, seed, scale).values], { shape, dtype: 'float64' })
}
