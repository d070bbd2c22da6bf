/**
 * @file WebGPU workloads (PEERS.md definitions): MLP training (Adam, batch 128) and CNN inference (batches 64
 * and 1), kx eager on `webgpu` against tfjs-layers 4.22 on tfjs-backend-webgpu, both on one Dawn device (in
 * Node: Mesa lavapipe, a CPU-bound software adapter; read the ratios, not the absolute numbers).
 */
import * as tf from '@tensorflow/tfjs-core'
import { keep, registerBackend, setBackend, tidy, valueAndGrad } from '@kx/core'
// The umbrella: its import registers the trainer (tools/ depends on it, not on @kx/layers directly).
import { Input, Sequential, layers, optimizers } from '@kx/keras'
import { runWorkloads, markdown } from '../src/harness.ts'
import { Adam, CNN_SHAPES, MLP_SHAPES, cnnLogits, initParams, mlpLogits, randomBatch, softmaxCrossEntropy } from '../src/kx-models.ts'
import { peerBatch, peerCnn, peerMlp } from '../src/peers.ts'
import { createWebGPUBackend } from '../../../packages/backend-webgpu/src/index.ts'

let kx
const useTfWebGPU = async () => { if (!(await tf.setBackend('webgpu')) || tf.getBackend() !== 'webgpu') throw new Error("tf.setBackend('webgpu') failed") }

const mlpTrain = {
  name: 'MLP training (webgpu)', detail: 'Dense 784→256 relu→256 relu→10, CCE, Adam 1e-3, batch 128; loss read back (async) each step', kind: 'throughput', unit: 'samples/s', unitsPerStep: 128,
  impls: [{
    id: 'kx webgpu', side: 'kx', engine: 'webgpu',
    setup: async () => {
      const params = initParams(kx, MLP_SHAPES)
      const opt = new Adam(params)
      const [x, y] = randomBatch(kx, 128, [784], 10)
      const step = async () => {
        const loss = tidy(() => {
          const [l, grads] = valueAndGrad((p) => softmaxCrossEntropy(mlpLogits(p, x), y))(params)
          opt.apply(grads)
          for (const g of Object.values(grads)) g.dispose()
          return keep(l)
        })
        await loss.data()
        loss.dispose()
      }
      await step()
      return { step, dispose: () => { opt.dispose(); for (const t of [...Object.values(params), x, y]) t.dispose() } }
    },
  }, {
    // The same MLP as a kx layers model trained with trainOnBatch (what `fit` runs per batch).
    id: 'kx webgpu layers', side: 'kx', engine: 'webgpu',
    setup: async () => {
      const model = new Sequential({ layers: [Input({ shape: [784] }), new layers.Dense({ units: 256, activation: 'relu' }), new layers.Dense({ units: 256, activation: 'relu' }), new layers.Dense({ units: 10, activation: 'softmax' })] })
      model.compile({ optimizer: new optimizers.Adam({ learningRate: 1e-3 }), loss: 'categorical_crossentropy' })
      const [x, y] = randomBatch(kx, 128, [784], 10)
      await model.trainOnBatch(x, y)
      return { step: async () => { await model.trainOnBatch(x, y) }, dispose: () => { x.dispose(); y.dispose() } }
    },
  }, {
    id: 'tfjs-layers webgpu', side: 'peer', engine: 'webgpu',
    setup: async () => {
      await useTfWebGPU()
      const model = peerMlp()
      const [x, y] = peerBatch(128, [784], 10)
      await model.trainOnBatch(x, y)
      return { step: async () => { await model.trainOnBatch(x, y) }, beforeSample: useTfWebGPU, dispose: () => { x.dispose(); y.dispose(); model.dispose() } }
    },
  }],
}

function cnnInfer(batch) {
  return {
    name: `CNN inference batch ${batch} (webgpu)`, detail: `28×28×1 → conv32 → pool → conv64 → pool → dense128 → dense10, batch ${batch}`,
    kind: batch === 1 ? 'latency' : 'throughput', unit: batch === 1 ? 'ms/batch' : 'samples/s', unitsPerStep: batch, ...(batch === 1 ? { latencyScale: 1e3 } : {}),
    impls: [{
      id: 'kx webgpu', side: 'kx', engine: 'webgpu',
      setup: async () => {
        const params = initParams(kx, CNN_SHAPES)
        const [x, y] = randomBatch(kx, batch, [28, 28, 1], 10)
        const step = async () => { const out = tidy(() => keep(cnnLogits(params, x))); await out.data(); out.dispose() }
        await step()
        return { step, dispose: () => { for (const t of [...Object.values(params), x, y]) t.dispose() } }
      },
    }, {
      // The same CNN as a kx layers model: `apply` runs the fused conv/matmul + bias + activation kernels.
      id: 'kx webgpu layers', side: 'kx', engine: 'webgpu',
      setup: async () => {
        const model = new Sequential({
          layers: [Input({ shape: [28, 28, 1] }), new layers.Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' }), new layers.MaxPooling2D({ poolSize: 2 }),
            new layers.Conv2D({ filters: 64, kernelSize: 3, activation: 'relu' }), new layers.MaxPooling2D({ poolSize: 2 }), new layers.Flatten(),
            new layers.Dense({ units: 128, activation: 'relu' }), new layers.Dense({ units: 10, activation: 'softmax' })],
        })
        const [x, y] = randomBatch(kx, batch, [28, 28, 1], 10)
        const step = async () => { const out = tidy(() => keep(model.apply(x))); await out.data(); out.dispose() }
        await step()
        return { step, dispose: () => { x.dispose(); y.dispose() } }
      },
    }, {
      id: 'tfjs-layers webgpu', side: 'peer', engine: 'webgpu',
      setup: async () => {
        await useTfWebGPU()
        const model = peerCnn()
        const [x, y] = peerBatch(batch, [28, 28, 1], 10)
        const step = async () => { const out = model.predict(x); await out.data(); out.dispose() }
        await step()
        return { step, beforeSample: useTfWebGPU, dispose: () => { x.dispose(); y.dispose(); model.dispose() } }
      },
    }],
  }
}

export async function main(argv) {
  const arg = (name) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined }
  // Dawn in Node: navigator.gpu and the WebGPU constants, before tfjs-backend-webgpu loads.
  const { create, globals } = await import('webgpu')
  Object.assign(globalThis, globals)
  if (!globalThis.navigator?.gpu) Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true })
  kx = await createWebGPUBackend({ cpuForward: false })
  // kx layers models create their weights on the default backend.
  registerBackend('webgpu', () => kx, { priority: 1000 })
  await setBackend('webgpu')
  console.log(`adapter: ${JSON.stringify(kx.features.adapterInfo)}, shader-f16: ${kx.features.shaderF16}`)
  const filter = arg('filter')
  const all = [mlpTrain, cnnInfer(64), cnnInfer(1)]
  const selected = all.filter((w) => !filter || w.name.toLowerCase().includes(filter.toLowerCase()))
  const results = await runWorkloads(selected, { rounds: Number(arg('rounds') ?? 5), sampleSeconds: Number(arg('sample') ?? 0.5), log: (l) => console.log(l) })
  const meta = { date: new Date().toISOString().slice(0, 16).replace('T', ' '), node: process.versions.node, cpu: `${(await import('node:os')).cpus().length} cores`, rounds: Number(arg('rounds') ?? 5) }
  console.log(`\n${markdown(results, meta)}`)
}
