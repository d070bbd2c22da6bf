import { describe, expect, it } from 'vitest'
import { tensor, KerasTensor, KxError, type Tensor } from '@kx/core'
import { Dense, EinsumDense, Embedding, ReversibleEmbedding, Identity, Masking, Lambda, Wrapper, UnsafeDeserializationError, withSafeMode } from '../src/layers/index.js'
import { registerSerializableFunction } from '../src/activations/index.js'
import { serializeLayer, deserializeLayer, getKerasMask } from '../src/index.js'
import { runLayerTest } from './harness.js'

describe('core layers (harness)', () => {
  it('Dense', async () => {
    await runLayerTest(Dense, { init: { units: 4 }, inputShape: [2, 3], expectedOutputShape: [2, 4], expectedTrainableWeights: 2, expectedNonTrainableWeights: 0, supportsMasking: true })
    await runLayerTest(Dense, {
      init: { units: 2, activation: 'relu', useBias: false, kernelRegularizer: 'l2', activityRegularizer: 'l1' },
      inputShape: [2, 3, 5], expectedOutputShape: [2, 3, 2], expectedTrainableWeights: 1, expectedLosses: 2,
    })
  })
  it('Dense with LoRA freezes the kernel and trains A, B', async () => {
    await runLayerTest(Dense, { init: { units: 4, loraRank: 2 }, inputShape: [2, 3], expectedOutputShape: [2, 4], expectedTrainableWeights: 3, expectedNonTrainableWeights: 1 })
    const d = new Dense({ units: 4, loraRank: 2, loraAlpha: 4 })
    expect(d.getConfig()).toMatchObject({ lora_rank: 2, lora_alpha: 4 })
  })
  it('EinsumDense', async () => {
    await runLayerTest(EinsumDense, { init: { equation: 'ab,bc->ac', outputShape: 4, biasAxes: 'c' }, inputShape: [2, 3], expectedOutputShape: [2, 4], expectedTrainableWeights: 2 })
    await runLayerTest(EinsumDense, { init: { equation: '...b,bc->...c', outputShape: [4] }, inputShape: [2, 5, 3], expectedOutputShape: [2, 5, 4], expectedTrainableWeights: 1 })
    await runLayerTest(EinsumDense, { init: { equation: 'abc,cde->abde', outputShape: [null, 2, 4], biasAxes: 'de' }, inputShape: [2, 5, 3], expectedOutputShape: [2, 5, 2, 4], expectedTrainableWeights: 2 })
  })
  it('Embedding and ReversibleEmbedding', async () => {
    await runLayerTest(Embedding, { init: { inputDim: 10, outputDim: 3 }, inputShape: [2, 4], inputDtype: 'int32', expectedOutputShape: [2, 4, 3], expectedTrainableWeights: 1, supportsMasking: false })
    await runLayerTest(Embedding, { init: { inputDim: 10, outputDim: 3, maskZero: true }, inputShape: [2, 4], inputDtype: 'int32', expectedOutputShape: [2, 4, 3], supportsMasking: true })
    await runLayerTest(ReversibleEmbedding, { init: { inputDim: 10, outputDim: 3, tieWeights: false }, inputShape: [2, 4], inputDtype: 'int32', expectedOutputShape: [2, 4, 3], expectedTrainableWeights: 2 })
    const e = new ReversibleEmbedding({ inputDim: 10, outputDim: 3 })
    const h = e.apply(tensor([[1, 2]], { dtype: 'int32' })) as Tensor
    expect((e.apply(h, { reverse: true }) as Tensor).shape).toEqual([1, 2, 10])
  })
  it('Embedding mask_zero and input_length', async () => {
    const e = new Embedding({ inputDim: 5, outputDim: 2, maskZero: true, inputLength: 3 })
    const o = e.apply(tensor([[1, 0, 2]], { dtype: 'int32' })) as Tensor
    expect(await (getKerasMask(o) as Tensor).array()).toEqual([[true, false, true]])
    expect(e.getConfig()).not.toHaveProperty('input_length')
  })
  it('Identity and Masking', async () => {
    await runLayerTest(Identity, { init: {}, inputShape: [2, 3], expectedOutputShape: [2, 3], supportsMasking: true, assertBuiltAfterInstantiation: true })
    await runLayerTest(Masking, { init: { maskValue: 0 }, inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4], supportsMasking: true })
    const m = new Masking()
    const y = m.apply(tensor([[[1, 2], [0, 0], [3, 0]]], { dtype: 'float32' })) as Tensor
    expect(await (getKerasMask(y) as Tensor).array()).toEqual([[true, false, true]])
  })
  it('Lambda runs in process; deserialization is refused in safe mode and needs a registered function', async () => {
    const l = new Lambda({ function: (x: Tensor) => x, name: 'lam' })
    const y = l.apply(tensor([[1, 2]], { dtype: 'float32' })) as Tensor
    expect(await y.array()).toEqual([[1, 2]])
    expect((l.apply(new KerasTensor([null, 2], 'float32')) as KerasTensor).shape).toEqual([null, 2])
    const env = JSON.parse(JSON.stringify(serializeLayer(l)))
    expect(env.config.function.class_name).toBe('__lambda__')
    expect(() => deserializeLayer(env)).toThrow(UnsafeDeserializationError)
    expect(() => withSafeMode(false, () => deserializeLayer(env))).toThrow(UnsafeDeserializationError)
    const fn = registerSerializableFunction('test_pkg', 'identity_fn', (x) => x)
    const env2 = JSON.parse(JSON.stringify(serializeLayer(new Lambda({ function: fn }))))
    expect(env2.config.function).toEqual({ module: 'test_pkg', class_name: 'function', config: 'identity_fn', registered_name: 'test_pkg>identity_fn' })
    expect(() => deserializeLayer(env2)).toThrow(KxError)
    const back = withSafeMode(false, () => deserializeLayer(env2)) as Lambda
    expect(back.function).toBe(fn)
  })
  it('Wrapper serializes its inner layer', async () => {
    const w = new Wrapper({ layer: new Dense({ units: 2 }) })
    const y = w.apply(tensor([[1, 2, 3]], { dtype: 'float32' })) as Tensor
    expect(y.shape).toEqual([1, 2])
    const back = deserializeLayer(JSON.parse(JSON.stringify(serializeLayer(w)))) as Wrapper
    expect(back.layer).toBeInstanceOf(Dense)
  })
  it('Dense numbers', async () => {
    const d = new Dense({ units: 2, kernelInitializer: 'ones', biasInitializer: { class_name: 'Constant', config: { value: 0.5 } } })
    const y = d.apply(tensor([[1, 2, 3]], { dtype: 'float32' })) as Tensor
    expect(await y.array()).toEqual([[6.5, 6.5]])
  })
})
