/**
 * Interop with the real Keras 3 for layers whose state lives in assets and named values (adapted
 * vocabularies, tf-idf weights, adapted statistics): kx writes `.keras`, Python Keras on JAX with
 * TensorFlow installed (`.venv-tf`, tools/golden/saving_interop_tf.py: Keras's lookup layers call tf
 * ops) loads it, runs it on the same inputs and saves it again; kx reloads Python's file. Functional
 * models with string inputs run on Keras's TensorFlow backend (JAX has no string arrays). Runs when
 * `.venv-tf/bin/python` exists; with KX_REQUIRE_PYTHON=1 a missing venv is a failure, not a skip.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Tensor, isFloat, tensor, type DType } from '@kx/core'
import { Input, Model, type Layer } from '../src/index.js'
import { Concatenate, Dense, Embedding, Flatten } from '../src/layers/index.js'
import { GlobalAveragePooling1D } from '../src/layers/index-b.js'
import { CategoryEncoding, Discretization, Hashing, IntegerLookup, Normalization, StringLookup, TextVectorization } from '../src/layers/index-pre.js'
import { loadModel, saveModel } from '../src/saving/index.js'

const REPO = join(__dirname, '../../..')
const PYTHON = join(REPO, '.venv-tf/bin/python')
const SCRIPT = join(REPO, 'tools/golden/saving_interop_tf.py')
const REQUIRE = process.env['KX_REQUIRE_PYTHON'] === '1'
const hasPython = existsSync(PYTHON)

interface Arr { dtype: string; shape: number[]; data: (number | string)[] }
/** Strings go in and come out as nested JS arrays (kx tensors have no string dtype). */
type Strings = readonly (string | Strings)[]
type In = Tensor | Strings
const nested = (v: Strings): Arr => {
  const shape: number[] = []
  for (let x: unknown = v; Array.isArray(x); x = x[0]) shape.push(x.length)
  return { dtype: 'string', shape, data: (v as unknown[]).flat(Infinity) as string[] }
}
const enc = async (t: In): Promise<Arr> => (Array.isArray(t) ? nested(t as Strings) : { dtype: (t as Tensor).dtype, shape: (t as Tensor).shape.slice(), data: [...(await (t as Tensor).data())].map(Number) })
const ints = (rows: number[][], dtype: DType = 'int32'): Tensor => tensor(rows, { dtype })
const floats = (rows: number[][]): Tensor => tensor(rows, { dtype: 'float32' })

interface Case { name: string; model: Layer; inputs: In[] }

/** Models with int and float inputs around the stateful preprocessing layers. */
async function cases(): Promise<Case[]> {
  // Adapted IntegerLookup (vocabulary in assets/) with a mask token and two OOV buckets, and a given-vocabulary inverse.
  const ids = Input({ shape: [4], dtype: 'int32' })
  const adapted = new IntegerLookup({ maskToken: 0, numOovIndices: 2, maxTokens: 8 })
  await adapted.adapt(ints([[5, 5, 9, 12], [7, 5, 9, 40], [12, 12, 12, 3]]))
  const inverse = new IntegerLookup({ vocabulary: [10, 20, 30], invert: true })
  const lookups = new Model({ inputs: ids, outputs: [adapted.apply(ids), inverse.apply(ids)] })

  // Output modes: given vocabulary (config) for multi_hot / count / one_hot, adapted tf_idf (assets + idf_weights).
  const bag = Input({ shape: [5], dtype: 'int32' })
  const one = Input({ shape: [1], dtype: 'int32' })
  const tfidf = new IntegerLookup({ outputMode: 'tf_idf' })
  await tfidf.adapt(ints([[1, 2, 2, 3, 3], [3, 3, 3, 4, 1], [2, 2, 6, 6, 6]]))
  const givenIdf = new IntegerLookup({ vocabulary: [3, 1, 2], idfWeights: [0.25, 0.5, 1.5], outputMode: 'tf_idf' })
  const modes = new Model({
    inputs: [bag, one],
    outputs: [
      new IntegerLookup({ vocabulary: [1, 2, 3, 4], outputMode: 'multi_hot' }).apply(bag),
      new IntegerLookup({ vocabulary: [1, 2, 3, 4], outputMode: 'count', numOovIndices: 2 }).apply(bag),
      new IntegerLookup({ vocabulary: [4, 8], outputMode: 'one_hot' }).apply(one),
      tfidf.apply(bag),
      givenIdf.apply(bag),
    ],
  })

  // Hashing on ints: FarmHash64, keyed SipHash with a mask value, and multi_hot output.
  const h = Input({ shape: [3], dtype: 'int32' })
  const hashing = new Model({
    inputs: h,
    outputs: [
      new Hashing({ numBins: 5 }).apply(h),
      new Hashing({ numBins: 7, salt: [11, 13], maskValue: 0 }).apply(h),
      new Hashing({ numBins: 4, outputMode: 'multi_hot' }).apply(h),
    ],
  })

  // Adapted Normalization and Discretization (and given boundaries with count output) feeding Dense.
  const f = Input({ shape: [3] })
  const norm = new Normalization()
  await norm.adapt(floats([[1, 10, -2], [3, 14, 0], [8, 9, 5], [0, 11, 1]]))
  const disc = new Discretization({ numBins: 4, epsilon: 0.01 })
  await disc.adapt(floats([[0.1, 0.7, 1.9], [2.5, 3.1, 0.4], [1.2, 2.2, 5.0], [4.4, 0.0, 3.3]]))
  const numeric = new Model({
    inputs: f,
    outputs: [
      new Dense({ units: 2, activation: 'tanh' }).apply(norm.apply(f)),
      disc.apply(f),
      new Discretization({ binBoundaries: [0, 1, 2.5], outputMode: 'count' }).apply(f),
      new Normalization({ mean: [1, -2, 0.5], variance: [4, 0.25, 1], invert: true }).apply(f),
    ],
  })

  // An int pipeline: adapted lookup → Embedding → Dense, plus a CategoryEncoding of the indices.
  const tok = Input({ shape: [3], dtype: 'int32' })
  const vocab = new IntegerLookup({ numOovIndices: 1 })
  await vocab.adapt(ints([[101, 102, 103], [101, 104, 101], [105, 102, 101]]))
  const idx = vocab.apply(tok)
  const emb = new Flatten().apply(new Embedding({ inputDim: 6, outputDim: 2 }).apply(idx))
  const pipeline = new Model({ inputs: tok, outputs: new Concatenate().apply([new Dense({ units: 3 }).apply(emb), new CategoryEncoding({ numTokens: 6, outputMode: 'count' }).apply(idx)]) })

  return [
    { name: 'int_lookup', model: lookups, inputs: [ints([[5, 9, 0, 77], [12, 3, 40, 20], [30, 10, 7, 5]])] },
    { name: 'lookup_modes', model: modes, inputs: [ints([[1, 2, 2, 9, 3], [4, 4, 0, 6, 1]]), ints([[8], [5]])] },
    { name: 'hashing_int', model: hashing, inputs: [ints([[0, 1, 2], [17, -4, 123456], [0, 99, 7]])] },
    { name: 'numeric', model: numeric, inputs: [floats([[2, 11, 0.5], [-1, 8, 3], [0.9, 2.5, 4.9]])] },
    { name: 'int_pipeline', model: pipeline, inputs: [ints([[101, 105, 999], [104, 104, 102]])] },
  ]
}

/**
 * Standalone string layers (a `.keras` file may hold a single layer; Keras's `load_model` returns it):
 * adapted and given vocabularies, inversion, tf-idf, n-grams, salted hashing of strings.
 */
async function stringLayers(): Promise<Case[]> {
  const texts = ['The cat sat on the mat.', 'the dog ATE my homework!', 'a cat, a dog; a bird', 'Ünïcode cafés café']
  const adapted = new StringLookup({ maskToken: '', numOovIndices: 2, maxTokens: 7 })
  await adapted.adapt([['b', 'a', 'b', 'c'], ['d', 'b', 'a', 'é'], ['a', 'b', 'x', 'é']])
  const tfidf = new StringLookup({ outputMode: 'tf_idf' })
  await tfidf.adapt([['x', 'y', 'y'], ['y', 'z', 'z'], ['w', 'y', 'x']])
  const seq = new TextVectorization({ maxTokens: 12, outputSequenceLength: 6 })
  await seq.adapt(texts)
  const bigrams = new TextVectorization({ outputMode: 'tf_idf', ngrams: 2, standardize: 'lower' })
  await bigrams.adapt(texts)
  // Characters, no standardization, a padded multi_hot output.
  const chars = new TextVectorization({ split: 'character', standardize: null, outputMode: 'multi_hot', maxTokens: 9, padToMaxTokens: true })
  await chars.adapt(['abca', 'bcd!', 'éé a'])
  const words = [['cat', 'dog', 'zebra'], ['', 'é', 'a']]
  const sentences = ['the cat ate the bird', 'A dog, a CAT and a mat', 'zebra']
  return [
    { name: 'string_lookup_adapted', model: adapted, inputs: [[['a', 'b', '', 'zz'], ['é', 'q', 'd', 'c']]] },
    { name: 'string_lookup_invert', model: new StringLookup({ vocabulary: ['cat', 'dog', 'é'], invert: true }), inputs: [ints([[1, 2, 0], [3, 4, 1]])] },
    { name: 'string_lookup_multi_hot', model: new StringLookup({ vocabulary: ['cat', 'dog', 'é'], outputMode: 'multi_hot' }), inputs: [words] },
    { name: 'string_lookup_count_salted', model: new StringLookup({ vocabulary: ['cat', 'dog'], outputMode: 'count', numOovIndices: 3, salt: [7, 9] }), inputs: [words] },
    { name: 'string_lookup_tf_idf', model: tfidf, inputs: [[['x', 'y', 'q'], ['z', 'z', 'w']]] },
    { name: 'text_vectorization_int', model: seq, inputs: [sentences] },
    { name: 'text_vectorization_bigram_tf_idf', model: bigrams, inputs: [sentences] },
    { name: 'text_vectorization_given_count', model: new TextVectorization({ vocabulary: ['a', 'cat', 'dog', 'the'], outputMode: 'count' }), inputs: [sentences] },
    { name: 'hashing_strings', model: new Hashing({ numBins: 6, salt: 1234, maskValue: '' }), inputs: [[['cat', ''], ['dog', 'é']]] },
    { name: 'string_lookup_one_hot', model: new StringLookup({ vocabulary: ['cat', 'dog'], outputMode: 'one_hot' }), inputs: [[['dog'], ['cow'], ['cat']]] },
    { name: 'text_vectorization_chars_multi_hot', model: chars, inputs: [['abc!', 'Zz', 'éa']] },
  ]
}

/** Functional models with `Input({dtype: 'string'})` feeding the text layers, as Keras's text classification examples build them. */
async function stringModels(): Promise<Case[]> {
  const corpus = [['The cat sat on the mat.'], ['the dog ATE my homework!'], ['a cat, a dog; a bird'], ['Ünïcode cafés café']]
  const text = Input({ shape: [1], dtype: 'string', name: 'text' })
  const tv = new TextVectorization({ maxTokens: 16, outputSequenceLength: 5 })
  await tv.adapt(corpus)
  const ids = tv.apply(text)
  const pooled = new GlobalAveragePooling1D().apply(new Embedding({ inputDim: 16, outputDim: 3 }).apply(ids))
  const classifier = new Model({ inputs: text, outputs: [new Dense({ units: 2, activation: 'softmax' }).apply(pooled), ids] })

  const words = Input({ shape: [3], dtype: 'string', name: 'words' })
  const lookup = new StringLookup({ maskToken: '', numOovIndices: 2 })
  await lookup.adapt([['red', 'green', 'red'], ['blue', 'red', 'green'], ['é', 'blue', 'red']])
  const idx = lookup.apply(words)
  const bag = new StringLookup({ vocabulary: ['red', 'green', 'blue'], outputMode: 'multi_hot' }).apply(words)
  const tags = new Model({
    inputs: words,
    outputs: [idx, new Dense({ units: 2 }).apply(new Concatenate().apply([new Flatten().apply(new Embedding({ inputDim: 8, outputDim: 2 }).apply(idx)), bag])), new Hashing({ numBins: 5, salt: [3, 4] }).apply(words)],
  })

  const doc = Input({ shape: [1], dtype: 'string', name: 'doc' })
  const bigrams = new TextVectorization({ outputMode: 'tf_idf', ngrams: 2, maxTokens: 12 })
  await bigrams.adapt(corpus)
  const tfidf = new Model({ inputs: doc, outputs: new Dense({ units: 1, activation: 'sigmoid' }).apply(bigrams.apply(doc)) })

  const sentences = [['the cat ate the bird'], ['A dog, a CAT and a mat'], ['zebra']]
  return [
    { name: 'text_classifier', model: classifier, inputs: [sentences] },
    { name: 'string_tags', model: tags, inputs: [[['red', 'pink', ''], ['é', 'blue', 'green']]] },
    { name: 'text_tf_idf_model', model: tfidf, inputs: [sentences] },
  ]
}

async function run(model: Layer, inputs: In[]): Promise<Arr[]> {
  const out = model.apply(inputs.length === 1 ? inputs[0] : inputs) as In | Tensor[]
  // A list of tensors is a multi-output model; a nested array is one (string) output.
  return Promise.all((Array.isArray(out) && out[0] instanceof Tensor ? (out as Tensor[]) : [out as In]).map(enc))
}

/** Exact for integer and string outputs (and their dtype kind), relative tolerance for floats. */
function compare(got: Arr[], want: Arr[], what: string, tol = 1e-5): void {
  expect(got.length, `${what}: number of outputs`).toBe(want.length)
  got.forEach((g, k) => {
    const w = want[k]!
    expect(g.shape, `${what}: output ${k} shape`).toEqual(w.shape)
    const wantFloat = w.dtype !== 'string' && isFloat(w.dtype as DType)
    expect(g.dtype === 'string', `${what}: output ${k} dtype ${g.dtype} vs ${w.dtype}`).toBe(w.dtype === 'string')
    expect(g.dtype.startsWith('float'), `${what}: output ${k} dtype ${g.dtype} vs ${w.dtype}`).toBe(wantFloat)
    g.data.forEach((v, i) => {
      const u = w.data[i]!
      const bad = wantFloat ? Math.abs(Number(v) - Number(u)) > tol * (1 + Math.abs(Number(u))) : v !== u
      if (bad) expect.fail(`${what}: output ${k}[${i}] is ${v}, expected ${u}`)
    })
  })
}

interface PyRun {
  readonly dir: string
  readonly expected: Map<string, { outs: Arr[]; inputs: In[] }>
  readonly results: Record<string, { outputs?: Arr[]; error?: string; trace?: string }>
}

/** kx saves each case and computes its outputs; one Python process loads, runs and re-saves them all. */
async function runPython(all: Case[], backend: 'jax' | 'tensorflow', dir: string): Promise<PyRun> {
  const manifest: Record<string, unknown>[] = []
  const expected = new Map<string, { outs: Arr[]; inputs: In[] }>()
  for (const { name, model, inputs } of all) {
    await saveModel(model, join(dir, `${name}.keras`))
    expected.set(name, { outs: await run(model, inputs), inputs })
    manifest.push({ name, file: join(dir, `${name}.keras`), resave: join(dir, `${name}.py.keras`), inputs: await Promise.all(inputs.map(enc)) })
  }
  writeFileSync(join(dir, `manifest-${backend}.json`), JSON.stringify({ cases: manifest }))
  const stdout = execFileSync(PYTHON, [SCRIPT, join(dir, `manifest-${backend}.json`)], { env: { ...process.env, KERAS_BACKEND: backend }, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 240_000 })
  return { dir, expected, results: (JSON.parse(stdout.trim().split('\n').pop()!) as PyRun).results }
}

/** Python's outputs and kx's outputs on Python's re-saved file must both equal kx's outputs. */
async function check(py: PyRun, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const { outs, inputs } = py.expected.get(name)!
    const r = py.results[name]!
    if (r.error) expect.fail(`Python Keras could not load or run ${name}: ${r.error}\n${r.trace ?? ''}`)
    compare(r.outputs!, outs, `Python ${name}`)
    const back = await loadModel(join(py.dir, `${name}.py.keras`))
    compare(await run(back, inputs), outs, `kx reloading Python's ${name}`)
  }
}

describe.skipIf(!hasPython && !REQUIRE)('Python Keras with TensorFlow loads the preprocessing state kx writes', () => {
  let tmp: string | undefined
  const dir = (): string => (tmp ??= mkdtempSync(join(tmpdir(), 'kx-interop-tf-')))
  afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }) })
  const requirePython = (): void => {
    if (!hasPython) expect.fail(`KX_REQUIRE_PYTHON=1 but ${PYTHON} does not exist; create it as .ci/run does (tools/python/requirements-tf.txt).`)
  }
  // One Python process (TensorFlow + JAX take seconds to import) serves the two JAX groups.
  let numeric: Case[] = []
  let strings: Case[] = []
  let jax: Promise<PyRun> | undefined
  const jaxRun = (): Promise<PyRun> => (jax ??= (async () => {
    ;[numeric, strings] = [await cases(), await stringLayers()]
    return runPython([...numeric, ...strings], 'jax', dir())
  })())

  it('models with int/float inputs: adapted lookups, tf-idf, hashing, normalization, discretization', async () => {
    requirePython()
    const py = await jaxRun()
    await check(py, numeric.map((c) => c.name))
  }, 300_000)

  it('standalone string layers: StringLookup, TextVectorization, Hashing', async () => {
    requirePython()
    const py = await jaxRun()
    await check(py, strings.map((c) => c.name))
  }, 300_000)

  // Keras on JAX cannot call a Functional with string inputs (its inputs become JAX arrays): Keras's TensorFlow backend runs these.
  it('Functional models with string inputs: TextVectorization and StringLookup feeding Embedding and Dense', async () => {
    requirePython()
    const models = await stringModels()
    await check(await runPython(models, 'tensorflow', dir()), models.map((c) => c.name))
  }, 300_000)
})
