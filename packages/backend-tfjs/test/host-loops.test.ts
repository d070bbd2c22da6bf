/**
 * @file The JS loops that replace slow tfjs-wasm kernels (`traits.hostElementwise`): comparisons,
 * select and float32 sums must give exactly what the engine's own kernels give (NaN, ±0, ±Infinity,
 * int32 and bool operands, broadcast constants), sums bit for bit.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { full, keep, lax, Tensor, type Backend } from '@kx/core'
import { createTfjsBackend } from '../src/index.js'
import { rng } from './util.js'

let loops: Backend
let kernels: Backend
beforeAll(async () => {
  loops = await createTfjsBackend({ engine: 'wasm', name: 'tfjs-wasm-loops', traits: { hostElementwise: true } })
  kernels = await createTfjsBackend({ engine: 'wasm', name: 'tfjs-wasm-kernels', traits: { hostElementwise: false } })
})

const SPECIAL = [NaN, 0, -0, Infinity, -Infinity, 1, -1, 0.5]
/** Values with specials mixed in, on both backends. */
function pair(shape: number[], dtype: 'float32' | 'int32' | 'bool', seed: number): [Tensor, Tensor] {
  const r = rng(seed)
  const n = shape.reduce((a, b) => a * b, 1)
  const v = dtype === 'float32'
    ? Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? SPECIAL[Math.floor(r() * SPECIAL.length)]! : Math.round(r() * 8 - 4) / 2))
    : dtype === 'int32' ? Int32Array.from({ length: n }, () => Math.floor(r() * 7) - 3) : Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0))
  return [keep(new Tensor(shape, dtype, loops, loops.upload(v, shape, dtype))), keep(new Tensor(shape, dtype, kernels, kernels.upload(v, shape, dtype)))]
}
/** Bitwise equality of two reads (NaN equals NaN; -0 differs from 0). */
const same = (a: Tensor, b: Tensor): boolean => {
  const x = a.dataSync()
  const y = b.dataSync()
  return x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]))
}

describe('host loops agree with tfjs-wasm kernels', () => {
  const shape = [6, 7]
  it.each(['float32', 'int32', 'bool'] as const)('comparisons of %s operands, and against a broadcast constant', (dtype) => {
    const [a1, a2] = pair(shape, dtype, 1)
    const [b1, b2] = pair(shape, dtype, 2)
    const c1 = full(shape, 1, dtype, loops)
    const c2 = full(shape, 1, dtype, kernels)
    for (const p of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) {
      expect(same(lax.compare(p, a1, b1), lax.compare(p, a2, b2)), p).toBe(true)
      expect(same(lax.compare(p, a1, c1), lax.compare(p, a2, c2)), `${p} constant`).toBe(true)
    }
  })

  it.each(['float32', 'int32', 'bool'] as const)('select of %s values, with constant branches', (dtype) => {
    const [p1, p2] = pair(shape, 'bool', 3)
    const [t1, t2] = pair(shape, dtype, 4)
    const [e1, e2] = pair(shape, dtype, 5)
    const z1 = full(shape, 0, dtype, loops)
    const z2 = full(shape, 0, dtype, kernels)
    // Written out independently: tfjs-wasm's Select gets some bool values wrong, so bool is checked
    // against this only.
    const pv = p1.dataSync()
    const expected = (t: Tensor | null, e: Tensor | null): number[] => {
      const tv = t?.dataSync()
      const ev = e?.dataSync()
      return Array.from(pv, (c, i) => (c ? (tv ? tv[i]! : 0) : (ev ? ev[i]! : 0)) as number)
    }
    const asList = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>)
    expect(asList(lax.select(p1, t1, e1))).toEqual(expected(t1, e1))
    expect(asList(lax.select(p1, t1, z1))).toEqual(expected(t1, null))
    expect(asList(lax.select(p1, z1, e1))).toEqual(expected(null, e1))
    if (dtype === 'bool') return
    expect(same(lax.select(p1, t1, e1), lax.select(p2, t2, e2))).toBe(true)
    expect(same(lax.select(p1, t1, z1), lax.select(p2, t2, z2))).toBe(true)
    expect(same(lax.select(p1, z1, e1), lax.select(p2, z2, e2))).toBe(true)
  })

  it('float32 sums over any axes, bit for bit (including NaN and infinities)', () => {
    const cases: [number[], number[]][] = [[[128, 256], [0]], [[128, 256], [1]], [[33, 17], [0, 1]], [[4, 5, 6], [0, 2]], [[4, 5, 6], [1]], [[3, 1, 7, 2], [0, 3]], [[2, 3, 4, 5], [1, 2]], [[9], [0]]]
    for (const [s, axes] of cases) {
      const r = rng(s.length * 31 + axes[0]!)
      const n = s.reduce((a, b) => a * b, 1)
      const v = Float32Array.from({ length: n }, () => (r() - 0.5) * 1e3)
      if (s[0] === 4) v[7] = NaN
      const x1 = new Tensor(s, 'float32', loops, loops.upload(v, s, 'float32'))
      const x2 = new Tensor(s, 'float32', kernels, kernels.upload(v, s, 'float32'))
      expect(same(lax.reduceSum(x1, axes), lax.reduceSum(x2, axes)), `${s} over ${axes}`).toBe(true)
    }
  })
})
