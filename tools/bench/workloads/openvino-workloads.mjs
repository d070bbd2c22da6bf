/**
 * @file OpenVINO workloads (bundled by ./openvino.mjs): the bench CNN (32×32×3 → conv32-pool-conv64-pool-
 * dense128-dense10, as packages/backend-openvino/test/bench.test.ts) at batch 1 (latency) and batch 64
 * (throughput), all with the same weights and input, outputs checked to agree before timing:
 * - kx `predict` (and `jit` of the model's forward pass) on the `openvino` backend, `predict` on `onnx`;
 * - kx's OpenVINO IR export (`exportModel(..., {format: 'openvino'})`) run through kx's C API binding;
 * - the peer: the same network built by hand with OpenVINO's Python opsets (../openvino_peer.py), run
 *   through the same binding (`loadOpenVINOIR`) with the same compile options;
 * - tfjs-layers 4.22 on wasm.
 * Ratios: every kx row (onnx included) ÷ the hand-built OpenVINO model; tfjs-layers wasm is listed alone.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { jit, registerBackend, setBackend, tensor } from '@kx/core'
import { runWorkloads, markdown } from '../src/harness.ts'
import { useTfBackend } from '../src/peers.ts'
import { createOnnxBackend } from '../../../packages/backend-onnx/src/index.ts'
import { createOpenVINOBackend, loadOpenVINOIR } from '../../../packages/backend-openvino/src/index.ts'
import { exportModel } from '../../../packages/export/src/index.ts'
import * as L from '../../../packages/layers/src/index.ts'
import { trainer } from '../../../packages/trainers/src/index.ts'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const SHAPE = [32, 32, 3]

function cnn() {
  return new L.Sequential({ layers: [
    L.Input({ shape: SHAPE }),
    new L.Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' }), new L.MaxPooling2D({ poolSize: 2 }),
    new L.Conv2D({ filters: 64, kernelSize: 3, activation: 'relu' }), new L.MaxPooling2D({ poolSize: 2 }),
    new L.Flatten(), new L.Dense({ units: 128, activation: 'relu' }), new L.Dense({ units: 10, activation: 'softmax' }),
  ] })
}

function input(batch) {
  let s = 7
  return Float32Array.from({ length: batch * 32 * 32 * 3 }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32 })
}

/** The shared weights (Keras layouts, from one kx model on `reference`) and the hand-built IR from them. */
async function fixtures() {
  await setBackend('reference')
  const model = cnn()
  const weights = await Promise.all(model.weights.map(async (w) => ({ name: w.path.replace(/[^A-Za-z0-9_]/g, '_'), shape: w.shape, data: Float32Array.from(await w.value.data()) })))
  const dir = mkdtempSync(join(tmpdir(), 'kx-ov-peer-'))
  writeFileSync(join(dir, 'weights.json'), JSON.stringify(weights.map((w) => ({ name: w.name, shape: w.shape }))))
  for (const w of weights) writeFileSync(join(dir, `${w.name}.f32`), Buffer.from(w.data.buffer))
  const out = join(dir, 'ir')
  mkdirSync(out)
  const venv = join(root, '.venv', 'bin', 'python')
  const python = process.env.KX_OPENVINO_PYTHON ?? (existsSync(venv) ? venv : 'python3')
  const res = spawnSync(python, [join(root, 'tools', 'bench', 'openvino_peer.py'), dir, out], { encoding: 'utf8' })
  if (res.status !== 0) throw new Error(`openvino_peer.py failed: ${res.stderr}`)
  const handBuilt = { xml: readFileSync(join(out, 'model.xml')), bin: new Uint8Array(readFileSync(join(out, 'model.bin'))) }
  rmSync(dir, { recursive: true, force: true })
  const ir = await exportModel(model, { format: 'openvino' })
  // kx on `reference` is the oracle every impl is checked against (computed here, on reference).
  const wants = {}
  for (const batch of [1, 64]) wants[batch] = Float32Array.from(await model.apply(tensor(input(batch), { shape: [batch, ...SHAPE], dtype: 'float32' }), { training: false }).data())
  return {
    values: weights.map((w) => w.data),
    shapes: weights.map((w) => w.shape),
    handBuilt,
    exported: ir,
    want: async (batch) => wants[batch],
  }
}

const backends = {}
function useKxBackend(kind) {
  const name = `${kind}-bench`
  if (!backends[kind]) {
    backends[kind] = true
    registerBackend(name, () => (kind === 'openvino' ? createOpenVINOBackend({ name }) : createOnnxBackend({ name })), { priority: -1 })
  }
  return setBackend(name)
}

function maxDiff(a, b) {
  if (a.length !== b.length) return Infinity
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

/** Checks an impl's output against kx on `reference` before timing it. */
function agree(id, got, want) {
  const d = maxDiff(got, want)
  if (!(d < 1e-4)) throw new Error(`${id}: output differs from kx on reference (max |diff| = ${d})`)
}

function cnnInfer(batch, fx) {
  const kxPredict = (kind, mode = 'predict') => ({
    id: `kx ${kind} ${mode}`, side: 'kx', engine: 'openvino',
    setup: async () => {
      await useKxBackend(kind)
      const model = cnn()
      model.setWeights(fx.values.map((v, i) => tensor(v, { shape: fx.shapes[i], dtype: 'float32' })))
      const x = tensor(input(batch), { shape: [batch, ...SHAPE], dtype: 'float32' })
      const f = jit((t) => model.apply(t, { training: false }))
      const call = mode === 'jit' ? async () => f(x) : () => model.predict(x, { batchSize: batch, verbose: 0 })
      const run = async () => { const y = await call(); const v = await y.data(); y.dispose(); return v }
      agree(`kx ${kind} ${mode}`, await run(), await fx.want(batch))
      return { step: async () => { await run() }, beforeSample: () => useKxBackend(kind), dispose: () => x.dispose() }
    },
  })
  const viaBinding = (id, side, files) => ({
    id, side, engine: 'openvino',
    setup: async () => {
      const ir = loadOpenVINOIR(files().xml, files().bin, { performanceHint: 'LATENCY' })
      const feeds = [{ values: input(batch), shape: [batch, ...SHAPE], dtype: 'float32' }]
      const outs = [{ shape: [batch, 10], dtype: 'float32' }]
      agree(id, ir.run(feeds, outs)[0], await fx.want(batch))
      return { step: () => { ir.run(feeds, outs) }, dispose: () => ir.dispose() }
    },
  })
  return {
    name: `CNN inference (openvino), batch ${batch}`, detail: '32×32×3 conv32-pool-conv64-pool-dense128-dense10, softmax output read back',
    kind: batch === 1 ? 'latency' : 'throughput', unit: batch === 1 ? 'ms/batch' : 'samples/s', unitsPerStep: batch, ...(batch === 1 ? { latencyScale: 1e3 } : {}),
    impls: [
      kxPredict('openvino'),
      kxPredict('openvino', 'jit'),
      viaBinding('kx IR export (C API)', 'kx', () => fx.exported),
      viaBinding('OpenVINO hand-built IR', 'peer', () => fx.handBuilt),
      kxPredict('onnx'),
      {
        id: 'tfjs-layers wasm', side: 'peer', engine: 'wasm',
        setup: async () => {
          await useTfBackend('wasm')
          const m = tfl.sequential({ layers: [
            tfl.layers.conv2d({ inputShape: SHAPE, filters: 32, kernelSize: 3, activation: 'relu' }), tfl.layers.maxPooling2d({ poolSize: 2 }),
            tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), tfl.layers.maxPooling2d({ poolSize: 2 }),
            tfl.layers.flatten(), tfl.layers.dense({ units: 128, activation: 'relu' }), tfl.layers.dense({ units: 10, activation: 'softmax' }),
          ] })
          m.setWeights(fx.values.map((v, i) => tf.tensor(v, fx.shapes[i])))
          const x = tf.tensor(input(batch), [batch, ...SHAPE])
          const run = async () => { const y = m.predict(x); const v = await y.data(); y.dispose(); return v }
          agree('tfjs-layers wasm', await run(), await fx.want(batch))
          return { step: async () => { await run() }, beforeSample: () => useTfBackend('wasm'), dispose: () => { x.dispose(); m.dispose() } }
        },
      },
    ],
  }
}

export async function main(argv) {
  const arg = (name) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined }
  const require = createRequire(import.meta.url)
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + sep)
  L.registerTrainer(trainer)
  const fx = await fixtures()
  const filter = arg('filter')
  const all = [cnnInfer(1, fx), cnnInfer(64, fx)]
  const selected = all.filter((w) => !filter || w.name.toLowerCase().includes(filter.toLowerCase()))
  const rounds = Number(arg('rounds') ?? 5)
  const results = await runWorkloads(selected, { rounds, sampleSeconds: Number(arg('sample') ?? 0.5), log: (l) => console.log(l) })
  const meta = { date: new Date().toISOString().slice(0, 16).replace('T', ' '), node: process.versions.node, cpu: `${(await import('node:os')).cpus().length} cores`, rounds }
  console.log(`\n${markdown(results, meta)}`)
}
