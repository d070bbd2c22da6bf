/** @file keras.random against the numbers of Keras 3 on JAX for the same seeds. */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { getBackend, jit, tensor, type DType, type Tensor } from '@kx/core'
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
})

/** Written by tools/golden/core_random.py: keras.random gamma/beta/binomial/randint/shuffle on JAX. */
interface DistCase { op: string; kwargs: Record<string, never>; dtype: string; shape: number[]; values: number[] }
const dists = (JSON.parse(readFileSync(fileURLToPath(new URL('./golden/random_dists.json', import.meta.url)), 'utf8')) as { cases: DistCase[] }).cases

function draw(op: string, k: Record<string, never>, seed: number | random.SeedGenerator | Tensor): Tensor {
  const dtype = (k.dtype as DType | undefined) ?? null
  switch (op) {
    case 'gamma': return random.gamma(k.shape, k.alpha, { seed, dtype })
    case 'beta': return random.beta(k.shape, k.alpha, k.beta, { seed, dtype })
    case 'binomial': return random.binomial(k.shape, k.counts, k.probabilities, { seed, dtype })
    case 'randint': return random.randint(k.shape, k.minval, k.maxval, { seed, dtype: dtype ?? 'int32' })
    default: {
      const n = k.n as number
      const x = k.rows ? ops.reshape(ops.arange(n * (k.rows as number), null, null, { dtype: 'float32' }), [k.rows, n]) : ops.arange(n, null, null, { dtype: k.rows ? 'float32' : dtype ?? (n === 8 ? 'float32' : 'int32') })
      return random.shuffle(x, { seed, axis: (k.axis as number | undefined) ?? 0 })
    }
  }
}

function check(got: Tensor, c: DistCase, label: string): void {
  expect(got.shape, label).toEqual(c.shape)
  const want = c.values
  const have = Array.from(got.dataSync() as ArrayLike<number>, Number)
  // NOTE: gamma/beta go through erf_inv, log and pow, which the reference computes in float64 and XLA
  // in float32: a few ulps apart; accept/reject decisions and integer draws are exact.
  const tol = c.dtype === 'float16' ? 2e-3 : c.op === 'gamma' || c.op === 'beta' ? 2e-5 : 0
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!
    const h = have[i]!
    if (Number.isNaN(w)) expect(h, label).toBeNaN()
    else expect(Math.abs(h - w), `${label}[${i}]: kx ${h} vs keras ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)))
  }
}

describe('gamma, beta, binomial, randint, shuffle: the numbers of Keras on JAX', () => {
  for (const op of ['gamma', 'beta', 'binomial', 'randint', 'shuffle']) {
    it(`${op} with integer seeds`, () => {
      const cs = dists.filter((c) => c.op === op && c.kwargs['seed'] !== undefined)
      expect(cs.length).toBeGreaterThan(4)
      for (const c of cs) check(draw(op, c.kwargs, c.kwargs['seed'] as number), c, `${op} ${JSON.stringify(c.kwargs)}`)
    })
    it(`${op} with a SeedGenerator: three steps`, () => {
      const cs = dists.filter((c) => c.op === op && c.kwargs['seed_generator'] !== undefined)
      expect(cs.length).toBe(3)
      const gen = new random.SeedGenerator({ seed: cs[0]!.kwargs['seed_generator'] as number })
      for (const c of cs) check(draw(op, c.kwargs, gen), c, `${op} step ${c.kwargs['step']}`)
    })
  }

  it('gamma, beta, binomial, randint and shuffle trace under jit with a key input', () => {
    const pick = (op: string, f: (c: DistCase) => boolean = () => true): DistCase => dists.find((c) => c.op === op && c.kwargs['seed'] === 42 && f(c))!
    const cases = [pick('gamma', (c) => c.kwargs['alpha'] === 0.3), pick('beta', (c) => c.kwargs['alpha'] === 2), pick('binomial', (c) => c.kwargs['counts'] === 100),
      pick('randint', (c) => c.kwargs['dtype'] === 'int32'), pick('shuffle', (c) => !c.kwargs['rows'])]
    for (const c of cases) {
      const f = jit((key: Tensor) => draw(c.op, c.kwargs, key))
      check(f(tensor(new Int32Array([42, 0]), { shape: [2], dtype: 'int32' })), c, `jit ${c.op}`)
    }
  })

  it('on a backend without synchronous reads, bounded masked rounds give the same numbers', async () => {
    const backend = getBackend() as unknown as { readSync?: unknown }
    const own = Object.prototype.hasOwnProperty.call(backend, 'readSync')
    const saved = backend.readSync
    const cs = ['gamma', 'beta', 'binomial'].flatMap((op) => dists.filter((c) => c.op === op && c.kwargs['seed'] === 1337).slice(0, 4))
    const outs: Tensor[] = []
    try {
      backend.readSync = undefined
      for (const c of cs) outs.push(draw(c.op, c.kwargs, c.kwargs['seed'] as number))
    } finally {
      if (own) backend.readSync = saved
      else delete backend.readSync
    }
    outs.forEach((t, i) => check(t, cs[i]!, `no readSync ${cs[i]!.op} ${JSON.stringify(cs[i]!.kwargs)}`))
  })

  it('bad arguments raise typed errors', () => {
    expect(() => random.gamma([2], -1, { seed: 0 })).toThrow(/alpha > 0/)
    expect(() => random.beta([2], 1, 1, { seed: 0, dtype: 'int32' })).toThrow(/floating-point/)
    expect(() => random.randint([2], 0.5, 3, { seed: 0 })).toThrow(/integer bounds/)
    expect(() => random.randint([2], 0, 3, { seed: 0, dtype: 'float32' })).toThrow(/integer dtypes/)
  })
})
