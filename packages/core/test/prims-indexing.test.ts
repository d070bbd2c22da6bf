import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { abstractEval, bind, DTypeError, grad, InvalidArgumentError, lax, memory, PRIMITIVES, ShapeError, tensor, tidy, vjp, type Prim, type PrimParams, type Tensor } from '../src/index.js'

// ---- helpers: float64 tensors, independent loops, central finite differences ----------------------

const f64 = (v: number[], shape: number[]): Tensor => tensor(v, { shape, dtype: 'float64' })
const i32 = (v: number[], shape: number[] = [v.length]): Tensor => tensor(v, { shape, dtype: 'int32' })
const range = (n: number, scale = 1, shift = 0): number[] => Array.from({ length: n }, (_, i) => i * scale + shift)
const read = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>)
const offset = (shape: readonly number[], idx: readonly number[]): number => idx.reduce((acc, v, d) => acc * shape[d]! + v, 0)
function indices(shape: readonly number[]): number[][] {
  let out: number[][] = [[]]
  for (const d of shape) out = out.flatMap((p) => Array.from({ length: d }, (_, i) => [...p, i]))
  return out
}

interface Arg { v: number[]; s: number[] }
/** VJP vs central finite differences of Σ f(x)·w in float64 (step 1e-6); checks shape and dtype too. */
function checkGrad(f: (...xs: Tensor[]) => Tensor, args: Arg[], tol = 1e-6): void {
  const mk = (vals: number[][]): Tensor[] => vals.map((v, i) => f64(v, args[i]!.s))
  const y0 = f(...mk(args.map((a) => a.v)))
  const w = f64(range(y0.size).map((i) => Math.sin(1.3 * i + 0.4) + 1.1), [...y0.shape])
  const loss = (...xs: Tensor[]): Tensor => { const y = f(...xs); return lax.reduceSum(lax.mul(y, w), y.shape.map((_, i) => i)) }
  const gs = grad(loss, { argnums: args.map((_, i) => i) })(...mk(args.map((a) => a.v))) as Tensor[]
  const h = 1e-6
  args.forEach((a, k) => {
    expect(gs[k]!.shape).toEqual(a.s)
    expect(gs[k]!.dtype).toBe('float64')
    const analytic = read(gs[k]!)
    for (let i = 0; i < a.v.length; i++) {
      const at = (d: number): number => {
        const vals = args.map((b) => b.v.slice())
        vals[k]![i]! += d
        return read(loss(...mk(vals)))[0]!
      }
      const numeric = (at(h) - at(-h)) / (2 * h)
      expect(Math.abs(analytic[i]! - numeric)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(numeric)))
    }
  })
}

/**
 * Core's backward pass must accept a VJP that returns its incoming cotangent unchanged (`add`,
 * `scatter_add`'s operand gradient). Tests of such rules run once it does.
 */
const passThroughVjpWorks = ((): boolean => {
  try { grad((x: Tensor) => lax.reduceSum(lax.add(x, x), [0]))(f64([1], [1])); return true } catch { return false }
})()

/** Tensors a backward pass leaves alive beyond those of the forward pass (should be 0). */
function backwardLeak(f: (x: Tensor) => Tensor, x: Tensor): number {
  const loss = (y: Tensor): Tensor => { const o = f(y); return lax.reduceSum(lax.mul(o, lax.sin(o)), o.shape.map((_, i) => i)) }
  const before = memory().numTensors
  tidy(() => { grad(loss)(x) })
  return memory().numTensors - before
}

const av = (shape: (number | null)[], dtype: 'float32' | 'int32' | 'bool' = 'float32') => ({ shape, dtype })

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
    const r = PRIMITIVES.scatter_add.vjp({ cotangents: [x], inputs: [x, i32([0]), f64([1], [1])], outputs: [x], params: { axis: 0 } })
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
    expect(PRIMITIVES.iota.vjp({ cotangents: [null], inputs: [], outputs: [], params: { dtype: 'int32', shape: [1], dimension: 0 } })).toEqual([])
  })
})

// ---- golden data from jax.lax (tools/golden/core_movement.py) ------------------------------------

interface GoldenArr { shape: number[]; dtype: 'float64' | 'int32' | 'bool'; data: (number | string)[] }
interface GoldenCase {
  name: string; prim: Prim; params: PrimParams[Prim]; inputs: GoldenArr[]; outputs: GoldenArr[]
  diff?: number[]; cotangent?: GoldenArr; grads?: GoldenArr[]
}
const golden = JSON.parse(readFileSync(new URL('./golden/movement.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] }
const fromGolden = (a: GoldenArr): Tensor => tensor(a.data.map(Number), { shape: a.shape, dtype: a.dtype })
function expectMatches(t: Tensor, a: GoldenArr): void {
  expect(t.shape).toEqual(a.shape)
  const got = read(t)
  a.data.map(Number).forEach((e, i) => {
    if (Number.isNaN(e)) expect(got[i]).toBeNaN()
    else if (!Number.isFinite(e) || a.dtype !== 'float64') expect(got[i]).toBe(e)
    else expect(Math.abs(got[i]! - e)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e)))
  })
}
function runGolden(prims: readonly Prim[]): void {
  for (const c of golden.cases.filter((k) => prims.includes(k.prim))) {
    it(`${c.name} (values${c.grads ? ' and VJP' : ''})`, () => {
      const inputs = c.inputs.map(fromGolden)
      bind(c.prim, inputs, c.params).forEach((o, i) => expectMatches(o, c.outputs[i]!))
      if (!c.grads) return
      const f = (...xs: Tensor[]): Tensor => {
        const all = inputs.slice()
        c.diff!.forEach((k, j) => { all[k] = xs[j]! })
        return bind(c.prim, all, c.params)[0]!
      }
      const [, pull, release] = vjp(f, ...c.diff!.map((k) => inputs[k]!))
      pull(fromGolden(c.cotangent!)).forEach((g, j) => expectMatches(g, c.grads![j]!))
      release()
    })
  }
}

describe('golden values and VJPs from jax.lax', () => runGolden(['gather', 'scatter', 'sort', 'top_k', 'iota']))
describe.skipIf(!passThroughVjpWorks)('golden scatter_add (needs pass-through VJPs in core)', () => runGolden(['scatter_add']))
