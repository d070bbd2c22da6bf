/** `model.summary()` prints the same characters as Keras 3 (tools/golden/layers_summary.py captures Keras's text). */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Add, BatchNormalization, Concatenate, Conv2D, Dense, Flatten, Input, Model, Sequential, type SummaryOptions } from '../src/index.js'

interface SummaryCase { name: string; options: Record<string, unknown>; text: string }
const golden = JSON.parse(readFileSync(new URL('./golden/layers_summary.json', import.meta.url), 'utf8')) as { cases: SummaryCase[] }

// The same models as the golden script, built with kx.
const mlp = (): Model => new Sequential({
  name: 'mlp',
  layers: [Input({ shape: [784] }), new Dense({ units: 256, activation: 'relu', name: 'dense' }), new Dense({ units: 256, activation: 'relu', name: 'dense_1' }),
    new Dense({ units: 10, activation: 'softmax', name: 'dense_2' })],
})
function merge(): Model {
  const a = Input({ shape: [32], name: 'input_a' })
  const b = Input({ shape: [16], name: 'input_b' })
  const ha = new Dense({ units: 8, name: 'dense_a' }).apply(a)
  const hb = new Dense({ units: 8, name: 'dense_b' }).apply(b)
  const added = new Add({ name: 'add' }).apply([ha, hb])
  const cat = new Concatenate({ name: 'concat' }).apply([added, hb])
  return new Model({ inputs: [a, b], outputs: new Dense({ units: 1, name: 'out' }).apply(cat), name: 'merge_model' })
}
function nested(): Model {
  const innerIn = Input({ shape: [6], name: 'inner_in' })
  const inner = new Model({ inputs: innerIn, outputs: new Dense({ units: 4, name: 'inner_dense' }).apply(innerIn), name: 'inner' })
  const x = Input({ shape: [6], name: 'outer_in' })
  return new Model({ inputs: x, outputs: new Dense({ units: 2, name: 'head' }).apply(inner.apply(x)), name: 'outer' })
}
const batchnorm = (): Model => new Sequential({
  name: 'bn_model',
  layers: [Input({ shape: [28, 28, 3] }), new Conv2D({ filters: 8, kernelSize: 3, name: 'conv' }), new BatchNormalization({ name: 'bn' }), new Flatten({ name: 'flat' }),
    new Dense({ units: 10, name: 'logits' })],
})
const unbuilt = (): Model => new Sequential({ name: 'unbuilt', layers: [new Dense({ units: 4, name: 'd1' }), new Dense({ units: 2, name: 'd2' })] })
function frozen(): Model {
  const m = new Sequential({ name: 'frozen', layers: [Input({ shape: [5] }), new Dense({ units: 3, name: 'f1' }), new Dense({ units: 3, name: 'f2' })] })
  m.layers[0]!.trainable = false
  return m
}
const MODELS: Record<string, () => Model> = {
  sequential_mlp: mlp, functional_merge: merge, nested, nested_expand: nested, batchnorm, unbuilt, frozen_show_trainable: frozen,
  mlp_line_length: mlp, merge_positions: merge,
}

const camel = (o: Record<string, unknown>): SummaryOptions =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v])) as SummaryOptions

describe('summary() text equals Keras 3', () => {
  for (const c of golden.cases) {
    it(c.name, () => {
      let printed = ''
      const text = MODELS[c.name]!().summary({ ...camel(c.options), printFn: (t) => { printed = t } })
      expect(text).toBe(c.text)
      expect(printed).toBe(c.text)
    })
  }
  it('selects rows with layerRange and refuses positions that leave no room', () => {
    const text = mlp().summary({ layerRange: ['dense_1', 'dense_2'], printFn: () => {} })
    expect(text).toContain('dense_1 (Dense)')
    expect(text).not.toContain('dense (Dense)')
    expect(() => mlp().summary({ lineLength: 10, printFn: () => {} })).toThrow(/Insufficient console width/)
  })
})
