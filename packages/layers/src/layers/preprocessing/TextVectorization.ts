/**
 * @file TextVectorization: standardize → split → n-grams → vocabulary lookup → int sequences or
 * multi_hot / count / tf_idf vectors, as Keras 3 does with TensorFlow's string ops. Strings come in
 * as nested JS arrays (kx tensors have no string dtype); outputs are tensors.
 */
import { InvalidArgumentError, NotImplementedError, Tensor, floatx, fmt, tensor, type Dim } from '@kx/core'
import { Layer, type CallOptions, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { buildOnHostCall, isHostData, symbolic, toHostArray } from './common.js'
import { StringLookup } from './lookup.js'
import { adaptBatches } from './numeric.js'

export type StandardizeFn = (text: string) => string
export type SplitFn = (text: string) => string[]

/** Options of `TextVectorization`. */
export interface TextVectorizationArgs extends LayerArgs {
  readonly maxTokens?: number | null
  /** `'lower_and_strip_punctuation'` (default), `'lower'`, `'strip_punctuation'`, null, or a function on one string. */
  readonly standardize?: 'lower_and_strip_punctuation' | 'lower' | 'strip_punctuation' | StandardizeFn | null
  /** `'whitespace'` (default), `'character'`, null, or a function from one string to tokens. */
  readonly split?: 'whitespace' | 'character' | SplitFn | null
  /** Largest n-gram size (all sizes up to it) or the list of sizes. */
  readonly ngrams?: number | readonly number[] | null
  readonly outputMode?: 'int' | 'multi_hot' | 'count' | 'tf_idf' | 'one_hot' | 'binary' | 'tf-idf'
  readonly outputSequenceLength?: number | null
  readonly padToMaxTokens?: boolean
  readonly vocabulary?: readonly string[] | null
  readonly idfWeights?: readonly number[] | null
  readonly sparse?: boolean
  readonly ragged?: boolean
  readonly encoding?: string
  /** @internal */ readonly vocabularySize?: number | null
  /** @internal */ readonly hasInputVocabulary?: boolean
}

// NOTE: Keras's regex [!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\'] is all 32 ASCII punctuation characters.
const PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g
// NOTE: tf.strings.lower without an encoding lowercases ASCII letters only.
const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32))
// NOTE: tf.strings.split splits on runs of ASCII whitespace (absl ascii_isspace).
const WS = /[ \t\n\v\f\r]+/

/**
 * Turns raw strings into token-index sequences or bag-of-words vectors (Keras `TextVectorization`).
 * Learn the vocabulary with `await adapt(texts)`.
 *
 * @example
 * ```ts
 * const tv = new TextVectorization({ maxTokens: 1000, outputSequenceLength: 8 })
 * await tv.adapt(['the cat sat', 'the dog ran'])
 * tv.apply(['the cat ran']) // int64 [1, 8]
 * ```
 */
export class TextVectorization extends Layer {
  static readonly className: string = 'TextVectorization'
  override get takesStrings(): boolean { return true }
  /** Keras keeps the inner StringLookup in `_lookup_layer` (its path in saved files). */
  static readonly kerasAttributeNames: Readonly<Record<string, string>> = { lookupLayer: '_lookup_layer' }
  readonly standardize: TextVectorizationArgs['standardize']
  readonly split: TextVectorizationArgs['split']
  readonly ngramsArg: number | number[] | null
  readonly ngrams: number[] | null
  readonly outputMode: 'int' | 'multi_hot' | 'count' | 'tf_idf' | 'one_hot'
  readonly outputSequenceLength: number | null
  readonly ragged: boolean
  readonly encoding: string
  readonly lookupLayer: StringLookup

  constructor(args: TextVectorizationArgs = {}) {
    super(args)
    const std = args.standardize === undefined ? 'lower_and_strip_punctuation' : args.standardize
    if (std !== null && typeof std !== 'function' && !['lower_and_strip_punctuation', 'lower', 'strip_punctuation'].includes(std)) {
      throw new InvalidArgumentError(`Unknown value for \`standardize\` argument of layer TextVectorization. Allowed values are: lower_and_strip_punctuation, lower, strip_punctuation, None, or a callable. Received: ${fmt(std)}`)
    }
    const split = args.split === undefined ? 'whitespace' : args.split
    if (split !== null && typeof split !== 'function' && !['whitespace', 'character'].includes(split)) {
      throw new InvalidArgumentError(`Unknown value for \`split\` argument of layer TextVectorization. Allowed values are: whitespace, character, None, or a callable. Received: ${fmt(split)}`)
    }
    let mode = args.outputMode ?? 'int'
    if (mode === 'binary') mode = 'multi_hot'
    if (mode === 'tf-idf') mode = 'tf_idf'
    const ng = args.ngrams ?? null
    if (!(ng === null || Number.isInteger(ng) || (Array.isArray(ng) && ng.every((n) => Number.isInteger(n))))) {
      throw new InvalidArgumentError(`\`ngrams\` must be None, an integer, or a tuple of integers. Received: ngrams=${fmt(ng)}`)
    }
    const osl = args.outputSequenceLength ?? null
    if (mode !== 'int' && osl !== null) throw new InvalidArgumentError(`\`output_sequence_length\` must not be set if \`output_mode\` is not 'int'. Received output_sequence_length=${osl}.`)
    if (args.ragged) throw new NotImplementedError('`ragged=True` needs ragged tensors, which kx does not have (Keras allows it only on TensorFlow).')
    if (args.sparse) throw new NotImplementedError('`sparse=True` needs sparse tensors, which kx does not have (Keras allows it only on TensorFlow).')
    this.standardize = std
    this.split = split
    this.ngramsArg = ng === null ? null : typeof ng === 'number' ? ng : [...ng]
    this.ngrams = ng === null ? null : typeof ng === 'number' ? Array.from({ length: ng }, (_, i) => i + 1) : [...ng]
    this.outputMode = mode as TextVectorization['outputMode']
    this.outputSequenceLength = osl
    this.ragged = false
    this.encoding = args.encoding ?? 'utf-8'
    this.lookupLayer = new StringLookup({
      maxTokens: args.maxTokens ?? null, vocabulary: args.vocabulary ?? null, idfWeights: args.idfWeights ?? null,
      padToMaxTokens: args.padToMaxTokens ?? false, maskToken: '', outputMode: this.outputMode, encoding: this.encoding,
      hasInputVocabulary: args.hasInputVocabulary ?? args.vocabulary != null, vocabularySize: args.vocabularySize ?? null,
    })
  }

  /** Standardizes one string. */
  standardizeOne(s: string): string {
    const std = this.standardize
    if (typeof std === 'function') return std(s)
    let out = s
    if (std === 'lower' || std === 'lower_and_strip_punctuation') out = asciiLower(out)
    if (std === 'strip_punctuation' || std === 'lower_and_strip_punctuation') out = out.replace(PUNCT, '')
    return out
  }

  /** Splits one standardized string into tokens and adds the n-grams. */
  tokenize(s: string): string[] {
    let toks: string[]
    if (this.split === null) toks = [s]
    else if (typeof this.split === 'function') toks = this.split(s)
    else if (this.split === 'character') toks = Array.from(s)
    else toks = s.split(WS).filter((t) => t.length > 0)
    if (!this.ngrams) return toks
    const out: string[] = []
    for (const n of this.ngrams) for (let i = 0; i + n <= toks.length; i++) out.push(toks.slice(i, i + n).join(' '))
    return out
  }

  /** Standardize + split + n-grams of a batch: one token list per row (Keras `_preprocess`). */
  preprocess(inputs: unknown): { rows: string[][]; shape: number[] } {
    const host = toHostArray(inputs, this.name)
    if (!host.isString && host.values.length) throw new InvalidArgumentError(`TextVectorization expects strings. Received: ${fmt(inputs)}`)
    let shape = host.shape
    const texts = (host.values as string[]).map((s) => this.standardizeOne(s))
    if (this.split === null) {
      if (this.ngrams) return { rows: texts.map((t) => this.tokenize(t)), shape }
      return { rows: texts.map((t) => [t]), shape }
    }
    if (shape.length > 1) {
      if (shape[shape.length - 1] !== 1) {
        throw new InvalidArgumentError(`When using \`TextVectorization\` to tokenize strings, the input rank must be 1 or the last shape dimension must be 1. Received: inputs.shape=${fmt(shape)} with rank=${shape.length}`)
      }
      shape = shape.slice(0, -1)
    }
    return { rows: texts.map((t) => this.tokenize(t)), shape }
  }

  /** Learns the vocabulary (and idf weights) from strings (Keras `adapt`). */
  async adapt(data: unknown, options: { batchSize?: number | null; steps?: number | null } = {}): Promise<void> {
    this.lookupLayer.resetState()
    const single = isHostData(data)
    for await (const b of adaptBatches(data as never, options.steps)) {
      let batch = b
      if (single && Array.isArray(batch) && batch.every((x) => typeof x === 'string')) batch = batch.map((x) => [x])
      const { rows } = this.preprocess(batch)
      this.lookupLayer.updateStateRows(rows)
    }
    this.lookupLayer.finalizeState()
  }

  getVocabulary(includeSpecialTokens = true): string[] { return this.lookupLayer.getVocabulary(includeSpecialTokens) }
  vocabularySize(): number { return this.lookupLayer.vocabularySize() }
  setVocabulary(vocabulary: readonly string[], idfWeights: readonly number[] | null = null): void { this.lookupLayer.setVocabulary(vocabulary, idfWeights) }
  resetState(): void { this.lookupLayer.resetState() }

  override apply(inputs: unknown, options: CallOptions = {}): any {
    if (!isHostData(inputs)) return super.apply(inputs, options)
    buildOnHostCall(this, inputs)
    return this.call(inputs)
  }

  override call(inputs: unknown): Tensor {
    if (inputs instanceof Tensor) {
      if (inputs.isSymbolic) return symbolic(this.computeOutputShape(inputs.shape as Dim[]), this.outputMode === 'tf_idf' ? floatx() : 'int32')
      throw new InvalidArgumentError('TextVectorization takes strings as (nested) JS arrays: kx tensors have no string dtype.')
    }
    const { rows, shape } = this.preprocess(inputs)
    const idx = rows.map((r) => this.lookupLayer.lookupIndices(r))
    if (this.outputMode === 'int') {
      if (this.split === null && !this.ngrams) return tensor(Int32Array.from(idx.flat()), { shape: host(shape), dtype: 'int32' })
      const len = this.outputSequenceLength ?? Math.max(0, ...idx.map((r) => r.length))
      const out = new Int32Array(idx.length * len)
      idx.forEach((r, i) => { for (let j = 0; j < Math.min(len, r.length); j++) out[i * len + j] = r[j]! })
      return tensor(out, { shape: [...shape, len], dtype: 'int32' })
    }
    const depth = this.lookupLayer.padToMaxTokens ? this.lookupLayer.maxTokens! : this.lookupLayer.vocabularySize()
    if (this.outputMode === 'one_hot') {
      if (this.split !== null || this.ngrams) throw new NotImplementedError("TextVectorization with output_mode='one_hot' and a split needs ragged outputs; use split=null or another output mode.")
      const out = new Int32Array(idx.length * depth)
      idx.forEach((r, i) => { const k = r[0]!; if (k >= 0 && k < depth) out[i * depth + k] = 1 })
      return tensor(out, { shape: [...shape.slice(0, shape[shape.length - 1] === 1 && shape.length > 1 ? -1 : shape.length), depth], dtype: 'int32' })
    }
    // NOTE: multi_hot / count over each row's tokens (TensorFlow's dense_bincount of the ragged batch).
    const nRows = shape.length === 0 ? 1 : shape[0]!
    const per = idx.length / Math.max(nRows, 1)
    const counts = new Float64Array(nRows * depth)
    idx.forEach((r, i) => {
      const row = Math.floor(i / per)
      for (const k of r) if (k >= 0 && k < depth) counts[row * depth + k] = this.outputMode === 'multi_hot' ? 1 : counts[row * depth + k]! + 1
    })
    const outShape = shape.length <= 1 && this.split !== null ? [...shape, depth] : shape.length <= 1 ? [depth] : [shape[0]!, depth]
    if (this.outputMode !== 'tf_idf') return tensor(Int32Array.from(counts), { shape: outShape, dtype: 'int32' })
    const w = this.lookupLayer.idfWeights ?? new Float32Array(depth)
    return tensor(Float32Array.from(counts, (c, i) => c * w[i % depth]!), { shape: outShape, dtype: 'float32' })
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const s = inputShape as Dim[]
    if (this.outputMode === 'int') return [s[0] ?? null, this.outputSequenceLength]
    if (this.split === null) return this.lookupLayer.computeOutputShape(s.length <= 1 ? [...s, 1] : s) as Dim[]
    // NOTE: a split adds a token axis of unknown length (Keras: input_shape + (None,)), which the lookup encodes.
    return this.lookupLayer.computeOutputShape([...s, null]) as Dim[]
  }

  /** Keras `save_own_variables` / `load_own_variables` (tf_idf weights), delegated to the inner StringLookup. */
  saveOwnVariables(): Record<string, Tensor> { return this.lookupLayer.saveOwnVariables() }
  loadOwnVariables(store: Readonly<Record<string, Tensor | Float32Array>>): void { this.lookupLayer.loadOwnVariables(store) }
  /** Keras `save_assets` / `load_assets`: `vocabulary.txt` of the inner StringLookup. */
  saveAssets(): Map<string, Uint8Array> { return this.lookupLayer.saveAssets() }
  loadAssets(files: ReadonlyMap<string, Uint8Array>): void { this.lookupLayer.loadAssets(files) }

  override getConfig(): Record<string, unknown> {
    const fnName = (f: unknown): unknown => (typeof f === 'function' ? (f as { name: string }).name : f)
    return {
      ...super.getConfig(),
      max_tokens: this.lookupLayer.maxTokens, standardize: fnName(this.standardize), split: fnName(this.split), ngrams: this.ngramsArg,
      output_mode: this.outputMode, output_sequence_length: this.outputSequenceLength, pad_to_max_tokens: this.lookupLayer.padToMaxTokens,
      sparse: false, ragged: this.ragged, vocabulary: this.lookupLayer.inputVocabulary, idf_weights: this.lookupLayer.inputIdfWeights,
      encoding: this.encoding, vocabulary_size: this.vocabularySize(),
    }
  }
}

const host = (s: readonly number[]): number[] => s.slice()
