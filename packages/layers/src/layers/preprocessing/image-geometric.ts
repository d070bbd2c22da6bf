/**
 * @file Geometric image augmentation layers (Keras 3): RandomFlip, RandomRotation, RandomZoom,
 * RandomTranslation, RandomShear, RandomPerspective and RandomElasticTransform. Draws come from
 * each layer's SeedGenerator in Keras's order, so a seeded layer matches Keras on JAX.
 */
import { InvalidArgumentError, NotImplementedError, SeedGenerator, Tensor, fmt } from '@kx/core'
import {
  add, amax, amin, arange, bitwiseOr, broadcastTo, cast, clip, concatenate, divide, expandDims, flip, greater, less, lessEqual, matmul, maximum, minimum, multiply, ones, onesLike,
  inv as linalgInv, solve as linalgSolve,
  random, repeat, reshape, split, squeeze, stack, subtract, take, transpose, where, zeros, zerosLike, array as asTensor,
} from '@kx/ops-numpy'
import { image } from '@kx/ops-nn'
import { BaseImagePreprocessingLayer, factorArg, symmetricFactor, type ImageLayerArgs } from './image-base.js'
import { gaussianBlurBy } from './image-tone.js'
import { affineTransform, clipToImageSize, convertFormat, type BoundingBoxes } from './bounding-boxes.js'

const FILL_MODES = ['reflect', 'wrap', 'constant', 'nearest'] as const
const INTERPOLATIONS = ['nearest', 'bilinear'] as const
type FillMode = typeof FILL_MODES[number]
type Interpolation = typeof INTERPOLATIONS[number]

function fillModeArg(v: unknown, allowed: readonly string[] = FILL_MODES): FillMode {
  const m = v ?? 'reflect'
  if (!allowed.includes(m as string)) throw new NotImplementedError(`Unknown \`fill_mode\` ${fmt(m)}. Expected of one ${fmt(allowed)}.`)
  return m as FillMode
}
function interpolationArg(v: unknown): Interpolation {
  const m = v ?? 'bilinear'
  if (!(INTERPOLATIONS as readonly string[]).includes(m as string)) throw new NotImplementedError(`Unknown \`interpolation\` ${fmt(m)}. Expected of one ${fmt(INTERPOLATIONS)}.`)
  return m as Interpolation
}

/** Options of `RandomFlip`. */
export interface RandomFlipArgs extends ImageLayerArgs { readonly mode?: 'horizontal' | 'vertical' | 'horizontal_and_vertical' }

/**
 * Randomly flips images horizontally and/or vertically during training (Keras `RandomFlip`); one
 * coin per image (`uniform ≤ 0.5` flips).
 *
 * @example
 * ```ts
 * new RandomFlip({ mode: 'horizontal', seed: 42 }).apply(images, { training: true })
 * ```
 */
export class RandomFlip extends BaseImagePreprocessingLayer {
  static readonly className: string = 'RandomFlip'
  readonly mode: 'horizontal' | 'vertical' | 'horizontal_and_vertical'
  constructor(args: RandomFlipArgs = {}) {
    super(args, true)
    this.mode = args.mode ?? 'horizontal_and_vertical'
    if (!['horizontal', 'vertical', 'horizontal_and_vertical'].includes(this.mode)) {
      throw new InvalidArgumentError(`RandomFlip layer ${this.name} received an unknown mode argument ${fmt(this.mode)}`)
    }
  }
  override getRandomTransformation(images: Tensor, training: boolean): unknown {
    if (!training) return null
    const s = images.shape as number[]
    const shape = s.length === 3 ? [1, 1, 1] : [s[0]!, 1, 1, 1]
    return lessEqual(random.uniform(shape, { seed: this.generator! }), 0.5)
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    let x = cast(images, this.computeDtype)
    if (!training || t === null) return x
    const flips = t as Tensor
    const [h, v] = this.dataFormat === 'channels_last' ? [-2, -3] : [-1, -2]
    if (this.mode !== 'vertical') x = where(flips, flip(x, { axis: h }), x)
    if (this.mode !== 'horizontal') x = where(flips, flip(x, { axis: v }), x)
    return x
  }
  override transformSegmentationMasks(masks: Tensor, t: unknown, training: boolean): Tensor { return this.transformImages(masks, t, training) }
  override transformBoundingBoxes(b: BoundingBoxes, t: unknown, training: boolean, imageShape: readonly number[]): BoundingBoxes {
    if (!training || t === null) return b
    const [height, width] = this.hw(imageShape)
    const flips = reshape(t as Tensor, [imageShape[0]!, 1, 1])
    const rel = convertFormat(b, this.boundingBoxFormat!, 'rel_xyxy', { height, width })
    let boxes = rel.boxes
    if (this.mode !== 'vertical') {
      const [x1, y1, x2, y2] = split(boxes, 4, { axis: -1 }) as [Tensor, Tensor, Tensor, Tensor]
      boxes = where(flips, concatenate([subtract(1, x2), y1, subtract(1, x1), y2], { axis: -1 }), boxes)
    }
    if (this.mode !== 'horizontal') {
      const [x1, y1, x2, y2] = split(boxes, 4, { axis: -1 }) as [Tensor, Tensor, Tensor, Tensor]
      boxes = where(flips, concatenate([x1, subtract(1, y2), x2, subtract(1, y1)], { axis: -1 }), boxes)
    }
    // NOTE: as in Keras, relative boxes are clipped with the absolute "xyxy" rule (so only at 0).
    const clipped = clipToImageSize({ ...rel, boxes }, { height, width, boundingBoxFormat: 'xyxy' })
    return convertFormat(clipped, 'rel_xyxy', this.boundingBoxFormat!, { height, width })
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), seed: this.seed, mode: this.mode } }
}

/** Options of the affine augmentation layers. */
export interface AffineArgs extends ImageLayerArgs {
  readonly fillMode?: FillMode
  readonly interpolation?: Interpolation
  readonly fillValue?: number
}

/** Shared affine-transform application (Keras's `affine_transform` with the layer's fill settings). */
abstract class AffineLayer extends BaseImagePreprocessingLayer {
  readonly fillMode: FillMode
  readonly interpolation: Interpolation
  readonly fillValue: number
  constructor(args: AffineArgs, fillModes: readonly string[] = FILL_MODES) {
    super(args, true)
    this.fillMode = fillModeArg(args.fillMode, fillModes)
    this.interpolation = interpolationArg(args.interpolation)
    this.fillValue = args.fillValue ?? 0
  }
  /** The `[B, 8]` transforms of a transformation (null: identity). */
  protected abstract matrix(t: unknown): Tensor | null
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    const x = cast(images, this.computeDtype)
    return training && t !== null ? this.warp(x, t, this.interpolation) : x
  }
  protected warp(x: Tensor, t: unknown, interpolation: Interpolation): Tensor {
    const m = this.matrix(t)
    if (!m) return x
    return image.affineTransform(x, m, { interpolation, fillMode: this.fillMode, fillValue: this.fillValue, dataFormat: this.dataFormat })
  }
  override transformSegmentationMasks(masks: Tensor, t: unknown, training: boolean): Tensor { return training && t !== null ? this.warp(masks, t, 'nearest') : masks }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fill_mode: this.fillMode, interpolation: this.interpolation, seed: this.seed, fill_value: this.fillValue }
  }
}

/** Options of `RandomRotation`. */
export interface RandomRotationArgs extends AffineArgs { readonly factor: number | readonly [number, number] }

/**
 * Randomly rotates images by up to `factor · 360°` during training (Keras `RandomRotation`).
 *
 * @example
 * ```ts
 * new RandomRotation({ factor: 0.1, seed: 1 }).apply(images)
 * ```
 */
export class RandomRotation extends AffineLayer {
  static readonly className: string = 'RandomRotation'
  readonly factor: [number, number]
  constructor(args: RandomRotationArgs) {
    super(args)
    this.factor = factorArg(args?.factor, [-1, 1])
  }
  override getRandomTransformation(images: Tensor, training: boolean): unknown {
    if (!training) return null
    const s = images.shape as number[]
    const n = this.batchOf(s)
    const [h, w] = this.hw(s)
    const angle = random.uniform([n], { minval: this.factor[0] * 360, maxval: this.factor[1] * 360, seed: this.generator! })
    const z = zeros([n])
    return { angle, matrix: this.affineMatrix(angle, z, z, ones([n]), z, z, h, w) }
  }
  protected matrix(t: unknown): Tensor | null { return t === null ? null : (t as { matrix: Tensor }).matrix }
  override transformBoundingBoxes(b: BoundingBoxes, t: unknown, training: boolean, imageShape: readonly number[]): BoundingBoxes {
    if (!training || t === null) return b
    const [height, width] = this.hw(imageShape)
    const { angle } = t as { angle: Tensor }
    const n = imageShape[0]!
    const z = zeros([n])
    // NOTE: Keras feeds the boxes to the affine transform as xyxy whatever `boundingBoxFormat` is (kept for parity).
    const boxes = affineTransform(b.boxes, angle, z, z, ones([n]), z, z, height, width)
    const clipped = clipToImageSize({ ...b, boxes }, { height, width, boundingBoxFormat: 'xyxy' })
    return convertFormat(clipped, 'xyxy', this.boundingBoxFormat!, { height, width })
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), factor: this.factor } }
}

const ZOOM_MSG = 'The `height_factor` and `width_factor` arguments should be a number (or a list of two numbers) in the range (-1.0, 1.0]. '
const TRANSLATE_MSG = 'The `factor` argument should be a number (or a list of two numbers) in the range [-1.0, 1.0]. '

/** Options of `RandomZoom`. */
export interface RandomZoomArgs extends AffineArgs {
  readonly heightFactor: number | readonly [number, number]
  readonly widthFactor?: number | readonly [number, number] | null
}

/**
 * Randomly zooms images during training (Keras `RandomZoom`): a factor `f` draws a scale in
 * `[1 + lower, 1 + upper]` per image (positive values zoom out).
 *
 * @example
 * ```ts
 * new RandomZoom({ heightFactor: 0.2, seed: 0 }).apply(images)
 * ```
 */
export class RandomZoom extends AffineLayer {
  static readonly className: string = 'RandomZoom'
  readonly heightFactor: number | number[]
  readonly widthFactor: number | number[] | null
  private readonly hRange: [number, number]
  private readonly wRange: [number, number] | null
  constructor(args: RandomZoomArgs) {
    super(args)
    const ok = (v: number): boolean => v <= 1 && v > -1
    this.heightFactor = typeof args.heightFactor === 'number' ? args.heightFactor : [...args.heightFactor]
    this.hRange = symmetricFactor(args.heightFactor, ok, ZOOM_MSG, 'height_factor')
    this.widthFactor = args.widthFactor == null ? null : typeof args.widthFactor === 'number' ? args.widthFactor : [...args.widthFactor]
    this.wRange = args.widthFactor == null ? null : symmetricFactor(args.widthFactor, ok, ZOOM_MSG, 'width_factor')
  }
  override getRandomTransformation(images: Tensor, training: boolean): unknown {
    if (!training) return null
    const s = images.shape as number[]
    const shape = s.length === 4 ? [s[0]!, 1] : [1, 1]
    const hz = random.uniform(shape, { minval: 1 + this.hRange[0], maxval: 1 + this.hRange[1], seed: this.generator! })
    const wz = this.wRange ? random.uniform(shape, { minval: 1 + this.wRange[0], maxval: 1 + this.wRange[1], seed: this.generator! }) : hz
    return { hz, wz }
  }
  protected matrix(t: unknown): Tensor | null { void t; return null }
  protected override warp(x: Tensor, t: unknown, interpolation: Interpolation): Tensor {
    const { hz, wz } = t as { hz: Tensor; wz: Tensor }
    const [h, w] = this.hw(x.shape as number[])
    const n = hz.shape[0] as number
    const zx = cast(wz, 'float32')
    const zy = cast(hz, 'float32')
    const xOff = multiply((w - 1) / 2, add(multiply(zx, -1), 1))
    const yOff = multiply((h - 1) / 2, add(multiply(zy, -1), 1))
    const z = zeros([n, 1])
    const m = concatenate([zx, z, xOff, z, zy, yOff, zeros([n, 2])], { axis: 1 })
    return image.affineTransform(x, m, { interpolation, fillMode: this.fillMode, fillValue: this.fillValue, dataFormat: this.dataFormat })
  }
  /** Boxes are cropped to the zoom window's image of the frame, made relative to it, and mapped back to the frame. */
  override transformBoundingBoxes(b: BoundingBoxes, t: unknown, training: boolean, imageShape: readonly number[]): BoundingBoxes {
    if (!training || t === null) return b
    const { hz, wz } = t as { hz: Tensor; wz: Tensor }
    const [height, width] = this.hw(imageShape)
    const n = hz.shape[0] as number
    const xy = convertFormat(b, this.boundingBoxFormat!, 'xyxy', { height, width })
    const col = (v: Tensor): Tensor => reshape(cast(v, 'float32'), [n, 1, 1])
    const [zx, zy] = [col(wz), col(hz)]
    // Where the zoom matrix sends (0, 0) and (width, height).
    const ws = multiply((width - 1) / 2, subtract(1, zx))
    const hs = multiply((height - 1) / 2, subtract(1, zy))
    const we = add(multiply(zx, width), ws)
    const he = add(multiply(zy, height), hs)
    const [x1, y1, x2, y2] = split(xy.boxes, 4, { axis: -1 }) as [Tensor, Tensor, Tensor, Tensor]
    const c = (v: Tensor, lo: Tensor, hi: Tensor): Tensor => subtract(minimum(maximum(v, lo), hi), lo)
    const boxes = concatenate([c(x1, ws, we), c(y1, hs, he), c(x2, ws, we), c(y2, hs, he)], { axis: -1 })
    const rel = convertFormat({ ...xy, boxes }, 'xyxy', 'rel_xyxy', { height: subtract(he, hs), width: subtract(we, ws) })
    const clipped = clipToImageSize(rel, { boundingBoxFormat: 'rel_xyxy' })
    return convertFormat(clipped, 'rel_xyxy', this.boundingBoxFormat!, { height, width })
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), height_factor: this.heightFactor, width_factor: this.widthFactor } }
}

/** Options of `RandomTranslation`. */
export interface RandomTranslationArgs extends AffineArgs {
  readonly heightFactor: number | readonly [number, number]
  readonly widthFactor: number | readonly [number, number]
}

/**
 * Randomly translates images by fractions of their height and width during training (Keras `RandomTranslation`).
 *
 * @example
 * ```ts
 * new RandomTranslation({ heightFactor: 0.1, widthFactor: 0.1, seed: 0 }).apply(images)
 * ```
 */
export class RandomTranslation extends AffineLayer {
  static readonly className: string = 'RandomTranslation'
  readonly heightFactor: number | number[]
  readonly widthFactor: number | number[]
  private readonly hRange: [number, number]
  private readonly wRange: [number, number]
  constructor(args: RandomTranslationArgs) {
    super(args)
    const ok = (v: number): boolean => v <= 1 && v >= -1
    this.heightFactor = typeof args.heightFactor === 'number' ? args.heightFactor : [...args.heightFactor]
    this.widthFactor = typeof args.widthFactor === 'number' ? args.widthFactor : [...args.widthFactor]
    this.hRange = symmetricFactor(args.heightFactor, ok, TRANSLATE_MSG, 'height_factor')
    this.wRange = symmetricFactor(args.widthFactor, ok, TRANSLATE_MSG, 'width_factor')
  }
  override getRandomTransformation(images: Tensor, training: boolean): unknown {
    if (!training) return null
    const s = images.shape as number[]
    const n = this.batchOf(s)
    const [h, w] = this.hw(s)
    const ht = multiply(random.uniform([n, 1], { minval: this.hRange[0], maxval: this.hRange[1], seed: this.generator! }), h)
    const wt = multiply(random.uniform([n, 1], { minval: this.wRange[0], maxval: this.wRange[1], seed: this.generator! }), w)
    return cast(concatenate([wt, ht], { axis: 1 }), 'float32')
  }
  protected matrix(t: unknown): Tensor | null {
    const tr = t as Tensor
    const n = tr.shape[0] as number
    const o = ones([n, 1])
    const z = zeros([n, 1])
    const neg = multiply(tr, -1)
    return concatenate([o, z, takeCol(neg, 0), z, o, takeCol(neg, 1), zeros([n, 2])], { axis: 1 })
  }
  override transformBoundingBoxes(b: BoundingBoxes, t: unknown, training: boolean, imageShape: readonly number[]): BoundingBoxes {
    if (!training || t === null) return b
    const [height, width] = this.hw(imageShape)
    const xy = convertFormat(b, this.boundingBoxFormat!, 'xyxy', { height, width })
    const tr = t as Tensor
    const n = tr.shape[0] as number
    const dx = reshape(takeCol(tr, 0), [n, 1, 1])
    const dy = reshape(takeCol(tr, 1), [n, 1, 1])
    const [x1, y1, x2, y2] = split(xy.boxes, 4, { axis: -1 }) as [Tensor, Tensor, Tensor, Tensor]
    const boxes = concatenate([add(x1, dx), add(y1, dy), add(x2, dx), add(y2, dy)], { axis: -1 })
    const clipped = clipToImageSize({ ...xy, boxes }, { height, width, boundingBoxFormat: 'xyxy' })
    return convertFormat(clipped, 'xyxy', this.boundingBoxFormat!, { height, width })
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), height_factor: this.heightFactor, width_factor: this.widthFactor } }
}

const takeCol = (x: Tensor, j: number): Tensor => take(x, asTensor([j], { dtype: 'int32' }), { axis: 1 })

/** Options of `RandomShear`. */
export interface RandomShearArgs extends AffineArgs {
  readonly xFactor?: number | readonly [number, number]
  readonly yFactor?: number | readonly [number, number]
}

/**
 * Randomly shears images along x and/or y during training (Keras `RandomShear`).
 *
 * @example
 * ```ts
 * new RandomShear({ xFactor: 0.2, seed: 0 }).apply(images)
 * ```
 */
export class RandomShear extends AffineLayer {
  static readonly className: string = 'RandomShear'
  readonly xFactor: [number, number]
  readonly yFactor: [number, number]
  constructor(args: RandomShearArgs = {}) {
    super(args)
    // NOTE: Keras checks every entry against [0, 1], so it cannot reload its own (-f, f) config; kx accepts
    // pairs in [-1, 1] (single numbers stay in [0, 1]) so configs round-trip.
    const msg = 'The `factor` argument should be a number (or a list of two numbers) in the range [0, 1.0]. '
    const shear = (v: unknown, name: string): [number, number] =>
      symmetricFactor(v, Array.isArray(v) ? (x) => x <= 1 && x >= -1 : (x) => x <= 1 && x >= 0, msg, name)
    this.xFactor = shear(args.xFactor ?? 0, 'x_factor')
    this.yFactor = shear(args.yFactor ?? 0, 'y_factor')
  }
  override getRandomTransformation(images: Tensor, training: boolean): unknown {
    if (!training) return null
    const n = this.batchOf(images.shape as number[])
    const d = this.computeDtype
    const inv = random.uniform([n, 1], { minval: 0, maxval: 1, seed: this.generator!, dtype: d })
    const sign = where(greater(inv, 0.5), -1, 1)
    const sy = random.uniform([n, 1], { minval: this.yFactor[0], maxval: this.yFactor[1], seed: this.generator!, dtype: d })
    const sx = random.uniform([n, 1], { minval: this.xFactor[0], maxval: this.xFactor[1], seed: this.generator!, dtype: d })
    return multiply(cast(concatenate([sx, sy], { axis: 1 }), d), cast(sign, d))
  }
  protected matrix(t: unknown): Tensor | null {
    const f = t as Tensor
    const n = f.shape[0] as number
    const o = ones([n, 1], { dtype: f.dtype })
    const z = zeros([n, 1], { dtype: f.dtype })
    return concatenate([o, takeCol(f, 0), z, takeCol(f, 1), o, z, z, z], { axis: 1 })
  }
  /** Relative boxes: x sheared at the top or bottom edge, then y at the left or right edge (Keras's rule). */
  override transformBoundingBoxes(b: BoundingBoxes, t: unknown, training: boolean, imageShape: readonly number[]): BoundingBoxes {
    if (!training || t === null) return b
    const [height, width] = this.hw(imageShape)
    const dtype = this.computeDtype
    const rel = convertFormat(b, this.boundingBoxFormat!, 'rel_xyxy', { height, width, dtype })
    const f = cast(t as Tensor, dtype)
    const [sx, sy] = [takeCol(f, 0), takeCol(f, 1)]
    let [x1, y1, x2, y2] = split(rel.boxes, 4, { axis: -1 }).map((v) => squeeze(v, { axis: -1 })) as [Tensor, Tensor, Tensor, Tensor]
    const shift = (v: Tensor, k: Tensor, by: Tensor): Tensor => subtract(v, multiply(k, by))
    const xNeg = less(sx, 0)
    ;[x1, x2] = [where(xNeg, shift(x1, sx, y1), shift(x1, sx, y2)), where(xNeg, shift(x2, sx, y2), shift(x2, sx, y1))]
    const yPos = greater(sy, 0)
    ;[y1, y2] = [where(yPos, shift(y1, sy, x2), shift(y1, sy, x1)), where(yPos, shift(y2, sy, x1), shift(y2, sy, x2))]
    const boxes = stack([x1, y1, x2, y2], { axis: -1 })
    const clipped = clipToImageSize({ ...rel, boxes }, { boundingBoxFormat: 'rel_xyxy' })
    return convertFormat(clipped, 'rel_xyxy', this.boundingBoxFormat!, { height, width, dtype })
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), x_factor: this.xFactor, y_factor: this.yFactor } }
}

/** Options of `RandomPerspective`. */
export interface RandomPerspectiveArgs extends ImageLayerArgs {
  readonly factor?: number | readonly [number, number]
  readonly scale?: number
  readonly interpolation?: Interpolation
  readonly fillValue?: number
}

/**
 * Applies a random perspective warp to a `factor` fraction of images (Keras `RandomPerspective`):
 * each corner moves by up to `scale / 2` of the image size.
 *
 * @example
 * ```ts
 * new RandomPerspective({ factor: 1, scale: 0.3, seed: 0 }).apply(images)
 * ```
 */
export class RandomPerspective extends BaseImagePreprocessingLayer {
  static readonly className: string = 'RandomPerspective'
  readonly factor: [number, number]
  readonly scale: number
  readonly interpolation: Interpolation
  readonly fillValue: number
  constructor(args: RandomPerspectiveArgs = {}) {
    super(args, true)
    this.factor = factorArg(args.factor ?? 1, [0, 1])
    this.scale = args.scale ?? 1
    if (this.scale < 0 || this.scale > 1) throw new InvalidArgumentError(`The \`scale\` argument should be a number in the range [0,1]. Received: scale=${this.scale}`)
    this.interpolation = interpolationArg(args.interpolation)
    this.fillValue = args.fillValue ?? 0
  }
  override getRandomTransformation(images: Tensor, training: boolean): unknown {
    if (!training) return null
    const s = images.shape as number[]
    const n = this.batchOf(s)
    const [h, w] = this.hw(s)
    const g = this.generator!
    const p = random.uniform([n], { minval: this.factor[0], maxval: this.factor[1], seed: g })
    const thr = random.uniform([n], { minval: 0, maxval: 1, seed: g })
    const apply = less(thr, p)
    const pf = random.uniform([n, 4, 2], { minval: -0.5 * this.scale, maxval: 0.5 * this.scale, seed: g, dtype: this.computeDtype })
    const start = repeat(asTensor([[[0, 0], [w - 1, 0], [0, h - 1], [w - 1, h - 1]]], { dtype: this.computeDtype }), n, { axis: 0 })
    return { apply, start, end: add(start, multiply(start, pf)) }
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    const x = cast(images, this.computeDtype)
    return training && t !== null ? this.warp(x, t, this.interpolation) : x
  }
  private warp(x: Tensor, t: unknown, interpolation: Interpolation): Tensor {
    const { apply, start, end } = t as { apply: Tensor; start: Tensor; end: Tensor }
    // Backends with synchronous reads keep ops-nn's host-solved homography (float64, and no `lu` needed); the others solve on the device.
    const out = !x.isSymbolic && x.backend.capabilities.syncRead
      ? image.perspectiveTransform(x, start, end, { interpolation, fillValue: this.fillValue, dataFormat: this.dataFormat })
      : perspectiveWarp(x, homographyOf(start, end), interpolation, this.fillValue, this.dataFormat === 'channels_first')
    return where(reshape(apply, [apply.shape[0] as number, 1, 1, 1]), out, x)
  }
  override transformSegmentationMasks(masks: Tensor, t: unknown, training: boolean): Tensor { return training && t !== null ? this.warp(masks, t, 'nearest') : masks }
  /**
   * Boxes: each corner goes through the inverse homography, the result is their enclosing box (for the
   * images the draw selects). NOTE: as in Keras, the output stays in "xyxy" whatever `boundingBoxFormat` is.
   */
  override transformBoundingBoxes(b: BoundingBoxes, t: unknown, training: boolean, imageShape: readonly number[]): BoundingBoxes {
    if (!training || t === null) return b
    const [height, width] = this.hw(imageShape)
    const { apply, start, end } = t as { apply: Tensor; start: Tensor; end: Tensor }
    const xy = convertFormat(b, this.boundingBoxFormat!, 'xyxy', { height, width })
    const n = imageShape[0]!
    const hom = concatenate([reshape(cast(homographyOf(start, end), this.computeDtype), [n, 8]), ones([n, 1], { dtype: this.computeDtype })], { axis: 1 })
    const back = linalgInv(reshape(hom, [n, 3, 3]))
    const [x0, y0, x1, y1] = split(xy.boxes, 4, { axis: -1 }) as [Tensor, Tensor, Tensor, Tensor]
    const corner = (x: Tensor, y: Tensor): [Tensor, Tensor] => {
      const p = matmul(back, transpose(concatenate([x, y, onesLike(x)], { axis: -1 }), { axes: [0, 2, 1] }))
      const row = (i: number): Tensor => take(p, asTensor([i], { dtype: 'int32' }), { axis: 1 })
      return [transpose(divide(row(0), row(2)), { axes: [0, 2, 1] }), transpose(divide(row(1), row(2)), { axes: [0, 2, 1] })]
    }
    const cs = [corner(x0, y0), corner(x1, y1), corner(x0, y1), corner(x1, y0)]
    const xs = concatenate(cs.map((c) => c[0]), { axis: -1 })
    const ys = concatenate(cs.map((c) => c[1]), { axis: -1 })
    const k = { axis: -1, keepdims: true }
    const boxes = concatenate([amin(xs, k), amin(ys, k), amax(xs, k), amax(ys, k)], { axis: -1 })
    const moved = where(reshape(apply, [n, 1, 1]), boxes, xy.boxes)
    return clipToImageSize({ ...xy, boxes: moved }, { height, width, boundingBoxFormat: 'xyxy' })
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor, scale: this.scale, interpolation: this.interpolation, fill_value: this.fillValue, seed: this.seed }
  }
}

/**
 * `image.perspectiveTransform` with the homography `(B, 8)` held in a tensor (Keras's JAX backend solves it on the
 * device too): output pixel `(x, y)` samples input `((t0 x + t1 y + t2) / k, (t3 x + t4 y + t5) / k)`,
 * `k = t6 x + t7 y + 1`, with `fillValue` outside.
 */
function perspectiveWarp(x: Tensor, hom: Tensor, interpolation: Interpolation, fillValue: number, channelsFirst: boolean): Tensor {
  const [B, d1, d2, d3] = x.shape as number[]
  const [H, W] = channelsFirst ? [d2!, d3!] : [d1!, d2!]
  const dt = x.dtype
  const t = cast(hom, dt)
  const col = (i: number): Tensor => reshape(take(t, asTensor([i], { dtype: 'int32' }), { axis: 1 }), [B!, 1, 1])
  const xs = reshape(arange(W, { dtype: dt }), [1, 1, W])
  const ys = reshape(arange(H, { dtype: dt }), [1, H, 1])
  const lin = (a: number, b: number, c: Tensor | number): Tensor => add(add(multiply(col(a), xs), multiply(col(b), ys)), c)
  const k = lin(6, 7, 1)
  return sampleAt(x, divide(lin(3, 4, col(5)), k), divide(lin(0, 1, col(2)), k), interpolation, 'constant', fillValue, channelsFirst)
}

/** Samples every channel of a batch of images at per-pixel source coordinates `yIn`, `xIn` (broadcastable to `(B, H, W)`). */
function sampleAt(x: Tensor, yIn: Tensor, xIn: Tensor, interpolation: Interpolation, fillMode: string, fillValue: number, channelsFirst: boolean): Tensor {
  const full = x.shape as number[]
  const [B, H, W] = channelsFirst ? [full[0]!, full[2]!, full[3]!] : [full[0]!, full[1]!, full[2]!]
  // The (B, H, W) maps broadcast over channels; batch and channel coordinates are exact integers.
  const at = (m: Tensor): Tensor => broadcastTo(reshape(broadcastTo(m, [B, H, W]), channelsFirst ? [B, 1, H, W] : [B, H, W, 1]), full)
  const axisGrid = (axis: number): Tensor => broadcastTo(reshape(arange(full[axis]!, { dtype: x.dtype }), full.map((d, i) => (i === axis ? d : 1))), full)
  const coords = channelsFirst ? [axisGrid(0), axisGrid(1), at(yIn), at(xIn)] : [axisGrid(0), at(yIn), at(xIn), axisGrid(3)]
  return image.mapCoordinates(x, coords, interpolation === 'nearest' ? 0 : 1, { fillMode: fillMode as image.FillMode, fillValue })
}

/**
 * `image.elasticTransform` with `alpha` and `sigma` held in tensors (a random draw stays on the device): the
 * displacement field is blurred with a kernel sized for `maxSigma`, whose taps beyond Keras's
 * `int(6 sigma) | 1` are zero, so the values are those of the smaller kernel.
 */
function elasticWarp(x: Tensor, alpha: Tensor, sigma: Tensor, maxSigma: number, o: { interpolation: Interpolation; fillMode: string; fillValue: number; seed: SeedGenerator; channelsFirst: boolean }): Tensor {
  const full = x.shape as number[]
  const [B, H, W] = o.channelsFirst ? [full[0]!, full[2]!, full[3]!] : [full[0]!, full[1]!, full[2]!]
  const size = (Math.trunc(6 * maxSigma) + 1) | 1
  const half = divide(cast(subtract(bitwiseOr(cast(multiply(sigma, 6), 'int32'), 1), 1), x.dtype), 2)
  const noise = multiply(random.normal([B, H, W], { dtype: x.dtype, seed: o.seed }), sigma)
  const d = gaussianBlurBy(reshape(noise, [B, H, W, 1]), [size, size], sigma, sigma, 'channels_last', [half, half])
  const shift = multiply(reshape(d, [B, H, W]), alpha)
  const ys = reshape(arange(H, { dtype: x.dtype }), [1, H, 1])
  const xs = reshape(arange(W, { dtype: x.dtype }), [1, 1, W])
  return sampleAt(x, add(ys, shift), add(xs, shift), o.interpolation, o.fillMode, o.fillValue, o.channelsFirst)
}

/** Keras `compute_homography_matrix`: the 8 coefficients `(B, 8)` mapping `end` points to `start` points (solved in float32). */
function homographyOf(start: Tensor, end: Tensor): Tensor {
  const col = (p: Tensor, j: number): Tensor => squeeze(take(p, asTensor([j], { dtype: 'int32' }), { axis: 2 }), { axis: 2 })
  const [sx, sy, ex, ey] = [col(start, 0), col(start, 1), col(end, 0), col(end, 1)]
  const z = zerosLike(ex)
  const o = onesLike(ex)
  const neg = (a: Tensor, c: Tensor): Tensor => multiply(multiply(a, -1), c)
  const xRows = stack([ex, ey, o, z, z, z, neg(sx, ex), neg(sx, ey)], { axis: -1 })
  const yRows = stack([z, z, z, ex, ey, o, neg(sy, ex), neg(sy, ey)], { axis: -1 })
  const a = concatenate([xRows, yRows], { axis: 1 })
  return squeeze(linalgSolve(a, expandDims(concatenate([sx, sy], { axis: -1 }), -1)), { axis: -1 })
}

/** Options of `RandomElasticTransform`. */
export interface RandomElasticTransformArgs extends ImageLayerArgs {
  readonly factor?: number | readonly [number, number]
  readonly scale?: number | readonly [number, number]
  readonly interpolation?: Interpolation
  readonly fillMode?: 'constant' | 'nearest' | 'wrap' | 'mirror' | 'reflect'
  readonly fillValue?: number
  readonly valueRange?: readonly [number, number]
}

/**
 * Applies a random elastic deformation (smoothed random displacement fields) to a `factor`
 * fraction of images (Keras `RandomElasticTransform`).
 *
 * @example
 * ```ts
 * new RandomElasticTransform({ factor: 1, scale: 0.5, seed: 0 }).apply(images)
 * ```
 */
export class RandomElasticTransform extends BaseImagePreprocessingLayer {
  static readonly className: string = 'RandomElasticTransform'
  readonly factor: [number, number]
  readonly scale: [number, number]
  readonly interpolation: Interpolation
  readonly fillMode: string
  readonly fillValue: number
  readonly valueRange: number[]
  constructor(args: RandomElasticTransformArgs = {}) {
    super(args, true)
    this.factor = factorArg(args.factor ?? 1, [0, 1])
    this.scale = factorArg(args.scale ?? 1, [0, 1], 'scale')
    this.interpolation = interpolationArg(args.interpolation)
    this.fillMode = args.fillMode ?? 'reflect'
    if (!['constant', 'nearest', 'wrap', 'mirror', 'reflect'].includes(this.fillMode)) throw new NotImplementedError(`Unknown \`fill_mode\` ${fmt(this.fillMode)}.`)
    this.fillValue = args.fillValue ?? 0
    this.valueRange = [...(args.valueRange ?? [0, 255])]
  }
  override getRandomTransformation(images: Tensor, training: boolean): unknown {
    if (!training || this.scale[1] === 0 || this.factor[1] === 0) return null
    const n = this.batchOf(images.shape as number[])
    const g = this.generator!
    const p = random.uniform([n], { minval: this.factor[0], maxval: this.factor[1], seed: g })
    const thr = random.uniform([n], { minval: 0, maxval: 1, seed: g })
    const distortion = random.uniform([], { minval: this.scale[0], maxval: this.scale[1], seed: g, dtype: this.computeDtype })
    return { apply: less(thr, p), distortion }
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    let x = cast(images, this.computeDtype)
    if (!training || t === null) return x
    const { apply, distortion } = t as { apply: Tensor; distortion: Tensor }
    const [h, w] = this.hw(x.shape as number[])
    const alpha = multiply(cast(distortion, x.dtype), Math.max(h, w) * 0.1)
    const sigma = multiply(cast(distortion, x.dtype), Math.min(h, w) * 0.05)
    const out = elasticWarp(x, alpha, sigma, Math.min(h, w) * 0.05 * this.scale[1], {
      interpolation: this.interpolation, fillMode: this.fillMode, fillValue: this.fillValue, seed: this.generator!, channelsFirst: this.dataFormat === 'channels_first',
    })
    x = where(reshape(apply, [apply.shape[0] as number, 1, 1, 1]), out, x)
    return cast(clip(x, this.valueRange[0]!, this.valueRange[1]!), this.computeDtype)
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor, scale: this.scale, interpolation: this.interpolation, fill_mode: this.fillMode, fill_value: this.fillValue, value_range: this.valueRange, seed: this.seed }
  }
}

