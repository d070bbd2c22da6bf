/**
 * String inputs in Functional models (`Input({shape, dtype: 'string'})`): symbolic specs as Keras 3's
 * `compute_output_spec`, eager runs with host strings (nested JS arrays or StringArray), `predict`,
 * `.keras` round trips whose config.json is Keras's, and the typed errors.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import { DTypeError, KerasTensor, KxError, NotImplementedError, ShapeError, trace, type Tensor } from '@kx/core'
import { Concatenate, Dense, Embedding, Flatten, Functional, Input, InputLayer, Model, Sequential, deserializeLayer } from '../src/index.js'
import { HashedCrossing, Hashing, IntegerLookup, StringLookup, TextVectorization } from '../src/layers/index-pre.js'
import { registerBuiltinLayers } from '../src/layers/builtins.js'
import { loadModel, memoryFiles, saveModel } from '../src/saving/index.js'
import { StringArray } from '../src/engine/strings.js'

const KINDS = join(__dirname, 'golden', 'saving', 'kinds')
interface Arr { dtype: string; shape: number[]; data: (number | string)[] }
const textCase = (JSON.parse(readFileSync(join(KINDS, 'cases.json'), 'utf8')) as { cases: Record<string, { inputs: Arr[]; outputs: Arr[] }> }).cases['text_layers']!
const kerasArchive = unzipSync(new Uint8Array(readFileSync(join(KINDS, 'text_layers.keras'))))
type LayerCfg = { class_name: string; name: string; config: Record<string, unknown>; build_config?: unknown; inbound_nodes: unknown[] }
type ModelCfg = { config: { layers: LayerCfg[]; input_layers: unknown; output_layers: unknown } }
const kerasConfig = JSON.parse(new TextDecoder().decode(kerasArchive['config.json'])) as ModelCfg

beforeAll(() => { registerBuiltinLayers() })

/** Drops Python's `shared_object_id` (an id() of a shared DTypePolicy object, not part of the model). */
const clean = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x: unknown) => (k === 'shared_object_id' ? undefined : x)))

describe('string Input: symbolic', () => {
  it('Input({dtype: "string"}) is a KerasTensor of dtype "string"; the InputLayer config is Keras\'s and its policy stays float', () => {
    const x = Input({ shape: [3], dtype: 'string', name: 'input_layer_20' })
    expect(x).toBeInstanceOf(KerasTensor)
    expect(x.shape).toEqual([null, 3])
    expect(x.dtype as string).toBe('string')
    const layer = (x.kerasHistory as { layer: InputLayer }).layer
    expect(layer.dtypePolicy.name).toBe('float32')
    const keras = kerasConfig.config.layers.find((l) => l.name === 'input_layer_20')!
    expect(layer.getConfig()).toEqual(keras.config)
    const again = deserializeLayer({ class_name: 'InputLayer', config: keras.config }) as InputLayer
    expect(again.output.dtype as string).toBe('string')
  })

  it('the string layers give Keras compute_output_spec shapes and dtypes', () => {
    const words = Input({ shape: [3], dtype: 'string' })
    const ints = Input({ shape: [3], dtype: 'int64' })
    const text = Input({ shape: [], dtype: 'string' })
    const num = Input({ shape: [], dtype: 'int64' })
    const tv = new TextVectorization({ outputSequenceLength: 4, vocabulary: ['the', 'cat'] })
    const outs = [
      new StringLookup({ vocabulary: ['a', 'b', 'c', 'dé'] }).apply(words),
      new IntegerLookup({ vocabulary: [4, 8, 15, 16], outputMode: 'multi_hot' }).apply(ints),
      new Hashing({ numBins: 5, salt: 7 }).apply(words),
      new HashedCrossing({ numBins: 6 }).apply([text, num]),
      tv.apply(text),
      new TextVectorization({ maxTokens: 8, outputMode: 'tf_idf', vocabulary: ['the', 'cat', 'sat'], idfWeights: [0.5, 1.0, 1.5] }).apply(text),
      new StringLookup({ vocabulary: ['a', 'b', 'c'], outputMode: 'count' }).apply(words),
    ] as KerasTensor[]
    // Keras's eager outputs of the same layers (cases.json) with the batch dim unknown. Dtypes: what Keras's
    // eager call returns on JAX (int64 results come back int32 with x64 off); kx's symbolic dtype is the one
    // that runs, where Keras's compute_output_spec says int64 (floatx for the encoded modes).
    expect(outs.map((o) => o.shape)).toEqual(textCase.outputs.map((o) => [null, ...o.shape.slice(1)]))
    expect(outs.map((o) => o.dtype)).toEqual(textCase.outputs.map((o) => o.dtype))
    // Keras records the call shapes of the layers it builds on first call (TextVectorization, Hashing, HashedCrossing).
    expect(tv.getBuildConfig()).toEqual({ input_shape: [null] })
  })
})

/** A kx-built model: words → StringLookup → Embedding → Flatten, text → TextVectorization; concatenated into Dense. */
function textModel(): { model: Functional; emb: Embedding; dense: Dense } {
  const words = Input({ shape: [2], dtype: 'string', name: 'words' })
  const text = Input({ shape: [], dtype: 'string', name: 'text' })
  const lookup = new StringLookup({ vocabulary: ['a', 'b', 'c'] })
  const tv = new TextVectorization({ vocabulary: ['the', 'cat', 'sat'], outputMode: 'count' })
  const emb = new Embedding({ inputDim: 4, outputDim: 2, embeddingsInitializer: 'random_uniform' })
  const dense = new Dense({ units: 1, kernelInitializer: 'random_uniform', biasInitializer: 'ones' })
  const flat = new Flatten().apply(emb.apply(lookup.apply(words))) as KerasTensor
  const counts = tv.apply(text) as KerasTensor
  return { model: new Model({ inputs: [words, text], outputs: [dense.apply(flat), counts] }) as Functional, emb, dense }
}

describe('string Input: running the graph', () => {
  const words = [['a', 'zz'], ['c', 'b'], ['b', 'b']]
  const text = ['the cat', 'A cat SAT, the cat', 'dog']
  // Keras's rules: StringLookup puts OOV at 0 and the vocabulary from 1; TextVectorization in 'count' mode
  // (no mask index outside 'int') counts [UNK]=0, the=1, cat=2, sat=3 after lowercasing and stripping punctuation.
  const indices = [[1, 0], [3, 2], [2, 2]]
  const counts = [[0, 1, 1, 0], [1, 1, 2, 1], [1, 0, 0, 0]]

  async function expected(emb: Embedding, dense: Dense): Promise<number[]> {
    const e = (await emb.weights[0]!.value.array()) as number[][]
    const k = (await dense.weights[0]!.value.array()) as number[][]
    const b = (await dense.weights[1]!.value.array()) as number[]
    return indices.map((row) => row.flatMap((i) => e[i]!).reduce((s, v, j) => s + v * k[j]![0]!, b[0]!))
  }

  it('apply and predict take nested JS strings or StringArrays; numbers match a hand computation', async () => {
    const { model, emb, dense } = textModel()
    expect(model.hasStringInputs).toBe(true)
    const want = await expected(emb, dense)
    for (const run of [
      () => model.apply([words, text]),
      () => model.apply([StringArray.from(words), StringArray.from(text)]),
    ]) {
      const [y, c] = run() as Tensor[]
      expect(y!.shape).toEqual([3, 1])
      ;((await y!.data()) as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5))
      expect(await c!.array()).toEqual(counts)
    }
    for (const batchSize of [1, 2, 32]) {
      const [y, c] = await model.predict([words, text], { batchSize }) as Tensor[]
      expect(y!.shape).toEqual([3, 1])
      ;((await y!.data()) as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5))
      expect(await c!.array()).toEqual(counts)
    }
    const [y1] = await model.predictOnBatch([words, text]) as Tensor[]
    expect(y1!.shape).toEqual([3, 1])
  })

  it('a Sequential starting with a string Input runs, predicts and prints its summary', async () => {
    const emb = new Embedding({ inputDim: 4, outputDim: 2, embeddingsInitializer: 'random_uniform' })
    const model = new Sequential({ layers: [Input({ shape: [2], dtype: 'string' }), new StringLookup({ vocabulary: ['a', 'b', 'c'] }), emb, new Flatten()] })
    const e = (await emb.weights[0]!.value.array()) as number[][]
    const want = indices.map((row) => row.flatMap((i) => e[i]!))
    expect(await (model.apply(words) as Tensor).array()).toEqual(want)
    expect(await (await model.predict(words, { batchSize: 2 }) as Tensor).array()).toEqual(want)
    expect(model.summary({ printFn: () => {} })).toMatch(/string_lookup[\s\S]*embedding/)
  })

  it('a model with string inputs nests inside another one', async () => {
    const { model } = textModel()
    const w = Input({ shape: [2], dtype: 'string' })
    const t = Input({ shape: [], dtype: 'string' })
    const outer = new Model({ inputs: [w, t], outputs: model.apply([w, t]) }) as Functional
    const [a, ca] = model.apply([words, text]) as Tensor[]
    const [b, cb] = outer.apply([words, text]) as Tensor[]
    expect(await b!.data()).toEqual(await a!.data())
    expect(await cb!.array()).toEqual(await ca!.array())
  })

  it('a kx-saved .keras reloads with identical outputs; its InputLayers say dtype "string"', async () => {
    const { model } = textModel()
    const files = memoryFiles()
    await saveModel(model, files)
    const cfg = JSON.parse(new TextDecoder().decode(unzipSync(files.get('model.keras')!)['config.json'])) as ModelCfg
    expect(cfg.config.layers.filter((l) => l.class_name === 'InputLayer').map((l) => l.config['dtype'])).toEqual(['string', 'string'])
    const again = await loadModel(files.source('model.keras'))
    const [a, ca] = model.apply([words, text]) as Tensor[]
    const [b, cb] = again.apply([words, text]) as Tensor[]
    expect(await b!.data()).toEqual(await a!.data())
    expect(await cb!.array()).toEqual(await ca!.array())
  })

  it("predict on Keras's text_layers.keras (numbers as nested JS arrays too, one row per batch) gives Keras's outputs", async () => {
    const model = await loadModel(new Uint8Array(readFileSync(join(KINDS, 'text_layers.keras')))) as Model
    const nest = (a: Arr): unknown => (a.shape.length === 1 ? a.data : Array.from({ length: a.shape[0]! }, (_, i) => a.data.slice(i * a.shape[1]!, (i + 1) * a.shape[1]!)))
    const outs = await model.predict(textCase.inputs.map(nest), { batchSize: 1 }) as Tensor[]
    expect(outs.length).toBe(textCase.outputs.length)
    for (const [k, o] of outs.entries()) {
      expect(o.shape).toEqual(textCase.outputs[k]!.shape)
      expect(o.dtype).toBe(textCase.outputs[k]!.dtype)
      // Keras's ints exactly; the tf_idf floats are products of float32 weights and small counts (exact too).
      expect(Array.from(await o.data(), Number)).toEqual(textCase.outputs[k]!.data)
    }
  })

  it("Keras's text_layers.keras re-saved by kx has Keras's config.json", async () => {
    const model = await loadModel(new Uint8Array(readFileSync(join(KINDS, 'text_layers.keras'))))
    const files = memoryFiles()
    await saveModel(model, files)
    const cfg = clean(JSON.parse(new TextDecoder().decode(unzipSync(files.get('model.keras')!)['config.json']))) as ModelCfg
    const keras = clean(kerasConfig) as ModelCfg
    expect(cfg.config.layers.map((l) => l.name)).toEqual(keras.config.layers.map((l) => l.name))
    expect(cfg).toEqual(keras)
  })
})

describe('Functional layer order (what config.json lists and saved weight paths count by)', () => {
  it("is Keras's map_graph order: by depth from the inputs, ties by first visit from the outputs", () => {
    // Expected orders printed by Keras 3.15 (JAX) for the same graphs: `[l.name for l in model.layers]`.
    const x = Input({ shape: [3], name: 'x' })
    const short = new Dense({ units: 2, name: 'short' }).apply(x)
    const long2 = new Dense({ units: 2, name: 'long2' }).apply(new Dense({ units: 2, name: 'long1' }).apply(x))
    expect(new Model({ inputs: x, outputs: [short, long2] }).layers.map((l) => l.name)).toEqual(['x', 'long1', 'short', 'long2'])
    const a = Input({ shape: [3], name: 'a' })
    const b = Input({ shape: [3], name: 'b' })
    const unused = Input({ shape: [3], name: 'unused' })
    const cat = new Concatenate({ name: 'cat' }).apply([b, new Dense({ units: 3, name: 'da' }).apply(a)])
    const m2 = new Model({ inputs: [a, b, unused], outputs: [new Dense({ units: 1, name: 'out' }).apply(cat), new Dense({ units: 1, name: 'side' }).apply(b)] })
    expect(m2.layers.map((l) => l.name)).toEqual(['a', 'b', 'da', 'cat', 'unused', 'out', 'side'])
  })
})

describe('string Input: typed errors', () => {
  it('a numeric layer on a string KerasTensor or StringArray names itself', () => {
    const x = Input({ shape: [3], dtype: 'string' })
    const dense = new Dense({ units: 2, name: 'my_dense' })
    expect(() => dense.apply(x)).toThrow(DTypeError)
    expect(() => dense.apply(x)).toThrow(/"my_dense" \(Dense\)[\s\S]*Received: an input of dtype string and shape \(None, 3\)/)
    expect(() => dense.apply(StringArray.from([['a', 'b', 'c']]))).toThrow(/"my_dense"/)
    expect(() => new IntegerLookup({ vocabulary: [1, 2] }).apply(x)).toThrow(DTypeError)
  })

  it('"string" as a layer dtype policy is still refused', () => {
    expect(() => new Dense({ units: 2, dtype: 'string' })).toThrow(/Unknown dtype in DTypePolicy[\s\S]*"string"/)
  })

  it('inputs of the wrong kind, ragged strings, and tracing give typed errors', () => {
    const { model } = textModel()
    const err = (fn: () => unknown): unknown => { try { fn() } catch (e) { return e } return undefined }
    const e1 = err(() => model.apply([[[1, 2]], ['x']]))
    expect(e1).toBeInstanceOf(DTypeError)
    expect((e1 as Error).message).toMatch(/Input "words"[\s\S]*string/)
    expect(err(() => model.apply([[['a', 'b'], ['c']], ['x', 'y']]))).toBeInstanceOf(ShapeError)
    expect(err(() => model.apply([[['a', 'b']]]))).toBeInstanceOf(KxError)
    const num = Input({ shape: [2], name: 'nums' })
    const numeric = new Model({ inputs: num, outputs: new Dense({ units: 1 }).apply(num) })
    expect(err(() => numeric.apply([['a', 'b']]))).toBeInstanceOf(KxError)
    const t = err(() => trace((w: Tensor, s: Tensor) => model.apply([w, s]), model.inputs))
    expect(t).toBeInstanceOf(NotImplementedError)
    expect((t as Error).message).toMatch(/string inputs[\s\S]*cannot be traced/)
  })

  it('predict options it cannot honour, and training on string inputs, are refused', async () => {
    const { model } = textModel()
    await expect(model.predict([[['a', 'b']], ['the']], { callbacks: [] })).rejects.toBeInstanceOf(NotImplementedError)
    await expect(model.fit([[['a', 'b']], ['the']], [[1]])).rejects.toThrow(/fit\(\) of model "[^"]+", which has string inputs/)
    await expect(model.evaluate([[['a', 'b']], ['the']], [[1]])).rejects.toBeInstanceOf(NotImplementedError)
  })
})
