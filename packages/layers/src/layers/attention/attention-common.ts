/**
 * @file Shared pieces of `MultiHeadAttention` and `GroupedQueryAttention`: the einsum equations of
 * the projections and of the attention product (Keras's `_build_proj_equation` /
 * `_build_attention_equation` rules), the automatic masks (query/value/key, causal, sliding window)
 * and the sub-layer options (initializers cloned per sub-layer, as Keras does).
 */
import { InvalidArgumentError, fmt, type Tensor } from '@kx/core'
import { abs, arange, expandDims, less, logicalAnd, reshape, subtract } from '@kx/ops-numpy'
import { DTypePolicy } from '../../engine/dtypePolicy.js'
import { setKerasMask } from '../../engine/context.js'
import { Initializer } from '../../initializers/Initializer.js'
import { deserialize as deserializeInitializer, serialize as serializeInitializerEnv } from '../../initializers/registry.js'
import type { Constraint } from '../../constraints/constraints.js'
import type { Regularizer } from '../../regularizers/regularizers.js'
import type { InitializerLike } from '../common.js'
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
export interface SublayerOptions {
  readonly kernelInitializer: InitializerLike
  readonly biasInitializer: InitializerLike
  readonly kernelRegularizer: Regularizer | null
  readonly biasRegularizer: Regularizer | null
  readonly activityRegularizer: Regularizer | null
  readonly kernelConstraint: Constraint | null
  readonly biasConstraint: Constraint | null
  readonly dtype: DTypePolicy
}

function cloneInit(init: InitializerLike): InitializerLike {
  return init instanceof Initializer ? deserializeInitializer(serializeInitializerEnv(init)) : init
}

/** Sub-layer options with initializers cloned (so seeded initializers do not repeat one draw). */
export function sublayerOptions(o: SublayerOptions): SublayerOptions {
  return { ...o, kernelInitializer: cloneInit(o.kernelInitializer), biasInitializer: cloneInit(o.biasInitializer) }
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
