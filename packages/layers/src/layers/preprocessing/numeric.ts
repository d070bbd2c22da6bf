/**
 * @file Numeric preprocessing layers: Normalization (with `adapt` over arrays, tensors and
 * (async) iterables of batches, and `invert`), Discretization (Keras's approximate quantile
 * summaries), CategoryEncoding and Rescaling.
 */
import { InvalidArgumentError, Tensor, Variable, fmt, full, imageDataFormat, tensor, type DType, type Dim, type NestedArray } from '@kx/core'
import { add, broadcastTo, cast, digitize, divide, maximum, multiply, reshape, sqrt, subtract } from '@kx/ops-numpy'
import { Layer, type CallOptions, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { checkNotSparse, encodeCategorical, encodedShape, oneOf, symbolic, toHostArray, type CategoricalMode } from './common.js'

const EPSILON = 1e-7

/** Data `adapt` accepts: a tensor, a nested array, or an iterable / async iterable of batches (a `[x, y]` pair uses x). */
export type AdaptData = Tensor | NestedArray | Iterable<unknown> | AsyncIterable<unknown>

interface HostBatch { values: Float64Array; shape: number[] }

async function hostBatch(b: unknown, what: string): Promise<HostBatch> {
  if (b instanceof Tensor) return { values: Float64Array.from((await b.data()) as ArrayLike<number>), shape: b.shape.slice() as number[] }
  if (ArrayBuffer.isView(b)) return { values: Float64Array.from(b as unknown as ArrayLike<number>), shape: [(b as unknown as ArrayLike<number>).length] }
  if (Array.isArray(b) || typeof b === 'number') {
    // Flattened on the host: no float64 tensor (WebGPU has none), no synchronous read.
    const h = toHostArray(b, what)
    if (h.isString) throw new InvalidArgumentError(`${what} expects numbers. Received: ${fmt(b)}`)
    return { values: Float64Array.from(h.values as number[]), shape: h.shape }
  }
  throw new InvalidArgumentError(`${what} expects tensors or nested arrays of numbers. Received: ${fmt(b)}`)
}

/** True for data that is one array / tensor (not an iterable of batches). */
function isSingleArray(data: unknown): boolean {
  if (data instanceof Tensor || ArrayBuffer.isView(data) || typeof data === 'number') return true
  return Array.isArray(data) && (data.length === 0 || typeof data[0] === 'number' || Array.isArray(data[0]))
}

/** Yields the batches of `data` (one batch for a single array), taking `x` from `[x, y]` tuples of iterables. */
async function* batchesOf(data: AdaptData, steps?: number | null): AsyncGenerator<unknown> {
  if (isSingleArray(data)) { yield data; return }
  let i = 0
  const it = data as AsyncIterable<unknown> & Iterable<unknown>
  const source = typeof it[Symbol.asyncIterator] === 'function' ? it : (typeof it[Symbol.iterator] === 'function' ? it : null)
  if (!source) throw new InvalidArgumentError(`\`adapt\` expects a tensor, an array, or an (async) iterable of batches. Received: ${fmt(data)}`)
  for await (const b of source as AsyncIterable<unknown>) {
    if (steps != null && i >= steps) break
    i++
    yield Array.isArray(b) && b.length === 2 && (b[0] instanceof Tensor || Array.isArray(b[0])) && !isSingleArray(b) ? b[0] : b
  }
}
export { batchesOf as adaptBatches, hostBatch as adaptHostBatch }

/** Options of `Normalization`. */
export interface NormalizationArgs extends LayerArgs {
  /** Axis or axes kept (one mean/variance per index); `null` for one scalar. Default -1. */
  readonly axis?: number | readonly number[] | null
  readonly mean?: number | NestedArray | null
  readonly variance?: number | NestedArray | null
  /** Undo the normalization: `mean + x · sqrt(variance)`. */
  readonly invert?: boolean
}

const shapeOfNested = (v: unknown): number[] => { const s: number[] = []; let p = v; while (Array.isArray(p)) { s.push(p.length); p = p[0] } return s }

/**
 * Feature-wise normalization `(x − mean) / sqrt(variance)` (Keras `Normalization`), with the
 * statistics given or learned by `await adapt(data)`.
 *
 * @example
 * ```ts
 * const norm = new Normalization()
 * await norm.adapt([[1, 2], [3, 6]])
 * norm.apply(x)
 * ```
 */
export class Normalization extends Layer {
  static readonly className: string = 'Normalization'
  readonly axis: number[]
  readonly invert: boolean
  readonly inputMean: number | NestedArray | null
  readonly inputVariance: number | NestedArray | null
  adaptMean: Variable | null = null
  adaptVariance: Variable | null = null
  count: Variable | null = null
  private keepAxis: number[] = []
  private reduceAxis: number[] = []
  private broadcastShape: number[] = []
  private buildInputShape: Dim[] | null = null
  private fixedMean: Tensor | null = null
  private fixedVariance: Tensor | null = null

  constructor(args: NormalizationArgs = {}) {
    super(args)
    const a = args.axis === undefined ? -1 : args.axis
    this.axis = a === null ? [] : typeof a === 'number' ? [a] : [...a]
    this.invert = args.invert ?? false
    this.inputMean = args.mean ?? null
    this.inputVariance = args.variance ?? null
    this.supportsMasking = true
    if ((this.inputMean !== null) !== (this.inputVariance !== null)) {
      throw new InvalidArgumentError(`When setting values directly, both \`mean\` and \`variance\` must be set. Received: mean=${fmt(this.inputMean)} and variance=${fmt(this.inputVariance)}`)
    }
    if (this.inputMean !== null) {
      const ms = shapeOfNested(this.inputMean)
      const vs = shapeOfNested(this.inputVariance)
      if (fmt(ms) !== fmt(vs)) throw new InvalidArgumentError(`When setting values directly, \`mean\` and \`variance\` must have the same shape. Received: mean shape ${fmt(ms)} and variance shape ${fmt(vs)}`)
      if (ms.length > this.axis.length) throw new InvalidArgumentError(`The rank of \`mean\` must be less than or equal to the number of axes (${this.axis.length}). Received: mean shape ${fmt(ms)} for axis ${fmt(this.axis)}`)
    }
  }

  override build(inputShape: ShapeLike): void {
    const shape = inputShape as readonly Dim[]
    const ndim = shape.length
    this.buildInputShape = shape.slice()
    if (this.axis.some((a) => a < -ndim || a >= ndim)) {
      throw new InvalidArgumentError(`All \`axis\` values must be in the range [-ndim, ndim). Received inputs with ndim=${ndim}, while axis=${fmt(this.axis)}`)
    }
    this.keepAxis = [...new Set(this.axis.map((d) => (d < 0 ? d + ndim : d)))].sort((x, y) => x - y)
    for (const d of this.keepAxis) {
      if (shape[d] === null) throw new InvalidArgumentError(`All \`axis\` values to be kept must have a known shape. Received axis=${fmt(this.axis)}, inputs.shape=${fmt(shape)}, with unknown axis at index ${d}`)
    }
    this.reduceAxis = [...Array(ndim).keys()].filter((d) => !this.keepAxis.includes(d))
    this.broadcastShape = [...Array(ndim).keys()].map((d) => (this.keepAxis.includes(d) ? (shape[d] as number) : 1))
    const mvShape = this.keepAxis.map((d) => shape[d] as number)
    if (this.inputMean === null) {
      this.adaptMean = this.addWeight({ name: 'mean', shape: mvShape, initializer: (sh, d) => full(sh, 0, d), trainable: false, dtype: 'float32' })
      this.adaptVariance = this.addWeight({ name: 'variance', shape: mvShape, initializer: (sh, d) => full(sh, 1, d), trainable: false, dtype: 'float32' })
      this.count = this.addWeight({ name: 'count', shape: [], initializer: (sh, d) => full(sh, 0, d), trainable: false, dtype: 'int32' })
    } else {
      const expand = (v: number | NestedArray): Tensor => {
        const t = tensor(v as NestedArray, { dtype: 'float32' })
        if (t.shape.length === 0) return broadcastTo(t, this.broadcastShape)
        const expanded = Array<number>(ndim).fill(1)
        for (let i = 1; i <= t.shape.length; i++) expanded[this.keepAxis[this.keepAxis.length - i]!] = t.shape[t.shape.length - i] as number
        return broadcastTo(reshape(t, expanded), this.broadcastShape)
      }
      this.fixedMean = expand(this.inputMean)
      this.fixedVariance = expand(this.inputVariance!)
    }
    this.built = true
  }

  /**
   * Computes the mean and variance of `data` over the non-kept axes (Keras `adapt`): one array or
   * tensor at once, or an (async) iterable of batches merged with Keras's running formula.
   */
  async adapt(data: AdaptData): Promise<void> {
    let first: HostBatch | null = null
    const batches: HostBatch[] = []
    for await (const b of batchesOf(data)) {
      const hb = await hostBatch(b, 'Normalization.adapt')
      if (!first) first = hb
      batches.push(hb)
    }
    if (!first) throw new InvalidArgumentError('adapt() received an empty iterable (no batches). Expected at least one batch.')
    if (!this.built) { this.buildShapes = first.shape.slice(); this.build(first.shape) }
    else {
      for (const d of this.keepAxis) {
        if (first.shape[d] !== this.buildInputShape![d]) {
          throw new InvalidArgumentError(`The layer was built with input_shape=${fmt(this.buildInputShape)}, but adapt() is being called with data with an incompatible shape, data.shape=${fmt(first.shape)}`)
        }
      }
    }
    if (!this.adaptMean) throw new InvalidArgumentError('Cannot adapt a Normalization layer created with fixed `mean` and `variance`.')
    const n = this.keepAxis.reduce((a, d) => a * (this.buildInputShape![d] as number), 1)
    let totalMean = new Float64Array(n)
    let totalVar = new Float64Array(n)
    let totalCount = 0
    for (const b of batches) {
      const [bm, bv, bc] = this.moments(b)
      totalCount += bc
      const bw = bc / totalCount
      const ew = 1 - bw
      const newMean = totalMean.map((m, i) => m * ew + bm[i]! * bw)
      totalVar = totalVar.map((v, i) => (v + (totalMean[i]! - newMean[i]!) ** 2) * ew + (bv[i]! + (bm[i]! - newMean[i]!) ** 2) * bw)
      totalMean = newMean
    }
    const mvShape = this.keepAxis.map((d) => this.buildInputShape![d] as number)
    this.adaptMean.assign(tensor(Float32Array.from(totalMean), { shape: mvShape, dtype: 'float32' }))
    this.adaptVariance!.assign(tensor(Float32Array.from(totalVar), { shape: mvShape, dtype: 'float32' }))
  }

  /** Per-kept-index mean and variance of one batch, and the number of reduced elements. */
  private moments(b: HostBatch): [Float64Array, Float64Array, number] {
    const shape = b.shape
    if (shape.length !== this.broadcastShape.length) throw new InvalidArgumentError(`adapt() yielded a batch with incompatible shape. Expected ${fmt(this.buildInputShape)}, got ${fmt(shape)}.`)
    for (const d of this.keepAxis) if (shape[d] !== this.buildInputShape![d]) throw new InvalidArgumentError(`adapt() yielded a batch with incompatible shape. Expected ${fmt(this.buildInputShape)}, got ${fmt(shape)}.`)
    const n = this.keepAxis.reduce((a, d) => a * shape[d]!, 1)
    const count = this.reduceAxis.reduce((a, d) => a * shape[d]!, 1)
    const sums = new Float64Array(n)
    const sq = new Float64Array(n)
    const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, x) => a * x, 1))
    const keyOf = (flat: number): number => {
      let k = 0
      for (const d of this.keepAxis) k = k * shape[d]! + (Math.floor(flat / strides[d]!) % shape[d]!)
      return k
    }
    const keys = new Int32Array(b.values.length)
    for (let i = 0; i < b.values.length; i++) { keys[i] = keyOf(i); sums[keys[i]!] += b.values[i]! }
    const mean = sums.map((s) => s / count)
    for (let i = 0; i < b.values.length; i++) sq[keys[i]!] += (b.values[i]! - mean[keys[i]!]!) ** 2
    return [mean, sq.map((s) => s / count), count]
  }

  /** The broadcastable mean and variance in the compute dtype. */
  private stats(): [Tensor, Tensor] {
    if (this.fixedMean) return [cast(this.fixedMean, this.computeDtype), cast(this.fixedVariance!, this.computeDtype)]
    if (!this.adaptMean) throw new InvalidArgumentError('You must call `.build(input_shape)` on the layer before using it.')
    return [cast(reshape(this.adaptMean.value, this.broadcastShape), this.computeDtype), cast(reshape(this.adaptVariance!.value, this.broadcastShape), this.computeDtype)]
  }

  override call(inputs: unknown): Tensor {
    const x = cast(inputs as Tensor, this.computeDtype)
    const [mean, variance] = this.stats()
    const std = maximum(sqrt(variance), EPSILON)
    return this.invert ? add(mean, multiply(x, std)) : divide(subtract(x, mean), std)
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] { return (inputShape as Dim[]).slice() }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: [...this.axis], invert: this.invert, mean: this.inputMean, variance: this.inputVariance }
  }
}

/** Options of `Discretization`. */
export interface DiscretizationArgs extends LayerArgs {
  readonly binBoundaries?: readonly number[] | null
  readonly numBins?: number | null
  readonly epsilon?: number
  readonly outputMode?: 'int' | 'one_hot' | 'multi_hot' | 'count'
  readonly sparse?: boolean
}

type Summary = [number[], number[]]

function summarize(values: Float32Array, epsilon: number): Summary {
  const sorted = Float32Array.from(values).sort()
  const n = sorted.length
  const step = Math.max(n / (1 / epsilon), 1)
  const start = Math.trunc(step - 1)
  const s = Math.trunc(step)
  const bounds: number[] = []
  for (let i = start; i < n; i += s) bounds.push(sorted[i]!)
  return [bounds, bounds.map(() => step)]
}

/** `np.interp(x, xp, fp)` for increasing `xp`. */
function interp(x: number, xp: readonly number[], fp: readonly number[]): number {
  if (x <= xp[0]!) return fp[0]!
  if (x >= xp[xp.length - 1]!) return fp[fp.length - 1]!
  let lo = 0
  let hi = xp.length - 1
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (xp[mid]! <= x) lo = mid; else hi = mid }
  const t = (x - xp[lo]!) / (xp[hi]! - xp[lo]!)
  return fp[lo]! + t * (fp[hi]! - fp[lo]!)
}

function compressSummary(summary: Summary, epsilon: number): Summary {
  if (summary[0].length * epsilon < 1) return summary
  const percents: number[] = []
  // NOTE: np.arange(0.0, 1.0, epsilon) + epsilon, with arange's length ceil(1 / epsilon).
  const count = Math.ceil(1 / epsilon)
  for (let i = 0; i < count; i++) percents.push(epsilon + i * epsilon)
  const cum: number[] = []
  summary[1].reduce((a, w, i) => (cum[i] = a + w), 0)
  const total = cum[cum.length - 1]!
  const cumPct = cum.map((c) => c / total)
  const bins = percents.map((p) => interp(p, cumPct, summary[0]))
  const cw = percents.map((p) => interp(p, cumPct, cum))
  const weights = cw.map((c, i) => c - (i === 0 ? 0 : cw[i - 1]!))
  return [bins.map(Math.fround), weights.map(Math.fround)]
}

function mergeSummaries(a: Summary, b: Summary, epsilon: number): Summary {
  const pairs = a[0].map((v, i) => [v, a[1][i]!] as [number, number]).concat(b[0].map((v, i) => [v, b[1][i]!] as [number, number]))
  // NOTE: np.argsort's default quicksort is not stable; ties carry equal boundary values, so order among them does not change the result's bins.
  pairs.sort((x, y) => x[0] - y[0])
  return compressSummary([pairs.map((p) => p[0]), pairs.map((p) => p[1])], epsilon)
}

/**
 * Buckets continuous features by `binBoundaries` (Keras `Discretization`): `x < b[0]` → 0,
 * `b[i-1] ≤ x < b[i]` → i. With `numBins`, `await adapt(data)` learns approximate quantiles.
 *
 * @example
 * ```ts
 * new Discretization({ binBoundaries: [0, 1, 2] }).apply(x) // int32 bucket ids
 * ```
 */
export class Discretization extends Layer {
  static readonly className: string = 'Discretization'
  binBoundaries: number[] | null
  readonly numBins: number | null
  readonly epsilon: number
  readonly outputMode: 'int' | 'one_hot' | 'multi_hot' | 'count'
  readonly sparse: boolean
  private summary: Summary | null

  constructor(args: DiscretizationArgs = {}) {
    super(args)
    this.outputMode = oneOf(args.outputMode ?? 'int', ['int', 'one_hot', 'multi_hot', 'count'] as const, 'output_mode', 'Discretization')
    checkNotSparse(args.sparse, 'Discretization')
    const numBins = args.numBins ?? null
    const bb = args.binBoundaries ?? null
    if (numBins !== null && numBins < 0) throw new InvalidArgumentError(`\`num_bins\` must be greater than or equal to 0. Received: \`num_bins=${numBins}\``)
    if (numBins !== null && bb !== null && !(args as { _fromConfig?: boolean })._fromConfig) {
      throw new InvalidArgumentError(`Both \`num_bins\` and \`bin_boundaries\` should not be set. Received: \`num_bins=${numBins}\` and \`bin_boundaries=${fmt(bb)}\``)
    }
    if (numBins === null && bb === null) throw new InvalidArgumentError('You need to set either `num_bins` or `bin_boundaries`.')
    this.binBoundaries = bb ? [...bb] : null
    this.numBins = numBins
    this.epsilon = args.epsilon ?? 0.01
    this.sparse = false
    this.summary = bb && bb.length ? null : [[], []]
    this.built = true
  }

  static override fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>): T {
    const args = { ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v])) }
    return new this({ ...args, _fromConfig: true })
  }

  private get outputDtype(): DType { return this.outputMode === 'int' ? 'int32' : this.computeDtype }

  /** Learns `numBins` quantile boundaries from the data (Keras `adapt`). */
  async adapt(data: AdaptData, options: { steps?: number | null } = {}): Promise<void> {
    if (this.numBins === null) throw new InvalidArgumentError('Cannot adapt a Discretization layer that has been initialized with `bin_boundaries`, use `num_bins` instead.')
    this.summary = [[], []]
    for await (const b of batchesOf(data, options.steps)) {
      const hb = await hostBatch(b, 'Discretization.adapt')
      this.summary = mergeSummaries(summarize(Float32Array.from(hb.values), this.epsilon), this.summary, this.epsilon)
    }
    const s = compressSummary(this.summary, 1 / this.numBins)
    this.binBoundaries = s[0].slice(0, -1)
  }

  override call(inputs: unknown): Tensor {
    const x = inputs as Tensor
    if (this.binBoundaries === null) {
      throw new InvalidArgumentError('You need to either pass the `bin_boundaries` argument at construction time or call `adapt(dataset)` before you can start using the `Discretization` layer.')
    }
    const depth = this.binBoundaries.length + 1
    if (x.isSymbolic) return symbolic(this.computeOutputShape(x.shape as Dim[]), this.outputDtype)
    const idx = digitize(x, tensor(Float32Array.from(this.binBoundaries), { shape: [this.binBoundaries.length], dtype: 'float32', backend: x.backend }))
    return encodeCategorical(idx, this.outputMode, depth, this.outputDtype)
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const depth = this.binBoundaries !== null ? this.binBoundaries.length + 1 : this.numBins
    return encodedShape(inputShape as Dim[], this.outputMode, depth)
  }

  override getConfig(): Record<string, unknown> {
    return { bin_boundaries: this.binBoundaries, num_bins: this.numBins, epsilon: this.epsilon, output_mode: this.outputMode, sparse: this.sparse, name: this.name, dtype: this.dtype }
  }
}

/** Options of `CategoryEncoding`. */
export interface CategoryEncodingArgs extends LayerArgs {
  readonly numTokens: number
  /** `'multi_hot'` (default; `'binary'` is an alias), `'one_hot'` or `'count'`. */
  readonly outputMode?: 'multi_hot' | 'one_hot' | 'count' | 'binary'
  readonly sparse?: boolean
}

/**
 * Encodes integer features in `[0, numTokens)` as one-hot, multi-hot or count vectors (Keras `CategoryEncoding`).
 *
 * @example
 * ```ts
 * new CategoryEncoding({ numTokens: 4, outputMode: 'one_hot' }).apply(ids)
 * ```
 */
export class CategoryEncoding extends Layer {
  static readonly className: string = 'CategoryEncoding'
  readonly numTokens: number
  readonly outputMode: 'multi_hot' | 'one_hot' | 'count'
  readonly sparse: boolean
  constructor(args: CategoryEncodingArgs) {
    super(args)
    const mode = args?.outputMode === 'binary' ? 'multi_hot' : (args?.outputMode ?? 'multi_hot')
    if (!['count', 'one_hot', 'multi_hot'].includes(mode)) throw new InvalidArgumentError(`Unknown arg for output_mode: ${fmt(mode)}`)
    if (args?.numTokens === undefined || args.numTokens === null) {
      throw new InvalidArgumentError('num_tokens must be set to use this layer. If the number of tokens is not known beforehand, use the IntegerLookup layer instead.')
    }
    if (args.numTokens < 1) throw new InvalidArgumentError(`\`num_tokens\` must be >= 1. Received: num_tokens=${args.numTokens}.`)
    checkNotSparse(args.sparse, 'CategoryEncoding')
    this.numTokens = args.numTokens
    this.outputMode = mode as 'multi_hot' | 'one_hot' | 'count'
    this.sparse = false
    this.built = true
  }
  override call(inputs: unknown, options: CallOptions = {}): Tensor {
    const x = inputs as Tensor
    const cw = options['countWeights'] as Tensor | NestedArray | undefined | null
    if (cw != null && this.outputMode !== 'count') {
      throw new InvalidArgumentError(`\`count_weights\` is not used when \`output_mode\` is not \`'count'\`. Received \`count_weights=${fmt(cw)}\`.`)
    }
    if (x.isSymbolic) return symbolic(this.computeOutputShape(x.shape as Dim[]), this.computeDtype)
    const weights = cw == null ? null : cast(cw instanceof Tensor ? cw : tensor(cw), this.computeDtype)
    return encodeCategorical(x, this.outputMode as CategoricalMode, this.numTokens, this.dtype, weights)
  }
  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const s = inputShape as Dim[]
    if (s.length === 0) return [this.numTokens]
    if (this.outputMode === 'one_hot') {
      if (s[s.length - 1] !== 1 || s.length === 1) return [...s, this.numTokens]
      return [...s.slice(0, -1), this.numTokens]
    }
    return [...s.slice(0, -1), this.numTokens]
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), num_tokens: this.numTokens, output_mode: this.outputMode } }
}

/** Options of `Rescaling`. */
export interface RescalingArgs extends LayerArgs {
  /** A number, or one number per channel. */
  readonly scale: number | readonly number[]
  readonly offset?: number | readonly number[]
}

/**
 * Rescales inputs to `x · scale + offset` (Keras `Rescaling`), e.g. `[0, 255]` → `[0, 1]` with `scale: 1 / 255`.
 *
 * @example
 * ```ts
 * new Rescaling({ scale: 1 / 127.5, offset: -1 }).apply(images)
 * ```
 */
export class Rescaling extends Layer {
  static readonly className: string = 'Rescaling'
  readonly scale: number | number[]
  readonly offset: number | number[]
  constructor(args: RescalingArgs) {
    super(args)
    if (args?.scale === undefined) throw new InvalidArgumentError('Rescaling needs a `scale` argument.')
    this.scale = typeof args.scale === 'number' ? args.scale : [...args.scale]
    this.offset = args.offset === undefined ? 0 : typeof args.offset === 'number' ? args.offset : [...args.offset]
    this.supportsMasking = true
    this.built = true
  }
  override call(inputs: unknown): Tensor {
    const d = this.computeDtype
    const x = cast(inputs as Tensor, d)
    const asT = (v: number | number[]): Tensor => cast(tensor(v), d)
    let scale = asT(this.scale)
    // NOTE: Keras reshapes a per-channel scale to (C, 1, 1) only under the global channels_first setting.
    if (scale.shape.length > 0 && imageDataFormat() === 'channels_first') {
      scale = reshape(scale, [...(scale.shape as number[]), ...Array<number>(Math.max(0, 3 - scale.shape.length)).fill(1)])
    }
    return cast(add(multiply(x, scale), asT(this.offset)), d)
  }
  override computeOutputShape(inputShape: ShapeLike): Dim[] { return (inputShape as Dim[]).slice() }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), scale: this.scale, offset: this.offset } }
}

