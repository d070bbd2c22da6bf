import { describe, expect, it } from 'vitest'
import { abstractEval, DTypeError, grad, InvalidArgumentError, KerasTensor, lax, ShapeError, tensor, type Tensor } from '../src/index.js'
import { f64, i32, range, read, av, offset, indices, checkGrad, runGolden } from './helpers.js'

// ---- local helpers (shared ones: ./helpers.ts) ---------------------------------------------------

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1)

// ---- reshape ----------------------------------------------------------------------------------

describe('reshape', () => {
  it('keeps row-major order and infers -1', () => {
    const x = f64(range(6), [2, 3])
    const y = lax.reshape(x, [3, 2])
    expect(y.shape).toEqual([3, 2])
    expect(y.arraySync()).toEqual([[0, 1], [2, 3], [4, 5]])
    expect(lax.reshape(x, [-1]).shape).toEqual([6])
    expect(lax.reshape(x, [1, -1, 2]).shape).toEqual([1, 3, 2])
  })
  it('infers shapes, with null dims', () => {
    expect(abstractEval('reshape', [av([null, 3, 4])], { newSizes: [-1, 12] })[0]!.shape).toEqual([null, 12])
    expect(abstractEval('reshape', [av([null, 3])], { newSizes: [6, 2] })[0]!.shape).toEqual([6, 2])
    expect(abstractEval('reshape', [av([4, 3])], { newSizes: [2, -1] })[0]!.shape).toEqual([2, 6])
  })
  it('throws typed errors for bad sizes', () => {
    expect(() => abstractEval('reshape', [av([2, 3])], { newSizes: [-1, -1] })).toThrow(ShapeError)
    expect(() => abstractEval('reshape', [av([2, 3])], { newSizes: [4] })).toThrow(ShapeError)
    expect(() => abstractEval('reshape', [av([2, 3])], { newSizes: [4, -1] })).toThrow(/Received: shape=\(2, 3\)/)
    expect(() => abstractEval('reshape', [av([0, 3])], { newSizes: [0, -1] })).toThrow(ShapeError)
    expect(() => abstractEval('reshape', [av([null, 3])], { newSizes: [4] })).toThrow(ShapeError)
  })
  it('has a VJP matching finite differences', () => {
    checkGrad((x) => lax.mul(lax.reshape(x, [3, 2]), lax.reshape(x, [3, 2])), [{ v: range(6, 0.3, -0.7), s: [2, 3] }])
  })
})

// ---- transpose --------------------------------------------------------------------------------

describe('transpose', () => {
  it('permutes axes', () => {
    const shape = [2, 3, 4]
    const v = range(24)
    const perm = [2, 0, 1]
    const y = lax.transpose(f64(v, shape), perm)
    const outShape = perm.map((p) => shape[p]!)
    expect(y.shape).toEqual(outShape)
    const expected = indices(outShape).map((o) => {
      const src = new Array<number>(3)
      perm.forEach((p, i) => { src[p] = o[i]! })
      return v[offset(shape, src)]!
    })
    expect(read(y)).toEqual(expected)
  })
  it('infers shapes and rejects non-permutations', () => {
    expect(abstractEval('transpose', [av([null, 3])], { permutation: [1, 0] })[0]!.shape).toEqual([3, null])
    expect(() => abstractEval('transpose', [av([2, 3])], { permutation: [0, 0] })).toThrow(InvalidArgumentError)
    expect(() => abstractEval('transpose', [av([2, 3])], { permutation: [1] })).toThrow(InvalidArgumentError)
  })
  it('has a VJP matching finite differences', () => {
    checkGrad((x) => lax.sin(lax.transpose(x, [1, 2, 0])), [{ v: range(12, 0.21, -1), s: [2, 3, 2] }])
  })
})

// ---- broadcast_in_dim -------------------------------------------------------------------------

describe('broadcast_in_dim', () => {
  it('broadcasts new and size-1 dims', () => {
    expect(lax.broadcastInDim(f64([1, 2, 3], [3]), [2, 3], [1]).arraySync()).toEqual([[1, 2, 3], [1, 2, 3]])
    expect(lax.broadcastInDim(f64([1, 2], [2, 1]), [2, 3], [0, 1]).arraySync()).toEqual([[1, 1, 1], [2, 2, 2]])
    expect(lax.broadcastInDim(f64([7], []), [2, 2], []).arraySync()).toEqual([[7, 7], [7, 7]])
    expect(lax.broadcastInDim(f64([1, 2], [2]), [2, 3], [0]).arraySync()).toEqual([[1, 1, 1], [2, 2, 2]])
  })
  it('infers shapes, with null dims', () => {
    expect(abstractEval('broadcast_in_dim', [av([null, 1])], { shape: [4, 5], broadcastDimensions: [0, 1] })[0]!.shape).toEqual([4, 5])
    const nullTarget = [null, 5] as unknown as number[]
    expect(abstractEval('broadcast_in_dim', [av([3, 1])], { shape: nullTarget, broadcastDimensions: [0, 1] })[0]!.shape).toEqual([3, 5])
    expect(abstractEval('broadcast_in_dim', [av([null])], { shape: nullTarget, broadcastDimensions: [0] })[0]!.shape).toEqual([null, 5])
  })
  it('throws typed errors', () => {
    expect(() => abstractEval('broadcast_in_dim', [av([3])], { shape: [4], broadcastDimensions: [0] })).toThrow(ShapeError)
    expect(() => abstractEval('broadcast_in_dim', [av([1, 1])], { shape: [2, 2], broadcastDimensions: [1, 0] })).toThrow(InvalidArgumentError)
    expect(() => abstractEval('broadcast_in_dim', [av([1])], { shape: [2], broadcastDimensions: [] })).toThrow(InvalidArgumentError)
  })
  it('has a VJP that sums over broadcast dims', () => {
    checkGrad((x) => lax.broadcastInDim(x, [3, 2, 4], [1, 2]), [{ v: [0.5, -1.25], s: [2, 1] }])
    checkGrad((x) => lax.broadcastInDim(x, [2, 3], []), [{ v: [0.75], s: [] }])
  })
})

// ---- slice ------------------------------------------------------------------------------------

describe('slice', () => {
  it('slices with strides', () => {
    expect(read(lax.slice(f64(range(10), [10]), [1], [8], [3]))).toEqual([1, 4, 7])
    const y = lax.slice(f64(range(20), [4, 5]), [1, 0], [4, 5], [2, 2])
    expect(y.arraySync()).toEqual([[5, 7, 9], [15, 17, 19]])
    expect(lax.slice(f64(range(4), [4]), [2], [2]).shape).toEqual([0])
  })
  it('infers shapes, with null dims', () => {
    expect(abstractEval('slice', [av([null, 10])], { startIndices: [0, 2], limitIndices: [5, 10], strides: [2, 3] })[0]!.shape).toEqual([3, 3])
  })
  it('throws typed errors', () => {
    expect(() => abstractEval('slice', [av([4])], { startIndices: [0], limitIndices: [5], strides: [1] })).toThrow(ShapeError)
    expect(() => abstractEval('slice', [av([4])], { startIndices: [3], limitIndices: [2], strides: [1] })).toThrow(ShapeError)
    expect(() => abstractEval('slice', [av([4])], { startIndices: [0], limitIndices: [4], strides: [0] })).toThrow(ShapeError)
    expect(() => abstractEval('slice', [av([4, 4])], { startIndices: [0], limitIndices: [4], strides: [1] })).toThrow(InvalidArgumentError)
  })
  it('has a VJP matching finite differences (strided)', () => {
    checkGrad((x) => lax.slice(x, [1, 0], [5, 5], [3, 2]), [{ v: range(30, 0.1), s: [6, 5] }])
    checkGrad((x) => lax.exp(lax.slice(x, [1], [4])), [{ v: [0.1, 0.2, 0.3, 0.4, 0.5], s: [5] }])
  })
})

// ---- dynamic_slice / dynamic_update_slice -------------------------------------------------------

describe('dynamic_slice', () => {
  it('slices at runtime starts, clamped like XLA', () => {
    const x = f64(range(5), [5])
    expect(read(lax.dynamicSlice(x, i32([1]), [3]))).toEqual([1, 2, 3])
    expect(read(lax.dynamicSlice(x, i32([4]), [3]))).toEqual([2, 3, 4])
    expect(read(lax.dynamicSlice(x, i32([-2]), [3]))).toEqual([0, 1, 2])
    const m = f64(range(12), [3, 4])
    expect(lax.dynamicSlice(m, i32([2, 1]), [2, 2]).arraySync()).toEqual([[5, 6], [9, 10]])
  })
  it('infers shapes and throws typed errors', () => {
    expect(abstractEval('dynamic_slice', [av([null, 4]), av([2], 'int32')], { sliceSizes: [2, 2] })[0]!.shape).toEqual([2, 2])
    expect(() => abstractEval('dynamic_slice', [av([3]), av([1], 'int32')], { sliceSizes: [4] })).toThrow(ShapeError)
    expect(() => abstractEval('dynamic_slice', [av([3]), av([1])], { sliceSizes: [1] })).toThrow(DTypeError)
    expect(() => abstractEval('dynamic_slice', [av([3]), av([2], 'int32')], { sliceSizes: [1] })).toThrow(ShapeError)
  })
  it('has a VJP matching finite differences', () => {
    checkGrad((x) => lax.dynamicSlice(x, i32([2, 3]), [2, 2]), [{ v: range(12, 0.5), s: [3, 4] }])
  })
})

describe('dynamic_update_slice', () => {
  it('writes the update at clamped starts', () => {
    const x = f64([0, 0, 0, 0, 0], [5])
    expect(read(lax.dynamicUpdateSlice(x, f64([1, 2], [2]), i32([1])))).toEqual([0, 1, 2, 0, 0])
    expect(read(lax.dynamicUpdateSlice(x, f64([1, 2], [2]), i32([9])))).toEqual([0, 0, 0, 1, 2])
    const m = f64(new Array(6).fill(0), [2, 3])
    expect(lax.dynamicUpdateSlice(m, f64([7, 8], [1, 2]), i32([1, 1])).arraySync()).toEqual([[0, 0, 0], [0, 7, 8]])
  })
  it('throws typed errors', () => {
    expect(() => abstractEval('dynamic_update_slice', [av([3]), av([4]), av([1], 'int32')], {})).toThrow(ShapeError)
    expect(() => abstractEval('dynamic_update_slice', [av([3]), av([2], 'int32'), av([1], 'int32')], {})).toThrow(DTypeError)
    expect(abstractEval('dynamic_update_slice', [av([null, 3]), av([1, 2]), av([2], 'int32')], {})[0]!.shape).toEqual([null, 3])
  })
  it('has a VJP matching finite differences for operand and update', () => {
    checkGrad((x, u) => lax.mul(lax.dynamicUpdateSlice(x, u, i32([2, 1])), x), [
      { v: range(12, 0.25, -1), s: [3, 4] },
      { v: [0.3, -0.6, 0.9, 1.2], s: [2, 2] },
    ])
  })
})

// ---- pad --------------------------------------------------------------------------------------

describe('pad', () => {
  it('pads with lo/hi/interior and crops with negative padding', () => {
    const x = f64([1, 2, 3], [3])
    const z = f64([0], [])
    expect(read(lax.pad(x, z, [1], [2], [1]))).toEqual([0, 1, 0, 2, 0, 3, 0, 0])
    expect(read(lax.pad(x, z, [-1], [-1], [1]))).toEqual([0, 2, 0])
    expect(read(lax.pad(x, f64([9], []), [-2], [1]))).toEqual([3, 9])
    const m = f64([1, 2, 3, 4], [2, 2])
    expect(lax.pad(m, f64([-1], []), [1, -1], [0, 1], [0, 1]).arraySync()).toEqual([[-1, -1, -1], [-1, 2, -1], [-1, 4, -1]])
  })
  it('infers shapes, with null dims', () => {
    expect(abstractEval('pad', [av([null, 3]), av([])], { lo: [1, 1], hi: [1, -1], interior: [0, 2] })[0]!.shape).toEqual([null, 7])
  })
  it('throws typed errors', () => {
    expect(() => abstractEval('pad', [av([2]), av([])], { lo: [-2], hi: [-1], interior: [0] })).toThrow(ShapeError)
    expect(() => abstractEval('pad', [av([2]), av([1])], { lo: [0], hi: [0], interior: [0] })).toThrow(ShapeError)
    expect(() => abstractEval('pad', [av([2]), av([])], { lo: [0], hi: [0], interior: [-1] })).toThrow(InvalidArgumentError)
  })
  it('has a VJP for operand and padValue', () => {
    checkGrad((x, p) => lax.pad(x, p, [1, -1], [-1, 2], [1, 2]), [
      { v: range(6, 0.4, -1), s: [2, 3] },
      { v: [0.7], s: [] },
    ])
    checkGrad((x, p) => lax.mul(lax.pad(x, p, [2], [1]), lax.pad(x, p, [2], [1])), [
      { v: [0.5, -1.5], s: [2] },
      { v: [1.25], s: [] },
    ])
  })
})

// ---- concatenate / rev ------------------------------------------------------------------------

describe('concatenate', () => {
  it('joins along a dimension', () => {
    const a = f64([1, 2, 3, 4], [2, 2])
    const b = f64([5, 6], [2, 1])
    expect(lax.concatenate([a, b], 1).arraySync()).toEqual([[1, 2, 5], [3, 4, 6]])
    expect(lax.concatenate([a, f64([7, 8], [1, 2])], 0).arraySync()).toEqual([[1, 2], [3, 4], [7, 8]])
  })
  it('infers shapes, with null dims', () => {
    expect(abstractEval('concatenate', [av([null, 2]), av([3, 1])], { dimension: 1 })[0]!.shape).toEqual([3, 3])
    expect(abstractEval('concatenate', [av([null, 2]), av([3, 2])], { dimension: 0 })[0]!.shape).toEqual([null, 2])
  })
  it('throws typed errors', () => {
    expect(() => abstractEval('concatenate', [av([2, 2]), av([3, 1])], { dimension: 1 })).toThrow(ShapeError)
    expect(() => abstractEval('concatenate', [av([2]), av([2], 'int32')], { dimension: 0 })).toThrow(DTypeError)
    expect(() => abstractEval('concatenate', [av([2])], { dimension: 1 })).toThrow(InvalidArgumentError)
    expect(() => abstractEval('concatenate', [], { dimension: 0 })).toThrow(InvalidArgumentError)
  })
  it('has a VJP matching finite differences', () => {
    checkGrad((a, b, c) => lax.tanh(lax.concatenate([a, b, c], 1)), [
      { v: [0.1, 0.2], s: [2, 1] },
      { v: [0.3, -0.4, 0.5, -0.6], s: [2, 2] },
      { v: [0.7, 0.8, 0.9, 1.0, -1.1, 1.2], s: [2, 3] },
    ])
  })
})

describe('rev', () => {
  it('reverses dimensions', () => {
    const x = f64(range(6), [2, 3])
    expect(lax.rev(x, [1]).arraySync()).toEqual([[2, 1, 0], [5, 4, 3]])
    expect(lax.rev(x, [0, 1]).arraySync()).toEqual([[5, 4, 3], [2, 1, 0]])
  })
  it('checks dimensions', () => {
    expect(abstractEval('rev', [av([null, 2])], { dimensions: [0] })[0]!.shape).toEqual([null, 2])
    expect(() => abstractEval('rev', [av([2])], { dimensions: [1] })).toThrow(InvalidArgumentError)
    expect(() => abstractEval('rev', [av([2, 2])], { dimensions: [0, 0] })).toThrow(InvalidArgumentError)
  })
  it('has a VJP matching finite differences', () => {
    checkGrad((x) => lax.mul(lax.rev(x, [0, 2]), x), [{ v: range(12, 0.3, -2), s: [2, 3, 2] }])
  })
})

describe('symbolic path', () => {
  it('runs the shape rules on KerasTensors with unknown dims', () => {
    const k = new KerasTensor([null, 3, 4], 'float32')
    expect(lax.reshape(k, [-1, 12]).shape).toEqual([null, 12])
    expect(lax.transpose(k, [2, 0, 1]).shape).toEqual([4, null, 3])
    expect(lax.slice(k, [0, 1, 0], [2, 3, 4], [1, 1, 2]).shape).toEqual([2, 2, 2])
    expect(lax.pad(k, new KerasTensor([], 'float32'), [0, 1, 0], [0, 1, -1], [0, 1, 0]).shape).toEqual([null, 7, 3])
    expect(lax.concatenate([k, new KerasTensor([2, 3, 4], 'float32')], 0).shape).toEqual([null, 3, 4])
    expect(lax.rev(k, [0]).shape).toEqual([null, 3, 4])
    expect(lax.broadcastInDim(k, [null, 3, 4] as unknown as number[], [0, 1, 2]).shape).toEqual([null, 3, 4])
  })
})

describe('movement dtypes', () => {
  it('moves integer and bool data exactly and gives integer inputs no gradient', () => {
    const x = tensor([[1, 2], [3, 4]], { dtype: 'int32' })
    expect(lax.transpose(x, [1, 0]).arraySync()).toEqual([[1, 3], [2, 4]])
    const b = tensor([true, false], { dtype: 'bool' })
    expect(lax.rev(b, [0]).arraySync()).toEqual([false, true])
    const g = grad((y: Tensor) => lax.reduceSum(lax.mul(y, lax.convertElementType(lax.slice(x, [0, 0], [1, 2]), 'float64')), [0, 1]))(f64([1, 1], [1, 2])) as Tensor
    expect(read(g)).toEqual([1, 2])
  })
})

// ---- golden data from jax.lax (tools/golden/core_movement.py) ------------------------------------

describe('golden values and VJPs from jax.lax', () => runGolden(['reshape', 'transpose', 'broadcast_in_dim', 'slice', 'dynamic_slice', 'dynamic_update_slice', 'pad', 'concatenate', 'rev']))
