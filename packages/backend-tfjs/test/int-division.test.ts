/**
 * int32 `div`/`rem` exact over the whole int32 range on both engines (tfjs-wasm's FloorDiv divides in float32).
 * Expected values: XLA's semantics (truncating division, `x / 0 = -1`, `x % 0 = x`) in exact double arithmetic.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { Tensor, lax, tensor, withDefaultBackend, type Backend } from '@kx/core'
import { createTfjsBackend } from '../src/index.js'
import { rng } from './util.js'

const r = rng(7)
const big = (): number => Math.floor((r() * 2 - 1) * 2147483647)
const a = [2147483647, -2147483000, 2147483000, 16777217, 7, -7, 0, 5, ...Array.from({ length: 40 }, big)]
const b = [1, 14, 3, 2, -2, 2, 3, 0, ...Array.from({ length: 40 }, (_, i) => (i % 2 ? big() : Math.floor(r() * 300) - 150))]
const div = a.map((x, i) => (b[i] === 0 ? -1 : Math.trunc(x / b[i]!) | 0))
const rem = a.map((x, i) => (b[i] === 0 ? x : (x - Math.trunc(x / b[i]!) * b[i]!) | 0))

for (const engine of ['cpu', 'wasm'] as const) {
  describe(`tfjs-${engine}: int32 div, rem and mul`, () => {
    let backend: Backend
    beforeAll(async () => { backend = await createTfjsBackend({ engine, name: `tfjs-${engine}-intdiv` }) })
    it('match exact truncating division over the int32 range', () => {
      withDefaultBackend(backend, () => {
        const x = tensor(Int32Array.from(a)), y = tensor(Int32Array.from(b))
        const q = lax.div(x, y) as Tensor, m = lax.binary('rem', x, y) as Tensor
        expect(Array.from(q.dataSync())).toEqual(div)
        expect(Array.from(m.dataSync())).toEqual(rem)
      })
    })
    it('int32 mul wraps mod 2^32 (checked with BigInt)', () => {
      withDefaultBackend(backend, () => {
        const p = lax.mul(tensor(Int32Array.from(a)), tensor(Int32Array.from(b))) as Tensor
        expect(Array.from(p.dataSync())).toEqual(a.map((x, i) => Number(BigInt.asIntN(32, BigInt(x) * BigInt(b[i]!)))))
      })
    })
  })
}
