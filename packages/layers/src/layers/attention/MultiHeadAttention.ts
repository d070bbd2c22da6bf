/**
 * @file `MultiHeadAttention` (Keras `keras.layers.MultiHeadAttention`, Vaswani et al. 2017): query,
 * key and value projected per head by `EinsumDense` sub-layers, scaled dot-product attention over
 * `attentionAxes` (through `dotProductAttention` when Keras uses it, else einsum + masked softmax),
 * optional gate, output projection to `outputShape`.
 */
import { InvalidArgumentError, Tensor, fmt, type Dim } from '@kx/core'
import { cast, einsum, expandDims, multiply } from '@kx/ops-numpy'
import { dotProductAttention } from '@kx/ops-nn'
import { Layer, type CallOptions, type ShapeLike } from '../../engine/Layer.js'
import { EinsumDense } from '../core/EinsumDense.js'
import { Softmax } from '../activations/activation-layers.js'
import { Dropout } from '../regularization/dropout.js'
import { kernelBiasArgs, kernelBiasConfig, kernelBiasOf, type KernelBiasArgs, type KernelBiasFields } from '../common.js'
import { causalMask } from './Attention.js'
import {
  applyAttention, attentionCall, queryMaskOf, buildAttentionEquation, buildFromShapesDict, buildProjEquation, checkFlashDropout, checkFlashScores, projOutputShape,
  shapesDictConfig, slidingWindowArg, sublayerOptions, type SublayerOptions,
} from './attention-common.js'

/** Options of `MultiHeadAttention`. */
export interface MultiHeadAttentionArgs extends KernelBiasArgs {
  readonly numHeads: number
  /** Size of each head for query and key. */
  readonly keyDim: number
  /** Size of each head for value (default `keyDim`). */
  readonly valueDim?: number | null
  /** Dropout rate on the attention weights. */
  readonly dropout?: number
  readonly useBias?: boolean
  /** Output shape without the batch/sequence axes (default: the query's last dim). */
  readonly outputShape?: number | readonly number[] | null
  /** Axes attention runs over (default: all axes between batch and features). */
  readonly attentionAxes?: number | readonly number[] | null
  /** Each query attends only to keys with `|i − j| < slidingWindow`. */
  readonly slidingWindow?: number | null
  /** Accepted for Keras compatibility; the fused kernel is used when the backend has one. */
  readonly flashAttention?: boolean | null
  /** A sigmoid gate (a projection of the query) multiplies the attention output per head. */
  readonly useGate?: boolean
  readonly seed?: number | null
}

/** Call options of `MultiHeadAttention` and `GroupedQueryAttention` (inputs `[query, value]` or `[query, value, key]`). */
export interface MultiHeadAttentionCallOptions extends CallOptions {
  /** Boolean `[batch, T, S]`: which query steps attend to which key steps. */
  readonly attentionMask?: Tensor | null
  /** `[batch, T]`; for `MultiHeadAttention` Keras takes it from the query's own mask only. */
  readonly queryMask?: Tensor | null
  /** `[batch, S]` (default: the value's mask). */
  readonly valueMask?: Tensor | null
  /** `[batch, S]` (default: the key's mask). */
  readonly keyMask?: Tensor | null
  /** Also return the attention weights `[batch, heads, T, S]`. */
  readonly returnAttentionScores?: boolean
  /** Mask future positions. */
  readonly useCausalMask?: boolean
}

function positiveInt(v: unknown, name: string, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new InvalidArgumentError(`Received an invalid value for argument \`${name}\`, expected ${what}. Received: ${name}=${fmt(v)}`)
  }
  return v
}

/** The masks of `[query, value, key]` inputs: explicit options first, then the inputs' own masks. */
export function inputMasks(options: MultiHeadAttentionCallOptions): [Tensor | null, Tensor | null, Tensor | null] {
  const m = Array.isArray(options.mask) ? (options.mask as (Tensor | null | undefined)[]) : []
  return [m[0] ?? null, options.valueMask ?? m[1] ?? null, options.keyMask ?? m[2] ?? null]
}

/** Splits `[query, value(, key)]` inputs. */
export function attentionInputs(inputs: unknown, layer: string): [Tensor, Tensor, Tensor | null] {
  if (!Array.isArray(inputs) || inputs.length < 2 || inputs.length > 3 || !inputs.every((t) => t instanceof Tensor)) {
    throw new InvalidArgumentError(`${layer} must be called on [query, value] or [query, value, key]. Received: inputs=${fmt(inputs)}`)
  }
  return [inputs[0], inputs[1], inputs[2] ?? null]
}

/**
 * Multi-head attention: `softmax(Q Kᵀ / √keyDim) V` per head, projected back to the query's size.
 * Inputs are `[query, value]` (self-attention: pass the same tensor twice) or `[query, value, key]`.
 *
 * When to use: Transformer blocks, cross-attention, attention over several axes (`attentionAxes`).
 *
 * @example
 * ```ts
 * const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 16 })
 * const y = mha.apply([x, x], { useCausalMask: true }) // same shape as x
 * ```
 */
export class MultiHeadAttention extends Layer {
  static readonly className: string = 'MultiHeadAttention'
  /**
   * Keras's attribute names (the `.keras` weight paths): the projections are saved under their public
   * properties (`query_dense`, …; Keras visits private attributes last), the rest under private names.
   */
  static readonly kerasAttributeNames: Readonly<Record<string, string>> = {
    queryDense: 'query_dense', keyDense: 'key_dense', gateDense: '_gate_dense', valueDense: 'value_dense',
    softmax: '_softmax', dropoutLayer: '_dropout_layer', outputDense: 'output_dense',
  }
  readonly numHeads: number
  readonly keyDim: number
  readonly valueDim: number
  readonly dropout: number
  readonly useBias: boolean
  readonly useGate: boolean
  readonly outputShape: number[] | null
  /** As given, then normalized to non-negative axes at build (Keras mutates it too). */
  attentionAxes: number[] | null
  readonly slidingWindow: number | null
  readonly flashAttention: boolean
  readonly seed: number | null
  // Sub-layers in Keras's creation order (their weights list in this order).
  queryDense: EinsumDense | undefined
  keyDense: EinsumDense | undefined
  gateDense: EinsumDense | undefined
  valueDense: EinsumDense | undefined
  softmax: Softmax | undefined
  dropoutLayer: Dropout | undefined
  outputDense: EinsumDense | undefined
  private readonly _callMasks = new Map<Tensor, unknown>()
  private _dotEquation = ''
  private _combineEquation = ''

  constructor(args: MultiHeadAttentionArgs) {
    const numHeads = positiveInt(args?.numHeads, 'num_heads', 'a positive integer')
    const keyDim = positiveInt(args.keyDim, 'key_dim', 'a positive integer')
    if (args.valueDim !== undefined && args.valueDim !== null) positiveInt(args.valueDim, 'value_dim', 'a positive integer or `None`')
    super(args)
    this.supportsMasking = true
    this.numHeads = numHeads
    this.keyDim = keyDim
    this.valueDim = args.valueDim || keyDim
    this.dropout = args.dropout ?? 0
    this.useBias = args.useBias ?? true
    this.useGate = args.useGate ?? false
    const os = args.outputShape
    this.outputShape = os ? (typeof os === 'number' ? [os] : [...os]) : null
    const axes = args.attentionAxes
    this.attentionAxes = axes === null || axes === undefined ? null : typeof axes === 'number' ? [axes] : [...axes]
    this.slidingWindow = slidingWindowArg(args.slidingWindow)
    this.flashAttention = args.flashAttention ?? false
    Object.assign(this, kernelBiasArgs(args))
    this.seed = args.seed ?? null
    checkFlashDropout(this.flashAttention, this.dropout)
  }

  private common(): SublayerOptions {
    return sublayerOptions({ ...kernelBiasOf(this), dtype: this.dtypePolicy })
  }

  private projection(rank: number, dims: readonly number[], name: string, inputShape: readonly Dim[], activation?: string): EinsumDense {
    const [equation, bias, outRank] = buildProjEquation(rank - 1, 1, 2)
    const layer = new EinsumDense({
      equation, outputShape: projOutputShape(outRank - 1, dims), biasAxes: this.useBias ? bias : null, name, ...(activation ? { activation } : {}), ...this.common(),
    })
    layer.buildShapes = inputShape
    layer.build(inputShape)
    layer.built = true
    return layer
  }

  override build(inputShape: ShapeLike): void {
    const [qShape, vShape, kShape0] = inputShape as readonly (readonly Dim[])[]
    const kShape = kShape0 ?? vShape!
    if (JSON.stringify(vShape!.slice(1, -1)) !== JSON.stringify(kShape.slice(1, -1))) {
      throw new InvalidArgumentError(`All dimensions of \`value\` and \`key\`, except the last one, must be equal. Received: value_shape=${fmt(vShape)} and key_shape=${fmt(kShape)}`)
    }
    const qRank = qShape!.length
    this.queryDense = this.projection(qRank, [this.numHeads, this.keyDim], 'query', qShape!)
    this.keyDense = this.projection(kShape.length, [this.numHeads, this.keyDim], 'key', kShape)
    if (this.useGate) this.gateDense = this.projection(qRank, [this.numHeads, this.valueDim], 'gate', qShape!, 'sigmoid')
    const [, , outRank] = buildProjEquation(vShape!.length - 1, 1, 2)
    this.valueDense = this.projection(vShape!.length, [this.numHeads, this.valueDim], 'value', vShape!)
    this.buildAttention(outRank)
    const outShape = this.outputShape ?? [qShape!.at(-1) as number]
    const [eq, bias, oRank] = buildProjEquation(qRank - 1, 2, outShape.length)
    this.outputDense = new EinsumDense({
      equation: eq, outputShape: projOutputShape(oRank - 1, outShape), biasAxes: this.useBias ? bias : null, name: 'attention_output', ...this.common(),
    })
    const denseIn = (this.queryDense.computeOutputShape(qShape!) as Dim[]).slice()
    denseIn[denseIn.length - 1] = this.valueDim
    this.outputDense.buildShapes = denseIn
    this.outputDense.build(denseIn)
    this.outputDense.built = true
    this.built = true
  }

  private buildAttention(rank: number): void {
    this.attentionAxes = this.attentionAxes === null
      ? Array.from({ length: rank - 3 }, (_, i) => i + 1)
      : this.attentionAxes.map((a) => (a >= 0 ? a : rank - 1 + a))
    const [dot, combine, scoresRank] = buildAttentionEquation(rank, this.attentionAxes)
    this._dotEquation = dot
    this._combineEquation = combine
    const n = this.attentionAxes.length
    const normAxes = Array.from({ length: n }, (_, i) => scoresRank - n + i)
    this.softmax = new Softmax({ axis: normAxes, dtype: this.dtypePolicy })
    this.dropoutLayer = new Dropout({ rate: this.dropout, dtype: this.dtypePolicy, seed: this.seed })
  }

  /** Expands a `[B, T, S]` mask up to the scores' rank (new axes before the attention axes). */
  private expandMask(mask: Tensor, rank: number): Tensor {
    const axis = -(this.attentionAxes!.length * 2) - 1
    let m = mask
    while (m.shape.length < rank) m = expandDims(m, axis)
    return m
  }

  private computeAttention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, training: boolean | undefined, returnScores: boolean, causalOnly: boolean): [Tensor, Tensor | null] {
    checkFlashScores(this.flashAttention, returnScores)
    const scale = 1 / Math.sqrt(this.keyDim)
    if (!(this.dropout > 0 || returnScores || q.shape.length !== 4)) {
      if (causalOnly) return [dotProductAttention(q, k, v, { scale, isCausal: true }), null]
      return [dotProductAttention(q, k, v, { mask: mask ? this.expandMask(mask, 4) : null, scale }), null]
    }
    let m = mask
    if (causalOnly) m = causalMask(q.shape[1] as number, v.shape[1] as number)
    const qs = multiply(q, cast(scale, q.dtype))
    let scores = einsum(this._dotEquation, k, qs)
    scores = this.softmax!.apply(scores, m ? { mask: this.expandMask(m, scores.shape.length) } : {}) as Tensor
    const dropped = this.dropout > 0 ? (this.dropoutLayer!.apply(scores, training === undefined ? {} : { training }) as Tensor) : scores
    return [einsum(this._combineEquation, dropped, v), scores]
  }

  override call(inputs: unknown, options: MultiHeadAttentionCallOptions = {}): unknown {
    const [query, value, key0] = attentionInputs(inputs, 'MultiHeadAttention')
    const key = key0 ?? value
    // NOTE: Keras's MHA reads the query mask from the query tensor itself (an explicit query_mask is ignored).
    const masks = inputMasks(options)
    return attentionCall(this, [query, value, key], masks, options, (...a) => this.computeAttention(...a), this._callMasks)
  }

  override apply(inputs: unknown, options: MultiHeadAttentionCallOptions = {}): any {
    return applyAttention(() => super.apply(inputs, options), this._callMasks)
  }

  /** Keras's `{shapes_dict: {query_shape, value_shape, key_shape?}}`. */
  override getBuildConfig(): Record<string, unknown> | null { return shapesDictConfig(this.buildShapes) }
  override buildFromConfig(config: Record<string, unknown> | null | undefined): void {
    if (!buildFromShapesDict(this, config)) super.buildFromConfig(config)
  }

  override computeMask(inputs: unknown, mask: unknown): unknown { return queryMaskOf(inputs, mask) }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const [q, v, k] = inputShape as readonly (readonly Dim[])[]
    const key = k ?? v!
    if (JSON.stringify(v!.slice(1, -1)) !== JSON.stringify(key.slice(1, -1))) {
      throw new InvalidArgumentError(`All dimensions of \`value\` and \`key\`, except the last one, must be equal. Received: value_shape=${fmt(v)} and key_shape=${fmt(key)}`)
    }
    return this.outputShape ? [...q!.slice(0, -1), ...this.outputShape] : q!.slice()
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      num_heads: this.numHeads,
      key_dim: this.keyDim,
      value_dim: this.valueDim,
      dropout: this.dropout,
      use_bias: this.useBias,
      use_gate: this.useGate,
      output_shape: this.outputShape ? [...this.outputShape] : null,
      attention_axes: this.attentionAxes ? [...this.attentionAxes] : null,
      sliding_window: this.slidingWindow,
      ...kernelBiasConfig(this),
      seed: this.seed,
    }
  }
}

// Declaration merging: `kernelBiasArgs` sets the resolved kernel / bias / activity options in the constructor.
export interface MultiHeadAttention extends KernelBiasFields {}
