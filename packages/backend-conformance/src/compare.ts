/** @file Dtype-based tolerances and array comparison with a readable first-mismatch report. */
import { isFloat, type DType, type TypedArray } from '@kx/core'

/** Relative tolerance of a dtype (0 = exact). */
export interface Tolerance {
  readonly rtol: number
  /** Absolute floor, as a fraction of the largest magnitude in the expected array (at least 1). */
  readonly atol: number
}

// NOTE: float32 backends (tfjs, WebGPU) compute in float32 while `reference` rounds float64 math:
// a few ulps per op plus reassociated sums, hence 1e-5 rather than float32's 6e-8.
const BACKEND_TOL: { readonly [D in DType]?: Tolerance } = {
  float64: { rtol: 1e-12, atol: 1e-12 },
  float32: { rtol: 1e-5, atol: 1e-5 },
  float16: { rtol: 1e-2, atol: 1e-2 },
  bfloat16: { rtol: 2e-2, atol: 2e-2 },
}

/**
 * Tolerance of a backend-vs-reference comparison for values of `dtype` (exact for ints and bools).
 *
 * @example
 * ```ts
 * toleranceFor('float32') // { rtol: 1e-5, atol: 1e-5 }
 * ```
 */
export function toleranceFor(dtype: DType, scale = 1): Tolerance {
  const t = BACKEND_TOL[dtype]
  return t ? { rtol: t.rtol * scale, atol: t.atol * scale } : { rtol: 0, atol: 0 }
}

/**
 * Values equal within `tol`: NaN matches NaN, infinities match exactly, -0 equals 0. Returns
 * undefined when they match, else a report of the first mismatch.
 *
 * @example
 * ```ts
 * compareArrays(got, want, 'float32', toleranceFor('float32')) // undefined, or '2/6 values differ …'
 * ```
 */
export function compareArrays(got: ArrayLike<number>, want: ArrayLike<number>, dtype: DType, tol: Tolerance): string | undefined {
  if (got.length !== want.length) return `length ${got.length} != expected ${want.length}`
  let maxAbs = 1
  for (let i = 0; i < want.length; i++) { const w = Math.abs(want[i]!); if (Number.isFinite(w) && w > maxAbs) maxAbs = w }
  const exact = !isFloat(dtype) || (tol.rtol === 0 && tol.atol === 0)
  let bad = 0
  let first = -1
  let worst = 0
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!
    const w = want[i]!
    let ok: boolean
    if (Number.isNaN(w) || Number.isNaN(g)) ok = Number.isNaN(w) && Number.isNaN(g)
    else if (!Number.isFinite(w) || !Number.isFinite(g) || exact) ok = g === w
    else {
      const err = Math.abs(g - w)
      ok = err <= tol.rtol * Math.abs(w) + tol.atol * maxAbs
      if (!ok) worst = Math.max(worst, err / (Math.abs(w) + maxAbs * (tol.atol / (tol.rtol || 1))))
    }
    if (!ok) { bad++; if (first < 0) first = i }
  }
  if (bad === 0) return undefined
  const show = (a: ArrayLike<number>): string => fmtValues(a, first)
  return `${bad}/${want.length} values differ (${dtype}, rtol=${tol.rtol}${worst ? `, worst rel err ${worst.toExponential(2)}` : ''}); ` +
    `first at flat index ${first}: got ${got[first]}, want ${want[first]}; got ${show(got)}, want ${show(want)}`
}

/** A short window of values around index `at`. */
export function fmtValues(a: ArrayLike<number>, at = 0): string {
  const lo = Math.max(0, at - 3)
  const hi = Math.min(a.length, lo + 8)
  const parts: string[] = []
  for (let i = lo; i < hi; i++) parts.push(String(Number((a[i] as number).toPrecision(8))))
  return `[${lo > 0 ? '…, ' : ''}${parts.join(', ')}${hi < a.length ? ', …' : ''}]`
}

/** Converts any typed array to plain numbers (float64). */
export function toNumbers(a: TypedArray): Float64Array { return Float64Array.from(a as ArrayLike<number>) }
