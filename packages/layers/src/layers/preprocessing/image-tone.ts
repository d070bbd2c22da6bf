/**
 * @file Tone and filter layers (Keras 3): RandomPosterization, Solarization, AutoContrast,
 * RandomSharpness, RandomGaussianBlur, Equalization and ContrastLimitedAdaptiveHistogramEqualization.
 */
import { InvalidArgumentError, Tensor, fmt, isInt, lax, tensor, type DType } from '@kx/core'
import {
  abs, add, arange, bitwiseAnd, broadcastTo, bitwiseLeftShift, bitwiseRightShift, cast, clip, cumsum, divide, equal, exp, expandDims, floor, greater, isnan, less, max, min, minimum, multiply, ones,
  random, reshape, round, moveaxis, square, stack, subtract, sum, swapaxes, tile, where, array, take, zeros,
} from '@kx/ops-numpy'
import { depthwiseConv } from '@kx/ops-nn'
import { valueRangeArg } from './common.js'
import { BaseImagePreprocessingLayer, factorArg, symmetricFactor, type ImageLayerArgs } from './image-base.js'

const perImage = (n: number): number[] => [n, 1, 1, 1]

/** Keras's round-then-saturate return to an integer input dtype. */
function backToDtype(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x
  if (dtype === 'uint8') return cast(clip(round(x), 0, 255), dtype)
  return cast(isInt(dtype) ? round(x) : x, dtype)
}

/** Options of `RandomPosterization`. */
export interface RandomPosterizationArgs extends ImageLayerArgs { readonly factor: number | readonly [number, number]; readonly valueRange?: readonly [number, number] }

/**
 * Reduces each channel to `b` bits (`b` drawn per image from `factor` ⊂ [1, 8]) during training (Keras `RandomPosterization`).
 *
 * @example
 * ```ts
 * new RandomPosterization({ factor: [1, 4], seed: 0 }).apply(images)
 * ```
 */
export class RandomPosterization extends BaseImagePreprocessingLayer {
  static readonly className: string = 'RandomPosterization'
  readonly factor: [number, number]
  readonly valueRange: [number, number]
  constructor(args: RandomPosterizationArgs) {
    super(args, true)
    this.factor = factorArg(args?.factor, [1, 8])
    this.valueRange = valueRangeArg(args.valueRange ?? [0, 255], 'RandomPosterization')
  }
  override getRandomTransformation(images: Tensor): unknown {
    const n = this.batchOf(images.shape as number[])
    const f = this.factor[0] !== this.factor[1]
      ? random.randint([n], this.factor[0], this.factor[1], { seed: this.generator!, dtype: 'int32' })
      : multiply(ones([n], { dtype: 'int32' }), this.factor[0])
    return subtract(8, f)
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    if (!training) return images
    const shift = reshape(cast(t as Tensor, 'int32'), perImage((t as Tensor).shape[0] as number))
    let x = this.transformValueRange(images, this.valueRange, [0, 255])
    // NOTE: Keras casts to uint8; int32 `& 255` keeps those bits (truncate, wrap mod 256) on backends without uint8 (WebGPU).
    x = bitwiseAnd(cast(x, 'int32'), 255)
    x = bitwiseLeftShift(bitwiseRightShift(x, shift), shift)
    return this.transformValueRange(cast(x, this.computeDtype), [0, 255], this.valueRange)
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), factor: this.factor, value_range: this.valueRange, seed: this.seed } }
}

/** Options of `Solarization`. */
export interface SolarizationArgs extends ImageLayerArgs {
  readonly additionFactor?: number | readonly [number, number]
  readonly thresholdFactor?: number | readonly [number, number]
  readonly valueRange?: readonly [number, number]
}

const SOLAR_MSG = 'The `addition_factor` and `threshold_factor` arguments should be a number (or a list of two numbers) in the range [0, 1]. '
function solarFactor(v: unknown, name: string): [number, number] {
  const ok = (x: number): boolean => x >= 0 && x <= 1
  if (typeof v === 'number') { if (!ok(v)) throw new InvalidArgumentError(`${SOLAR_MSG}Received: input_number=${v}`); return [0, v] }
  return symmetricFactor(v, ok, SOLAR_MSG, name)
}

/**
 * Solarizes during training (Keras `Solarization`): adds a random amount, then inverts pixels
 * above a random threshold (both on the 0–255 scale).
 *
 * @example
 * ```ts
 * new Solarization({ additionFactor: 0.2, thresholdFactor: 0.5, seed: 0 }).apply(images)
 * ```
 */
export class Solarization extends BaseImagePreprocessingLayer {
  static readonly className: string = 'Solarization'
  readonly additionFactor: [number, number]
  readonly thresholdFactor: [number, number]
  readonly valueRange: [number, number]
  constructor(args: SolarizationArgs = {}) {
    super(args, true)
    this.additionFactor = solarFactor(args.additionFactor ?? 0, 'addition_factor')
    this.thresholdFactor = solarFactor(args.thresholdFactor ?? 0, 'threshold_factor')
    this.valueRange = valueRangeArg(args.valueRange ?? [0, 255], 'Solarization')
  }
  override getRandomTransformation(images: Tensor, training: boolean): unknown {
    if (!training) return null
    const s = images.shape as number[]
    const shape = s.length === 4 ? perImage(s[0]!) : [1, 1, 1]
    const d = this.computeDtype
    const additions = random.uniform(shape, { minval: this.additionFactor[0], maxval: this.additionFactor[1] * 255, seed: this.generator!, dtype: d })
    const thresholds = random.uniform(shape, { minval: this.thresholdFactor[0], maxval: this.thresholdFactor[1] * 255, seed: this.generator!, dtype: d })
    return { additions, thresholds }
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    const x = cast(images, this.computeDtype)
    if (!training || t === null) return x
    const { additions, thresholds } = t as { additions: Tensor; thresholds: Tensor }
    const y = clip(add(this.transformValueRange(x, this.valueRange, [0, 255]), additions), 0, 255)
    const z = where(less(y, thresholds), y, subtract(255, y))
    return backToDtype(this.transformValueRange(z, [0, 255], this.valueRange), x.dtype)
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), value_range: this.valueRange, addition_factor: this.additionFactor, threshold_factor: this.thresholdFactor, seed: this.seed }
  }
}

/** Options of `AutoContrast`. */
export interface AutoContrastArgs extends ImageLayerArgs { readonly valueRange?: readonly [number, number] }

/**
 * Stretches each image channel to the full value range (Keras `AutoContrast`; deterministic, applied
 * in training and inference). Constant channels are left unchanged.
 *
 * @example
 * ```ts
 * new AutoContrast({ valueRange: [0, 255] }).apply(images)
 * ```
 */
export class AutoContrast extends BaseImagePreprocessingLayer {
  static readonly className: string = 'AutoContrast'
  readonly valueRange: [number, number]
  constructor(args: AutoContrastArgs = {}) {
    super(args)
    this.valueRange = valueRangeArg(args.valueRange ?? [0, 255], 'AutoContrast')
  }
  transformImages(images: Tensor): Tensor {
    const original = images
    const x = cast(this.transformValueRange(images, this.valueRange, [0, 255]), this.computeDtype)
    const lo = min(x, { axis: [1, 2], keepdims: true })
    const hi = max(x, { axis: [1, 2], keepdims: true })
    const scale = divide(255, subtract(hi, lo))
    const offset = multiply(multiply(lo, -1), scale)
    let r = clip(add(multiply(x, scale), offset), 0, 255)
    r = this.transformValueRange(r, [0, 255], this.valueRange)
    r = where(isnan(r), cast(original, r.dtype), r)
    return backToDtype(r, x.dtype)
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), value_range: this.valueRange } }
}

/** Options of `RandomSharpness`. */
export interface RandomSharpnessArgs extends ImageLayerArgs { readonly factor: number | readonly [number, number]; readonly valueRange?: readonly [number, number] }

/**
 * Randomly sharpens or blurs during training (Keras `RandomSharpness`): blends each image with a
 * 3×3 smoothed copy by `1 − 2f`.
 *
 * @example
 * ```ts
 * new RandomSharpness({ factor: 0.5, seed: 0 }).apply(images)
 * ```
 */
export class RandomSharpness extends BaseImagePreprocessingLayer {
  static readonly className: string = 'RandomSharpness'
  readonly factor: [number, number]
  readonly valueRange: [number, number]
  constructor(args: RandomSharpnessArgs) {
    super(args, true)
    this.factor = factorArg(args?.factor, [0, 1])
    this.valueRange = valueRangeArg(args.valueRange ?? [0, 255], 'RandomSharpness')
  }
  override getRandomTransformation(images: Tensor): unknown {
    const n = this.batchOf(images.shape as number[])
    return random.uniform([n], { minval: this.factor[0], maxval: this.factor[1], seed: this.generator! })
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    let x = cast(images, this.computeDtype)
    if (!training) return x
    const d = this.computeDtype
    if (this.dataFormat === 'channels_first') x = swapaxes(x, -3, -1)
    const f = reshape(cast(multiply(t as Tensor, 2), d), [-1, 1, 1, 1])
    const c = x.shape[x.shape.length - 1] as number
    const a = 1 / 13
    const b = 5 / 13
    const k = tile(reshape(tensor([[a, a, a], [a, b, a], [a, a, a]], { dtype: d }), [3, 3, 1, 1]), [1, 1, c, 1])
    const smooth = cast(depthwiseConv(x, k, { strides: 1, padding: 'same', dataFormat: 'channels_last' }), d)
    x = clip(add(x, multiply(subtract(1, f), subtract(smooth, x))), this.valueRange[0], this.valueRange[1])
    return this.dataFormat === 'channels_first' ? swapaxes(x, -3, -1) : x
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), factor: this.factor, value_range: this.valueRange, seed: this.seed } }
}

/**
 * Normalised Gaussian taps `exp(-0.5 ((i - (size - 1) / 2) / sigma)^2)` for a sigma held in a tensor (a random
 * draw stays on the device); taps at `|i - (size - 1) / 2| > half` are zero (a smaller kernel inside a larger one).
 */
export function gaussianTaps(size: number, sigma: Tensor, half: number | Tensor = size): Tensor {
  const d = subtract(arange(size, { dtype: sigma.dtype }), (size - 1) / 2)
  const taps = where(greater(abs(d), half), 0, exp(multiply(square(divide(d, sigma)), -0.5)))
  return divide(taps, sum(taps))
}

/**
 * `image.gaussianBlur` with sigmas held in tensors: a `kernelSize[1]` × `kernelSize[0]` kernel with `sigmaX` along
 * columns and `sigmaY` along rows, applied per channel with 'same' zero padding.
 */
export function gaussianBlurBy(x: Tensor, kernelSize: readonly [number, number], sigmaX: Tensor, sigmaY: Tensor, dataFormat: 'channels_last' | 'channels_first', half: readonly (number | Tensor)[] = kernelSize): Tensor {
  const [kw, kh] = kernelSize
  const taps = multiply(reshape(gaussianTaps(kh, sigmaY, half[1]!), [kh, 1]), reshape(gaussianTaps(kw, sigmaX, half[0]!), [1, kw]))
  const c = x.shape[dataFormat === 'channels_first' ? 1 : 3] as number
  const kernel = broadcastTo(reshape(cast(taps, x.dtype), [kh, kw, 1, 1]), [kh, kw, c, 1])
  return depthwiseConv(x, kernel, { padding: 'same', dataFormat })
}

/** Options of `RandomGaussianBlur`. */
export interface RandomGaussianBlurArgs extends ImageLayerArgs {
  readonly factor?: number | readonly [number, number]
  readonly kernelSize?: number | readonly [number, number]
  readonly sigma?: number | readonly [number, number]
  readonly valueRange?: readonly [number, number]
}

/**
 * Gaussian-blurs a random fraction of images during training (Keras `RandomGaussianBlur`); the
 * sigma pair is drawn once per call.
 *
 * @example
 * ```ts
 * new RandomGaussianBlur({ factor: 1, kernelSize: 3, sigma: 1, seed: 0 }).apply(images)
 * ```
 */
export class RandomGaussianBlur extends BaseImagePreprocessingLayer {
  static readonly className: string = 'RandomGaussianBlur'
  readonly factor: [number, number]
  readonly kernelSize: [number, number]
  readonly sigma: [number, number]
  readonly valueRange: number[]
  constructor(args: RandomGaussianBlurArgs = {}) {
    super(args, true)
    this.factor = factorArg(args.factor ?? 1, [0, 1])
    const ks = args.kernelSize ?? 3
    const pair = typeof ks === 'number' ? [ks, ks] : [...ks]
    if (pair.length !== 2 || pair.some((k) => k % 2 === 0)) throw new InvalidArgumentError(`kernel_size must be an odd number. Received: kernel_size=${fmt(ks)}`)
    this.kernelSize = pair as [number, number]
    this.sigma = factorArg(args.sigma ?? 1, [0, 1], 'sigma')
    this.valueRange = [...(args.valueRange ?? [0, 255])]
  }
  override getRandomTransformation(images: Tensor, training: boolean): unknown {
    if (!training) return null
    const n = this.batchOf(images.shape as number[])
    const g = this.generator!
    const p = random.uniform([n], { minval: this.factor[0], maxval: this.factor[1], seed: g })
    const thr = random.uniform([n], { minval: 0, maxval: 1, seed: g })
    const blur = add(random.uniform([2], { minval: this.sigma[0], maxval: this.sigma[1], seed: g, dtype: this.computeDtype }), 1e-6)
    return { apply: less(thr, p), sigma: blur }
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    const x = cast(images, this.computeDtype)
    if (!training || t === null) return x
    const { apply, sigma } = t as { apply: Tensor; sigma: Tensor }
    const blurred = gaussianBlurBy(x, this.kernelSize, take(sigma, 0), take(sigma, 1), this.dataFormat)
    const y = where(reshape(apply, perImage(apply.shape[0] as number)), blurred, x)
    return cast(clip(y, this.valueRange[0]!, this.valueRange[1]!), this.computeDtype)
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor, kernel_size: this.kernelSize, sigma: this.sigma, value_range: this.valueRange, seed: this.seed }
  }
}

/** Options of `Equalization`. */
export interface EqualizationArgs extends ImageLayerArgs { readonly valueRange?: readonly [number, number]; readonly bins?: number }

/**
 * Histogram equalization per channel (Keras `Equalization`; applied in training only). As in Keras,
 * a channel's histogram is taken over the whole batch.
 *
 * @example
 * ```ts
 * new Equalization({ valueRange: [0, 255] }).apply(images)
 * ```
 */
export class Equalization extends BaseImagePreprocessingLayer {
  static readonly className: string = 'Equalization'
  readonly valueRange: [number, number]
  readonly bins: number
  constructor(args: EqualizationArgs = {}) {
    super(args)
    this.bins = args.bins ?? 256
    this.valueRange = valueRangeArg(args.valueRange ?? [0, 255], 'Equalization')
  }
  private equalizeChannel(ch: Tensor): Tensor {
    const [lo, hi] = this.valueRange
    // NOTE: Keras compares a list with a tuple here, so it always rescales (an identity map for [0, 255]).
    const sc = (v: Tensor, a: number, b: number, c: number, d: number): Tensor => { const s = (d - c) / (b - a); return add(multiply(v, s), c - a * s) }
    const x = sc(ch, lo, hi, 0, 255)
    const nb = this.bins
    const idx = clip(cast(divide(multiply(subtract(cast(x, 'float32'), 0), nb - 1), 255), 'int32'), 0, nb - 1)
    // The histogram, its CDF and the lookup table stay on the device (float32 counts: exact below 2^24 pixels).
    const flatIdx = reshape(idx, [idx.size])
    const hist = lax.scatterAdd(zeros([nb], { dtype: 'float32' }), flatIdx, ones([idx.size], { dtype: 'float32' }), 0)
    const cdf = cumsum(hist)
    const cdfMin = min(where(greater(cdf, 0), cdf, Infinity))
    const span = subtract(take(cdf, nb - 1), cdfMin)
    // NOTE: under JAX the int32 division runs in float32 as a multiply by the reciprocal (XLA's rewrite of a
    // division by a broadcast scalar); round half to even on that value.
    const inv = divide(1, where(equal(span, 0), 1, span))
    const lut = clip(round(multiply(multiply(subtract(cdf, cdfMin), 255), inv)), 0, 255)
    const li = cast(clip(multiply(divide(x, 255), nb - 1), 0, nb - 1), 'int32')
    const mapped = cast(take(lut, li), x.dtype)
    // A channel with a single non-empty bin is left as it is.
    const out = where(greater(sum(greater(hist, 0)), 1), mapped, x)
    return sc(out, 0, 255, lo, hi)
  }
  transformImages(images: Tensor, t: unknown, training: boolean): Tensor {
    if (!training) return images
    const x = cast(images, this.computeDtype)
    const cf = this.dataFormat === 'channels_first'
    const c = x.shape[cf ? x.shape.length - 3 : x.shape.length - 1] as number
    const axis = cf ? x.shape.length - 3 : x.shape.length - 1
    const chans = Array.from({ length: c }, (_, i) => this.equalizeChannel(reshape(take(x, array([i], { dtype: 'int32' }), { axis }), x.shape.filter((_, k) => k !== axis) as number[])))
    return cast(stack(chans, { axis }), this.computeDtype)
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), bins: this.bins, value_range: this.valueRange } }
}

/** Options of `ContrastLimitedAdaptiveHistogramEqualization`. */
export interface ClaheArgs extends ImageLayerArgs { readonly valueRange?: readonly [number, number]; readonly clipLimit?: number; readonly tileGridSize?: readonly [number, number] }

/**
 * Contrast-limited adaptive histogram equalization (Keras `ContrastLimitedAdaptiveHistogramEqualization`):
 * per-tile clipped histograms, bilinearly interpolated CDFs, with tensor ops only (traceable and exportable).
 *
 * @example
 * ```ts
 * new ContrastLimitedAdaptiveHistogramEqualization({ clipLimit: 2, tileGridSize: [4, 4] }).apply(images)
 * ```
 */
export class ContrastLimitedAdaptiveHistogramEqualization extends BaseImagePreprocessingLayer {
  static readonly className: string = 'ContrastLimitedAdaptiveHistogramEqualization'
  readonly valueRange: number[]
  readonly clipLimit: number
  readonly tileGridSize: [number, number]
  constructor(args: ClaheArgs = {}) {
    super(args)
    this.valueRange = [...(args.valueRange ?? [0, 255])]
    this.clipLimit = args.clipLimit ?? 4
    this.tileGridSize = [...(args.tileGridSize ?? [8, 8])] as [number, number]
  }
  protected override outputDtype(images: Tensor): DType { return images.dtype }
  transformImages(images: Tensor): Tensor {
    const dtype = images.dtype
    let x = images
    if (this.dataFormat === 'channels_first') x = swapToLast(x)
    const vr = this.valueRange as [number, number]
    x = this.transformValueRange(cast(x, 'float32'), vr, [0, 255], 'float32')
    x = this.clahe(x)
    x = cast(this.transformValueRange(x, [0, 255], vr, 'float32'), dtype)
    return this.dataFormat === 'channels_first' ? swapToFirst(x) : x
  }
  private clahe(images: Tensor): Tensor {
    const [, H, W, C] = images.shape as number[]
    const [gh, gw] = this.tileGridSize
    const th = Math.ceil(H! / gh)
    const tw = Math.ceil(W! / gw)
    const f = Math.fround
    // NOTE: tensor ops only (traceable, exportable); tile histograms from a one-hot of the pixel values [B, H, W, C, 256].
    const v = floor(clip(images, 0, 255))
    const oneHot = cast(equal(expandDims(v, -1), arange(0, 256, 1, { dtype: 'float32' })), 'float32')
    // Symmetric (numpy 'symmetric') padding of the bottom/right edges to whole tiles, as constant-index gathers.
    const sym = (n: number, m: number): Tensor => array(Array.from({ length: m }, (_, i) => (i < n ? i : 2 * n - 1 - i)), { dtype: 'int32' })
    let padded = oneHot
    if (th * gh !== H) padded = take(padded, sym(H!, th * gh), { axis: 1 })
    if (tw * gw !== W) padded = take(padded, sym(W!, tw * gw), { axis: 2 })
    // Tile sums on a rank-6 view (batch and tile rows merged; WebGPU's kernels stop at rank 6); counts are exact.
    let hist = reshape(sum(reshape(padded, [-1, th, gw, tw, C!, 256]), { axis: [1, 3] }), [-1, gh, gw, C!, 256])
    const area = th * tw
    if (this.clipLimit > 0) {
      const clipped = minimum(hist, f((this.clipLimit * area) / 256))
      hist = add(clipped, divide(sum(subtract(hist, clipped), { axis: -1, keepdims: true }), 256))
    }
    // One row per tile LUT (WebGPU's scans stop at rank 4); the same sums in the same order.
    const cdf = reshape(cumsum(reshape(hist, [-1, 256]), { axis: -1 }), [-1, gh, gw, C!, 256])
    const cmin = min(cdf, { axis: -1, keepdims: true })
    const den = subtract(area, cmin)
    const lut = clip(divide(multiply(subtract(cdf, cmin), 255), where(equal(den, 0), 1, den)), 0, 255)
    // Keras's bilinear blend of the 4 nearest tile LUTs (grid padded by edge replication), x first then y.
    const grid = (n: number, t: number, g: number): { i0: number[]; i1: number[]; w: number[] } => {
      const i0: number[] = [], i1: number[] = [], w: number[] = []
      for (let p = 0; p < n; p++) {
        const pos = f(f(f(p - t / 2) / t) + 1)
        const k = Math.floor(pos)
        w.push(f(pos - k))
        const tile = (j: number): number => Math.min(g - 1, Math.max(0, Math.min(g + 1, Math.max(0, j)) - 1))
        i0.push(tile(k)); i1.push(tile(k + 1))
      }
      return { i0, i1, w }
    }
    const gx = grid(W!, tw, gw)
    const gy = grid(H!, th, gh)
    const col = (xs: number[], shape: number[], dtype: DType = 'float32'): Tensor => reshape(array(xs, { dtype }), shape)
    const [wx, wx0] = [col(gx.w, [1, 1, W!, 1]), col(gx.w.map((x) => f(1 - x)), [1, 1, W!, 1])]
    const [wy, wy0] = [col(gy.w, [1, H!, 1, 1]), col(gy.w.map((x) => f(1 - x)), [1, H!, 1, 1])]
    const blend = (nw: Tensor, ne: Tensor, sw: Tensor, se: Tensor): Tensor =>
      add(multiply(add(multiply(nw, wx0), multiply(ne, wx)), wy0), multiply(add(multiply(sw, wx0), multiply(se, wx)), wy))
    const B = images.shape[0]
    if (typeof B === 'number') {
      // Known batch: Keras's flat gather of each pixel's value in its 4 neighbouring tile LUTs (O(pixels)).
      const flat = reshape(lut, [-1])
      const [sx, sy] = [C! * 256, gw * C! * 256]
      const base = add(add(reshape(multiply(arange(0, B, 1, { dtype: 'int32' }), gh * sy), [B, 1, 1, 1]), col(Array.from({ length: C! }, (_, c) => c * 256), [1, 1, 1, C!], 'int32')), cast(v, 'int32'))
      const at = (iy: number[], ix: number[]): Tensor => take(flat, add(base, add(col(iy.map((i) => i * sy), [1, H!, 1, 1], 'int32'), col(ix.map((i) => i * sx), [1, 1, W!, 1], 'int32'))))
      return blend(at(gy.i0, gx.i0), at(gy.i0, gx.i1), at(gy.i1, gx.i0), at(gy.i1, gx.i1))
    }
    // Unknown batch (a dynamic-batch export): blend whole LUTs per pixel, then pick the pixel's value by the
    // one-hot (a sum over one non-zero term, so exact): O(pixels · 256), but batch-agnostic.
    const lerp = (t: Tensor, gr: { i0: number[]; i1: number[] }, axis: number, w0: Tensor, w1: Tensor): Tensor =>
      add(multiply(take(t, col(gr.i0, [gr.i0.length], 'int32'), { axis }), expandDims(w0, -1)), multiply(take(t, col(gr.i1, [gr.i1.length], 'int32'), { axis }), expandDims(w1, -1)))
    const perPixel = lerp(lerp(lut, gx, 2, wx0, wx), gy, 1, wy0, wy)
    return sum(multiply(oneHot, perPixel), { axis: -1 })
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), value_range: this.valueRange, clip_limit: this.clipLimit, tile_grid_size: this.tileGridSize }
  }
}

const swapToLast = (x: Tensor): Tensor => moveaxis(x, 1, 3)
const swapToFirst = (x: Tensor): Tensor => moveaxis(x, 3, 1)
