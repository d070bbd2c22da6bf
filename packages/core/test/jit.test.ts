import { describe, expect, it } from 'vitest'
import { Tensor, Variable, createReferenceBackend, grad, lax, memory, tensor, type Backend, type BackendTensor, type Graph } from '../src/index.js'
import { compileFunction, jit } from '../src/jit.js'
import { trace } from '../src/trace/trace.js'
import { evaluateGraph } from '../src/trace/evaluate.js'
import { cond } from '../src/control.js'

const vals = (t: unknown): number[] => Array.from((t as Tensor).dataSync())
const sumAll = (x: Tensor) => lax.reduceSum(x, x.shape.map((_, i) => i))

/** A graph-compiling backend for tests: `compile` closes variable reads/writes over as plain inputs/outputs. */
function fakeGraphBackend(): Backend & { compiled: Graph[] } {
  const ref = createReferenceBackend()
  const compiled: Graph[] = []
  const self: Backend & { compiled: Graph[] } = {
    ...ref,
    name: 'fake-graph',
    capabilities: { ...ref.capabilities, compilesGraphs: true },
    compiled,
    compile(graph: Graph) {
      compiled.push(graph)
      const pure: Graph = {
        ...graph,
        inputs: [...graph.inputs, ...graph.variableReads.map((r) => r.var)],
        variableReads: [],
        variableWrites: [],
        outputs: [...graph.outputs, ...graph.variableWrites.map((w) => w.value)],
      }
      return {
        run(inputs: readonly BackendTensor[]) {
          const outs = evaluateGraph(pure, inputs as Tensor[])
          return outs.map((t) => { const id = ref.upload(t.dataSync(), t.shape, t.dtype); t.dispose(); return id })
        },
      }
    },
  }
  return self
}

describe('jit', () => {
  it('traces once per signature: shapes, dtypes, structure and static values', () => {
    let traces = 0
    const f = jit((x: Tensor, opts: { scale: number }) => { traces++; return lax.mul(x, tensor(new Array(x.shape[0]).fill(opts.scale), { dtype: x.dtype })) })
    const a = tensor([1, 2], { dtype: 'float32' })
    expect(vals(f(a, { scale: 3 }))).toEqual([3, 6])
    expect(vals(f(tensor([5, 6], { dtype: 'float32' }), { scale: 3 }))).toEqual([15, 18])
    expect(traces).toBe(1)
    expect(vals(f(a, { scale: 4 }))).toEqual([4, 8])
    expect(vals(f(tensor([1, 2, 3], { dtype: 'float32' }), { scale: 4 }))).toEqual([4, 8, 12])
    expect(vals(f(tensor([1, 2], { dtype: 'float64' }), { scale: 4 }))).toEqual([4, 8])
    expect(traces).toBe(4)
    expect(f.cacheSize).toBe(4)
    f.clearCache()
    expect(f.cacheSize).toBe(0)
    expect(compileFunction).toBe(jit)
  })

  it('keeps output structure, applies variable writes after each call, and stays flat in memory', () => {
    const count = new Variable({ initializer: tensor([0], { dtype: 'float32' }), name: 'count' })
    const total = new Variable({ initializer: tensor([0, 0], { dtype: 'float32' }), name: 'total' })
    const step = jit((x: Tensor) => {
      count.assignAdd(tensor([1], { dtype: 'float32' }))
      total.assign(lax.add(total.value, x))
      return { seen: count.value, mean: lax.div(total.value, lax.broadcastInDim(count.value, [2], [0])) }
    })
    const x = tensor([2, 4], { dtype: 'float32' })
    step(x)
    const before = memory().numTensors
    for (let k = 0; k < 3; k++) {
      const out = step(x)
      expect(vals(out.seen)).toEqual([k + 2])
      expect(vals(out.mean)).toEqual([2, 4])
      out.seen.dispose(); out.mean.dispose()
    }
    expect(memory().numTensors).toBe(before)
    expect(vals(count.value)).toEqual([4])
    expect(vals(total.value)).toEqual([8, 16])
    expect(step.graphFor(x).variableWrites.map((w) => w.variable.path)).toEqual(['count', 'total'])
  })

  it('uses backend.compile on graph backends (once per signature)', () => {
    const fake = fakeGraphBackend()
    const v = new Variable({ initializer: tensor([1, 1], { dtype: 'float32', backend: fake }), name: 'acc' })
    const f = jit((x: Tensor) => { v.assign(lax.mul(v.value, x)); return sumAll(v.value) })
    const x = tensor([2, 3], { dtype: 'float32', backend: fake })
    expect(vals(f(x))).toEqual([5])
    expect(vals(f(x))).toEqual([13])
    expect(fake.compiled.length).toBe(1)
    expect(vals(v.value)).toEqual([4, 9])
    expect(v.value.backend).toBe(fake)
  })

  it('gradients flow through jitted functions, and jit inlines inside traces', () => {
    const f = (x: Tensor) => sumAll(lax.mul(lax.sin(x), x))
    const jf = jit(f)
    const x = tensor([0.5, -1], { dtype: 'float64' })
    expect(vals(grad(jf)(x))).toEqual(vals(grad(f)(x)))
    const g = trace((y: Tensor) => lax.exp(jf(y)), [{ shape: [2], dtype: 'float64' }])
    expect(g.equations.map((e) => e.prim)).toEqual(['sin', 'mul', 'reduce_sum', 'exp'])
  })

  it('runs structured control flow', () => {
    const f = jit((x: Tensor) => cond(lax.gt(sumAll(x), tensor(0, { dtype: 'float32' })), () => lax.exp(x), () => lax.neg(x)))
    expect(vals(f(tensor([1, 2], { dtype: 'float32' })))).toEqual([Math.fround(Math.E), Math.fround(Math.exp(2))])
    expect(vals(f(tensor([-1, -2], { dtype: 'float32' })))).toEqual([1, 2])
    expect(f.cacheSize).toBe(1)
    expect(f.graphFor(tensor([0, 0], { dtype: 'float32' })).equations.map((e) => e.prim)).toContain('cond')
  })
})
