/**
 * @file Geometric image augmentation layers (Keras 3): RandomFlip, RandomRotation, RandomZoom,
 * RandomTranslation, RandomShear, RandomPerspective and RandomElasticTransform. Draws come from
 * each layer's SeedGenerator in Keras's order, so a seeded layer matches Keras on JAX.
 */
import { InvalidArgumentError, NotImplementedError, Tensor, fmt } from '@kx/core'
import { add, cast, clip, concatenate, flip, greater, less, lessEqual, multiply, ones, random, repeat, reshape, take, where, zeros, array as asTensor } from '@kx/ops-numpy'
import { image } from '@kx/ops-nn'
import { BaseImagePreprocessingLayer, factorArg, symmetricFactor, type ImageLayerArgs } from './image-base.js'

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
    return this.affineMatrix(angle, z, z, ones([n]), z, z, h, w)
  }
  protected matrix(t: unknown): Tensor | null { return t as Tensor | null }
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
    const out = image.perspectiveTransform(x, start, end, { interpolation, fillValue: this.fillValue, dataFormat: this.dataFormat })
    return where(reshape(apply, [apply.shape[0] as number, 1, 1, 1]), out, x)
  }
  override transformSegmentationMasks(masks: Tensor, t: unknown, training: boolean): Tensor { return training && t !== null ? this.warp(masks, t, 'nearest') : masks }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor, scale: this.scale, interpolation: this.interpolation, fill_value: this.fillValue, seed: this.seed }
  }
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
    return { apply: less(thr, p), distortion: Number(distortion.dataSync()[0]) }
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    let x = cast(images, this.computeDtype)
    if (!training || t === null) return x
    const { apply, distortion } = t as { apply: Tensor; distortion: number }
    const [h, w] = this.hw(x.shape as number[])
    const alpha = Math.max(h, w) * 0.1 * distortion
    const sigma = Math.min(h, w) * 0.05 * distortion
    const out = image.elasticTransform(x, { alpha, sigma, interpolation: this.interpolation, fillMode: this.fillMode as never, fillValue: this.fillValue, seed: this.generator as never, dataFormat: this.dataFormat })
    x = where(reshape(apply, [apply.shape[0] as number, 1, 1, 1]), out, x)
    return cast(clip(x, this.valueRange[0]!, this.valueRange[1]!), this.computeDtype)
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor, scale: this.scale, interpolation: this.interpolation, fill_mode: this.fillMode, fill_value: this.fillValue, value_range: this.valueRange, seed: this.seed }
  }
}

