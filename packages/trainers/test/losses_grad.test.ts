import { describe, expect, it } from 'vitest'
import { grad, tensor, type Tensor } from '@kx/core'
import * as losses from '../src/losses/index.js'

/** Central finite differences of a scalar function of a float64 array. */
async function finiteDiff(f: (x: Tensor) => Tensor, x: number[], shape: number[], h = 1e-6): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < x.length; i++) {
    const up = x.slice(); up[i]! += h
    const dn = x.slice(); dn[i]! -= h
    const a = (await f(tensor(up, { shape, dtype: 'float64' })).data())[0] as number
    const b = (await f(tensor(dn, { shape, dtype: 'float64' })).data())[0] as number
    out.push((a - b) / (2 * h))
  }
  return out
}

const probs = [0.2, 0.5, 0.3, 0.1, 0.7, 0.2]
const logits = [0.3, -1.2, 2.0, 0.5, 0.1, -0.4]
const onehot = [0, 1, 0, 0, 0, 1]
const reg = [0.4, -0.3, 1.2, 0.9, -1.1, 0.25]

const CASES: [string, losses.Loss, number[], number[], number[]][] = [
  ['MeanSquaredError', new losses.MeanSquaredError({ dtype: 'float64' }), reg.map((v) => v * 2), reg, [2, 3]],
  ['MeanAbsoluteError', new losses.MeanAbsoluteError({ dtype: 'float64' }), reg.map((v) => v * 2), reg, [2, 3]],
  ['Huber', new losses.Huber({ dtype: 'float64', delta: 0.5 }), reg.map((v) => v * 2), reg, [2, 3]],
  ['LogCosh', new losses.LogCosh({ dtype: 'float64' }), reg.map((v) => v * 2), reg, [2, 3]],
  ['CosineSimilarity', new losses.CosineSimilarity({ dtype: 'float64' }), reg.map((v) => v * 2 + 0.1), reg, [2, 3]],
  ['BinaryCrossentropy', new losses.BinaryCrossentropy({ dtype: 'float64' }), onehot, probs, [2, 3]],
  ['BinaryCrossentropy/logits', new losses.BinaryCrossentropy({ dtype: 'float64', fromLogits: true, labelSmoothing: 0.1 }), onehot, logits, [2, 3]],
  ['CategoricalCrossentropy', new losses.CategoricalCrossentropy({ dtype: 'float64' }), onehot, probs, [2, 3]],
  ['CategoricalCrossentropy/logits', new losses.CategoricalCrossentropy({ dtype: 'float64', fromLogits: true }), onehot, logits, [2, 3]],
  ['SparseCategoricalCrossentropy/logits', new losses.SparseCategoricalCrossentropy({ dtype: 'float64', fromLogits: true }), [1, 2], logits, [2, 3]],
  ['KLDivergence', new losses.KLDivergence({ dtype: 'float64' }), [0.3, 0.3, 0.4, 0.5, 0.25, 0.25], probs, [2, 3]],
  ['Poisson', new losses.Poisson({ dtype: 'float64' }), [1, 2, 0, 3, 1, 1], probs, [2, 3]],
  ['BinaryFocalCrossentropy', new losses.BinaryFocalCrossentropy({ dtype: 'float64', applyClassBalancing: true }), onehot, probs, [2, 3]],
  ['CategoricalFocalCrossentropy', new losses.CategoricalFocalCrossentropy({ dtype: 'float64', fromLogits: true }), onehot, logits, [2, 3]],
]

describe('loss gradients match finite differences (float64)', () => {
  for (const [id, loss, yTrue, yPred, shape] of CASES) {
    it(id, async () => {
      const t = tensor(yTrue, { shape: id.startsWith('Sparse') ? [2] : shape, dtype: 'float64' })
      const f = (p: Tensor): Tensor => loss.apply(t, p)
      const g = grad(f)(tensor(yPred, { shape, dtype: 'float64' })) as Tensor
      const want = await finiteDiff(f, yPred, shape)
      const got = Array.from(await g.data(), Number)
      got.forEach((v, i) => expect(Math.abs(v - want[i]!), `${id}[${i}]: ${v} vs ${want[i]}`).toBeLessThan(1e-6 + 1e-5 * Math.abs(want[i]!)))
    })
  }
})
