/**
 * Attention layers: the layer harness for every class, values and configs against the real Keras 3
 * (tools/golden/layers_rnn.py: masks, causal masks, scores, dropout, attention axes, gates, sliding
 * windows), gradients against finite differences, and the fused dot-product attention path.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  Tensor, createReferenceBackend, lax, registerBackend, removeBackend, setBackend, tensor, tidy, treeFlatten, valueAndGrad,
  type Backend, type DType, type FusedOp, type NestedArray,
} from '@kx/core'
import { deserializeLayer, getKerasMask, serializeLayer, type Layer } from '../src/index.js'
import {
  AdditiveAttention, Attention, GroupQueryAttention, GroupedQueryAttention, MultiHeadAttention, registerBuiltinLayersRnn,
} from '../src/layers/index-rnn.js'
import { planSave } from '../src/saving/stateWalk.js'
import { expectClose, makeInput, runLayerTest } from './harness.js'

registerBuiltinLayersRnn()

// ---------------------------------------------------------------------------------------------------
// Golden data from Keras 3 (the runner mirrors layers-rnn.test.ts's).
interface TensorJson { value?: NestedArray; dtype?: string; list?: TensorJson[] }
interface GoldenCase {
  name: string; class_name: string; config_init: Record<string, unknown>; config: Record<string, unknown>; envelope: Record<string, unknown>
  inputs: TensorJson[]; tensor_kwargs: Record<string, TensorJson>; call_kwargs: Record<string, unknown>
  weights: { path: string; shape: number[]; trainable: boolean; value: NestedArray }[]
  outputs: NestedArray[]; output_shapes: number[][]; output_masks: (NestedArray | null)[]; compute_output_shape: unknown
}
const golden = JSON.parse(readFileSync(new URL('./golden/layers_rnn.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] }
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
  if (!(c.compute_output_shape && typeof c.compute_output_shape === 'object' && 'error' in c.compute_output_shape)) {
    const none = xs.map((x) => [null, ...x.shape.slice(1)])
    expect(json(layer.computeOutputShape((MULTI_INPUT.has(c.class_name) ? none : none[0]) as never)), 'compute_output_shape').toEqual(c.compute_output_shape)
  }
}


describe('attention layers match Keras 3', () => {
  for (const c of golden.cases.filter((x) => MULTI_INPUT.has(x.class_name))) it(c.name, () => runGoldenCase(c))
})

describe('attention layers (harness)', () => {
  it('Attention and AdditiveAttention', async () => {
    await runLayerTest(Attention, { init: {}, inputShape: [[2, 3, 4], [2, 5, 4]], expectedOutputShape: [2, 3, 4], expectedTrainableWeights: 0, supportsMasking: false })
    await runLayerTest(Attention, { init: { useScale: true, scoreMode: 'concat', dropout: 0.2, seed: 1 }, inputShape: [[2, 3, 4], [2, 5, 4], [2, 5, 4]], expectedOutputShape: [2, 3, 4], expectedTrainableWeights: 2 })
    await runLayerTest(AdditiveAttention, { init: {}, inputShape: [[2, 3, 4], [2, 5, 4]], expectedOutputShape: [2, 3, 4], expectedTrainableWeights: 1 })
  })
  it('MultiHeadAttention', async () => {
    await runLayerTest(MultiHeadAttention, {
      init: { numHeads: 2, keyDim: 3 }, inputShape: [[2, 4, 6], [2, 4, 6]], expectedOutputShape: [2, 4, 6], expectedTrainableWeights: 8, supportsMasking: true,
    })
    await runLayerTest(MultiHeadAttention, {
      init: { numHeads: 2, keyDim: 2, valueDim: 3, outputShape: [5], useBias: false, useGate: true, dropout: 0.1, seed: 3 },
      inputShape: [[2, 3, 4], [2, 5, 6], [2, 5, 7]], expectedOutputShape: [2, 3, 5], expectedTrainableWeights: 5,
    })
    await runLayerTest(MultiHeadAttention, {
      init: { numHeads: 2, keyDim: 2, attentionAxes: [1, 2] }, inputShape: [[1, 2, 3, 4], [1, 2, 3, 4]], expectedOutputShape: [1, 2, 3, 4], expectedTrainableWeights: 8,
    })
    const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 3 })
    mha.apply([makeInput([1, 2, 4]), makeInput([1, 2, 4])])
    expect(mha.weights.map((w) => w.path)).toEqual([
      'query/kernel', 'query/bias', 'key/kernel', 'key/bias', 'value/kernel', 'value/bias', 'attention_output/kernel', 'attention_output/bias',
    ])
  })
  it('GroupedQueryAttention (also exported and registered as GroupQueryAttention)', async () => {
    expect(GroupQueryAttention).toBe(GroupedQueryAttention)
    await runLayerTest(GroupedQueryAttention, {
      init: { headDim: 2, numQueryHeads: 4, numKeyValueHeads: 2 }, inputShape: [[2, 3, 5], [2, 4, 5]], expectedOutputShape: [2, 3, 5], expectedTrainableWeights: 8, supportsMasking: true,
    })
    await runLayerTest(GroupedQueryAttention, {
      init: { headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, useGate: true, slidingWindow: 2, dropout: 0.2, seed: 2 },
      inputShape: [[2, 4, 4], [2, 4, 4]], expectedOutputShape: [2, 4, 4], expectedTrainableWeights: 10,
    })
    const env = { class_name: 'GroupedQueryAttention', config: { head_dim: 2, num_query_heads: 2, num_key_value_heads: 1 } }
    expect(deserializeLayer(env)).toBeInstanceOf(GroupedQueryAttention)
    expect(deserializeLayer({ ...env, class_name: 'GroupQueryAttention' })).toBeInstanceOf(GroupedQueryAttention)
    expect(() => new GroupedQueryAttention({ headDim: 2, numQueryHeads: 3, numKeyValueHeads: 2 })).toThrow(/divisible/)
  })
})

/** `sum(output · R)` over every output (R fixed per output). */
function weightedSum(out: unknown): Tensor {
  const [outs] = treeFlatten(out, (v): v is Tensor => v instanceof Tensor)
  let total: Tensor | null = null
  outs.forEach((o, i) => {
    const s = lax.reduceSum(lax.mul(o, makeInput(o.shape as number[], o.dtype, 7 + i)), o.shape.map((_, k) => k))
    total = total ? lax.add(total, s) : s
  })
  return total!
}

/** d loss / d (weights, every input) of a float64 layer against central differences. */
function checkGradients(layer: Layer, xs: Tensor[], options: Record<string, unknown> = {}, eps = 1e-6, tol = 1e-5): void {
  layer.apply(xs, options)
  layer.weights.forEach((w, i) => w.assign(makeInput(w.shape as number[], 'float64', 100 + i)))
  let cur = xs.slice()
  const loss = (): Tensor => weightedSum(layer.apply(cur, options))
  const weights = layer.trainableWeights
  const [, grads] = valueAndGrad((ws: typeof weights, ins: Tensor[]) => { void ws; cur = ins; return loss() }, { argnums: [0, 1] })(weights, xs) as [Tensor, [Tensor[], Tensor[]]]
  cur = xs.slice()
  const check = (what: string, analytic: Tensor, base: Float64Array, set: (v: Float64Array) => void): void => {
    const a = analytic.dataSync()
    for (let k = 0; k < base.length; k++) {
      const at = (d: number): number => { const v = base.slice(); v[k]! += d; set(v); return Number(tidy(loss).dataSync()[0]) }
      const fd = (at(eps) - at(-eps)) / (2 * eps)
      set(base)
      if (!(Math.abs(fd - Number(a[k])) <= tol * (0.1 + Math.abs(fd)))) throw new Error(`${what}[${k}]: reverse mode ${a[k]} vs finite differences ${fd}`)
    }
  }
  weights.forEach((w, i) => check(`d/d ${w.path}`, grads[0][i]!, Float64Array.from(w.value.dataSync() as Float64Array), (v) => w.assign(tensor(v, { shape: [...w.shape], dtype: 'float64' }))))
  xs.forEach((x, j) => check(`d/d input ${j}`, grads[1][j]!, Float64Array.from(x.dataSync() as Float64Array), (v) => {
    cur = cur.slice()
    cur[j] = tensor(v, { shape: x.shape as number[], dtype: 'float64' })
  }))
}

const f64 = (shape: number[], seed: number): Tensor => makeInput(shape, 'float64', seed)

describe('attention gradients match finite differences (float64)', () => {
  it('Attention (concat scores, masks, causal)', () => {
    const qm = tensor([[true, true, false], [true, true, true]], { dtype: 'bool' })
    const vm = tensor([[true, true, true, false], [true, false, true, true]], { dtype: 'bool' })
    checkGradients(new Attention({ useScale: true, scoreMode: 'concat', dtype: 'float64' }), [f64([2, 3, 2], 1), f64([2, 4, 2], 2)], { mask: [qm, vm] })
    checkGradients(new Attention({ dtype: 'float64' }), [f64([2, 3, 2], 3), f64([2, 3, 2], 4)], { useCausalMask: true })
  })
  it('AdditiveAttention', () => checkGradients(new AdditiveAttention({ dtype: 'float64' }), [f64([2, 3, 2], 5), f64([2, 4, 2], 6), f64([2, 4, 2], 7)]))
  // NOTE: dotProductAttention takes its softmax in float32 (as JAX does), so its forward values carry
  // float32 rounding even in float64: those checks use a larger step and tolerance.
  it('MultiHeadAttention (fused path and scores path)', () => {
    checkGradients(new MultiHeadAttention({ numHeads: 2, keyDim: 2, dtype: 'float64' }), [f64([1, 3, 3], 8), f64([1, 4, 3], 9)], { useCausalMask: true }, 1e-3, 2e-3)
    checkGradients(new MultiHeadAttention({ numHeads: 2, keyDim: 2, useGate: true, dtype: 'float64' }), [f64([1, 3, 3], 10), f64([1, 3, 3], 11)], { returnAttentionScores: true })
  })
  it('GroupedQueryAttention (fused path and scores path)', () => {
    const gqa = (): GroupedQueryAttention => new GroupedQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, dtype: 'float64' })
    checkGradients(gqa(), [f64([1, 3, 3], 12), f64([1, 3, 3], 13)], {}, 1e-3, 2e-3)
    checkGradients(gqa(), [f64([1, 3, 3], 14), f64([1, 3, 3], 15)], { returnAttentionScores: true, useCausalMask: true })
  })
})

describe('MultiHeadAttention and GroupedQueryAttention run ops.nn.dotProductAttention', () => {
  const calls: { op: FusedOp; params: unknown }[] = []
  const spy = (): Backend => {
    const ref = createReferenceBackend()
    return {
      ...ref, name: 'attention-fused-spy', capabilities: { ...ref.capabilities, fused: new Set<FusedOp>(['attention']) },
      runFused(op, _inputs, params) { calls.push({ op, params }); return null },
    }
  }
  it('uses the fused entry point unless scores or dropout are needed (as Keras)', async () => {
    registerBackend('attention-fused-spy', spy)
    await setBackend('attention-fused-spy')
    try {
      const init = { kernelInitializer: 'ones', biasInitializer: 'zeros' }
      const x = makeInput([1, 3, 4])
      new MultiHeadAttention({ numHeads: 2, keyDim: 2, ...init }).apply([x, x], { useCausalMask: true })
      expect(calls.at(-1)).toMatchObject({ op: 'attention', params: { causal: true, hasMask: false } })
      new GroupedQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, ...init }).apply([x, x], { valueMask: tensor([[true, true, false]], { dtype: 'bool' }) })
      expect(calls.at(-1)).toMatchObject({ op: 'attention', params: { causal: false, hasMask: true } })
      const n = calls.length
      new MultiHeadAttention({ numHeads: 2, keyDim: 2, ...init }).apply([x, x], { returnAttentionScores: true })
      expect(calls.length).toBe(n)
    } finally {
      await setBackend('reference')
      await removeBackend('attention-fused-spy')
    }
  })
})

describe('.keras weight paths follow Keras 3 (saving maps weights by path and order)', () => {
  const paths = (layer: Layer): Record<string, number[][]> =>
    Object.fromEntries(planSave(layer).filter((e) => e.variables.length).map((e) => [e.path, e.variables.map((v) => [...v.shape])]))
  it('MultiHeadAttention saves its projections under the public properties, GQA under private names', () => {
    // As written by Keras 3.15.1 (test/golden/saving/attention.keras and a saved GroupQueryAttention(2, 2, 1)).
    const x = makeInput([2, 3, 4])
    const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 2 })
    mha.apply([x, x])
    expect(paths(mha)).toEqual({
      key_dense: [[4, 2, 2], [2, 2]], output_dense: [[2, 2, 4], [4]], query_dense: [[4, 2, 2], [2, 2]], value_dense: [[4, 2, 2], [2, 2]],
    })
    const y = makeInput([2, 4, 3])
    const gqa = new GroupedQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1 })
    gqa.apply([y, y])
    expect(paths(gqa)).toEqual({
      _key_dense: [[3, 1, 2], [1, 2]], _output_dense: [[2, 2, 3], [3]], _query_dense: [[3, 2, 2], [2, 2]], _value_dense: [[3, 1, 2], [1, 2]],
    })
  })
})
