import { describe, expect, it } from 'vitest'
import { tensor, lax, grad, getBackend, memory, tidy, KxError, resultType } from '../src/index.js'

describe('core smoke', () => {
  it('adds on the reference backend and reads back', async () => {
    expect(getBackend().name).toBe('reference')
    const a = tensor([[1, 2], [3, 4]], { dtype: 'float32' })
    const b = tensor([[10, 20], [30, 40]], { dtype: 'float32' })
    const c = lax.add(a, b)
    expect(await c.array()).toEqual([[11, 22], [33, 44]])
  })
  it('differentiates sin', async () => {
    const x = tensor([0.5, 1], { dtype: 'float64' })
    const g = grad((x: any) => lax.reduceSum(lax.sin(x), [0]))(x) as any
    const d = await g.data()
    expect(d[0]).toBeCloseTo(Math.cos(0.5), 12)
    expect(d[1]).toBeCloseTo(Math.cos(1), 12)
  })
  it('tidy frees intermediates', () => {
    const x = tensor([1, 2, 3], { dtype: 'float32' })
    const before = memory().numTensors
    const y = tidy(() => lax.exp(lax.neg(lax.exp(x))))
    expect(memory().numTensors).toBe(before + 1)
    y.dispose()
  })
  it('promotes like Keras', () => {
    expect(resultType('int32', 'weak_float')).toBe('float32')
    expect(resultType('uint8', 'int8')).toBe('int16')
    expect(resultType('bool', 'weak_int')).toBe('int32')
    expect(resultType('float16', 'bfloat16')).toBe('float32')
    expect(() => lax.add(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(KxError)
  })
})
