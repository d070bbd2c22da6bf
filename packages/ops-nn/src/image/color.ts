/** @file Color-space image ops: rgbToGrayscale, rgbToHsv, hsvToRgb (`keras.ops.image`). */
import { DTypeError, ShapeError, fmt, isFloat, isInt, lax, resultType, floatx, type Tensor } from '@kx/core'
import { standardizeDataFormat, type DataFormat } from '../conv.js'
import {
  abs, add, cast, clip, concatenate, convertToTensor, divide, equal, greater, less, maximum, minimum, multiply, subtract, where,
  type TensorLike,
} from '@kx/ops-numpy'
import { sliceAxis } from '../util.js'
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
  const x = convertToTensor(images)
  checkImages(x, 'rgb_to_grayscale')
  const df = standardizeDataFormat(options.dataFormat, 'rgb_to_grayscale')
  const axis = channelsAxis(x, df)
  checkChannels(x, axis, [1, 3], 'rgb_to_grayscale')
  if (x.shape[axis] === 1) return x
  const compute = isInt(x.dtype) || x.dtype === 'bool' ? floatx() : resultType(x.dtype, 'weak_float')
  const xf = cast(x, compute)
  const [r, g, b] = planes(xf, axis)
  const gray = add(add(multiply(r, 0.2989), multiply(g, 0.587)), multiply(b, 0.114))
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
  const x0 = convertToTensor(images)
  checkImages(x0, 'rgb_to_hsv')
  checkFloat(x0, 'rgb_to_hsv')
  const df = standardizeDataFormat(options.dataFormat, 'rgb_to_hsv')
  const axis = channelsAxis(x0, df)
  checkChannels(x0, axis, [3], 'rgb_to_hsv')
  const eps = x0.dtype === 'float64' ? 2.220446049250313e-16 : x0.dtype === 'float16' ? 0.0009765625 : x0.dtype === 'bfloat16' ? 0.0078125 : 1.1920928955078125e-7
  const x = where(less(abs(x0), eps), 0, x0)
  const [r, g, b] = planes(x, axis)
  const value = maximum(maximum(r, g), b)
  const range = subtract(value, minimum(minimum(r, g), b))
  const safeValue = where(greater(value, 0), value, 1)
  const safeRange = where(greater(range, 0), range, 1)
  const saturation = where(greater(value, 0), divide(range, safeValue), 0)
  const norm = divide(1, multiply(safeRange, 6))
  let hue = where(equal(value, g), add(multiply(norm, subtract(b, r)), 2 / 6), add(multiply(norm, subtract(r, g)), 4 / 6))
  hue = where(equal(value, r), multiply(norm, subtract(g, b)), hue)
  hue = add(where(greater(range, 0), hue, 0), cast(less(hue, 0), hue.dtype))
  return concatenate([hue, saturation, value], { axis })
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
  const x = convertToTensor(images)
  checkImages(x, 'hsv_to_rgb')
  checkFloat(x, 'hsv_to_rgb')
  const df = standardizeDataFormat(options.dataFormat, 'hsv_to_rgb')
  const axis = channelsAxis(x, df)
  checkChannels(x, axis, [3], 'hsv_to_rgb')
  const [h, s, v] = planes(x, axis)
  // jnp.mod(h, 1): floor modulo
  const dh = multiply(subtract(h, lax.unary('floor', h)), 6)
  const dr = clip(subtract(abs(subtract(dh, 3)), 1), 0, 1)
  const dg = clip(subtract(2, abs(subtract(dh, 2))), 0, 1)
  const db = clip(subtract(2, abs(subtract(dh, 4))), 0, 1)
  const oneMinusS = subtract(1, s)
  const ch = (d: Tensor): Tensor => multiply(v, add(oneMinusS, multiply(s, d)))
  return concatenate([ch(dr), ch(dg), ch(db)], { axis })
}
