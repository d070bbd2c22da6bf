/** @file Test helpers: deterministic inputs, tensors on two backends, closeness checks. */
import { allocTyped, Tensor, type Backend, type DType, type TypedArray } from '@kx/core'
import { seededRandom } from '@kx/backend-conformance'
import type { Fill, InputSpec } from './cases.js'

/** mulberry32: a small deterministic PRNG (the conformance kit's). */
export const rng = seededRandom

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1)

/** Host values for an input spec. */
export function values(spec: InputSpec, r: () => number): TypedArray {
  const n = prod(spec.shape)
  const out = allocTyped(spec.dtype, n)
  const fill: Fill = spec.fill ?? 'normal'
  if (typeof fill !== 'string') { (out as Float64Array).set(fill as number[]); return out }
  const normal = (): number => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r())
  if (fill === 'spd') {
    const m = spec.shape[spec.shape.length - 1]!
    for (let base = 0; base < n; base += m * m) {
      const a = Array.from({ length: m * m }, normal)
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
        let s = i === j ? m : 0
        for (let k = 0; k < m; k++) s += a[i * m + k]! * a[j * m + k]!
        out[base + i * m + j] = s
      }
    }
    return out
  }
  for (let i = 0; i < n; i++) {
    switch (fill) {
      case 'normal': out[i] = normal(); break
      case 'pos': out[i] = 0.2 + 3 * r(); break
      case 'unit': out[i] = 1.8 * r() - 0.9; break
      case 'gt1': out[i] = 1.1 + 3 * r(); break
      case 'small': out[i] = spec.dtype === 'int32' ? Math.floor(r() * 5) - 2 : 0.5 + r(); break
      case 'int': out[i] = Math.floor(r() * 41) - 20; break
      case 'bool': out[i] = r() < 0.5 ? 1 : 0; break
      case 'key': out[i] = Math.floor(r() * 2 ** 32) | 0; break
    }
  }
  return out
}

/** A tensor on `backend` holding `data`. */
export function onBackend(backend: Backend, data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(shape, dtype, backend, backend.upload(data, shape, dtype))
}

/** Max violation of |a − b| ≤ tol·(1 + |b|) (NaN must match NaN); 0 means close. */
export function mismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): { worst: number; at: number } {
  let worst = 0
  let at = -1
  if (actual.length !== expected.length) return { worst: Infinity, at: -2 }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!
    const e = expected[i]!
    if (Number.isNaN(e) || Number.isNaN(a)) { if (Number.isNaN(e) !== Number.isNaN(a)) return { worst: Infinity, at: i }; continue }
    if (a === e) continue
    const v = Math.abs(a - e) / (1 + Math.abs(e)) / tol
    if (v > 1 && v > worst) { worst = v; at = i }
  }
  return { worst, at }
}
