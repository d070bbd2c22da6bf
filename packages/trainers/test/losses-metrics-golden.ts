/** @file Helpers for the losses/metrics golden tests: decode Keras arrays, compare values and configs. */
import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { tensor, type DType, type Tensor } from '@kx/core'

export interface GoldenArray { dtype: string; shape: number[]; data: (number | string)[] }

export function loadGolden<T>(name: string): { keras: string; cases: T[] } {
  return JSON.parse(readFileSync(new URL(`./golden/${name}`, import.meta.url), 'utf8')) as { keras: string; cases: T[] }
}

const num = (v: number | string): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number))

export function decode(a: GoldenArray): Tensor
export function decode(a: GoldenArray | null): Tensor | undefined
export function decode(a: GoldenArray | null): Tensor | undefined {
  if (!a) return undefined
  const dtype = (a.dtype === 'int64' ? 'int32' : a.dtype) as DType
  return tensor(a.data.map(num), { shape: a.shape, dtype })
}

/**
 * |got - want| <= atol + rtol |want| elementwise, shapes equal; `atol` is at least `rtol` times the
 * largest |want| (counts accumulated in different orders differ by rounding at that scale).
 */
export async function expectClose(got: Tensor, want: GoldenArray, id: string, rtol = 1e-6, atol = 1e-7): Promise<void> {
  expect(got.shape, `${id}: shape`).toEqual(want.shape)
  const data = Array.from(await got.data(), Number)
  const exp = want.data.map(num)
  atol = Math.max(atol, rtol * Math.max(0, ...exp.filter(Number.isFinite).map(Math.abs)))
  for (let i = 0; i < exp.length; i++) {
    const w = exp[i]!
    const g = data[i]!
    if (Number.isNaN(w)) { expect(Number.isNaN(g), `${id}[${i}]: want NaN, got ${g}`).toBe(true); continue }
    if (!Number.isFinite(w)) { expect(g, `${id}[${i}]`).toBe(w); continue }
    const ok = Math.abs(g - w) <= atol + rtol * Math.abs(w)
    expect(ok, `${id}[${i}]: got ${g}, want ${w}`).toBe(true)
  }
}

/** A Keras function case: `fn(y_true, y_pred, **kwargs)` and its output. */
export interface FnCase { id: string; kind: 'fn'; fn: string; kwargs: Record<string, unknown>; y_true: GoldenArray; y_pred: GoldenArray; output: GoldenArray }

/** Keras's argument name → kx's (snake_case → camelCase). */
export const camel = (s: string): string => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

/** `[rtol, atol]` of a case: float32 cases (ids ending in `/f32`) are compared more loosely. */
export const tolerances = (id: string): [number, number] => (id.endsWith('/f32') ? [2e-6, 1e-6] : [1e-6, 1e-7])

/** Calls `fns[c.fn]` with the case's arrays and camelCased kwargs and compares with its output. */
export async function expectFnCase(fns: Readonly<Record<string, unknown>>, c: FnCase): Promise<void> {
  const fn = fns[c.fn]
  expect(fn, c.fn).toBeDefined()
  const opts = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [camel(k), v]))
  await expectClose((fn as (a: Tensor, b: Tensor, o: unknown) => Tensor)(decode(c.y_true), decode(c.y_pred), opts), c.output, c.id)
}
