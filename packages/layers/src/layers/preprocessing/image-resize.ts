/**
 * @file Image size layers (Keras 3): Resizing, CenterCrop, RandomCrop and MaxNumBoundingBoxes.
 */
import { InvalidArgumentError, Tensor, isInt, lax, type DType, type Dim } from '@kx/core'
import { S, add, all, cast, clip, concatenate, equal, expandDims, getItem, logicalOr, maximum, minimum, multiply, pad, random, round, split, stack, subtract, where, zeros } from '@kx/ops-numpy'
import { image } from '@kx/ops-nn'
import type { ShapeLike } from '../../engine/Layer.js'
import { BaseImagePreprocessingLayer, type ImageLayerArgs } from './image-base.js'
import { clipToImageSize, convertFormat, type BoundingBoxes } from './bounding-boxes.js'

const f32 = Math.fround
const boxCols = (b: Tensor): [Tensor, Tensor, Tensor, Tensor] => split(b, 4, { axis: -1 }) as [Tensor, Tensor, Tensor, Tensor]
const boxCat = (xs: Tensor[]): Tensor => concatenate(xs, { axis: -1 })
/** `xyxy` boxes scaled by `(sx, sy)` then shifted by `(ox, oy)`. */
function scaleShift(b: Tensor, sx: number, sy: number, ox: number, oy: number): Tensor {
  const [x1, y1, x2, y2] = boxCols(b)
  const fx = (v: Tensor): Tensor => add(multiply(v, sx), ox)
  const fy = (v: Tensor): Tensor => add(multiply(v, sy), oy)
  return boxCat([fx(x1), fy(y1), fx(x2), fy(y2)])
}
/** Keras's crop of `xyxy` boxes to the window `[ws, we] × [hs, he]`, shifted to its origin. */
function clipToWindow(b: Tensor, hs: number, he: number, ws: number, we: number): Tensor {
  const [x1, y1, x2, y2] = boxCols(b)
  const c = (v: Tensor, lo: number, hi: number): Tensor => subtract(clip(v, lo, hi), lo)
  return boxCat([c(x1, ws, we), c(y1, hs, he), c(x2, ws, we), c(y2, hs, he)])
}

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  uint8: [0, 255], int8: [-128, 127], int16: [-32768, 32767], uint16: [0, 65535], int32: [-2147483648, 2147483647],
}

/** Keras `_saturate_cast` after rounding, for integer outputs. */
function backToDtype(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x
  if (isInt(dtype)) {
    const r = INT_RANGE[dtype]
    const y = round(x)
    return cast(r ? clip(y, r[0], r[1]) : y, dtype)
  }
  return cast(x, dtype)
}

/** `x[…, hs:he, ws:we, …]` on the height/width axes (getItem keeps an unknown batch dim symbolic). */
function cropHW(x: Tensor, hA: number, hs: number, he: number, wA: number, ws: number, we: number): Tensor {
  return getItem(x, x.shape.map((_, i) => (i === hA ? S(hs, he) : i === wA ? S(ws, we) : S())))
}

/** Replaces the height/width of a rank-3 or rank-4 shape. */
function withHW(shape: readonly Dim[], h: number, w: number, df: 'channels_last' | 'channels_first'): Dim[] {
  const s = shape.slice()
  const r = s.length
  const hi = df === 'channels_last' ? r - 3 : r - 2
  s[hi] = h
  s[hi + 1] = w
  return s
}

/** Options of `Resizing`. */
export interface ResizingArgs extends ImageLayerArgs {
  readonly height: number
  readonly width: number
  readonly interpolation?: 'nearest' | 'bilinear' | 'bicubic' | 'lanczos3' | 'lanczos5' | 'area'
  readonly cropToAspectRatio?: boolean
  readonly padToAspectRatio?: boolean
  readonly fillMode?: 'constant'
  readonly fillValue?: number
  readonly antialias?: boolean
}

/**
 * Resizes images to `height × width` (Keras `Resizing`), optionally cropping or padding to the
 * target aspect ratio first. Integer images are rounded and saturated back to their dtype.
 *
 * @example
 * ```ts
 * new Resizing({ height: 224, width: 224 }).apply(images)
 * ```
 */
export class Resizing extends BaseImagePreprocessingLayer {
  static readonly className: string = 'Resizing'
  readonly height: number
  readonly width: number
  readonly interpolation: NonNullable<ResizingArgs['interpolation']>
  readonly cropToAspectRatio: boolean
  readonly padToAspectRatio: boolean
  readonly fillMode: 'constant'
  readonly fillValue: number
  readonly antialias: boolean
  constructor(args: ResizingArgs) {
    super(args)
    this.height = args.height
    this.width = args.width
    this.interpolation = args.interpolation ?? 'bilinear'
    this.cropToAspectRatio = args.cropToAspectRatio ?? false
    this.padToAspectRatio = args.padToAspectRatio ?? false
    this.fillMode = args.fillMode ?? 'constant'
    this.fillValue = args.fillValue ?? 0
    this.antialias = !!args.antialias
  }
  // NOTE: Keras's Resizing skips the base cast: integer images stay integer (rounded, saturated).
  private resize(images: Tensor, interpolation: ResizingArgs['interpolation']): Tensor {
    const out = image.resize(images, [this.height, this.width], {
      interpolation, antialias: this.antialias, dataFormat: this.dataFormat, cropToAspectRatio: this.cropToAspectRatio,
      padToAspectRatio: this.padToAspectRatio, fillMode: this.fillMode, fillValue: this.fillValue,
    })
    return backToDtype(out, images.dtype)
  }
  protected override outputDtype(images: Tensor): DType { return images.dtype }
  transformImages(images: Tensor): Tensor { return this.resize(images, this.interpolation) }
  override transformSegmentationMasks(masks: Tensor): Tensor { return this.resize(masks, 'nearest') }
  /** Boxes follow the resize (stretch, or the crop/pad to the aspect ratio) in training and inference. */
  override transformBoundingBoxes(b: BoundingBoxes, t: unknown, training: boolean, imageShape: readonly number[]): BoundingBoxes {
    void t; void training
    const [ih, iw] = this.hw(imageShape)
    const [H, W] = [this.height, this.width]
    // All-zero and all-(-1) boxes are padding: they stay [0, 0, 0, 0].
    const padding = logicalOr(all(equal(b.boxes, -1), { axis: -1 }), all(equal(b.boxes, 0), { axis: -1 }))
    const xy = convertFormat(b, this.boundingBoxFormat!, 'xyxy', { height: ih, width: iw })
    let boxes: Tensor
    // NOTE: scalar arithmetic in float32 (Math.fround), as Keras computes these on float32 tensors.
    if (this.padToAspectRatio) {
      const m = Math.min(f32(H / ih), f32(W / iw))
      boxes = scaleShift(xy.boxes, m, m, Math.floor(f32(W - f32(iw * m)) / 2), Math.floor(f32(H - f32(ih * m)) / 2))
    } else if (this.cropToAspectRatio) {
      const src = f32(iw / ih)
      const wide = src > f32(W / H)
      const nw = wide ? f32(H * src) : W
      const nh = wide ? H : f32(W / src)
      boxes = scaleShift(xy.boxes, f32(nw / iw), f32(nh / ih), -Math.floor(f32(nw - W) / 2), -Math.floor(f32(nh - H) / 2))
    } else {
      boxes = scaleShift(xy.boxes, f32(W / iw), f32(H / ih), 0, 0)
    }
    const clipped = clipToImageSize({ ...xy, boxes }, { height: H, width: W })
    clipped.boxes = where(expandDims(padding, -1), 0, clipped.boxes)
    return convertFormat(clipped, 'xyxy', this.boundingBoxFormat!, { height: H, width: W })
  }
  override computeOutputShape(inputShape: ShapeLike): Dim[] { return withHW(inputShape as Dim[], this.height, this.width, this.dataFormat) }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), height: this.height, width: this.width, interpolation: this.interpolation, crop_to_aspect_ratio: this.cropToAspectRatio,
      pad_to_aspect_ratio: this.padToAspectRatio, fill_mode: this.fillMode, fill_value: this.fillValue, antialias: this.antialias,
    }
  }
}

/** Keras `image_utils.smart_resize`'s crop box: the largest centered box with the target aspect ratio. */
function smartCropBox(h: number, w: number, th: number, tw: number): [number, number, number, number] {
  const ch = Math.max(Math.min(h, Math.trunc((w * th) / tw)), 1)
  const cw = Math.max(Math.min(w, Math.trunc((h * tw) / th)), 1)
  return [Math.trunc((h - ch) / 2), Math.trunc((w - cw) / 2), ch, cw]
}

/** Options of `CenterCrop` / `RandomCrop`. */
export interface CropArgs extends ImageLayerArgs { readonly height: number; readonly width: number }

/**
 * Crops the central `height × width` region (Keras `CenterCrop`); images smaller than the target
 * are center-cropped to its aspect ratio and resized (`smart_resize`).
 *
 * @example
 * ```ts
 * new CenterCrop({ height: 200, width: 200 }).apply(images)
 * ```
 */
export class CenterCrop extends BaseImagePreprocessingLayer {
  static readonly className: string = 'CenterCrop'
  readonly height: number
  readonly width: number
  constructor(args: CropArgs) {
    super(args)
    this.height = args.height
    this.width = args.width
  }
  transformImages(images: Tensor): Tensor {
    const x = cast(images, this.computeDtype)
    const r = x.shape.length
    const [hA, wA] = [r + this.heightAxis, r + this.widthAxis]
    const [h, w] = this.hw(x.shape as number[])
    const hd = h - this.height
    const wd = w - this.width
    if (hd >= 0 && wd >= 0) {
      const hs = Math.floor(hd / 2)
      const ws = Math.floor(wd / 2)
      return cropHW(x, hA, hs, hs + this.height, wA, ws, ws + this.width)
    }
    const [hs, ws, ch, cw] = smartCropBox(h, w, this.height, this.width)
    const cropped = cropHW(x, hA, hs, hs + ch, wA, ws, ws + cw)
    return image.resize(cropped, [this.height, this.width], { interpolation: 'bilinear', dataFormat: this.dataFormat })
  }
  override transformSegmentationMasks(masks: Tensor): Tensor { return this.transformImages(masks) }
  /** Boxes are cropped to the central window (and rescaled when the image was smaller), in training and inference. */
  override transformBoundingBoxes(b: BoundingBoxes, t: unknown, training: boolean, imageShape: readonly number[]): BoundingBoxes {
    void t; void training
    const [h, w] = this.hw(imageShape)
    const xy = convertFormat(b, this.boundingBoxFormat!, 'xyxy', { height: h, width: w })
    let boxes: Tensor
    if (h >= this.height && w >= this.width) {
      const hs = Math.trunc((h - this.height) / 2)
      const ws = Math.trunc((w - this.width) / 2)
      boxes = clipToWindow(xy.boxes, hs, hs + this.height, ws, ws + this.width)
    } else {
      const [hs, ws, ch, cw] = smartCropBox(h, w, this.height, this.width)
      const rel = convertFormat(clipToWindow(xy.boxes, hs, hs + ch, ws, ws + cw), 'xyxy', 'rel_xyxy', { height: ch, width: cw })
      boxes = convertFormat(rel, 'rel_xyxy', 'xyxy', { height: this.height, width: this.width })
    }
    const clipped = clipToImageSize({ ...xy, boxes }, { height: this.height, width: this.width })
    return convertFormat(clipped, 'xyxy', this.boundingBoxFormat!, { height: this.height, width: this.width })
  }
  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const s = inputShape as Dim[]
    if (s.length !== 3 && s.length !== 4) throw new InvalidArgumentError('`input_shape` must be a non-nested tuple or list of rank-1 with size 3 (unbatched) or 4 (batched). ')
    return withHW(s, this.height, this.width, this.dataFormat)
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), height: this.height, width: this.width } }
}

/**
 * Crops a random `height × width` region during training (Keras `RandomCrop`; one offset per
 * batch). Inputs not larger than the target are center-cropped to its aspect ratio and resized;
 * with `training: false` the images pass through unchanged, as in Keras 3.
 *
 * @example
 * ```ts
 * new RandomCrop({ height: 24, width: 24, seed: 0 }).apply(images, { training: true })
 * ```
 */
export class RandomCrop extends BaseImagePreprocessingLayer {
  static readonly className: string = 'RandomCrop'
  readonly height: number
  readonly width: number
  constructor(args: CropArgs) {
    super(args, true)
    this.height = args.height
    this.width = args.width
  }
  override getRandomTransformation(images: Tensor, training: boolean): unknown {
    const [h, w] = this.hw(images.shape as number[])
    if (training && h > this.height && w > this.width) {
      const hs = random.uniform([], { minval: 0, maxval: h - this.height + 1, seed: this.generator! })
      const ws = random.uniform([], { minval: 0, maxval: w - this.width + 1, seed: this.generator! })
      // The offsets stay on the device (int32, truncated as Keras's cast): the crop is a dynamic slice.
      return [cast(hs, 'int32'), cast(ws, 'int32')]
    }
    const [hs, ws] = smartCropBox(h, w, this.height, this.width)
    return [hs, ws]
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    if (!training) return images
    const x = cast(images, this.computeDtype)
    const [hs, ws] = t as [number | Tensor, number | Tensor]
    const r = x.shape.length
    const [hA, wA] = [r + this.heightAxis, r + this.widthAxis]
    if (hs instanceof Tensor) {
      const starts = stack(x.shape.map((_, i) => (i === hA ? hs : i === wA ? (ws as Tensor) : zeros([], { dtype: 'int32' }))))
      return lax.dynamicSlice(x, starts, x.shape.map((d, i) => (i === hA ? this.height : i === wA ? this.width : d as number)))
    }
    const [h, w] = this.hw(x.shape as number[])
    const [h0, w0] = [hs, ws as number]
    const out = cropHW(x, hA, h0, Math.min(h, h0 + this.height), wA, w0, Math.min(w, w0 + this.width))
    const [nh, nw] = this.hw(out.shape as number[])
    if (nh === this.height && nw === this.width) return out
    return cast(image.resize(out, [this.height, this.width], { dataFormat: this.dataFormat }), this.computeDtype)
  }
  override transformSegmentationMasks(masks: Tensor, t: unknown): Tensor { return this.transformImages(masks, t, true) }
  override transformBoundingBoxes(b: BoundingBoxes, t: unknown, training: boolean): BoundingBoxes {
    if (!training) return b
    const [hs, ws] = (t as (number | Tensor)[]).map((v) => (v instanceof Tensor ? cast(v, 'float32') : v)) as [number | Tensor, number | Tensor]
    const size = { height: this.height, width: this.width }
    const [x1, y1, x2, y2] = boxCols(convertFormat(b.boxes, this.boundingBoxFormat!, 'xyxy', size))
    // NOTE: Keras shifts x by the row offset and y by the column offset (kept for parity), clamping at 0 only.
    const m = (v: Tensor, o: number | Tensor): Tensor => maximum(subtract(v, o), 0)
    const boxes = boxCat([m(x1, hs), m(y1, ws), m(x2, hs), m(y2, ws)])
    return { boxes: convertFormat(boxes, 'xyxy', this.boundingBoxFormat!, size), ...(b.labels !== undefined ? { labels: b.labels } : {}) }
  }
  override computeOutputShape(inputShape: ShapeLike): Dim[] { return withHW(inputShape as Dim[], this.height, this.width, this.dataFormat) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), height: this.height, width: this.width, seed: this.seed } }
}

/** Options of `MaxNumBoundingBoxes`. */
export interface MaxNumBoundingBoxesArgs extends ImageLayerArgs { readonly maxNumber: number; readonly fillValue?: number }

/**
 * Pads or truncates bounding boxes to `maxNumber` per image (Keras `MaxNumBoundingBoxes`). Images
 * pass through unchanged.
 *
 * @example
 * ```ts
 * new MaxNumBoundingBoxes({ maxNumber: 10 }).apply(images)
 * ```
 */
export class MaxNumBoundingBoxes extends BaseImagePreprocessingLayer {
  static readonly className: string = 'MaxNumBoundingBoxes'
  readonly maxNumber: number
  readonly fillValue: number
  constructor(args: MaxNumBoundingBoxesArgs) {
    super(args)
    this.maxNumber = Math.trunc(args.maxNumber)
    this.fillValue = Math.trunc(args.fillValue ?? -1)
  }
  transformImages(images: Tensor): Tensor { return images }
  /** Truncates or pads (with `fillValue`) boxes and labels to `maxNumber` per image. */
  override transformBoundingBoxes(b: BoundingBoxes): BoundingBoxes {
    const n = b.boxes.shape[1] as number
    const keep = Math.min(n, this.maxNumber)
    const extra = this.maxNumber - keep
    const cut = (x: Tensor): Tensor => getItem(x, [S(), S(0, keep)])
    const grow = (x: Tensor): Tensor => pad(cut(x), x.shape.map((_, i) => (i === 1 ? [0, extra] : [0, 0])) as [number, number][], { constantValues: this.fillValue })
    return { ...b, boxes: grow(b.boxes), ...(b.labels !== undefined ? { labels: grow(b.labels) } : {}) }
  }
  protected override outputDtype(images: Tensor): DType { return images.dtype }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), max_number: this.maxNumber } }
}
