/**
 * @file `keras.ops.normalize` (Lp normalization), apart from the normalization layers' ops in
 * normalization.ts: regularizers use it, and a bundle that loads them should not carry batch/layer norm.
 */
import { InvalidArgumentError, NotImplementedError, epsilon as configEpsilon, fmt, lax, normalizeAxes, type Tensor } from '@kx/core'
import { abs, divide, expandDims, maximum, minimum, multiply, power, square, sum, type TensorLike } from '@kx/ops-numpy'
import { toFloat } from './util.js'

/**
 * Normalizes `x` by its `order`-norm over `axis` (`keras.ops.normalize`). For `order` 2 it is
 * `x * min(rsqrt(sum(x^2)), 1 / epsilon)`; otherwise `x / max(norm, epsilon)`.
 *
 * @example
 * ```ts
 * normalize(convertToTensor([3, 4])) // [0.6, 0.8]
 * ```
 */
export function normalize(x: TensorLike, options: { axis?: number | readonly number[] | null; order?: number; epsilon?: number } = {}): Tensor {
  const order = options.order ?? 2
  if (!Number.isInteger(order) || order < 1) throw new InvalidArgumentError(`Argument \`order\` must be an int >= 1. Received: order=${fmt(order)}`)
  let t = toFloat(x)
  if (t.ndim === 0) t = expandDims(t, 0)
  const eps = options.epsilon ?? configEpsilon()
  const axes = normalizeAxes(options.axis === undefined ? -1 : options.axis, t.ndim, 'normalize')
  if (order === 2) {
    const inv = minimum(lax.rsqrt(sum(square(t), { axis: axes, keepdims: true })), 1 / eps)
    return multiply(t, inv)
  }
  if (axes.length !== 1) {
    throw new NotImplementedError(`\`normalize\` with order=${order} supports a single axis (vector norms). Received: axis=${fmt(options.axis)}`)
  }
  const a = abs(t)
  const norm = order === 1 ? sum(a, { axis: axes, keepdims: true }) : power(sum(power(a, order), { axis: axes, keepdims: true }), 1 / order)
  return divide(t, maximum(norm, eps))
}
