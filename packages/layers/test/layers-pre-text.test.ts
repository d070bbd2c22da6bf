import { beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { tensor, type NestedArray, type Tensor } from '@kx/core'
import {
  Hashing, HashedCrossing, StringLookup, IntegerLookup, TextVectorization, registerBuiltinLayersPre, fingerprint64, sipHash64,
} from '../src/layers/index-pre.js'
import type { Layer } from '../src/index.js'
import { deserializeLayer, serializeLayer } from '../src/index.js'
import { expectClose, runLayerTest } from './harness.js'

type Case = { class_name: string; config: Record<string, unknown>; input: NestedArray; output: NestedArray; dtype: string; input_dtype?: string; [k: string]: unknown }
const T = JSON.parse(readFileSync(new URL('./golden/layers_pre_text.json', import.meta.url), 'utf8')) as Record<string, Case>

beforeAll(() => { registerBuiltinLayersPre() })

const fromKeras = (c: Case): Layer => deserializeLayer({ class_name: c.class_name, config: c.config })
const configOf = (l: Layer): unknown => JSON.parse(JSON.stringify(l.getConfig()))
/** A golden input: strings stay JS arrays, numbers become tensors of the recorded dtype. */
const inputOf = (c: Case): unknown => {
  const flat = [c.input].flat(4) as unknown[]
  if (typeof flat[0] === 'string') return c.input
  return tensor(c.input, { dtype: c.input_dtype?.startsWith('float') ? 'float32' : c.input_dtype === 'int64' ? 'int64' : 'int32' })
}

describe('hash functions', () => {
  const u8 = (s: string): Uint8Array => new TextEncoder().encode(s)
  it('FarmHash Fingerprint64 and SipHash-2-4 reference values', () => {
    // FarmHash's own test vectors are on binary data; these are TensorFlow's tf.fingerprint('farmhash64') values.
    expect(fingerprint64(u8('')).toString(16)).toBe('9ae16a3b2f90404f')
    expect(fingerprint64(u8('A'))).toBe(fingerprint64(u8('A')))
    // SipHash-2-4 paper vector: key 00..0f, message 00..0e → a129ca6149be45e5.
    const key: [bigint, bigint] = [0x0706050403020100n, 0x0f0e0d0c0b0a0908n]
    expect(sipHash64(key, Uint8Array.from({ length: 15 }, (_, i) => i)).toString(16)).toBe('a129ca6149be45e5')
  })
})

describe('string layers against Keras (TensorFlow string ops)', () => {
  for (const [name, c] of Object.entries(T)) {
    if (!c.class_name || c.output === undefined) continue
    it(name, async () => {
      const layer = fromKeras(c)
      expect(configOf(layer), 'config').toEqual(c.config)
      const y = layer.apply(inputOf(c)) as Tensor
      expect(y.dtype).toBe(c.dtype)
      expectClose(await y.array(), c.output, 1e-6, name)
    })
  }
  it('HashedCrossing', async () => {
    const c = T['hashed_crossing']!
    const l = deserializeLayer({ class_name: 'HashedCrossing', config: c.config })
    expect(configOf(l)).toEqual(c.config)
    expect(await (l.apply([c['a'], tensor(c['b'] as NestedArray, { dtype: 'int32' })]) as Tensor).array()).toEqual(c.output)
    const s = T['hashed_crossing_str']!
    expect(await (new HashedCrossing({ numBins: 1000 }).apply([s['a'], s['b']]) as Tensor).array()).toEqual(s.output)
    const o = T['hashed_crossing_one_hot']!
    const oh = new HashedCrossing({ numBins: 5, outputMode: 'one_hot' }).apply([tensor(o['a'] as NestedArray, { dtype: 'int32' }), tensor(o['b'] as NestedArray, { dtype: 'int32' })]) as Tensor
    expectClose(await oh.array(), o.output, 0, 'one_hot cross')
  })
  it('StringLookup invert returns strings; config matches Keras', () => {
    const c = T['sl_invert']!
    const l = deserializeLayer({ class_name: 'StringLookup', config: c.config }) as StringLookup
    expect(configOf(l)).toEqual(c.config)
    expect(l.apply(tensor([[1, 3, 4], [4, 0, 7]], { dtype: 'int32' }))).toEqual([['a', 'c', 'd'], ['d', '[UNK]', '[UNK]']])
  })
  it('StringLookup.adapt (frequency order, ties by bytes) and tf_idf', async () => {
    for (const [name, args] of [['sl_adapt', {}], ['sl_adapt_tfidf', { maxTokens: 4, outputMode: 'tf_idf' }], ['sl_adapt_padded', { outputMode: 'multi_hot', padToMaxTokens: true, maxTokens: 10, maskToken: '' }]] as const) {
      const c = T[name]!
      const s = new StringLookup(args as never)
      await s.adapt(c['corpus'])
      expect(s.getVocabulary()).toEqual(c['vocab'])
      expectClose(await (s.apply(c['corpus']) as Tensor).array(), c.output, 1e-6, name)
      if (c['idf']) expectClose(Array.from(s.idfWeights!), c['idf'] as NestedArray, 1e-6, 'idf')
    }
    const il = new IntegerLookup()
    await il.adapt(tensor([[3, 3, 1], [2, 3, 2], [7, 7, 7]], { dtype: 'int32' }))
    expect(il.getVocabulary()).toEqual(T['il_adapt']!['vocab'])
    expect(await (il.apply(tensor([[3, 1, 9]], { dtype: 'int32' })) as Tensor).array()).toEqual(T['il_adapt']!.output)
  })
  it('TextVectorization: standardize, split, n-grams, modes, adapt', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['tv_int', { outputSequenceLength: 8 }], ['tv_int_ragged_pad', {}], ['tv_std_lower', { standardize: 'lower', maxTokens: 12, outputSequenceLength: 6 }],
      ['tv_std_strip_punctuation', { standardize: 'strip_punctuation', maxTokens: 12, outputSequenceLength: 6 }],
      ['tv_std_None', { standardize: null, maxTokens: 12, outputSequenceLength: 6 }], ['tv_char', { split: 'character', outputSequenceLength: 10 }],
      ['tv_ngrams_count', { ngrams: 2, outputMode: 'count' }], ['tv_ngrams_multi_hot', { ngrams: [1, 3], outputMode: 'multi_hot', maxTokens: 20 }],
      ['tv_tfidf', { outputMode: 'tf_idf', maxTokens: 15, padToMaxTokens: true }],
    ]
    for (const [name, args] of cases) {
      const c = T[name]!
      const tv = new TextVectorization(args)
      await tv.adapt(c['texts'])
      expect(tv.getVocabulary(), `${name} vocabulary`).toEqual(c['vocab'] ?? tv.getVocabulary())
      const y = tv.apply(c['texts']) as Tensor
      if (c.dtype) expect(y.dtype).toBe(c.dtype)
      expectClose(await y.array(), c.output, 1e-5, name)
      if (c.config) expect(configOf(tv)).toEqual({ ...c.config, name: tv.name })
    }
    const v = T['tv_vocab']!
    const tv = deserializeLayer({ class_name: 'TextVectorization', config: v.config }) as TextVectorization
    expect(configOf(tv)).toEqual(v.config)
    expect(await (tv.apply(v['texts']) as Tensor).array()).toEqual(v.output)
    const n = T['tv_nosplit']!
    const ns = new TextVectorization({ split: null })
    await ns.adapt(['a b', 'c', 'a b'])
    expect(ns.getVocabulary()).toEqual(n['vocab'])
    expect(await (ns.apply([['a b'], ['c'], ['d']]) as Tensor).array()).toEqual(n.output)
  })
  it('vocabulary assets round-trip (save_assets / load_assets)', async () => {
    const tv = new TextVectorization({ outputSequenceLength: 4 })
    await tv.adapt(['héllo wörld', 'hello there'])
    const files = tv.saveAssets()
    expect(new TextDecoder().decode(files.get('vocabulary.txt'))).toBe(tv.getVocabulary().join('\n'))
    const back = deserializeLayer(JSON.parse(JSON.stringify(serializeLayer(tv)))) as TextVectorization
    back.loadAssets(files)
    expect(back.getVocabulary()).toEqual(tv.getVocabulary())
    expect(await (back.apply(['hello wörld']) as Tensor).array()).toEqual(await (tv.apply(['hello wörld']) as Tensor).array())
  })
})

describe('string layers: harness on integer inputs', () => {
  it('Hashing / IntegerLookup / CategoryEncoding-style outputs', async () => {
    await runLayerTest(Hashing, { init: { numBins: 4 }, inputShape: [2, 3], inputDtype: 'int32', expectedOutputShape: [2, 3], expectedOutputDtype: 'int32', runMixedPrecisionCheck: false })
    await runLayerTest(IntegerLookup, { init: { vocabulary: [1, 2, 3] }, inputShape: [2, 3], inputDtype: 'int32', expectedOutputShape: [2, 3], expectedOutputDtype: 'int32' })
    await runLayerTest(IntegerLookup, { init: { vocabulary: [1, 2, 3], outputMode: 'multi_hot' }, inputShape: [2, 3], inputDtype: 'int32', expectedOutputShape: [2, 4] })
  })
  it('errors name the layer and the problem', () => {
    expect(() => new StringLookup({ vocabulary: ['a', 'a'] })).toThrow(/repeated term/)
    expect(() => new StringLookup({ numOovIndices: 0, vocabulary: ['a'] }).apply(['b'])).toThrow(/num_oov_indices=0/)
    expect(() => new Hashing({ numBins: 0 })).toThrow(/num_bins/)
    expect(() => new StringLookup({ outputMode: 'multi_hot' }).apply(['a'])).toThrow(/vocabulary before calling/)
  })
})
