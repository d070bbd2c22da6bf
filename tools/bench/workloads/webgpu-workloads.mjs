/**
 * @file WebGPU workloads (PEERS.md definitions): MLP training (Adam, batch 128), CNN training (Adam, batch 64),
 * CNN inference (batches 64 and 1), and first-step latency (shader compilation: each measured in a fresh
 * process), kx eager on `webgpu` against tfjs-layers 4.22 on tfjs-backend-webgpu, both on one Dawn device
 * (in Node: Mesa lavapipe, a CPU-bound software adapter; read the ratios, not the absolute numbers).
 */
import * as tf from '@tensorflow/tfjs-core'
import { keep, registerBackend, setBackend, tidy, valueAndGrad } from '@kx/core'
// The umbrella: its import registers the trainer (tools/ depends on it, not on @kx/layers directly).
import { Input, Sequential, layers, optimizers } from '@kx/keras'
import { spawnSync } from 'node:child_process'
import { pathToFileURL } from 'node:url'
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

/** The CNN as a kx layers model (Conv/Dense through the fused conv/matmul + bias + activation kernels). */
const kxCnn = () => new Sequential({
  layers: [Input({ shape: [28, 28, 1] }), new layers.Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' }), new layers.MaxPooling2D({ poolSize: 2 }),
    new layers.Conv2D({ filters: 64, kernelSize: 3, activation: 'relu' }), new layers.MaxPooling2D({ poolSize: 2 }), new layers.Flatten(),
    new layers.Dense({ units: 128, activation: 'relu' }), new layers.Dense({ units: 10, activation: 'softmax' })],
})
const kxCompile = (model) => model.compile({ optimizer: new optimizers.Adam({ learningRate: 1e-3 }), loss: 'categorical_crossentropy' })

const cnnTrain = {
  name: 'CNN training (webgpu)', detail: 'conv32 → pool → conv64 → pool → dense128 → dense10, CCE, Adam 1e-3, batch 64; loss read back each step', kind: 'throughput', unit: 'samples/s', unitsPerStep: 64,
  impls: [{
    id: 'kx webgpu layers', side: 'kx', engine: 'webgpu',
    setup: async () => {
      const model = kxCnn()
      kxCompile(model)
      const [x, y] = randomBatch(kx, 64, [28, 28, 1], 10)
      await model.trainOnBatch(x, y)
      return { step: async () => { await model.trainOnBatch(x, y) }, dispose: () => { x.dispose(); y.dispose() } }
    },
  }, {
    id: 'tfjs-layers webgpu', side: 'peer', engine: 'webgpu',
    setup: async () => {
      await useTfWebGPU()
      const model = peerCnn()
      const [x, y] = peerBatch(64, [28, 28, 1], 10)
      await model.trainOnBatch(x, y)
      return { step: async () => { await model.trainOnBatch(x, y) }, beforeSample: useTfWebGPU, dispose: () => { x.dispose(); y.dispose(); model.dispose() } }
    },
  }],
}

/**
 * What a fresh process pays before its first result: building the model (weights initialised on the device),
 * then the first CNN training step (batch 64) or prediction (batch 1), read back; nearly all of it is shader
 * compilation on a software adapter. Runs in the child process of `firstStepResults`.
 */
async function firstStep(side, what) {
  const t0 = performance.now()
  const batch = what === 'train' ? 64 : 1
  if (side === 'kx') {
    const model = kxCnn()
    const [x, y] = randomBatch(kx, batch, [28, 28, 1], 10)
    if (what === 'train') { kxCompile(model); await model.trainOnBatch(x, y) } else await model.predict(x)
  } else {
    await useTfWebGPU()
    const model = peerCnn()
    const [x, y] = peerBatch(batch, [28, 28, 1], 10)
    if (what === 'train') await model.trainOnBatch(x, y)
    else { const out = model.predict(x); await out.data() }
  }
  return performance.now() - t0
}

/**
 * First-step latency rows: each sample is a new process (`node <bundle> --first-step <side> <what>`), kx and
 * tfjs alternating, with Mesa's on-disk shader cache off so every process compiles from scratch.
 */
function firstStepResults(bundle, rounds, log) {
  const results = []
  for (const what of ['train', 'predict']) {
    const workload = {
      name: `First ${what === 'train' ? 'training step, CNN batch 64' : 'prediction, CNN batch 1'} (webgpu)`,
      detail: 'fresh process: model build + first step, read back (shader compilation; Mesa shader cache off)',
      kind: 'latency', unit: 'ms', unitsPerStep: 1, latencyScale: 1e3,
      impls: [{ id: 'kx webgpu layers', side: 'kx', engine: 'webgpu' }, { id: 'tfjs-layers webgpu', side: 'peer', engine: 'webgpu' }],
    }
    log(`\n${workload.name} — ${workload.detail}`)
    const samples = new Map(workload.impls.map((i) => [i.id, []]))
    const failures = new Map()
    const pipelines = new Map()
    for (let r = 0; r < rounds; r++) {
      for (const impl of r % 2 ? workload.impls.slice().reverse() : workload.impls) {
        const code = `import(${JSON.stringify(pathToFileURL(bundle).href)}).then((m) => m.main(['--first-step', '${impl.side}', '${what}'])).then(() => process.exit(0))`
        const out = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', env: { ...process.env, MESA_SHADER_CACHE_DISABLE: 'true' }, timeout: 300_000 })
        const ms = Number(/FIRST_STEP_MS (\S+)/.exec(out.stdout ?? '')?.[1])
        pipelines.set(impl.id, /PIPELINES (\d+)/.exec(out.stdout ?? '')?.[1])
        if (Number.isFinite(ms)) samples.get(impl.id).push(1000 / ms)
        else failures.set(impl.id, `${out.status}: ${(out.stderr ?? '').trim().split('\n').pop()}`)
      }
    }
    const medians = new Map()
    for (const [id, xs] of samples) {
      if (!xs.length) continue
      const s = xs.slice().sort((a, b) => a - b)
      medians.set(id, s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2)
      log(`  ${id}: ${(1000 / medians.get(id)).toFixed(0)} ms (${xs.map((v) => (1000 / v).toFixed(0)).join(', ')}), ${pipelines.get(id)} shader pipelines`)
    }
    results.push({ workload, medians, samples, failures })
  }
  return results
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
        const model = kxCnn()
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

/**
 * KX_BENCH_TRACE=1 (first-step child only): submits after every program run and times each run with its
 * submit. On Dawn + lavapipe a new pipeline's first submit blocks while its shader compiles, so a program's
 * first run against its later ones says what compiling it cost. Returns a function printing the programs by
 * first-run time (the shader key, cut) and the totals.
 */
function traceDispatches(backend) {
  const tb = backend.tfBackend
  const run = tb.runWebGPUProgram.bind(tb)
  const byKey = new Map()
  let runs = 0
  let total = 0
  tb.runWebGPUProgram = (program, ...rest) => {
    const t = performance.now()
    const out = run(program, ...rest)
    tb.ensureCommandEncoderReady()
    tb.endComputePassEncoder()
    tb.submitQueue()
    const ms = performance.now() - t
    const key = program.shaderKey.slice(0, 110)
    const e = byKey.get(key)
    if (e) e.later.push(ms)
    else byKey.set(key, { first: ms, later: [] })
    runs++
    total += ms
    return out
  }
  return async () => {
    await backend.device.queue.onSubmittedWorkDone()
    const firsts = [...byKey.values()].reduce((a, e) => a + e.first, 0)
    console.log(`TRACE ${runs} program runs, ${byKey.size} programs: ${total.toFixed(0)} ms in runs + submits, ${firsts.toFixed(0)} ms of it in first runs`)
    const mean = (xs) => (xs.length ? (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1) : '-')
    for (const [key, e] of [...byKey].sort((a, b) => b[1].first - a[1].first).slice(0, 40)) {
      console.log(`TRACE first ${e.first.toFixed(0).padStart(6)} ms, later ${mean(e.later).padStart(6)} ms ×${e.later.length}  ${key}`)
    }
  }
}

/**
 * Runs the selected workloads (`--filter`, `--rounds`, `--sample`); `--first-step <kx|tfjs> <train|predict>`
 * is the child-process entry of the first-step rows (prints `FIRST_STEP_MS <ms>`). `bundle` is this module's
 * bundled file, which the first-step children load.
 */
export async function main(argv, { bundle } = {}) {
  const arg = (name) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined }
  // Dawn in Node: navigator.gpu and the WebGPU constants, before tfjs-backend-webgpu loads.
  const { create, globals } = await import('webgpu')
  Object.assign(globalThis, globals)
  if (!globalThis.navigator?.gpu) Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true })
  kx = await createWebGPUBackend({ cpuForward: false })
  // kx layers models create their weights on the default backend.
  registerBackend('webgpu', () => kx, { priority: 1000 })
  await setBackend('webgpu')
  if (arg('first-step')) {
    const trace = process.env.KX_BENCH_TRACE ? traceDispatches(kx) : undefined
    const ms = await firstStep(arg('first-step'), argv[argv.indexOf('--first-step') + 2])
    if (trace) await trace()
    console.log(`FIRST_STEP_MS ${ms} PIPELINES ${Object.keys(kx.tfBackend.pipelineCache).length}`)
    // KX_BENCH_PIPELINES=1: list the compiled pipelines' cache keys (which programs a first step needs).
    if (process.env.KX_BENCH_PIPELINES) for (const k of Object.keys(kx.tfBackend.pipelineCache)) console.log(`PIPELINE ${k}`)
    return
  }
  console.log(`adapter: ${JSON.stringify(kx.features.adapterInfo)}, shader-f16: ${kx.features.shaderF16}`)
  const filter = arg('filter')
  const rounds = Number(arg('rounds') ?? 5)
  const all = [mlpTrain, cnnTrain, cnnInfer(64), cnnInfer(1)]
  const selected = all.filter((w) => !filter || w.name.toLowerCase().includes(filter.toLowerCase()))
  const results = await runWorkloads(selected, { rounds, sampleSeconds: Number(arg('sample') ?? 0.5), log: (l) => console.log(l) })
  if (bundle && (!filter || 'first'.includes(filter.toLowerCase()))) results.push(...firstStepResults(bundle, rounds, (l) => console.log(l)))
  const meta = { date: new Date().toISOString().slice(0, 16).replace('T', ' '), node: process.versions.node, cpu: `${(await import('node:os')).cpus().length} cores`, rounds }
  console.log(`\n${markdown(results, meta)}`)
}
