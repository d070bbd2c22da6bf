import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { pyFormat, pyFormatValue, pyFloatRepr } from '../src/callbacks/pyFormat.js'

type Num = number | string
interface FormatGolden {
  floats: [Num, string | null, string, string][]
  ints: [number, string, string][]
  errors: [number, string, string][]
  files: { template: string; epoch: number; batch: number | null; logs: Record<string, number>; path: string }[]
}
const golden = JSON.parse(readFileSync(new URL('./golden/callbacks.json', import.meta.url), 'utf8')) as { format: FormatGolden }
const num = (v: Num): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number))

describe('Python format specs (golden from Python)', () => {
  it('formats floats like format(float, spec)', () => {
    const bad: string[] = []
    for (const [v, neg0, spec, want] of golden.format.floats) {
      const x = neg0 ? -0 : num(v)
      const got = pyFormatValue(x, spec)
      if (got !== want) bad.push(`format(${v}, '${spec}'): got '${got}', want '${want}'`)
    }
    expect(bad).toEqual([])
  })
  it('formats ints like format(int, spec)', () => {
    const bad: string[] = []
    for (const [v, spec, want] of golden.format.ints) {
      const got = pyFormatValue({ int: v }, spec)
      if (got !== want) bad.push(`format(${v}, '${spec}'): got '${got}', want '${want}'`)
    }
    expect(bad).toEqual([])
  })
  it('rejects what Python rejects', () => {
    for (const [v, spec, msg] of golden.format.errors) {
      const value = Number.isInteger(v) ? { int: v } : v
      expect(() => pyFormatValue(value, spec), `${v} ${spec}`).toThrow(msg)
    }
  })
  it('prints floats like repr', () => {
    expect([0.1, 1, 1e-5, 1e16, 1e15, -0, 5e-324, NaN, -Infinity].map(pyFloatRepr)).toEqual(['0.1', '1.0', '1e-05', '1e+16', '1000000000000000.0', '-0.0', '5e-324', 'nan', '-inf'])
  })
  it('fills ModelCheckpoint file names like Keras', () => {
    for (const f of golden.format.files) {
      const values: Record<string, number | { int: number }> = { ...f.logs, epoch: { int: f.epoch + 1 } }
      if (f.batch !== null) values['batch'] = { int: f.batch + 1 }
      expect(pyFormat(f.template, values), f.template).toBe(f.path)
    }
    expect(() => pyFormat('m_{val_loss}.keras', { epoch: { int: 1 } })).toThrow(/Failed to format this callback filepath/)
  })
})
