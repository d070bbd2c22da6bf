/**
 * @file Symbolic shape inference: every op on KerasTensors with unknown (null) dims must give the output
 * shape and dtype that Keras's `compute_output_spec` gives (golden from the real Keras).
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { KerasTensor } from '@kx/core'
import type { DType } from '@kx/core'
import { decodeArg, resolveOp, type EncArg } from './golden-util.js'

interface SymCase { name: string; op: string; args: (EncArg | { kt: { s: (number | null)[]; d: DType } })[]; kwargs: Record<string, EncArg>; out?: SymOut; error?: string }
type SymOut = { s: (number | null)[]; d: DType } | { multi: SymOut[] }
const cases = (JSON.parse(readFileSync(fileURLToPath(new URL('./golden/symbolic.json', import.meta.url)), 'utf8')) as { cases: SymCase[] }).cases

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
function decode(a: SymCase['args'][number]): unknown {
  if ('kt' in a) return new KerasTensor(a.kt.s, a.kt.d)
  if ('l' in a) return (a.l as SymCase['args']).map(decode)
  return decodeArg(a as EncArg)
}

function check(actual: unknown, want: SymOut, where: string): void {
  if ('multi' in want) {
    expect(Array.isArray(actual), where).toBe(true)
    want.multi.forEach((w, i) => check((actual as unknown[])[i], w, `${where}#${i}`))
    return
  }
  const t = actual as KerasTensor
  expect(t.isSymbolic, `${where}: symbolic output`).toBe(true)
  expect([...t.shape], `${where}: shape`).toEqual(want.s)
  expect(t.dtype, `${where}: dtype`).toBe(want.d)
}

describe('symbolic shape inference with unknown dims (vs Keras compute_output_spec)', () => {
  for (const c of cases) {
    // NOTE: the cases Keras itself fails on symbolically (hypot/heaviside with a Python scalar, rearrange
    // merging an unknown dim) are skipped: there is no reference value.
    const runner = c.error ? it.skip : it
    runner(c.name, () => {
      const fn = resolveOp(c.op)
      if (!fn) throw new Error(`op not implemented: ${c.op}`)
      const args = c.args.map(decode)
      const kw = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [c.op === 'rearrange' ? k : camel(k), decodeArg(v)]))
      const out = Object.keys(kw).length ? fn(...args, kw) : fn(...args)
      check(out, c.out!, c.name)
    })
  }
})
