import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, type Tensor } from '@kx/core'
import { setKerasMask } from '@kx/layers'
import * as losses from '../src/losses/index.js'
import { decode, expectClose, expectFnCase, loadGolden, tolerances, type FnCase, type GoldenArray } from './losses-metrics-golden.js'

interface ClassCase {
  id: string; kind: 'class'; class_name: string; args: Record<string, unknown>; config: Record<string, unknown>; serialized: Record<string, unknown>
  y_true: GoldenArray; y_pred: GoldenArray; sample_weight: GoldenArray | null; mask: GoldenArray | null; output: GoldenArray
}

const golden = loadGolden<ClassCase | FnCase>('losses.json')

describe('losses match Keras 3 (golden)', () => {
  for (const c of golden.cases) {
    it(c.id, async () => {
      if (c.kind === 'fn') return expectFnCase(losses.LOSS_FUNCTIONS, c)
      const loss = losses.deserialize({ class_name: c.class_name, config: c.args }) as losses.Loss
      expect(loss).toBeInstanceOf(losses.Loss)
      expect(loss.getConfig(), `${c.id}: get_config`).toEqual(c.config)
      expect(losses.serialize(loss), `${c.id}: serialize`).toEqual(c.serialized)
      const yPred = decode(c.y_pred)
      if (c.mask) setKerasMask(yPred, decode(c.mask))
      const [rtol, atol] = tolerances(c.id)
      await expectClose(loss.apply(decode(c.y_true), yPred, decode(c.sample_weight)), c.output, c.id, rtol, atol)
    })
  }
})

describe('losses registry', () => {
  it('get resolves Keras names and aliases', () => {
    expect(losses.get('mse')).toBe(losses.meanSquaredError)
    expect(losses.get('MAE')).toBe(losses.meanAbsoluteError)
    expect(losses.get('kld')).toBe(losses.klDivergence)
    expect(losses.get('bce')).toBe(losses.binaryCrossentropy)
    expect(losses.get('mean_squared_error')).toBe(losses.meanSquaredError)
    expect(losses.get('BinaryCrossentropy')).toBeInstanceOf(losses.BinaryCrossentropy)
    expect(losses.get(null)).toBeNull()
    const l = new losses.Huber()
    expect(losses.get(l)).toBe(l)
    expect(losses.get(losses.CategoricalCrossentropy)).toBeInstanceOf(losses.CategoricalCrossentropy)
  })
  it('getLoss wraps functions for compile()', async () => {
    for (const id of ['mse', 'mean_squared_error', 'sparse_categorical_crossentropy', 'categorical_crossentropy', 'binary_crossentropy']) {
      const l = losses.getLoss(id)
      expect(l).toBeInstanceOf(losses.Loss)
      expect(l.name).toBe(id)
    }
    const w = losses.getLoss(losses.meanAbsoluteError)
    expect(w.name).toBe('mean_absolute_error')
    expect(await w.apply([[0, 1]], [[1, 1]]).array()).toBeCloseTo(0.5)
    const custom = losses.getLoss((t: Tensor, p: Tensor) => losses.meanSquaredError(t, p))
    expect(await custom.apply([[0, 2]], [[0, 0]]).array()).toBeCloseTo(2)
    const env = losses.getLoss({ module: 'keras.losses', class_name: 'BinaryCrossentropy', config: { from_logits: true }, registered_name: null })
    expect((env as losses.BinaryCrossentropy).fromLogits).toBe(true)
  })
  it('function envelopes round-trip', () => {
    const env = losses.serialize(losses.meanSquaredError)
    expect(env).toEqual({ module: 'builtins', class_name: 'function', config: 'mean_squared_error', registered_name: 'function' })
    expect(losses.deserialize(env)).toBe(losses.meanSquaredError)
    const w = losses.getLoss('mse')
    const back = losses.deserialize(losses.serialize(w)) as losses.LossFunctionWrapper
    expect(back).toBeInstanceOf(losses.LossFunctionWrapper)
    expect(back.name).toBe('mse')
    expect(back.fn).toBe(losses.meanSquaredError)
  })
  it('typed errors', () => {
    expect(() => losses.getLoss('not_a_loss')).toThrow(InvalidArgumentError)
    expect(() => losses.getLoss('not_a_loss')).toThrow(/not_a_loss/)
    expect(() => losses.deserialize({ class_name: 'Nope', config: {} })).toThrow(InvalidArgumentError)
    expect(() => losses.deserialize({ class_name: 'MeanSquaredError', config: JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown> })).toThrow(InvalidArgumentError)
    expect(() => new losses.MeanSquaredError({ reduction: 'avg' as never })).toThrow(InvalidArgumentError)
    expect(() => new losses.CategoricalGeneralizedCrossEntropy({ q: 1.5 })).toThrow(InvalidArgumentError)
    expect(() => losses.get(42)).toThrow(InvalidArgumentError)
  })
})
