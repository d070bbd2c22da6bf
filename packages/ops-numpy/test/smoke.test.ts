import { describe, expect, it } from 'vitest'
import { KerasTensor } from '@kx/core'
import * as ops from '../src/index.js'

describe('smoke', () => {
  it('elementwise and promotion', async () => {
    const x = ops.convertToTensor([[1, 2, 3], [4, 5, 6]], 'float32')
    const y = ops.add(x, 1)
    expect(y.dtype).toBe('float32')
    expect(await y.array()).toEqual([[2, 3, 4], [5, 6, 7]])
    expect(ops.add(ops.convertToTensor([1], 'int8'), 1).dtype).toBe('int8')
    expect(ops.divide([1, 2], 2).dtype).toBe('float32')
    expect(await ops.sum(x, { axis: 0 }).array()).toEqual([5, 7, 9])
    expect(await ops.mean(x).array()).toBe(3.5)
    expect(ops.sum([true, false]).dtype).toBe('int32')
  })
  it('symbolic', () => {
    const x = new KerasTensor([null, 3], 'float32')
    const y = ops.add(x, [1, 2, 3])
    expect(y.shape).toEqual([null, 3])
    expect(ops.sum(x, { axis: 1, keepdims: true }).shape).toEqual([null, 1])
    expect(ops.mean(x, { axis: 0 }).shape).toEqual([3])
    expect(ops.expandDims(x, 1).shape).toEqual([null, 1, 3])
  })
})
