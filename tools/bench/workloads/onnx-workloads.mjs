/**
 * @file ONNX Runtime workloads (bundled by ./onnx.mjs): CNN inference through kx's `onnx` backend (jit:
 * one session; eager: the lazy pending graph) against the same network as a hand-built ONNX graph run
 * with onnxruntime-node's public API (`predict`: the layers model through `model.predict`; the
 * `allowSpinning false` rows against the peer run with that same session option), MLP
 * training (Adam) through `jit` and through `model.fit` on `onnx` against tfjs-layers 4.22 on wasm, and
 * the CNN's `model.fit` on `onnx`. Ratios: kx ÷ peer.
 */
import { createRequire } from 'node:module'
import { dirname, sep } from 'node:path'
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node'
import * as tf from '@tensorflow/tfjs-core'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { Variable, full, jit, keep, lax, registerBackend, setBackend, tidy, valueAndGrad } from '@kx/core'
import { runWorkloads, markdown } from '../src/harness.ts'
import { CNN_SHAPES, MLP_SHAPES, cnnLogits, initParams, mlpLogits, randomBatch, softmaxCrossEntropy } from '../src/kx-models.ts'
import { peerBatch, peerMlp, useTfBackend } from '../src/peers.ts'
import { GraphBuilder, ONNX_TYPE, createOnnxBackend, encodeModel } from '../../../packages/backend-onnx/src/index.ts'
import * as L from '../../../packages/layers/src/index.ts'
import { trainer } from '../../../packages/trainers/src/index.ts'

let onnxBackend
const onnx = () => {
  if (!onnxBackend) {
    onnxBackend = createOnnxBackend({ name: 'onnx-bench' })
    registerBackend('onnx-bench', () => onnxBackend, { priority: -1 })
  }
  return onnxBackend
}

let noSpinBackend
/** A second backend whose ORT threads sleep when idle (`sessionOptions.allowSpinning: false`). */
const onnxNoSpin = () => {
  if (!noSpinBackend) {
    noSpinBackend = createOnnxBackend({ name: 'onnx-bench-nospin', sessionOptions: { allowSpinning: false } })
    registerBackend('onnx-bench-nospin', () => noSpinBackend, { priority: -2 })
  }
  return noSpinBackend
}

function softmax(z) {
  const [n, c] = z.shape
  const e = lax.exp(lax.sub(z, lax.broadcastInDim(lax.reduceMax(z, [1]), [n, c], [0])))
  return lax.div(e, lax.broadcastInDim(lax.reduceSum(e, [1]), [n, c], [0]))
}

/** The PEERS.md CNN written directly as ONNX nodes (NCHW, Conv/MaxPool/Gemm), weights as initializers. */
function handBuiltCnn() {
  const b = new GraphBuilder(18)
  let s = 1
  const rand = (n, lim) => Float32Array.from({ length: n }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s / 2 ** 32 * 2 - 1) * lim })
  const w = (dims) => b.constant(rand(dims.reduce((a, c) => a * c, 1), 0.1), ONNX_TYPE.FLOAT, dims)
  const x = b.reserve('x')
  let h = b.op('Relu', [b.op('Conv', [x, w([32, 1, 3, 3]), w([32])])])
  h = b.op('MaxPool', [h], { kernel_shape: [2, 2], strides: [2, 2] })
  h = b.op('Relu', [b.op('Conv', [h, w([64, 32, 3, 3]), w([64])])])
  h = b.op('MaxPool', [h], { kernel_shape: [2, 2], strides: [2, 2] })
  h = b.op('Flatten', [h], { axis: 1 })
  h = b.op('Relu', [b.op('Gemm', [h, w([1600, 128]), w([128])])])
  b.opTo('Softmax', [b.op('Gemm', [h, w([128, 10]), w([10])])], 'y', { axis: -1 })
  return encodeModel({
    irVersion: 8, opset: 18, producerName: 'bench', producerVersion: '0',
    graph: { name: 'cnn', nodes: b.nodes, initializers: b.initializers, inputs: [{ name: 'x', dataType: ONNX_TYPE.FLOAT, dims: ['n', 1, 28, 28] }], outputs: [{ name: 'y', dataType: ONNX_TYPE.FLOAT, dims: ['n', 10] }] },
  })
}

/** The CNN's weights as Variables (what layers hold), read inside the function. */
function cnnVariables(b) {
  const init = initParams(b, CNN_SHAPES)
  const vars = Object.fromEntries(Object.entries(init).map(([k, t]) => [k, new Variable({ initializer: t, name: k })]))
  const values = () => Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.value]))
  return { vars, values }
}

/** The same CNN as a kx layers model, run by `model.predict` (the trainer jit-compiles its step). */
function cnnLayersModel() {
  const m = new L.Sequential({ layers: [
    L.Input({ shape: [28, 28, 1] }),
    new L.Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' }), new L.MaxPooling2D({ poolSize: 2 }),
    new L.Conv2D({ filters: 64, kernelSize: 3, activation: 'relu' }), new L.MaxPooling2D({ poolSize: 2 }),
    new L.Flatten(), new L.Dense({ units: 128, activation: 'relu' }), new L.Dense({ units: 10, activation: 'softmax' }),
  ] })
  return m
}

function cnnInfer(batch) {
  const kxImpl = (mode) => ({
    id: `kx onnx ${mode}`, side: 'kx', engine: mode.includes('allowSpinning false') ? NO_SPIN : 'onnx',
    setup: async () => {
      const b = onnx()
      if (mode === 'predict' || mode === 'predict, allowSpinning false') {
        // NOTE: kx's default backend is the model's before each sample (predict uploads nothing then).
        const nb = mode === 'predict' ? b : onnxNoSpin()
        await setBackend(nb.name)
        const model = cnnLayersModel()
        const x = randomBatch(nb, batch, [28, 28, 1], 10)[0]
        return { step: async () => { const y = await model.predict(x, { batchSize: batch, verbose: 0 }); y.dataSync(); y.dispose() }, beforeSample: () => setBackend(nb.name), dispose: () => x.dispose() }
      }
      const { vars, values } = cnnVariables(b)
      const [x, y] = randomBatch(b, batch, [28, 28, 1], 10)
      const f = (t) => softmax(cnnLogits(values(), t))
      const jf = jit(f)
      return {
        step: mode === 'jit'
          ? () => { const out = jf(x); out.dataSync(); out.dispose() }
          : () => tidy(() => { f(x).dataSync() }),
        dispose: () => { for (const v of Object.values(vars)) v.dispose(); x.dispose(); y.dispose() },
      }
    },
  })
  return {
    name: `CNN inference (onnx), batch ${batch}`, detail: 'forward + softmax, output read back', kind: batch === 1 ? 'latency' : 'throughput',
    unit: batch === 1 ? 'ms/batch' : 'samples/s', unitsPerStep: batch, ...(batch === 1 ? { latencyScale: 1e3 } : {}),
    impls: [kxImpl('jit'), kxImpl('predict'), kxImpl('eager'), peerCnn(batch, false), kxImpl('predict, allowSpinning false'), peerCnn(batch, true)],
  }
}

const NO_SPIN = 'onnx, allowSpinning false'

/**
 * The hand-built graph through onnxruntime-node's public API, with its default session options (as kx's
 * `onnx` backend: ORT's thread defaults, optimization level all) or with idle threads sleeping.
 */
function peerCnn(batch, noSpin) {
  return {
    id: noSpin ? 'ORT hand-built graph, allowSpinning false' : 'ORT hand-built graph', side: 'peer', engine: noSpin ? NO_SPIN : 'onnx',
    setup: async () => {
      const session = await InferenceSession.create(handBuiltCnn(), noSpin ? { extra: { 'session.intra_op.allow_spinning': '0' } } : {})
      const x = new OrtTensor('float32', Float32Array.from({ length: batch * 784 }, (_, i) => (i % 13) / 13), [batch, 1, 28, 28])
      return { step: async () => { await session.run({ x }) }, dispose: () => session.release() }
    },
  }
}

/** Adam (Keras defaults) on Variables, in-graph bias correction, for a jitted step; `reps` train steps per bench step. */
function kxMlpTrain(mode, reps = 1) {
  return {
    id: `kx onnx ${mode}`, side: 'kx', engine: 'onnx vs wasm',
    setup: async () => {
      const b = onnx()
      const init = initParams(b, MLP_SHAPES)
      const keys = Object.keys(init)
      const p = keys.map((k) => new Variable({ initializer: init[k], name: k }))
      const m = p.map((v) => new Variable({ initializer: full(v.shape, 0, 'float32', b), name: `m_${v.name}` }))
      const v2 = p.map((v) => new Variable({ initializer: full(v.shape, 0, 'float32', b), name: `v_${v.name}` }))
      const t = new Variable({ initializer: full([], 0, 'float32', b), name: 't' })
      const [x, y] = randomBatch(b, 128, [784], 10)
      const c = (shape, val) => full(shape, val, 'float32', b)
      const body = (xb, yb) => {
        const [loss, grads] = valueAndGrad((...ws) => softmaxCrossEntropy(mlpLogits(Object.fromEntries(keys.map((k, i) => [k, ws[i]])), xb), yb), { argnums: keys.map((_, i) => i) })(...p.map((w) => w.value))
        const tn = lax.add(t.value, c([], 1))
        t.assign(tn)
        const lrT = lax.div(lax.mul(c([], 1e-3), lax.sqrt(lax.sub(c([], 1), lax.pow(c([], 0.999), tn)))), lax.sub(c([], 1), lax.pow(c([], 0.9), tn)))
        grads.forEach((g, i) => {
          const sh = g.shape
          const mi = lax.add(lax.mul(m[i].value, c(sh, 0.9)), lax.mul(g, c(sh, 0.1)))
          const vi = lax.add(lax.mul(v2[i].value, c(sh, 0.999)), lax.mul(lax.mul(g, g), c(sh, 0.001)))
          const upd = lax.div(lax.mul(mi, lax.broadcastInDim(lrT, sh, [])), lax.add(lax.sqrt(vi), c(sh, 1e-7)))
          m[i].assign(mi); v2[i].assign(vi); p[i].assign(lax.sub(p[i].value, upd))
        })
        return loss
      }
      const step = mode === 'jit' ? jit(body) : body
      return {
        step: () => { for (let i = 0; i < reps; i++) tidy(() => { step(x, y).dataSync() }) },
        dispose: () => { for (const w of [...p, ...m, ...v2, t]) w.dispose(); x.dispose(); y.dispose() },
      }
    },
  }
}

/** The tfjs-layers-wasm peer of the MLP rows: `reps` `trainOnBatch` calls on one batch of 128 per step. */
function peerMlpTrain(reps) {
  return {
    id: 'tfjs-layers wasm', side: 'peer', engine: 'onnx vs wasm',
    setup: async () => {
      await useTfBackend('wasm')
      const model = peerMlp()
      const [x, y] = peerBatch(128, [784], 10)
      await model.trainOnBatch(x, y)
      return { step: async () => { for (let i = 0; i < reps; i++) await model.trainOnBatch(x, y) }, beforeSample: () => useTfBackend('wasm'), dispose: () => { x.dispose(); y.dispose(); model.dispose() } }
    },
  }
}

const mlpTrain = {
  name: 'MLP training (onnx)', detail: 'Dense 784→256 relu→256 relu→10, CCE, Adam 1e-3, batch 128; loss read back each step', kind: 'throughput', unit: 'samples/s', unitsPerStep: 128,
  impls: [kxMlpTrain('jit'), kxMlpTrain('eager'), peerMlpTrain(1)],
}

/** The PEERS.md MLP as a kx layers model (Adam 1e-3, categorical crossentropy), as `model.fit` trains it. */
function mlpLayersModel() {
  const m = new L.Sequential({ layers: [
    L.Input({ shape: [784] }), new L.Dense({ units: 256, activation: 'relu' }), new L.Dense({ units: 256, activation: 'relu' }), new L.Dense({ units: 10, activation: 'softmax' }),
  ] })
  m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' })
  return m
}

/**
 * `model.fit` for one epoch of `batches` batches per step (shuffled, verbose 0): the whole Keras loop.
 * `noSpin`: on the backend whose idle ORT threads sleep (kx's default backend is set before each sample).
 */
function kxFit(makeModel, batch, batches, shape, noSpin = false) {
  const name = noSpin ? 'onnx-bench-nospin' : 'onnx-bench'
  return {
    id: noSpin ? 'kx onnx fit, allowSpinning false' : 'kx onnx fit', side: 'kx', engine: 'onnx vs wasm',
    setup: async () => {
      const b = noSpin ? onnxNoSpin() : onnx()
      await setBackend(name)
      const model = makeModel()
      const [x, y] = randomBatch(b, batch * batches, shape, 10)
      const fit = () => model.fit(x, y, { batchSize: batch, epochs: 1, verbose: 0 })
      await fit()
      return { step: async () => { await fit() }, beforeSample: () => setBackend(name), dispose: () => { x.dispose(); y.dispose() } }
    },
  }
}

const FIT_BATCHES = 8
const mlpFit = {
  name: 'MLP fit (onnx)', detail: `model.fit, one epoch of ${FIT_BATCHES} batches of 128 (shuffled) per step, Adam 1e-3, CCE; jit: the hand-written step of "MLP training" ${FIT_BATCHES} times; allowSpinning false: ORT's idle threads sleep; peer: trainOnBatch on each batch`,
  kind: 'throughput', unit: 'samples/s', unitsPerStep: 128 * FIT_BATCHES,
  impls: [kxFit(mlpLayersModel, 128, FIT_BATCHES, [784]), kxFit(mlpLayersModel, 128, FIT_BATCHES, [784], true), kxMlpTrain('jit', FIT_BATCHES), peerMlpTrain(FIT_BATCHES)],
}

/** The CNN trains on `onnx` (no peer: tfjs-layers wasm has no Conv2DBackpropFilter kernel). */
const cnnFit = {
  name: 'CNN fit (onnx)', detail: 'model.fit, one epoch of 4 batches of 64 (shuffled) per step, Adam, CCE; no peer',
  kind: 'throughput', unit: 'samples/s', unitsPerStep: 64 * 4,
  impls: [kxFit(() => { const m = cnnLayersModel(); m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' }); return m }, 64, 4, [28, 28, 1])],
}

export async function main(argv) {
  const arg = (name) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined }
  const require = createRequire(import.meta.url)
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + sep)
  L.registerTrainer(trainer)
  void keep; void tf
  // kx's default backend is `onnx-bench` for every kx impl (jit's Variables are created on it).
  onnx()
  await setBackend('onnx-bench')
  const filter = arg('filter')
  const all = [cnnInfer(64), cnnInfer(1), mlpTrain, mlpFit, cnnFit]
  const selected = all.filter((w) => !filter || w.name.toLowerCase().includes(filter.toLowerCase()))
  const results = await runWorkloads(selected, { rounds: Number(arg('rounds') ?? 5), sampleSeconds: Number(arg('sample') ?? 0.5), log: (l) => console.log(l) })
  const meta = { date: new Date().toISOString().slice(0, 16).replace('T', ' '), node: process.versions.node, cpu: `${(await import('node:os')).cpus().length} cores`, rounds: Number(arg('rounds') ?? 5) }
  console.log(`\n${markdown(results, meta)}`)
}
