/** Initializers against the real Keras 3 on JAX (tools/golden/layers_core.py): envelopes, seeded draws, statistics, fans. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { KerasTensor, SeedGenerator, memory, setRandomSeed, tidy, type NestedArray, type Tensor } from '@kx/core'
import * as initializers from '../src/initializers/index.js'
import { Dense } from '../src/layers/index.js'
import { expectClose, flatNumbers } from './harness.js'

interface InitCase {
  class_name: string; kwargs: Record<string, unknown>; envelope: Record<string, unknown>
  draws: { shape: number[]; values: NestedArray }[]; stats: { shape: number[]; mean: number; std: number; min: number; max: number } | null
}
const golden = JSON.parse(readFileSync(new URL('./golden/layers_core.json', import.meta.url), 'utf8')) as { initializers: InitCase[]; initializer_names: Record<string, string> }
const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v))

describe('initializers match Keras 3 on JAX', () => {
  for (const c of golden.initializers) {
    it(`${c.class_name} ${JSON.stringify(c.kwargs)}`, async () => {
      expect(json(initializers.serialize(initializers.deserialize(c.envelope))), 'envelope').toEqual(c.envelope)
      // Draws use the constructor arguments (Keras's Identity drops `gain` from its config).
      const init = initializers.deserialize({ class_name: c.class_name, config: c.kwargs })
      expect(init.className).toBe(c.class_name)
      for (const d of c.draws) {
        const t = init.apply(d.shape, 'float32')
        expect(t.shape).toEqual(d.shape)
        // NOTE: same Threefry bits as JAX; XLA may fuse `u * span + lo` into an FMA, hence 1-ulp slack.
        expectClose(await t.array(), d.values, 2e-6, `${c.class_name} ${JSON.stringify(d.shape)}`)
      }
      if (c.stats) {
        const v = flatNumbers(await init.apply(c.stats.shape, 'float32').array())
        const mean = v.reduce((a, b) => a + b, 0) / v.length
        const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length)
        expect(mean).toBeCloseTo(c.stats.mean, 5)
        expect(std).toBeCloseTo(c.stats.std, 5)
      }
    })
  }
  it('accepts every Keras name and alias', () => {
    for (const [name, cls] of Object.entries(golden.initializer_names)) {
      expect(initializers.get(name) instanceof initializers.Initializer, name).toBe(true)
      expect((initializers.get(name) as initializers.Initializer).className, name).toBe(cls)
    }
  })
})

describe('initializer behaviour', () => {
  it('computes fans like Keras (vectors, matrices, conv kernels, explicit axes)', () => {
    expect(initializers.computeFans([])).toEqual([1, 1])
    expect(initializers.computeFans([7])).toEqual([7, 7])
    expect(initializers.computeFans([4, 5])).toEqual([4, 5])
    expect(initializers.computeFans([3, 3, 16, 32])).toEqual([144, 288])
    expect(initializers.computeFans([2, 3, 4], [0, 1], [2])).toEqual([6, 4])
  })
  it('seeded initializers repeat; a SeedGenerator seed moves on', async () => {
    const a = new initializers.GlorotUniform({ seed: 5 })
    expect(await a.apply([3, 3]).array()).toEqual(await a.apply([3, 3]).array())
    const g = new initializers.RandomNormal({ seed: new SeedGenerator({ seed: 5 }) })
    expect(await g.apply([4]).array()).not.toEqual(await g.apply([4]).array())
  })
  it('unseeded initializers draw from the global generator (reproducible after setRandomSeed)', async () => {
    setRandomSeed(123)
    const x1 = await new initializers.HeNormal().apply([5]).array()
    setRandomSeed(123)
    const x2 = await new initializers.HeNormal().apply([5]).array()
    expect(x1).toEqual(x2)
    expect(await new initializers.HeNormal().apply([5]).array()).not.toEqual(x2)
  })
  it('get() resolves names, envelopes, instances, functions and tensors; null stays null', () => {
    expect(initializers.get(null)).toBeNull()
    expect(initializers.get('glorot_uniform')).toBeInstanceOf(initializers.GlorotUniform)
    expect(initializers.get({ class_name: 'Constant', config: { value: 2 } })).toBeInstanceOf(initializers.Constant)
    const fn = (s: readonly number[]): Tensor => new initializers.Ones().apply(s)
    expect(initializers.get(fn as never)).toBe(fn)
    expect(() => initializers.get('nope')).toThrow(/Unknown initializer/)
  })
  it('Dense defaults to glorot_uniform / zeros and the default initializer does not leak tensors', () => {
    const d = new Dense({ units: 3 })
    expect((d.getConfig()['kernel_initializer'] as { class_name: string }).class_name).toBe('GlorotUniform')
    const before = memory().numTensors
    tidy(() => { new initializers.GlorotUniform({ seed: 1 }).apply([4, 4]) })
    expect(memory().numTensors).toBe(before)
  })
  it('works on the symbolic path', () => {
    const k = new initializers.RandomUniform({ seed: 1 }).apply([2, 2])
    expect(k).not.toBeInstanceOf(KerasTensor)
  })
})
