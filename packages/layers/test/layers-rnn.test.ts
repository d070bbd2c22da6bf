/**
 * Recurrent layers: the layer harness for every class, values and configs against the real Keras 3
 * (tools/golden/layers_rnn.py), gradients through time against finite differences (float64), the
 * TF.js GRU fixture, traced loops (one `scan` primitive) and a flat tensor count.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  KerasTensor, Tensor, jit, lax, memory, tensor, tidy, treeFlatten, valueAndGrad, type DType, type NestedArray,
} from '@kx/core'
import { add, clip, multiply } from '@kx/ops-numpy'
import { Dense, deserializeLayer, getKerasMask, serializeLayer, type Layer } from '../src/index.js'
import {
  Bidirectional, ConvLSTM1D, ConvLSTM2D, ConvLSTM3D, GRU, GRUCell, LSTM, LSTMCell, RNN, SimpleRNN, SimpleRNNCell, StackedRNNCells,
  TimeDistributed, registerBuiltinLayersRnn,
} from '../src/layers/index-rnn.js'
import { planSave } from '../src/saving/stateWalk.js'
import { expectClose, flatNumbers, makeInput, runLayerTest } from './harness.js'

/** TF.js's (and Keras 2's) hard sigmoid, `clip(0.2·x + 0.5, 0, 1)`. */
const tfjsHardSigmoid = (x: Tensor): Tensor => clip(add(multiply(x, 0.2), 0.5), 0, 1)

registerBuiltinLayersRnn()

// ---------------------------------------------------------------------------------------------------
// Golden data from Keras 3 (layers-attention.test.ts runs the attention cases with the same runner).
interface TensorJson { value?: NestedArray; dtype?: string; list?: TensorJson[] }
interface GoldenCase {
  name: string; class_name: string; config_init: Record<string, unknown>; config: Record<string, unknown>; envelope: Record<string, unknown>
  inputs: TensorJson[]; tensor_kwargs: Record<string, TensorJson>; call_kwargs: Record<string, unknown>
  weights: { path: string; shape: number[]; trainable: boolean; value: NestedArray }[]
  outputs: NestedArray[]; output_shapes: number[][]; output_masks: (NestedArray | null)[]; compute_output_shape: unknown
}
interface StatefulCase {
  name: string; class_name: string; config: Record<string, unknown>; envelope: Record<string, unknown>; x1: NestedArray; x2: NestedArray
  weights: { path: string; shape: number[]; value: NestedArray }[]; calls: NestedArray[][]; n_weights: number
}
const golden = JSON.parse(readFileSync(new URL('./golden/layers_rnn.json', import.meta.url), 'utf8')) as { cases: GoldenCase[]; stateful: StatefulCase[] }
const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v))
const isTensor = (v: unknown): v is Tensor => v instanceof Tensor

function toTensors(t: TensorJson): Tensor | Tensor[] {
  if (t.list) return t.list.map((x) => toTensors(x) as Tensor)
  return tensor(t.value!, { dtype: (t.dtype === 'bool' ? 'bool' : 'float32') as DType })
}
const KWARG_NAMES: Record<string, string> = {
  mask: 'mask', initial_state: 'initialState', attention_mask: 'attentionMask', query_mask: 'queryMask', value_mask: 'valueMask', key_mask: 'keyMask',
  training: 'training', return_attention_scores: 'returnAttentionScores', use_causal_mask: 'useCausalMask',
}
const MULTI_INPUT = new Set(['Attention', 'AdditiveAttention', 'MultiHeadAttention', 'GroupedQueryAttention'])

/** Runs one golden case: config key for key, weights by order, outputs, masks, compute_output_shape. */
async function runGoldenCase(c: GoldenCase): Promise<void> {
  const unbuilt = deserializeLayer({ ...c.envelope, config: c.config_init, build_config: undefined })
  expect(json(unbuilt.getConfig()), 'config before build').toEqual(c.config_init)
  const layer = deserializeLayer(c.envelope) as Layer
  expect(layer.className).toBe(c.envelope['class_name'])
  expect(json(layer.getConfig()), 'config key for key').toEqual(c.config)
  expect(json(serializeLayer(layer)), 'envelope').toEqual(c.envelope)
  expect(layer.weights.map((w) => [w.path.split('/').at(-1), w.shape, w.trainable]), 'weights (Keras order)')
    .toEqual(c.weights.map((w) => [w.path.split('/').at(-1), w.shape, w.trainable]))
  layer.setWeights(c.weights.map((w) => w.value))
  const xs = c.inputs.map((x) => toTensors(x) as Tensor)
  const options: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(c.tensor_kwargs)) options[KWARG_NAMES[k]!] = toTensors(v)
  for (const [k, v] of Object.entries(c.call_kwargs)) options[KWARG_NAMES[k]!] = v
  const out = layer.apply(MULTI_INPUT.has(c.class_name) ? xs : xs[0], options)
  const [outs] = treeFlatten(out, isTensor)
  expect(outs.map((o) => o.shape), 'output shapes').toEqual(c.output_shapes)
  for (const [i, o] of outs.entries()) expectClose(await o.array(), c.outputs[i]!, 1e-5, `${c.name} output ${i}`)
  for (const [i, m] of c.output_masks.entries()) {
    const got = getKerasMask(outs[i]!) as Tensor | undefined
    if (m === null) expect(got ?? null, `output ${i} has no mask`).toBeNull()
    else expect(await got!.array(), `output ${i} mask`).toEqual(m)
  }
  // NOTE: Keras's Bidirectional.compute_output_shape doubles the forward size even with a different backward layer; kx adds both.
  if (!(c.compute_output_shape && typeof c.compute_output_shape === 'object' && 'error' in c.compute_output_shape) && c.name !== 'bidi_backward_layer') {
    const none = xs.map((x) => [null, ...x.shape.slice(1)])
    expect(json(layer.computeOutputShape((MULTI_INPUT.has(c.class_name) ? none : none[0]) as never)), 'compute_output_shape').toEqual(c.compute_output_shape)
  }
}

const RNN_CLASSES = new Set(['SimpleRNN', 'GRU', 'LSTM', 'RNN', 'Bidirectional', 'TimeDistributed', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D'])

describe('recurrent layers match Keras 3', () => {
  for (const c of golden.cases.filter((x) => RNN_CLASSES.has(x.class_name))) it(c.name, () => runGoldenCase(c))

  for (const s of golden.stateful) {
    it(s.name, async () => {
      const layer = deserializeLayer(s.envelope) as RNN
      expect(json(layer.getConfig())).toEqual(s.config)
      expect(layer.weights.length, 'state variables are not weights').toBe(s.n_weights)
      layer.setWeights(s.weights.map((w) => w.value))
      layer.resetStates()
      const run = async (x: NestedArray, expected: NestedArray[], what: string): Promise<void> => {
        const [outs] = treeFlatten(layer.apply(tensor(x, { dtype: 'float32' })), isTensor)
        for (const [i, o] of outs.entries()) expectClose(await o.array(), expected[i]!, 1e-5, `${what} output ${i}`)
      }
      await run(s.x1, s.calls[0]!, 'call 1')
      await run(s.x2, s.calls[1]!, 'call 2 (carried states)')
      layer.resetStates()
      await run(s.x2, s.calls[2]!, 'after resetStates')
    })
  }
})

describe('recurrent layers (harness)', () => {
  it('SimpleRNN', async () => {
    await runLayerTest(SimpleRNN, { init: { units: 3 }, inputShape: [2, 4, 5], expectedOutputShape: [2, 3], expectedTrainableWeights: 3, expectedNonTrainableWeights: 0, supportsMasking: true })
    await runLayerTest(SimpleRNN, {
      init: { units: 3, returnSequences: true, returnState: true, goBackwards: true, kernelRegularizer: 'l2', activityRegularizer: 'l1' },
      inputShape: [2, 4, 5], expectedOutputShape: [[2, 4, 3], [2, 3]], expectedTrainableWeights: 3, expectedLosses: 3, supportsMasking: true,
    })
  })
  it('GRU (reset_after true and false)', async () => {
    await runLayerTest(GRU, { init: { units: 3 }, inputShape: [2, 4, 5], expectedOutputShape: [2, 3], expectedTrainableWeights: 3, supportsMasking: true })
    await runLayerTest(GRU, { init: { units: 3, resetAfter: false, returnSequences: true }, inputShape: [2, 4, 5], expectedOutputShape: [2, 4, 3], expectedTrainableWeights: 3 })
    await runLayerTest(GRU, { init: { units: 2, unroll: true, returnState: true, dropout: 0.2, recurrentDropout: 0.2, seed: 1 }, inputShape: [2, 3, 4], expectedOutputShape: [[2, 2], [2, 2]] })
    const g = new GRU({ units: 4, resetAfter: true })
    g.apply(makeInput([1, 2, 3]))
    expect(g.weights.map((w) => [w.path, w.shape])).toEqual([['gru_cell/kernel', [3, 12]], ['gru_cell/recurrent_kernel', [4, 12]], ['gru_cell/bias', [2, 12]]])
  })
  it('LSTM', async () => {
    await runLayerTest(LSTM, { init: { units: 3 }, inputShape: [2, 4, 5], expectedOutputShape: [2, 3], expectedTrainableWeights: 3, supportsMasking: true })
    await runLayerTest(LSTM, { init: { units: 2, returnSequences: true, returnState: true, unitForgetBias: false }, inputShape: [2, 4, 5], expectedOutputShape: [[2, 4, 2], [2, 2], [2, 2]] })
    const l = new LSTM({ units: 2 })
    l.apply(makeInput([1, 2, 3]))
    expect(flatNumbers(await l.weights[2]!.value.array())).toEqual([0, 0, 1, 1, 0, 0, 0, 0])
  })
  it('RNN with cells, stacked cells and StackedRNNCells', async () => {
    await runLayerTest(RNN, { init: { cell: new GRUCell({ units: 3 }), returnSequences: true }, inputShape: [2, 4, 5], expectedOutputShape: [2, 4, 3], expectedTrainableWeights: 3, supportsMasking: true })
    await runLayerTest(RNN, {
      init: { cell: [new SimpleRNNCell({ units: 2 }), new LSTMCell({ units: 3 })], returnSequences: true }, inputShape: [2, 4, 5],
      expectedOutputShape: [2, 4, 3], expectedTrainableWeights: 6, supportsMasking: true,
    })
    await runLayerTest(RNN, { init: { cell: new StackedRNNCells({ cells: [new GRUCell({ units: 2 }), new GRUCell({ units: 3, resetAfter: false })] }) }, inputShape: [2, 4, 5], expectedOutputShape: [2, 3] })
    // NOTE: with returnState, stacked cells return one (nested) state entry per cell, as Keras does.
    const rnn = new RNN({ cell: [new SimpleRNNCell({ units: 2 }), new LSTMCell({ units: 3 })], returnState: true })
    const [y, s1, s2] = rnn.apply(makeInput([2, 4, 5])) as [Tensor, Tensor[], Tensor[]]
    expect([y.shape, s1.map((t) => t.shape), s2.map((t) => t.shape)]).toEqual([[2, 3], [[2, 2]], [[2, 3], [2, 3]]])
    // Keras's compute_output_shape gives an int-sized cell state as one shape (its call returns a list).
    expect(rnn.computeOutputShape([null, 4, 5])).toEqual([[null, 3], [null, 2], [[null, 3], [null, 3]]])
  })
  it('cells on their own', async () => {
    const cell = new LSTMCell({ units: 2 })
    const [h, [h2, c2]] = cell.apply([makeInput([3, 4]), [makeInput([3, 2], 'float32', 2), makeInput([3, 2], 'float32', 3)]]) as [Tensor, Tensor[]]
    expect([h.shape, h2!.shape, c2!.shape]).toEqual([[3, 2], [3, 2], [3, 2]])
    const g = new GRUCell({ units: 2 })
    const [o, s] = g.apply([makeInput([3, 4]), makeInput([3, 2], 'float32', 2)]) as [Tensor, Tensor]
    expect(s).toBe(o)
  })
  it('Bidirectional (every merge mode)', async () => {
    for (const mergeMode of ['concat', 'sum', 'mul', 'ave'] as const) {
      await runLayerTest(Bidirectional, {
        init: { layer: new LSTM({ units: 2, returnSequences: true }), mergeMode }, inputShape: [2, 3, 4],
        expectedOutputShape: [2, 3, mergeMode === 'concat' ? 4 : 2], expectedTrainableWeights: 6, supportsMasking: true,
      })
    }
    await runLayerTest(Bidirectional, {
      init: { layer: new GRU({ units: 2, returnState: true }), mergeMode: null }, inputShape: [2, 3, 4],
      // NOTE: the states keep the inner layers' dtype (float32) under mixed_float16, as in Keras.
      expectedOutputShape: [[2, 2], [2, 2], [2, 2], [2, 2]], expectedTrainableWeights: 6, runMixedPrecisionCheck: false,
    })
    await runLayerTest(Bidirectional, {
      init: { layer: new GRU({ units: 2, returnSequences: true }), backwardLayer: new SimpleRNN({ units: 3, returnSequences: true, goBackwards: true }) },
      inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 5], expectedTrainableWeights: 6,
    })
  })
  it('TimeDistributed', async () => {
    await runLayerTest(TimeDistributed, { init: { layer: new Dense({ units: 3 }) }, inputShape: [2, 4, 5], expectedOutputShape: [2, 4, 3], expectedTrainableWeights: 2, supportsMasking: true })
  })
  it('ConvLSTM1D/2D/3D', async () => {
    await runLayerTest(ConvLSTM1D, { init: { filters: 2, kernelSize: 2 }, inputShape: [1, 3, 5, 2], expectedOutputShape: [1, 4, 2], expectedTrainableWeights: 3 })
    await runLayerTest(ConvLSTM2D, {
      init: { filters: 2, kernelSize: 3, padding: 'same', returnSequences: true, returnState: true }, inputShape: [1, 2, 4, 4, 1],
      expectedOutputShape: [[1, 2, 4, 4, 2], [1, 4, 4, 2], [1, 4, 4, 2]], expectedTrainableWeights: 3,
    })
    await runLayerTest(ConvLSTM3D, { init: { filters: 1, kernelSize: 2, dataFormat: 'channels_last' }, inputShape: [1, 2, 3, 3, 3, 1], expectedOutputShape: [1, 2, 2, 2, 1] })
  })
})

// ---------------------------------------------------------------------------------------------------
// Gradients through time: reverse mode (eager loop and traced `scan`) against central differences, float64.

/** `sum(output · R)` for every float output (R fixed per output). */
function weightedSum(out: unknown, seed = 7): Tensor {
  const [outs] = treeFlatten(out, isTensor)
  let total: Tensor | null = null
  outs.forEach((o, i) => {
    const r = makeInput(o.shape as number[], o.dtype, seed + i)
    const s = lax.reduceSum(lax.mul(o, r), o.shape.map((_, k) => k))
    total = total ? lax.add(total, s) : s
  })
  return total!
}

/** Checks d loss / d (weights, input) of `layer` (float64) against central differences. */
async function checkGradients(layer: Layer, x: Tensor, options: Record<string, unknown> = {}, jitted = false): Promise<void> {
  layer.apply(x, options)
  layer.weights.forEach((w, i) => w.assign(makeInput(w.shape as number[], 'float64', 100 + i)))
  const loss = jitted ? jit((xx: Tensor) => weightedSum(layer.apply(xx, options))) : (xx: Tensor): Tensor => weightedSum(layer.apply(xx, options))
  const weights = layer.trainableWeights
  const [, grads] = valueAndGrad((ws: typeof weights, xx: Tensor) => { void ws; return loss(xx) }, { argnums: [0, 1] })(weights, x) as [Tensor, [Tensor[], Tensor]]
  const eps = 1e-6
  let xCur = x
  const check = (what: string, analytic: Tensor, base: Float64Array, set: (v: Float64Array) => void): void => {
    const a = analytic.dataSync()
    for (let k = 0; k < base.length; k++) {
      const at = (d: number): number => {
        const v = base.slice()
        v[k]! += d
        set(v)
        return Number(tidy(() => loss(xCur)).dataSync()[0])
      }
      const fd = (at(eps) - at(-eps)) / (2 * eps)
      set(base)
      if (!(Math.abs(fd - Number(a[k])) <= 1e-6 + 1e-5 * Math.abs(fd))) throw new Error(`${what}[${k}]: reverse mode ${a[k]} vs finite differences ${fd}`)
    }
  }
  weights.forEach((w, i) => check(`d/d ${w.path}`, grads[0][i]!, Float64Array.from(w.value.dataSync() as Float64Array), (v) => w.assign(tensor(v, { shape: [...w.shape], dtype: 'float64' }))))
  check('d/d input', grads[1], Float64Array.from(x.dataSync() as Float64Array), (v) => { xCur = tensor(v, { shape: x.shape as number[], dtype: 'float64' }) })
}

const f64 = (shape: number[], seed = 1): Tensor => makeInput(shape, 'float64', seed)
const mask2 = (lengths: number[], T: number): Tensor => tensor(lengths.map((n) => Array.from({ length: T }, (_, t) => t < n)), { dtype: 'bool' })

describe('gradients through time match finite differences (float64)', () => {
  it('SimpleRNN (backwards, masked)', () => checkGradients(new SimpleRNN({ units: 3, goBackwards: true, returnSequences: true, dtype: 'float64' }), f64([2, 4, 3]), { mask: mask2([4, 2], 4) }))
  it('GRU reset_after', () => checkGradients(new GRU({ units: 3, dtype: 'float64' }), f64([2, 4, 3])))
  it('GRU reset_before, TF.js hard sigmoid', () => checkGradients(new GRU({ units: 2, resetAfter: false, recurrentActivation: tfjsHardSigmoid, returnSequences: true, dtype: 'float64' }), f64([2, 3, 3])))
  it('LSTM (masked, states)', () => checkGradients(new LSTM({ units: 2, returnState: true, dtype: 'float64' }), f64([2, 4, 3]), { mask: mask2([4, 3], 4) }))
  it('LSTM unrolled', () => checkGradients(new LSTM({ units: 2, unroll: true, returnSequences: true, dtype: 'float64' }), f64([2, 3, 3])))
  it('stacked cells', () => checkGradients(new RNN({ cell: [new GRUCell({ units: 2, dtype: 'float64' }), new LSTMCell({ units: 2, dtype: 'float64' })], dtype: 'float64' }), f64([2, 3, 3])))
  it('Bidirectional', () => checkGradients(new Bidirectional({ layer: new GRU({ units: 2, returnSequences: true, dtype: 'float64' }), dtype: 'float64' }), f64([2, 3, 2])))
  it('ConvLSTM1D', () => checkGradients(new ConvLSTM1D({ filters: 1, kernelSize: 2, padding: 'same', dtype: 'float64' }), f64([1, 3, 4, 2])))
  it('traced loop (jit: one scan primitive)', () => checkGradients(new LSTM({ units: 2, returnSequences: true, dtype: 'float64' }), f64([2, 4, 3]), { mask: mask2([4, 2], 4) }, true))
})

describe('traced loops, functional models, memory', () => {
  it('a traced layer is one scan primitive and matches the eager loop', async () => {
    for (const layer of [new GRU({ units: 3, returnSequences: true }), new LSTM({ units: 2, goBackwards: true }), new SimpleRNN({ units: 2, returnState: true })]) {
      const x = makeInput([2, 5, 3])
      const eager = treeFlatten(layer.apply(x, { mask: mask2([5, 3], 5) }), isTensor)[0]
      const f = jit((xx: Tensor, m: Tensor) => layer.apply(xx, { mask: m }))
      const graph = f.graphFor(x, mask2([5, 3], 5))
      expect(graph.equations.filter((e) => e.prim === 'scan').length, `${layer.name}: scan primitives`).toBe(1)
      const traced = treeFlatten(f(x, mask2([5, 3], 5)), isTensor)[0]
      for (const [i, t] of traced.entries()) expectClose(await t.array(), await eager[i]!.array(), 1e-6, `${layer.name} traced output ${i}`)
    }
    const unrolled = jit((xx: Tensor) => new LSTM({ units: 2, unroll: true }).apply(xx))
    expect(unrolled.graphFor(makeInput([1, 3, 2])).equations.some((e) => e.prim === 'scan'), 'unroll has no scan').toBe(false)
  })

  it('symbolic calls: unknown batch and time, list-form initial states in a Functional model', async () => {
    const { Input, Model } = await import('../src/index.js')
    const x = Input({ shape: [null, 3] })
    const y = new GRU({ units: 4, returnSequences: true }).apply(x) as KerasTensor
    expect(y.symbolicShape).toEqual([null, null, 4])
    const seq = Input({ shape: [5, 3] })
    const h0 = Input({ shape: [2] })
    const c0 = Input({ shape: [2] })
    const lstm = new LSTM({ units: 2, returnState: true })
    const [out, h, c] = lstm.apply([seq, h0, c0]) as KerasTensor[]
    expect([out!.symbolicShape, h!.symbolicShape, c!.symbolicShape]).toEqual([[null, 2], [null, 2], [null, 2]])
    const model = new Model({ inputs: [seq, h0, c0], outputs: out! })
    const xs = [makeInput([2, 5, 3]), makeInput([2, 2], 'float32', 2), makeInput([2, 2], 'float32', 3)]
    const viaModel = model.apply(xs) as Tensor
    const direct = lstm.apply(xs[0], { initialState: [xs[1], xs[2]] }) as Tensor[]
    expectClose(await viaModel.array(), await direct[0]!.array(), 1e-6, 'functional with initial states')
  })

  it('masks flow from Embedding(maskZero) through a Sequential model into the RNN', async () => {
    const { Sequential, Embedding } = await import('../src/index.js')
    const emb = new Embedding({ inputDim: 6, outputDim: 3, maskZero: true })
    const gru = new GRU({ units: 2, returnSequences: true })
    const model = new Sequential({ layers: [emb, gru, new LSTM({ units: 2 })] })
    const ids = tensor([[1, 2, 0, 0], [3, 4, 5, 0]], { dtype: 'int32' })
    const y = model.apply(ids) as Tensor
    const explicit = gru.apply(emb.apply(ids), { mask: tensor([[true, true, false, false], [true, true, true, false]], { dtype: 'bool' }) }) as Tensor
    expect(await (getKerasMask(explicit) as Tensor).array()).toEqual([[true, true, false, false], [true, true, true, false]])
    expect(y.shape).toEqual([2, 2])
    const unmasked = gru.apply(emb.apply(ids), { mask: null }) as Tensor
    expect(flatNumbers(await unmasked.array())).not.toEqual(flatNumbers(await explicit.array()))
  })

  it('eager loops keep the tensor count flat', () => {
    const layer = new LSTM({ units: 4, returnSequences: true })
    const x = makeInput([2, 8, 3])
    tidy(() => { layer.apply(x) })
    const before = memory().numTensors
    for (let i = 0; i < 3; i++) tidy(() => { layer.apply(x) })
    expect(memory().numTensors).toBe(before)
    const inside = memory().numTensors
    const y = layer.apply(x) as Tensor
    expect(memory().numTensors - inside, 'only the output survives an eager call').toBe(1)
    y.dispose()
  })

  it('stateful layers: resetStates with values, batch checks, states are not weights', async () => {
    const layer = new GRU({ units: 2, stateful: true, batchInputShape: [2, 3, 4] })
    const x = makeInput([2, 3, 4])
    const y1 = layer.apply(x) as Tensor
    expect(layer.states!.length).toBe(1)
    expect(layer.weights.length).toBe(3)
    const h = layer.states![0]!.value
    expectClose(await h.array(), await y1.array(), 1e-7, 'state is the last output')
    layer.resetStates([tensor([[1, 2], [3, 4]], { dtype: 'float32' })])
    expect(await layer.states![0]!.value.array()).toEqual([[1, 2], [3, 4]])
    expect(() => layer.apply(makeInput([3, 3, 4]))).toThrow(/batch size/)
    expect(() => new GRU({ units: 2, stateful: true }).apply(new KerasTensor([null, 3, 4], 'float32'))).toThrow(/batch size must be static/)
  })

  it('errors name the layer and the problem', () => {
    expect(() => new GRU({ units: 0 })).toThrow(/units/)
    expect(() => new RNN({ cell: new Dense({ units: 2 }) as never })).toThrow(/state_size/)
    expect(() => new Bidirectional({ layer: new GRU({ units: 2 }), mergeMode: 'max' as never })).toThrow(/merge mode/)
    expect(() => new GRU({ units: 2, useCudnn: 'yes' as never })).toThrow(/use_cudnn/)
    expect(() => new LSTM({ units: 2, unroll: true }).apply(new KerasTensor([null, null, 3], 'float32'))).toThrow(/unroll/)
    expect(() => new GRU({ units: 2 }).apply(makeInput([2, 3]))).toThrow(/ndim=3/)
  })
})

describe('TF.js GRU (reset_after=false, TF.js hard_sigmoid)', () => {
  it('reproduces the tfjs_layers_embedding_gru fixture', async () => {
    const dir = new URL('../../../../shared/fixtures/keras-models/tfjs_layers_embedding_gru/', import.meta.url)
    const model = JSON.parse(readFileSync(new URL('model.json', dir), 'utf8')) as {
      modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }
      weightsManifest: { weights: { name: string; shape: number[] }[] }[]
    }
    const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as { input: { data: number[]; shape: number[] }; expected: { data: number[]; shape: number[] } }
    const bin = readFileSync(new URL('weights.bin', dir))
    const floats = new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4)
    const values: Tensor[] = []
    let offset = 0
    for (const w of model.weightsManifest.flatMap((m) => m.weights)) {
      const n = w.shape.reduce((a, d) => a * d, 1)
      values.push(tensor(floats.slice(offset, offset + n), { shape: w.shape, dtype: 'float32' }))
      offset += n
    }
    expect(offset).toBe(floats.length)
    const gruConfig = model.modelTopology.config.layers[1]!.config
    expect(gruConfig['recurrent_activation']).toBe('hard_sigmoid')
    const gru = new GRU({
      units: gruConfig['units'] as number, goBackwards: gruConfig['go_backwards'] as boolean, resetAfter: false, recurrentActivation: tfjsHardSigmoid, implementation: null,
    })
    const ids = tensor(expected.input.data, { shape: expected.input.shape, dtype: 'int32' })
    const embedded = lax.gather(values[0]!, ids, 0)
    gru.apply(embedded)
    gru.setWeights(values.slice(1))
    const y = gru.apply(embedded) as Tensor
    expect(y.shape).toEqual(expected.expected.shape)
    expectClose(flatNumbers(await y.array()), expected.expected.data, 1e-6, 'TF.js fixture output')
    // Keras 3's hard_sigmoid (x/6 + 1/2) gives different numbers: the TF.js semantics matter.
    const keras3 = new GRU({ units: 4, goBackwards: true, resetAfter: false, recurrentActivation: 'hard_sigmoid' })
    keras3.apply(embedded)
    keras3.setWeights(values.slice(1))
    const y3 = flatNumbers(await (keras3.apply(embedded) as Tensor).array())
    expect(Math.max(...y3.map((v, i) => Math.abs(v - expected.expected.data[i]!)))).toBeGreaterThan(1e-6)
  })
})

describe('.keras weight paths follow Keras 3 (saving maps weights by path and order)', () => {
  /** `path: [shapes]` of every object with variables, as `planSave` walks a layer. */
  const paths = (layer: Layer): Record<string, number[][]> =>
    Object.fromEntries(planSave(layer).filter((e) => e.variables.length).map((e) => [e.path, e.variables.map((v) => [...v.shape])]))
  it('RNN, Bidirectional, TimeDistributed', () => {
    // Paths and shapes as written by Keras 3.15.1 (model.weights.h5 of a saved model with these layers).
    const bi = new Bidirectional({ layer: new GRU({ units: 2, returnSequences: true }) })
    bi.apply(makeInput([1, 4, 3]))
    expect(paths(bi)).toEqual({ 'backward_layer/cell': [[3, 6], [2, 6], [2, 6]], 'forward_layer/cell': [[3, 6], [2, 6], [2, 6]] })
    const td = new TimeDistributed({ layer: new Dense({ units: 2 }) })
    td.apply(makeInput([1, 4, 4]))
    expect(paths(td)).toEqual({ layer: [[4, 2], [2]] })
    const rnn = new RNN({ cell: [new LSTMCell({ units: 2 }), new SimpleRNNCell({ units: 2 })] })
    rnn.apply(makeInput([1, 4, 2]))
    expect(paths(rnn)).toEqual({ 'cell/cells/lstm_cell': [[2, 8], [2, 8], [8]], 'cell/cells/simple_rnn_cell': [[2, 2], [2, 2], [2]] })
  })
})
