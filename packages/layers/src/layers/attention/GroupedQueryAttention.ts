/**
 * @file `GroupedQueryAttention` (Keras `keras.layers.GroupQueryAttention`, class `GroupedQueryAttention`;
 * Ainslie et al. 2023): `numQueryHeads` query heads share `numKeyValueHeads` key/value heads, through
 * `dotProductAttention` (which reads shared heads directly) or einsum + masked softmax when scores
 * are returned or dropout is on.
 */
import { InvalidArgumentError, type Dim, type Tensor } from '@kx/core'
import { cast, einsum, expandDims, multiply, repeat } from '@kx/ops-numpy'
import { dotProductAttention } from '@kx/ops-nn'
import type { ShapeLike } from '../../engine/Layer.js'
import { EinsumDense } from '../core/EinsumDense.js'
import { Softmax } from '../activations/activation-layers.js'
import { Dropout } from '../regularization/dropout.js'
import { kernelBiasConfig } from '../common.js'
import { causalMask } from './Attention.js'
import { attendWithScores, buildNow, checkFlashScores, checkValueKeyShapes, sublayerOptionsOf } from './attention-common.js'
import { ProjectedAttention, type ProjectedAttentionArgs } from './ProjectedAttention.js'

/** Options of `GroupedQueryAttention`. */
export interface GroupedQueryAttentionArgs extends ProjectedAttentionArgs {
  /** Size of each attention head. */
  readonly headDim: number
  readonly numQueryHeads: number
  /** Must divide `numQueryHeads`. */
  readonly numKeyValueHeads: number
}

/**
 * Grouped-query attention: like multi-head attention, but groups of query heads share one key/value
 * head (`numQueryHeads / numKeyValueHeads` per group), which shrinks the key/value projections and caches.
 * Inputs `[query, value]` or `[query, value, key]`; the output has the query's shape.
 *
 * When to use: decoder Transformers (LLaMA-style) where key/value memory matters.
 *
 * @example
 * ```ts
 * const gqa = new GroupedQueryAttention({ headDim: 16, numQueryHeads: 8, numKeyValueHeads: 2 })
 * const y = gqa.apply([x, x], { useCausalMask: true })
 * ```
 */
export class GroupedQueryAttention extends ProjectedAttention {
  // NOTE: Keras serializes the class under its exported name, `GroupQueryAttention`.
  static override readonly className: string = 'GroupQueryAttention'
  /** Keras's private attribute names (the `.keras` weight paths). */
  static readonly kerasAttributeNames: Readonly<Record<string, string>> = {
    queryDense: '_query_dense', keyDense: '_key_dense', gateDense: '_gate_dense', valueDense: '_value_dense',
    softmax: '_softmax', dropoutLayer: '_dropout_layer', outputDense: '_output_dense',
  }
  readonly headDim: number
  readonly numQueryHeads: number
  readonly numKeyValueHeads: number
  readonly numRepeats: number
  featureDim: number | null = null

  constructor(args: GroupedQueryAttentionArgs) {
    if (args.numQueryHeads % args.numKeyValueHeads !== 0) throw new InvalidArgumentError('`num_query_heads` must be divisible by `num_key_value_heads`.')
    super(args, 'GroupedQueryAttention', true)
    this.headDim = args.headDim
    this.numQueryHeads = args.numQueryHeads
    this.numKeyValueHeads = args.numKeyValueHeads
    this.numRepeats = this.numQueryHeads / this.numKeyValueHeads
  }

  private dense(equation: string, outputShape: (number | null)[], bias: string, name: string, inputShape: readonly Dim[], activation?: string): EinsumDense {
    return buildNow(new EinsumDense({ equation, outputShape, biasAxes: this.useBias ? bias : null, name, ...(activation ? { activation } : {}), ...sublayerOptionsOf(this) }), inputShape)
  }

  override build(inputShape: ShapeLike): void {
    const [qShape, vShape, kShape0] = inputShape as readonly (readonly Dim[])[]
    const kShape = kShape0 ?? vShape!
    this.featureDim = qShape!.at(-1) as number
    const h = this.headDim
    this.queryDense = this.dense('bqm,muh->bquh', [null, this.numQueryHeads, h], 'uh', 'query', qShape!)
    this.keyDense = this.dense('bkm,mvh->bkvh', [null, this.numKeyValueHeads, h], 'vh', 'key', kShape)
    if (this.useGate) this.gateDense = this.dense('bqm,muh->bquh', [null, this.numQueryHeads, h], 'uh', 'gate', qShape!, 'sigmoid')
    this.valueDense = this.dense('bkm,mvh->bkvh', [null, this.numKeyValueHeads, h], 'vh', 'value', vShape!)
    this.softmax = new Softmax({ axis: -1, dtype: this.dtypePolicy })
    this.dropoutLayer = new Dropout({ rate: this.dropout, dtype: this.dtypePolicy, seed: this.seed })
    this.outputDense = this.dense('bquh,uhm->bqm', [null, this.featureDim], 'm', 'attention_output', [null, null, this.numQueryHeads, h])
    this.built = true
  }

  protected override computeAttention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, training: boolean | undefined, returnScores: boolean, causalOnly: boolean): [Tensor, Tensor | null] {
    checkFlashScores(this.flashAttention, returnScores)
    const scale = 1 / Math.sqrt(this.headDim)
    if (!(this.dropout > 0 || returnScores)) {
      // NOTE: `dotProductAttention` maps query head n to key/value head ⌊n / repeats⌋, as `repeat` does.
      if (causalOnly) return [dotProductAttention(q, k, v, { scale, isCausal: true }), null]
      let m = mask
      while (m && m.shape.length < 4) m = expandDims(m, -3)
      return [dotProductAttention(q, k, v, { mask: m, scale }), null]
    }
    const kr = repeat(k, this.numRepeats, { axis: 2 })
    const vr = repeat(v, this.numRepeats, { axis: 2 })
    let m = causalOnly ? causalMask(q.shape[1] as number, v.shape[1] as number) : mask
    const scores = einsum('bquh,bkuh->buqk', multiply(q, cast(scale, q.dtype)), kr)
    while (m && m.shape.length < scores.shape.length) m = expandDims(m, -3)
    return attendWithScores(this, scores, m, training, (w) => einsum('buqk,bkuh->bquh', w, vr))
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const [q, v, k] = inputShape as readonly (readonly Dim[])[]
    const key = k ?? v!
    if (q!.at(-1) !== v!.at(-1)) {
      throw new InvalidArgumentError(`The last dimension of \`query_shape\` and \`value_shape\` must be equal, but are ${q!.at(-1)}, ${v!.at(-1)}. Received: query_shape=${JSON.stringify(q)}, value_shape=${JSON.stringify(v)}`)
    }
    checkValueKeyShapes(v!, key)
    return q!.slice()
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      head_dim: this.headDim,
      num_query_heads: this.numQueryHeads,
      num_key_value_heads: this.numKeyValueHeads,
      use_bias: this.useBias,
      use_gate: this.useGate,
      sliding_window: this.slidingWindow,
      dropout: this.dropout,
      ...kernelBiasConfig(this),
      seed: this.seed,
    }
  }
}
