/**
 * @file Peephole passes over lowered graphs (`lower/peephole.ts`): each rule on a tiny graph, checked
 * against ONNX Runtime running the graph as written with its optimizers off.
 */
import { describe, expect, it } from 'vitest'
import { jit, lax, tensor, trace, type Tensor } from '@kx/core'
import { GraphBuilder, ONNX_TYPE, createOnnxBackend, encodeModel, lowerProgram, programOf } from '../src/index.js'
import { movesOnlyUnitAxes, peephole } from '../src/lower/peephole.js'
import { Session, ortTensor } from '../src/runtime/session.js'
import type { OnnxNode } from '../src/onnx/proto.js'

type Dims = readonly (number | string)[]

/** Runs `nodes` (input `x`, output `y`) in ORT with graph optimizations disabled. */
function run(b: GraphBuilder, nodes: readonly OnnxNode[], xDims: Dims, yDims: Dims, x: Float32Array, shape: number[]): number[] {
  const model = encodeModel({
    irVersion: 8, opset: 18, producerName: 'test', producerVersion: '0',
    graph: { name: 'g', nodes: nodes.slice(), initializers: b.initializers.slice(), inputs: [{ name: 'x', dataType: ONNX_TYPE.FLOAT, dims: xDims.slice() }], outputs: [{ name: 'y', dataType: ONNX_TYPE.FLOAT, dims: yDims.slice() }] },
  })
  const s = new Session(model, { graphOptimizationLevel: 'disabled' })
  try {
    return Array.from(s.run([ortTensor('float32', x, shape)])[0]!.data as Float32Array)
  } finally { s.dispose() }
}

const iota = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => i * 0.5 - 3)

/** Builds `y = chain of Transposes(x)`, rewrites it, and checks both graphs agree in ORT; returns the rewritten op types. */
function check(xShape: (number | null)[], perms: number[][], runShape: number[]): string[] {
  const b = new GraphBuilder(18)
  const x = b.reserve('x')
  b.reserve('y')
  let cur = x
  perms.forEach((perm, i) => {
    if (i === perms.length - 1) b.opTo('Transpose', [cur], 'y', { perm })
    else cur = b.op('Transpose', [cur], { perm })
  })
  let outShape: (number | null)[] = xShape
  for (const p of perms) outShape = p.map((a) => outShape[a]!)
  const dims = (s: (number | null)[]): Dims => s.map((d, i) => d ?? `d${i}`)
  const before = b.nodes.slice()
  const after = peephole(b, before, new Map([['x', xShape]]))
  const n = runShape.reduce((a, c) => a * c, 1)
  const want = run(b, before, dims(xShape), dims(outShape), iota(n), runShape)
  const got = run(b, after, dims(xShape), dims(outShape), iota(n), runShape)
  expect(got).toEqual(want)
  return after.filter((m) => m.outputs.includes('y')).map((m) => m.opType)
}

describe('peephole', () => {
  it('movesOnlyUnitAxes: a permutation that keeps the non-1 axes in order', () => {
    expect(movesOnlyUnitAxes([8, 28, 28, 1], [0, 3, 1, 2])).toBe(true)
    expect(movesOnlyUnitAxes([8, 28, 28, 3], [0, 3, 1, 2])).toBe(false)
    expect(movesOnlyUnitAxes([1, 5, 1, 7], [2, 1, 3, 0])).toBe(true)
    expect(movesOnlyUnitAxes([2, 3], [1, 0])).toBe(false)
    expect(movesOnlyUnitAxes([null, 4, 1], [0, 2, 1])).toBe(true)
  })

  it('a Transpose that only moves size-1 axes becomes a Reshape (static and one dynamic dim)', () => {
    expect(check([2, 4, 3, 1], [[0, 3, 1, 2]], [2, 4, 3, 1])).toEqual(['Reshape'])
    expect(check([1, 5, 1, 7], [[2, 1, 3, 0]], [1, 5, 1, 7])).toEqual(['Reshape'])
    expect(check([null, 6, 1], [[0, 2, 1]], [3, 6, 1])).toEqual(['Reshape'])
    // Data moves, or two dynamic dims: left alone.
    expect(check([2, 4, 3, 2], [[0, 3, 1, 2]], [2, 4, 3, 2])).toEqual(['Transpose'])
    expect(check([null, null, 1], [[0, 2, 1]], [2, 3, 1])).toEqual(['Transpose'])
  })

  it('consecutive Transposes compose, and cancel to Identity', () => {
    expect(check([2, 3, 4], [[1, 2, 0], [2, 0, 1]], [2, 3, 4])).toEqual(['Identity'])
    expect(check([2, 3, 4], [[1, 0, 2], [0, 2, 1]], [2, 3, 4])).toEqual(['Transpose'])
    // The composed permutation only moves a size-1 axis.
    expect(check([2, 1, 4], [[2, 0, 1], [2, 1, 0]], [2, 1, 4])).toEqual(['Reshape'])
  })

  it('a channels-last convolution over one channel enters ORT through a Reshape, with the same values', async () => {
    const conv = (x: Tensor, w: Tensor): Tensor => lax.conv(x, w, { windowStrides: [1, 1], padding: [[0, 0], [0, 0]], lhsDilation: [1, 1], rhsDilation: [1, 1], featureGroupCount: 1 })
    const g = trace(conv as never, [{ shape: [2, 5, 5, 1], dtype: 'float32' }, { shape: [3, 3, 1, 2], dtype: 'float32' }])
    const nodes = lowerProgram(programOf(g, (t) => t.dataSync()), { opset: 18 }).model.graph.nodes
    expect(nodes.filter((n) => n.opType === 'Transpose' && n.inputs[0] === 'in0')).toEqual([])
    expect(nodes.some((n) => n.opType === 'Reshape' && n.inputs[0] === 'in0')).toBe(true)
    const b = createOnnxBackend()
    const xv = Array.from({ length: 50 }, (_, i) => Math.sin(i))
    const wv = Array.from({ length: 18 }, (_, i) => Math.cos(i))
    const got = Array.from(await jit(conv)(tensor(xv, { shape: [2, 5, 5, 1], dtype: 'float32', backend: b }), tensor(wv, { shape: [3, 3, 1, 2], dtype: 'float32', backend: b })).data())
    // Direct NHWC / HWIO correlation in float64.
    const want: number[] = []
    for (let n = 0; n < 2; n++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let o = 0; o < 2; o++) {
      let s = 0
      for (let di = 0; di < 3; di++) for (let dj = 0; dj < 3; dj++) s += Math.fround(xv[n * 25 + (i + di) * 5 + j + dj]!) * Math.fround(wv[(di * 3 + dj) * 2 + o]!)
      want.push(s)
    }
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5))
  })
  it('a flatten of a transposed value into a MatMul with an initializer reads the value directly, rows of W permuted', () => {
    const build = (opts: { named?: boolean; extraRead?: boolean; batch?: number | null }): { b: GraphBuilder; before: OnnxNode[]; after: OnnxNode[]; w: string } => {
      const b = new GraphBuilder(18)
      const x = b.reserve('x')
      b.reserve('y')
      const w = b.rawConstant(new Uint8Array(Float32Array.from({ length: 60 * 7 }, (_, i) => Math.sin(i)).buffer), ONNX_TYPE.FLOAT, [60, 7], opts.named ? 'kernel' : undefined)
      const t = b.op('Transpose', [x], { perm: [0, 2, 3, 1] })
      const r = b.op('Reshape', [t, b.i64([-1, 60])])
      const m = b.op('MatMul', [r, w])
      if (opts.extraRead) b.opTo('Add', [m, b.op('ReduceSum', [r, b.i64([1])], { keepdims: 1 })], 'y')
      else b.opTo('Identity', [m], 'y')
      const before = b.nodes.slice()
      const after = peephole(b, before, new Map([['x', [opts.batch === undefined ? 2 : opts.batch, 3, 4, 5]], [r, [opts.batch === undefined ? 2 : opts.batch, 60]]]), new Set(opts.named ? ['kernel'] : []))
      return { b, before, after, w }
    }
    const xs = Float32Array.from({ length: 2 * 60 }, (_, i) => Math.cos(i * 0.7))
    for (const batch of [2, null]) {
      const { b, before, after, w } = build({ batch })
      const mm = after.find((n) => n.opType === 'MatMul')!
      expect(mm.inputs[1]).not.toBe(w)
      // The MatMul's operand is a Reshape of x itself: no Transpose is read any more.
      expect(after.find((n) => n.outputs[0] === mm.inputs[0])).toMatchObject({ opType: 'Reshape', inputs: ['x', expect.any(String)] })
      const dims = batch === null ? ['n', 3, 4, 5] : [2, 3, 4, 5]
      const want = run(b, before, dims, [dims[0]!, 7], xs, [2, 3, 4, 5])
      const got = run(b, after, dims, [dims[0]!, 7], xs, [2, 3, 4, 5])
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5))
    }
    // Named weights (an export's) and a flatten read elsewhere are left as they are.
    for (const opts of [{ named: true }, { extraRead: true }]) {
      const { after, w } = build(opts)
      expect(after.find((n) => n.opType === 'MatMul')!.inputs[1]).toBe(w)
    }
  })
  it('a channels-last Conv → Flatten → Dense with baked weights lowers without layout Transposes, with the same values', async () => {
    const b = createOnnxBackend()
    const xv = Array.from({ length: 2 * 4 * 4 * 2 }, (_, i) => Math.sin(i * 0.3))
    const kv = Array.from({ length: 2 * 2 * 2 * 3 }, (_, i) => Math.cos(i))
    const dv = Array.from({ length: 27 * 4 }, (_, i) => Math.sin(i * 1.7))
    const k = tensor(kv, { shape: [2, 2, 2, 3], dtype: 'float32', backend: b })
    const d = tensor(dv, { shape: [27, 4], dtype: 'float32', backend: b })
    const f = (x: Tensor): Tensor => {
      const y = lax.conv(x, k, { windowStrides: [1, 1], padding: [[0, 0], [0, 0]], lhsDilation: [1, 1], rhsDilation: [1, 1], featureGroupCount: 1 })
      return lax.dotGeneral(lax.reshape(y, [2, 27]), d, [[1], [0]])
    }
    const g = trace(f as never, [{ shape: [2, 4, 4, 2], dtype: 'float32' }])
    expect(g.constants.length).toBeGreaterThanOrEqual(2)
    const nodes = lowerProgram(programOf(g, (t) => t.dataSync()), { opset: 18 }).model.graph.nodes
    const mm = nodes.find((n) => n.opType === 'MatMul')!
    const flat = nodes.find((n) => n.outputs[0] === mm.inputs[0])!
    expect(flat.opType).toBe('Reshape')
    expect(nodes.find((n) => n.outputs[0] === flat.inputs[0])!.opType).toBe('Conv')
    const got = Array.from(await jit(f)(tensor(xv, { shape: [2, 4, 4, 2], dtype: 'float32', backend: b })).data())
    // Float64 reference: NHWC / HWIO correlation, flattened channels-last, times the dense kernel.
    const fr = Math.fround
    const want: number[] = []
    for (let n = 0; n < 2; n++) {
      const feat: number[] = []
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let o = 0; o < 3; o++) {
        let s = 0
        for (let di = 0; di < 2; di++) for (let dj = 0; dj < 2; dj++) for (let c = 0; c < 2; c++) s += fr(xv[((n * 4 + i + di) * 4 + j + dj) * 2 + c]!) * fr(kv[((di * 2 + dj) * 2 + c) * 3 + o]!)
        feat.push(s)
      }
      for (let u = 0; u < 4; u++) want.push(feat.reduce((a, v, r) => a + v * fr(dv[r * 4 + u]!), 0))
    }
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4))
  })
})
