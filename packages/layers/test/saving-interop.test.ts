/**
 * Interop with the real Keras 3: kx writes `.keras`, `.weights.h5`, sharded `.weights.json` and
 * legacy `.h5` files, and Python Keras (`.venv`, tools/golden/saving_interop.py) loads and runs them.
 * Also TF.js: tfjs-layers (from tools/) loads kx's `model.json`. Runs when `.venv/bin/python`
 * exists; with KX_REQUIRE_PYTHON=1 a missing Python is a failure, not a skip.
 */
import { describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tensor, type DType, type Tensor, type Variable } from '@kx/core'
import { Input, Layer, Model, Sequential, registerTrainer, type TrainerPlugin } from '../src/index.js'
import { Dense, Add, Concatenate, Embedding, Flatten, EinsumDense, PReLU, Reshape } from '../src/layers/index.js'
import { Conv1D } from '../src/index.js'
import { saveModel, saveWeights, layersModelArtifacts } from '../src/saving/index.js'

const REPO = join(__dirname, '../../..')
const PYTHON = join(REPO, '.venv/bin/python')
const SCRIPT = join(REPO, 'tools/golden/saving_interop.py')
const REQUIRE = process.env['KX_REQUIRE_PYTHON'] === '1'
const hasPython = existsSync(PYTHON)
const TFJS_ROOT = join(REPO, 'tools/package.json')
const hasTfjs = existsSync(join(REPO, 'tools/node_modules/@tensorflow/tfjs-layers'))

interface Arr { dtype: string; shape: number[]; data: number[] }
const enc = async (t: Tensor): Promise<Arr> => ({ dtype: t.dtype, shape: t.shape.slice(), data: [...(await t.data())].map(Number) })

function models(): { name: string; model: Layer; inputs: Tensor[] }[] {
  const x = Input({ shape: [5], name: 'features' })
  const a = new Dense({ units: 4, activation: 'tanh' }).apply(x)
  const b = new Dense({ units: 4 }).apply(x)
  const s = new Add().apply([a, b])
  const c = new Concatenate().apply([s, a])
  const twoHeads = new Model({ inputs: x, outputs: [new Dense({ units: 3, activation: 'sigmoid' }).apply(c), new Dense({ units: 2 }).apply(s)] })
  // LoRA on Dense, EinsumDense, Conv1D and Embedding, with non-zero B factors so the saved (merged) kernels differ from the bases.
  // NOTE: lora_alpha stays at the rank on Dense: Keras 3.15's Dense.build calls enable_lora(rank) and resets lora_alpha (its legacy .h5 would differ).
  const li = Input({ shape: [4, 6] })
  const ids = Input({ shape: [2], dtype: 'int32' })
  const loraLayers = [
    new Dense({ units: 5, loraRank: 2 }), new EinsumDense({ equation: 'abc,cd->abd', outputShape: [4, 3], biasAxes: 'd', loraRank: 2 }),
    new Conv1D({ filters: 2, kernelSize: 2, loraRank: 1 }), new Embedding({ inputDim: 7, outputDim: 3, loraRank: 2 }),
  ]
  const [ld, le, lc, lm] = loraLayers
  const h = new Flatten().apply(lc!.apply(le!.apply(ld!.apply(li))))
  const lora = new Model({ inputs: [li, ids], outputs: new Concatenate().apply([h, new Flatten().apply(lm!.apply(ids))]) })
  for (const l of loraLayers) {
    const b = (l as unknown as { loraKernelB?: Variable; loraEmbeddingsB?: Variable })
    const v = (b.loraKernelB ?? b.loraEmbeddingsB)!
    v.assign(tensor(Array.from({ length: v.shape.reduce((p, q) => p * q, 1) }, (_, i) => ((i % 5) - 2) / 10), { shape: v.shape.slice(), dtype: 'float32' }))
  }
  return [
    { name: 'lora', model: lora, inputs: [tensor(Array.from({ length: 48 }, (_, i) => Math.sin(i)), { shape: [2, 4, 6], dtype: 'float32' }), tensor([[1, 6], [0, 3]], { dtype: 'int32' })] },
    { name: 'mlp', model: new Sequential({ layers: [Input({ shape: [6] }), new Dense({ units: 8, activation: 'relu' }), new Dense({ units: 3, activation: 'softmax' })] }), inputs: [tensor([[0.1, -0.2, 0.3, 0.4, -0.5, 0.6], [1, 2, 3, 4, 5, 6]], { dtype: 'float32' })] },
    { name: 'two_heads', model: twoHeads, inputs: [tensor([[0.5, -1, 2, 0.25, 1], [1.5, 0.25, -0.75, 0, -2]], { dtype: 'float32' })] },
    { name: 'embedding', model: new Sequential({ layers: [Input({ shape: [4], dtype: 'int32' }), new Embedding({ inputDim: 12, outputDim: 3 }), new Flatten(), new Dense({ units: 2 })] }), inputs: [tensor([[1, 2, 3, 11], [0, 5, 5, 7]], { dtype: 'int32' })] },
    { name: 'einsum_prelu', model: new Sequential({ layers: [Input({ shape: [2, 3] }), new EinsumDense({ equation: 'abc,cd->abd', outputShape: [2, 4], biasAxes: 'd' }), new PReLU(), new Reshape({ targetShape: [8] }), new Dense({ units: 1 })] }), inputs: [tensor([[[1, 2, 3], [-1, 0.5, 2]]], { dtype: 'float32' })] },
  ]
}

async function kxOutputs(model: Layer, inputs: Tensor[]): Promise<Arr[]> {
  const out = model.apply(inputs.length === 1 ? inputs[0] : inputs) as Tensor | Tensor[]
  return Promise.all((Array.isArray(out) ? out : [out]).map(enc))
}

function compare(py: Arr[], kx: Arr[], what: string, tol = 1e-5): void {
  expect(py.length, what).toBe(kx.length)
  py.forEach((p, k) => {
    expect(p.shape, `${what}: output ${k} shape`).toEqual(kx[k]!.shape)
    p.data.forEach((v, i) => { if (Math.abs(v - kx[k]!.data[i]!) > tol * (1 + Math.abs(v))) expect.fail(`${what}: output ${k}[${i}] Python ${v} vs kx ${kx[k]!.data[i]}`) })
  })
}

describe.skipIf(!hasPython && !REQUIRE)('Python Keras loads what kx writes', () => {
  it('.keras, .weights.h5, sharded .weights.json and legacy .h5 of several models', async () => {
    if (!hasPython) expect.fail(`KX_REQUIRE_PYTHON=1 but ${PYTHON} does not exist; run \`bash tools/setup-python.sh\`.`)
    const dir = mkdtempSync(join(tmpdir(), 'kx-interop-'))
    try {
      const cases: Record<string, unknown>[] = []
      const expected = new Map<string, Arr[]>()
      for (const { name, model, inputs } of models()) {
        const outs = await kxOutputs(model, inputs)
        const ins = await Promise.all(inputs.map(enc))
        const f = (ext: string): string => join(dir, name + ext)
        await saveModel(model, f('.keras'))
        await saveWeights(model, f('.weights.h5'))
        await saveWeights(model, f('.weights.json'), { maxShardSize: 200 / 1024 ** 3 })
        await saveModel(model, f('.h5'))
        for (const [kind, file] of [['keras', f('.keras')], ['weights', f('.weights.h5')], ['sharded', f('.weights.json')], ['legacy_h5', f('.h5')]] as const) {
          cases.push({ name: `${name}/${kind}`, kind, file, model: f('.keras'), inputs: ins })
          expected.set(`${name}/${kind}`, outs)
        }
      }
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ cases }))
      const stdout = execFileSync(PYTHON, [SCRIPT, join(dir, 'manifest.json')], { env: { ...process.env, KERAS_BACKEND: 'jax' }, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 240_000 })
      const res = JSON.parse(stdout.trim().split('\n').pop()!) as { results: Record<string, { outputs?: Arr[]; error?: string }> }
      for (const [name, want] of expected) {
        const r = res.results[name]!
        if (r.error) expect.fail(`Python Keras could not load ${name}: ${r.error}`)
        compare(r.outputs!, want, name)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 300_000)

  it('a compiled model keeps its compile_config and optimizer state for Keras', async () => {
    if (!hasPython) expect.fail(`KX_REQUIRE_PYTHON=1 but ${PYTHON} does not exist.`)
    // A stand-in trainer: compile() installs an optimizer object shaped like @kx/trainers' (Keras variable order).
    const { Variable } = await import('@kx/core')
    registerTrainer({
      compile(model: Model, options: Record<string, unknown>) {
        const vars: InstanceType<typeof Variable>[] = [new Variable({ initializer: tensor(3, { dtype: 'int32' }), name: 'iteration' }), new Variable({ initializer: tensor(0.01, { dtype: 'float32' }), name: 'learning_rate' })]
        for (const w of model.trainableWeights) for (const s of ['momentum', 'velocity']) vars.push(new Variable({ initializer: tensor(new Float32Array(w.shape.reduce((p, q) => p * q, 1)).fill(0.5), { shape: w.shape.slice(), dtype: 'float32' }), name: `${w.name}_${s}` }))
        model.trainerState['compiled'] = { optimizer: { name: 'adam', className: 'Adam', variables: vars, built: true, getConfig: () => ({ name: 'adam', learning_rate: 0.01, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false }) } }
        model.compiled = options
      },
    } as unknown as TrainerPlugin)
    const { model, inputs } = models().find((m) => m.name === 'mlp')!
    ;(model as Model).compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] })
    const dir = mkdtempSync(join(tmpdir(), 'kx-interop-'))
    try {
      await saveModel(model, join(dir, 'c.keras'))
      const script = `
import keras, json, numpy as np
m = keras.saving.load_model(${JSON.stringify(join(dir, 'c.keras'))})
print(json.dumps({"compiled": m.compiled, "opt": type(m.optimizer).__name__, "lr": float(m.optimizer.learning_rate), "it": int(m.optimizer.iterations), "m0": float(np.asarray(m.optimizer.variables[2]).reshape(-1)[0]), "loss": str(m.loss)}))`
      const out = execFileSync(PYTHON, ['-c', script], { env: { ...process.env, KERAS_BACKEND: 'jax' }, encoding: 'utf8', timeout: 120_000 })
      const r = JSON.parse(out.trim().split('\n').pop()!)
      expect(r).toMatchObject({ compiled: true, opt: 'Adam', it: 3, m0: 0.5, loss: 'categorical_crossentropy' })
      expect(r.lr).toBeCloseTo(0.01, 6)
      void inputs
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 300_000)
})

describe.skipIf(!hasTfjs)('tfjs-layers loads what kx writes (model.json + weights.bin)', () => {
  it('same predictions in TF.js (plain and float16-quantized weights)', async () => {
    const req = createRequire(TFJS_ROOT)
    const tf = req('@tensorflow/tfjs-core')
    req('@tensorflow/tfjs-backend-cpu')
    const tfl = req('@tensorflow/tfjs-layers')
    await tf.setBackend('cpu')
    for (const { name, model, inputs } of models().filter((m) => m.name !== 'einsum_prelu' && m.name !== 'lora')) {
      for (const quantize of [undefined, 'float16'] as const) {
        const { topology, specs, data } = await layersModelArtifacts(model, quantize ? { quantize } : {})
        const m = await tfl.loadLayersModel({ load: async () => ({ modelTopology: topology, weightSpecs: specs, weightData: data.slice().buffer }) })
        const ins = await Promise.all(inputs.map(enc))
        const tins = ins.map((a) => tf.tensor(a.data, a.shape, a.dtype === 'int32' ? 'int32' : 'float32'))
        const out = m.predict(tins.length === 1 ? tins[0] : tins)
        const outs = (Array.isArray(out) ? out : [out]) as { shape: number[]; dataSync(): Float32Array }[]
        const got = outs.map((o) => ({ dtype: 'float32', shape: o.shape, data: [...o.dataSync()] }))
        compare(got, await kxOutputs(model, inputs), `tfjs ${name}${quantize ? ` (${quantize})` : ''}`, quantize ? 5e-3 : 1e-5)
      }
    }
  }, 120_000)
})
