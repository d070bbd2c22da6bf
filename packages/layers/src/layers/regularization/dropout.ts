/**
 * @file Noise and dropout layers (active only with `training: true`): Dropout, SpatialDropout1D/2D/3D,
 * AlphaDropout, GaussianDropout, GaussianNoise, and ActivityRegularization. Random draws come from
 * each layer's SeedGenerator, so a seeded layer gives Keras-on-JAX's masks on every backend.
 */
import { InvalidArgumentError, SeedGenerator, fmt, type Dim, type Tensor } from '@kx/core'
import { add, cast, greaterEqual, multiply, subtract } from '@kx/ops-numpy'
import { dropout, normal, uniform } from '@kx/ops-numpy/random'
import { Layer, type CallOptions, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import { L1L2 } from '../../regularizers/regularizers.js'
import { dataFormatArg } from '../common.js'

function checkRate(rate: unknown, what = 'rate'): number {
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
    throw new InvalidArgumentError(`Invalid value received for argument \`${what}\`. Expected a float value between 0 and 1. Received: ${what}=${fmt(rate)}`)
  }
  return rate
}

/** Base of layers that are the identity at inference: built at construction, shape-preserving, mask-passing. */
abstract class NoiseLayer extends Layer {
  readonly seed: number | null
  readonly seedGenerator: SeedGenerator | null
  constructor(args: LayerArgs & { seed?: number | null }, active: boolean) {
    super(args)
    this.seed = args.seed ?? null
    this.seedGenerator = active ? new SeedGenerator({ seed: this.seed }) : null
    this.supportsMasking = true
    this.built = true
  }
  override computeOutputShape(inputShape: ShapeLike): Dim[] { return (inputShape as readonly Dim[]).slice() }
  /** True when the call should draw noise (training, concrete inputs, an active generator). */
  protected active(x: Tensor, options: CallOptions): boolean { return !!options.training && this.seedGenerator !== null && !x.isSymbolic }
}

/** Resolves a noise shape with `null` entries from the input's concrete shape. */
function concreteNoiseShape(x: Tensor, noiseShape: readonly (number | null)[] | null): number[] {
  if (!noiseShape) return x.shape as number[]
  return noiseShape.map((d, i) => (d === null ? (x.shape[i] as number) : d))
}

/** Options of `Dropout`. */
export interface DropoutArgs extends LayerArgs {
  /** Fraction of the inputs to drop, in [0, 1]. */
  readonly rate: number
  /** Shape of the binary mask (null entries take the input's size), e.g. `[null, 1, null]` to share across time. */
  readonly noiseShape?: readonly (number | null)[] | null
  readonly seed?: number | null
}

/** Base of Dropout and AlphaDropout: a drop `rate` and an optional mask shape. */
abstract class RateNoiseLayer extends NoiseLayer {
  readonly rate: number
  readonly noiseShape: (number | null)[] | null
  constructor(args: DropoutArgs, noiseShape: (s: DropoutArgs['noiseShape']) => (number | null)[] | null) {
    const rate = checkRate(args?.rate)
    super(args, rate > 0)
    this.rate = rate
    this.noiseShape = noiseShape(args.noiseShape)
  }
  /** The concrete mask shape for an input. */
  protected noiseShapeFor(x: Tensor): number[] { return concreteNoiseShape(x, this.noiseShape) }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed, noise_shape: this.noiseShape ? [...this.noiseShape] : null }
  }
}

/**
 * Randomly zeroes a `rate` fraction of the inputs during training and scales the rest by
 * `1 / (1 − rate)` (Keras `Dropout`); the identity at inference.
 *
 * @example
 * ```ts
 * const drop = new Dropout({ rate: 0.5, seed: 1337 })
 * drop.apply(x, { training: true })
 * ```
 */
export class Dropout extends RateNoiseLayer {
  static readonly className: string = 'Dropout'
  constructor(args: DropoutArgs) { super(args, validateNoiseShape) }
  override call(inputs: unknown, options: CallOptions = {}): Tensor {
    const x = inputs as Tensor
    if (!this.active(x, options) || this.rate === 0) return x
    return dropout(x, this.rate, { noiseShape: this.noiseShapeFor(x), seed: this.seedGenerator! })
  }
}

function validateNoiseShape(s: unknown): (number | null)[] | null {
  if (s === null || s === undefined) return null
  if (!Array.isArray(s)) throw new InvalidArgumentError(`Invalid value received for argument \`noise_shape\`. Expected a tuple or list of integers. Received: noise_shape=${fmt(s)}`)
  s.forEach((d, i) => {
    if (d !== null && (!Number.isInteger(d) || d <= 0)) {
      throw new InvalidArgumentError(`Invalid value received for argument \`noise_shape\`. Expected all dimensions to be positive integers or None. Received: ${fmt(d)} at index ${i}`)
    }
  })
  return [...s]
}

/** Options of the spatial dropouts. */
export interface SpatialDropoutArgs extends LayerArgs { readonly rate: number; readonly seed?: number | null; readonly dataFormat?: string | null }

/** Drops whole channels: the mask is shared over the spatial axes. */
abstract class BaseSpatialDropout extends Dropout {
  constructor(args: SpatialDropoutArgs, ndim: number) {
    super({ ...(args.name !== undefined ? { name: args.name } : {}), ...(args.dtype !== undefined ? { dtype: args.dtype } : {}), rate: args?.rate, seed: args.seed ?? null })
    this.inputSpec = new InputSpec({ ndim })
  }
  /** Whether channels come right after the batch axis. */
  protected get channelsFirst(): boolean { return false }
  protected override noiseShapeFor(x: Tensor): number[] {
    const s = x.shape as number[]
    const spatial = s.slice(2).map(() => 1)
    return this.channelsFirst ? [s[0]!, s[1]!, ...spatial] : [s[0]!, ...spatial, s[s.length - 1]!]
  }
  // NOTE: Keras's spatial dropouts write only rate/seed/name/dtype (no trainable), plus data_format for 2D/3D.
  override getConfig(): Record<string, unknown> {
    return { rate: this.rate, seed: this.seed, name: this.name, dtype: this.dtype }
  }
}

/**
 * Dropout of entire 1D feature maps: the mask is `[batch, 1, channels]` (Keras `SpatialDropout1D`).
 *
 * @example
 * ```ts
 * new SpatialDropout1D({ rate: 0.2 }).apply(seq, { training: true })
 * ```
 */
export class SpatialDropout1D extends BaseSpatialDropout {
  static override readonly className: string = 'SpatialDropout1D'
  constructor(args: SpatialDropoutArgs) { super(args, 3) }
}

/** The 2D and 3D spatial dropouts: a `dataFormat` picks the channels axis. */
abstract class FormattedSpatialDropout extends BaseSpatialDropout {
  readonly dataFormat: 'channels_last' | 'channels_first'
  constructor(args: SpatialDropoutArgs, ndim: number) {
    super(args, ndim)
    this.dataFormat = dataFormatArg(args.dataFormat)
  }
  protected override get channelsFirst(): boolean { return this.dataFormat === 'channels_first' }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), data_format: this.dataFormat } }
}

/**
 * Dropout of entire 2D feature maps (Keras `SpatialDropout2D`).
 *
 * @example
 * ```ts
 * new SpatialDropout2D({ rate: 0.2 }).apply(images, { training: true })
 * ```
 */
export class SpatialDropout2D extends FormattedSpatialDropout {
  static override readonly className: string = 'SpatialDropout2D'
  constructor(args: SpatialDropoutArgs) { super(args, 4) }
}

/**
 * Dropout of entire 3D feature maps (Keras `SpatialDropout3D`).
 *
 * @example
 * ```ts
 * new SpatialDropout3D({ rate: 0.2 }).apply(volumes, { training: true })
 * ```
 */
export class SpatialDropout3D extends FormattedSpatialDropout {
  static override readonly className: string = 'SpatialDropout3D'
  constructor(args: SpatialDropoutArgs) { super(args, 5) }
}

// NOTE: SELU's fixed point (alpha, scale) from Klambauer et al.; Keras's constants.
const SELU_ALPHA = 1.6732632423543772848170429916717
const SELU_SCALE = 1.0507009873554804934193349852946

/**
 * Dropout that keeps SELU's self-normalizing mean and variance: dropped units take `−alpha · scale`,
 * then an affine correction `a · x + b` (Keras `AlphaDropout`).
 *
 * @example
 * ```ts
 * new AlphaDropout({ rate: 0.1, seed: 0 }).apply(x, { training: true })
 * ```
 */
export class AlphaDropout extends RateNoiseLayer {
  static readonly className: string = 'AlphaDropout'
  // NOTE: Keras's AlphaDropout keeps `noise_shape` as given, without Dropout's validation.
  constructor(args: DropoutArgs) { super(args, (s) => (s ? [...s] : null)) }
  override call(inputs: unknown, options: CallOptions = {}): Tensor {
    const x = inputs as Tensor
    if (!this.active(x, options) || this.rate === 0) return x
    const alphaP = -SELU_ALPHA * SELU_SCALE
    const u = uniform(this.noiseShapeFor(x), { seed: this.seedGenerator! })
    const kept = cast(greaterEqual(u, this.rate), x.dtype)
    const a = ((1 - this.rate) * (1 + this.rate * alphaP ** 2)) ** -0.5
    const b = -a * alphaP * this.rate
    const y = add(multiply(x, kept), multiply(subtract(1, kept), alphaP))
    return add(multiply(y, a), b)
  }
}

/**
 * Multiplies the inputs by noise from `N(1, rate / (1 − rate))` during training (Keras `GaussianDropout`).
 *
 * @example
 * ```ts
 * new GaussianDropout({ rate: 0.2, seed: 0 }).apply(x, { training: true })
 * ```
 */
export class GaussianDropout extends NoiseLayer {
  static readonly className: string = 'GaussianDropout'
  readonly rate: number
  constructor(args: LayerArgs & { rate: number; seed?: number | null }) {
    const rate = checkRate(args?.rate)
    super(args, rate > 0)
    this.rate = rate
  }
  override call(inputs: unknown, options: CallOptions = {}): Tensor {
    const x = inputs as Tensor
    if (!this.active(x, options) || this.rate === 0) return x
    const stddev = Math.sqrt(this.rate / (1 - this.rate))
    return multiply(x, normal(x.shape as number[], { mean: 1, stddev, dtype: this.computeDtype, seed: this.seedGenerator! }))
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), rate: this.rate, seed: this.seed } }
}

/**
 * Adds zero-centred Gaussian noise with `stddev` during training (Keras `GaussianNoise`).
 *
 * @example
 * ```ts
 * new GaussianNoise({ stddev: 0.1, seed: 0 }).apply(x, { training: true })
 * ```
 */
export class GaussianNoise extends NoiseLayer {
  static readonly className: string = 'GaussianNoise'
  readonly stddev: number
  constructor(args: LayerArgs & { stddev: number; seed?: number | null }) {
    const stddev = checkRate(args?.stddev, 'stddev')
    super(args, stddev > 0)
    this.stddev = stddev
  }
  override call(inputs: unknown, options: CallOptions = {}): Tensor {
    const x = inputs as Tensor
    if (!this.active(x, options) || this.stddev === 0) return x
    return add(x, normal(x.shape as number[], { mean: 0, stddev: this.stddev, dtype: this.computeDtype, seed: this.seedGenerator! }))
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), stddev: this.stddev, seed: this.seed } }
}

/**
 * The identity, adding `(l1 · Σ|x| + l2 · Σx²) / batch` to the layer's losses (Keras `ActivityRegularization`).
 *
 * @example
 * ```ts
 * new ActivityRegularization({ l1: 0.01 }).apply(x)
 * ```
 */
export class ActivityRegularization extends Layer {
  static readonly className: string = 'ActivityRegularization'
  readonly l1: number
  readonly l2: number
  constructor(args: LayerArgs & { l1?: number; l2?: number } = {}) {
    // As in Keras, the penalty is the base layer's activity regularizer (the engine adds it after each call).
    super({ ...args, activityRegularizer: new L1L2({ l1: args.l1 ?? 0, l2: args.l2 ?? 0 }) })
    this.l1 = args.l1 ?? 0
    this.l2 = args.l2 ?? 0
    this.supportsMasking = true
    this.built = true
  }
  override call(inputs: unknown): Tensor { return inputs as Tensor }
  override computeOutputShape(inputShape: ShapeLike): Dim[] { return (inputShape as readonly Dim[]).slice() }
  override getConfig(): Record<string, unknown> {
    const { activity_regularizer: _fromL1L2, ...base } = super.getConfig()
    return { ...base, l1: this.l1, l2: this.l2 }
  }
}
