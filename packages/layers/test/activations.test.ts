/** Activations, regularizers and constraints against the real Keras 3 (tools/golden/layers_core.py). */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { tensor, type NestedArray } from '@kx/core'
import * as activations from '../src/activations/index.js'
import * as regularizers from '../src/regularizers/index.js'
import * as constraints from '../src/constraints/index.js'
import { expectClose, flatNumbers } from './harness.js'

const golden = JSON.parse(readFileSync(new URL('./golden/layers_core.json', import.meta.url), 'utf8')) as {
  activations: { input: NestedArray; outputs: Record<string, NestedArray>; serialized: Record<string, string>; extra: Record<string, NestedArray> }
  regularization: { input: NestedArray; regularizers: { envelope: Record<string, unknown>; value: number }[]; constraints: { envelope: Record<string, unknown>; value: NestedArray }[] }
}
const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v))

describe('activations match Keras 3', () => {
  const x = tensor(golden.activations.input, { dtype: 'float32' })
  for (const [name, expected] of Object.entries(golden.activations.outputs)) {
    it(name, async () => {
      const fn = activations.get(name)
      expectClose(await fn(x).array(), expected, 1e-5, name)
      expect(activations.serialize(fn)).toBe(golden.activations.serialized[name])
      expect(activations.deserialize(golden.activations.serialized[name])).toBeTypeOf('function')
    })
  }
  it('options', async () => {
    const e = golden.activations.extra
    expectClose(await activations.relu(x, { negativeSlope: 0.1, maxValue: 2, threshold: 0.5 }).array(), e['relu_options']!, 1e-5, 'relu options')
    expectClose(await activations.relu(x, { negativeSlope: 0.1 }).array(), e['relu_slope_only']!, 1e-5, 'relu slope')
    expectClose(await activations.relu(x, { maxValue: 6 }).array(), e['relu_max6']!, 1e-5, 'relu6')
    expectClose(await activations.threshold(x, { threshold: 0.5, defaultValue: -1 }).array(), e['threshold']!, 1e-5, 'threshold')
    expectClose(await activations.elu(x, { alpha: 0.3 }).array(), e['elu_alpha']!, 1e-5, 'elu')
    expectClose(await activations.gelu(x, { approximate: true }).array(), e['gelu_approx']!, 1e-5, 'gelu approx')
    expectClose(await activations.softmax(x, { axis: 0 }).array(), e['softmax_axis0']!, 1e-5, 'softmax axis 0')
  })
  it('registry: names, null → linear, envelopes, custom functions, no code evaluation', () => {
    expect(activations.ACTIVATION_NAMES.length).toBe(32) // 30 functions + swish, hard_swish
    expect(activations.get(null)).toBe(activations.linear)
    expect(activations.serialize(activations.relu)).toBe('relu')
    expect(activations.serialize(activations.swish)).toBe('silu')
    expect(activations.deserialize({ module: 'keras.activations', class_name: 'function', config: 'tanh', registered_name: null })).toBeTypeOf('function')
    const cube = activations.registerSerializableFunction('my_pkg', 'cube', (t) => t)
    expect(activations.serialize(cube)).toEqual({ module: 'my_pkg', class_name: 'function', config: 'cube', registered_name: 'my_pkg>cube' })
    expect(activations.deserialize(activations.serialize(cube))).toBe(cube)
    expect(() => activations.get('__proto__')).toThrow()
    expect(() => activations.serialize((t) => t)).toThrow(/cannot be serialized/)
  })
})

describe('regularizers and constraints match Keras 3', () => {
  const w = tensor(golden.regularization.input, { dtype: 'float32' })
  golden.regularization.regularizers.forEach((c, i) => {
    it(`regularizer ${i}: ${c.envelope['class_name']}`, async () => {
      const r = regularizers.deserialize(c.envelope)
      expect(json(regularizers.serialize(r))).toEqual(c.envelope)
      expectClose(flatNumbers(await r.apply(w).array()), [c.value], 1e-5, 'penalty')
    })
  })
  golden.regularization.constraints.forEach((c, i) => {
    it(`constraint ${i}: ${c.envelope['class_name']}`, async () => {
      const k = constraints.deserialize(c.envelope)
      expect(json(constraints.serialize(k))).toEqual(c.envelope)
      expectClose(await k.apply(w).array(), c.value, 1e-5, 'projection')
    })
  })
  it('get() names and defaults', () => {
    expect((regularizers.get('l2') as regularizers.L2).l2).toBe(0.01)
    expect(regularizers.get('l1l2')).toBeInstanceOf(regularizers.L1L2)
    expect(regularizers.get(null)).toBeNull()
    expect(constraints.get('non_neg')).toBeInstanceOf(constraints.NonNeg)
    expect(constraints.get('max_norm')).toBeInstanceOf(constraints.MaxNorm)
    expect(() => new regularizers.L2({ l2: -1 })).toThrow(/non-negative/)
  })
})
