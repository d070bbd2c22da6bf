import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, NotImplementedError, Tensor, Variable, full, grad, lax, memory, tensor } from '../src/index.js'
import { associativeScan, cond, foriLoop, map, scan, switchCase, vectorizedMap, whileLoop } from '../src/control.js'
import { trace } from '../src/trace/trace.js'
import { evaluateGraph } from '../src/trace/evaluate.js'
import { printGraph } from '../src/trace/print.js'
import { eliminateDeadCode } from '../src/trace/passes.js'
import { jit } from '../src/jit.js'
import { t64, read, sumAll, fd, expectClose } from './helpers.js'

const f64 = (shape: (number | null)[]) => ({ shape, dtype: 'float64' as const })
const f32 = (shape: (number | null)[]) => ({ shape, dtype: 'float32' as const })
const i32 = (shape: number[]) => ({ shape, dtype: 'int32' as const })
const scalar = (v: number, like: Tensor) => full([], v, like.dtype)
const prims = (g: { equations: readonly { prim: string }[] }) => g.equations.map((e) => e.prim)

describe('cond / switch', () => {
  const f = (x: Tensor) => cond(lax.gt(sumAll(x), scalar(0, x)), () => lax.exp(x), () => lax.neg(lax.sin(x)))

  it('eager runs one branch; traced emits one cond primitive with both branches', () => {
    const g = trace(f, [f32([3])])
    expect(prims(g)).toContain('cond')
    expect(printGraph(g)).toContain('cond[branches=[{ lambda ; a:f32[3]. let')
    for (const xs of [[0.5, 1, -0.25], [-1, -2, 0.5]]) {
      const x = tensor(xs, { dtype: 'float32' })
      expect(read(evaluateGraph(g, [x])[0])).toEqual(read(f(x)))
    }
  })

  it('switchCase clamps the index and passes operands; branches may capture tensors', () => {
    const k = tensor([10, 20], { dtype: 'float32' })
    const branches = [(a: Tensor) => lax.add(a, k), (a: Tensor) => lax.mul(a, a), (a: Tensor) => lax.sub(a, k)]
    const x = tensor([1, 2], { dtype: 'float32' })
    const g = trace((i: Tensor, a: Tensor) => switchCase(i, branches, a), [i32([]), f32([2])])
    for (const i of [-3, 0, 1, 2, 9]) {
      const idx = tensor(i, { dtype: 'int32' })
      expect(read(evaluateGraph(g, [idx, x])[0])).toEqual(read(switchCase(idx, branches, x)))
    }
    expect(read(switchCase(7, branches, x))).toEqual([-9, -18])
  })

  it('branches must agree in structure and avals', () => {
    expect(() => trace((x: Tensor) => cond<unknown>(lax.gt(sumAll(x), scalar(0, x)), () => [x], () => x), [f32([2])])).toThrow(InvalidArgumentError)
    expect(() => trace((x: Tensor) => cond(lax.gt(sumAll(x), scalar(0, x)), () => x, () => lax.convertElementType(x, 'float64')), [f32([2])])).toThrow(/cond/)
  })

  it('gradients through cond match finite differences (traced VJP rule and eager evaluation)', () => {
    const h = (x: Tensor) => sumAll(cond(lax.gt(sumAll(x), scalar(0, x)), () => lax.mul(lax.exp(x), x), () => lax.sin(lax.mul(x, x))))
    const gGraph = trace((x: Tensor) => grad(h)(x) as Tensor, [f64([3])])
    expect(prims(gGraph)).toContain('cond') // the forward cond is dead: the VJP branches recompute it
    const fwd = trace(h, [f64([3])])
    for (const xs of [[0.3, -0.2, 0.5], [-0.7, 0.1, -0.4]]) {
      const x = t64(xs)
      const expected = fd(h, x)
      expectClose(read(evaluateGraph(gGraph, [x])[0]), expected)
      // the tape records `cond` as one node when the graph interpreter runs it eagerly
      expectClose(read(grad((y: Tensor) => evaluateGraph(fwd, [y])[0]!)(x)), expected)
    }
  })
})

describe('whileLoop / foriLoop', () => {
  const body = (i: Tensor, x: Tensor): [Tensor, Tensor] => [lax.add(i, full([], 1, 'int32')), lax.add(lax.mul(x, full([2], 2, 'float32')), full([2], 1, 'float32'))]
  const loop = (n: Tensor, x: Tensor, max?: number) => whileLoop((i: Tensor) => lax.lt(i, n), body, [tensor(0, { dtype: 'int32' }), x], max === undefined ? {} : { maximumIterations: max })

  it('eager == traced+evaluated, with and without maximumIterations', () => {
    const x = tensor([1, -0.5], { dtype: 'float32' })
    for (const max of [undefined, 3]) {
      const g = trace((n: Tensor, x0: Tensor) => loop(n, x0, max), [i32([]), f32([2])])
      expect(prims(g)).toContain('while')
      for (const n of [0, 2, 5]) {
        const nt = tensor(n, { dtype: 'int32' })
        const [ie, xe] = loop(nt, x, max)
        const [it_, xt] = evaluateGraph(g, [nt, x])
        expect(read(it_)).toEqual(read(ie))
        expect(read(xt)).toEqual(read(xe))
      }
    }
    expect(read(whileLoop((v: Tensor) => lax.lt(v, full([], 10, 'float32')), (v: Tensor) => lax.mul(v, full([], 3, 'float32')), tensor(1, { dtype: 'float32' })))).toEqual([27])
  })

  it('while is not reverse-differentiable; foriLoop with static bounds is (lowered to scan)', () => {
    const w = (x: Tensor) => sumAll(loop(tensor(3, { dtype: 'int32' }), x)[1])
    expect(() => trace((x: Tensor) => grad(w)(x) as Tensor, [f32([2])])).toThrow(NotImplementedError)
    const fl = (x: Tensor) => sumAll(foriLoop(0, 4, (_i, v: Tensor) => lax.sin(lax.mul(v, lax.add(v, full([2], 1, 'float64')))), x))
    const g = trace(fl, [f64([2])])
    expect(prims(g)).toContain('scan')
    const gg = trace((x: Tensor) => grad(fl)(x) as Tensor, [f64([2])])
    const x = t64([0.3, -0.6])
    expect(read(evaluateGraph(g, [x])[0])).toEqual(read(fl(x)))
    expectClose(read(evaluateGraph(gg, [x])[0]), fd(fl, x))
    expectClose(read(grad(fl)(x)), fd(fl, x))
  })

  it('foriLoop passes i and uses while for tensor bounds', () => {
    const f = (hi: Tensor, x: Tensor) => foriLoop(1, hi, (i, v: Tensor) => lax.add(v, lax.convertElementType(i, 'float32')), x)
    const g = trace(f, [i32([]), f32([])])
    expect(prims(g)).toContain('while')
    const hi = tensor(5, { dtype: 'int32' })
    const x = tensor(0.5, { dtype: 'float32' })
    expect(read(evaluateGraph(g, [hi, x])[0])).toEqual([10.5])
    expect(read(f(hi, x))).toEqual([10.5])
  })
})

describe('scan / map', () => {
  const step = (c: { s: Tensor; n: Tensor }, x: Tensor): [{ s: Tensor; n: Tensor }, Tensor] => {
    const s = lax.add(lax.mul(c.s, x), lax.sin(c.s))
    return [{ s, n: lax.add(c.n, full([], 1, 'int32')) }, lax.mul(s, s)]
  }

  it('eager == traced+evaluated, forward and reverse, nested carry', () => {
    const xs = tensor([0.5, -1, 2, 0.25, 1.5, -0.5], { dtype: 'float32', shape: [3, 2] })
    const init = { s: tensor([0.1, 0.2], { dtype: 'float32' }), n: tensor(0, { dtype: 'int32' }) }
    for (const reverse of [false, true]) {
      const run = (s: Tensor, n: Tensor, x: Tensor) => scan(step, { s, n }, x, { reverse })
      const g = trace(run, [f32([2]), i32([]), f32([3, 2])])
      expect(prims(g)).toEqual(['scan'])
      const [ce, ye] = run(init.s, init.n, xs)
      const [n, s, y] = evaluateGraph(g, [init.s, init.n, xs]) // carry leaves in sorted-key order
      expect(read(s)).toEqual(read(ce.s))
      expect(read(n)).toEqual([3])
      expect(read(y)).toEqual(read(ye))
      expect(y!.shape).toEqual([3, 2])
    }
  })

  it('xs = null with length, ys = null, zero length, and captured variables', () => {
    const v = new Variable({ initializer: tensor([2], { dtype: 'float32' }), name: 'k' })
    const counter = (c: Tensor) => scan((a: Tensor) => [lax.mul(a, v.value), null], c, null, { length: 3 })
    const g = trace(counter, [f32([1])])
    expect(g.variableReads.map((r) => r.variable.path)).toEqual(['k'])
    const c0 = tensor([1.5], { dtype: 'float32' })
    expect(read(evaluateGraph(g, [c0])[0])).toEqual([12])
    expect(read(counter(c0)[0])).toEqual([12])
    expect(counter(c0)[1]).toBe(null)
    const [c, ys] = scan((a: Tensor, x: Tensor) => [lax.add(a, x), x], c0, tensor([], { dtype: 'float32', shape: [0, 1] }))
    expect(read(c)).toEqual([1.5])
    expect((ys as Tensor).shape).toEqual([0, 1])
    expect(() => trace((a: Tensor) => scan((c1: Tensor) => { v.assign(c1); return [c1, null] }, a, null, { length: 2 }), [f32([1])])).toThrow(InvalidArgumentError)
  })

  it('map and vectorizedMap stack per-slice results', () => {
    const xs = tensor([1, 2, 3, 4, 5, 6], { dtype: 'float32', shape: [3, 2] })
    const f = (x: Tensor) => ({ a: lax.exp(x), b: lax.reduceSum(x, [0]) })
    const r = map(f, xs) as { a: Tensor; b: Tensor }
    expect(r.a.shape).toEqual([3, 2])
    expect(read(r.b)).toEqual([3, 7, 11])
    const g = trace((x: Tensor) => vectorizedMap(f, x), [f32([3, 2])])
    const [a, b] = evaluateGraph(g, [xs])
    expect(read(a)).toEqual(read(r.a))
    expect(read(b)).toEqual([3, 7, 11])
  })

  it('gradients through scan (init, xs and a captured weight) match finite differences', () => {
    const w = t64([0.7, -0.3])
    const loss = (init: Tensor, xs: Tensor) => {
      const [c, ys] = scan((a: Tensor, x: Tensor) => {
        const nxt = lax.tanh(lax.add(lax.mul(a, w), lax.mul(x, a)))
        return [nxt, lax.mul(nxt, x)]
      }, init, xs)
      return lax.add(sumAll(c), sumAll(ys as Tensor))
    }
    const init = t64([0.2, -0.4])
    const xs = t64([0.5, -1, 0.3, 0.25, 1.5, -0.5, 0.1, 0.9], [4, 2])
    const gInit = fd((i) => loss(i, xs), init)
    const gXs = fd((x) => loss(init, x), xs)
    // traced gradient: the scan VJP builds a reverse scan
    const gg = trace((i: Tensor, x: Tensor) => grad(loss, { argnums: [0, 1] })(i, x) as Tensor[], [f64([2]), f64([4, 2])])
    expect(prims(gg).filter((p) => p === 'scan').length).toBe(2) // residual forward + reverse scan
    const [di, dx] = evaluateGraph(gg, [init, xs])
    expectClose(read(di), gInit)
    expectClose(read(dx), gXs)
    // eager gradient through the interpreter (scan recorded as one tape node)
    const fwd = trace(loss, [f64([2]), f64([4, 2])])
    const [ei, ex] = grad((i: Tensor, x: Tensor) => evaluateGraph(fwd, [i, x])[0]!, { argnums: [0, 1] })(init, xs) as Tensor[]
    expectClose(read(ei), gInit)
    expectClose(read(ex), gXs)
    // eager Python-style scan, taped step by step
    expectClose(read((grad(loss, { argnums: [0, 1] })(init, xs) as Tensor[])[1]), gXs)
    // dead-code elimination prunes the reverse scan when only d/dinit is wanted
    const gi = trace((i: Tensor, x: Tensor) => grad(loss)(i, x) as Tensor, [f64([2]), f64([4, 2])])
    const pruned = eliminateDeadCode(gi)
    const outsOf = (g: typeof gi) => g.equations.filter((e) => e.prim === 'scan').map((e) => e.outputs.length)
    expect(outsOf(gi)).toEqual([3, 3]) // residual forward; reverse (acc of w, d init, d xs)
    expect(outsOf(pruned)).toEqual([2, 1])
    expectClose(read(evaluateGraph(pruned, [init, xs])[0]), gInit)
    expect(read(evaluateGraph(pruned, [init, xs])[0])).toEqual(read(evaluateGraph(gi, [init, xs])[0]))
    // and with respect to the captured weight
    const lw = (wt: Tensor) => sumAll(scan((a: Tensor, x: Tensor) => [lax.tanh(lax.add(lax.mul(a, wt), x)), null], init, xs)[0])
    const gw = trace((wt: Tensor) => grad(lw)(wt) as Tensor, [f64([2])])
    expectClose(read(evaluateGraph(gw, [w])[0]), fd(lw, w))
  })

  it('second-order gradient through scan', () => {
    const f = (x: Tensor) => sumAll(scan((a: Tensor, xi: Tensor) => [lax.mul(lax.sin(a), xi), null], x, t64([0.5, 1.5, -0.7], [3, 1]))[0])
    const df = (x: Tensor) => sumAll(grad(f)(x) as Tensor)
    const g2 = trace((x: Tensor) => grad(df)(x) as Tensor, [f64([1])])
    const x = t64([0.4])
    expectClose(read(evaluateGraph(g2, [x])[0]), fd(df, x), 1e-5)
  })

  it('eager scan keeps the tensor count flat', () => {
    const xs = tensor(Array.from({ length: 20 }, (_, i) => i), { dtype: 'float32', shape: [10, 2] })
    const c0 = tensor([0, 0], { dtype: 'float32' })
    const before = memory().numTensors
    const [c, ys] = scan((a: Tensor, x: Tensor) => [lax.add(a, x), lax.mul(x, x)], c0, xs)
    expect(memory().numTensors).toBe(before + 2)
    expect(read(c)).toEqual([90, 100])
    c.dispose(); (ys as Tensor).dispose()
    const step = jit((a: Tensor, x: Tensor) => scan((cc: Tensor, xi: Tensor) => [lax.add(cc, xi), lax.mul(xi, xi)], a, x))
    step(c0, xs)
    const mid = memory().numTensors
    const [c2, y2] = step(c0, xs) as [Tensor, Tensor]
    expect(memory().numTensors).toBe(mid + 2)
    expect(read(c2)).toEqual([90, 100])
    expect(read(y2)).toEqual(read(lax.mul(xs, xs)))
  })
})

describe('associativeScan', () => {
  const seq = (xs: number[][], axisLen: number, f: (a: number, b: number) => number, reverse = false) => {
    // xs as [n][m] rows along axis 0
    const out = xs.map((r) => r.slice())
    const order = Array.from({ length: axisLen }, (_, i) => (reverse ? axisLen - 1 - i : i))
    for (let k = 1; k < order.length; k++) out[order[k]!] = out[order[k]!]!.map((v, j) => f(out[order[k - 1]!]![j]!, v))
    return out.flat()
  }
  it('matches a sequential scan for every length, both directions, eager and traced', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 13]) {
      const rows = Array.from({ length: n }, (_, i) => [i + 1, (i % 3) - 1])
      const x = tensor(rows, { dtype: 'float64' })
      for (const reverse of [false, true]) {
        const expected = seq(rows, n, (a, b) => a + b, reverse)
        expect(read(associativeScan(lax.add, x, { reverse }))).toEqual(expected)
        const g = trace((t: Tensor) => associativeScan(lax.add, t, { reverse }), [f64([n, 2])])
        expect(read(evaluateGraph(g, [x])[0])).toEqual(expected)
      }
    }
  })
  it('works on an inner axis and on nested pairs (non-commutative affine composition)', () => {
    const x = tensor([[1, 2, 3, 4], [5, 6, 7, 8]], { dtype: 'float64' })
    expect(read(associativeScan(lax.max, x, { axis: 1 }))).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(read(associativeScan(lax.mul, x, { axis: -1 }))).toEqual([1, 2, 6, 24, 5, 30, 210, 1680])
    // compose affine maps v -> a v + b: (a1,b1) then (a2,b2) = (a2 a1, a2 b1 + b2)
    const a = t64([2, 0.5, 3, -1, 1.5])
    const b = t64([1, -2, 0.5, 4, 2])
    const comp = (p: [Tensor, Tensor], q: [Tensor, Tensor]): [Tensor, Tensor] => [lax.mul(q[0], p[0]), lax.add(lax.mul(q[0], p[1]), q[1])]
    const [, bs] = associativeScan(comp, [a, b] as [Tensor, Tensor])
    let acc = 0
    const expected = read(a).map((ai, i) => (acc = ai * acc + read(b)[i]!))
    expectClose(read(bs), expected, 1e-12)
  })
})
