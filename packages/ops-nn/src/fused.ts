/**
 * @file Entry points of the fused composites a backend may run as one kernel (matmul + bias +
 * activation here; conv in conv.ts, softmax in activations.ts, layer norm in normalization.ts,
 * attention in attention.ts). Each passes its decomposition to `bindFused` as the reference.
 */
import { InvalidArgumentError, ShapeError, bindFused, fmt, lax, resultType, type FusedActivation, type Tensor } from '@kx/core'
import { add, cast, convertToTensor, greater, greaterEqual, less, multiply, where, type TensorLike } from '@kx/ops-numpy'

/**
 * Applies one of the activations a fused kernel knows (`alpha` is elu's alpha or leaky_relu's slope).
 *
 * @example
 * ```ts
 * applyActivation(y, 'leaky_relu', 0.2)
 * ```
 */
export function applyActivation(y: Tensor, activation: FusedActivation, alpha: number): Tensor {
  switch (activation) {
    case 'linear': return y
    case 'relu': return where(greater(y, 0), y, 0)
    case 'relu6': return where(greater(y, 0), where(less(y, 6), y, 6), 0)
    case 'sigmoid': return lax.logistic(y)
    case 'tanh': return lax.tanh(y)
    case 'elu': {
      const pos = greater(y, 0)
      return where(pos, y, multiply(lax.unary('expm1', where(pos, 0, y)), alpha))
    }
    case 'leaky_relu': return where(greaterEqual(y, 0), y, multiply(y, alpha))
    default:
      throw new InvalidArgumentError(`Unknown fused activation. Expected one of linear, relu, relu6, sigmoid, tanh, elu, leaky_relu. Received: activation=${fmt(activation)}`)
  }
}

/**
 * `activation(a @ b + bias)` for `a` of shape `(..., m, k)` and `b` of shape `(k, n)`: a backend's
 * fused kernel when it has one, the decomposition otherwise. The entry point of `Dense`.
 *
 * @example
 * ```ts
 * matmulBiasAct(x, kernel, bias, { activation: 'relu' }) // x [N, 784], kernel [784, 256] → [N, 256]
 * ```
 */
export function matmulBiasAct(
  a: TensorLike, b: TensorLike, bias: TensorLike | null,
  options: { activation?: FusedActivation; alpha?: number } = {},
): Tensor {
  const ta = convertToTensor(a)
  const tb = convertToTensor(b)
  const dtype = resultType(ta.dtype, tb.dtype)
  const x = cast(ta, dtype)
  const w = cast(tb, dtype)
  if (x.ndim < 1 || w.ndim !== 2) {
    throw new ShapeError(`\`matmul_bias_act\` needs a of rank >= 1 and b of rank 2. Received: a.shape=${fmt(x.shape)}, b.shape=${fmt(w.shape)}`)
  }
  const kx = x.shape[x.ndim - 1]!
  if (kx !== null && w.shape[0] !== null && kx !== w.shape[0]) {
    throw new ShapeError(`\`matmul_bias_act\`: inner dimensions differ. Received: a.shape=${fmt(x.shape)}, b.shape=${fmt(w.shape)}`)
  }
  const bb = bias === null ? null : cast(convertToTensor(bias), dtype)
  const activation = options.activation ?? 'linear'
  const alpha = options.alpha ?? (activation === 'leaky_relu' ? 0.2 : 1)
  const outShape = [...x.shape.slice(0, -1), w.shape[1]!]
  const run = (): Tensor[] => {
    let y = lax.dotGeneral(x, w, [[x.ndim - 1], [0]])
    if (bb) y = add(y, bb)
    return [applyActivation(y, activation, alpha)]
  }
  return bindFused('matmul_bias_act', bb ? [x, w, bb] : [x, w], { activation, hasBias: bb !== null, alpha },
    [{ shape: outShape, dtype }], run)[0]!
}
