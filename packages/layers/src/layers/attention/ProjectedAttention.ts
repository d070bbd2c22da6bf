/**
 * @file `ProjectedAttention`: the base of `MultiHeadAttention` and `GroupedQueryAttention` — the options
 * both take (dropout, bias, gate, sliding window, flash flag, kernel / bias options, seed), their
 * sub-layers in Keras's creation order, and the call / apply / build-config plumbing they share. Each
 * subclass builds its projections and computes the attention product of projected heads.
 */
import type { Tensor } from '@kx/core'
import { Layer } from '../../engine/Layer.js'
import type { EinsumDense } from '../core/EinsumDense.js'
import type { Softmax } from '../activations/activation-layers.js'
import type { Dropout } from '../regularization/dropout.js'
import { kernelBiasArgs, type KernelBiasArgs, type KernelBiasFields } from '../common.js'
import {
  applyAttention, attentionCall, attentionInputs, buildFromShapesDict, checkFlashDropout, inputMasks, queryMaskOf, shapesDictConfig, slidingWindowArg,
} from './attention-common.js'
import type { MultiHeadAttentionCallOptions } from './MultiHeadAttention.js'

/** Options shared by `MultiHeadAttention` and `GroupedQueryAttention`. */
export interface ProjectedAttentionArgs extends KernelBiasArgs {
  /** Dropout rate on the attention weights. */
  readonly dropout?: number
  readonly useBias?: boolean
  /** Each query attends only to keys with `|i − j| < slidingWindow`. */
  readonly slidingWindow?: number | null
  /** Accepted for Keras compatibility; the fused kernel is used when the backend has one. */
  readonly flashAttention?: boolean | null
  /** A sigmoid gate (a projection of the query) multiplies the attention output per head. */
  readonly useGate?: boolean
  readonly seed?: number | null
}

/**
 * Base of the attention layers with learned query / key / value / output projections
 * (`MultiHeadAttention`, `GroupedQueryAttention`): inputs `[query, value]` or `[query, value, key]`,
 * masks from the inputs or the call options, optional attention scores, `shapes_dict` build configs.
 *
 * When to use: subclass it for another head layout; implement `build` (creating the sub-layers) and
 * `computeAttention` (the product of the projected heads).
 *
 * @example
 * ```ts
 * new MultiHeadAttention({ numHeads: 2, keyDim: 8 }) instanceof ProjectedAttention // true
 * ```
 */
export abstract class ProjectedAttention extends Layer {
  static readonly className: string = 'ProjectedAttention'
  readonly dropout: number
  readonly useBias: boolean
  readonly useGate: boolean
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
  private readonly _label: string
  private readonly _explicitQueryMask: boolean

  /**
   * `label` names the layer in input errors; with `explicitQueryMask` the `queryMask` call option counts
   * (GroupedQueryAttention), else only the query's own mask does (Keras's MultiHeadAttention).
   */
  constructor(args: ProjectedAttentionArgs, label: string, explicitQueryMask: boolean) {
    super(args)
    this._label = label
    this._explicitQueryMask = explicitQueryMask
    this.supportsMasking = true
    this.dropout = args.dropout ?? 0
    this.useBias = args.useBias ?? true
    this.useGate = args.useGate ?? false
    this.slidingWindow = slidingWindowArg(args.slidingWindow)
    this.flashAttention = args.flashAttention ?? false
    Object.assign(this, kernelBiasArgs(args))
    this.seed = args.seed ?? null
    checkFlashDropout(this.flashAttention, this.dropout)
  }

  /** The attention product of projected `q`, `k`, `v`: `[output, scores or null]`. */
  protected abstract computeAttention(
    q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, training: boolean | undefined, returnScores: boolean, causalOnly: boolean,
  ): [Tensor, Tensor | null]

  override call(inputs: unknown, options: MultiHeadAttentionCallOptions = {}): unknown {
    const [query, value, key] = attentionInputs(inputs, this._label)
    const masks = inputMasks(options, this._explicitQueryMask)
    return attentionCall(this, [query, value, key ?? value], masks, options, (...a) => this.computeAttention(...a), this._callMasks)
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
}

// Declaration merging: `kernelBiasArgs` sets the resolved kernel / bias / activity options in the constructor.
export interface ProjectedAttention extends KernelBiasFields {}
