import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, KerasTensor, ShapeError, Tensor, Variable, full, lax, memory, tensor, valueAndGrad } from '../src/index.js'
import { disposeGraph, isTracing, trace } from '../src/trace/trace.js'
import { printGraph } from '../src/trace/print.js'
import { graphHash } from '../src/trace/hash.js'
import { eliminateCommonSubexpressions, eliminateDeadCode } from '../src/trace/passes.js'
import { evaluateGraph } from '../src/trace/evaluate.js'
import { jit } from '../src/jit.js'

const f32 = (shape: (number | null)[]) => ({ shape, dtype: 'float32' as const })
const bits = (t: Tensor): number[] => Array.from(t.dataSync())

describe('trace', () => {
  it('prints a jaxpr-like graph with unknown dims, params and constants', () => {
    const c = tensor([1, 2, 3], { dtype: 'float32' })
    const g = trace((x: Tensor, w: Tensor) => {
      const y = lax.dotGeneral(x, w, [[1], [0]])
      return lax.exp(lax.dotGeneral(y, c, [[1], [0]]))
    }, [f32([null, 3]), f32([3, 3])])
    expect(printGraph(g)).toBe([
      '{ lambda c0:f32[3]; a:f32[?,3] b:f32[3,3]. let',
      '    c:f32[?,3] = dot_general[contracting=[[1],[0]] batch=[[],[]]] a b',
      '    d:f32[?] = dot_general[contracting=[[1],[0]] batch=[[],[]]] c c0',
      '    e:f32[?] = exp d',
      '  in (e) }',
    ].join('\n'))
    expect(g.constants[0]!.value).toBe(c)
    disposeGraph(g)
    expect(c.isDisposed).toBe(false)
  })

  it('numbers vars deterministically and nests structures', () => {
    const g = trace((a: { x: Tensor; y: Tensor }, [b]: Tensor[]) => ({ s: lax.add(a.x, b!), p: [lax.mul(a.y, b!)] }),
      [{ x: f32([2]), y: f32([2]) }, [f32([2])]])
    expect(g.inputs.map((v) => v.id)).toEqual([0, 1, 2])
    expect(g.equations.flatMap((e) => e.outputs.map((v) => v.id))).toEqual([3, 4])
    expect(printGraph(g)).toBe('{ lambda ; a:f32[2] b:f32[2] c:f32[2]. let\n    d:f32[2] = add a c\n    e:f32[2] = mul b c\n  in (e, d) }')
    const [p, s] = evaluateGraph(g, [tensor([1, 2], { dtype: 'float32' }), tensor([3, 4], { dtype: 'float32' }), tensor([10, 20], { dtype: 'float32' })])
    expect(bits(s!)).toEqual([11, 22])
    expect(bits(p!)).toEqual([30, 80])
  })

  it('turns variable reads into inputs and assignments into writes', () => {
    const v = new Variable({ initializer: tensor([1, 2, 3], { dtype: 'float32' }), name: 'w' })
    const g = trace((x: Tensor) => {
      v.assign(lax.add(v.value, x))
      return lax.mul(v.value, x) // reads the written value
    }, [f32([3])])
    expect(printGraph(g)).toBe('{ lambda v0:f32[3](w); a:f32[3]. let\n    b:f32[3] = add v0 a\n    c:f32[3] = mul b a\n  in (c)\n  writes { w := b } }')
    expect(bits(v.value)).toEqual([1, 2, 3]) // tracing does not run the write
    const [out] = evaluateGraph(g, [tensor([1, 1, 2], { dtype: 'float32' })])
    expect(bits(out!)).toEqual([2, 3, 10])
    expect(bits(v.value)).toEqual([2, 3, 5])
    const [again] = evaluateGraph(g, [tensor([1, 1, 1], { dtype: 'float32' })])
    expect(bits(again!)).toEqual([3, 4, 6])
    expect(isTracing()).toBe(false)
  })

  it('hashes structurally and stably', () => {
    const k = tensor([0.5, 0.25], { dtype: 'float32' })
    const fn = (x: Tensor) => lax.tanh(lax.mul(x, k))
    const h1 = graphHash(trace(fn, [f32([2])]))
    const h2 = graphHash(trace(fn, [f32([2])]))
    expect(h1).toMatch(/^[0-9a-f]{16}$/)
    expect(h2).toBe(h1)
    expect(graphHash(trace((x: Tensor) => lax.tanh(lax.mul(x, tensor([0.5, 0.25], { dtype: 'float32' }))), [f32([2])]))).toBe(h1)
    expect(graphHash(trace((x: Tensor) => lax.tanh(lax.mul(x, tensor([0.5, 0.5], { dtype: 'float32' }))), [f32([2])]))).not.toBe(h1)
    expect(graphHash(trace(fn, [f32([null])]))).not.toBe(h1)
    expect(graphHash(trace((x: Tensor) => lax.sin(lax.mul(x, k)), [f32([2])]))).not.toBe(h1)
    expect(graphHash(trace((x: Tensor) => lax.reduceSum(x, [0]), [f32([4, 2])]))).not.toBe(graphHash(trace((x: Tensor) => lax.reduceSum(x, [1]), [f32([4, 2])])))
  })

  it('eliminates dead code and common subexpressions without changing results', () => {
    const g = trace((x: Tensor) => {
      const a = lax.exp(x)
      const b = lax.exp(x)
      return [lax.add(a, b), lax.sin(x)]
    }, [f32([3])])
    expect(g.equations.map((e) => e.prim)).toEqual(['exp', 'exp', 'add', 'sin'])
    const cse = eliminateCommonSubexpressions(g)
    expect(cse.equations.map((e) => e.prim)).toEqual(['exp', 'add', 'sin'])
    const dropped = eliminateDeadCode({ ...cse, outputs: [cse.outputs[0]!] })
    expect(dropped.equations.map((e) => e.prim)).toEqual(['exp', 'add'])
    const x = tensor([0.1, 0.2, 0.3], { dtype: 'float32' })
    expect(bits(evaluateGraph(dropped, [x])[0]!)).toEqual(bits(lax.add(lax.exp(x), lax.exp(x))))
    expect(graphHash(cse)).not.toBe(graphHash(g))
  })

  it('evaluates with unknown dims and frees every intermediate', () => {
    const g = trace((x: Tensor) => lax.logistic(lax.mul(lax.exp(x), lax.sin(x))), [f32([null])])
    for (const n of [2, 5]) {
      const x = tensor(Array.from({ length: n }, (_, i) => i / 7), { dtype: 'float32' })
      const before = memory().numTensors
      const [y] = evaluateGraph(g, [x])
      expect(memory().numTensors).toBe(before + 1)
      expect(bits(y!)).toEqual(bits(lax.logistic(lax.mul(lax.exp(x), lax.sin(x)))))
    }
  })

  it('refuses foreign symbolic tensors and wrong inputs', () => {
    const foreign = new KerasTensor([3], 'float32')
    expect(() => trace((x: Tensor) => lax.add(x, foreign), [f32([3])])).toThrow(InvalidArgumentError)
    const g = trace((x: Tensor) => lax.neg(x), [f32([3])])
    expect(() => evaluateGraph(g, [tensor([1, 2], { dtype: 'float32' })])).toThrow(ShapeError)
    expect(() => evaluateGraph(g, [])).toThrow(InvalidArgumentError)
  })

  it('outputs never alias inputs, constants or variables', () => {
    const c = tensor([7], { dtype: 'float32' })
    const v = new Variable({ initializer: tensor([1], { dtype: 'float32' }) })
    const g = trace((x: Tensor) => [x, c, v.value], [f32([1])])
    const x = tensor([3], { dtype: 'float32' })
    const outs = evaluateGraph(g, [x])
    expect(outs[0]).not.toBe(x)
    expect(outs[1]).not.toBe(c)
    expect(outs[2]).not.toBe(v.value)
    for (const o of outs) o.dispose()
    expect(bits(x)).toEqual([3])
    expect(bits(c)).toEqual([7])
    expect(bits(v.value)).toEqual([1])
  })
})

// An MLP train step written with lax: forward, MSE loss, backward, SGD update of Variables.
function makeMlp(seed: number) {
  let s = seed
  const rnd = (n: number) => Array.from({ length: n }, () => { s = (s * 16807) % 2147483647; return (s / 2147483647 - 0.5) })
  const mk = (shape: number[], name: string) => new Variable({ initializer: tensor(rnd(shape.reduce((a, b) => a * b, 1)), { shape, dtype: 'float32' }), name })
  return { w1: mk([4, 8], 'w1'), b1: mk([8], 'b1'), w2: mk([8, 1], 'w2'), b2: mk([1], 'b2') }
}
type Mlp = ReturnType<typeof makeMlp>
const B = 5

function loss(p: { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor }, x: Tensor, y: Tensor): Tensor {
  const h0 = lax.add(lax.dotGeneral(x, p.w1, [[1], [0]]), lax.broadcastInDim(p.b1, [B, 8], [1]))
  const h = lax.max(h0, full([B, 8], 0, 'float32'))
  const out = lax.add(lax.dotGeneral(h, p.w2, [[1], [0]]), lax.broadcastInDim(p.b2, [B, 1], [1]))
  const d = lax.sub(out, y)
  return lax.div(lax.reduceSum(lax.mul(d, d), [0, 1]), full([], B, 'float32'))
}

function makeStep(m: Mlp) {
  const vars = [m.w1, m.b1, m.w2, m.b2]
  return (x: Tensor, y: Tensor): Tensor => {
    const [value, grads] = valueAndGrad((ps: Variable[]) => loss({ w1: ps[0]!.value, b1: ps[1]!.value, w2: ps[2]!.value, b2: ps[3]!.value }, x, y))(vars) as [Tensor, Tensor[]]
    const lr = full([], 0.1, 'float32')
    vars.forEach((v, i) => v.assign(lax.sub(v.value, lax.mul(lax.broadcastInDim(lr, v.shape, []), grads[i]!))))
    return value
  }
}

describe('traced MLP train step', () => {
  const x = tensor(Array.from({ length: B * 4 }, (_, i) => Math.sin(i)), { shape: [B, 4], dtype: 'float32' })
  const y = tensor(Array.from({ length: B }, (_, i) => Math.cos(i)), { shape: [B, 1], dtype: 'float32' })

  it('evaluated graph == eager, bit for bit (loss and updated variables over 3 steps)', () => {
    const eager = makeMlp(7)
    const traced = makeMlp(7)
    const eagerStep = makeStep(eager)
    const g = trace(makeStep(traced), [f32([B, 4]), f32([B, 1])])
    expect(g.variableReads.map((r) => r.variable.path)).toEqual(['w1', 'b1', 'w2', 'b2'])
    expect(g.variableWrites.map((w) => w.variable.path)).toEqual(['w1', 'b1', 'w2', 'b2'])
    expect(g.equations.some((e) => e.prim === 'dot_general')).toBe(true)
    for (let k = 0; k < 3; k++) {
      const le = eagerStep(x, y)
      const [lt] = evaluateGraph(g, [x, y])
      expect(bits(lt!)).toEqual(bits(le))
      for (const key of ['w1', 'b1', 'w2', 'b2'] as const) expect(bits(traced[key].value)).toEqual(bits(eager[key].value))
    }
    const opt = eliminateDeadCode(eliminateCommonSubexpressions(g))
    const le = eagerStep(x, y)
    const [lt] = evaluateGraph(opt, [x, y])
    expect(bits(lt!)).toEqual(bits(le))
    expect(bits(traced.w1.value)).toEqual(bits(eager.w1.value))
  })

  it('jit traces once and matches eager bit for bit', () => {
    const eager = makeMlp(11)
    const jitted = makeMlp(11)
    const eagerStep = makeStep(eager)
    const step = jit(makeStep(jitted))
    const before = memory().numTensors
    for (let k = 0; k < 4; k++) {
      const le = eagerStep(x, y)
      const lt = step(x, y)
      expect(bits(lt)).toEqual(bits(le))
      le.dispose(); lt.dispose()
      if (k === 1) expect(memory().numTensors).toBeLessThanOrEqual(before + 64)
    }
    expect(step.cacheSize).toBe(1)
    expect(bits(jitted.w2.value)).toEqual(bits(eager.w2.value))
    const mid = memory().numTensors
    step(x, y).dispose()
    expect(memory().numTensors).toBe(mid) // flat per call
    step.clearCache()
  })
})
