/**
 * @file Keras's loss functions (`keras.losses.mean_squared_error`, ...): per-sample losses, reduced over
 * the last axis, written with `keras.ops`. The Loss classes and the metrics wrap these.
 */
import { InvalidArgumentError, epsilon, fmt, normalizeAxis, type Tensor } from '@kx/core'
import { setKerasMask } from '@kx/layers'
import * as nn from '@kx/ops-nn'
import * as ops from '@kx/ops-numpy'
import { squeezeOrExpandToSameRank } from './Loss.js'
import type { TensorLike } from '@kx/ops-numpy'

/** `yPred` as a float tensor and `yTrue` converted to its dtype. */
function pair(yTrue: TensorLike, yPred: TensorLike, squeeze = true): [Tensor, Tensor] {
  let p = ops.convertToTensor(yPred)
  if (!p.dtype.startsWith('float') && p.dtype !== 'bfloat16') p = ops.cast(p, 'float32')
  const t = ops.cast(ops.convertToTensor(yTrue), p.dtype)
  return squeeze ? squeezeOrExpandToSameRank(t, p) : [t, p]
}

/**
 * Mean squared error over the last axis: `mean(square(yTrue - yPred), axis=-1)`.
 *
 * @example
 * ```ts
 * meanSquaredError([[0, 1]], [[1, 1]]) // [0.5]
 * ```
 */
export function meanSquaredError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = pair(yTrue, yPred)
  return ops.mean(ops.square(ops.subtract(t, p)), { axis: -1 })
}

/** Mean absolute error over the last axis: `mean(abs(yTrue - yPred), axis=-1)`. @example `meanAbsoluteError([[0, 1]], [[1, 1]]) // [0.5]` */
export function meanAbsoluteError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = pair(yTrue, yPred)
  return ops.mean(ops.abs(ops.subtract(t, p)), { axis: -1 })
}

/** `100 * mean(abs((yTrue - yPred) / max(abs(yTrue), epsilon)), axis=-1)`. @example `meanAbsolutePercentageError([[2]], [[1]]) // [50]` */
export function meanAbsolutePercentageError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = pair(yTrue, yPred)
  const diff = ops.abs(ops.divide(ops.subtract(t, p), ops.maximum(ops.abs(t), epsilon())))
  return ops.multiply(100, ops.mean(diff, { axis: -1 }))
}

/** `mean(square(log(max(yPred, eps) + 1) - log(max(yTrue, eps) + 1)), axis=-1)`. @example `meanSquaredLogarithmicError([[0]], [[1]])` */
export function meanSquaredLogarithmicError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = pair(yTrue, yPred)
  const a = ops.log(ops.add(ops.maximum(p, epsilon()), 1))
  const b = ops.log(ops.add(ops.maximum(t, epsilon()), 1))
  return ops.mean(ops.square(ops.subtract(a, b)), { axis: -1 })
}

/** Negative cosine similarity of L2-normalised vectors along `axis` (default -1). @example `cosineSimilarity([[0, 1]], [[1, 1]]) // [-0.7071]` */
export function cosineSimilarity(yTrue: TensorLike, yPred: TensorLike, options: { axis?: number } = {}): Tensor {
  const axis = options.axis ?? -1
  const [t, p] = pair(yTrue, yPred)
  return ops.negative(ops.sum(ops.multiply(nn.normalize(t, { axis }), nn.normalize(p, { axis })), { axis }))
}

/** Huber loss: quadratic for `|e| <= delta`, linear beyond (mean over the last axis). @example `huber([[0]], [[2]]) // [1.5]` */
export function huber(yTrue: TensorLike, yPred: TensorLike, options: { delta?: number } = {}): Tensor {
  const delta = options.delta ?? 1
  const [t, p] = pair(yTrue, yPred)
  const err = ops.subtract(p, t)
  const absErr = ops.abs(err)
  const quad = ops.multiply(0.5, ops.square(err))
  const lin = ops.subtract(ops.multiply(delta, absErr), 0.5 * delta * delta)
  return ops.mean(ops.where(ops.lessEqual(absErr, delta), quad, lin), { axis: -1 })
}

/** `mean(log(cosh(yPred - yTrue)), axis=-1)`, computed as `x + softplus(-2x) - log 2`. @example `logCosh([[0]], [[1]])` */
export function logCosh(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = pair(yTrue, yPred)
  const x = ops.subtract(p, t)
  return ops.mean(ops.subtract(ops.add(x, nn.softplus(ops.multiply(x, -2))), Math.log(2)), { axis: -1 })
}

/** Keras's `convert_binary_labels_to_hinge`: {0, 1} labels become {-1, 1}; other labels are left alone. */
function hingeLabels(t: Tensor): Tensor {
  const isBinary = ops.all(ops.logicalOr(ops.equal(t, 0), ops.equal(t, 1)))
  return ops.where(isBinary, ops.subtract(ops.multiply(2, t), 1), t)
}

/** `mean(maximum(1 - yTrue * yPred, 0), axis=-1)`; {0, 1} labels are mapped to {-1, 1}. @example `hinge([[1]], [[0.5]]) // [0.5]` */
export function hinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = pair(yTrue, yPred, false)
  return ops.mean(ops.maximum(ops.subtract(1, ops.multiply(hingeLabels(t), p)), 0), { axis: -1 })
}

/** `mean(square(maximum(1 - yTrue * yPred, 0)), axis=-1)`. @example `squaredHinge([[1]], [[0.5]]) // [0.25]` */
export function squaredHinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = pair(yTrue, yPred, false)
  return ops.mean(ops.square(ops.maximum(ops.subtract(1, ops.multiply(hingeLabels(t), p)), 0)), { axis: -1 })
}

/** `maximum(max((1 - yTrue) * yPred) - sum(yTrue * yPred) + 1, 0)` over the last axis. @example `categoricalHinge([[0, 1]], [[0.3, 0.7]]) // [0.6]` */
export function categoricalHinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = pair(yTrue, yPred, false)
  const pos = ops.sum(ops.multiply(t, p), { axis: -1 })
  const neg = ops.max(ops.multiply(ops.subtract(1, t), p), { axis: -1 })
  return ops.maximum(ops.add(ops.subtract(neg, pos), 1), 0)
}

/** `sum(yTrue * log(yTrue / yPred), axis=-1)` with both clipped to `[epsilon, 1]`. @example `klDivergence([[0, 1]], [[0.4, 0.6]])` */
export function klDivergence(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t0, p0] = pair(yTrue, yPred, false)
  const t = ops.clip(t0, epsilon(), 1)
  const p = ops.clip(p0, epsilon(), 1)
  return ops.sum(ops.multiply(t, ops.log(ops.divide(t, p))), { axis: -1 })
}

/** `mean(yPred - yTrue * log(yPred + epsilon), axis=-1)`. @example `poisson([[1]], [[2]])` */
export function poisson(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = pair(yTrue, yPred, false)
  return ops.mean(ops.subtract(p, ops.multiply(t, ops.log(ops.add(p, epsilon())))), { axis: -1 })
}

function checkAxis(axis: unknown, fn: string): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    throw new InvalidArgumentError(`\`axis\` must be of type \`int\` in \`${fn}\`. Received: axis=${fmt(axis)}`)
  }
  return axis
}

/** Options of the cross-entropy losses. */
export interface CrossentropyOptions {
  readonly fromLogits?: boolean
  readonly labelSmoothing?: number
  readonly axis?: number
}

/**
 * Categorical cross-entropy over `axis` with optional label smoothing (`t * (1 - s) + s / numClasses`).
 *
 * @example
 * ```ts
 * categoricalCrossentropy([[0, 1, 0]], [[0.05, 0.95, 0]]) // [0.0513]
 * ```
 */
export function categoricalCrossentropy(yTrue: TensorLike, yPred: TensorLike, options: CrossentropyOptions = {}): Tensor {
  const axis = checkAxis(options.axis ?? -1, 'categorical_crossentropy')
  let [t, p] = pair(yTrue, yPred, false)
  const s = options.labelSmoothing ?? 0
  if (s) t = ops.add(ops.multiply(t, 1 - s), s / t.shape[t.shape.length - 1]!)
  return nn.categoricalCrossentropy(t, p, { fromLogits: options.fromLogits ?? false, axis })
}

/** Focal categorical cross-entropy: `sum(alpha * (1 - p)^gamma * -t log p)` over `axis`. @example `categoricalFocalCrossentropy([[0, 1]], [[0.1, 0.9]])` */
export function categoricalFocalCrossentropy(
  yTrue: TensorLike, yPred: TensorLike, options: CrossentropyOptions & { alpha?: number; gamma?: number } = {},
): Tensor {
  const axis = checkAxis(options.axis ?? -1, 'categorical_focal_crossentropy')
  let [t, p] = pair(yTrue, yPred, false)
  const s = options.labelSmoothing ?? 0
  if (s) t = ops.add(ops.multiply(t, 1 - s), s / t.shape[t.shape.length - 1]!)
  if (options.fromLogits) p = nn.softmax(p, { axis })
  const eps = epsilon()
  const out = ops.clip(ops.divide(p, ops.sum(p, { axis, keepdims: true })), eps, 1 - eps)
  const cce = ops.multiply(ops.negative(t), ops.log(out))
  const factor = ops.multiply(ops.power(ops.subtract(1, out), options.gamma ?? 2), options.alpha ?? 0.25)
  return ops.sum(ops.multiply(factor, cce), { axis })
}

/**
 * Sparse categorical cross-entropy with integer targets; `ignoreClass` entries give 0 loss and are
 * masked out of the reduction.
 *
 * @example
 * ```ts
 * sparseCategoricalCrossentropy([1], [[0.05, 0.95, 0]]) // [0.0513]
 * ```
 */
export function sparseCategoricalCrossentropy(
  yTrue: TensorLike, yPred: TensorLike, options: { fromLogits?: boolean; ignoreClass?: number | null; axis?: number } = {},
): Tensor {
  const axis = options.axis ?? -1
  let p = ops.convertToTensor(yPred)
  let t = ops.convertToTensor(yTrue)
  const tAxis = axis < 0 ? t.shape.length + axis : axis
  if (t.shape.length === p.shape.length && t.shape[tAxis] === 1) t = ops.squeeze(t, { axis })
  const ignore = options.ignoreClass
  let valid: Tensor | undefined
  if (ignore !== undefined && ignore !== null) {
    const classAxis = normalizeAxis(axis, p.shape.length, 'sparse_categorical_crossentropy')
    valid = ops.notEqual(t, ops.cast(ignore, p.dtype))
    t = ops.where(valid, t, 0)
    p = ops.where(ops.expandDims(valid, classAxis), p, 0)
  }
  let res = nn.sparseCategoricalCrossentropy(t, p, { fromLogits: options.fromLogits ?? false, axis })
  if (valid) {
    valid = ops.reshape(valid, res.shape)
    res = ops.where(valid, res, 0)
    setKerasMask(res, valid)
  }
  return res
}

/** Binary cross-entropy, mean over `axis`; label smoothing maps `t` to `t * (1 - s) + s / 2`. @example `binaryCrossentropy([[0, 1]], [[0.6, 0.4]])` */
export function binaryCrossentropy(yTrue: TensorLike, yPred: TensorLike, options: CrossentropyOptions = {}): Tensor {
  let [t, p] = pair(yTrue, yPred, false)
  const s = options.labelSmoothing ?? 0
  if (s) t = ops.add(ops.multiply(t, 1 - s), 0.5 * s)
  return ops.mean(nn.binaryCrossentropy(t, p, { fromLogits: options.fromLogits ?? false }), { axis: options.axis ?? -1 })
}

/** Focal binary cross-entropy: `(1 - p_t)^gamma * bce`, optionally class-balanced by `alpha`. @example `binaryFocalCrossentropy([[0, 1]], [[0.6, 0.4]])` */
export function binaryFocalCrossentropy(
  yTrue: TensorLike, yPred: TensorLike, options: CrossentropyOptions & { applyClassBalancing?: boolean; alpha?: number; gamma?: number } = {},
): Tensor {
  let [t, p] = pair(yTrue, yPred, false)
  const s = options.labelSmoothing ?? 0
  if (s) t = ops.add(ops.multiply(t, 1 - s), 0.5 * s)
  if (options.fromLogits) p = nn.sigmoid(p)
  const bce = nn.binaryCrossentropy(t, p, { fromLogits: false })
  const pt = ops.add(ops.multiply(t, p), ops.multiply(ops.subtract(1, t), ops.subtract(1, p)))
  let focal = ops.multiply(ops.power(ops.subtract(1, pt), options.gamma ?? 2), bce)
  if (options.applyClassBalancing) {
    const alpha = options.alpha ?? 0.25
    focal = ops.multiply(ops.add(ops.multiply(t, alpha), ops.multiply(ops.subtract(1, t), 1 - alpha)), focal)
  }
  return ops.mean(focal, { axis: options.axis ?? -1 })
}

/** CTC loss for `(batch, maxLabelLength)` integer labels (0 = padding/blank) and `(batch, time, classes)` logits. @example `ctc(labels, logits)` */
export function ctc(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const t = ops.convertToTensor(yTrue)
  const p = ops.convertToTensor(yPred)
  if (t.shape.length !== 2) {
    throw new InvalidArgumentError(`Targets \`y_true\` are expected to be a tensor of shape \`(batch_size, max_length)\` in integer format. Received: y_true.shape=${fmt(t.shape)}`)
  }
  if (p.shape.length !== 3) {
    throw new InvalidArgumentError(`Logits \`y_pred\` are expected to be a tensor of shape \`(batch_size, max_length, num_classes)\`. Received: y_pred.shape=${fmt(p.shape)}`)
  }
  const [batch, time] = p.shape as [number, number]
  const inputLength = ops.full([batch], time, { dtype: 'int32' })
  const labelLength = ops.cast(ops.sum(ops.notEqual(t, 0), { axis: -1 }), 'int32')
  return nn.ctcLoss(t, p, labelLength, inputLength, { maskIndex: 0 })
}

/** Dice loss `1 - 2 sum(t p) / (sum(t) + sum(p) + eps)` over `axis` (all axes by default). @example `dice([[1, 0]], [[0.9, 0.1]])` */
export function dice(yTrue: TensorLike, yPred: TensorLike, options: { axis?: number | number[] | null } = {}): Tensor {
  const [t, p] = pair(yTrue, yPred, false)
  const axis = options.axis ?? null
  const inter = ops.sum(ops.multiply(t, p), { axis })
  const d = ops.divide(ops.multiply(2, inter), ops.add(ops.add(ops.sum(t, { axis }), ops.sum(p, { axis })), epsilon()))
  return ops.subtract(1, d)
}

/** Tversky loss `1 - TP / (TP + alpha FP + beta FN + eps)` over `axis`. @example `tversky([[1, 0]], [[0.9, 0.1]])` */
export function tversky(yTrue: TensorLike, yPred: TensorLike, options: { alpha?: number; beta?: number; axis?: number | number[] | null } = {}): Tensor {
  const [t, p] = pair(yTrue, yPred, false)
  const axis = options.axis ?? null
  const inter = ops.sum(ops.multiply(t, p), { axis })
  const fp = ops.sum(ops.multiply(ops.subtract(1, p), t), { axis })
  const fn = ops.sum(ops.multiply(p, ops.subtract(1, t)), { axis })
  const denom = ops.add(ops.add(ops.add(inter, ops.multiply(fp, options.alpha ?? 0.5)), ops.multiply(fn, options.beta ?? 0.5)), epsilon())
  return ops.subtract(1, ops.divide(inter, denom))
}

/** Options of `circle`. */
export interface CircleOptions {
  readonly refLabels?: TensorLike | null
  readonly refEmbeddings?: TensorLike | null
  readonly removeDiagonal?: boolean
  readonly gamma?: number
  readonly margin?: number
}

/** Circle loss over L2-normalised embeddings `yPred` with integer labels `yTrue`; zero losses are masked. @example `circle([0, 0, 1], embeddings)` */
export function circle(yTrue: TensorLike, yPred: TensorLike, options: CircleOptions = {}): Tensor {
  const p = ops.convertToTensor(yPred)
  const t = ops.cast(ops.convertToTensor(yTrue), 'int32')
  const refEmb = options.refEmbeddings === undefined || options.refEmbeddings === null ? p : ops.convertToTensor(options.refEmbeddings)
  const refLab = options.refLabels === undefined || options.refLabels === null ? t : ops.cast(ops.convertToTensor(options.refLabels), 'int32')
  const margin = options.margin ?? 0.4
  const gamma = options.gamma ?? 80
  const dist = ops.maximum(ops.subtract(1, ops.matmul(p, ops.transpose(refEmb))), 0)
  const q = t.shape.length === 1 ? ops.reshape(t, [-1, 1]) : t
  const k = refLab.shape.length === 1 ? ops.reshape(refLab, [-1, 1]) : refLab
  let pos = ops.equal(q, ops.transpose(k))
  const negMask = ops.logicalNot(pos)
  if (options.removeDiagonal ?? true) pos = ops.logicalAnd(pos, ops.logicalNot(ops.eye(q.size, { M: k.size, dtype: 'bool' })))
  const posF = ops.cast(pos, dist.dtype)
  const negF = ops.cast(negMask, dist.dtype)
  const posW = ops.maximum(ops.multiply(ops.add(margin, dist), posF), 0)
  const negW = ops.maximum(ops.multiply(ops.subtract(1 + margin, dist), negF), 0)
  const posD = ops.multiply(ops.multiply(-gamma, posW), ops.subtract(margin, dist))
  const negD = ops.multiply(ops.multiply(gamma, negW), ops.subtract(1 - margin, dist))
  const pLoss = ops.logsumexp(ops.where(pos, posD, -Infinity), { axis: 1 })
  const nLoss = ops.logsumexp(ops.where(negMask, negD, -Infinity), { axis: 1 })
  const loss = nn.softplus(ops.add(pLoss, nLoss))
  setKerasMask(loss, ops.greater(loss, 0))
  return loss
}

/** Generalized cross-entropy `(1 - p_y^q) / q` with integer labels. @example `categoricalGeneralizedCrossEntropy([1], [[0.3, 0.7]], { q: 0.5 })` */
export function categoricalGeneralizedCrossEntropy(yTrue: TensorLike, yPred: TensorLike, options: { q?: number } = {}): Tensor {
  const q = options.q ?? 0.5
  const p = ops.convertToTensor(yPred)
  const oh = nn.oneHot(ops.cast(ops.convertToTensor(yTrue), 'int32'), p.shape[p.shape.length - 1]!, { dtype: p.dtype })
  const py = ops.sum(ops.multiply(p, oh), { axis: -1 })
  return ops.divide(ops.subtract(1, ops.power(py, q)), q)
}
