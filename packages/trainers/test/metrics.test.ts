import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, memory, tidy, type Tensor } from '@kx/core'
import * as metrics from '../src/metrics/index.js'
import { decode, expectClose, expectFnCase, loadGolden, tolerances, type FnCase, type GoldenArray } from './losses-metrics-golden.js'

interface Update { y_true: GoldenArray; y_pred: GoldenArray | null; sample_weight: GoldenArray | null }
interface ClassCase {
  id: string; kind: 'class'; class_name: string; args: Record<string, unknown>; config: Record<string, unknown>
  serialized: Record<string, unknown>; updates: Update[]; results: GoldenArray[]; after_reset: GoldenArray
}

const golden = loadGolden<ClassCase | FnCase>('metrics.json')

describe('metrics match Keras 3 (golden)', () => {
  for (const c of golden.cases) {
    it(c.id, async () => {
      if (c.kind === 'fn') return expectFnCase(metrics.METRIC_FUNCTIONS, c)
      const m = metrics.deserialize({ class_name: c.class_name, config: c.args }) as metrics.Metric
      expect(m).toBeInstanceOf(metrics.Metric)
      const [rtol, atol] = tolerances(c.id)
      for (const [i, u] of c.updates.entries()) {
        if (u.y_pred === null) m.updateState(decode(u.y_true), decode(u.sample_weight))
        else m.updateState(decode(u.y_true), decode(u.y_pred), decode(u.sample_weight))
        await expectClose(m.result(), c.results[i]!, `${c.id} after update ${i}`, rtol, atol)
      }
      m.resetState()
      await expectClose(m.result(), c.after_reset, `${c.id} after reset`, rtol, atol)
      expect(m.getConfig(), `${c.id}: get_config`).toEqual(c.config)
      expect(metrics.serialize(m), `${c.id}: serialize`).toEqual(c.serialized)
    })
  }
})

describe('metrics registry', () => {
  it('get resolves class names, snake_case names and aliases', () => {
    expect(metrics.get('mse')).toBeInstanceOf(metrics.MeanSquaredError)
    expect(metrics.get('MAE')).toBeInstanceOf(metrics.MeanAbsoluteError)
    expect(metrics.get('binary_accuracy')).toBeInstanceOf(metrics.BinaryAccuracy)
    expect(metrics.get('AUC')).toBeInstanceOf(metrics.AUC)
    expect(metrics.get('auc')).toBeInstanceOf(metrics.AUC)
    expect(metrics.get('r2_score')).toBeInstanceOf(metrics.R2Score)
    expect(metrics.get(null)).toBeNull()
    expect(metrics.get(metrics.binaryAccuracy)).toBe(metrics.binaryAccuracy)
  })
  it('getMetric names metrics after string identifiers and wraps functions', async () => {
    const m = metrics.getMetric('mae')
    expect(m).toBeInstanceOf(metrics.MeanAbsoluteError)
    expect(m.name).toBe('mae')
    const w = metrics.getMetric(metrics.meanSquaredError)
    expect(w).toBeInstanceOf(metrics.MeanMetricWrapper)
    expect(w.name).toBe('mean_squared_error')
    w.updateState([[0, 1]], [[1, 1]])
    expect(await w.result().array()).toBeCloseTo(0.5)
    const p = new metrics.Precision({ name: 'p' })
    expect(metrics.getMetric(p)).toBe(p)
    const cls = [metrics.BinaryAccuracy, metrics.CategoricalAccuracy, metrics.SparseCategoricalAccuracy,
      metrics.BinaryCrossentropy, metrics.CategoricalCrossentropy, metrics.SparseCategoricalCrossentropy]
    for (const C of cls) expect(new C({ name: 'x' }).name).toBe('x')
  })
  it('MeanMetricWrapper envelopes round-trip', () => {
    const w = new metrics.MeanMetricWrapper(metrics.meanSquaredError as never, { name: 'm' })
    const env = metrics.serialize(w)
    expect(env).toEqual({
      module: 'keras.metrics', class_name: 'MeanMetricWrapper', registered_name: null,
      config: { name: 'm', dtype: 'float32', fn: { module: 'builtins', class_name: 'function', config: 'mean_squared_error', registered_name: 'function' } },
    })
    const back = metrics.deserialize(env) as metrics.MeanMetricWrapper
    expect(back.fn).toBe(metrics.meanSquaredError)
    expect(back.name).toBe('m')
  })
  it('typed errors', () => {
    expect(() => metrics.getMetric('not_a_metric')).toThrow(InvalidArgumentError)
    expect(() => metrics.getMetric('not_a_metric')).toThrow(/not_a_metric/)
    expect(() => metrics.deserialize({ class_name: 'Nope' })).toThrow(InvalidArgumentError)
    expect(() => new metrics.Precision({ thresholds: [0.5, 1.5] })).toThrow(InvalidArgumentError)
    expect(() => new metrics.AUC({ curve: 'XY' as never })).toThrow(InvalidArgumentError)
    expect(() => new metrics.AUC({ numThresholds: 1 })).toThrow(InvalidArgumentError)
    expect(() => new metrics.AUC({ numLabels: 3 })).toThrow(InvalidArgumentError)
    expect(() => new metrics.PrecisionAtRecall({ recall: 2 })).toThrow(InvalidArgumentError)
    expect(() => new metrics.IoU({ numClasses: 2, targetClassIds: [3] })).toThrow(InvalidArgumentError)
    expect(() => metrics.get('iou')).toThrow(InvalidArgumentError)
    expect(() => new metrics.FBetaScore({ average: 'avg' as never })).toThrow(InvalidArgumentError)
    expect(() => new metrics.R2Score({ numRegressors: -1 })).toThrow(InvalidArgumentError)
  })
  it('updateState keeps the tensor count flat', () => {
    const ms = [new metrics.AUC(), new metrics.Precision({ topK: 2 }), new metrics.SparseCategoricalAccuracy(), new metrics.MeanIoU({ numClasses: 3 }),
      new metrics.F1Score({ average: 'macro' }), new metrics.R2Score()]
    const yT = (): Tensor[] => [decode({ dtype: 'float32', shape: [4, 3], data: [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0] }),
      decode({ dtype: 'float32', shape: [4, 3], data: [0.2, 0.5, 0.3, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4, 0.6, 0.2, 0.2] })]
    const step = (): void => {
      tidy(() => {
        const [t, p] = yT()
        ms[0]!.updateState(t, p); ms[1]!.updateState(t, p)
        ms[2]!.updateState([0, 1, 2, 0], p); ms[3]!.updateState([0, 1, 2, 0], [0, 1, 1, 0])
        ms[4]!.updateState(t, p); ms[5]!.updateState(t, p)
      })
    }
    step()
    const before = memory().numTensors
    for (let i = 0; i < 3; i++) step()
    expect(memory().numTensors).toBe(before)
  })
})
