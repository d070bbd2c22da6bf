/** Test helpers: golden JSON arrays ⇄ tensors, tolerant comparison, finite-difference gradient checks. */
import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { grad, lax, tensor, type DType, type Tensor } from '@kx/core'

export interface GoldenArray { dtype: string; shape: number[]; data: (number | string)[] }
export interface GoldenCase { id: string; op: string; inputs: (GoldenArray | null)[]; kwargs: Record<string, unknown>; outputs: GoldenArray[] }

export function loadGolden(name: string): GoldenCase[] {
  const url = new URL(`./golden/${name}`, import.meta.url)
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: GoldenCase[] }).cases
}

const num = (v: number | string): number => (typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity)

const DTYPES: Record<string, DType> = {
  float64: 'float64', float32: 'float32', float16: 'float16', bfloat16: 'bfloat16', int32: 'int32', int64: 'int32', bool: 'bool', uint8: 'uint8',
}

/** A tensor from a golden array (int64 → int32, as Keras's default int). */
export function fromGolden(a: GoldenArray | null | undefined, dtype?: DType): Tensor | null {
  if (!a) return null
  const d = dtype ?? DTYPES[a.dtype]
  if (!d) throw new Error(`unknown golden dtype ${a.dtype}`)
  return tensor(a.data.map(num), { shape: a.shape, dtype: d })
}

/** Relative/absolute tolerance for an output dtype. */
export function tolFor(dtype: string): number {
  if (dtype === 'float16' || dtype === 'bfloat16') return 1e-2
  if (dtype === 'float32') return 2e-5
  return 1e-9
}

/** Compares a tensor with a golden array: shape, then values within `tol` (NaN matches NaN). */
export function expectClose(actual: Tensor, expected: GoldenArray, tol = tolFor(expected.dtype), label = ''): void {
  expect(actual.shape, `${label} shape`).toEqual(expected.shape)
  const got = Array.from(actual.dataSync() as ArrayLike<number>)
  const want = expected.data.map(num)
  let worst = 0
  let at = -1
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!
    const g = got[i]!
    if (Number.isNaN(w) || !Number.isFinite(w)) {
      if (!Object.is(w, g) && !(Number.isNaN(w) && Number.isNaN(g))) { worst = Infinity; at = i }
      continue
    }
    const err = Math.abs(g - w) / Math.max(1, Math.abs(w))
    if (!(err <= worst)) { worst = Number.isNaN(err) ? Infinity : err; at = i }
  }
  expect(worst, `${label} worst relative error at flat index ${at}: got ${got[at]}, want ${want[at]}`).toBeLessThanOrEqual(tol)
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i)

/**
 * Checks the gradient of `f` against central finite differences of L = Σ f(x)·w (fixed uneven w),
 * in float64, for every input `wrt` lists (default all).
 */
export function checkGrad(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], options: { wrt?: number[]; tol?: number; h?: number } = {}): void {
  const wrt = options.wrt ?? inputs.map((_, i) => i)
  const tol = options.tol ?? 1e-6
  const h = options.h ?? 1e-6
  const y0 = f(...inputs)
  const w = tensor(range(y0.size).map((i) => Math.sin(1.3 * i + 0.4) + 1.1), { shape: [...y0.shape], dtype: y0.dtype })
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

/** Deterministic pseudo-random float64 tensor. */
export function rand(shape: number[], seed = 1, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1)
  return tensor(range(n).map((i) => Math.sin(seed * 12.9898 + i * 78.233) * scale), { shape, dtype: 'float64' })
}
