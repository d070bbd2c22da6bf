/** @file A whole training step (forward, loss, kx autodiff backward, SGD update) as one ONNX Runtime session via `jit`. */
import { describe, expect, it } from 'vitest'
import {
  Variable, createReferenceBackend, full, jit, lax, memory, scan, tensor, threefry, trace, valueAndGrad,
  type Backend, type Tensor,
} from '@kx/core'
import { createOnnxBackend } from '../src/index.js'

const IN = 8
const HIDDEN = 16
const CLASSES = 3
const BATCH = 32

/** Deterministic host data: inputs uniform in [-1, 1), labels from a fixed linear rule. */
function data(seed: number): { x: Float32Array; y: Float32Array } {
  const u = threefry.randomUniform([0, seed], BATCH * IN, 'float32')
  const x = Float32Array.from(u, (v) => 2 * v - 1)
  const y = new Float32Array(BATCH * CLASSES)
  for (let i = 0; i < BATCH; i++) {
    let s = 0
    for (let j = 0; j < IN; j++) s += x[i * IN + j]! * (j % 3 - 1)
    y[i * CLASSES + (s > 0.3 ? 0 : s < -0.3 ? 1 : 2)] = 1
  }
  return { x, y }
}

function initial(seed: number, n: number, scale: number): Float32Array {
  return Float32Array.from(threefry.randomUniform([1, seed], n, 'float32'), (v) => (2 * v - 1) * scale)
}

const sumAll = (t: Tensor): Tensor => lax.reduceSum(t, t.shape.map((_, i) => i))

/** Softmax cross-entropy of an MLP, written with lax only. */
function loss(x: Tensor, y: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor): Tensor {
  const b = x.backend
  const h0 = lax.add(lax.dotGeneral(x, w1, [[1], [0]]), lax.broadcastInDim(b1, [BATCH, HIDDEN], [1]))
  const h = lax.max(h0, full([BATCH, HIDDEN], 0, 'float32', b))
  const logits = lax.add(lax.dotGeneral(h, w2, [[1], [0]]), lax.broadcastInDim(b2, [BATCH, CLASSES], [1]))
  const m = lax.broadcastInDim(lax.reduceMax(logits, [1]), [BATCH, CLASSES], [0])
  const z = lax.sub(logits, m)
  const lse = lax.broadcastInDim(lax.log(lax.reduceSum(lax.exp(z), [1])), [BATCH, CLASSES], [0])
  const nll = lax.neg(sumAll(lax.mul(y, lax.sub(z, lse))))
  return lax.div(nll, full([], BATCH, 'float32', b))
}

function trainer(backend: Backend) {
  const mk = (v: Float32Array, shape: number[], name: string) => new Variable({ initializer: tensor(v, { shape, dtype: 'float32', backend }), name })
  const vars = [
    mk(initial(1, IN * HIDDEN, 0.5), [IN, HIDDEN], 'w1'), mk(new Float32Array(HIDDEN), [HIDDEN], 'b1'),
    mk(initial(2, HIDDEN * CLASSES, 0.5), [HIDDEN, CLASSES], 'w2'), mk(new Float32Array(CLASSES), [CLASSES], 'b2'),
  ]
  const lr = 0.5
  const stepFn = (x: Tensor, y: Tensor): Tensor => {
    const [value, grads] = valueAndGrad((w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) => loss(x, y, w1, b1, w2, b2), { argnums: [0, 1, 2, 3] })(
      vars[0]!.value, vars[1]!.value, vars[2]!.value, vars[3]!.value)
    ;(grads as Tensor[]).forEach((g, i) => {
      const v = vars[i]!
      v.assign(lax.sub(v.value, lax.mul(g, full(g.shape, lr, 'float32', x.backend))))
    })
    return value as Tensor
  }
  return { vars, step: jit(stepFn), stepFn }
}

describe('training through jit on onnx', () => {
  it('compiles the whole SGD step to one session and matches reference in float32', async () => {
    const onnx = createOnnxBackend()
    const ref = createReferenceBackend()
    const a = trainer(onnx)
    const r = trainer(ref)
    const lossesA: number[] = []
    const lossesR: number[] = []
    let before = 0
    for (let s = 0; s < 60; s++) {
      const { x, y } = data(s % 4)
      const [xa, ya] = [tensor(x, { shape: [BATCH, IN], dtype: 'float32', backend: onnx }), tensor(y, { shape: [BATCH, CLASSES], dtype: 'float32', backend: onnx })]
      const [xr, yr] = [tensor(x, { shape: [BATCH, IN], dtype: 'float32', backend: ref }), tensor(y, { shape: [BATCH, CLASSES], dtype: 'float32', backend: ref })]
      const la = a.step(xa, ya)
      const lr = r.step(xr, yr)
      lossesA.push((await la.data())[0]!)
      lossesR.push((await lr.data())[0]!)
      for (const t of [xa, ya, xr, yr, la, lr]) t.dispose()
      if (s === 1) before = memory().numTensors
    }
    expect(memory().numTensors).toBe(before)
    const stats = onnx.stats()
    expect(stats.compiled).toEqual({ sessions: 1, interpreted: 0, baked: 0 })
    expect(lossesA[59]!).toBeLessThan(lossesA[0]! * 0.5)
    lossesA.forEach((l, i) => expect(Math.abs(l - lossesR[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(lossesR[i]!))))
    for (let i = 0; i < 4; i++) {
      const wa = await a.vars[i]!.value.data()
      const wr = await r.vars[i]!.value.data()
      wa.forEach((v, j) => expect(Math.abs((v as number) - (wr[j] as number))).toBeLessThan(1e-4))
    }
    expect(a.vars[0]!.value.backend).toBe(onnx)
  })

  it('a step traced with trace() (variable reads and writes) compiles and runs', () => {
    const onnx = createOnnxBackend()
    const t = trainer(onnx)
    const graph = trace(t.stepFn, [{ shape: [BATCH, IN], dtype: 'float32' }, { shape: [BATCH, CLASSES], dtype: 'float32' }])
    expect(graph.variableReads.length).toBe(4)
    expect(graph.variableWrites.length).toBe(4)
    const compiled = onnx.compile!(graph)
    const { x, y } = data(0)
    const ins = [tensor(x, { shape: [BATCH, IN], dtype: 'float32', backend: onnx }), tensor(y, { shape: [BATCH, CLASSES], dtype: 'float32', backend: onnx })]
    const ids = compiled.run([...ins, ...graph.variableReads.map((rd) => rd.variable.rawValue)]) as unknown[]
    expect(ids.length).toBe(5)
    expect(onnx.stats().compiled.sessions).toBe(1)
    for (const id of ids) onnx.disposeData(id, 'float32')
  })
})

describe('recurrent training step (scan) through jit on onnx', () => {
  it('the gradient of a scan-based RNN compiles to one session (Loop) and matches reference', async () => {
    const T = 6
    const H = 4
    const step = (backend: Backend) => {
      const w = tensor(initial(3, H * H, 0.4), { shape: [H, H], dtype: 'float32', backend })
      const u = tensor(initial(4, 2 * H, 0.4), { shape: [2, H], dtype: 'float32', backend })
      const xs = tensor(initial(5, T * 3 * 2, 1), { shape: [T, 3, 2], dtype: 'float32', backend })
      const f = (wt: Tensor, ut: Tensor, seq: Tensor): Tensor => {
        const [h] = scan((hc: Tensor, x: Tensor) => {
          const hn = lax.tanh(lax.add(lax.dotGeneral(hc, wt, [[1], [0]]), lax.dotGeneral(x, ut, [[1], [0]])))
          return [hn, hn] as [Tensor, Tensor]
        }, full([3, H], 0, 'float32', backend), seq)
        return sumAll(lax.mul(h as Tensor, h as Tensor))
      }
      return { args: [w, u, xs] as const, g: (wt: Tensor, ut: Tensor, seq: Tensor) => valueAndGrad(f, { argnums: [0, 1] })(wt, ut, seq) }
    }
    const onnx = createOnnxBackend()
    const a = step(onnx)
    const r = step(createReferenceBackend())
    const [va, ga] = jit(a.g)(...a.args) as [Tensor, Tensor[]]
    const [vr, gr] = r.g(...r.args) as [Tensor, Tensor[]]
    expect(Math.abs((await va.data())[0]! - (await vr.data())[0]!)).toBeLessThan(1e-4)
    for (let i = 0; i < 2; i++) {
      const x = await ga[i]!.data()
      const y = await gr[i]!.data()
      x.forEach((v, j) => expect(Math.abs((v as number) - (y[j] as number))).toBeLessThan(1e-4))
    }
    expect(onnx.stats().compiled).toEqual({ sessions: 1, interpreted: 0, baked: 0 })
  })
})
