/**
 * @file `dotProductAttention` (`keras.ops.dot_product_attention`): scaled dot-product attention in
 * `(batch, time, heads, depth)` layout with bias, boolean masks, causal masking and grouped-query
 * heads, as `jax.nn.dot_product_attention`'s XLA path. Runs a backend's fused kernel when possible.
 */
import { InvalidArgumentError, ShapeError, bindFused, fmt, isBool, lax, resultType, type Tensor } from '@kx/core'
import { softmax } from './activations.js'
import {
  add, broadcastTo, cast, convertToTensor, greaterEqual, logicalAnd, multiply, notEqual, transpose, where, type TensorLike,
} from '@kx/ops-numpy'
import { intVector, iotaOn, reshapeDims, take } from './util.js'

/** Options of `dotProductAttention`. */
export interface DotProductAttentionOptions {
  /** Added to the logits; broadcastable to `(B, N, T, S)`. */
  readonly bias?: TensorLike | null
  /** Boolean (or 0/1) mask broadcastable to `(B, N, T, S)`; false positions get no attention. */
  readonly mask?: TensorLike | null
  /** Logit scale (default `1 / sqrt(depth)`). */
  readonly scale?: number | null
  /** Applies a lower-triangular (causal) mask. */
  readonly isCausal?: boolean
  /** Accepted for Keras compatibility; kx picks the kernel itself (fused when the backend has one). */
  readonly flashAttention?: boolean | null
  /** Only supported by Keras on TPU; must be null. */
  readonly attnLogitsSoftCap?: number | null
}

// NOTE: JAX's `_get_large_negative`: -0.7 × the float32 max, finite after the float32 softmax cast, so a
// fully masked row attends uniformly (the mean of the values) instead of giving NaN.
const LARGE_NEGATIVE = -0.7 * 3.4028234663852886e38

/**
 * Brings a bias/mask of rank < 4 to rank 4 like Keras's JAX backend: leading dims are added (JAX's
 * rule) when the result broadcasts to `(B, N, T, S)`; otherwise Keras's fallback inserts the heads
 * axis, so a `(B, T, S)` mask becomes `(B, 1, T, S)`.
 */
function to4d(t: Tensor, target: readonly (number | null)[]): Tensor {
  if (t.ndim >= 4) return t
  const lead = [...Array.from({ length: 4 - t.ndim }, () => 1), ...t.shape]
  const fits = (s: readonly (number | null)[]): boolean => s.every((d, i) => d === 1 || d === null || target[i] === null || d === target[i])
  if (fits(lead)) return reshapeDims(t, lead)
  let u = t
  while (u.ndim < 4) {
    const axis = u.ndim === 3 && u.shape[1] === target[1] ? 2 : 1
    const shape = u.shape.slice()
    shape.splice(axis, 0, 1)
    u = reshapeDims(u, shape)
  }
  return u
}

/**
 * Scaled dot-product attention: `softmax(q k^T * scale + bias, masked) v` per head. Query is
 * `(B, T, N, H)`, key `(B, S, K, H)`, value `(B, S, K, Hv)`; `N` must be a multiple of `K`
 * (grouped-query attention: query head `n` reads key/value head `floor(n / (N / K))`).
 *
 * @example
 * ```ts
 * dotProductAttention(q, k, v, { isCausal: true }) // → (B, T, N, Hv)
 * ```
 */
export function dotProductAttention(query: TensorLike, key: TensorLike, value: TensorLike, options: DotProductAttentionOptions = {}): Tensor {
  if (options.attnLogitsSoftCap != null) {
    throw new InvalidArgumentError(`attn_logits_soft_cap is only supported for JAX on TPU. Set attn_logits_soft_cap=None. Received: attn_logits_soft_cap=${fmt(options.attnLogitsSoftCap)}`)
  }
  const q0 = convertToTensor(query)
  const k0 = convertToTensor(key)
  const v0 = convertToTensor(value)
  if (q0.ndim !== 4 || k0.ndim !== 4 || v0.ndim !== 4) {
    throw new ShapeError(`\`dot_product_attention\` only supports 4D inputs. Received: query.shape=${fmt(q0.shape)}, key.shape=${fmt(k0.shape)}, value.shape=${fmt(v0.shape)}`)
  }
  const dtype = resultType(q0.dtype, k0.dtype, v0.dtype)
  const q = cast(q0, dtype)
  const k = cast(k0, dtype)
  const v = cast(v0, dtype)
  const [, , n, h] = q.shape as [number, number, number, number]
  const [, , kh, hk] = k.shape as [number, number, number, number]
  if (h !== null && hk !== null && h !== hk) {
    throw new ShapeError(`\`dot_product_attention\`: query and key depths differ. Received: query.shape=${fmt(q.shape)}, key.shape=${fmt(k.shape)}`)
  }
  if (n !== null && kh !== null && n % kh !== 0) {
    throw new ShapeError(`The number of query heads must be a multiple of key/value heads. Received: query.shape=${fmt(q.shape)}, key.shape=${fmt(k.shape)}`)
  }
  if (k.shape[1] !== null && v.shape[1] !== null && (k.shape[1] !== v.shape[1] || k.shape[2] !== v.shape[2])) {
    throw new ShapeError(`\`dot_product_attention\`: key and value must agree in time and heads. Received: key.shape=${fmt(k.shape)}, value.shape=${fmt(v.shape)}`)
  }
  const scale = options.scale ?? 1 / Math.sqrt(hk)
  const causal = options.isCausal ?? false
  const target = [q.shape[0]!, n, q.shape[1]!, k.shape[1]!]
  let mask: Tensor | null = null
  if (options.mask != null) {
    const m = convertToTensor(options.mask)
    mask = to4d(isBool(m.dtype) ? m : notEqual(m, 0), target)
  }
  const bias = options.bias == null ? null : to4d(cast(convertToTensor(options.bias), dtype), target)
  const run = (): Tensor[] => [attentionDecomposition(q, k, v, bias, mask, causal, scale)]
  if (bias !== null) return run()[0]!
  const T = q.shape[1]!
  const S = k.shape[1]!
  const fusable = !q.isSymbolic && q.backend.capabilities.fused.has('attention')
  if (!fusable) return run()[0]!
  const fusedMask = mask ? broadcastTo(mask, [q.shape[0]!, n, T, S]) : null
  return bindFused('attention', fusedMask ? [q, k, v, fusedMask] : [q, k, v], { scale, causal, hasMask: fusedMask !== null, outDtype: dtype },
    [{ shape: [...q.shape.slice(0, 3), v.shape[3]!], dtype }], run)[0]!
}

function attentionDecomposition(q: Tensor, k: Tensor, v: Tensor, bias: Tensor | null, mask: Tensor | null, causal: boolean, scale: number): Tensor {
  const n = q.shape[2]!
  const kh = k.shape[2]!
  let kk = k
  let vv = v
  if (kh !== n) {
    // Grouped-query attention: query head i reads key/value head floor(i / G).
    const g = n / kh
    const idx = intVector(q, Array.from({ length: n }, (_, i) => Math.floor(i / g)))
    kk = take(k, idx, 2)
    vv = take(v, idx, 2)
  }
  const logitsDtype = resultType(q.dtype, 'float32')
  // logits[b, n, t, s] = sum_h q[b, t, n, h] k[b, s, n, h]
  let logits = lax.dotGeneral(cast(q, logitsDtype), cast(kk, logitsDtype), [[3], [3]], [[0, 2], [0, 2]])
  logits = multiply(logits, scale)
  if (bias) logits = cast(add(logits, bias), logitsDtype)
  if (mask || causal) {
    let keep: Tensor | null = mask
    if (causal) {
      const T = q.shape[1]!
      const S = k.shape[1]!
      const rows = reshapeDims(iotaOn(q, 'int32', [T], 0), [T, 1])
      const cols = reshapeDims(iotaOn(q, 'int32', [S], 0), [1, S])
      const tril = greaterEqual(rows, cols)
      keep = keep ? logicalAnd(keep, tril) : tril
    }
    logits = where(keep!, logits, LARGE_NEGATIVE)
  }
  const probs = cast(softmax(cast(logits, 'float32'), { axis: -1 }), k.dtype)
  // out[b, n, t, h] = sum_s probs[b, n, t, s] v[b, s, n, h]
  const out = lax.dotGeneral(probs, vv, [[3], [1]], [[0, 1], [0, 2]])
  return transpose(out, { axes: [0, 2, 1, 3] })
}
