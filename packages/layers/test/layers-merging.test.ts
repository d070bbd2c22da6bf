/** Merge layers: Keras's mask rules and the functional forms inside Functional models. */
import { describe, expect, it } from 'vitest'
import { tensor, type Tensor } from '@kx/core'
import { Input, Model, serializeLayer, deserializeLayer, getKerasMask, setKerasMask } from '../src/index.js'
import { Add, Maximum, Multiply, Concatenate, Dense, Embedding, add, concatenate, dot, subtract, multiply, average, maximum, minimum } from '../src/layers/index.js'

const f32 = (v: number[][][]): Tensor => tensor(v, { dtype: 'float32' })
const m = (v: boolean[][]): Tensor => tensor(v, { dtype: 'bool' })

describe('merge masks (Keras rules)', () => {
  // x: [1, 3 steps, 2 features]; masks over steps.
  const a = (): Tensor => { const t = f32([[[1, 2], [3, 4], [5, 6]]]); setKerasMask(t, m([[true, false, true]])); return t }
  const b = (): Tensor => { const t = f32([[[10, 20], [30, 40], [-5, -6]]]); setKerasMask(t, m([[true, true, false]])); return t }
  it('Add ORs the masks', async () => {
    const y = new Add().apply([a(), b()]) as Tensor
    expect(await y.array()).toEqual([[[11, 22], [33, 44], [0, 0]]])
    expect(await (getKerasMask(y) as Tensor).array()).toEqual([[true, true, true]])
  })
  it('Maximum takes the other operand where one is masked', async () => {
    const y = new Maximum().apply([a(), b()]) as Tensor
    expect(await y.array()).toEqual([[[10, 20], [30, 40], [5, 6]]])
    expect(await (getKerasMask(y) as Tensor).array()).toEqual([[true, true, true]])
  })
  it('Multiply treats masked entries as 1', async () => {
    const y = new Multiply().apply([a(), b()]) as Tensor
    expect(await y.array()).toEqual([[[10, 40], [30, 40], [5, 6]]])
  })
  it('Concatenate concatenates masks, all-true for unmasked inputs', async () => {
    const c = f32([[[0], [0], [0]]])
    const y = new Concatenate({ axis: -1 }).apply([a(), c]) as Tensor
    expect(y.shape).toEqual([1, 3, 3])
    expect(await (getKerasMask(y) as Tensor).array()).toEqual([[true, true, true]])
    const y2 = new Concatenate({ axis: 1 }).apply([a(), b()]) as Tensor
    expect(await (getKerasMask(y2) as Tensor).array()).toEqual([[true, false, true, true, true, false]])
  })
  it('an unmasked input drops the Add mask', async () => {
    const y = new Add().apply([a(), f32([[[0, 0], [0, 0], [0, 0]]])]) as Tensor
    expect(getKerasMask(y) ?? null).toBeNull()
  })
})

describe('functional forms in Functional models', () => {
  it('add/concatenate/dot/... build graphs that run and round-trip', async () => {
    const x1 = Input({ shape: [3], name: 'x1' })
    const x2 = Input({ shape: [3], name: 'x2' })
    const h = concatenate([add([x1, x2]), subtract([x1, x2]), multiply([x1, x2]), average([x1, x2]), maximum([x1, x2]), minimum([x1, x2])], { axis: -1 })
    const d = dot([x1, x2], { axes: 1 })
    const y = new Dense({ units: 1, kernelInitializer: 'ones' }).apply(concatenate([h, d]))
    expect(y.shape).toEqual([null, 1])
    const model = new Model({ inputs: [x1, x2], outputs: y })
    const ins = [tensor([[1, 2, 3]], { dtype: 'float32' }), tensor([[3, 2, 1]], { dtype: 'float32' })]
    const out = await (model.apply(ins) as Tensor).array()
    // sum over [a+b, a-b, a*b, (a+b)/2, max, min] + a·b
    const a = [1, 2, 3], b = [3, 2, 1]
    let want = 0
    a.forEach((ai, i) => { const bi = b[i]!; want += ai + bi + (ai - bi) + ai * bi + (ai + bi) / 2 + Math.max(ai, bi) + Math.min(ai, bi) + ai * bi })
    expect((out as number[][])[0]![0]).toBeCloseTo(want, 4)
    const back = deserializeLayer(JSON.parse(JSON.stringify(serializeLayer(model)))) as Model
    expect(await (back.apply(ins) as Tensor).array()).toEqual(out)
  })
  it('Embedding(mask_zero) masks flow into Add', async () => {
    const x = Input({ shape: [3], dtype: 'int32' })
    const e = new Embedding({ inputDim: 5, outputDim: 2, maskZero: true })
    const y = add([e.apply(x), e.apply(x)])
    const model = new Model({ inputs: x, outputs: y })
    const out = model.apply(tensor([[1, 0, 2]], { dtype: 'int32' })) as Tensor
    expect(out.shape).toEqual([1, 3, 2])
  })
})
