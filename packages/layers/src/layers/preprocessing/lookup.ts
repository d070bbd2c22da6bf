/**
 * @file StringLookup and IntegerLookup (Keras's `IndexLookup`): vocabulary ↔ index maps with mask
 * and OOV tokens, `adapt` by token frequency, inversion, and int / one_hot / multi_hot / count /
 * tf_idf outputs. Computed on the host; strings come in (and, inverted, go out) as nested JS arrays.
 * IntegerLookup on int32 tensors of a backend without synchronous reads (WebGPU) runs on the device.
 */
import { InvalidArgumentError, SyncReadError, Tensor, floatx, fmt, full, isFloat, tensor, type Dim } from '@kx/core'
import { add, any, broadcastTo, cast, clip, equal, expandDims, greaterEqual, less, logicalAnd, mod, multiply, sum, take, where } from '@kx/ops-numpy'
import { Layer, type CallOptions, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { checkNotSparse, encodeCategorical, intTensor, isHostData, nest, oneOf, symbolic, toHostArray, toHostArrayAsync } from './common.js'
import { hashBucketFast, hashBucketStrong, utf8 } from './hash64.js'
import { valueToString } from './hashing.js'
import { adaptBatches } from './numeric.js'

type Token = string | number
export type LookupOutputMode = 'int' | 'one_hot' | 'multi_hot' | 'count' | 'tf_idf'

/** Options shared by `StringLookup` and `IntegerLookup`. */
export interface IndexLookupArgs<T extends Token> extends LayerArgs {
  readonly maxTokens?: number | null
  readonly numOovIndices?: number
  readonly maskToken?: T | null
  readonly oovToken?: T
  readonly vocabulary?: readonly T[] | null
  readonly idfWeights?: readonly number[] | null
  readonly invert?: boolean
  /** `'int'` (default), `'one_hot'`, `'multi_hot'` (`'binary'`), `'count'`, `'tf_idf'` (`'tf-idf'`). */
  readonly outputMode?: LookupOutputMode | 'binary' | 'tf-idf'
  readonly sparse?: boolean
  readonly padToMaxTokens?: boolean
  readonly oovMethod?: 'floormod' | 'farmhash'
  readonly salt?: number | readonly [number, number] | null
  /** @internal Restored from configs (Keras's frozen vocabulary size). */
  readonly vocabularySize?: number | null
  /** @internal */
  readonly hasInputVocabulary?: boolean
}

/** Compares tokens as TensorFlow sorts them: strings by UTF-8 bytes, numbers numerically. */
function compareTokens(a: Token, b: Token): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  const x = utf8(String(a))
  const y = utf8(String(b))
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return x.length - y.length
}

// NOTE: Keras computes in int64 with TensorFlow, but hands JAX arrays back with x64 off: int32. Symbolic calls
// give the dtype that runs (Keras's compute_output_spec says int64 for 'int' and floatx otherwise).
const NUMBER = 'int32'

/**
 * The shared implementation of StringLookup / IntegerLookup. Index layout: `[mask?][oov × n][tokens]`.
 */
export abstract class IndexLookup<T extends Token> extends Layer {
  readonly invert: boolean
  readonly maxTokens: number | null
  readonly numOovIndices: number
  readonly maskToken: T | null
  readonly oovToken: T
  readonly outputMode: LookupOutputMode
  readonly sparse: boolean
  readonly padToMaxTokens: boolean
  readonly oovMethod: 'floormod' | 'farmhash'
  readonly salt: [number, number] | null
  readonly inputVocabulary: T[] | null
  readonly inputIdfWeights: number[] | null
  protected abstract readonly isStringVocab: boolean
  private readonly hasInputVocabulary: boolean
  private frozenVocabSize: number | null
  private table = new Map<Token, number>()
  private tokenCounts = new Map<Token, number>()
  private docCounts = new Map<Token, number>()
  private numDocuments = 0
  /** The tf_idf weights (length = vocabulary size, or `maxTokens` when padded). */
  idfWeights: Float32Array | null = null

  constructor(args: IndexLookupArgs<T>, defaults: { oovToken: T }) {
    super({ ...(args.name !== undefined ? { name: args.name } : {}) })
    const maxTokens = args.maxTokens ?? null
    if (maxTokens !== null && maxTokens <= 1) throw new InvalidArgumentError(`If set, \`max_tokens\` must be greater than 1. Received: max_tokens=${maxTokens}`)
    if (args.padToMaxTokens && maxTokens === null) throw new InvalidArgumentError(`If pad_to_max_tokens is True, must set \`max_tokens\`. Received: max_tokens=${maxTokens}`)
    const numOov = args.numOovIndices ?? 1
    if (numOov < 0) throw new InvalidArgumentError(`\`num_oov_indices\` must be greater than or equal to 0. Received: num_oov_indices=${numOov}`)
    this.oovMethod = oneOf(args.oovMethod ?? 'floormod', ['floormod', 'farmhash'] as const, 'oov_method', this.constructor.name)
    const salt = args.salt ?? null
    this.salt = salt === null ? null : typeof salt === 'number' ? [salt, salt] : Array.isArray(salt) && salt.length === 2 ? [salt[0]!, salt[1]!] : null
    if (salt !== null && this.salt === null) throw new InvalidArgumentError(`The \`salt\` argument for \`IndexLookup\` can only be a tuple of 2 integers, or a single integer. Received: salt=${fmt(salt)}.`)
    let mode = args.outputMode ?? 'int'
    if (mode === 'binary') mode = 'multi_hot'
    if (mode === 'tf-idf') mode = 'tf_idf'
    this.outputMode = oneOf(mode, ['int', 'one_hot', 'multi_hot', 'count', 'tf_idf'] as const, 'output_mode', this.constructor.name)
    if (args.invert && this.outputMode !== 'int') throw new InvalidArgumentError(`\`output_mode\` must be \`'int'\` when \`invert\` is true. Received: output_mode=${this.outputMode}`)
    if (args.sparse && this.outputMode === 'int') throw new InvalidArgumentError(`\`sparse\` may only be true if \`output_mode\` is \`'one_hot'\`, \`'multi_hot'\`, \`'count'\` or \`'tf_idf'\`. Received: sparse=${args.sparse} and output_mode=${this.outputMode}`)
    checkNotSparse(args.sparse, this.constructor.name)
    if (args.idfWeights != null && this.outputMode !== 'tf_idf') throw new InvalidArgumentError(`\`idf_weights\` should only be set if \`output_mode\` is \`'tf_idf'\`. Received: idf_weights=${fmt(args.idfWeights)} and output_mode=${this.outputMode}`)
    this.invert = args.invert ?? false
    this.maxTokens = maxTokens
    this.numOovIndices = numOov
    this.maskToken = args.maskToken ?? null
    this.oovToken = args.oovToken === undefined ? defaults.oovToken : args.oovToken
    this.sparse = false
    this.padToMaxTokens = args.padToMaxTokens ?? false
    this.frozenVocabSize = args.vocabularySize ?? null
    this.inputVocabulary = args.vocabulary ? [...args.vocabulary] : null
    this.inputIdfWeights = args.idfWeights ? [...args.idfWeights] : null
    this.hasInputVocabulary = args.hasInputVocabulary ?? args.vocabulary != null
    if (this.outputMode === 'tf_idf' && this.hasInputVocabulary && args.idfWeights == null) {
      throw new InvalidArgumentError('When specifying the `vocabulary` argument, in TF-IDF output mode, the `idf_weights` argument must also be provided.')
    }
    if (args.idfWeights != null) this.idfWeights = Float32Array.from(args.idfWeights)
    this.built = true
  }

  /** Called by subclasses once their fields are set (so `isStringVocab` is known). */
  protected init(args: IndexLookupArgs<T>): void {
    if (args.vocabulary != null) this.setVocabulary(args.vocabulary, args.idfWeights ?? null)
  }

  protected oovStartIndex(): number { return this.maskToken !== null && this.outputMode === 'int' ? 1 : 0 }
  protected tokenStartIndex(): number { return this.oovStartIndex() + this.numOovIndices }

  /** Size of the vocabulary, special tokens included (Keras `vocabulary_size`). */
  vocabularySize(): number { return this.table.size + this.tokenStartIndex() }

  /** The vocabulary in index order (Keras `get_vocabulary`). */
  getVocabulary(includeSpecialTokens = true): T[] {
    const vocab: T[] = Array.from({ length: this.vocabularySize() }, () => this.oovToken)
    for (const [tok, i] of this.table) vocab[i] = tok as T
    if (this.maskToken !== null && this.outputMode === 'int') vocab[0] = this.maskToken
    return includeSpecialTokens ? vocab : vocab.slice(this.tokenStartIndex())
  }

  /** Sets the vocabulary (and tf_idf weights) directly (Keras `set_vocabulary`). */
  setVocabulary(vocabulary: readonly T[] | string, idfWeights: readonly number[] | null = null): void {
    if (typeof vocabulary === 'string') {
      throw new InvalidArgumentError(`kx cannot read vocabulary files by path; read the file and pass its lines (\`text.split('\\n')\`). Received: vocabulary=${fmt(vocabulary)}`)
    }
    if (this.outputMode === 'tf_idf') {
      if (idfWeights === null) throw new InvalidArgumentError("`idf_weights` must be set if output_mode is 'tf_idf'.")
    } else if (idfWeights !== null) {
      throw new InvalidArgumentError(`\`idf_weights\` should only be set if output_mode is \`'tf_idf'\`. Received: output_mode=${this.outputMode} and idf_weights=${fmt(idfWeights)}`)
    }
    const vocab = vocabulary.map((v) => this.normalizeToken(v)) as T[]
    if (vocab.length === 0) throw new InvalidArgumentError(`Cannot set an empty vocabulary. Received: vocabulary=${fmt(vocabulary)}`)
    const tokenStart = this.tokenStartIndex()
    const special: Token[] = [...Array(this.oovStartIndex()).fill(this.maskToken), ...Array(this.numOovIndices).fill(this.oovToken)]
    const foundSpecial = special.length <= vocab.length && special.every((s, i) => s === vocab[i])
    const tokens = foundSpecial ? vocab.slice(tokenStart) : vocab
    const seen = new Map<Token, number>()
    for (const t of tokens) seen.set(t, (seen.get(t) ?? 0) + 1)
    const repeated = [...seen].filter(([, c]) => c > 1).map(([t]) => t)
    if (repeated.length) throw new InvalidArgumentError(`The passed vocabulary has at least one repeated term. Please uniquify your dataset. The repeated terms are: ${fmt(repeated)}`)
    if (this.maskToken !== null && seen.has(this.maskToken)) {
      throw new InvalidArgumentError(`Found reserved mask token at unexpected location in \`vocabulary\`. Note that passed \`vocabulary\` does not need to include the OOV and mask tokens. Either remove all mask and OOV tokens, or include them only at the start of the vocabulary in precisely this order: ${fmt(special)}. Received: mask_token=${fmt(this.maskToken)}`)
    }
    if (this.invert && seen.has(this.oovToken)) {
      throw new InvalidArgumentError(`Found reserved OOV token at unexpected location in \`vocabulary\`. Note that passed \`vocabulary\` does not need to include the OOV and mask tokens. Either remove all mask and OOV tokens, or include them only at the start of the vocabulary in precisely this order: ${fmt(special)}. Received: oov_token=${fmt(this.oovToken)}`)
    }
    const newSize = tokenStart + tokens.length
    if (this.maxTokens !== null && newSize > this.maxTokens) {
      throw new InvalidArgumentError(`Attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary size is ${newSize}; \`max_tokens\` is ${this.maxTokens}.`)
    }
    this.setTable(tokens)
    if (this.outputMode === 'tf_idf' && idfWeights !== null) {
      if (vocab.length !== idfWeights.length) throw new InvalidArgumentError(`\`idf_weights\` must be the same length as vocabulary. len(idf_weights) is ${idfWeights.length}; len(vocabulary) is ${vocab.length}`)
      const front = foundSpecial ? 0 : tokenStart
      const frontValue = foundSpecial ? 0 : idfWeights.reduce((a, b) => a + b, 0) / idfWeights.length
      const back = this.padToMaxTokens && this.maxTokens !== null ? this.maxTokens - front - idfWeights.length : 0
      this.idfWeights = Float32Array.from([...Array(front).fill(frontValue), ...idfWeights, ...Array(Math.max(0, back)).fill(0)])
    }
  }

  private setTable(tokens: readonly Token[]): void {
    const start = this.tokenStartIndex()
    this.table = new Map(tokens.map((t, i) => [t, start + i]))
    this.recordVocabularySize()
  }

  private recordVocabularySize(): void {
    const size = this.vocabularySize()
    if (this.outputMode !== 'int' && !this.padToMaxTokens && this.frozenVocabSize !== null && this.frozenVocabSize !== size && this.calledOnce) {
      throw new InvalidArgumentError(`When using \`output_mode=${this.outputMode}\` and \`pad_to_max_tokens=False\`, the vocabulary size cannot be changed after the layer is called. Old vocab size is ${this.frozenVocabSize}, new vocab size is ${size}`)
    }
    this.frozenVocabSize = size
  }
  private calledOnce = false

  /** A token from user data: strings for StringLookup, integers for IntegerLookup. */
  protected abstract normalizeToken(v: unknown): Token

  /** Learns a vocabulary from data by token frequency (Keras `adapt`). Data: nested arrays, tensors or (async) iterables of batches. */
  async adapt(data: unknown, options: { steps?: number | null } = {}): Promise<void> {
    this.resetState()
    const single = isHostData(data) || data instanceof Tensor
    for await (const b of adaptBatches(data as never, options.steps)) {
      const host = await toHostArrayAsync(b, this.name)
      let shape = host.shape
      if (single && shape.length === 1) shape = [shape[0]!, 1]
      this.updateState(host.values, shape)
    }
    this.finalizeState()
  }

  /** Accumulates token (and document) counts from one rectangular batch (Keras `update_state`); each row is a document. */
  updateState(values: readonly Token[], shape: readonly number[]): void {
    const rows = shape.length <= 1 ? 1 : shape[0]!
    const per = rows === 0 ? 0 : values.length / rows
    this.updateStateRows(Array.from({ length: rows }, (_, r) => values.slice(r * per, (r + 1) * per)))
  }

  /** Accumulates token and document counts from documents of any lengths. */
  updateStateRows(rows: readonly (readonly Token[])[]): void {
    if (this.hasInputVocabulary) {
      throw new InvalidArgumentError(`Cannot adapt layer '${this.name}' after setting a static vocabulary via \`vocabulary\` argument or \`set_vocabulary()\` method.`)
    }
    for (const row of rows) {
      const toks = row.map((v) => this.normalizeToken(v))
      for (const t of toks) this.tokenCounts.set(t, (this.tokenCounts.get(t) ?? 0) + 1)
      if (this.outputMode === 'tf_idf') for (const t of new Set(toks)) this.docCounts.set(t, (this.docCounts.get(t) ?? 0) + 1)
    }
    if (this.outputMode === 'tf_idf') this.numDocuments += rows.length
  }

  /** Builds the vocabulary from the accumulated counts (Keras `finalize_state`). */
  finalizeState(): void {
    if (this.hasInputVocabulary || this.tokenCounts.size === 0) { this.recordVocabularySize(); return }
    if (this.maskToken !== null) this.tokenCounts.delete(this.maskToken)
    this.tokenCounts.delete(this.oovToken)
    // NOTE: np.lexsort((tokens, counts))[::-1]: count descending, ties by token descending (byte order).
    const sorted = [...this.tokenCounts].sort((a, b) => (b[1] - a[1]) || compareTokens(b[0], a[0])).map(([t]) => t)
    const kept = this.maxTokens ? sorted.slice(0, Math.max(0, this.maxTokens - this.tokenStartIndex())) : sorted
    this.table = new Map(kept.map((t, i) => [t, this.tokenStartIndex() + i]))
    if (this.outputMode === 'tf_idf') {
      const idf = kept.map((t) => Math.fround(Math.log(1 + this.numDocuments / (1 + (this.docCounts.get(t) ?? 0)))))
      let mean = 0
      for (const v of idf) mean = Math.fround(mean + v)
      mean = idf.length ? Math.fround(mean / idf.length) : 0
      const padded = [...Array(this.tokenStartIndex()).fill(mean), ...idf]
      if (this.padToMaxTokens && this.maxTokens !== null) while (padded.length < this.maxTokens) padded.push(0)
      this.idfWeights = Float32Array.from(padded)
    }
    this.resetState()
    this.recordVocabularySize()
  }

  /** Clears the adapt counters (Keras `reset_state`). */
  resetState(): void {
    if (this.hasInputVocabulary) return
    this.tokenCounts.clear()
    this.docCounts.clear()
    this.numDocuments = 0
  }

  override apply(inputs: unknown, options: CallOptions = {}): any {
    if (isHostData(inputs)) return this.call(inputs)
    if (inputs instanceof Tensor) return super.apply(inputs, options)
    throw new InvalidArgumentError(`Layer "${this.name}" expects a tensor or a nested array. Received: ${fmt(inputs)}`)
  }

  /** Index of each host token (Keras `_lookup_dense`). */
  lookupIndices(values: readonly Token[]): number[] {
    const oovStart = this.oovStartIndex()
    const def = this.numOovIndices === 1 ? oovStart : -1
    const maskValue = this.outputMode === 'int' ? 0 : -1
    const bad: Token[] = []
    const out = values.map((raw) => {
      const v = this.normalizeToken(raw)
      if (this.maskToken !== null && v === this.maskToken) return maskValue
      const hit = this.table.get(v)
      if (hit !== undefined) return hit
      if (this.numOovIndices === 0) { bad.push(v); return -1 }
      if (this.numOovIndices === 1) return def
      let h: number
      if (typeof v === 'number' && this.oovMethod !== 'farmhash') h = ((v % this.numOovIndices) + this.numOovIndices) % this.numOovIndices
      else {
        const s = valueToString(v, false)
        h = this.salt ? hashBucketStrong(s, this.numOovIndices, this.salt) : hashBucketFast(s, this.numOovIndices)
      }
      return h + oovStart
    })
    if (bad.length) throw new InvalidArgumentError(`When \`num_oov_indices=0\` all inputs should be in vocabulary, found OOV values ${fmt(bad)}, consider setting \`num_oov_indices=1\`.`)
    return out
  }

  /** Tokens of host indices (inverted lookup). */
  lookupTokens(indices: readonly number[]): T[] {
    const inv = new Map<number, Token>()
    for (const [t, i] of this.table) inv.set(i, t)
    return indices.map((i) => (this.maskToken !== null && i === 0 ? this.maskToken : ((inv.get(i) as T | undefined) ?? this.oovToken)))
  }

  override call(inputs: unknown): any {
    const depth = this.padToMaxTokens ? this.maxTokens! : this.frozenVocabSize
    if (this.outputMode !== 'int' && !this.padToMaxTokens && depth === null) {
      throw new InvalidArgumentError(`When using \`output_mode=${this.outputMode}\` and \`pad_to_max_tokens=False\`, you must set the layer's vocabulary before calling it. Either pass a \`vocabulary\` argument to the layer, or call \`adapt\` with some sample data.`)
    }
    if (inputs instanceof Tensor && inputs.isSymbolic) return symbolic(this.computeOutputShape(inputs.shape as Dim[]), this.outputMode === 'tf_idf' ? floatx() : NUMBER)
    this.calledOnce = true
    if (inputs instanceof Tensor && isFloat(inputs.dtype)) throw new InvalidArgumentError(`Layer "${this.name}" expects integer or string inputs. Received: dtype=${inputs.dtype}`)
    if (inputs instanceof Tensor && !this.isStringVocab && !inputs.backend.capabilities.syncRead) return this.callOnDevice(inputs, depth ?? 0)
    const host = toHostArray(inputs, this.name)
    if (this.invert) {
      const toks = this.lookupTokens(host.values.map(Number))
      return this.isStringVocab ? nest(toks, host.shape) : intTensor(toks as number[], host.shape, NUMBER, inputs)
    }
    return this.encode(this.lookupIndices(host.values), host.shape, depth ?? 0, inputs)
  }

  /**
   * Integer lookups on a backend without synchronous reads (WebGPU): the same table as `lookupIndices` /
   * `lookupTokens`, matched by comparing each value with every vocabulary entry on the device.
   */
  private callOnDevice(x: Tensor, depth: number): Tensor {
    const on = { backend: x.backend }
    const xi = cast(x, 'int32')
    const int = (v: number): Tensor => full([], v, 'int32', x.backend)
    if (this.invert) {
      const size = this.vocabularySize()
      const tokens = this.lookupTokens(Array.from({ length: size }, (_, i) => i)) as number[]
      const inRange = logicalAnd(greaterEqual(xi, 0), less(xi, size))
      return where(inRange, take(tensor(Int32Array.from(tokens), { shape: [size], dtype: 'int32', ...on }), clip(xi, 0, Math.max(size - 1, 0))), int(this.oovToken as number))
    }
    if (this.numOovIndices === 0 || (this.numOovIndices > 1 && this.oovMethod === 'farmhash')) {
      throw new SyncReadError(`Layer "${this.name}" needs a synchronous read for num_oov_indices=${this.numOovIndices}${this.numOovIndices ? ' with oov_method="farmhash"' : ''}, which backend "${x.backend.name}" cannot do. Pass the values as a nested array (\`await t.array()\`) instead. Received: a tensor of shape ${fmt(x.shape)}`)
    }
    const oovStart = this.oovStartIndex()
    let out = this.numOovIndices === 1 ? int(oovStart) : add(mod(xi, this.numOovIndices), oovStart)
    // int32 inputs only match int32 vocabulary entries.
    const entries = [...this.table].filter(([t]) => typeof t === 'number' && (t | 0) === t) as [number, number][]
    if (entries.length) {
      const eq = equal(expandDims(xi, -1), tensor(Int32Array.from(entries.map(([t]) => t)), { shape: [entries.length], dtype: 'int32', ...on }))
      const idx = sum(where(eq, tensor(Int32Array.from(entries.map(([, i]) => i)), { shape: [entries.length], dtype: 'int32', ...on }), 0), { axis: -1 })
      out = where(any(eq, { axis: -1 }), idx, out)
    }
    if (this.maskToken !== null) out = where(equal(xi, this.maskToken as number), int(this.outputMode === 'int' ? 0 : -1), out)
    return this.encodeIndices(cast(broadcastTo(out, x.shape as number[]), NUMBER), depth, x)
  }

  /** Turns looked-up indices into the layer's output tensor. */
  protected encode(idx: readonly number[], shape: readonly number[], depth: number, like: unknown): Tensor {
    return this.encodeIndices(intTensor(idx, shape, NUMBER, like), depth, like)
  }

  private encodeIndices(t: Tensor, depth: number, like: unknown): Tensor {
    // Masked entries of non-int modes are -1: one-hot rows of zeros, as TensorFlow's bincount drops them.
    if (this.outputMode === 'int') return t
    const mode = this.outputMode === 'tf_idf' ? 'count' : this.outputMode
    const out = encodeCategorical(t, mode, depth, NUMBER)
    if (this.outputMode !== 'tf_idf') return out
    const w = tensor(this.idfWeights ?? new Float32Array(depth), { dtype: 'float32', ...(like instanceof Tensor ? { backend: like.backend } : {}) })
    return multiply(out, w)
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const depth = this.padToMaxTokens ? this.maxTokens : this.frozenVocabSize
    const s = inputShape as Dim[]
    if (this.outputMode === 'int') return s.slice()
    if (this.outputMode === 'one_hot') return s.length > 1 && s[s.length - 1] === 1 ? [...s.slice(0, -1), depth] : [...s, depth]
    return [...s.slice(0, -1), depth]
  }

  /** Keras `save_own_variables`: only tf_idf layers store their `idf_weights`. */
  saveOwnVariables(): Record<string, Tensor> {
    return this.outputMode === 'tf_idf' && this.idfWeights ? { idf_weights: tensor(this.idfWeights, { dtype: 'float32' }) } : {}
  }
  /** Keras `load_own_variables`. */
  loadOwnVariables(store: Readonly<Record<string, Tensor | Float32Array>>): void {
    const w = store['idf_weights']
    if (this.outputMode === 'tf_idf' && w) this.idfWeights = Float32Array.from(w instanceof Tensor ? (w.dataSync() as ArrayLike<number>) : w)
  }
  /**
   * Keras `save_assets`: the files of this layer's asset folder (`vocabulary.txt`, one token per
   * line), or nothing when the vocabulary came from the constructor (it is in the config).
   */
  saveAssets(): Map<string, Uint8Array> {
    if (this.inputVocabulary !== null) return new Map()
    return new Map([['vocabulary.txt', utf8(this.getVocabulary(true).map(String).join('\n'))]])
  }
  /** Keras `load_assets`: restores the vocabulary from the files `saveAssets` wrote. */
  loadAssets(files: ReadonlyMap<string, Uint8Array>): void {
    if (this.inputVocabulary !== null) return
    const f = files.get('vocabulary.txt')
    if (!f) return
    const lines = new TextDecoder().decode(f).split(/\r?\n/)
    while (lines.length && lines[lines.length - 1] === '') lines.pop()
    const values = (this.isStringVocab ? lines : lines.map((l) => Number.parseInt(l, 10))) as T[]
    this.setVocabulary(values, this.outputMode === 'tf_idf' && this.idfWeights ? Array.from(this.idfWeights) : null)
  }

  /** Keras's IndexLookup keeps no build shapes: its `build_config` is `{}`. */
  override getBuildConfig(): Record<string, unknown> { return {} }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      invert: this.invert, max_tokens: this.maxTokens, num_oov_indices: this.numOovIndices, oov_token: this.oovToken, mask_token: this.maskToken,
      output_mode: this.outputMode, sparse: this.sparse, pad_to_max_tokens: this.padToMaxTokens, vocabulary_dtype: this.isStringVocab ? 'string' : 'int64',
      idf_weights: this.inputIdfWeights, vocabulary: this.inputVocabulary, vocabulary_size: this.frozenVocabSize, oov_method: this.oovMethod, salt: this.salt,
    }
  }
}

/** Options of `StringLookup`. */
export interface StringLookupArgs extends IndexLookupArgs<string> { readonly encoding?: string }

/**
 * Maps strings to integer indices through a vocabulary (Keras `StringLookup`). kx tensors have no
 * string dtype: pass strings as (nested) JS arrays; `invert: true` returns nested JS string arrays.
 *
 * @example
 * ```ts
 * const lookup = new StringLookup({ vocabulary: ['a', 'b', 'c', 'd'] })
 * lookup.apply([['a', 'c', 'd'], ['d', 'z', 'b']]) // [[1, 3, 4], [4, 0, 2]]
 * ```
 */
export class StringLookup extends IndexLookup<string> {
  static readonly className: string = 'StringLookup'
  override get takesStrings(): boolean { return true }
  protected readonly isStringVocab = true
  readonly encoding: string
  constructor(args: StringLookupArgs = {}) {
    super(args, { oovToken: '[UNK]' })
    this.encoding = args.encoding ?? 'utf-8'
    this.init(args)
  }
  protected normalizeToken(v: unknown): Token {
    if (typeof v === 'string') return v
    throw new InvalidArgumentError(`StringLookup expects string inputs. Received: ${fmt(v)}`)
  }
  override call(inputs: unknown): any {
    if (this.invert && inputs instanceof Tensor && inputs.isSymbolic) throw new InvalidArgumentError('An inverted StringLookup returns JS strings and cannot run on symbolic tensors.')
    return super.call(inputs)
  }
  override getConfig(): Record<string, unknown> {
    const c = super.getConfig()
    delete c['vocabulary_dtype']
    return { ...c, encoding: this.encoding }
  }
}

/** Options of `IntegerLookup`. */
export interface IntegerLookupArgs extends IndexLookupArgs<number> { readonly vocabularyDtype?: 'int64' }

/**
 * Maps integers to contiguous indices through a vocabulary (Keras `IntegerLookup`).
 *
 * @example
 * ```ts
 * new IntegerLookup({ vocabulary: [12, 36, 1138, 42] }).apply(tensor([[12, 1138, 42], [42, 1000, 36]]))
 * ```
 */
export class IntegerLookup extends IndexLookup<number> {
  static readonly className: string = 'IntegerLookup'
  protected readonly isStringVocab = false
  constructor(args: IntegerLookupArgs = {}) {
    if (args.maxTokens != null && args.maxTokens <= 1) throw new InvalidArgumentError(`If \`max_tokens\` is set for \`IntegerLookup\`, it must be greater than 1. Received: max_tokens=${args.maxTokens}`)
    if ((args.vocabularyDtype ?? 'int64') !== 'int64') throw new InvalidArgumentError(`Only \`vocabulary_dtype='int64'\` is supported at this time. Received: vocabulary_dtype=${fmt(args.vocabularyDtype)}`)
    super(args, { oovToken: -1 })
    this.init(args)
  }
  protected normalizeToken(v: unknown): Token {
    const n = typeof v === 'bigint' ? Number(v) : v
    if (typeof n === 'number' && Number.isInteger(n)) return n
    if (typeof n === 'string' && /^-?\d+$/.test(n)) return Number.parseInt(n, 10)
    throw new InvalidArgumentError(`IntegerLookup expects integer inputs. Received: ${fmt(v)}`)
  }
}

