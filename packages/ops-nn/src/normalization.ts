/**
 * @file Normalization ops of `keras.ops.nn`: moments, batchNormalization, layerNormalization (fused
 * when the backend has a kernel) and rmsNormalization (`normalize` is in normalize.ts).
 */
import { ShapeError, bindFused, epsilon as configEpsilon, fmt, lax, normalizeAxes, normalizeAxis, resultType, type Tensor } from '@kx/core'
import { add, cast, clip, convertToTensor, expandDims, mean, multiply, negative, square, variance, type TensorLike } from '@kx/ops-numpy'
import { reshapeDims, toFloat } from './util.js'

const FLOAT16_MAX = 65504

/**
 * Mean and variance of `x` over `axes` (`keras.ops.moments`). float16/bfloat16 inputs are reduced in
 * float32 and the results clipped to the float16 range before casting back, as Keras does.
 *
 * @example
 * ```ts
 * const [m, v] = moments(convertToTensor([0, 1, 2, 3]), [0]) // 1.5, 1.25
 * ```
 */
export function moments(x: TensorLike, axes: number | readonly number[], options: { keepdims?: boolean; synchronized?: boolean } = {}): [Tensor, Tensor] {
  let t = toFloat(x)
  const orig = t.dtype
  // NOTE: `synchronized` (cross-replica statistics) is a no-op: kx runs each op on a single device.
  const low = orig === 'float16' || orig === 'bfloat16'
  if (low) t = cast(t, 'float32')
  const ax = normalizeAxes(axes, t.ndim, 'moments')
  let m = mean(t, { axis: ax, keepdims: options.keepdims ?? false })
  let v = variance(t, { axis: ax, keepdims: options.keepdims ?? false })
  if (low) {
    m = cast(clip(m, -FLOAT16_MAX, FLOAT16_MAX), orig)
    v = cast(clip(v, -FLOAT16_MAX, FLOAT16_MAX), orig)
  }
  return [m, v]
}

/**
 * Batch normalization with given statistics (`keras.ops.batch_normalization`):
 * `(x - mean) / sqrt(variance + epsilon) * scale + offset`, with the vectors laid along `axis`.
 *
 * @example
 * ```ts
 * batchNormalization(x, movingMean, movingVariance, -1, { offset: beta, scale: gamma, epsilon: 1e-3 })
 * ```
 */
export function batchNormalization(
  x: TensorLike, meanValue: TensorLike, varianceValue: TensorLike, axis: number,
  options: { offset?: TensorLike | null; scale?: TensorLike | null; epsilon?: number } = {},
): Tensor {
  const t = convertToTensor(x)
  const ax = normalizeAxis(axis, t.ndim, 'batch_normalization')
  const c = t.shape[ax]!
  const vec = (v: TensorLike, name: string): Tensor => {
    const u = convertToTensor(v)
    if (u.ndim !== 1 || (c !== null && u.shape[0] !== null && u.shape[0] !== c)) {
      throw new ShapeError(`Arguments \`${name}\` must be a vector of length \`x.shape[axis]\`. Expected: (${c},). Received: ${name}.shape=${fmt(u.shape)}`)
    }
    return reshapeDims(u, t.shape.map((_, i) => (i === ax ? (u.shape[0] as number) : 1)))
  }
  const m = vec(meanValue, 'mean')
  const v = vec(varianceValue, 'variance')
  let inv = lax.rsqrt(add(v, options.epsilon ?? 1e-3))
  if (options.scale != null) inv = multiply(inv, vec(options.scale, 'scale'))
  let res = multiply(negative(m), inv)
  if (options.offset != null) res = add(res, vec(options.offset, 'offset'))
  return add(multiply(t, inv), res)
}

/**
 * Layer normalization (`keras.ops.layer_normalization`): normalizes over `axis` (default -1), then
 * scales by `gamma` and shifts by `beta`. Computed in at least float32 and cast back; runs a
 * backend's fused kernel when available.
 *
 * @example
 * ```ts
 * layerNormalization(x, { gamma, beta, epsilon: 1e-5 })
 * ```
 */
export function layerNormalization(
  x: TensorLike,
  options: { gamma?: TensorLike | null; beta?: TensorLike | null; axis?: number | readonly number[]; epsilon?: number } = {},
): Tensor {
  const t0 = convertToTensor(x)
  const orig = t0.dtype
  const compute = resultType(orig, 'float32')
  const t = cast(t0, compute)
  const nd = t.ndim
  const axes = normalizeAxes(options.axis ?? -1, nd, 'layer_normalization')
  const eps = options.epsilon ?? configEpsilon()
  const bshape = t.shape.map((d, i) => (axes.includes(i) ? d : 1))
  const prep = (v: TensorLike | null | undefined): Tensor | null => {
    if (v == null) return null
    const u = cast(convertToTensor(v), compute)
    return u.ndim !== nd && !(axes.length === 1 && axes[0] === nd - 1) ? reshapeDims(u, bshape) : u
  }
  const gamma = prep(options.gamma)
  const beta = prep(options.beta)
  const run = (): Tensor[] => {
    const [m, v] = moments(t, axes, { keepdims: true })
    let inv = lax.rsqrt(add(v, eps))
    if (gamma) inv = multiply(inv, gamma)
    let res = multiply(negative(m), inv)
    if (beta) res = add(res, beta)
    return [add(multiply(t, inv), res)]
  }
  const inputs = [t, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])]
  const [y] = bindFused('layer_norm', inputs, { axes, epsilon: eps, hasGamma: gamma !== null, hasBeta: beta !== null },
    [{ shape: t.shape, dtype: compute }], run)
  return cast(y!, orig)
}

/**
 * RMS normalization (`keras.ops.rms_normalization`): `x / sqrt(mean(x^2, axis) + epsilon) * scale`,
 * computed in at least float32 and cast back.
 *
 * @example
 * ```ts
 * rmsNormalization(x, { scale: gamma, axis: -1, epsilon: 1e-6 })
 * ```
 */
export function rmsNormalization(x: TensorLike, options: { scale?: TensorLike | null; axis?: number | readonly number[]; epsilon?: number } = {}): Tensor {
  const t0 = convertToTensor(x)
  const orig = t0.dtype
  const compute = resultType(orig, 'float32')
  let t = cast(t0, compute)
  if (t.ndim === 0) t = expandDims(t, 0)
  const axes = normalizeAxes(options.axis ?? -1, t.ndim, 'rms_normalization')
  const rrms = lax.rsqrt(add(mean(square(t), { axis: axes, keepdims: true }), options.epsilon ?? configEpsilon()))
  let out = multiply(t, rrms)
  if (options.scale != null) out = multiply(out, cast(convertToTensor(options.scale), compute))
  return cast(out, orig)
}
