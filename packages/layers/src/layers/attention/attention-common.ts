/**
 * @file Shared pieces of `MultiHeadAttention` and `GroupedQueryAttention`: the einsum equations of
 * the projections and of the attention product (Keras's `_build_proj_equation` /
 * `_build_attention_equation` rules), the automatic masks (query/value/key, causal, sliding window),
 * the sub-layer options (initializers cloned per sub-layer, as Keras does), and the call plumbing
 * both layers share (projections, gate, output projection, scores' masks, `shapes_dict` builds).
 */
import { InvalidArgumentError, Tensor, fmt } from '@kx/core'
import { abs, arange, expandDims, less, logicalAnd, multiply, reshape, subtract } from '@kx/ops-numpy'
import { DTypePolicy } from '../../engine/dtypePolicy.js'
import { getKerasMask, setKerasMask } from '../../engine/context.js'
import type { Layer, ShapeLike } from '../../engine/Layer.js'
import { Initializer } from '../../initializers/Initializer.js'
import { deserialize as deserializeInitializer, serialize as serializeInitializerEnv } from '../../initializers/registry.js'
import type { Regularizer } from '../../regularizers/regularizers.js'
import { kernelBiasOf, type InitializerLike, type KernelBiasFields } from '../common.js'
import type { MultiHeadAttentionCallOptions } from './MultiHeadAttention.js'
import { boolMask, causalMask } from './Attention.js'

const letter = (i: number): string => 'abcdefghijklmnopqrstuvwxyz'[i]!

/** `[equation, biasAxes, outputRank]` of a projection: `free` batch-like dims, `bound` contracted dims, `output` new dims. */
export function buildProjEquation(free: number, bound: number, output: number): [string, string, number] {
  let input = ''
  let kernel = ''
  let out = ''
  let bias = ''
  for (let i = 0; i < free; i++) { input += letter(i); out += letter(i) }
  for (let i = 0; i < bound; i++) { const c = letter(free + i); input += c; kernel += c }
  for (let i = 0; i < output; i++) { const c = letter(free + bound + i); kernel += c; out += c; bias += c }
  return [`${input},${kernel}->${out}`, bias, out.length]
}

/** `[null, …, null, ...known]` of length `rank`. */
export function projOutputShape(rank: number, known: readonly number[]): (number | null)[] {
  return [...Array.from({ length: rank - known.length }, () => null), ...known]
}

/**
 * The dot-product and combine equations for attention over `attnAxes` of a rank-`rank` projected
 * tensor `[batch..., heads, depth]`, and the rank of the scores.
 */
export function buildAttentionEquation(rank: number, attnAxes: readonly number[]): [string, string, number] {
  let target = ''
  for (let i = 0; i < rank; i++) target += letter(i)
  const excluded = new Set([...attnAxes, rank - 1])
  const batchDims = Array.from({ length: rank }, (_, i) => i).filter((i) => !excluded.has(i))
  let offset = rank
  let source = ''
  for (let i = 0; i < rank; i++) {
    if (batchDims.includes(i) || i === rank - 1) source += target[i]
    else source += letter(offset++)
  }
  const product = [...batchDims.map((i) => target[i]), ...attnAxes.map((i) => target[i]), ...attnAxes.map((i) => source[i])].join('')
  return [`${source},${target}->${product}`, `${product},${source}->${target}`, product.length]
}

/** The options every projection sub-layer gets (fresh initializer copies, like Keras's clones). */
export interface SublayerOptions extends KernelBiasFields {
  readonly dtype: DTypePolicy
}

function cloneInit(init: InitializerLike): InitializerLike {
  return init instanceof Initializer ? deserializeInitializer(serializeInitializerEnv(init)) : init
}

/** Sub-layer options with initializers cloned (so seeded initializers do not repeat one draw). */
export function sublayerOptions(o: SublayerOptions): SublayerOptions {
  return { ...o, kernelInitializer: cloneInit(o.kernelInitializer), biasInitializer: cloneInit(o.biasInitializer) }
}

/** The sub-layer options of an attention layer: its kernel / bias options (cloned) and its dtype policy. @internal */
export function sublayerOptionsOf(layer: Layer & KernelBiasFields): SublayerOptions {
  return sublayerOptions({ ...kernelBiasOf(layer), dtype: layer.dtypePolicy })
}

/** Builds a sub-layer for `inputShape` now (recording the shape for its build config). @internal */
export function buildNow<L extends Layer>(layer: L, inputShape: ShapeLike): L {
  layer.buildShapes = inputShape
  layer.build(inputShape)
  layer.built = true
  return layer
}

/** Checks that `value` and `key` shapes agree on every dim but the last (Keras's message). @internal */
export function checkValueKeyShapes(value: readonly unknown[], key: readonly unknown[]): void {
  if (JSON.stringify(value.slice(1, -1)) !== JSON.stringify(key.slice(1, -1))) {
    throw new InvalidArgumentError(`All dimensions of \`value\` and \`key\`, except the last one, must be equal. Received: value_shape=${fmt(value)} and key_shape=${fmt(key)}`)
  }
}

/** What `attendWithScores` reads of an attention layer. @internal */
export interface ScoreLayers {
  readonly dropout: number
  readonly softmax: Layer | undefined
  readonly dropoutLayer: Layer | undefined
}

/**
 * The explicit attention path (scores returned, or dropout on): masked softmax of `scores`, dropout in
 * training, then `combine(weights)`; returns `[output, scores after softmax]`. @internal
 */
export function attendWithScores(layer: ScoreLayers, scores: Tensor, mask: Tensor | null, training: boolean | undefined, combine: (weights: Tensor) => Tensor): [Tensor, Tensor] {
  const probs = layer.softmax!.apply(scores, mask ? { mask } : {}) as Tensor
  const dropped = layer.dropout > 0 ? (layer.dropoutLayer!.apply(probs, training === undefined ? {} : { training }) as Tensor) : probs
  return [combine(dropped), probs]
}

/** The `[1, T, S]` sliding-window mask `|i − j| < window`. */
export function slidingWindowMask(tq: number, tv: number, window: number): Tensor {
  const rows = reshape(arange(tq, { dtype: 'int32' }), [1, tq, 1])
  const cols = reshape(arange(tv, { dtype: 'int32' }), [1, 1, tv])
  return less(abs(subtract(rows, cols)), window)
}

/** Masks that combine into the attention mask. */
export interface AttentionMaskParts {
  readonly queryMask?: Tensor | null
  readonly valueMask?: Tensor | null
  readonly keyMask?: Tensor | null
  readonly attentionMask?: Tensor | null
  readonly useCausalMask?: boolean
  readonly slidingWindow?: number | null
}

/**
 * Keras's `_compute_attention_mask`: `[B, T, S]` from the query mask `[B, T, 1]`, value/key masks
 * `[B, 1, S]`, the causal and sliding-window masks `[1, T, S]`, and an explicit attention mask.
 */
export function computeAttentionMask(query: Tensor, value: Tensor, p: AttentionMaskParts): Tensor | null {
  let auto: Tensor | null = null
  const and = (m: Tensor): void => { auto = auto ? logicalAnd(auto, m) : m }
  if (p.queryMask) and(expandDims(boolMask(p.queryMask), -1))
  if (p.valueMask) and(expandDims(boolMask(p.valueMask), -2))
  if (p.keyMask) and(expandDims(boolMask(p.keyMask), -2))
  const tq = query.shape[1]
  const tv = value.shape[1]
  if (p.useCausalMask || p.slidingWindow) {
    if (typeof tq !== 'number' || typeof tv !== 'number') {
      throw new InvalidArgumentError(`Causal and sliding-window masks need known sequence lengths. Received: query.shape=${fmt(query.shape)}, value.shape=${fmt(value.shape)}`)
    }
    if (p.useCausalMask) and(causalMask(tq, tv))
    if (p.slidingWindow) and(slidingWindowMask(tq, tv, p.slidingWindow))
  }
  let attention = p.attentionMask ? boolMask(p.attentionMask) : null
  if (auto) attention = attention ? logicalAnd(attention, auto) : auto
  return attention
}

/** Checks a positive-integer-or-null `sliding_window`. */
export function slidingWindowArg(v: unknown): number | null {
  if (v === null || v === undefined) return null
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new InvalidArgumentError(`\`sliding_window\` must be \`None\` or a positive integer. Received: sliding_window=${fmt(v)}`)
  }
  return v
}

/** Keras's `build_config` of a layer built from `(query_shape, value_shape, key_shape?)`: `{shapes_dict: {...}}`. */
export function shapesDictConfig(buildShapes: unknown): Record<string, unknown> | null {
  if (!Array.isArray(buildShapes)) return null
  const [q, v, k] = buildShapes as unknown[]
  return { shapes_dict: { query_shape: q, value_shape: v, ...(k ? { key_shape: k } : {}) } }
}

/** The `[query, value(, key)]` shapes of a `{shapes_dict}` build config (null when absent). */
export function shapesFromDict(config: Record<string, unknown> | null | undefined): unknown[] | null {
  const d = config?.['shapes_dict'] as Record<string, unknown> | undefined
  if (!d || !Array.isArray(d['query_shape']) || !Array.isArray(d['value_shape'])) return null
  return [d['query_shape'], d['value_shape'], ...(Array.isArray(d['key_shape']) ? [d['key_shape']] : [])]
}

/**
 * Runs a layer's `apply` keeping the masks its `call` attached to outputs (Keras's `_set_mask_metadata`
 * only fills outputs without a mask: the attention scores keep the softmax's mask).
 */
export function applyKeepingCallMasks(apply: () => unknown, outputsOf: (out: unknown) => Tensor[], callMasks: Map<Tensor, unknown>): unknown {
  callMasks.clear()
  const out = apply()
  for (const t of outputsOf(out)) {
    const m = callMasks.get(t)
    if (m !== undefined) setKerasMask(t, m)
  }
  callMasks.clear()
  return out
}

/** The error both attention layers throw when flash attention is asked for with dropout. @internal */
export function checkFlashDropout(flashAttention: boolean, dropout: number): void {
  if (flashAttention && dropout > 0) {
    throw new InvalidArgumentError('Dropout is not supported when flash attention is enabled. Please set dropout to 0.0 to use flash attention.')
  }
}

/** The error both attention layers throw when flash attention is asked to return scores. @internal */
export function checkFlashScores(flashAttention: boolean, returnScores: boolean): void {
  if (flashAttention && returnScores) {
    throw new InvalidArgumentError('Returning attention scores is not supported when flash attention is enabled. Please disable flash attention to access attention scores.')
  }
}

/** What the shared attention call reads of `MultiHeadAttention` / `GroupedQueryAttention`. @internal */
export interface AttentionLayerParts extends Layer {
  readonly slidingWindow: number | null
  readonly activityRegularizer: Regularizer | null
  readonly queryDense: Layer | undefined
  readonly keyDense: Layer | undefined
  readonly gateDense: Layer | undefined
  readonly valueDense: Layer | undefined
  readonly outputDense: Layer | undefined
}

/** A layer's attention product of projected `q`, `k`, `v`: `[output, scores or null]`. @internal */
export type ComputeAttention = (
  q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, training: boolean | undefined, returnScores: boolean, causalOnly: boolean,
) => [Tensor, Tensor | null]

/**
 * The call both attention layers share: the combined mask (none when only a causal mask is asked
 * for, which the fused kernel applies itself), the gate / query / key / value projections, the
 * attention product, the gated output projection, and the scores' own masks (the engine adds the activity loss).
 * @internal
 */
export function attentionCall(
  layer: AttentionLayerParts, [query, value, key]: readonly [Tensor, Tensor, Tensor], [queryMask, valueMask, keyMask]: readonly (Tensor | null)[],
  options: MultiHeadAttentionCallOptions, compute: ComputeAttention, callMasks: Map<Tensor, unknown>,
): unknown {
  const useCausal = options.useCausalMask ?? false
  const attentionMask = options.attentionMask ?? null
  const causalOnly = useCausal && !queryMask && !valueMask && !keyMask && !attentionMask && layer.slidingWindow === null
  const mask = causalOnly ? null : computeAttentionMask(query, value, {
    queryMask: queryMask ?? null, valueMask: valueMask ?? null, keyMask: keyMask ?? null, attentionMask, useCausalMask: useCausal, slidingWindow: layer.slidingWindow,
  })
  const noMask = { mask: null }
  const gate = layer.gateDense ? (layer.gateDense.apply(query, noMask) as Tensor) : null
  const q = layer.queryDense!.apply(query, noMask) as Tensor
  const k = layer.keyDense!.apply(key, noMask) as Tensor
  const v = layer.valueDense!.apply(value, noMask) as Tensor
  const returnScores = options.returnAttentionScores ?? false
  const [att, scores] = compute(q, k, v, mask, options.training, returnScores, causalOnly)
  const out = layer.outputDense!.apply(gate ? multiply(att, gate) : att, noMask) as Tensor
  if (returnScores && scores) {
    const m = getKerasMask(scores)
    if (m) callMasks.set(scores, m)
  }
  return returnScores ? [out, scores] : out
}

/** `apply` of an attention layer: outputs `out` or `[out, scores]`, the scores keeping their call masks. @internal */
export function applyAttention(apply: () => unknown, callMasks: Map<Tensor, unknown>): unknown {
  return applyKeepingCallMasks(apply, (o) => (Array.isArray(o) ? (o as Tensor[]) : [o as Tensor]), callMasks)
}

/** Builds an unbuilt layer from a `{shapes_dict}` build config; false when the config has none. @internal */
export function buildFromShapesDict(layer: Layer, config: Record<string, unknown> | null | undefined): boolean {
  const shapes = shapesFromDict(config)
  if (!shapes) return false
  if (!layer.built) buildNow(layer, shapes as ShapeLike)
  return true
}

/** The output mask of an attention layer: the query's mask. @internal */
export function queryMaskOf(inputs: unknown, mask: unknown): unknown {
  void inputs
  return Array.isArray(mask) ? (mask[0] ?? null) : null
}

/**
 * The masks of `[query, value, key]` inputs: explicit options first, then the inputs' own masks. The
 * query's explicit `queryMask` counts only with `explicitQueryMask` (GroupedQueryAttention reads it, MHA does not).
 * @internal
 */
export function inputMasks(options: MultiHeadAttentionCallOptions, explicitQueryMask = false): [Tensor | null, Tensor | null, Tensor | null] {
  const m = Array.isArray(options.mask) ? (options.mask as (Tensor | null | undefined)[]) : []
  return [(explicitQueryMask ? options.queryMask : undefined) ?? m[0] ?? null, options.valueMask ?? m[1] ?? null, options.keyMask ?? m[2] ?? null]
}

/** Splits `[query, value(, key)]` inputs. @internal */
export function attentionInputs(inputs: unknown, layer: string): [Tensor, Tensor, Tensor | null] {
  if (!Array.isArray(inputs) || inputs.length < 2 || inputs.length > 3 || !inputs.every((t) => t instanceof Tensor)) {
    throw new InvalidArgumentError(`${layer} must be called on [query, value] or [query, value, key]. Received: inputs=${fmt(inputs)}`)
  }
  return [inputs[0], inputs[1], inputs[2] ?? null]
}
