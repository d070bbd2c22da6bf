/** @file Typed errors with Keras's message template: what is wrong, then `Received: ...`, naming the op. */
import { describe, expect, it } from 'vitest'
import { DTypeError, InvalidArgumentError, KerasTensor, KxError, NotImplementedError, ShapeError } from '@kx/core'
import * as ops from '../src/index.js'

function thrown(fn: () => unknown): KxError {
  try { fn() } catch (e) { if (e instanceof KxError) return e; throw e }
  throw new Error('expected a KxError')
}

describe('typed errors', () => {
  it('broadcasting errors name the op and both shapes', () => {
    const e = thrown(() => ops.add(ops.zeros([2, 3]), ops.zeros([4])))
    expect(e).toBeInstanceOf(ShapeError)
    expect(e.message).toContain('`add`')
    expect(e.message).toContain('Received: x1.shape=(2, 3), x2.shape=(4,)')
    expect(thrown(() => ops.where(true, ops.zeros([2]), ops.zeros([3]))).message).toContain('condition.shape=()')
  })
  it('bad axes', () => {
    const e = thrown(() => ops.sum(ops.zeros([2, 3]), { axis: 2 }))
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect(e.message).toContain('Received: axis=2, rank=2')
    expect(thrown(() => ops.sum(ops.zeros([2, 3]), { axis: [0, 0] })).message).toContain('Repeated axis')
    expect(thrown(() => ops.expandDims(ops.zeros([2]), 5))).toBeInstanceOf(InvalidArgumentError)
  })
  it('bad dtypes', () => {
    const e = thrown(() => ops.cast([1], 'float128' as never))
    expect(e).toBeInstanceOf(DTypeError)
    expect(e.message).toContain('Received: dtype="float128"')
    expect(thrown(() => ops.bitwiseAnd([1.5], [2.5]))).toBeInstanceOf(DTypeError)
    expect(thrown(() => ops.ldexp([1], [1.5]))).toBeInstanceOf(DTypeError)
  })
  it('shape errors of shape ops', () => {
    expect(thrown(() => ops.reshape(ops.zeros([2, 3]), [4, 2]))).toBeInstanceOf(ShapeError)
    expect(thrown(() => ops.matmul(ops.zeros([2, 3]), ops.zeros([4, 2]))).message).toContain('Received: x1.shape=(2, 3), x2.shape=(4, 2)')
    expect(thrown(() => ops.concatenate([ops.zeros([2, 3]), ops.zeros([2, 2])]))).toBeInstanceOf(ShapeError)
    expect(thrown(() => ops.split(ops.zeros([5]), 2))).toBeInstanceOf(ShapeError)
    expect(thrown(() => ops.squeeze(ops.zeros([2, 3]), { axis: 0 }))).toBeInstanceOf(ShapeError)
  })
  it('data-dependent ops on symbolic tensors, complex results', () => {
    const x = new KerasTensor([null, 3], 'int32')
    expect(thrown(() => ops.unique(x))).toBeInstanceOf(NotImplementedError)
    expect(thrown(() => ops.nonzero(x))).toBeInstanceOf(NotImplementedError)
    expect(thrown(() => ops.linalg.eig(ops.eye(2)))).toBeInstanceOf(NotImplementedError)
    expect(thrown(() => ops.math.viewAsComplex(ops.zeros([2, 2])))).toBeInstanceOf(NotImplementedError)
  })
  it('indexing errors', () => {
    const x = ops.zeros([3, 4])
    expect(thrown(() => ops.getItem(x, [0, 0, 0]))).toBeInstanceOf(InvalidArgumentError)
    expect(thrown(() => ops.getItem(x, ['...', '...']))).toBeInstanceOf(InvalidArgumentError)
    expect(thrown(() => ops.getItem(x, 5)).message).toContain('out of bounds')
    expect(thrown(() => ops.rearrange(x, 'a b -> a c'))).toBeInstanceOf(InvalidArgumentError)
    expect(thrown(() => ops.einsum('ij,jk->ik', x, ops.zeros([3, 2])))).toBeInstanceOf(ShapeError)
  })
})
