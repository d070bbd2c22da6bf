/**
 * @file keras.random samplers traced with `jit` and run by ONNX Runtime alone (no host fallback): key splits
 * (`threefry2x32`), rejection loops (`while` → Loop) and sorts give Keras-on-JAX's numbers (golden data of
 * tools/golden/core_random.py).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { jit, tensor, type Tensor } from '@kx/core'
import { random } from '@kx/ops-numpy'
import { createOnnxBackend } from '../src/index.js'

interface DistCase { op: string; kwargs: Record<string, never>; values: number[] }
const dists = (JSON.parse(readFileSync(new URL('../../ops-numpy/test/golden/random_dists.json', import.meta.url), 'utf8')) as { cases: DistCase[] }).cases
const pick = (op: string, f: (k: Record<string, unknown>) => boolean): DistCase => dists.find((c) => c.op === op && c.kwargs['seed'] === 42 && f(c.kwargs))!

const CASES: [DistCase, (k: Record<string, never>, key: Tensor) => Tensor][] = [
  [pick('gamma', (k) => k['alpha'] === 0.3), (k, key) => random.gamma(k.shape, k.alpha, { seed: key })],
  [pick('beta', (k) => k['alpha'] === 2), (k, key) => random.beta(k.shape, k.alpha, k.beta, { seed: key })],
  [pick('binomial', (k) => k['counts'] === 100), (k, key) => random.binomial(k.shape, k.counts, k.probabilities, { seed: key })],
  [pick('binomial', (k) => k['counts'] === 10), (k, key) => random.binomial(k.shape, k.counts, k.probabilities, { seed: key })],
  [pick('randint', (k) => k['maxval'] === 1000000), (k, key) => random.randint(k.shape, k.minval, k.maxval, { seed: key })],
  [pick('shuffle', (k) => k['n'] === 2000), (_k, key) => random.shuffle(tensor(Array.from({ length: 2000 }, (_, i) => i), { dtype: 'int32' }), { seed: key })],
]

describe('random samplers under jit on ONNX Runtime', () => {
  it('give the numbers of Keras on JAX', async () => {
    const backend = createOnnxBackend({ hostFallback: false })
    for (const [c, draw] of CASES) {
      const f = jit((key: Tensor) => draw(c.kwargs, key))
      const y = f(tensor(new Int32Array([42, 0]), { shape: [2], dtype: 'int32', backend }))
      expect(y.backend).toBe(backend)
      const got = Array.from((await y.data()) as ArrayLike<number>, Number)
      got.forEach((v, i) => expect(Math.abs(v - c.values[i]!), `${c.op} ${JSON.stringify(c.kwargs)}[${i}]`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(c.values[i]!))))
    }
  }, 120_000)
})
