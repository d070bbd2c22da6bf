/**
 * @file Bounding box utilities (Keras 3 `keras.utils.bounding_boxes`): format conversion between
 * the nine box formats, clipping to the image, affine transforms, crop and pad. Boxes are
 * `(…, 4)` tensors; a `{boxes, labels}` dict is what the image preprocessing layers carry.
 */
import { InvalidArgumentError, NotImplementedError, Tensor, fmt, type DType } from '@kx/core'
import {
  add, amax, amin, cast, clip, concatenate, convertToTensor, cos, divide, greater, maximum, minimum, multiply, reshape, sin, split, subtract, tan,
  where, type TensorLike,
} from '@kx/ops-numpy'

/**
 * The box formats Keras supports (case-insensitive): absolute pixels, or `rel_` fractions of the image size.
 *
 * @example
 * ```ts
 * boundingBoxes.BOUNDING_BOX_FORMATS.includes('center_xywh') // true
 * ```
 */
export const BOUNDING_BOX_FORMATS = [
  'xyxy', 'yxyx', 'xywh', 'center_xywh', 'center_yxhw', 'rel_xyxy', 'rel_yxyx', 'rel_xywh', 'rel_center_xywh',
] as const
/** One of `BOUNDING_BOX_FORMATS`. */
export type BoundingBoxFormat = typeof BOUNDING_BOX_FORMATS[number]

/** Keras's bounding-box dict: `boxes` `(B, N, 4)` or `(N, 4)`, `labels` `(B, N)` or `(N,)` (-1 marks an invalid box). */
export interface BoundingBoxes { boxes: Tensor; labels?: Tensor; [key: string]: unknown }

/** A height or width: a number or a tensor broadcastable against one box coordinate `(…, 1)`. */
export type Extent = number | Tensor

/** Options of `convertFormat`. */
export interface ConvertFormatOptions { readonly height?: Extent | null; readonly width?: Extent | null; readonly dtype?: DType }

const cols = (boxes: Tensor): Tensor[] => split(boxes, 4, { axis: -1 })
const cat = (xs: Tensor[]): Tensor => concatenate(xs, { axis: -1 })

// Every format goes through absolute xyxy (Keras's `to_xyxy` / `from_xyxy` tables).
function toXyxy(fmtName: string, b: Tensor, h: Tensor | null, w: Tensor | null): Tensor {
  const [a, c, d, e] = cols(b) as [Tensor, Tensor, Tensor, Tensor]
  switch (fmtName) {
    case 'xyxy': return b
    case 'yxyx': return cat([c, a, e, d])
    case 'xywh': return cat([a, c, add(a, d), add(c, e)])
    case 'center_xywh': return cat([subtract(a, divide(d, 2)), subtract(c, divide(e, 2)), add(a, divide(d, 2)), add(c, divide(e, 2))])
    case 'center_yxhw': return cat([subtract(c, divide(e, 2)), subtract(a, divide(d, 2)), add(c, divide(e, 2)), add(a, divide(d, 2))])
    case 'rel_xyxy': return cat([multiply(a, w!), multiply(c, h!), multiply(d, w!), multiply(e, h!)])
    case 'rel_yxyx': return cat([multiply(c, w!), multiply(a, h!), multiply(e, w!), multiply(d, h!)])
    case 'rel_xywh': return cat([multiply(a, w!), multiply(c, h!), multiply(add(a, d), w!), multiply(add(c, e), h!)])
    default: {
      const [hw, hh] = [divide(d, 2), divide(e, 2)]
      return cat([multiply(subtract(a, hw), w!), multiply(subtract(c, hh), h!), multiply(add(a, hw), w!), multiply(add(c, hh), h!)])
    }
  }
}

function fromXyxy(fmtName: string, b: Tensor, h: Tensor | null, w: Tensor | null): Tensor {
  const [x1, y1, x2, y2] = cols(b) as [Tensor, Tensor, Tensor, Tensor]
  const bw = subtract(x2, x1)
  const bh = subtract(y2, y1)
  const cx = add(x1, divide(bw, 2))
  const cy = add(y1, divide(bh, 2))
  switch (fmtName) {
    case 'xyxy': return b
    case 'yxyx': return cat([y1, x1, y2, x2])
    case 'xywh': return cat([x1, y1, bw, bh])
    case 'center_xywh': return cat([cx, cy, bw, bh])
    case 'center_yxhw': return cat([cy, cx, bh, bw])
    case 'rel_xyxy': return cat([divide(x1, w!), divide(y1, h!), divide(x2, w!), divide(y2, h!)])
    case 'rel_yxyx': return cat([divide(y1, h!), divide(x1, w!), divide(y2, h!), divide(x2, w!)])
    case 'rel_xywh': return cat([divide(x1, w!), divide(y1, h!), divide(bw, w!), divide(bh, h!)])
    default: return cat([divide(cx, w!), divide(cy, h!), divide(bw, w!), divide(bh, h!)])
  }
}

/**
 * Converts boxes between formats (Keras `keras.utils.bounding_boxes.convert_format`). Relative
 * formats need the image `height` and `width`. A `{boxes, labels}` dict converts its `boxes`.
 *
 * @example
 * ```ts
 * boundingBoxes.convertFormat(ops.array([[10, 20, 30, 40]]), 'xyxy', 'xywh') // [[10, 20, 20, 20]]
 * ```
 */
export function convertFormat(boxes: TensorLike, source: string, target: string, options?: ConvertFormatOptions): Tensor
export function convertFormat(boxes: BoundingBoxes, source: string, target: string, options?: ConvertFormatOptions): BoundingBoxes
export function convertFormat(boxes: TensorLike | BoundingBoxes, source: string, target: string, options: ConvertFormatOptions = {}): Tensor | BoundingBoxes {
  if (isBoxDict(boxes)) return { ...boxes, boxes: convertFormat(boxes.boxes, source, target, options) }
  const dtype = options.dtype ?? 'float32'
  const t = convertToTensor(boxes as TensorLike)
  if (t.shape[t.shape.length - 1] !== 4) throw new InvalidArgumentError(`convertFormat: \`boxes\` must be a tensor with the last dimension of 4. Received: boxes.shape=${fmt(t.shape)}`)
  let src = source.toLowerCase()
  let tgt = target.toLowerCase()
  const known = BOUNDING_BOX_FORMATS as readonly string[]
  if (!known.includes(src) || !known.includes(tgt)) {
    throw new InvalidArgumentError(`convertFormat: invalid source or target format. Supported formats: ${fmt(BOUNDING_BOX_FORMATS)}. Received: source=${fmt(source)}, target=${fmt(target)}`)
  }
  const { height = null, width = null } = options
  if ((src.startsWith('rel_') || tgt.startsWith('rel_')) && (height === null || width === null)) {
    throw new InvalidArgumentError(`convertFormat must receive \`height\` and \`width\` when transforming between relative and absolute formats. Received: source=${fmt(source)}, target=${fmt(target)}, height=${fmt(height)}, width=${fmt(width)}`)
  }
  const b = cast(t, dtype)
  if (src === tgt) return b
  const h = height === null ? null : cast(convertToTensor(height as TensorLike), dtype)
  const w = width === null ? null : cast(convertToTensor(width as TensorLike), dtype)
  // rel → rel never needs the image size: both sides drop the prefix (as Keras does).
  if (src.startsWith('rel_') && tgt.startsWith('rel_')) [src, tgt] = [src.slice(4), tgt.slice(4)]
  return fromXyxy(tgt, toXyxy(src, b, h, w), h, w)
}

function isBoxDict(x: unknown): x is BoundingBoxes {
  return x !== null && typeof x === 'object' && !(x instanceof Tensor) && !Array.isArray(x) && !ArrayBuffer.isView(x) && 'boxes' in x
}

/** Options of `clipToImageSize`. */
export interface ClipOptions { readonly height?: Extent | null; readonly width?: Extent | null; readonly boundingBoxFormat?: 'xyxy' | 'rel_xyxy' }

/**
 * Clips boxes to the image (Keras `clip_to_image_size`): `xyxy` to `[0, width] × [0, height]`,
 * `rel_xyxy` to `[0, 1]`; labels of boxes left with no area become -1.
 *
 * @example
 * ```ts
 * boundingBoxes.clipToImageSize({ boxes, labels }, { height: 100, width: 120 })
 * ```
 */
export function clipToImageSize(boundingBoxes: BoundingBoxes, options: ClipOptions = {}): BoundingBoxes {
  const format = options.boundingBoxFormat ?? 'xyxy'
  if (format !== 'xyxy' && format !== 'rel_xyxy') throw new NotImplementedError(`clipToImageSize supports only the "xyxy" and "rel_xyxy" formats. Received: boundingBoxFormat=${fmt(format)}`)
  const { height = null, width = null } = options
  if (format === 'xyxy' && (height === null || width === null)) throw new InvalidArgumentError(`clipToImageSize: \`height\` and \`width\` must be set for the "xyxy" format. Received: height=${fmt(height)}, width=${fmt(width)}`)
  const b = boundingBoxes.boxes
  const [x1, y1, x2, y2] = cols(b) as [Tensor, Tensor, Tensor, Tensor]
  const [hi, wi] = format === 'xyxy' ? [asDtype(height!, b.dtype), asDtype(width!, b.dtype)] : [1, 1]
  const c = (v: Tensor, m: number | Tensor): Tensor => minimum(maximum(v, 0), m)
  const boxes = cat([c(x1, wi), c(y1, hi), c(x2, wi), c(y2, hi)])
  const out: BoundingBoxes = { ...boundingBoxes, boxes }
  if (boundingBoxes.labels !== undefined) out.labels = where(greater(reshape(area(boxes), boundingBoxes.labels.shape as number[]), 0), boundingBoxes.labels, -1)
  return out
}

const asDtype = (v: Extent, dtype: DType): number | Tensor => (typeof v === 'number' ? v : cast(v, dtype))

/** `(x2 - x1) · (y2 - y1)` of `xyxy` boxes, shape `(…, 1)`. */
function area(boxes: Tensor): Tensor {
  const [x1, y1, x2, y2] = cols(boxes) as [Tensor, Tensor, Tensor, Tensor]
  return multiply(subtract(x2, x1), subtract(y2, y1))
}

/** Options of `affineTransform`. */
export interface AffineBoxOptions { readonly centerX?: number; readonly centerY?: number; readonly boundingBoxFormat?: string }

/**
 * Applies per-image affine transforms to `xyxy` boxes `(B, N, 4)` (Keras
 * `keras.utils.bounding_boxes.affine_transform`): the four corners go through the inverse of the
 * image warp and the result is their enclosing box. Angles and shears are in degrees,
 * translations fractions of the image size; every parameter is a `(B,)` tensor.
 *
 * @example
 * ```ts
 * boundingBoxes.affineTransform(boxes, angle, zeros([b]), zeros([b]), ones([b]), zeros([b]), zeros([b]), 32, 32)
 * ```
 */
export function affineTransform(
  boxes: Tensor, angle: Tensor, translateX: Tensor, translateY: Tensor, scale: Tensor, shearX: Tensor, shearY: Tensor,
  height: number, width: number, options: AffineBoxOptions = {},
): Tensor {
  if ((options.boundingBoxFormat ?? 'xyxy') !== 'xyxy') throw new NotImplementedError(`affineTransform supports only the "xyxy" format. Received: boundingBoxFormat=${fmt(options.boundingBoxFormat)}`)
  if (boxes.shape.length !== 3) throw new InvalidArgumentError(`affineTransform expects boxes of shape (batch, N, 4). Received: boxes.shape=${fmt(boxes.shape)}`)
  const [a0, a1, a2, b0, b1, b2] = inverseAffine(angle, translateX, translateY, scale, shearX, shearY, height, width, options.centerX ?? 0.5, options.centerY ?? 0.5)
  const b = cast(boxes, angle.dtype)
  const [x1, y1, x2, y2] = cols(b) as [Tensor, Tensor, Tensor, Tensor]
  const n = angle.shape[0] as number
  const p = (t: Tensor): Tensor => reshape(t, [n, 1, 1])
  const px = concatenate([x1, x2, x2, x1], { axis: -1 })
  const py = concatenate([y1, y1, y2, y2], { axis: -1 })
  const tx = add(add(multiply(px, p(a0)), multiply(py, p(a1))), p(a2))
  const ty = add(add(multiply(px, p(b0)), multiply(py, p(b1))), p(b2))
  const k = { axis: -1, keepdims: true }
  return cat([amin(tx, k), amin(ty, k), amax(tx, k), amax(ty, k)])
}

/** Keras `_compute_inverse_affine_matrix` (after TF's `_get_inverse_affine_matrix`): the 6 coefficients, each `(B,)`. */
function inverseAffine(angle: Tensor, translateX: Tensor, translateY: Tensor, scale: Tensor, shearX: Tensor, shearY: Tensor, height: number, width: number, centerX: number, centerY: number): Tensor[] {
  const toRad = Math.PI / 180
  const cx = centerX * (width - 1)
  const cy = centerY * (height - 1)
  const rot = multiply(angle, -toRad)
  const tx = multiply(translateX, -(width - 1))
  const ty = multiply(translateY, -(height - 1))
  const sx = multiply(shearX, -toRad)
  const sy = multiply(shearY, -toRad)
  const cosSy = cos(sy)
  const tanSx = tan(sx)
  const rotMinusSy = subtract(rot, sy)
  const cxPlusTx = add(tx, cx)
  const cyPlusTy = add(ty, cy)
  const a = divide(cos(rotMinusSy), cosSy)
  const b = add(multiply(a, tanSx), sin(rot))
  const c = divide(multiply(sin(rotMinusSy), -1), cosSy)
  const d = subtract(cos(rot), multiply(c, tanSx))
  const a0 = multiply(d, scale)
  const a1 = multiply(multiply(b, -1), scale)
  const b0 = multiply(multiply(c, -1), scale)
  const b1 = multiply(a, scale)
  const a2 = subtract(subtract(cx, multiply(a0, cxPlusTx)), multiply(a1, cyPlusTy))
  const b2 = subtract(subtract(cy, multiply(b0, cxPlusTx)), multiply(b1, cyPlusTy))
  return [a0, a1, a2, b0, b1, b2]
}

/**
 * Shifts `xyxy` boxes into a crop window starting at `(top, left)` and clips them to its
 * `height × width` (Keras `keras.utils.bounding_boxes.crop`).
 *
 * @example
 * ```ts
 * boundingBoxes.crop(ops.array([[10, 20, 50, 60]]), 10, 20, 40, 30) // [[0, 10, 30, 40]]
 * ```
 */
export function crop(boxes: Tensor, top: number, left: number, height: number, width: number, options: { boundingBoxFormat?: string } = {}): Tensor {
  if ((options.boundingBoxFormat ?? 'xyxy') !== 'xyxy') throw new NotImplementedError(`crop supports only the "xyxy" format. Received: boundingBoxFormat=${fmt(options.boundingBoxFormat)}`)
  const [x1, y1, x2, y2] = cols(boxes) as [Tensor, Tensor, Tensor, Tensor]
  return cat([clip(subtract(x1, left), 0, width), clip(subtract(y1, top), 0, height), clip(subtract(x2, left), 0, width), clip(subtract(y2, top), 0, height)])
}

/**
 * Shifts `xyxy` boxes by a `top`/`left` padding (Keras `keras.utils.bounding_boxes.pad`).
 *
 * @example
 * ```ts
 * boundingBoxes.pad(ops.array([[10, 20, 50, 60]]), 5, 5) // [[15, 25, 55, 65]]
 * ```
 */
export function pad(boxes: Tensor, top: number, left: number, options: { boundingBoxFormat?: string } = {}): Tensor {
  if ((options.boundingBoxFormat ?? 'xyxy') !== 'xyxy') throw new NotImplementedError(`pad supports only the "xyxy" format. Received: boundingBoxFormat=${fmt(options.boundingBoxFormat)}`)
  const [x1, y1, x2, y2] = cols(boxes) as [Tensor, Tensor, Tensor, Tensor]
  return cat([add(x1, left), add(y1, top), add(x2, left), add(y2, top)])
}

export { computeIou, computeCiou, encodeBoxToDeltas, decodeDeltasToBoxes } from './bounding-box-metrics.js'
export type { ImageShape, ComputeIouOptions, ComputeCiouOptions, DeltaFormat, EncodeBoxToDeltasOptions, DecodeDeltasToBoxesOptions } from './bounding-box-metrics.js'
