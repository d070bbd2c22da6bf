import { describe, expect, it } from 'vitest'
import { abstractEval, DTypeError, grad, InvalidArgumentError, lax, memory, VJP_RULES, ShapeError, tensor, type Tensor } from '../src/index.js'
import { f64, i32, range, read, av, offset, indices, checkGrad, passThroughVjpWorks, backwardLeak, runGolden } from './helpers.js'

// ---- independent loops (shared helpers: ./helpers.ts) ---------------------------------------------

/** Independent np.take along `axis` with clamped indices. */
function takeLoop(v: number[], shape: number[], idx: number[], idxShape: number[], axis: number): number[] {
  const outShape = [...shape.slice(0, axis), ...idxShape, ...shape.slice(axis + 1)]
  return indices(outShape).map((o) => {
    const j = idx[offset(idxShape, o.slice(axis, axis + idxShape.length))]!
    const c = Math.min(Math.max(j, 0), shape[axis]! - 1)
    return v[offset(shape, [...o.slice(0, axis), c, ...o.slice(axis + idxShape.length)])]!
  })
}

// ---- gather -------------------------------------------------------------------------------------

describe('gather', () => {
  it('takes along an axis like np.take, clamping out-of-range indices', () => {
    const v = range(12, 1, 1)
    const x = f64(v, [3, 4])
    const y = lax.gather(x, i32([0, 3, 2, 2], [2, 2]), 1)
    expect(y.shape).toEqual([3, 2, 2])
    expect(read(y)).toEqual(takeLoop(v, [3, 4], [0, 3, 2, 2], [2, 2], 1))
    expect(read(lax.gather(x, i32([2, 0, 2]), 0))).toEqual(takeLoop(v, [3, 4], [2, 0, 2], [3], 0))
    const s = lax.gather(x, i32([1], []), 0)
    expect(s.shape).toEqual([4])
    expect(read(s)).toEqual([5, 6, 7, 8])
    expect(read(lax.gather(f64([10, 20, 30], [3]), i32([7, -1]), 0))).toEqual([30, 10])
    expect(read(lax.gather(tensor([4, 5, 6], { dtype: 'int32' }), tensor([2, 0], { dtype: 'int64' }), 0))).toEqual([6, 4])
  })
  it('infers shapes, with null dims', () => {
    expect(abstractEval('gather', [av([null, 5, 2]), av([null, 3], 'int32')], { axis: 1 })[0]).toEqual({ shape: [null, null, 3, 2], dtype: 'float32' })
  })
  it('throws typed errors', () => {
    expect(() => abstractEval('gather', [av([3]), av([2])], { axis: 0 })).toThrow(DTypeError)
    expect(() => abstractEval('gather', [av([3]), av([2], 'int32')], { axis: 1 })).toThrow(InvalidArgumentError)
    expect(() => abstractEval('gather', [av([0, 2]), av([2], 'int32')], { axis: 0 })).toThrow(ShapeError)
  })
  it('has a VJP (scatter_add into zeros) matching finite differences, with repeated indices', () => {
    checkGrad((x) => lax.gather(x, i32([1, 0, 1, 1, 3, 2], [3, 2]), 1), [{ v: range(8, 0.3, -1), s: [2, 4] }])
    checkGrad((x) => lax.mul(lax.gather(x, i32([2, 2, 0]), 0), lax.gather(x, i32([0, 1, 2]), 0)), [{ v: [0.5, -1, 2], s: [3] }])
  })
})

// ---- scatter_add / scatter ------------------------------------------------------------------------

describe('scatter_add', () => {
  it('adds updates at indices; duplicates accumulate; indices clamp', () => {
    const y = lax.scatterAdd(f64([1, 1, 1, 1], [4]), i32([0, 2, 2, 9]), f64([10, 20, 30, 40], [4]), 0)
    expect(read(y)).toEqual([11, 1, 51, 41])
    const m = lax.scatterAdd(f64(new Array(6).fill(0), [2, 3]), i32([2, 0]), f64([1, 2, 3, 4], [2, 2]), 1)
    expect(m.arraySync()).toEqual([[2, 0, 1], [4, 0, 3]])
    const b = lax.scatterAdd(tensor([false, false], { dtype: 'bool' }), i32([1, 1]), tensor([true, false], { dtype: 'bool' }), 0)
    expect(b.arraySync()).toEqual([false, true])
  })
  it('infers shapes and throws typed errors', () => {
    expect(abstractEval('scatter_add', [av([null, 3]), av([2], 'int32'), av([null, 2])], { axis: 1 })[0]!.shape).toEqual([null, 3])
    expect(() => abstractEval('scatter_add', [av([4]), av([2], 'int32'), av([3])], { axis: 0 })).toThrow(ShapeError)
    expect(() => abstractEval('scatter_add', [av([4]), av([2], 'int32'), av([2], 'int32')], { axis: 0 })).toThrow(DTypeError)
    expect(() => abstractEval('scatter_add', [av([4]), av([2]), av([2])], { axis: 0 })).toThrow(DTypeError)
  })
  it.skipIf(!passThroughVjpWorks)('has a VJP matching finite differences (needs pass-through VJPs in core)', () => {
    checkGrad((x, u) => lax.mul(lax.scatterAdd(x, i32([1, 1, 0]), u, 0), x), [
      { v: [0.5, -1.5, 2], s: [3] },
      { v: [0.25, 1.75, -0.5], s: [3] },
    ])
  })
  it('gives no gradient to indices', () => {
    const x = f64([1, 2], [2])
    const r = VJP_RULES.scatter_add({ cotangents: [x], inputs: [x, i32([0]), f64([1], [1])], outputs: [x], params: { axis: 0 } })
    expect(r[1]).toBeNull()
    expect(read(r[2]!)).toEqual([1])
  })
})

describe('scatter', () => {
  it('writes updates at indices; the last duplicate wins; indices clamp', () => {
    const y = lax.scatter(f64([1, 1, 1, 1], [4]), i32([0, 2, 2, -5]), f64([10, 20, 30, 40], [4]), 0)
    expect(read(y)).toEqual([40, 1, 30, 1])
    const m = lax.scatter(f64(new Array(6).fill(0), [3, 2]), i32([2, 2]), f64([1, 2, 3, 4], [2, 2]), 0)
    expect(m.arraySync()).toEqual([[0, 0], [0, 0], [3, 4]])
  })
  it('throws typed errors', () => {
    expect(() => abstractEval('scatter', [av([4, 2]), av([3], 'int32'), av([2, 3])], { axis: 0 })).toThrow(ShapeError)
  })
  it('has a VJP: operand masked where overwritten, only winning updates get gradient', () => {
    checkGrad((x, u) => lax.sin(lax.scatter(x, i32([3, 0, 3]), u, 0)), [
      { v: [0.5, -1.5, 2, 0.75], s: [4] },
      { v: [0.25, 1.75, -0.5], s: [3] },
    ])
    checkGrad((x, u) => lax.scatter(x, i32([1, 1]), u, 1), [
      { v: range(6, 0.5), s: [2, 3] },
      { v: [1, 2, 3, 4], s: [2, 2] },
    ])
    const [gx, gu] = grad((x: Tensor, u: Tensor) => lax.reduceSum(lax.scatter(x, i32([1, 1]), u, 0), [0]), { argnums: [0, 1] })(f64([1, 2, 3], [3]), f64([5, 6], [2])) as Tensor[]
    expect(read(gx!)).toEqual([1, 0, 1])
    expect(read(gu!)).toEqual([0, 1])
  })
})

// ---- sort / top_k -------------------------------------------------------------------------------

describe('sort', () => {
  it('sorts stably along a dimension, NaN last, returning int32 indices', () => {
    const [v, i] = lax.sort(f64([3, NaN, 1, 3, -0, 0, -Infinity], [7]), 0)
    const vals = read(v)
    expect(vals.slice(0, 6)).toEqual([-Infinity, -0, 0, 1, 3, 3])
    expect(vals[6]).toBeNaN()
    expect(i.dtype).toBe('int32')
    expect(read(i)).toEqual([6, 4, 5, 2, 0, 3, 1])
    const [vd, id] = lax.sort(f64([3, NaN, 1, 3], [4]), 0, true)
    expect(read(vd).slice(0, 3)).toEqual([3, 3, 1])
    expect(read(id)).toEqual([0, 3, 2, 1])
  })
  it('sorts along any dimension of integer and bool data', () => {
    const x = tensor([[3, 1, 2], [0, 5, 4]], { dtype: 'int32' })
    const [v0, i0] = lax.sort(x, 0)
    expect(v0.arraySync()).toEqual([[0, 1, 2], [3, 5, 4]])
    expect(i0.arraySync()).toEqual([[1, 0, 0], [0, 1, 1]])
    const [v1, i1] = lax.sort(x, 1)
    expect(v1.arraySync()).toEqual([[1, 2, 3], [0, 4, 5]])
    expect(i1.arraySync()).toEqual([[1, 2, 0], [0, 2, 1]])
    expect(lax.sort(tensor([true, false, true], { dtype: 'bool' }), 0)[1].arraySync()).toEqual([1, 0, 2])
  })
  it('infers shapes and throws typed errors', () => {
    const out = abstractEval('sort', [av([null, 3])], { dimension: 1, descending: false })
    expect(out).toEqual([{ shape: [null, 3], dtype: 'float32' }, { shape: [null, 3], dtype: 'int32' }])
    expect(() => abstractEval('sort', [av([3])], { dimension: 1, descending: false })).toThrow(InvalidArgumentError)
  })
  it('has a VJP through the permutation', () => {
    const v = [0.3, -1.2, 2.5, 0.9, -0.4, 1.7, -2.2, 0.1]
    for (const descending of [false, true]) {
      checkGrad((x) => lax.sort(x, 0, descending)[0], [{ v, s: [4, 2] }])
      checkGrad((x) => lax.sort(x, 1, descending)[0], [{ v, s: [2, 4] }])
    }
  })
})

describe('top_k', () => {
  it('returns the k largest along the last axis (NaN largest, ties: lower index first)', () => {
    const [v, i] = lax.topK(f64([1, NaN, 3, 3, -Infinity, NaN], [6]), 4)
    const vals = read(v)
    expect(vals[0]).toBeNaN()
    expect(vals[1]).toBeNaN()
    expect(vals.slice(2)).toEqual([3, 3])
    expect(read(i)).toEqual([1, 5, 2, 3]) // as jax.lax.top_k
    const [v2, i2] = lax.topK(f64([1, 9, 4, 4, 7, 2], [2, 3]), 2)
    expect(v2.arraySync()).toEqual([[9, 4], [7, 4]])
    expect(i2.arraySync()).toEqual([[1, 2], [1, 0]])
    expect(i2.dtype).toBe('int32')
  })
  it('infers shapes and throws typed errors', () => {
    expect(abstractEval('top_k', [av([null, 5])], { k: 2 })[1]).toEqual({ shape: [null, 2], dtype: 'int32' })
    expect(abstractEval('top_k', [av([2, null])], { k: 2 })[0]!.shape).toEqual([2, 2])
    expect(() => abstractEval('top_k', [av([2, 3])], { k: 4 })).toThrow(InvalidArgumentError)
    expect(() => abstractEval('top_k', [av([])], { k: 1 })).toThrow(ShapeError)
  })
  it('has a VJP into the selected positions', () => {
    checkGrad((x) => lax.topK(x, 2)[0], [{ v: [0.3, -1.2, 2.5, 0.9, -0.4, 1.7, -2.2, 0.1], s: [2, 4] }])
    checkGrad((x) => lax.topK(x, 3)[0], [{ v: [0.3, -1.2, 2.5], s: [3] }])
  })
})

describe('indexing VJP memory', () => {
  it('frees every intermediate of the backward pass', () => {
    const x = f64([1.5, 0, -1, 3, 2, 0.5], [2, 3])
    const idx = i32([1, 1])
    const upd = f64([1, 2, 3, 4], [2, 2])
    expect(backwardLeak((y) => lax.sort(y, 1)[0], x)).toBe(0)
    expect(backwardLeak((y) => lax.topK(y, 2)[0], x)).toBe(0)
    expect(backwardLeak((y) => lax.scatter(y, idx, upd, 1), x)).toBe(0)
    expect(backwardLeak((y) => lax.gather(y, i32([2, 0, 2]), 1), x)).toBe(0)
  })
})

// ---- iota ---------------------------------------------------------------------------------------

describe('iota', () => {
  it('counts along one dimension', () => {
    expect(lax.iota('int32', [2, 3], 1).arraySync()).toEqual([[0, 1, 2], [0, 1, 2]])
    expect(lax.iota('int32', [2, 3], 0).arraySync()).toEqual([[0, 0, 0], [1, 1, 1]])
    const f = lax.iota('float64', [4], 0)
    expect(f.dtype).toBe('float64')
    expect(read(f)).toEqual([0, 1, 2, 3])
  })
  it('throws typed errors', () => {
    expect(() => abstractEval('iota', [], { dtype: 'int32', shape: [2], dimension: 1 })).toThrow(InvalidArgumentError)
    expect(() => abstractEval('iota', [], { dtype: 'bool', shape: [2], dimension: 0 })).toThrow(DTypeError)
    expect(() => abstractEval('iota', [], { dtype: 'int32', shape: [-1], dimension: 0 })).toThrow(ShapeError)
    expect(VJP_RULES.iota({ cotangents: [null], inputs: [], outputs: [], params: { dtype: 'int32', shape: [1], dimension: 0 } })).toEqual([])
  })
})

// ---- golden data from jax.lax (tools/golden/core_movement.py) ------------------------------------

describe('golden values and VJPs from jax.lax', () => runGolden(['gather', 'scatter', 'sort', 'top_k', 'iota']))
describe.skipIf(!passThroughVjpWorks)('golden scatter_add (needs pass-through VJPs in core)', () => runGolden(['scatter_add']))
