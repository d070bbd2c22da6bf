/**
 * @file `MultiHeadAttention` (Keras `keras.layers.MultiHeadAttention`, Vaswani et al. 2017): query,
 * key and value projected per head by `EinsumDense` sub-layers, scaled dot-product attention over
 * `attentionAxes` (through `dotProductAttention` when Keras uses it, else einsum + masked softmax),
 * optional gate, output projection to `outputShape`.
 */
import { InvalidArgumentError, fmt, type Dim, type Tensor } from '@kx/core'
import { cast, einsum, expandDims, multiply } from '@kx/ops-numpy'
import { dotProductAttention } from '@kx/ops-nn'
import type { CallOptions, ShapeLike } from '../../engine/Layer.js'
import { EinsumDense } from '../core/EinsumDense.js'
import { Softmax } from '../activations/activation-layers.js'
import { Dropout } from '../regularization/dropout.js'
import { kernelBiasConfig } from '../common.js'
import { causalMask } from './Attention.js'
import {
  attendWithScores, buildAttentionEquation, buildNow, buildProjEquation, checkFlashScores, checkValueKeyShapes, projOutputShape, sublayerOptionsOf,
} from './attention-common.js'
import { ProjectedAttention, type ProjectedAttentionArgs } from './ProjectedAttention.js'

/** Options of `MultiHeadAttention`. */
export interface MultiHeadAttentionArgs extends ProjectedAttentionArgs {
  readonly numHeads: number
  /** Size of each head for query and key. */
  readonly keyDim: number
  /** Size of each head for value (default `keyDim`). */
  readonly valueDim?: number | null
  /** Output shape without the batch/sequence axes (default: the query's last dim). */
  readonly outputShape?: number | readonly number[] | null
  /** Axes attention runs over (default: all axes between batch and features). */
  readonly attentionAxes?: number | readonly number[] | null
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
export class MultiHeadAttention extends ProjectedAttention {
  static override readonly className: string = 'MultiHeadAttention'
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
  readonly outputShape: number[] | null
  /** As given, then normalized to non-negative axes at build (Keras mutates it too). */
  attentionAxes: number[] | null
  private _dotEquation = ''
  private _combineEquation = ''

  constructor(args: MultiHeadAttentionArgs) {
    const numHeads = positiveInt(args?.numHeads, 'num_heads', 'a positive integer')
    const keyDim = positiveInt(args.keyDim, 'key_dim', 'a positive integer')
    if (args.valueDim !== undefined && args.valueDim !== null) positiveInt(args.valueDim, 'value_dim', 'a positive integer or `None`')
    // NOTE: Keras's MHA reads the query mask from the query tensor itself (an explicit query_mask is ignored).
    super(args, 'MultiHeadAttention', false)
    this.numHeads = numHeads
    this.keyDim = keyDim
    this.valueDim = args.valueDim || keyDim
    const os = args.outputShape
    this.outputShape = os ? (typeof os === 'number' ? [os] : [...os]) : null
    const axes = args.attentionAxes
    this.attentionAxes = axes === null || axes === undefined ? null : typeof axes === 'number' ? [axes] : [...axes]
  }

  private projection(rank: number, dims: readonly number[], name: string, inputShape: readonly Dim[], activation?: string): EinsumDense {
    const [equation, bias, outRank] = buildProjEquation(rank - 1, 1, 2)
    return buildNow(new EinsumDense({
      equation, outputShape: projOutputShape(outRank - 1, dims), biasAxes: this.useBias ? bias : null, name, ...(activation ? { activation } : {}), ...sublayerOptionsOf(this),
    }), inputShape)
  }

  override build(inputShape: ShapeLike): void {
    const [qShape, vShape, kShape0] = inputShape as readonly (readonly Dim[])[]
    const kShape = kShape0 ?? vShape!
    checkValueKeyShapes(vShape!, kShape)
    const qRank = qShape!.length
    this.queryDense = this.projection(qRank, [this.numHeads, this.keyDim], 'query', qShape!)
    this.keyDense = this.projection(kShape.length, [this.numHeads, this.keyDim], 'key', kShape)
    if (this.useGate) this.gateDense = this.projection(qRank, [this.numHeads, this.valueDim], 'gate', qShape!, 'sigmoid')
    const [, , outRank] = buildProjEquation(vShape!.length - 1, 1, 2)
    this.valueDense = this.projection(vShape!.length, [this.numHeads, this.valueDim], 'value', vShape!)
    this.buildAttention(outRank)
    const outShape = this.outputShape ?? [qShape!.at(-1) as number]
    const [eq, bias, oRank] = buildProjEquation(qRank - 1, 2, outShape.length)
    const outputDense = new EinsumDense({
      equation: eq, outputShape: projOutputShape(oRank - 1, outShape), biasAxes: this.useBias ? bias : null, name: 'attention_output', ...sublayerOptionsOf(this),
    })
    const denseIn = (this.queryDense.computeOutputShape(qShape!) as Dim[]).slice()
    denseIn[denseIn.length - 1] = this.valueDim
    this.outputDense = buildNow(outputDense, denseIn)
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

  protected override computeAttention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, training: boolean | undefined, returnScores: boolean, causalOnly: boolean): [Tensor, Tensor | null] {
    checkFlashScores(this.flashAttention, returnScores)
    const scale = 1 / Math.sqrt(this.keyDim)
    if (!(this.dropout > 0 || returnScores || q.shape.length !== 4)) {
      if (causalOnly) return [dotProductAttention(q, k, v, { scale, isCausal: true }), null]
      return [dotProductAttention(q, k, v, { mask: mask ? this.expandMask(mask, 4) : null, scale }), null]
    }
    let m = mask
    if (causalOnly) m = causalMask(q.shape[1] as number, v.shape[1] as number)
    const qs = multiply(q, cast(scale, q.dtype))
    const scores = einsum(this._dotEquation, k, qs)
    return attendWithScores(this, scores, m ? this.expandMask(m, scores.shape.length) : null, training, (w) => einsum(this._combineEquation, w, v))
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const [q, v, k] = inputShape as readonly (readonly Dim[])[]
    const key = k ?? v!
    checkValueKeyShapes(v!, key)
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
