/**
 * @file Image size layers (Keras 3): Resizing, CenterCrop, RandomCrop and MaxNumBoundingBoxes.
 */
import { InvalidArgumentError, Tensor, isInt, type DType, type Dim } from '@kx/core'
import { cast, clip, random, round } from '@kx/ops-numpy'
import { image } from '@kx/ops-nn'
import type { ShapeLike } from '../../engine/Layer.js'
import { sliceAxis } from './common.js'
import { BaseImagePreprocessingLayer, type ImageLayerArgs } from './image-base.js'

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
      return sliceAxis(sliceAxis(x, hA, hs, hs + this.height), wA, ws, ws + this.width)
    }
    const [hs, ws, ch, cw] = smartCropBox(h, w, this.height, this.width)
    const cropped = sliceAxis(sliceAxis(x, hA, hs, hs + ch), wA, ws, ws + cw)
    return image.resize(cropped, [this.height, this.width], { interpolation: 'bilinear', dataFormat: this.dataFormat })
  }
  override transformSegmentationMasks(masks: Tensor): Tensor { return this.transformImages(masks) }
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
      return [Math.trunc(Number(hs.dataSync()[0])), Math.trunc(Number(ws.dataSync()[0]))]
    }
    const [hs, ws] = smartCropBox(h, w, this.height, this.width)
    return [hs, ws]
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    if (!training) return images
    const x = cast(images, this.computeDtype)
    const [hs, ws] = t as [number, number]
    const r = x.shape.length
    const [hA, wA] = [r + this.heightAxis, r + this.widthAxis]
    const [h, w] = this.hw(x.shape as number[])
    const out = sliceAxis(sliceAxis(x, hA, hs, Math.min(h, hs + this.height)), wA, ws, Math.min(w, ws + this.width))
    const [nh, nw] = this.hw(out.shape as number[])
    if (nh === this.height && nw === this.width) return out
    return cast(image.resize(out, [this.height, this.width], { dataFormat: this.dataFormat }), this.computeDtype)
  }
  override transformSegmentationMasks(masks: Tensor, t: unknown): Tensor { return this.transformImages(masks, t, true) }
  override computeOutputShape(inputShape: ShapeLike): Dim[] { return withHW(inputShape as Dim[], this.height, this.width, this.dataFormat) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), height: this.height, width: this.width, seed: this.seed } }
}

/** Options of `MaxNumBoundingBoxes`. */
export interface MaxNumBoundingBoxesArgs extends ImageLayerArgs { readonly maxNumber: number; readonly fillValue?: number }

/**
 * Pads or truncates bounding boxes to `maxNumber` per image (Keras `MaxNumBoundingBoxes`). Images
 * pass through unchanged. NOTE: kx does not transform bounding boxes yet; dict inputs with
 * `bounding_boxes` raise NotImplementedError.
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
  protected override outputDtype(images: Tensor): DType { return images.dtype }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), max_number: this.maxNumber } }
}
