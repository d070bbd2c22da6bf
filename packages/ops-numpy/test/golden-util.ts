/** @file Helpers for the golden tests: decode the JSON written by tools/golden/ops_numpy.py and compare. */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { Tensor, tensor } from '@kx/core'
import type { DType } from '@kx/core'
import * as ops from '../src/index.js'

export type Enc = number | string | boolean | null | Enc[]
export interface EncTensor { v: Enc; d: DType; s: number[] }
export type EncKeyItem = null | number | string | { s: [number | null, number | null, number | null] } | { t: EncTensor } | { a: unknown[] }
export type EncArg = { t: EncTensor } | { n: number | string } | { b: boolean } | { j: unknown } | { l: EncArg[] } | { key: EncKeyItem[] }
export type EncOut = EncTensor | { multi: EncOut[] } | { py: unknown }
export interface GoldenCase {
  name: string
  op: string
  args: EncArg[]
  kwargs: Record<string, EncArg>
  out?: EncOut
  error?: string
  message?: string
  grad?: boolean
  tol?: number
  sort_last?: boolean
}

export function loadGolden(group: string): GoldenCase[] {
  const path = fileURLToPath(new URL(`./golden/ops_numpy_${group}.json`, import.meta.url))
  return (JSON.parse(readFileSync(path, 'utf8')) as { cases: GoldenCase[] }).cases
}

export const num = (v: Enc): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number))
export function flat(v: Enc): number[] {
  if (Array.isArray(v)) return v.flatMap(flat)
  if (typeof v === 'boolean') return [v ? 1 : 0]
  return [num(v)]
}

export function decodeTensor(e: EncTensor): Tensor {
  return tensor(Float64Array.from(flat(e.v)), { shape: e.s, dtype: e.d })
}

function decodeKeyItem(k: EncKeyItem): unknown {
  if (k === null || typeof k === 'number' || typeof k === 'string') return k
  if ('s' in k) return ops.S(k.s[0], k.s[1], k.s[2])
  if ('t' in k) return decodeTensor(k.t)
  return k.a
}

export function decodeArg(a: EncArg): unknown {
  if ('key' in a) return a.key.map(decodeKeyItem)
  if ('t' in a) return decodeTensor(a.t)
  if ('n' in a) return num(a.n as Enc)
  if ('b' in a) return a.b
  if ('l' in a) return a.l.map(decodeArg)
  return a.j
}

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())

/** Keras op name (`add`, `linalg.det`, `math.top_k`) → the kx function, or undefined when missing. */
export function resolveOp(name: string): ((...args: unknown[]) => unknown) | undefined {
  const parts = name.split('.')
  const root = ops as unknown as Record<string, unknown>
  const special: Record<string, string> = { var: 'var_', switch: 'switch_' }
  let target: unknown
  if (parts.length === 2) {
    const ns = root[parts[0]!] as Record<string, unknown> | undefined
    target = ns?.[special[parts[1]!] ?? camel(parts[1]!)] ?? root[camel(parts[1]!)]
  } else target = root[special[name] ?? camel(name)]
  return typeof target === 'function' ? (target as (...args: unknown[]) => unknown) : undefined
}

export function callCase(c: GoldenCase): unknown {
  const fn = resolveOp(c.op)
  if (!fn) throw new Error(`missing op ${c.op}`)
  const args = c.args.map(decodeArg)
  // rearrange takes its axis lengths as one record, with the names as written
  const kw = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [c.op === 'rearrange' ? k : camel(k), decodeArg(v)]))
  return Object.keys(kw).length ? fn(...args, kw) : fn(...args)
}

export function tolerance(d: DType, override?: number): { rtol: number; atol: number } {
  if (override) return { rtol: override, atol: override }
  if (d === 'float16') return { rtol: 2e-3, atol: 2e-3 }
  if (d === 'bfloat16') return { rtol: 2e-2, atol: 2e-2 }
  if (d === 'float32') return { rtol: 1e-4, atol: 2e-5 }
  return { rtol: 0, atol: 0 }
}

export function assertClose(actual: ArrayLike<number>, expected: readonly number[], d: DType, where: string, override?: number): void {
  const { rtol, atol } = tolerance(d, override)
  expect(actual.length, `${where}: length`).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!
    const e = expected[i]!
    if (Number.isNaN(e)) { expect(Number.isNaN(a), `${where}[${i}]: expected NaN, got ${a}`).toBe(true); continue }
    if (!Number.isFinite(e)) { expect(a, `${where}[${i}]`).toBe(e); continue }
    const ok = Math.abs(a - e) <= atol + rtol * Math.abs(e)
    if (!ok) expect(a, `${where}[${i}]: ${a} vs ${e} (rtol=${rtol}, atol=${atol})`).toBe(e)
  }
}

export function checkOut(actual: unknown, expected: EncOut, where: string, override?: number, sortLast = false): void {
  if ('multi' in expected) {
    const arr = actual as unknown[]
    expect(Array.isArray(arr), `${where}: expected several outputs`).toBe(true)
    expect(arr.length, `${where}: number of outputs`).toBe(expected.multi.length)
    expected.multi.forEach((e, i) => checkOut(arr[i], e, `${where}#${i}`, override, sortLast))
    return
  }
  if ('py' in expected) {
    if (actual instanceof Tensor) {
      const v = actual.dataSync()
      assertClose(v, flat(expected.py as Enc), actual.dtype, where, override)
    } else expect(actual, where).toEqual(expected.py)
    return
  }
  expect(actual instanceof Tensor, `${where}: expected a tensor`).toBe(true)
  const t = actual as Tensor
  expect(t.dtype, `${where}: dtype`).toBe(expected.d)
  expect(t.shape, `${where}: shape`).toEqual(expected.s)
  const got = Array.from(t.dataSync() as ArrayLike<number>)
  const want = flat(expected.v)
  if (sortLast) { got.sort((a, b) => a - b); want.sort((a, b) => a - b) }
  assertClose(got, want, expected.d, where, override)
}
