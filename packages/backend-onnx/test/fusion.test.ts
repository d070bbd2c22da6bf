/** @file Whole-program fusions (`lower/fuse.ts`): kx's relu → ONNX Relu, the softmax decomposition → Softmax. */
import { describe, expect, it } from 'vitest'
import { full, grad, jit, lax, tensor, trace, type Tensor } from '@kx/core'
import { relu, softmax } from '@kx/ops-nn'
import { createOnnxBackend, lowerProgram, programOf } from '../src/index.js'

/** The ONNX operator types of a traced function, lowered as the backend lowers it. */
function opTypes(f: (x: Tensor) => Tensor, shape: number[], exactNaN = false): string[] {
  const g = trace(f as never, [{ shape, dtype: 'float32' }])
  return lowerProgram(programOf(g, (t) => t.dataSync()), { opset: 18, exactNaN }).model.graph.nodes.map((n) => n.opType)
}

/** Softmax along the last axis in float64 (the reference). */
function softmaxRows(v: readonly number[], cols: number): number[] {
  const out: number[] = []
  for (let r = 0; r < v.length / cols; r++) {
    const row = v.slice(r * cols, (r + 1) * cols)
    const m = Math.max(...row)
    const e = row.map((x) => Math.exp(x - m))
    const s = e.reduce((a, b) => a + b, 0)
    out.push(...e.map((x) => x / s))
  }
  return out
}

describe('fusions', () => {
  it('lowers relu (select of x > 0) to Relu, and keeps Greater + Where with exactNaN', () => {
    expect(opTypes((x) => relu(x), [2, 3])).toEqual(['Relu'])
    const exact = opTypes((x) => relu(x), [2, 3], true)
    expect(exact).toContain('Where')
    expect(exact).not.toContain('Relu')
    // Not the pattern: the selected value is not the compared one.
    expect(opTypes((x) => lax.select(lax.gt(x, full(x.shape, 0, 'float32')), lax.exp(x), full(x.shape, 0, 'float32')), [3])).not.toContain('Relu')
  })

  it('lowers the softmax decomposition to Softmax on its axis', () => {
    const ops = opTypes((x) => softmax(x), [4, 5])
    expect(ops).toEqual(['Softmax'])
    const mid = opTypes((x) => softmax(x, { axis: 1 }), [2, 3, 4])
    expect(mid).toContain('Softmax')
    expect(opTypes((x) => softmax(x, { axis: 1 }), [2, 3, 4], true)).not.toContain('Softmax')
    // A backward pass reads the exponentials: no Softmax computed beside them.
    expect(opTypes((x) => grad((t: Tensor) => lax.reduceSum(lax.mul(softmax(t), t), [0, 1]))(x) as Tensor, [2, 3])).not.toContain('Softmax')
  })

  it('fused relu and softmax match float64 references; relu keeps NaN like JAX', async () => {
    const b = createOnnxBackend()
    const v = [-2, -0.5, 0, 0.25, 3, 40, -40, 1e-3, 7, -7, 2, 0.5]
    const x = tensor(v, { shape: [3, 4], dtype: 'float32', backend: b })
    const f = jit((t: Tensor) => softmax(relu(t)))
    const got = Array.from(await f(x).data())
    const want = softmaxRows(v.map((e) => Math.max(Math.fround(e), 0)), 4)
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 6))
    expect(b.stats().compiled.sessions).toBe(1)
    const r = jit((t: Tensor) => relu(t))
    const nan = tensor([Number.NaN, -1, 2], { dtype: 'float32', backend: b })
    expect(Array.from(await r(nan).data())).toEqual([Number.NaN, 0, 2])
    const exact = createOnnxBackend({ exactNaN: true })
    const nanExact = tensor([Number.NaN, -1, 2], { dtype: 'float32', backend: exact })
    expect(Array.from(await jit((t: Tensor) => relu(t))(nanExact).data())).toEqual([0, 0, 2])
  })
})
