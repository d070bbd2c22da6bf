/**
 * @file Cross-entropy ops of `keras.ops.nn` (binary, categorical, sparse categorical), with Keras's
 * numerics: probabilities are renormalised (categorical) and clipped to `[epsilon, 1 - epsilon]`;
 * logits go through stable log-sigmoid / log-softmax.
 */
import { ShapeError, epsilon, fmt, lax, normalizeAxis, resultType, shapesCompatible, type Tensor } from '@kx/core'
import { logSigmoid, logSoftmax } from './activations.js'
import { oneHot } from './misc.js'
import { add, cast, clip, convertToTensor, divide, multiply, negative, squeeze, subtract, sum, type TensorLike } from '@kx/ops-numpy'

/** Target and output promoted to one float dtype. */
function pair(target: TensorLike, output: TensorLike): [Tensor, Tensor] {
  const t = convertToTensor(target)
  const o = convertToTensor(output)
  const dtype = resultType(t.dtype, o.dtype, 'weak_float')
  return [cast(t, dtype), cast(o, dtype)]
}

/**
 * Binary cross-entropy, elementwise (`keras.ops.binary_crossentropy`): `-(t log p + (1 - t) log(1 - p))`
 * with `p` clipped to `[epsilon, 1 - epsilon]`, or from logits via log-sigmoid.
 *
 * @example
 * ```ts
 * binaryCrossentropy(convertToTensor([0, 1]), convertToTensor([0.1, 0.8])) // [0.1054, 0.2231]
 * ```
 */
export function binaryCrossentropy(target: TensorLike, output: TensorLike, options: { fromLogits?: boolean } = {}): Tensor {
  const [t, o] = pair(target, output)
  if (!shapesCompatible(t.shape, o.shape)) {
    throw new ShapeError(`Arguments \`target\` and \`output\` must have the same shape. Received: target.shape=${fmt(t.shape)}, output.shape=${fmt(o.shape)}`)
  }
  if (options.fromLogits) {
    return subtract(multiply(negative(t), logSigmoid(o)), multiply(subtract(1, t), logSigmoid(negative(o))))
  }
  const eps = epsilon()
  const p = clip(o, eps, 1 - eps)
  return negative(add(multiply(t, lax.log(p)), multiply(subtract(1, t), lax.log(subtract(1, p)))))
}

/**
 * Categorical cross-entropy over `axis` (`keras.ops.categorical_crossentropy`): `-sum(t log p)`, where
 * probabilities are first divided by their sum and clipped to `[epsilon, 1 - epsilon]`, or logits go
 * through log-softmax.
 *
 * @example
 * ```ts
 * categoricalCrossentropy(convertToTensor([[0, 1]]), convertToTensor([[0.2, 0.8]])) // [0.2231]
 * ```
 */
export function categoricalCrossentropy(target: TensorLike, output: TensorLike, options: { fromLogits?: boolean; axis?: number } = {}): Tensor {
  const [t, o] = pair(target, output)
  if (!shapesCompatible(t.shape, o.shape)) {
    throw new ShapeError(`Arguments \`target\` and \`output\` must have the same shape. Received: target.shape=${fmt(t.shape)}, output.shape=${fmt(o.shape)}`)
  }
  if (t.ndim < 1) {
    throw new ShapeError(`Arguments \`target\` and \`output\` must be at least rank 1. Received: target.shape=${fmt(t.shape)}, output.shape=${fmt(o.shape)}`)
  }
  const axis = normalizeAxis(options.axis ?? -1, o.ndim, 'categorical_crossentropy')
  return negative(sum(multiply(t, logProbs(o, axis, options.fromLogits ?? false)), { axis }))
}

function logProbs(o: Tensor, axis: number, fromLogits: boolean): Tensor {
  if (fromLogits) return logSoftmax(o, { axis })
  const eps = epsilon()
  return lax.log(clip(divide(o, sum(o, { axis, keepdims: true })), eps, 1 - eps))
}

/**
 * Sparse categorical cross-entropy (`keras.ops.sparse_categorical_crossentropy`): as the categorical
 * one with integer class targets (a trailing size-1 axis is squeezed). Out-of-range targets give 0.
 *
 * @example
 * ```ts
 * sparseCategoricalCrossentropy(convertToTensor([1]), convertToTensor([[0.2, 0.8]])) // [0.2231]
 * ```
 */
export function sparseCategoricalCrossentropy(target: TensorLike, output: TensorLike, options: { fromLogits?: boolean; axis?: number } = {}): Tensor {
  const o0 = convertToTensor(output)
  const o = cast(o0, resultType(o0.dtype, 'weak_float'))
  let t = cast(convertToTensor(target), 'int32')
  if (o.ndim < 1) throw new ShapeError(`Argument \`output\` must be at least rank 1. Received: output.shape=${fmt(o.shape)}`)
  if (t.ndim === o.ndim && t.shape[t.ndim - 1] === 1) t = squeeze(t, { axis: [t.ndim - 1] })
  const axis = normalizeAxis(options.axis ?? -1, o.ndim, 'sparse_categorical_crossentropy')
  const expected = o.shape.filter((_, i) => i !== axis)
  if (!shapesCompatible(t.shape, expected)) {
    throw new ShapeError(`Arguments \`target\` and \`output\` must have the same shape up until the last dimension: target.shape=${fmt(t.shape)}, output.shape=${fmt(o.shape)}`)
  }
  const lp = logProbs(o, axis, options.fromLogits ?? false)
  const oh = oneHot(t, o.shape[axis]!, { axis, dtype: o.dtype })
  return negative(sum(multiply(oh, lp), { axis }))
}
