/**
 * @file The workload table: PEERS.md's matmul, dispatch, MLP training and CNN training / inference,
 * each with kx on tfjs-wasm / tfjs-cpu and tfjs-layers 4.22 as the peer, plus two micro-benchmarks of
 * choices inside the tfjs mapping. Add a workload by appending a module's `Workload` to `WORKLOADS`.
 */
import * as tf from '@tensorflow/tfjs-core'
import { keep, lax, registerBackend, setBackend, tidy, Tensor, type Backend } from '@kx/core'
import * as keras from '@kx/keras'
import { createTfjsBackend, type TfjsBackendOptions, type TfjsEngineTraits } from '@kx/backend-tfjs'
import type { Impl, Runner, Workload } from './harness.js'
import { Adam, CNN_SHAPES, MLP_SHAPES, cnnLogits, cnnPredict, initParams, mlpLogits, randomBatch, trainStep, type Params } from './kx-models.js'
import { patchWasmConv2DBackpropFilter, peerBatch, peerCnn, peerMlp, useTfBackend } from './peers.js'

type Engine = 'wasm' | 'cpu'
const ENGINES: readonly Engine[] = ['wasm', 'cpu']

const backends = new Map<string, Promise<Backend>>()
function kxBackend(engine: Engine, traits?: Partial<TfjsEngineTraits>, name?: string): Promise<Backend> {
  const key = name ?? `tfjs-${engine}`
  let b = backends.get(key)
  if (!b) {
    const o: TfjsBackendOptions = { engine, ...(traits ? { traits } : {}), ...(name ? { name } : {}) }
    b = createTfjsBackend(o)
    backends.set(key, b)
  }
  return b
}

const kx = (engine: Engine, setup: (b: Backend) => Runner | Promise<Runner>): Impl => ({
  id: `kx tfjs-${engine}`, side: 'kx', engine, setup: async () => setup(await kxBackend(engine)),
})
const peer = (engine: Engine, setup: () => Runner | Promise<Runner>): Impl => ({
  id: `tfjs-layers ${engine}`, side: 'peer', engine,
  setup: async () => {
    await useTfBackend(engine)
    const r = await setup()
    return { ...r, beforeSample: () => useTfBackend(engine) }
  },
})
const upload = (b: Backend, n: number, shape: readonly number[], seed: number): Tensor => {
  let s = seed
  const v = Float32Array.from({ length: n }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32 - 0.5 })
  return keep(new Tensor(shape, 'float32', b, b.upload(v, shape, 'float32')))
}

const matmul: Workload = {
  name: 'matmul 1024', detail: '1024×1024 @ 1024×1024 float32', kind: 'throughput', unit: 'GFLOP/s', unitsPerStep: 2 * 1024 ** 3 / 1e9,
  impls: ENGINES.flatMap((e) => [
    kx(e, (b) => {
      const a = upload(b, 1024 * 1024, [1024, 1024], 1)
      const c = upload(b, 1024 * 1024, [1024, 1024], 2)
      return { step: () => lax.dotGeneral(a, c, [[1], [0]]).dispose(), dispose: () => { a.dispose(); c.dispose() } }
    }),
    peer(e, () => {
      const a = tf.randomUniform([1024, 1024])
      const c = tf.randomUniform([1024, 1024])
      return { step: () => tf.matMul(a, c).dispose(), dispose: () => { a.dispose(); c.dispose() } }
    }),
  ]),
}

const OPS = 1000
const dispatch: Workload = {
  name: 'dispatch', detail: '`add` of two 1-element tensors (result disposed)', kind: 'latency', unit: 'µs/op', unitsPerStep: OPS, latencyScale: 1e6,
  impls: ENGINES.flatMap((e) => [
    kx(e, (b) => {
      const a = upload(b, 1, [1], 3)
      const c = upload(b, 1, [1], 4)
      return { step: () => { for (let i = 0; i < OPS; i++) lax.add(a, c).dispose() } }
    }),
    peer(e, () => {
      const a = tf.tensor([1])
      const c = tf.tensor([2])
      return { step: () => { for (let i = 0; i < OPS; i++) tf.add(a, c).dispose() } }
    }),
  ]),
}

function kxTrain(engine: Engine, shapes: Record<string, readonly number[]>, logits: (p: Params, x: Tensor) => Tensor, batch: number, input: readonly number[]): Impl {
  return kx(engine, (b) => {
    const params = initParams(b, shapes)
    const opt = new Adam(params)
    const [x, y] = randomBatch(b, batch, input, 10)
    return { step: () => { trainStep(logits, params, opt, x, y) }, dispose: () => { opt.dispose(); for (const t of [...Object.values(params), x, y]) t.dispose() } }
  })
}
/** kx's own layers: the CNN as a `keras.Sequential`, timed through `model.predict` (what an app calls). */
function kxLayersPredict(engine: Engine, batch: number): Impl {
  // predict is async, so the bench's backend becomes the default (registered under its own name) for each sample.
  const name = `bench-layers-tfjs-${engine}`
  const select = async (): Promise<void> => { await setBackend(name) }
  return {
    id: `kx layers tfjs-${engine}`, side: 'kx', engine,
    setup: async () => {
      const b = await kxBackend(engine)
      registerBackend(name, () => b)
      await select()
      const { layers } = keras
      const model = new keras.Sequential({
        layers: [
          keras.Input({ shape: [28, 28, 1] }),
          new layers.Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' }), new layers.MaxPooling2D({ poolSize: 2 }),
          new layers.Conv2D({ filters: 64, kernelSize: 3, activation: 'relu' }), new layers.MaxPooling2D({ poolSize: 2 }),
          new layers.Flatten(), new layers.Dense({ units: 128, activation: 'relu' }), new layers.Dense({ units: 10, activation: 'softmax' }),
        ],
      })
      const [x, y] = randomBatch(b, batch, [28, 28, 1], 10)
      const step = async (): Promise<void> => { ((await model.predict(x, { batchSize: batch, verbose: 0 })) as Tensor).dispose() }
      return { step, beforeSample: select, dispose: () => { x.dispose(); y.dispose() } }
    },
  }
}
function peerTrain(engine: Engine, make: () => ReturnType<typeof peerMlp>, batch: number, input: readonly number[]): Impl {
  return peer(engine, async () => {
    const m = make()
    const [x, y] = peerBatch(batch, input, 10)
    await m.trainOnBatch(x, y)
    return { step: async () => { await m.trainOnBatch(x, y) }, dispose: () => { x.dispose(); y.dispose(); m.dispose() } }
  })
}

const mlpTrain: Workload = {
  name: 'MLP training', detail: 'Dense 784→256 relu→256 relu→10 softmax, CCE, Adam 1e-3, batch 128', kind: 'throughput', unit: 'samples/s', unitsPerStep: 128,
  impls: ENGINES.flatMap((e) => [kxTrain(e, MLP_SHAPES, mlpLogits, 128, [784]), peerTrain(e, peerMlp, 128, [784])]),
}
/** tfjs-layers on wasm with a Conv2DBackpropFilter kernel registered from kx's rule (tfjs-wasm has none). */
const patchedWasmPeer: Impl = {
  ...peerTrain('wasm', peerCnn, 64, [28, 28, 1]),
  id: 'tfjs-layers wasm (+ Conv2DBackpropFilter from kx)',
  setup: async () => {
    patchWasmConv2DBackpropFilter(await kxBackend('wasm'))
    return peerTrain('wasm', peerCnn, 64, [28, 28, 1]).setup()
  },
}
const cnnTrain: Workload = {
  name: 'CNN training', detail: 'Conv 32 3×3 → pool → conv 64 3×3 → pool → 128 → 10, Adam, batch 64 (tfjs-wasm has no Conv2DBackpropFilter: its peer gets one computed by kx)',
  kind: 'throughput', unit: 'samples/s', unitsPerStep: 64,
  impls: [kxTrain('wasm', CNN_SHAPES, cnnLogits, 64, [28, 28, 1]), patchedWasmPeer, kxTrain('cpu', CNN_SHAPES, cnnLogits, 64, [28, 28, 1]), peerTrain('cpu', peerCnn, 64, [28, 28, 1])],
}

function cnnInfer(batch: number): Workload {
  return {
    name: `CNN inference, batch ${batch}`, detail: 'forward + softmax, no read-back; kx through its fused conv/matmul + bias + relu ops (what its layers call), tfjs-layers through predict', kind: batch === 1 ? 'latency' : 'throughput',
    unit: batch === 1 ? 'ms/batch' : 'samples/s', unitsPerStep: batch, ...(batch === 1 ? { latencyScale: 1e3 } : {}),
    impls: ENGINES.flatMap((e) => [
      kx(e, (b) => {
        const params = initParams(b, CNN_SHAPES)
        const [x, y] = randomBatch(b, batch, [28, 28, 1], 10)
        return { step: () => tidy(() => { cnnPredict(params, x) }), dispose: () => { for (const t of [...Object.values(params), x, y]) t.dispose() } }
      }),
      kxLayersPredict(e, batch),
      peer(e, () => {
        const m = peerCnn()
        const [x, y] = peerBatch(batch, [28, 28, 1], 10)
        return { step: () => (m.predict(x) as tf.Tensor).dispose(), dispose: () => { x.dispose(); y.dispose(); m.dispose() } }
      }),
    ]),
  }
}

/** Micro-benchmark: a matmul whose rhs is stored transposed (every backward pass has them). */
const transposedMatmul: Workload = {
  name: 'micro: transposed matmul', detail: '[512, 1024] · [1024, 1024]ᵀ on wasm: explicit Transpose kernel (kx) vs BatchMatMul transposeB (as peer)',
  kind: 'throughput', unit: 'GFLOP/s', unitsPerStep: 2 * 512 * 1024 * 1024 / 1e9,
  impls: ([['kx', true], ['peer', false]] as const).map(([side, explicit]) => ({
    id: explicit ? 'explicit Transpose + BatchMatMul' : 'BatchMatMul transposeB', side, engine: 'wasm',
    setup: async () => {
      const b = await kxBackend('wasm', { explicitMatmulTranspose: explicit }, `tfjs-wasm-mm-${explicit}`)
      const a = upload(b, 512 * 1024, [512, 1024], 5)
      const w = upload(b, 1024 * 1024, [1024, 1024], 6)
      return { step: () => lax.dotGeneral(a, w, [[1], [1]]).dispose(), dispose: () => { a.dispose(); w.dispose() } }
    },
  })),
}

/** Micro-benchmark: the conv kernel gradient of the CNN's two convs, by strategy (side `kx` = the default). */
function convRhs(name: string, x: readonly number[], g: readonly number[], k: readonly number[]): Workload {
  return {
    name: `micro: conv_transpose_rhs ${name}`,
    detail: `d kernel ${JSON.stringify(k)} from [${x}] and [${g}]: kx's default (im2col below 8 input channels, else the conv identity) vs the other one (as peer)`,
    kind: 'throughput', unit: 'GFLOP/s', unitsPerStep: 2 * g.reduce((a, c) => a * c, 1) * k[0]! * k[1]! * k[2]! / 1e9,
    impls: ([['wasm', 'kx', undefined], ['wasm', 'peer', x[3]! < 8 ? 'conv' : 'im2col'], ['cpu', 'kx', undefined], ['cpu', 'peer', x[3]! < 8 ? 'conv' : 'im2col']] as const).map(([engine, side, strategy]) => ({
      id: `${engine} ${strategy ?? 'default'}`, side, engine,
      setup: async () => {
        const b = await kxBackend(engine, strategy ? { convRhs: strategy } : undefined, `tfjs-${engine}-rhs-${strategy ?? 'default'}`)
        const xt = upload(b, x.reduce((a, c) => a * c, 1), x, 7)
        const gt = upload(b, g.reduce((a, c) => a * c, 1), g, 8)
        const p = { windowStrides: [1, 1], padding: [[0, 0], [0, 0]] as [number, number][], lhsDilation: [1, 1], rhsDilation: [1, 1], featureGroupCount: 1 }
        return { step: () => lax.convTransposeRhs(xt, gt, p, k).dispose(), dispose: () => { xt.dispose(); gt.dispose() } }
      },
    })),
  }
}

/** Every workload, in report order. */
export const WORKLOADS: readonly Workload[] = [
  matmul, dispatch, mlpTrain, cnnTrain, cnnInfer(64), cnnInfer(1), transposedMatmul,
  convRhs('conv1', [64, 28, 28, 1], [64, 26, 26, 32], [3, 3, 1, 32]), convRhs('conv2', [64, 13, 13, 32], [64, 11, 11, 64], [3, 3, 32, 64]),
]
