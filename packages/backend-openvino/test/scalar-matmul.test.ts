/**
 * @file Regression: 1-D · 1-D products (dot_general [1,K]·[K,1] reshaped to rank 0) used to kill the process
 * while OpenVINO compiled the pending graph (a CPU-plugin crash, reproduced with Python's `openvino` on the
 * same ONNX model). Values are checked against Keras's golden case and core's `reference` backend.
 */
import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import * as numpy from '@kx/ops-numpy'
import { createReferenceBackend, jit, tensor, tidy, valueAndGrad, withDefaultBackend, type Backend, type Tensor } from '@kx/core'
import { decodeModel, encodeModel, lowerProgram } from '@kx/backend-onnx'
import { createOpenVINOBackend, type OpenVINOBackend } from '../src/index.js'
import { squeezeScalarReshapes } from '../src/engine.js'
import { describeOpenVINO } from './available.js'

interface GoldenArg { t: { v: number[]; d: 'float32'; s: number[] } }
const products = JSON.parse(readFileSync(new URL('../../ops-numpy/test/golden/ops_numpy_products.json', import.meta.url), 'utf8')) as { cases: { name: string; args: GoldenArg[]; out: { v: number } }[] }
const golden = products.cases.find((c) => c.name === 'matmul/3')!
const [gx, gy] = golden.args.map((a) => a.t.v)

const ref = createReferenceBackend()
const on = (b: Backend, v: readonly number[], shape: readonly number[]): Tensor => tensor(Float32Array.from(v), { shape, dtype: 'float32', backend: b })

/** Runs `f` on fresh inputs under `tidy` on `b` (inputs freed before the pending graph runs) and reads the result. */
async function freed(b: Backend, f: (x: Tensor, y: Tensor) => Tensor, xs: readonly number[], ys: readonly number[], sx: readonly number[], sy: readonly number[]): Promise<{ shape: readonly number[]; values: number[] }> {
  const out = tidy(() => withDefaultBackend(b, () => f(on(b, xs, sx), on(b, ys, sy))))
  try { return { shape: out.shape, values: Array.from(await out.data() as Float32Array) } } finally { out.dispose() }
}

async function expectLikeReference(b: OpenVINOBackend, f: (x: Tensor, y: Tensor) => Tensor, xs: readonly number[], ys: readonly number[], sx: readonly number[], sy: readonly number[]): Promise<void> {
  const got = await freed(b, f, xs, ys, sx, sy)
  const want = await freed(ref, f, xs, ys, sx, sy)
  expect(got.shape).toEqual(want.shape)
  got.values.forEach((v, i) => expect(v).toBeCloseTo(want.values[i]!, 4))
  expect(b.pendingOps).toBe(0)
}

describeOpenVINO('openvino: 1-D · 1-D products to rank 0', () => {
  it('matmul/3 with its inputs freed under tidy gives Keras\'s value', async () => {
    const b = await createOpenVINOBackend()
    const got = await freed(b, (x, y) => numpy.matmul(x, y), gx!, gy!, [3], [3])
    expect(got.shape).toEqual([])
    expect(got.values[0]).toBeCloseTo(golden.out.v, 4)
  })

  it('the same with the inputs kept alive, and read twice from the cached model', async () => {
    const b = await createOpenVINOBackend()
    for (let i = 0; i < 2; i++) {
      const x = on(b, gx!, [3])
      const y = on(b, gy!, [3])
      const z = withDefaultBackend(b, () => numpy.matmul(x, y))
      expect((await z.data())[0]).toBeCloseTo(golden.out.v, 4)
      for (const t of [x, y, z]) t.dispose()
    }
    expect(b.stats().cacheHits).toBe(1)
  })

  it('rank-0 outputs of dot, inner, vdot, tensordot, einsum and of a rank-0 result used further', async () => {
    const b = await createOpenVINOBackend()
    const xs = [0.5, -1.25, 2, 3]
    const ys = [1.5, 0.75, -2, 0.25]
    const fns: ((x: Tensor, y: Tensor) => Tensor)[] = [
      (x, y) => numpy.dot(x, y),
      (x, y) => numpy.inner(x, y),
      (x, y) => numpy.vdot(x, y),
      (x, y) => numpy.tensordot(x, y, { axes: 1 }),
      (x, y) => numpy.einsum('i,i->', x, y),
      (x, y) => numpy.add(numpy.multiply(numpy.matmul(x, y), 2), numpy.sum(x)),
      (x, y) => numpy.exp(numpy.matmul(numpy.sin(x), y)),
    ]
    for (const f of fns) await expectLikeReference(b, f, xs, ys, [4], [4])
  })

  it('rank-1 and rank-2 neighbours: [K]·[K,1], [1,K]·[K], [1,K]·[K,1]', async () => {
    const b = await createOpenVINOBackend()
    const xs = [1, 2, 3]
    const ys = [4, -5, 6]
    await expectLikeReference(b, (x, y) => numpy.matmul(x, y), xs, ys, [3], [3, 1])
    await expectLikeReference(b, (x, y) => numpy.matmul(x, y), xs, ys, [1, 3], [3])
    await expectLikeReference(b, (x, y) => numpy.matmul(x, y), xs, ys, [1, 3], [3, 1])
  })

  it('gradients of a 1-D · 1-D loss, and the product under jit', async () => {
    const b = await createOpenVINOBackend()
    const xs = [0.5, -1, 2]
    const ys = [3, 0.25, -1.5]
    const [value, grads] = tidy(() => withDefaultBackend(b, () => {
      const [v, g] = valueAndGrad((x: Tensor, y: Tensor) => numpy.matmul(x, y), { argnums: [0, 1] })(on(b, xs, [3]), on(b, ys, [3]))
      return [v, g] as [Tensor, Tensor[]]
    }))
    expect((await value.data())[0]).toBeCloseTo(0.5 * 3 - 0.25 - 3, 5)
    expect(Array.from(await grads[0]!.data())).toEqual(ys)
    expect(Array.from(await grads[1]!.data())).toEqual(xs)
    const f = jit((x: Tensor, y: Tensor) => numpy.matmul(x, y))
    const x = on(b, xs, [3])
    const y = on(b, ys, [3])
    const z = withDefaultBackend(b, () => f(x, y))
    expect(z.shape).toEqual([])
    expect((await z.data())[0]).toBeCloseTo(0.5 * 3 - 0.25 - 3, 5)
  })
})

it('squeezeScalarReshapes turns Reshape(x, []) into Squeeze(Reshape(x, [1]), [0]) and leaves other reshapes', () => {
  const { model } = lowerProgram({
    inputs: [{ id: 0, aval: { shape: [1, 1], dtype: 'float32' } }], constants: [],
    equations: [
      { prim: 'reshape', params: { newSizes: [1] }, inputs: [0], outputs: [{ id: 1, aval: { shape: [1], dtype: 'float32' } }] },
      { prim: 'reshape', params: { newSizes: [] }, inputs: [1], outputs: [{ id: 2, aval: { shape: [], dtype: 'float32' } }] },
    ],
    outputs: [{ id: 2 }],
  }, { opset: 18 })
  const before = model.graph.nodes.map((n) => n.opType)
  const after = squeezeScalarReshapes(model)
  expect(before.filter((o) => o === 'Squeeze')).toHaveLength(0)
  expect(after.graph.nodes.map((n) => n.opType)).toEqual([...before.slice(0, -1), 'Reshape', 'Squeeze'])
  expect(after.graph.outputs).toEqual(model.graph.outputs)
  const decoded = decodeModel(encodeModel(after))
  expect(decoded.opTypes).toEqual(after.graph.nodes.map((n) => n.opType))
  expect(decoded.initializerNames).toEqual(expect.arrayContaining(['kx_ov_shape_1', 'kx_ov_axis_0']))
  expect(squeezeScalarReshapes(after)).toBe(after)
})
