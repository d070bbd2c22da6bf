/** @file keras.random against the numbers of Keras 3 on JAX for the same seeds. */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { tensor } from '@kx/core'
import * as ops from '../src/index.js'
import { random } from '../src/index.js'
import { assertClose, flat, type EncTensor } from './golden-util.js'

interface RandomCase { name: string; kwargs: Record<string, unknown>; out?: EncTensor; outs?: EncTensor[] }
const cases = (JSON.parse(readFileSync(fileURLToPath(new URL('./golden/random.json', import.meta.url)), 'utf8')) as { cases: RandomCase[] }).cases

function inputs(name: unknown) {
  if (name === 'arange12') return ops.reshape(ops.arange(1, 13, null, { dtype: 'float32' }), [3, 4])
  if (name === 'ones34') return ops.ones([3, 4])
  if (name === 'arange10') return ops.arange(10, null, null, { dtype: 'float32' })
  return ops.reshape(ops.arange(12, null, null, { dtype: 'float32' }), [4, 3])
}

function run(c: RandomCase) {
  const k = c.kwargs as Record<string, never>
  const op = c.name.split('/')[0]!
  switch (op) {
    case 'uniform': case 'uniform-range': case 'uniform-f16':
      return random.uniform(k.shape, { minval: k.minval ?? 0, maxval: k.maxval ?? 1, seed: k.seed, dtype: k.dtype ?? null })
    case 'normal': case 'normal-ms': return random.normal(k.shape, { mean: k.mean ?? 0, stddev: k.stddev ?? 1, seed: k.seed })
    case 'truncated_normal': return random.truncatedNormal(k.shape, { seed: k.seed })
    case 'randint': case 'randint-neg': return random.randint(k.shape, k.minval, k.maxval, { seed: k.seed })
    case 'categorical': return random.categorical(tensor(k.logits, { dtype: 'float32' }), k.num_samples, { seed: k.seed })
    case 'dropout': case 'dropout-ns': return random.dropout(inputs(k.inputs), k.rate, { seed: k.seed, noiseShape: k.noise_shape ?? null })
    case 'shuffle': case 'shuffle-2d': return random.shuffle(inputs(k.inputs), { seed: k.seed, axis: k.axis ?? 0 })
    default: throw new Error(`unknown case ${c.name}`)
  }
}

describe('random: same numbers as Keras on JAX', () => {
  for (const c of cases.filter((x) => x.out)) {
    it(c.name, () => {
      const out = run(c)
      expect(out.dtype).toBe(c.out!.d)
      expect(out.shape).toEqual(c.out!.s)
      // NOTE: uniform draws are bit-exact; normal/truncated normal go through erf_inv, which the
      // reference computes in float64 while XLA uses a float32 polynomial: a few ulps apart.
      assertClose(out.dataSync(), flat(c.out!.v), out.dtype, c.name, out.dtype === 'float16' ? 0 : c.name.startsWith('normal') || c.name.startsWith('trunc') ? 1e-5 : 1e-7)
    })
  }
  it('SeedGenerator sequences', () => {
    for (const c of cases.filter((x) => x.outs)) {
      const gen = new random.SeedGenerator({ seed: c.kwargs['seed_generator'] as number })
      for (const want of c.outs!) {
        const got = c.name.includes('normal') ? random.normal(c.kwargs['shape'] as number[], { seed: gen }) : random.uniform(c.kwargs['shape'] as number[], { seed: gen })
        assertClose(got.dataSync(), flat(want.v), 'float32', c.name, 1e-5)
      }
    }
  })
  it('statistics of gamma, beta, binomial', async () => {
    const g = random.gamma([4000], 2.5, { seed: 1 })
    expect((await ops.mean(g).array()) as number).toBeCloseTo(2.5, 1)
    expect((await ops.variance(g).array()) as number).toBeCloseTo(2.5, 0)
    const gs = random.gamma([4000], 0.5, { seed: 2 })
    expect((await ops.mean(gs).array()) as number).toBeCloseTo(0.5, 1)
    const b = random.beta([4000], 2, 6, { seed: 3 })
    expect((await ops.mean(b).array()) as number).toBeCloseTo(0.25, 1)
    const n = random.binomial([4000], 10, 0.3, { seed: 4 })
    expect((await ops.mean(n).array()) as number).toBeCloseTo(3, 1)
  })
})
