/**
 * @file `Attention` (Luong dot-product / concat scores) and `AdditiveAttention` (Bahdanau), Keras
 * `keras.layers.Attention` / `AdditiveAttention`: inputs `[query, value]` or `[query, value, key]`,
 * masks `[queryMask, valueMask]`, optional causal masking, dropout on the weights, and scores out.
 */
import { InvalidArgumentError, SeedGenerator, Tensor, fmt, type Dim, type Variable } from '@kx/core'
import {
  add, cumsum, expandDims, greaterEqual, logicalAnd, logicalNot, matmul, multiply, notEqual, ones, subtract, sum,
  swapaxes, tanh, where,
} from '@kx/ops-numpy'
import { dropout } from '@kx/ops-numpy/random'
import { softmax } from '@kx/ops-nn'
import { Layer, type CallOptions, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { getRequired } from '../../initializers/registry.js'

/** Options of `Attention`. */
export interface AttentionArgs extends LayerArgs {
  /** Learn a scalar that scales the scores (default false). */
  readonly useScale?: boolean
  /** `'dot'` (default): `q · kᵀ`; `'concat'`: `Σ tanh(q + k)`. */
  readonly scoreMode?: 'dot' | 'concat'
  /** Dropout rate on the attention weights (default 0). */
  readonly dropout?: number
  readonly seed?: number | null
}

/** Call options of the attention layers. */
export interface AttentionCallOptions extends CallOptions {
  /** Also return the attention weights: `[output, scores]`. */
  readonly returnAttentionScores?: boolean
  /** Mask future positions (query step `i` sees value steps `≤ i`). */
  readonly useCausalMask?: boolean
}

/** A boolean view of a mask (non-zero is true). */
export function boolMask(m: Tensor): Tensor { return m.dtype === 'bool' ? m : notEqual(m, 0) }

/** Keras's `[1, Tq, Tv]` lower-triangular mask (`row ≥ col`) for a scores tensor. */
export function causalMask(tq: number, tv: number): Tensor {
  const o = ones([1, tq, tv], { dtype: 'int32' })
  return greaterEqual(cumsum(o, { axis: -2 }), cumsum(o, { axis: -1 }))
}

/**
 * Dot-product attention (Luong-style): `softmax(scores(query, key)) · value`, with masks.
 *
 * When to use: attention between two sequences (seq2seq decoders attending to encoder outputs).
 *
 * @example
 * ```ts
 * const att = new Attention()
 * const y = att.apply([query, value]) // [batch, Tq, dim]
 * ```
 */
export class Attention extends Layer {
  static readonly className: string = 'Attention'
  readonly useScale: boolean
  readonly scoreMode: 'dot' | 'concat'
  readonly dropout: number
  readonly seed: number | null
  readonly seedGenerator: SeedGenerator | null
  scale: Variable | null = null
  concatScoreWeight: Variable | null = null

  constructor(args: AttentionArgs = {}) {
    super(args)
    this.useScale = args.useScale ?? false
    this.scoreMode = args.scoreMode ?? 'dot'
    this.dropout = args.dropout ?? 0
    this.seed = args.seed ?? null
    this.seedGenerator = this.dropout > 0 ? new SeedGenerator({ seed: this.seed }) : null
    if (this.scoreMode !== 'dot' && this.scoreMode !== 'concat') {
      throw new InvalidArgumentError(`Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. Received: score_mode=${fmt(args.scoreMode)}`)
    }
  }

  /** Checks `[query, value(, key)]` inputs and `[queryMask, valueMask(, keyMask)]` masks. */
  protected validateInputs(inputs: unknown, mask?: unknown): void {
    const cls = this.className
    if (!Array.isArray(inputs)) {
      throw new InvalidArgumentError(`${cls} layer must be called on a list of inputs, namely [query, value] or [query, value, key]. Received: inputs=${fmt(inputs)}.`)
    }
    if (inputs.length < 2 || inputs.length > 3) {
      throw new InvalidArgumentError(`${cls} layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. Received length: ${inputs.length}.`)
    }
    if (mask !== undefined && mask !== null) {
      if (!Array.isArray(mask)) throw new InvalidArgumentError(`${cls} layer mask must be a list, namely [query_mask, value_mask]. Received: mask=${fmt(mask)}.`)
      if (mask.length < 2 || mask.length > 3) throw new InvalidArgumentError(`${cls} layer accepts mask list of length 2 or 3. Received: mask=${fmt(mask)}.`)
    }
  }

  override build(inputShape: ShapeLike): void {
    this.validateInputs(inputShape)
    if (this.useScale) this.scale = this.addWeight({ name: 'scale', shape: [], initializer: getRequired('ones', 'initializer') })
    if (this.scoreMode === 'concat') {
      this.concatScoreWeight = this.addWeight({ name: 'concat_score_weight', shape: [], initializer: getRequired('ones', 'initializer') })
    }
    this.built = true
  }

  /** Scores `[batch, Tq, Tv]` of a query `[batch, Tq, dim]` against keys `[batch, Tv, dim]`. */
  protected calculateScores(query: Tensor, key: Tensor): Tensor {
    if (this.scoreMode === 'dot') {
      const scores = matmul(query, swapaxes(key, -2, -1))
      return this.scale ? multiply(scores, this.scale.value) : scores
    }
    // [batch, Tq, 1, dim] + [batch, 1, Tv, dim]
    let qk = add(expandDims(query, -2), expandDims(key, -3))
    if (this.scale) qk = multiply(this.scale.value, qk)
    return multiply(this.concatScoreWeight!.value, sum(tanh(qk), { axis: -1 }))
  }

  /** `softmax(scores)` with padding pushed to −1e9 (−65504 in float16), dropout, then `· value`. */
  protected applyScores(scores: Tensor, value: Tensor, scoresMask: Tensor | null, training: boolean): [Tensor, Tensor] {
    let s = scores
    if (scoresMask) {
      let padding = logicalNot(scoresMask)
      const maxValue = s.dtype === 'float16' ? 65504 : 1e9
      if (padding.shape.length === 2) padding = expandDims(padding, -2)
      s = where(padding, subtract(s, maxValue), s) as Tensor
    }
    let weights = softmax(s, { axis: -1 })
    if (training && this.dropout > 0 && this.seedGenerator) weights = dropout(weights, this.dropout, { seed: this.seedGenerator })
    return [matmul(weights, value), weights]
  }

  private scoreMask(scores: Tensor, vMask: Tensor | null, useCausal: boolean): Tensor | null {
    if (!useCausal) return vMask
    const s = scores.shape
    const causal = causalMask(s[s.length - 2] as number, s[s.length - 1] as number)
    return vMask ? logicalAnd(expandDims(vMask, -2), causal) : causal
  }

  override call(inputs: unknown, options: AttentionCallOptions = {}): unknown {
    const mask = options.mask as unknown
    this.validateInputs(inputs, mask)
    const [q, v, k0] = inputs as Tensor[]
    const k = k0 ?? v!
    const masks = Array.isArray(mask) ? (mask as (Tensor | null | undefined)[]) : []
    const qMask = masks[0] ? boolMask(masks[0]) : null
    const vMask = masks[1] ? boolMask(masks[1]) : null
    const scores = this.calculateScores(q!, k)
    const scoresMask = this.scoreMask(scores, vMask, options.useCausalMask ?? false)
    let [out, weights] = this.applyScores(scores, v!, scoresMask, options.training ?? false)
    if (qMask) out = where(expandDims(qMask, -1), out, 0) as Tensor
    return options.returnAttentionScores ? [out, weights] : out
  }

  override computeMask(inputs: unknown, mask: unknown): unknown {
    void inputs
    if (!Array.isArray(mask) || !mask[0]) return null
    return mask[0]
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const [q, v] = inputShape as readonly (readonly Dim[])[]
    return [...q!.slice(0, -1), v!.at(-1) ?? null]
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), use_scale: this.useScale, score_mode: this.scoreMode, dropout: this.dropout, seed: this.seed }
  }
}

/** Options of `AdditiveAttention`. */
export interface AdditiveAttentionArgs extends LayerArgs {
  /** Learn a per-dim scale of the scores (default true). */
  readonly useScale?: boolean
  readonly dropout?: number
  readonly seed?: number | null
}

/**
 * Additive (Bahdanau-style) attention: scores `Σ scale ⊙ tanh(q + k)` over the feature axis.
 *
 * When to use: attention where query and key interact non-linearly (classic seq2seq).
 *
 * @example
 * ```ts
 * const att = new AdditiveAttention()
 * const y = att.apply([query, value, key])
 * ```
 */
export class AdditiveAttention extends Attention {
  static override readonly className: string = 'AdditiveAttention'

  constructor(args: AdditiveAttentionArgs = {}) {
    super({ ...args, useScale: args.useScale ?? true, scoreMode: 'dot' })
  }

  override build(inputShape: ShapeLike): void {
    this.validateInputs(inputShape)
    const dim = (inputShape as readonly (readonly Dim[])[])[0]!.at(-1)
    if (this.useScale) {
      if (typeof dim !== 'number') throw new InvalidArgumentError(`AdditiveAttention needs a known feature dimension. Received: input_shape=${fmt(inputShape)}`)
      this.scale = this.addWeight({ name: 'scale', shape: [dim], initializer: getRequired('glorot_uniform', 'initializer') })
    }
    this.built = true
  }

  protected override calculateScores(query: Tensor, key: Tensor): Tensor {
    const t = tanh(add(expandDims(query, -2), expandDims(key, -3)))
    return sum(this.scale ? multiply(this.scale.value, t) : t, { axis: -1 })
  }

  override getConfig(): Record<string, unknown> {
    const c = super.getConfig()
    delete c['score_mode']
    return c
  }
}
