import { describe, expect, it } from 'vitest'
import { abstractEval, DTypeError, grad, InvalidArgumentError, lax, memory, VJP_RULES, ShapeError, tensor, type Tensor } from '../src/index.js'
import { f64, range, read, av, offset, indices, checkGrad, passThroughVjpWorks, backwardLeak, runGolden } from './helpers.js'

// ---- independent loops (shared helpers: ./helpers.ts) ---------------------------------------------

/** Independent reduction: for every output index, fold the reduced positions in row-major order. */
function reduceLoop(v: number[], shape: number[], axes: number[], init: number, f: (a: number, b: number) => number): number[] {
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i))
  return indices(kept.map((k) => shape[k]!)).map((o) => {
    let acc = init
    for (const r of indices(axes.map((a) => shape[a]!))) {
      const full = new Array<number>(shape.length)
      kept.forEach((k, j) => { full[k] = o[j]! })
      axes.forEach((a, j) => { full[a] = r[j]! })
      acc = f(acc, v[offset(shape, full)]!)
    }
    return acc
  })
}
/** Independent scan along `axis` (optionally reversed). */
function scanLoop(v: number[], shape: number[], axis: number, reverse: boolean, f: (a: number, b: number) => number): number[] {
  const out = new Array<number>(v.length)
  for (const idx of indices(shape)) {
    const n = shape[axis]!
    const i = idx[axis]!
    let acc: number | undefined
    for (let j = reverse ? n - 1 : 0; reverse ? j >= i : j <= i; j += reverse ? -1 : 1) {
      const p = idx.slice()
      p[axis] = j
      const x = v[offset(shape, p)]!
      acc = acc === undefined ? x : f(acc, x)
    }
    out[offset(shape, idx)] = acc!
  }
  return out
}

/** The gradient of Σ f(x)·w as a function of x, to check second derivatives (the VJP rules are differentiable). */
function gradOf(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x) => grad((y: Tensor) => {
    const out = f(y)
    const w = f64(range(out.size).map((i) => Math.cos(0.7 * i) + 1.4), [...out.shape])
    return lax.reduceSum(lax.mul(out, w), out.shape.map((_, i) => i))
  })(x) as Tensor
}

const X234 = range(24).map((i) => Math.sin(i * 1.1) * 3)

// ---- reductions ---------------------------------------------------------------------------------

describe('reduce_sum / reduce_max / reduce_min / reduce_prod', () => {
  it('match independent loops over any set of axes', () => {
    const shape = [2, 3, 4]
    const x = f64(X234, shape)
    for (const axes of [[0], [1], [2], [0, 2], [0, 1, 2], []]) {
      const close = (a: number[], b: number[]): void => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 12))
      close(read(lax.reduceSum(x, axes)), reduceLoop(X234, shape, axes, 0, (a, b) => a + b))
      close(read(lax.reduceMax(x, axes)), reduceLoop(X234, shape, axes, -Infinity, Math.max))
      close(read(lax.reduceMin(x, axes)), reduceLoop(X234, shape, axes, Infinity, Math.min))
      close(read(lax.reduce('reduce_prod', x, axes)), reduceLoop(X234, shape, axes, 1, (a, b) => a * b))
      expect(lax.reduceSum(x, axes).shape).toEqual(shape.filter((_, i) => !axes.includes(i)))
    }
  })
  it('propagates NaN, uses identities on empty axes and wraps integers', () => {
    expect(read(lax.reduceMax(f64([1, NaN, 3], [3]), [0]))[0]).toBeNaN()
    expect(read(lax.reduceMin(f64([NaN, 1], [2]), [0]))[0]).toBeNaN()
    expect(read(lax.reduceSum(f64([], [0, 2]), [0]))).toEqual([0, 0])
    expect(read(lax.reduceMax(f64([], [0]), [0]))).toEqual([-Infinity])
    expect(read(lax.reduce('reduce_prod', f64([], [0]), [0]))).toEqual([1])
    expect(read(lax.reduceMax(tensor([], { shape: [0], dtype: 'int32' }), [0]))).toEqual([-2147483648])
    expect(read(lax.reduceMin(tensor([], { shape: [0], dtype: 'uint8' }), [0]))).toEqual([255])
    expect(read(lax.reduceSum(tensor([2147483647, 1], { dtype: 'int32' }), [0]))).toEqual([-2147483648])
    expect(read(lax.reduceMax(tensor([[1, 7], [5, 2]], { dtype: 'int32' }), [1]))).toEqual([7, 5])
  })
  it('infers shapes with null dims and throws typed errors', () => {
    expect(abstractEval('reduce_sum', [av([null, 3, null])], { axes: [1] })[0]!.shape).toEqual([null, null])
    expect(abstractEval('reduce_max', [av([null, 3])], { axes: [0] })[0]).toEqual({ shape: [3], dtype: 'float32' })
    expect(() => abstractEval('reduce_sum', [av([2, 3])], { axes: [2] })).toThrow(InvalidArgumentError)
    expect(() => abstractEval('reduce_sum', [av([2, 3])], { axes: [-1] })).toThrow(InvalidArgumentError)
    expect(() => abstractEval('reduce_sum', [av([2, 3])], { axes: [0, 0] })).toThrow(InvalidArgumentError)
    expect(() => abstractEval('reduce_and', [av([2])], { axes: [0] })).toThrow(DTypeError)
  })
  it('has VJPs matching finite differences', () => {
    const s = [2, 3, 2]
    const v = range(12).map((i) => Math.cos(i * 2.3) * 2) // distinct values, so max/min are smooth
    for (const axes of [[1], [0, 2], [0, 1, 2], []]) {
      checkGrad((x) => lax.reduceSum(x, axes), [{ v, s }])
      checkGrad((x) => lax.reduceMax(x, axes), [{ v, s }])
      checkGrad((x) => lax.reduceMin(x, axes), [{ v, s }])
      checkGrad((x) => lax.reduce('reduce_prod', x, axes), [{ v, s }])
    }
  })
  it('splits the max/min gradient evenly between ties (like JAX)', () => {
    const g = grad((x: Tensor) => lax.reduceSum(lax.reduceMax(x, [1]), [0]))(f64([1, 3, 3, 2, 2, 0], [2, 3])) as Tensor
    expect(read(g)).toEqual([0, 0.5, 0.5, 0.5, 0.5, 0])
    const h = grad((x: Tensor) => lax.reduceMin(x, [0]))(f64([4, 1, 1, 1], [4])) as Tensor
    expect(read(h).map((a) => a * 3)).toEqual([0, 1, 1, 1])
  })
  it('differentiates reduce_prod exactly through zeros, to second order', () => {
    const gp = (v: number[]): number[] => read(grad((x: Tensor) => lax.reduce('reduce_prod', x, [0]))(f64(v, [v.length])) as Tensor)
    expect(gp([2, 0, 3, 5])).toEqual([0, 30, 0, 0])
    expect(gp([0, 0, 3])).toEqual([0, 0, 0])
    expect(gp([4])).toEqual([1])
    checkGrad((x) => lax.reduce('reduce_prod', x, [1]), [{ v: [2, 0, 3, 0, 0, 5, 1.5, -2, 0.5], s: [3, 3] }])
    checkGrad(gradOf((x) => lax.reduce('reduce_prod', x, [1])), [{ v: [2, 0, 3, 0, 0, 5, 1.5, -2, 0.5], s: [3, 3] }])
  })
  it('reduces booleans and integers with and/or', () => {
    const b = tensor([[true, false], [true, true]], { dtype: 'bool' })
    expect(lax.reduce('reduce_and', b, [1]).arraySync()).toEqual([false, true])
    expect(lax.reduce('reduce_or', b, [0]).arraySync()).toEqual([true, true])
    expect(lax.reduce('reduce_and', tensor([], { shape: [0], dtype: 'bool' }), [0]).arraySync()).toBe(true)
    expect(lax.reduce('reduce_or', tensor([], { shape: [0], dtype: 'bool' }), [0]).arraySync()).toBe(false)
    expect(read(lax.reduce('reduce_and', tensor([6, 3], { dtype: 'int32' }), [0]))).toEqual([2])
    expect(read(lax.reduce('reduce_or', tensor([4, 1], { dtype: 'int32' }), [0]))).toEqual([5])
    expect(VJP_RULES.reduce_and({ cotangents: [null], inputs: [b], outputs: [b], params: { axes: [0] } })).toEqual([null])
  })
})

// ---- argmax / argmin ----------------------------------------------------------------------------

describe('reduce VJP memory', () => {
  it('frees every intermediate of the backward pass', () => {
    const x = f64([1.5, 0, -1, 3, 2, 0.5], [2, 3])
    expect(backwardLeak((y) => lax.cumulative('cumprod', y, 1), x)).toBe(0)
    expect(backwardLeak((y) => lax.cumulative('cummax', y, 0, true), x)).toBe(0)
    expect(backwardLeak((y) => lax.reduce('reduce_prod', y, [1]), x)).toBe(0)
    expect(backwardLeak((y) => lax.reduceMax(y, [0, 1]), x)).toBe(0)
  })
})

describe('argmax / argmin', () => {
  it('returns the first extreme, with the first NaN winning (NumPy)', () => {
    const x = f64([1, 5, 5, 0, -2, 7, 7, -2], [2, 4])
    expect(read(lax.argmax(x, 1))).toEqual([1, 1])
    expect(read(lax.argmin(x, 1))).toEqual([3, 0])
    expect(read(lax.argmax(x, 0))).toEqual([0, 1, 1, 0])
    expect(read(lax.argmin(x, 0))).toEqual([1, 0, 0, 1])
    const n = f64([1, NaN, 3, NaN], [4])
    expect(read(lax.argmax(n, 0))).toEqual([1])
    expect(read(lax.argmin(n, 0))).toEqual([1])
    expect(read(lax.argmax(f64([-Infinity, -Infinity], [2]), 0))).toEqual([0])
  })
  it('returns the index dtype and infers shapes', () => {
    const y = lax.argmax(f64([1, 2, 3, 0], [2, 2]), 1, 'int64')
    expect(y.dtype).toBe('int64')
    expect(read(y)).toEqual([1, 0])
    expect(abstractEval('argmin', [av([null, 4, 2])], { axis: 1, indexDtype: 'int32' })[0]).toEqual({ shape: [null, 2], dtype: 'int32' })
  })
  it('throws typed errors', () => {
    expect(() => abstractEval('argmax', [av([3])], { axis: 0, indexDtype: 'float32' })).toThrow(DTypeError)
    expect(() => abstractEval('argmax', [av([3])], { axis: 1, indexDtype: 'int32' })).toThrow(InvalidArgumentError)
    expect(() => abstractEval('argmax', [av([2, 0])], { axis: 1, indexDtype: 'int32' })).toThrow(ShapeError)
  })
  it('has no gradient', () => {
    const x = f64([1, 2], [2])
    expect(VJP_RULES.argmax({ cotangents: [null], inputs: [x], outputs: [x], params: { axis: 0, indexDtype: 'int32' } })).toEqual([null])
  })
})

// ---- cumulative scans ---------------------------------------------------------------------------

describe('cumsum / cumprod / cummax / cummin', () => {
  const shape = [3, 4]
  const v = range(12).map((i) => Math.round(Math.sin(i * 1.7) * 40) / 10)
  const ops = [
    ['cumsum', (a: number, b: number) => a + b],
    ['cumprod', (a: number, b: number) => a * b],
    ['cummax', Math.max],
    ['cummin', Math.min],
  ] as const
  it('match independent loops, forward and reverse, on every axis', () => {
    const x = f64(v, shape)
    for (const [name, f] of ops) {
      for (const axis of [0, 1]) {
        for (const reverse of [false, true]) {
          const got = read(lax.cumulative(name, x, axis, reverse))
          scanLoop(v, shape, axis, reverse, f).forEach((e, i) => expect(got[i]).toBeCloseTo(e, 12))
        }
      }
    }
  })
  it('handles integers and NaN', () => {
    expect(read(lax.cumulative('cumsum', tensor([1, 2, 3], { dtype: 'int32' }), 0))).toEqual([1, 3, 6])
    expect(read(lax.cumulative('cummax', tensor([1, 3, 2], { dtype: 'int32' }), 0, true))).toEqual([3, 3, 2])
    const m = read(lax.cumulative('cummax', f64([1, NaN, 3], [3]), 0))
    expect(m[0]).toBe(1)
    expect(m[1]).toBeNaN()
    expect(m[2]).toBeNaN()
  })
  it('infer shapes and throw typed errors', () => {
    expect(abstractEval('cumsum', [av([null, 3])], { axis: 1, reverse: false })[0]!.shape).toEqual([null, 3])
    expect(() => abstractEval('cumsum', [av([3])], { axis: 1, reverse: false })).toThrow(InvalidArgumentError)
    expect(() => abstractEval('cumprod', [av([])], { axis: 0, reverse: false })).toThrow(InvalidArgumentError)
  })
  it('have VJPs matching finite differences', () => {
    const s = [3, 4]
    const distinct = range(12).map((i) => Math.sin(i * 2.1) * 2 + i * 0.01)
    for (const axis of [0, 1]) {
      for (const reverse of [false, true]) {
        checkGrad((x) => lax.cumulative('cumsum', x, axis, reverse), [{ v: distinct, s }])
        checkGrad((x) => lax.cumulative('cumprod', x, axis, reverse), [{ v: distinct, s }])
        checkGrad((x) => lax.cumulative('cummax', x, axis, reverse), [{ v: distinct, s }])
        checkGrad((x) => lax.cumulative('cummin', x, axis, reverse), [{ v: distinct, s }])
      }
    }
  })
  it('differentiate cumprod exactly through zeros', () => {
    const gp = (vals: number[], reverse = false): number[] =>
      read(grad((x: Tensor) => lax.reduceSum(lax.cumulative('cumprod', x, 0, reverse), [0]))(f64(vals, [vals.length])) as Tensor)
    // d/dx_i Σ_k prod_{j<=k} x_j, by hand: x = [2, 0, 3, 0, 5] → [1, 2 + 2·3, 0, 0, 0]
    expect(gp([2, 0, 3, 0, 5])).toEqual([1, 8, 0, 0, 0])
    expect(gp([0, 2, 3])).toEqual([1 + 2 + 6, 0, 0])
    expect(gp([2, 3, 0], true)).toEqual([0, 0, 1 + 3 + 6])
    const vals = [1.5, 0, -2, 0.5, 0, 3, 2, -1]
    checkGrad((x) => lax.cumulative('cumprod', x, 1), [{ v: vals, s: [2, 4] }])
    checkGrad((x) => lax.cumulative('cumprod', x, 1, true), [{ v: vals, s: [2, 4] }])
  })
  it.skipIf(!passThroughVjpWorks)('differentiate cumprod to second order (needs pass-through VJPs in core)', () => {
    const vals = [1.5, 0, -2, 0.5, 0, 3, 2, -1]
    checkGrad(gradOf((x) => lax.cumulative('cumprod', x, 1)), [{ v: vals, s: [2, 4] }])
    checkGrad(gradOf((x) => lax.cumulative('cumprod', x, 0, true)), [{ v: vals, s: [4, 2] }])
  })
  it('send the cummax/cummin gradient to the position that set the running extreme', () => {
    const g = read(grad((x: Tensor) => lax.reduceSum(lax.cumulative('cummax', x, 0), [0]))(f64([1, 3, 3, 2, 5], [5])) as Tensor)
    expect(g).toEqual([1, 3, 0, 0, 1])
    const r = read(grad((x: Tensor) => lax.reduceSum(lax.cumulative('cummin', x, 0, true), [0]))(f64([4, 1, 2, 0], [4])) as Tensor)
    expect(r).toEqual([0, 0, 0, 4])
  })
})

// ---- golden data from jax.lax (tools/golden/core_movement.py) ------------------------------------

describe('golden values and VJPs from jax.lax', () => runGolden(['reduce_sum', 'reduce_max', 'reduce_min', 'reduce_prod', 'argmax', 'argmin', 'cumsum', 'cumprod', 'cummax', 'cummin']))

describe('32-bit integer products wrap exactly (checked with BigInt modular arithmetic)', () => {
  const wrap = (v: bigint, unsigned: boolean): number => Number(unsigned ? BigInt.asUintN(32, v) : BigInt.asIntN(32, v))
  const xs = [123456789, -987654321, 2147483647, -2147483648, 65537, 46341]
  const ys = [123456789, 3, 2147483647, -1, 65537, 46341]
  it('mul and pow on int32/uint32', async () => {
    for (const dtype of ['int32', 'uint32'] as const) {
      const u = dtype === 'uint32'
      const a = xs.map((v) => (u ? v >>> 0 : v)), b = ys.map((v) => (u ? v >>> 0 : v))
      const got = await lax.mul(tensor(a, { dtype }), tensor(b, { dtype })).data()
      expect([...got]).toEqual(a.map((v, i) => wrap(BigInt(v) * BigInt(b[i]!), u)))
      const p = await lax.pow(tensor(a, { dtype }), tensor(a.map(() => 3), { dtype })).data()
      expect([...p]).toEqual(a.map((v) => wrap(BigInt(v) ** 3n, u)))
    }
  })
  it('reduce_prod and cumprod on int32', async () => {
    const got = await lax.reduce('reduce_prod', tensor(xs, { dtype: 'int32' }), [0]).data()
    expect(got[0]).toBe(wrap(xs.reduce((acc, v) => acc * BigInt(v), 1n), false))
    const cum = await lax.cumulative('cumprod', tensor(xs, { dtype: 'int32' }), 0, false).data()
    let acc = 1n
    expect([...cum]).toEqual(xs.map((v) => { acc *= BigInt(v); return wrap(acc, false) }))
  })
})
