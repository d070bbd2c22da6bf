import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { KerasTensor, KxError, abstractEval, lax, memory, tensor, tidy, type DType } from '../src/index.js'
import { foldIn, randomBits, randomBits64, randomKey, randomUniform, split, threefry2x32, threefryHash } from '../src/random/threefry.js'
import { SeedGenerator, drawSeed, globalSeedGenerator, setRandomSeed } from '../src/random/SeedGenerator.js'

/** Written by tools/golden/core_random.py from JAX's jax.random and Keras 3 on JAX. */
const golden = JSON.parse(readFileSync(new URL('./golden/random.json', import.meta.url), 'utf8'))
const prod = (s: number[]): number => s.reduce((a, b) => a * b, 1)
const u32 = (xs: ArrayLike<number>): number[] => Array.from(xs, (x) => x >>> 0)

interface Case { key: number[]; shape: number[]; values: number[]; dtype?: DType }

describe('Threefry-2x32', () => {
  it('matches the published Random123 known answers', () => {
    // Random123 kat_vectors, threefry2x32_20 (also JAX's testThreefry2x32).
    const kat: [number[], number[], number[]][] = [
      [[0, 0], [0, 0], [0x6b200159, 0x99ba4efe]],
      [[0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x1cb996fc, 0xbb002be7]],
      [[0x13198a2e, 0x03707344], [0x243f6a88, 0x85a308d3], [0xc4923a9c, 0x483df7a0]],
    ]
    for (const [key, ctr, out] of kat) {
      const [a, b] = threefry2x32(key[0]!, key[1]!, [ctr[0]!], [ctr[1]!])
      expect([a[0], b[0]]).toEqual(out)
      expect(u32(threefryHash(key, ctr))).toEqual(out)
    }
    for (const c of golden.kat) expect(u32(threefryHash(c.key, c.ctr))).toEqual(c.out)
  })

  it('records which layout JAX uses by default (partitionable)', () => {
    expect(golden.default_partitionable).toBe(true)
  })

  it('randomKey is jax.random.PRNGKey', () => {
    for (const { seed, key } of golden.prngkey) expect(u32(randomKey(seed))).toEqual(key)
  })

  for (const mode of ['partitionable', 'original'] as const) {
    describe(`jax_threefry_partitionable=${mode === 'partitionable'}`, () => {
      const g = golden.modes[mode]
      const opts = { partitionable: mode === 'partitionable' }
      it('bits (uint32, uint16, uint8)', () => {
        for (const c of g.bits as Case[]) expect(u32(randomBits(c.key, prod(c.shape), 32, opts))).toEqual(c.values)
        for (const c of g.bits16 as Case[]) expect(u32(randomBits(c.key, prod(c.shape), 16, opts))).toEqual(c.values)
        for (const c of g.bits8 as Case[]) expect(u32(randomBits(c.key, prod(c.shape), 8, opts))).toEqual(c.values)
      })
      it('uniform (float32, float64, float16, bfloat16), bit for bit', () => {
        expect((g.uniform as Case[]).some((c) => c.dtype === 'float64')).toBe(true)
        for (const c of g.uniform as Case[]) expect(Array.from(randomUniform(c.key, prod(c.shape), c.dtype!, opts)), `${c.dtype} ${c.key}`).toEqual(c.values)
      })
      it('split', () => {
        for (const c of g.split) expect(split(c.key, c.num, opts).map(u32)).toEqual(c.keys)
      })
      it('foldIn', () => {
        for (const c of g.fold_in) expect(u32(foldIn(c.key, c.data))).toEqual(c.out)
      })
    })
  }

  it('64-bit draws are the two words of the partitionable hash', () => {
    const [hi, lo] = randomBits64([0, 42], 3)
    const [a, b] = threefry2x32(0, 42, [0, 0, 0], [0, 1, 2])
    expect(u32(hi)).toEqual(u32(a))
    expect(u32(lo)).toEqual(u32(b))
  })

  it('rejects bad arguments with typed errors', () => {
    expect(() => randomKey(1.5)).toThrow(KxError)
    expect(() => split([1, 2, 3], 2)).toThrow(/two uint32 words/)
    expect(() => randomUniform([0, 1], 2, 'int32')).toThrow(/floating-point/)
  })
})

describe('random_bits / random_uniform primitives (reference backend)', () => {
  const keyTensor = (k: number[]) => tensor(new Int32Array(k.map((x) => x | 0)), { shape: [2], dtype: 'int32' })
  it('random_bits gives jax.random.bits from an int32 key holding the uint32 words', async () => {
    for (const c of golden.modes.partitionable.bits as Case[]) {
      const t = lax.randomBits(keyTensor(c.key), c.shape)
      expect(t.dtype).toBe('uint32')
      expect(t.shape).toEqual(c.shape)
      expect(u32(await t.data())).toEqual(c.values)
    }
  })
  it('random_uniform gives jax.random.uniform in every float dtype', async () => {
    for (const c of golden.modes.partitionable.uniform as Case[]) {
      const t = lax.randomUniform(keyTensor(c.key), c.shape, c.dtype!)
      expect(t.dtype).toBe(c.dtype)
      expect(Array.from(await t.data())).toEqual(c.values)
    }
  })
  it('shape rules: key checks, dtype checks, symbolic keys', () => {
    expect(() => abstractEval('random_bits', [{ shape: [3], dtype: 'int32' }], { shape: [2] })).toThrow(/key/)
    expect(() => abstractEval('random_bits', [{ shape: [2], dtype: 'float32' }], { shape: [2] })).toThrow(KxError)
    expect(() => abstractEval('random_uniform', [{ shape: [2], dtype: 'int32' }], { shape: [2], dtype: 'int32' })).toThrow(/floating-point/)
    expect(() => abstractEval('random_uniform', [{ shape: [2], dtype: 'int32' }], { shape: [-1], dtype: 'float32' })).toThrow(KxError)
    const y = lax.randomUniform(new KerasTensor([2], 'int32'), [4, 5], 'float16')
    expect(y.isSymbolic).toBe(true)
    expect(y.shape).toEqual([4, 5])
    expect(y.dtype).toBe('float16')
  })
})

describe('SeedGenerator and drawSeed (Keras on JAX)', () => {
  it('integer seeds give the keys and numbers of keras.random.uniform(seed=s)', async () => {
    for (const { seed, key } of golden.keras.draw_seed) expect(u32(await drawSeed(seed).data())).toEqual(key)
    for (const c of golden.keras.uniform_int_seed) {
      const t = lax.randomUniform(drawSeed(c.seed), c.shape, c.dtype)
      expect(Array.from(await t.data()), `seed=${c.seed} ${c.dtype}`).toEqual(c.values)
    }
  })
  it('next() returns the state and advances it like Keras', async () => {
    for (const c of golden.keras.seed_generator) {
      const gen = new SeedGenerator({ seed: c.seed })
      expect(gen.state.dtype).toBe('int32')
      expect(gen.state.trainable).toBe(false)
      for (const step of c.steps) {
        expect(u32(await gen.state.value.data())).toEqual(step.state)
        expect(u32(await gen.next().data())).toEqual(step.key)
      }
      const gen2 = new SeedGenerator({ seed: c.seed })
      for (const want of c.uniform4) expect(Array.from(await lax.randomUniform(drawSeed(gen2), [4], 'float32').data())).toEqual(want)
      const gen3 = new SeedGenerator({ seed: c.seed })
      for (const want of c.unordered_keys) expect(u32(await gen3.next(false).data())).toEqual(want)
      expect(u32(await gen3.state.value.data())).toEqual(c.state_after_unordered)
    }
  })
  it('unordered steps use uint32 arithmetic for seeds past 2^31', async () => {
    // ((s + 1) · 5387 mod 2^32) mod 933199 on uint32, computed here with BigInt.
    const s = 3_000_000_000
    const gen = new SeedGenerator({ seed: s })
    gen.next(false)
    const want = [s, 0].map((v) => Number(((BigInt(v) + 1n) * 5387n % 2n ** 32n) % 933199n))
    expect(u32(await gen.state.value.data())).toEqual(want)
  })
  it('keeps the tensor count flat and round-trips its config', () => {
    const gen = new SeedGenerator({ seed: 7, name: 'sg' })
    const before = memory().numTensors
    for (let i = 0; i < 5; i++) gen.next().dispose()
    for (let i = 0; i < 5; i++) tidy(() => { lax.randomUniform(drawSeed(gen), [3], 'float32') })
    expect(memory().numTensors).toBe(before)
    expect(gen.getConfig()).toEqual({ seed: 7, name: 'sg' })
    expect(SeedGenerator.fromConfig(gen.getConfig()).name).toBe('sg')
    expect(new SeedGenerator().getConfig().seed).toBeNull()
  })
  it('drawSeed: unseeded draws use the global generator; bad seeds throw', async () => {
    setRandomSeed(5)
    const a = u32(await drawSeed(undefined).data())
    expect(a).toEqual([5, 0])
    expect(u32(await globalSeedGenerator().state.value.data())).toEqual([(6 * 5387) % 933199, 5387])
    const k = drawSeed(42)
    expect(drawSeed(k)).toBe(k)
    expect(() => drawSeed(1.5)).toThrow(KxError)
    expect(() => drawSeed('x' as unknown as number)).toThrow(/integer or an instance of `SeedGenerator`/)
    expect(() => new SeedGenerator({ seed: 0.5 })).toThrow(KxError)
  })
})

describe('threefry2x32 primitive (reference backend)', () => {
  const i32 = (words: number[], shape: number[]) => tensor(new Int32Array(words.map((x) => x | 0)), { shape, dtype: 'int32' })
  it('hashes (key, counter (0, i)) pairs into the words of jax.random.split', async () => {
    for (const c of golden.modes.partitionable.split as { key: number[]; num: number; keys: number[][] }[]) {
      const keys = i32(Array.from({ length: c.num }, () => c.key).flat(), [c.num, 2])
      const counts = i32(Array.from({ length: c.num }, (_, i) => [0, i]).flat(), [c.num, 2])
      const out = lax.threefry2x32(keys, counts)
      expect(out.dtype).toBe('int32')
      expect(u32(await out.data())).toEqual(c.keys.flat())
    }
  })
  it('a scalar draw is the xor of the words for counter (0, 0), as jax.random.bits(key, ())', async () => {
    for (const c of (golden.modes.partitionable.bits as Case[]).filter((x) => x.shape.length === 0)) {
      const w = await lax.threefry2x32(i32(c.key, [2]), i32([0, 0], [2])).data()
      expect([(w[0]! ^ w[1]!) >>> 0]).toEqual(c.values)
    }
  })
  it('uint32 pairs, shape rule, symbolic inputs', async () => {
    const k = tensor(new Uint32Array([0, 42]), { shape: [2], dtype: 'uint32' })
    const out = lax.threefry2x32(k, tensor(new Uint32Array([0, 1]), { shape: [2], dtype: 'uint32' }))
    expect(out.dtype).toBe('uint32')
    expect(u32(await out.data())).toEqual(golden.modes.partitionable.split.find((c: { key: number[]; num: number }) => c.key[1] === 42 && c.key[0] === 0 && c.num === 2).keys[1])
    expect(() => abstractEval('threefry2x32', [{ shape: [3], dtype: 'int32' }, { shape: [3], dtype: 'int32' }], {})).toThrow(/word pairs/)
    expect(() => abstractEval('threefry2x32', [{ shape: [2], dtype: 'int32' }, { shape: [2], dtype: 'uint32' }], {})).toThrow(KxError)
    expect(() => abstractEval('threefry2x32', [{ shape: [2, 2], dtype: 'int32' }, { shape: [3, 2], dtype: 'int32' }], {})).toThrow(KxError)
    const y = lax.threefry2x32(new KerasTensor([null, 2], 'int32'), new KerasTensor([5, 2], 'int32'))
    expect(y.shape).toEqual([5, 2])
  })
})
