import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { Input, Sequential, Dense, registerTrainer } from '@kx/layers'
import { trainer, optimizers } from '../src/index.js'

registerTrainer(trainer)

interface FitCase {
  name: string; x: number[][]; y: number[][] | number[]; init: unknown[]
  history: Record<string, number[]>; evaluate: Record<string, number>; final: unknown[]
}
const golden = JSON.parse(readFileSync(new URL('./golden/fit.json', import.meta.url), 'utf8')) as { cases: FitCase[] }
const byName = Object.fromEntries(golden.cases.map((c) => [c.name, c]))

function close(a: number, b: number, rel = 2e-5, abs = 2e-6): boolean { return Math.abs(a - b) <= abs + rel * Math.abs(b) }

describe('fit against the real Keras 3 (same weights, data order, optimizer)', () => {
  const build: Record<string, () => { model: Sequential; compile: Record<string, unknown>; fit: Record<string, unknown> }> = {
    mlp_adam_mse: () => ({
      model: new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 8, activation: 'tanh' }), new Dense({ units: 1 })] }),
      compile: { optimizer: new optimizers.Adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] },
      fit: { epochs: 5, batchSize: 8, validationSplit: 0.25 },
    }),
    mlp_sgd_momentum_sparse_cce: () => ({
      model: new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 6, activation: 'relu' }), new Dense({ units: 3, activation: 'softmax' })] }),
      compile: { optimizer: new optimizers.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] },
      fit: { epochs: 4, batchSize: 16 },
    }),
  }
  for (const [name, make] of Object.entries(build)) {
    it(`${name}: per-epoch logs, evaluate and final weights match Keras`, async () => {
      const g = byName[name]!
      const { model, compile, fit } = make()
      model.setWeights(g.init as never)
      model.compile(compile)
      const h = (await model.fit(g.x, g.y, { ...fit, shuffle: false, verbose: 0 })) as { history: Record<string, number[]> }
      expect(Object.keys(h.history).sort()).toEqual(Object.keys(g.history).sort())
      for (const [k, vs] of Object.entries(g.history)) {
        vs.forEach((v, i) => expect(close(h.history[k]![i]!, v), `${k}[${i}]: kx ${h.history[k]![i]} vs keras ${v}`).toBe(true))
      }
      const ev = (await model.evaluate(g.x, g.y, { verbose: 0, returnDict: true })) as Record<string, number>
      for (const [k, v] of Object.entries(g.evaluate)) expect(close(ev[k]!, v), `evaluate ${k}: kx ${ev[k]} vs keras ${v}`).toBe(true)
      const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number])
      const final = flat(await model.getWeights())
      const want = flat(g.final)
      final.forEach((v, i) => expect(close(v, want[i]!, 1e-4, 1e-5), `weight ${i}`).toBe(true))
    })
  }
})
