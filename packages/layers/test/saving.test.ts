/** Round trips of kx's own files: `.keras`, `.weights.h5` (plain and sharded), legacy `.h5`, TF.js; compile config and optimizer state. */
import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tensor, KxError, Variable, type Tensor } from '@kx/core'
import { Input, Layer, Model, Sequential, registerTrainer, type TrainerPlugin } from '../src/index.js'
import { Dense, Dropout, Flatten, Add, Embedding, Concatenate, Lambda } from '../src/layers/index.js'
import { IntegerLookup, StringLookup, deserializeLayer } from '../src/index.js'
import { registerSerializableFunction } from '../src/activations/index.js'
import {
  saveModel, loadModel, saveWeights, loadWeights, memoryFiles, KerasFileEditor, saveLayersModel, loadLayersModel, planSave, sniffFormat,
  registerCompileConfigHooks, FormatCannotExpressError,
} from '../src/saving/index.js'
import { ZipReader } from '../src/saving/zip.js'
import { H5Reader } from '../src/saving/h5.js'
import { checkSavingRoundTrip } from './harness-saving.js'

const x3 = (): Tensor => tensor([[0.5, -1, 2], [1.5, 0.25, -0.75]], { dtype: 'float32' })
async function values(model: Layer, x: Tensor = x3()): Promise<number[]> { return [...((await (model.apply(x) as Tensor).data()) as Float32Array)] }
async function weightsOf(model: Layer): Promise<number[][]> { return Promise.all(model.weights.map(async (w) => [...(await w.value.data())])) }

function mlp(): Sequential {
  return new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 4, activation: 'relu' }), new Dense({ units: 2 })] })
}
function functional(): Model {
  const x = Input({ shape: [3], name: 'inp' })
  const a = new Dense({ units: 4, activation: 'tanh' }).apply(x)
  const b = new Dense({ units: 4 }).apply(x)
  const s = new Add().apply([a, b])
  const c = new Concatenate().apply([s, a])
  return new Model({ inputs: x, outputs: new Dense({ units: 2, activation: 'sigmoid' }).apply(c) })
}

describe('.keras round trip', () => {
  it('Sequential: same outputs, Keras paths, metadata and config', async () => {
    const model = mlp()
    const before = await values(model)
    const files = memoryFiles()
    await saveModel(model, files)
    const bytes = files.get('model.keras')!
    expect(sniffFormat(bytes)).toBe('zip')
    const zip = ZipReader.open(bytes, 'model.keras')
    expect(zip.names()).toEqual(['metadata.json', 'config.json', 'model.weights.h5'])
    expect(zip.entry('model.weights.h5')!.method).toBe(0)
    const config = JSON.parse(new TextDecoder().decode(await zip.read('config.json')))
    expect(config.class_name).toBe('Sequential')
    expect(config.compile_config).toEqual({})
    const meta = JSON.parse(new TextDecoder().decode(await zip.read('metadata.json')))
    expect(meta.keras_version).toMatch(/^3\./)
    expect(meta.date_saved).toMatch(/^\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d$/)
    const ed = await KerasFileEditor.open(bytes)
    expect(ed.weights().map((w) => w.path)).toEqual(['layers/dense/vars/0', 'layers/dense/vars/1', 'layers/dense_1/vars/0', 'layers/dense_1/vars/1'])
    expect(ed.weights()[0]!.objectName).toBe(model.layers[0]!.name)
    ed.close()
    const again = await loadModel(files.source('model.keras'))
    expect(again).toBeInstanceOf(Sequential)
    expect(await values(again)).toEqual(before)
    expect(await weightsOf(again)).toEqual(await weightsOf(model))
  })
  it('Functional with shared inputs, merges and several Dense: identical predictions', async () => {
    const model = functional()
    const files = memoryFiles()
    await model.save(files)
    const again = await loadModel(files.source('model.keras'))
    expect(await values(again)).toEqual(await values(model))
    const paths = planSave(again).map((e) => e.path)
    expect(paths).toEqual(['', 'layers/input_layer', 'layers/dense', 'layers/dense_1', 'layers/add', 'layers/concatenate', 'layers/dense_2'])
  })
  it('saves to and loads from a path (Node), and Model.loadWeights reads .keras', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kx-saving-'))
    try {
      const model = mlp()
      await saveModel(model, join(dir, 'sub', 'm.keras'))
      expect(existsSync(join(dir, 'sub', 'm.keras'))).toBe(true)
      const again = await loadModel(join(dir, 'sub', 'm.keras'))
      expect(await values(again)).toEqual(await values(model))
      const other = mlp()
      await other.loadWeights(join(dir, 'sub', 'm.keras'))
      expect(await values(other)).toEqual(await values(model))
      await expect(saveModel(model, join(dir, 'm.zip'))).rejects.toThrow(/extension/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
  it('Dropout in a Sequential model (layers whose symbolic call returns its input)', async () => {
    const model = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 4 }), new Dropout({ rate: 0.5 }), new Dense({ units: 2 })] })
    const files = memoryFiles()
    await saveModel(model, files)
    const again = await loadModel(files.source('model.keras'))
    expect(await values(again)).toEqual(await values(model))
    expect(planSave(again).map((e) => e.path)).toEqual(['', 'layers/dense', 'layers/dropout', 'layers/dense_1'])
  })
  it('Embedding with int inputs', async () => {
    const model = new Sequential({ layers: [Input({ shape: [4], dtype: 'int32' }), new Embedding({ inputDim: 10, outputDim: 3 }), new Flatten(), new Dense({ units: 1 })] })
    const x = tensor([[1, 2, 3, 9]], { dtype: 'int32' })
    const files = memoryFiles()
    await saveModel(model, files)
    const again = await loadModel(files.source('model.keras'))
    expect(await values(again, x)).toEqual(await values(model, x))
  })
})

describe('.weights.h5', () => {
  it('round trip, and Keras-compatible layout', async () => {
    const model = functional()
    const files = memoryFiles()
    await saveWeights(model, files)
    const other = functional()
    expect(await values(other)).not.toEqual(await values(model))
    await loadWeights(other, files.source('model.weights.h5'))
    expect(await values(other)).toEqual(await values(model))
    const r = await H5Reader.open(files.get('model.weights.h5')!, 'w')
    expect(r.attr('layers/dense/vars', 'name')).toBe(model.layers[1]!.name)
    expect(r.attr('vars', 'name')).toBe(model.name)
    expect(r.datasetInfo('layers/dense_2/vars/0').shape).toEqual([8, 2])
    r.close()
  })
  it('sharded .weights.json: several shards, weight map, round trip', async () => {
    const model = functional()
    const files = memoryFiles()
    await saveWeights(model, files, { maxShardSize: 100 / 1024 ** 3 })
    const index = JSON.parse(new TextDecoder().decode(files.get('model.weights.json')!))
    expect(Object.keys(index.weight_map)).toContain('/layers/dense/vars')
    const shards = files.names().filter((n) => n.endsWith('.weights.h5'))
    expect(shards.length).toBeGreaterThan(2)
    expect(shards[0]).toBe('model_00000.weights.h5')
    const other = functional()
    await loadWeights(other, files.source('model.weights.json'))
    expect(await values(other)).toEqual(await values(model))
  })
  it('shape mismatch: typed error naming the variable and the file; skipMismatch warns', async () => {
    const files = memoryFiles()
    await saveWeights(mlp(), files)
    const wide = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 5 }), new Dense({ units: 2 })] })
    const err = await loadWeights(wide, files.source('model.weights.h5')).catch((e) => e)
    expect(err).toBeInstanceOf(KxError)
    expect(err.code).toBe('shape')
    expect(err.message).toMatch(/model\.weights\.h5/)
    const warnings: string[] = []
    await loadWeights(wide, files.source('model.weights.h5'), { skipMismatch: true, warn: (w) => warnings.push(w) })
    expect(warnings.join('\n')).toMatch(/could not be loaded/)
  })
  it('unbuilt models are refused', async () => {
    const m = new Sequential({ layers: [new Dense({ units: 2 })] })
    await expect(saveWeights(m, memoryFiles())).rejects.toThrow(/not yet been built/)
    await expect(loadWeights(m, new Uint8Array(10))).rejects.toThrow(/not yet been built/)
  })
})

describe('legacy Keras 2 .h5 and TF.js written by kx', () => {
  it('legacy .h5 full model and weights round trip', async () => {
    const model = functional()
    const files = memoryFiles()
    await saveModel(model, files, { format: 'h5' })
    const again = await loadModel(files.source('model.h5'))
    expect(await values(again)).toEqual(await values(model))
    const w = memoryFiles()
    await saveWeights(model, w, { format: 'legacy-h5', name: 'w.h5' })
    const other = functional()
    await loadWeights(other, w.source('w.h5'))
    expect(await values(other)).toEqual(await values(model))
  })
  it('TF.js model.json + weights.bin round trip, plain and quantized', async () => {
    const model = functional()
    const files = memoryFiles()
    await saveLayersModel(model, files)
    const json = JSON.parse(new TextDecoder().decode(files.get('model.json')!))
    expect(json.format).toBe('layers-model')
    expect(json.modelTopology.class_name).toBe('Model')
    const again = await loadLayersModel(files.source('model.json'))
    expect(await values(again)).toEqual(await values(model))
    for (const q of ['float16', 'uint16', 'uint8'] as const) {
      const f = memoryFiles()
      await saveLayersModel(model, f, { quantize: q })
      const m = await loadModel(f.source('model.json'))
      const [a, b] = [await values(m), await values(model)]
      a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(q === 'uint8' ? 0.05 : 2e-3))
    }
  })
})

describe('compile config and optimizer state', () => {
  class FakeOptimizer {
    static readonly className = 'Adam'
    readonly className = 'Adam'
    readonly name = 'adam'
    built = false
    learningRate: number
    variables: Variable[] = []
    constructor(lr = 0.001) { this.learningRate = lr; this.variables.push(new Variable({ initializer: tensor(0, { dtype: 'int64' }), name: 'iteration' })) }
    build(vars: readonly Variable[]): void {
      if (this.built) return
      this.built = true
      for (const v of vars) this.variables.push(new Variable({ initializer: tensor(new Float32Array(v.shape.reduce((a, b) => a * b, 1)), { shape: v.shape.slice(), dtype: v.dtype }), name: `${v.name}_m` }))
    }
    getConfig() { return { name: this.name, learning_rate: this.learningRate } }
  }
  const compiled: Record<string, unknown>[] = []
  const trainer = {
    compile(model: Model, options: Record<string, unknown>) {
      compiled.push(options)
      const o = options['optimizer'] as { config?: { learning_rate?: number } } | string
      model.trainerState['compiled'] = { optimizer: new FakeOptimizer(typeof o === 'object' ? o.config?.learning_rate : undefined) }
      model.compiled = options
    },
  } as unknown as TrainerPlugin
  it('writes compile_config + optimizer/vars/N, and restores both through model.compile()', async () => {
    registerTrainer(trainer)
    const model = mlp()
    model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] })
    const opt = (model.trainerState['compiled'] as { optimizer: FakeOptimizer }).optimizer
    opt.build(model.trainableWeights)
    opt.variables[0]!.assign(tensor(7, { dtype: 'int64' }))
    opt.variables[1]!.assign(tensor(new Float32Array(12).fill(0.25), { shape: [3, 4], dtype: 'float32' }))
    const files = memoryFiles()
    await model.save(files)
    const zip = ZipReader.open(files.get('model.keras')!, 'm')
    const cfg = JSON.parse(new TextDecoder().decode(await zip.read('config.json')))
    expect(cfg.compile_config.optimizer).toMatchObject({ module: 'keras.optimizers', class_name: 'Adam', config: { learning_rate: 0.001 } })
    expect(cfg.compile_config).toMatchObject({ loss: 'mse', metrics: ['mae'], loss_weights: null })
    const ed = await KerasFileEditor.open(files.get('model.keras')!)
    expect(ed.weights().filter((w) => w.objectPath === 'optimizer').map((w) => w.index)).toEqual(['0', '1', '2', '3', '4'])
    ed.close()
    compiled.length = 0
    const again = (await loadModel(files.source('model.keras'))) as Model
    expect(compiled[0]).toMatchObject({ loss: 'mse', metrics: ['mae'], optimizer: { class_name: 'Adam' } })
    const opt2 = (again.trainerState['compiled'] as { optimizer: FakeOptimizer }).optimizer
    expect(opt2.built).toBe(true)
    expect([...(await opt2.variables[0]!.value.data())]).toEqual([7])
    expect([...(await opt2.variables[1]!.value.data())]).toEqual(new Array(12).fill(0.25))
    compiled.length = 0
    await loadModel(files.source('model.keras'), { compile: false })
    expect(compiled.length).toBe(0)
  })
  it('compile-config hooks take over when registered', async () => {
    const seen: unknown[] = []
    registerCompileConfigHooks({ getCompileConfig: () => ({ custom: true }), compileFromConfig: (_m, c) => { seen.push(c) } })
    try {
      const model = mlp()
      model.compiled = { optimizer: 'sgd' }
      const files = memoryFiles()
      await model.save(files)
      await loadModel(files.source('model.keras'))
      expect(seen).toEqual([{ custom: true }])
    } finally {
      registerCompileConfigHooks(undefined)
    }
  })
})

describe('sources, safe mode and the file editor', () => {
  it('Lambda layers load only with safeMode: false (and a registered function)', async () => {
    const double = registerSerializableFunction('kx_test', 'double', (x: Tensor) => Add.prototype.call.call(new Add(), [x, x]) as Tensor)
    const model = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 2 }), new Lambda({ function: double })] })
    const files = memoryFiles()
    await saveModel(model, files)
    const err = await loadModel(files.source('model.keras')).catch((e) => e)
    expect(err).toBeInstanceOf(KxError)
    expect(err.message).toMatch(/safe mode/)
    const again = await loadModel(files.source('model.keras'), { safeMode: false })
    expect(await values(again)).toEqual(await values(model))
  })
  it('ArrayBuffer, Uint8Array, Blob-like and URL-like sources', async () => {
    const model = mlp()
    const files = memoryFiles()
    await saveModel(model, files)
    const bytes = files.get('model.keras')!
    const want = await values(model)
    expect(await values(await loadModel(bytes.slice().buffer))).toEqual(want)
    expect(await values(await loadModel(bytes))).toEqual(want)
    const blob = { size: bytes.length, name: 'm.keras', arrayBuffer: async () => bytes.slice().buffer }
    expect(await values(await loadModel(blob))).toEqual(want)
    const dir = mkdtempSync(join(tmpdir(), 'kx-url-'))
    try {
      await saveModel(model, join(dir, 'm.keras'))
      expect(await values(await loadModel({ href: `file://${join(dir, 'm.keras')}`, protocol: 'file:' }))).toEqual(want)
      expect(readFileSync(join(dir, 'm.keras')).length).toBe(bytes.length)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    await expect(loadModel(42 as never)).rejects.toThrow(KxError)
    await expect(loadModel(new Uint8Array([1, 2, 3, 4, 5]))).rejects.toThrow(/not a model file/)
  })
  it('KerasFileEditor reads single variables without building the model', async () => {
    const model = mlp()
    const files = memoryFiles()
    await saveWeights(model, files)
    const ed = await KerasFileEditor.open(files.get('model.weights.h5')!)
    const { data, shape } = ed.read('layers/dense_1/vars/0')
    expect(shape).toEqual([4, 2])
    expect([...data]).toEqual([...(await model.layers[1]!.weights[0]!.value.data())])
    expect(ed.summary()).toMatch(/Total: 4 variables, 26 values/)
    ed.close()
  })
})

describe('legacy .h5 optimizer state (Keras 3 legacy loader: set_weights in order, warn at the first mismatch)', () => {
  /** Keras 3 Adam's variable order: iteration, learning_rate, then momentum and velocity per variable. */
  class FakeAdam {
    static readonly className = 'Adam'
    readonly className = 'Adam'
    readonly name = 'adam'
    built = false
    variables: Variable[] = [
      new Variable({ initializer: tensor(0, { dtype: 'int64' }), name: 'iteration' }),
      new Variable({ initializer: tensor(0.001, { dtype: 'float32' }), name: 'learning_rate' }),
    ]
    build(vars: readonly Variable[]): void {
      if (this.built) return
      this.built = true
      for (const v of vars) {
        for (const slot of ['momentum', 'velocity']) this.variables.push(new Variable({ initializer: tensor(new Float32Array(numel(v)), { shape: v.shape.slice(), dtype: 'float32' }), name: `${v.name}_${slot}` }))
      }
    }
    getConfig() { return { name: this.name, learning_rate: 0.001 } }
  }
  const trainer = {
    compile(model: Model) {
      const opt = new FakeAdam()
      model.trainerState['compiled'] = { optimizer: opt }
      model.compiled = { optimizer: 'adam' }
    },
  } as unknown as TrainerPlugin
  const numel = (v: Variable): number => v.shape.reduce((a, b) => a * b, 1)
  const golden = (f: string): Uint8Array => new Uint8Array(readFileSync(join(__dirname, 'golden', 'saving', f)))
  const optOf = (m: Layer): FakeAdam => ((m as Model).trainerState['compiled'] as { optimizer: FakeAdam }).optimizer

  it('a Keras 3 legacy .h5 (tools/golden/saving.py, Adam after one step): every optimizer variable restored from optimizer_weights', async () => {
    registerTrainer(trainer)
    const warnings: string[] = []
    const model = await loadModel(golden('mlp_sequential.h5'), { warn: (m) => warnings.push(m) })
    const r = await H5Reader.open(golden('mlp_sequential.h5'), 'mlp_sequential.h5')
    try {
      const names = r.attr('optimizer_weights', 'weight_names') as string[]
      const vars = optOf(model).variables
      expect(names.length).toBe(10)
      expect(vars.length).toBe(names.length)
      for (const [i, n] of names.entries()) {
        const stored = [...r.readDataset(`optimizer_weights/${n}`, vars[i]!.dtype).data].map(Number)
        expect([...(await vars[i]!.value.data())].map(Number), n).toEqual(stored)
      }
      expect(Number((await vars[0]!.value.data())[0])).toBe(1)
    } finally {
      r.close()
    }
    expect(warnings.filter((w) => /optimizer/.test(w))).toEqual([])
  })
  it('a Keras 2 file (legacy Adam slot order, built with h5py by tools/golden/saving_kinds.py): warns and keeps what Keras 3 keeps', async () => {
    registerTrainer(trainer)
    const c = (JSON.parse(readFileSync(join(__dirname, 'golden', 'saving', 'kinds', 'cases.json'), 'utf8')) as { cases: Record<string, { optimizer: { keras3_variables: { path: string; value: { data: number[] } }[]; keras3_warnings: string[] } }> }).cases['keras2_adam']!.optimizer
    expect(c.keras3_warnings.some((w) => /Error in loading the saved optimizer state/.test(w))).toBe(true)
    const warnings: string[] = []
    const model = await loadModel(golden('kinds/keras2_adam.h5'), { warn: (m) => warnings.push(m) })
    expect(warnings.some((w) => /Error in loading the saved optimizer state.*freshly initialized optimizer/.test(w))).toBe(true)
    const vars = optOf(model).variables
    // Keras 3 keeps the saved iteration count (5) and its own learning rate; kx's fake Adam starts at 0.001.
    expect(Number((await vars[0]!.value.data())[0])).toBe(c.keras3_variables[0]!.value.data[0])
    expect(c.keras3_variables[0]!.path).toMatch(/iteration/)
    expect([...(await vars[1]!.value.data())]).toEqual([Math.fround(0.001)])
    for (const v of vars.slice(2)) expect([...(await v.value.data())].every((x) => x === 0)).toBe(true)
  })
  it('kx writes optimizer_weights into legacy .h5 and reads them back', async () => {
    registerTrainer(trainer)
    const model = mlp()
    model.compile({ optimizer: 'adam', loss: 'mse' })
    const opt = optOf(model)
    opt.build(model.trainableWeights)
    opt.variables.forEach((v, i) => { if (i > 0) v.assign(tensor(new Float32Array(numel(v)).fill(i / 8), { shape: v.shape.slice(), dtype: 'float32' })) })
    opt.variables[0]!.assign(tensor(3, { dtype: 'int64' }))
    const files = memoryFiles()
    await saveModel(model, files, { format: 'h5' })
    const again = await loadModel(files.source('model.h5'))
    const back = optOf(again).variables
    expect(back.length).toBe(opt.variables.length)
    for (let i = 0; i < back.length; i++) expect([...(await back[i]!.value.data())].map(Number)).toEqual([...(await opt.variables[i]!.value.data())].map(Number))
  })
})

describe('formats that cannot express a model', () => {
  it('TF.js refuses float64 weights with FormatCannotExpressError; the harness sweep skips that format only', async () => {
    const model = new Sequential({ layers: [Input({ shape: [3], dtype: 'float64' }), new Dense({ units: 2, dtype: 'float64' })] })
    const err = await saveLayersModel(model, memoryFiles()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FormatCannotExpressError)
    expect((err as KxError).code).toBe('not-implemented')
    expect((err as Error).message).toMatch(/float64/)
    const layer = new Dense({ units: 2, dtype: 'float64' })
    const x = tensor([[0.5, -1, 2]], { dtype: 'float64' })
    const report = await checkSavingRoundTrip(layer, x, layer.apply(x) as Tensor)
    expect(report).toMatchObject({ keras: 'ok', weightsH5: 'ok', sharded: 'ok', legacyH5: 'ok' })
    expect(report.tfjs).toMatch(/^skip: .*float64/)
  })
})

describe('assets and named values (Keras save_assets / save_own_variables with keys)', () => {
  it('an adapted tf_idf IntegerLookup: vocabulary in assets/, idf_weights by name; reload is identical; legacy formats refuse it', async () => {
    const lookup = new IntegerLookup({ outputMode: 'tf_idf' })
    await lookup.adapt(tensor([[3, 3, 1], [2, 3, 2], [7, 7, 7]], { dtype: 'int32' }))
    const model = new Sequential({ layers: [Input({ shape: [3], dtype: 'int32' }), lookup] })
    const x = tensor([[3, 1, 9], [7, 2, 2]], { dtype: 'int32' })
    const before = [...((await (model.apply(x) as Tensor).data()) as Float32Array)]
    const files = memoryFiles()
    await saveModel(model, files)
    const zip = ZipReader.open(files.get('model.keras')!, 'm')
    expect(zip.names()).toContain('assets/layers/integer_lookup/vocabulary.txt')
    expect(new TextDecoder().decode(await zip.read('assets/layers/integer_lookup/vocabulary.txt')).split('\n')).toEqual(lookup.getVocabulary(true).map(String))
    const ed = await KerasFileEditor.open(files.get('model.keras')!)
    expect(ed.weights().map((w) => w.path)).toEqual(['layers/integer_lookup/vars/idf_weights'])
    ed.close()
    const again = await loadModel(files.source('model.keras'))
    expect([...((await (again.apply(x) as Tensor).data()) as Float32Array)]).toEqual(before)
    expect(((again as Sequential).layers[0] as IntegerLookup).getVocabulary(true)).toEqual(lookup.getVocabulary(true))
    for (const save of [() => saveModel(model, memoryFiles(), { format: 'h5' }), () => saveLayersModel(model, memoryFiles())]) {
      const err = await save().catch((e: unknown) => e)
      expect(err).toBeInstanceOf(FormatCannotExpressError)
      expect((err as Error).message).toMatch(/vocabulary\.txt as assets/)
    }
  })
  it('a vocabulary asset written by Keras (StringLookup in tools/golden/saving_kinds.py text_layers) gives Keras outputs', async () => {
    const dir = join(__dirname, 'golden', 'saving', 'kinds')
    const c = (JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { cases: Record<string, { inputs: { data: string[]; shape: number[] }[]; outputs: { data: number[]; shape: number[] }[] }> }).cases['text_layers']!
    const zip = ZipReader.open(new Uint8Array(readFileSync(join(dir, 'text_layers.keras'))), 'text_layers.keras')
    const cfg = JSON.parse(new TextDecoder().decode(await zip.read('config.json'))) as { config: { layers: { name: string; class_name: string; config: Record<string, unknown> }[] } }
    // The adapted one (vocabulary null in its config); its asset folder is its Keras path, the second StringLookup: string_lookup_1.
    const lc = cfg.config.layers.find((l) => l.class_name === 'StringLookup' && l.config['vocabulary'] === null)!
    expect(lc.config['vocabulary']).toBeNull()
    const layer = deserializeLayer({ class_name: lc.class_name, config: lc.config }) as StringLookup
    layer.loadAssets(new Map([['vocabulary.txt', await zip.read('assets/layers/string_lookup_1/vocabulary.txt')]]))
    const words = [c.inputs[0]!.data.slice(0, 3), c.inputs[0]!.data.slice(3, 6)]
    const out = layer.apply(words) as Tensor
    expect(out.shape).toEqual(c.outputs[6]!.shape)
    expect([...(await out.data())].map(Number)).toEqual(c.outputs[6]!.data)
  })
})
