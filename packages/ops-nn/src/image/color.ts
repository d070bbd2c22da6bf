/** @file Color-space image ops: rgbToGrayscale, rgbToHsv, hsvToRgb (`keras.ops.image`). */
import { DTypeError, ShapeError, fmt, isFloat, isInt, lax, resultType, type Tensor } from '@kx/core'
import { standardizeDataFormat, type DataFormat } from '../conv.js'
import {
  type TensorLike, abs, add, cast, clip, concat, div, eq, gt, lt, maximum, minimum, mul, sliceAxis, sub, toTensor, where, floatx,
} from '../util.js'
import { checkImages } from './common.js'

function channelsAxis(x: Tensor, df: DataFormat): number { return df === 'channels_last' ? x.ndim - 1 : x.ndim - 3 }

function planes(x: Tensor, axis: number): [Tensor, Tensor, Tensor] {
  return [sliceAxis(x, axis, 0, 1), sliceAxis(x, axis, 1, 2), sliceAxis(x, axis, 2, 3)]
}

function checkFloat(x: Tensor, op: string): void {
  if (!isFloat(x.dtype)) throw new DTypeError(`\`${op}\`: invalid images dtype: expected float dtype. Received: images.dtype=${x.dtype}`)
}

function checkChannels(x: Tensor, axis: number, allowed: readonly number[], op: string): void {
  const c = x.shape[axis]!
  if (c !== null && !allowed.includes(c)) {
    throw new ShapeError(`\`${op}\`: invalid channel size: expected ${allowed.join(' or ')}. Received input with shape: images.shape=${fmt(x.shape)}`)
  }
}

/**
 * Converts RGB images to grayscale with the ITU-R 601 weights `[0.2989, 0.587, 0.114]`; one-channel
 * images pass through. Integer images are computed in float and cast back (truncating, as Keras).
 *
 * @example
 * ```ts
 * image.rgbToGrayscale(images) // [N, H, W, 3] → [N, H, W, 1]
 * ```
 */
export function rgbToGrayscale(images: TensorLike, options: { dataFormat?: DataFormat } = {}): Tensor {
  const x = toTensor(images)
  checkImages(x, 'rgb_to_grayscale')
  const df = standardizeDataFormat(options.dataFormat, 'rgb_to_grayscale')
  const axis = channelsAxis(x, df)
  checkChannels(x, axis, [1, 3], 'rgb_to_grayscale')
  if (x.shape[axis] === 1) return x
  const compute = isInt(x.dtype) || x.dtype === 'bool' ? floatx() : resultType(x.dtype, 'weak_float')
  const xf = cast(x, compute)
  const [r, g, b] = planes(xf, axis)
  const gray = add(add(mul(r, 0.2989), mul(g, 0.587)), mul(b, 0.114))
  return cast(gray, x.dtype)
}

/**
 * Converts RGB images (floats in [0, 1]) to HSV, hue in [0, 1).
 *
 * @example
 * ```ts
 * image.rgbToHsv(images)
 * ```
 */
export function rgbToHsv(images: TensorLike, options: { dataFormat?: DataFormat } = {}): Tensor {
  const x0 = toTensor(images)
  checkImages(x0, 'rgb_to_hsv')
  checkFloat(x0, 'rgb_to_hsv')
  const df = standardizeDataFormat(options.dataFormat, 'rgb_to_hsv')
  const axis = channelsAxis(x0, df)
  checkChannels(x0, axis, [3], 'rgb_to_hsv')
  const eps = x0.dtype === 'float64' ? 2.220446049250313e-16 : x0.dtype === 'float16' ? 0.0009765625 : x0.dtype === 'bfloat16' ? 0.0078125 : 1.1920928955078125e-7
  const x = where(lt(abs(x0), eps), 0, x0)
  const [r, g, b] = planes(x, axis)
  const value = maximum(maximum(r, g), b)
  const range = sub(value, minimum(minimum(r, g), b))
  const safeValue = where(gt(value, 0), value, 1)
  const safeRange = where(gt(range, 0), range, 1)
  const saturation = where(gt(value, 0), div(range, safeValue), 0)
  const norm = div(1, mul(safeRange, 6))
  let hue = where(eq(value, g), add(mul(norm, sub(b, r)), 2 / 6), add(mul(norm, sub(r, g)), 4 / 6))
  hue = where(eq(value, r), mul(norm, sub(g, b)), hue)
  hue = add(where(gt(range, 0), hue, 0), cast(lt(hue, 0), hue.dtype))
  return concat([hue, saturation, value], axis)
}

/**
 * Converts HSV images (floats, hue in [0, 1)) to RGB.
 *
 * @example
 * ```ts
 * image.hsvToRgb(hsv)
 * ```
 */
export function hsvToRgb(images: TensorLike, options: { dataFormat?: DataFormat } = {}): Tensor {
  const x = toTensor(images)
  checkImages(x, 'hsv_to_rgb')
  checkFloat(x, 'hsv_to_rgb')
  const df = standardizeDataFormat(options.dataFormat, 'hsv_to_rgb')
  const axis = channelsAxis(x, df)
  checkChannels(x, axis, [3], 'hsv_to_rgb')
  const [h, s, v] = planes(x, axis)
  // jnp.mod(h, 1): floor modulo
  const dh = mul(sub(h, lax.unary('floor', h)), 6)
  const dr = clip(sub(abs(sub(dh, 3)), 1), 0, 1)
  const dg = clip(sub(2, abs(sub(dh, 2))), 0, 1)
  const db = clip(sub(2, abs(sub(dh, 4))), 0, 1)
  const oneMinusS = sub(1, s)
  const ch = (d: Tensor): Tensor => mul(v, add(oneMinusS, mul(s, d)))
  return concat([ch(dr), ch(dg), ch(db)], axis)
}
