/**
 * @file Color augmentation layers (Keras 3): RandomContrast, RandomBrightness, RandomGrayscale,
 * RandomHue, RandomSaturation, RandomColorDegeneration, RandomColorJitter and RandomInvert.
 */
import { InvalidArgumentError, Tensor, fmt, type Dim } from '@kx/core'
import { add, array, cast, clip, divide, greater, less, mean, multiply, random, reshape, stack, subtract, take, where, zeros } from '@kx/ops-numpy'
import { image } from '@kx/ops-nn'
import type { ShapeLike } from '../../engine/Layer.js'
import { valueRangeArg } from './common.js'
import { BaseImagePreprocessingLayer, factorArg, type ImageLayerArgs } from './image-base.js'

const EPS = 1e-7

/** Options of the factor + value-range color layers. */
export interface ColorArgs extends ImageLayerArgs {
  readonly factor: number | readonly [number, number]
  readonly valueRange?: readonly [number, number]
}

const perImage = (n: number): number[] => [n, 1, 1, 1]
const pickChannel = (x: Tensor, c: number, axis: number): Tensor => {
  const r = x.shape.length
  const a = axis < 0 ? axis + r : axis
  const s = x.shape.slice() as number[]
  s.splice(a, 1)
  return reshape(take(x, array([c], { dtype: 'int32' }), { axis: a }), s)
}

/**
 * Randomly adjusts contrast per image during training (Keras `RandomContrast`): `(x − mean) · f + mean`
 * with `f ∈ [1 − lower, 1 + upper]`, clipped to `valueRange`.
 *
 * @example
 * ```ts
 * new RandomContrast({ factor: 0.2, seed: 0 }).apply(images)
 * ```
 */
export class RandomContrast extends BaseImagePreprocessingLayer {
  static readonly className: string = 'RandomContrast'
  readonly factor: [number, number]
  readonly valueRange: number[]
  constructor(args: ColorArgs) {
    super(args, true)
    this.factor = factorArg(args?.factor, [0, 1])
    this.valueRange = [...(args.valueRange ?? [0, 255])]
  }
  override getRandomTransformation(images: Tensor, training: boolean): unknown {
    const s = images.shape as number[]
    const shape = s.length === 3 ? [1, 1, 1] : perImage(s[0]!)
    if (!training) return zeros(shape)
    return random.uniform(shape, { minval: 1 - this.factor[0], maxval: 1 + this.factor[1], seed: this.generator!, dtype: this.computeDtype })
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    if (!training) return images
    const x = cast(images, this.computeDtype)
    const [ha, wa] = [this.heightAxis, this.widthAxis]
    const m = mean(mean(x, { axis: ha, keepdims: true }), { axis: wa, keepdims: true })
    const out = add(multiply(subtract(x, m), t as Tensor), m)
    return clip(out, this.valueRange[0]!, this.valueRange[1]!)
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), factor: this.factor, value_range: this.valueRange, seed: this.seed } }
}

/**
 * Randomly shifts brightness per image during training (Keras `RandomBrightness`): adds
 * `f · (max − min)` with `f ∈ factor ⊂ [-1, 1]`, clipped to `valueRange`.
 *
 * @example
 * ```ts
 * new RandomBrightness({ factor: 0.2, seed: 0 }).apply(images)
 * ```
 */
export class RandomBrightness extends BaseImagePreprocessingLayer {
  static readonly className: string = 'RandomBrightness'
  readonly factor: [number, number]
  readonly valueRange: [number, number]
  constructor(args: ColorArgs) {
    super(args, true)
    this.factor = factorArg(args?.factor ?? 0, [-1, 1])
    this.valueRange = valueRangeArg(args.valueRange ?? [0, 255], 'RandomBrightness')
  }
  override getRandomTransformation(images: Tensor, training: boolean): unknown {
    const s = images.shape as number[]
    const shape = s.length === 3 ? [1, 1, 1] : perImage(s[0]!)
    if (!training) return zeros(shape)
    const d = random.uniform(shape, { minval: this.factor[0], maxval: this.factor[1], seed: this.generator! })
    return multiply(d, this.valueRange[1] - this.valueRange[0])
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    const x = cast(images, this.computeDtype)
    if (!training) return x
    return clip(add(x, cast(t as Tensor, x.dtype)), this.valueRange[0], this.valueRange[1])
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), factor: this.factor, value_range: this.valueRange, seed: this.seed } }
}

/** Options of `RandomGrayscale`. */
export interface RandomGrayscaleArgs extends ImageLayerArgs { readonly factor?: number }

/**
 * Converts a `factor` fraction of images to grayscale during training, keeping 3 channels (Keras `RandomGrayscale`).
 *
 * @example
 * ```ts
 * new RandomGrayscale({ factor: 0.5, seed: 0 }).apply(images)
 * ```
 */
export class RandomGrayscale extends BaseImagePreprocessingLayer {
  static readonly className: string = 'RandomGrayscale'
  readonly factor: number
  constructor(args: RandomGrayscaleArgs = {}) {
    super(args, true)
    const f = args.factor ?? 0.5
    if (f < 0 || f > 1) throw new InvalidArgumentError(`\`factor\` should be between 0 and 1. Received: factor=${f}`)
    this.factor = f
  }
  override getRandomTransformation(images: Tensor): unknown {
    const n = images.shape.length === 4 ? (images.shape[0] as number) : 1
    return reshape(less(random.uniform([n], { minval: 0, maxval: 1, seed: this.generator! }), this.factor), perImage(n))
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    if (!training) return images
    const x = cast(images, this.computeDtype)
    return where(t as Tensor, image.rgbToGrayscale(x, { dataFormat: this.dataFormat }), x)
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), factor: this.factor } }
}

/**
 * Randomly shifts hue during training (Keras `RandomHue`): hue moves by `±f / 2` with `f ∈ factor`.
 *
 * @example
 * ```ts
 * new RandomHue({ factor: 0.2, valueRange: [0, 1], seed: 0 }).apply(images)
 * ```
 */
export class RandomHue extends BaseImagePreprocessingLayer {
  static readonly className: string = 'RandomHue'
  readonly factor: [number, number]
  readonly valueRange: number[]
  constructor(args: ColorArgs) {
    super(args, true)
    this.factor = factorArg(args?.factor, [0, 1])
    this.valueRange = [...(args.valueRange ?? [0, 255])]
  }
  override getRandomTransformation(images: Tensor): unknown {
    const n = this.batchOf(images.shape as number[])
    const inv = random.uniform([n], { seed: this.generator! })
    const sign = where(greater(inv, 0.5), -1, 1)
    const f = random.uniform([n], { minval: this.factor[0], maxval: this.factor[1], seed: this.generator! })
    return multiply(multiply(cast(sign, f.dtype), f), 0.5)
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    if (!training) return images
    let x = this.transformValueRange(cast(images, this.computeDtype), this.valueRange, [0, 1])
    const adj = reshape(cast(t as Tensor, x.dtype), [(t as Tensor).shape[0] as number, 1, 1])
    x = image.rgbToHsv(x, { dataFormat: this.dataFormat })
    const ca = this.channelAxis
    let h = add(pickChannel(x, 0, ca), adj)
    h = where(greater(h, 1), subtract(h, 1), h)
    h = where(less(h, 0), add(h, 1), h)
    x = stack([h, pickChannel(x, 1, ca), pickChannel(x, 2, ca)], { axis: ca === -1 ? -1 : 1 })
    x = clip(image.hsvToRgb(x, { dataFormat: this.dataFormat }), 0, 1)
    return cast(this.transformValueRange(x, [0, 1], this.valueRange), this.computeDtype)
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), factor: this.factor, value_range: this.valueRange, seed: this.seed } }
}

/**
 * Randomly scales saturation during training (Keras `RandomSaturation`): `f ∈ factor` maps to a
 * multiplier `f / (1 − f)` (0 → grayscale, 0.5 → unchanged, 1 → fully saturated).
 *
 * @example
 * ```ts
 * new RandomSaturation({ factor: 0.5, valueRange: [0, 1], seed: 0 }).apply(images)
 * ```
 */
export class RandomSaturation extends BaseImagePreprocessingLayer {
  static readonly className: string = 'RandomSaturation'
  readonly factor: [number, number]
  readonly valueRange: [number, number]
  constructor(args: ColorArgs) {
    super(args, true)
    this.factor = factorArg(args?.factor, [-1, 1])
    this.valueRange = valueRangeArg(args.valueRange ?? [0, 255], 'RandomSaturation')
  }
  override getRandomTransformation(images: Tensor): unknown {
    const n = this.batchOf(images.shape as number[])
    const f = random.uniform([n], { minval: this.factor[0], maxval: this.factor[1], seed: this.generator! })
    return divide(f, add(subtract(1, f), EPS))
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    if (!training) return images
    const adj = reshape(cast(t as Tensor, this.computeDtype), [(t as Tensor).shape[0] as number, 1, 1])
    const x = image.rgbToHsv(cast(images, this.computeDtype), { dataFormat: this.dataFormat })
    const ca = this.channelAxis
    const s = clip(multiply(pickChannel(x, 1, ca), adj), this.valueRange[0], this.valueRange[1])
    const y = stack([pickChannel(x, 0, ca), s, pickChannel(x, 2, ca)], { axis: ca === -1 ? -1 : 1 })
    return image.hsvToRgb(y, { dataFormat: this.dataFormat })
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), factor: this.factor, value_range: this.valueRange, seed: this.seed } }
}

/**
 * Randomly blends images with their grayscale version during training (Keras `RandomColorDegeneration`).
 *
 * @example
 * ```ts
 * new RandomColorDegeneration({ factor: 0.5, seed: 0 }).apply(images)
 * ```
 */
export class RandomColorDegeneration extends BaseImagePreprocessingLayer {
  static readonly className: string = 'RandomColorDegeneration'
  readonly factor: [number, number]
  readonly valueRange: [number, number]
  constructor(args: ColorArgs) {
    super(args, true)
    this.factor = factorArg(args?.factor, [-1, 1])
    this.valueRange = valueRangeArg(args.valueRange ?? [0, 255], 'RandomColorDegeneration')
  }
  override getRandomTransformation(images: Tensor): unknown {
    const n = this.batchOf(images.shape as number[])
    return random.uniform(perImage(n), { minval: this.factor[0], maxval: this.factor[1], seed: this.generator! })
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    if (!training) return images
    const x = cast(images, this.computeDtype)
    const f = cast(t as Tensor, this.computeDtype)
    const gray = image.rgbToGrayscale(x, { dataFormat: this.dataFormat })
    return cast(clip(add(x, multiply(f, subtract(gray, x))), this.valueRange[0], this.valueRange[1]), this.computeDtype)
  }
  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const s = inputShape as Dim[]
    if (s.length !== 3 && s.length !== 4) throw new InvalidArgumentError(`Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). Received: input_shape=${fmt(s)}`)
    const c = s[this.dataFormat === 'channels_last' ? s.length - 1 : s.length - 3]
    if (c !== null && c !== 3) throw new InvalidArgumentError(`Input images must have 3 channels, but received images with ${c} channels.`)
    return s.slice()
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), factor: this.factor, value_range: this.valueRange, seed: this.seed } }
}

/** Options of `RandomColorJitter`. */
export interface RandomColorJitterArgs extends ImageLayerArgs {
  readonly valueRange?: readonly [number, number]
  readonly brightnessFactor?: number | readonly [number, number] | null
  readonly contrastFactor?: number | readonly [number, number] | null
  readonly saturationFactor?: number | readonly [number, number] | null
  readonly hueFactor?: number | readonly [number, number] | null
}

/**
 * Applies RandomBrightness, RandomContrast, RandomSaturation and RandomHue in that order, each
 * drawing from this layer's generator (Keras `RandomColorJitter`).
 *
 * @example
 * ```ts
 * new RandomColorJitter({ valueRange: [0, 255], brightnessFactor: 0.2, hueFactor: 0.1, seed: 0 }).apply(images)
 * ```
 */
export class RandomColorJitter extends BaseImagePreprocessingLayer {
  static readonly className: string = 'RandomColorJitter'
  readonly valueRange: number[]
  readonly brightnessFactor: number | number[] | null
  readonly contrastFactor: number | number[] | null
  readonly saturationFactor: number | number[] | null
  readonly hueFactor: number | number[] | null
  private readonly stages: BaseImagePreprocessingLayer[]
  constructor(args: RandomColorJitterArgs = {}) {
    super(args, true)
    this.valueRange = [...(args.valueRange ?? [0, 255])]
    const f = (v: number | readonly number[] | null | undefined): number | number[] | null => (v == null ? null : typeof v === 'number' ? v : [...v])
    this.brightnessFactor = f(args.brightnessFactor)
    this.contrastFactor = f(args.contrastFactor)
    this.saturationFactor = f(args.saturationFactor)
    this.hueFactor = f(args.hueFactor)
    const vr = this.valueRange as unknown as [number, number]
    const seed = this.seed
    this.stages = []
    if (this.brightnessFactor !== null) this.stages.push(new RandomBrightness({ factor: this.brightnessFactor as never, valueRange: vr, seed }))
    if (this.contrastFactor !== null) this.stages.push(new RandomContrast({ factor: this.contrastFactor as never, valueRange: vr, seed }))
    if (this.saturationFactor !== null) this.stages.push(new RandomSaturation({ factor: this.saturationFactor as never, valueRange: vr, seed }))
    if (this.hueFactor !== null) this.stages.push(new RandomHue({ factor: this.hueFactor as never, valueRange: vr, seed }))
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    if (!training) return images
    let x = cast(images, this.computeDtype)
    for (const stage of this.stages) {
      // NOTE: each stage draws from the jitter's own generator, as Keras passes `seed=self.generator`.
      const own = (stage as unknown as { generator: unknown }).generator
      ;(stage as unknown as { generator: unknown }).generator = this.generator
      try {
        const tr = stage.getRandomTransformation(x, true)
        x = stage.transformImages(x, stage instanceof RandomContrast ? cast(tr as Tensor, this.computeDtype) : tr, true)
      } finally { (stage as unknown as { generator: unknown }).generator = own }
    }
    return cast(x, this.computeDtype)
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), value_range: this.valueRange, brightness_factor: this.brightnessFactor, contrast_factor: this.contrastFactor,
      saturation_factor: this.saturationFactor, hue_factor: this.hueFactor, seed: this.seed,
    }
  }
}

/** Options of `RandomInvert`. */
export interface RandomInvertArgs extends ImageLayerArgs { readonly factor?: number | readonly [number, number]; readonly valueRange?: readonly [number, number] }

/**
 * Inverts (`max − x`) a random fraction of images during training (Keras `RandomInvert`).
 *
 * @example
 * ```ts
 * new RandomInvert({ factor: 0.5, seed: 0 }).apply(images)
 * ```
 */
export class RandomInvert extends BaseImagePreprocessingLayer {
  static readonly className: string = 'RandomInvert'
  readonly factor: [number, number]
  readonly valueRange: number[]
  constructor(args: RandomInvertArgs = {}) {
    super(args, true)
    this.factor = factorArg(args.factor ?? 1, [0, 1])
    this.valueRange = [...(args.valueRange ?? [0, 255])]
  }
  override getRandomTransformation(images: Tensor, training: boolean): unknown {
    if (!training) return null
    const n = this.batchOf(images.shape as number[])
    const p = random.uniform([n], { minval: this.factor[0], maxval: this.factor[1], seed: this.generator! })
    const thr = random.uniform([n], { minval: 0, maxval: 1, seed: this.generator! })
    return less(thr, p)
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    if (!training) return images
    const x = cast(images, this.computeDtype)
    const apply = t as Tensor
    return where(reshape(apply, perImage(apply.shape[0] as number)), subtract(this.valueRange[1]!, x), x)
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), factor: this.factor, value_range: this.valueRange, seed: this.seed } }
}

