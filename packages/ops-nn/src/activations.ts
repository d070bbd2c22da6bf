/**
 * @file Activation ops of `keras.ops.nn` (relu … sparsemax), written with `lax`. `softmax` and
 * `logSoftmax` run a backend's fused kernel when it has one (`bindFused`), their decomposition otherwise.
 */
import { InvalidArgumentError, bindFused, fmt, lax, normalizeAxes, normalizeAxis, type Tensor } from '@kx/core'
import {
  abs, add, cast, clip, convertToTensor, divide, greater, greaterEqual, less, lessEqual, max, maximum, minimum, multiply, negative, square,
  subtract, sum, transpose, where, type TensorLike,
} from '@kx/ops-numpy'
import { iotaOn, reshapeDims, sliceAxis, toFloat } from './util.js'

/**
 * Rectified linear unit, `max(x, 0)`.
 *
 * @example
 * ```ts
 * relu(convertToTensor([-1, 0, 2])) // [0, 0, 2]
 * ```
 */
export function relu(x: TensorLike): Tensor {
  const t = convertToTensor(x)
  // NOTE: select, not max, so the gradient at exactly 0 is 0 (JAX's relu custom JVP), not 0.5.
  return where(greater(t, 0), t, 0)
}

/**
 * `min(max(x, 0), 6)`.
 *
 * @example
 * ```ts
 * relu6(convertToTensor([-1, 3, 8])) // [0, 3, 6]
 * ```
 */
export function relu6(x: TensorLike): Tensor {
  const t = convertToTensor(x)
  return where(greater(t, 0), where(less(t, 6), t, 6), 0)
}

/**
 * Logistic sigmoid, `1 / (1 + exp(-x))`.
 *
 * @example
 * ```ts
 * sigmoid(convertToTensor([0])) // [0.5]
 * ```
 */
export function sigmoid(x: TensorLike): Tensor { return lax.logistic(toFloat(x)) }

/**
 * Sparse sigmoid, `0.5 * clip(x + 1, 0, 2)`.
 *
 * @example
 * ```ts
 * sparseSigmoid(convertToTensor([-2, 0, 2])) // [0, 0.5, 1]
 * ```
 */
export function sparseSigmoid(x: TensorLike): Tensor { return multiply(clip(add(toFloat(x), 1), 0, 2), 0.5) }

/** `tanh(x)`. @example `tanh(convertToTensor([0])) // [0]` */
export function tanh(x: TensorLike): Tensor { return lax.tanh(toFloat(x)) }

/**
 * `x - tanh(x)`.
 *
 * @example
 * ```ts
 * tanhShrink(convertToTensor([0])) // [0]
 * ```
 */
export function tanhShrink(x: TensorLike): Tensor { const t = toFloat(x); return subtract(t, lax.tanh(t)) }

/**
 * Softplus, `log(1 + exp(x))`, computed stably as `max(x, 0) + log1p(exp(-|x|))`.
 *
 * @example
 * ```ts
 * softplus(convertToTensor([0])) // [0.6931]
 * ```
 */
export function softplus(x: TensorLike): Tensor {
  const t = toFloat(x)
  // NOTE: jnp.logaddexp(x, 0); the max() tie at 0 splits the gradient 0.5/0.5, which gives sigmoid(0) exactly.
  return add(maximum(t, 0), lax.unary('log1p', lax.exp(negative(abs(t)))))
}

/**
 * Softsign, `x / (|x| + 1)`.
 *
 * @example
 * ```ts
 * softsign(convertToTensor([1])) // [0.5]
 * ```
 */
export function softsign(x: TensorLike): Tensor { const t = toFloat(x); return divide(t, add(abs(t), 1)) }

/**
 * Soft shrinkage: `x - threshold` above `threshold`, `x + threshold` below `-threshold`, else 0.
 *
 * @example
 * ```ts
 * softShrink(convertToTensor([-1, 0.2, 1])) // [-0.5, 0, 0.5]
 * ```
 */
export function softShrink(x: TensorLike, options: { threshold?: number } = {}): Tensor {
  const t = toFloat(x)
  const th = options.threshold ?? 0.5
  return where(greater(t, th), subtract(t, th), where(less(t, -th), add(t, th), 0))
}

/**
 * Hard shrinkage: `x` where `|x| > threshold`, else 0.
 *
 * @example
 * ```ts
 * hardShrink(convertToTensor([-1, 0.2, 1])) // [-1, 0, 1]
 * ```
 */
export function hardShrink(x: TensorLike, options: { threshold?: number } = {}): Tensor {
  const t = toFloat(x)
  return where(greater(abs(t), options.threshold ?? 0.5), t, 0)
}

/**
 * Sparse plus: 0 for `x <= -1`, `x` for `x >= 1`, `(x + 1)^2 / 4` between.
 *
 * @example
 * ```ts
 * sparsePlus(convertToTensor([-2, 0, 2])) // [0, 0.25, 2]
 * ```
 */
export function sparsePlus(x: TensorLike): Tensor {
  const t = toFloat(x)
  return where(lessEqual(t, -1), 0, where(greaterEqual(t, 1), t, divide(square(add(t, 1)), 4)))
}

/**
 * SiLU (swish), `x * sigmoid(x)`.
 *
 * @example
 * ```ts
 * silu(convertToTensor([0])) // [0]
 * ```
 */
export function silu(x: TensorLike): Tensor { const t = toFloat(x); return multiply(t, lax.logistic(t)) }
/** Alias of `silu` (Keras `swish`). @example `swish(x)` */
export const swish = silu

/**
 * Squareplus, `(x + sqrt(x^2 + b)) / 2`.
 *
 * @example
 * ```ts
 * squareplus(convertToTensor([0])) // [1]
 * ```
 */
export function squareplus(x: TensorLike, options: { b?: number } = {}): Tensor {
  const t = toFloat(x)
  return divide(add(t, lax.sqrt(add(square(t), options.b ?? 4))), 2)
}

/**
 * `log(sigmoid(x))`, computed stably as `-softplus(-x)`.
 *
 * @example
 * ```ts
 * logSigmoid(convertToTensor([0])) // [-0.6931]
 * ```
 */
export function logSigmoid(x: TensorLike): Tensor { return negative(softplus(negative(toFloat(x)))) }

/**
 * Leaky ReLU: `x` for `x >= 0`, `negativeSlope * x` otherwise (Keras default slope 0.2).
 *
 * @example
 * ```ts
 * leakyRelu(convertToTensor([-1, 1])) // [-0.2, 1]
 * ```
 */
export function leakyRelu(x: TensorLike, options: { negativeSlope?: number } = {}): Tensor {
  const t = toFloat(x)
  return where(greaterEqual(t, 0), t, multiply(t, options.negativeSlope ?? 0.2))
}

/**
 * Hard sigmoid, `relu6(x + 3) / 6`.
 *
 * @example
 * ```ts
 * hardSigmoid(convertToTensor([0])) // [0.5]
 * ```
 */
export function hardSigmoid(x: TensorLike): Tensor { return divide(relu6(add(toFloat(x), 3)), 6) }

/**
 * Hard SiLU (hard swish), `x * relu6(x + 3) / 6`.
 *
 * @example
 * ```ts
 * hardSilu(convertToTensor([3])) // [3]
 * ```
 */
export function hardSilu(x: TensorLike): Tensor { const t = toFloat(x); return multiply(t, hardSigmoid(t)) }
/** Alias of `hardSilu` (Keras `hard_swish`). @example `hardSwish(x)` */
export const hardSwish = hardSilu

/**
 * ELU: `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise.
 *
 * @example
 * ```ts
 * elu(convertToTensor([-1, 1])) // [-0.6321, 1]
 * ```
 */
export function elu(x: TensorLike, options: { alpha?: number } = {}): Tensor {
  const t = toFloat(x)
  const pos = greater(t, 0)
  // NOTE: expm1 of where(x > 0, 0, x) keeps the unused branch finite, so its gradient never gives NaN.
  return where(pos, t, multiply(lax.unary('expm1', where(pos, 0, t)), options.alpha ?? 1))
}

const SELU_ALPHA = 1.6732632423543772
const SELU_SCALE = 1.0507009873554805

/**
 * SELU, `scale * elu(x, alpha)` with the self-normalising constants.
 *
 * @example
 * ```ts
 * selu(convertToTensor([1])) // [1.0507]
 * ```
 */
export function selu(x: TensorLike): Tensor { return multiply(elu(x, { alpha: SELU_ALPHA }), SELU_SCALE) }

/**
 * GELU. With `approximate` (default true, as Keras) the tanh approximation
 * `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`, else the exact `0.5 x (1 + erf(x / sqrt 2))`.
 *
 * @example
 * ```ts
 * gelu(convertToTensor([1]), { approximate: false }) // [0.8413]
 * ```
 */
export function gelu(x: TensorLike, options: { approximate?: boolean } = {}): Tensor {
  const t = toFloat(x)
  if (options.approximate ?? true) {
    const inner = multiply(add(t, multiply(multiply(multiply(t, t), t), 0.044715)), Math.sqrt(2 / Math.PI))
    return multiply(t, multiply(add(lax.tanh(inner), 1), 0.5))
  }
  return multiply(multiply(t, 0.5), add(lax.unary('erf', multiply(t, Math.SQRT1_2)), 1))
}

/**
 * CELU, `max(x, 0) + alpha * expm1(min(x, 0) / alpha)`.
 *
 * @example
 * ```ts
 * celu(convertToTensor([-1, 1])) // [-0.6321, 1]
 * ```
 */
export function celu(x: TensorLike, options: { alpha?: number } = {}): Tensor {
  const t = toFloat(x)
  const alpha = options.alpha ?? 1
  return add(maximum(t, 0), multiply(lax.unary('expm1', divide(minimum(t, 0), alpha)), alpha))
}

/**
 * Gated linear unit: splits `x` in two halves `a, b` along `axis` and returns `a * sigmoid(b)`.
 *
 * @example
 * ```ts
 * glu(convertToTensor([[1, 0]])) // [[0.5]]
 * ```
 */
export function glu(x: TensorLike, options: { axis?: number } = {}): Tensor {
  const t = toFloat(x)
  const axis = normalizeAxis(options.axis ?? -1, t.ndim, 'glu')
  const n = t.shape[axis]!
  if (n !== null && n % 2 !== 0) {
    throw new InvalidArgumentError(`\`glu\` needs an even size along \`axis\`. Received: x.shape=${fmt(t.shape)}, axis=${axis}`)
  }
  const half = n / 2
  return multiply(sliceAxis(t, axis, 0, half), lax.logistic(sliceAxis(t, axis, half, n)))
}

/**
 * Hard tanh: `clip(x, -1, 1)`.
 *
 * @example
 * ```ts
 * hardTanh(convertToTensor([-2, 0.5, 2])) // [-1, 0.5, 1]
 * ```
 */
export function hardTanh(x: TensorLike): Tensor {
  const t = toFloat(x)
  return where(greater(t, 1), 1, where(less(t, -1), -1, t))
}

/**
 * `x` where `x > threshold`, else `defaultValue`.
 *
 * @example
 * ```ts
 * threshold(convertToTensor([0.5, 2]), 1, 0) // [0, 2]
 * ```
 */
export function threshold(x: TensorLike, thresholdValue: number, defaultValue: number): Tensor {
  const t = convertToTensor(x)
  return where(greater(t, thresholdValue), t, defaultValue)
}

/** Moves `axes` last and flattens them, for softmax over several axes (Keras's tuple-axis path). */
function overAxes(t: Tensor, axis: number | readonly number[], op: string, fn: (x: Tensor) => Tensor): Tensor {
  if (typeof axis === 'number') return fn(t)
  const axes = normalizeAxes(axis, t.ndim, op)
  const keep = t.shape.map((_, i) => i).filter((i) => !axes.includes(i))
  const perm = [...keep, ...axes]
  const moved = transpose(t, { axes: perm })
  const flat = reshapeDims(moved, [...keep.map((i) => t.shape[i]!), -1])
  const out = reshapeDims(fn(flat), moved.shape)
  const inv = perm.map((_, i) => perm.indexOf(i))
  return transpose(out, { axes: inv })
}

function softmaxDecomposition(t: Tensor, axis: number): Tensor {
  const m = lax.stopGradientPrim(max(t, { axis, keepdims: true }))
  const e = lax.exp(subtract(t, m))
  return divide(e, sum(e, { axis, keepdims: true }))
}

function logSoftmaxDecomposition(t: Tensor, axis: number): Tensor {
  const shifted = subtract(t, lax.stopGradientPrim(max(t, { axis, keepdims: true })))
  return subtract(shifted, lax.log(sum(lax.exp(shifted), { axis, keepdims: true })))
}

/**
 * Softmax, `exp(x) / sum(exp(x))` along `axis` (an axis or a list of axes; default -1), shifted by
 * the maximum for stability. Runs a backend's fused kernel when available.
 *
 * @example
 * ```ts
 * softmax(convertToTensor([0, 0])) // [0.5, 0.5]
 * ```
 */
export function softmax(x: TensorLike, options: { axis?: number | readonly number[] } = {}): Tensor {
  const t = toFloat(x)
  return overAxes(t, options.axis ?? -1, 'softmax', (u) => {
    const axis = normalizeAxis(typeof options.axis === 'number' ? options.axis : -1, u.ndim, 'softmax')
    return bindFused('softmax', [u], { axis }, [{ shape: u.shape, dtype: u.dtype }], () => [softmaxDecomposition(u, axis)])[0]!
  })
}

/**
 * Log-softmax, `x - logsumexp(x)` along `axis`, computed stably. Runs a fused kernel when available.
 *
 * @example
 * ```ts
 * logSoftmax(convertToTensor([0, 0])) // [-0.6931, -0.6931]
 * ```
 */
export function logSoftmax(x: TensorLike, options: { axis?: number | readonly number[] } = {}): Tensor {
  const t = toFloat(x)
  return overAxes(t, options.axis ?? -1, 'log_softmax', (u) => {
    const axis = normalizeAxis(typeof options.axis === 'number' ? options.axis : -1, u.ndim, 'log_softmax')
    return bindFused('log_softmax', [u], { axis }, [{ shape: u.shape, dtype: u.dtype }], () => [logSoftmaxDecomposition(u, axis)])[0]!
  })
}

/**
 * Sparsemax (Martins & Astudillo, 2016): the Euclidean projection of `x` onto the probability
 * simplex along `axis`; many outputs are exactly 0.
 *
 * @example
 * ```ts
 * sparsemax(convertToTensor([1, 0.5, -1])) // [0.75, 0.25, 0]
 * ```
 */
export function sparsemax(x: TensorLike, options: { axis?: number } = {}): Tensor {
  const t = toFloat(x)
  const axis = normalizeAxis(options.axis ?? -1, t.ndim, 'sparsemax')
  const [sorted] = lax.sort(t, axis, true)
  const cums = lax.cumulative('cumsum', sorted, axis)
  const n = t.shape[axis]!
  const rShape = t.shape.map((_, i) => (i === axis ? n : 1))
  const r = reshapeDims(add(iotaOn(t, t.dtype, [n], 0), 1), rShape)
  const support = greater(subtract(sorted, divide(subtract(cums, 1), r)), 0)
  const k = sum(cast(support, t.dtype), { axis, keepdims: true })
  const tau = divide(subtract(sum(where(support, cums, 0), { axis, keepdims: true }), 1), k)
  return maximum(subtract(t, tau), 0)
}

