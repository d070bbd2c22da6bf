/**
 * @file Random initializers (Keras `keras.initializers`): RandomNormal, RandomUniform,
 * TruncatedNormal, VarianceScaling and its Glorot/He/Lecun presets, Orthogonal. Seeded ones give
 * Keras-on-JAX's numbers; unseeded ones draw a fresh key from the global seed generator on each call.
 */
import { InvalidArgumentError, SeedGenerator, ShapeError, bind, fmt, full, lax, floatx, type DType, type Tensor } from '@kx/core'
import type { random } from '@kx/ops-numpy'
import { normal, truncatedNormal, uniform } from '@kx/ops-numpy/random'
import { Initializer, camelArgs } from './Initializer.js'

/** A seed argument: an integer, a SeedGenerator, null/undefined (unseeded), or a serialized SeedGenerator. */
export type InitializerSeed = number | SeedGenerator | null | undefined

/** Base of seeded initializers: holds `seed` and serializes it like Keras. */
export class RandomInitializer extends Initializer {
  static override readonly className: string = 'RandomInitializer'
  /** The seed used for draws (null: the global generator). */
  readonly seed: number | SeedGenerator | null
  /** @internal The seed as given (what the config records). */
  readonly initSeed: number | SeedGenerator | null
  constructor(args: { seed?: InitializerSeed | Record<string, unknown> } = {}) {
    super()
    const s = args.seed ?? null
    let seed: number | SeedGenerator | null
    if (s === null || typeof s === 'number' || s instanceof SeedGenerator) seed = s
    else if (typeof s === 'object' && (s as { class_name?: unknown }).class_name === 'SeedGenerator') {
      seed = SeedGenerator.fromConfig(((s as { config?: Record<string, unknown> }).config ?? {}) as { seed?: number | null; name?: string })
    } else {
      throw new InvalidArgumentError(`\`seed\` argument should be an instance of \`keras.SeedGenerator()\` or an integer. Received: seed=${fmt(s)}`)
    }
    if (typeof seed === 'number' && !Number.isSafeInteger(seed)) throw new InvalidArgumentError(`\`seed\` must be an integer. Received: seed=${fmt(seed)}`)
    this.seed = seed
    this.initSeed = seed
  }
  /** @internal The seed for one draw. */
  get drawSeed(): random.Seed { return this.seed }
  override getConfig(): Record<string, unknown> { return { seed: serializeSeed(this.initSeed) } }
}

function serializeSeed(seed: number | SeedGenerator | null): unknown {
  if (seed instanceof SeedGenerator) return { module: 'keras.random', class_name: 'SeedGenerator', config: seed.getConfig(), registered_name: null }
  return seed
}

/** Options of RandomNormal / TruncatedNormal. */
export interface RandomNormalArgs { readonly mean?: number; readonly stddev?: number; readonly seed?: InitializerSeed }

/** Base of RandomNormal and TruncatedNormal: `mean` and `stddev` (0 and 0.05), drawn by `draw`. */
abstract class MeanStddevInitializer extends RandomInitializer {
  readonly mean: number
  readonly stddev: number
  constructor(args: RandomNormalArgs, private readonly draw: typeof random.normal) {
    super(args)
    this.mean = args.mean ?? 0
    this.stddev = args.stddev ?? 0.05
  }
  override apply(shape: readonly number[], dtype?: DType): Tensor {
    return this.draw(shape, { mean: this.mean, stddev: this.stddev, dtype: dtype ?? floatx(), seed: this.drawSeed })
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), mean: this.mean, stddev: this.stddev } }
}

/**
 * Normal draws (Keras `random_normal`; mean 0, stddev 0.05).
 *
 * @example
 * ```ts
 * new RandomNormal({ stddev: 1, seed: 42 }).apply([2, 3])
 * ```
 */
export class RandomNormal extends MeanStddevInitializer {
  static override readonly className: string = 'RandomNormal'
  constructor(args: RandomNormalArgs = {}) { super(args, normal) }
}

/**
 * Normal draws truncated to ±2 standard deviations (Keras `truncated_normal`; mean 0, stddev 0.05).
 *
 * @example
 * ```ts
 * new TruncatedNormal({ stddev: 1, seed: 42 }).apply([2, 3])
 * ```
 */
export class TruncatedNormal extends MeanStddevInitializer {
  static override readonly className: string = 'TruncatedNormal'
  constructor(args: RandomNormalArgs = {}) { super(args, truncatedNormal) }
}

/** Options of RandomUniform. */
export interface RandomUniformArgs { readonly minval?: number; readonly maxval?: number; readonly seed?: InitializerSeed }

/**
 * Uniform draws in [minval, maxval) (Keras `random_uniform`; −0.05 … 0.05).
 *
 * @example
 * ```ts
 * new RandomUniform({ minval: -1, maxval: 1, seed: 0 }).apply([4])
 * ```
 */
export class RandomUniform extends RandomInitializer {
  static override readonly className: string = 'RandomUniform'
  readonly minval: number
  readonly maxval: number
  constructor(args: RandomUniformArgs = {}) {
    super(args)
    this.minval = args.minval ?? -0.05
    this.maxval = args.maxval ?? 0.05
  }
  override apply(shape: readonly number[], dtype?: DType): Tensor {
    return uniform(shape, { minval: this.minval, maxval: this.maxval, dtype: dtype ?? floatx(), seed: this.drawSeed })
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), minval: this.minval, maxval: this.maxval } }
}

/**
 * Keras's `compute_fans`: explicit `inputAxes`/`outputAxes` products; else a scalar has fans 1, a
 * vector `n` has n/n, a matrix `[in, out]` has in/out, and a conv kernel `[...spatial, in, out]`
 * multiplies both by the receptive field size.
 *
 * @example
 * ```ts
 * computeFans([3, 3, 16, 32]) // [144, 288]
 * ```
 */
export function computeFans(shape: readonly number[], inputAxes?: readonly number[] | null, outputAxes?: readonly number[] | null): [number, number] {
  const at = (a: number): number => shape[a < 0 ? shape.length + a : a]!
  if (inputAxes && outputAxes) {
    return [inputAxes.reduce((p, a) => p * at(a), 1), outputAxes.reduce((p, a) => p * at(a), 1)]
  }
  if (shape.length < 1) return [1, 1]
  if (shape.length === 1) return [shape[0]!, shape[0]!]
  if (shape.length === 2) return [shape[0]!, shape[1]!]
  const receptive = shape.slice(0, -2).reduce((p, d) => p * d, 1)
  return [shape.at(-2)! * receptive, shape.at(-1)! * receptive]
}

/** Options of VarianceScaling. */
export interface VarianceScalingArgs {
  readonly scale?: number
  readonly mode?: 'fan_in' | 'fan_out' | 'fan_avg'
  /** 'truncated_normal' (alias 'normal'), 'untruncated_normal' or 'uniform'. */
  readonly distribution?: 'truncated_normal' | 'untruncated_normal' | 'uniform' | 'normal'
  readonly seed?: InitializerSeed
  readonly inputAxes?: readonly number[] | null
  readonly outputAxes?: readonly number[] | null
}

// NOTE: 0.87962566103423978 is the stddev of a standard normal truncated to (−2, 2) (Keras's constant).
const TRUNCATED_STDDEV = 0.87962566103423978

/**
 * Draws with variance `scale / fan` (Keras `variance_scaling`): uniform in ±√(3·scale/fan), or a
 * (truncated) normal with stddev √(scale/fan) (divided by 0.8796… when truncated).
 *
 * @example
 * ```ts
 * new VarianceScaling({ scale: 2, mode: 'fan_in', distribution: 'uniform', seed: 1 }).apply([64, 32])
 * ```
 */
export class VarianceScaling extends RandomInitializer {
  static override readonly className: string = 'VarianceScaling'
  readonly scale: number
  readonly mode: 'fan_in' | 'fan_out' | 'fan_avg'
  readonly distribution: 'truncated_normal' | 'untruncated_normal' | 'uniform'
  readonly inputAxes: readonly number[] | null
  readonly outputAxes: readonly number[] | null
  constructor(args: VarianceScalingArgs = {}) {
    super(args)
    const scale = args.scale ?? 1
    if (!(scale > 0)) throw new InvalidArgumentError(`Argument \`scale\` must be positive float. Received: scale=${fmt(args.scale)}`)
    const mode = args.mode ?? 'fan_in'
    if (!['fan_in', 'fan_out', 'fan_avg'].includes(mode)) throw new InvalidArgumentError(`Invalid \`mode\` argument: ${mode}. Please use one of {'fan_in', 'fan_out', 'fan_avg'}. Received: mode=${fmt(args.mode)}`)
    let dist = (args.distribution ?? 'truncated_normal').toLowerCase()
    if (dist === 'normal') dist = 'truncated_normal'
    if (!['uniform', 'truncated_normal', 'untruncated_normal'].includes(dist)) {
      throw new InvalidArgumentError(`Invalid \`distribution\` argument: ${dist}. Please use one of {'uniform', 'truncated_normal', 'untruncated_normal'}. Received: distribution=${fmt(args.distribution)}`)
    }
    this.scale = scale
    this.mode = mode
    this.distribution = dist as VarianceScaling['distribution']
    this.inputAxes = args.inputAxes ?? null
    this.outputAxes = args.outputAxes ?? null
  }
  override apply(shape: readonly number[], dtype?: DType): Tensor {
    const d = dtype ?? floatx()
    const [fanIn, fanOut] = computeFans(shape, this.inputAxes, this.outputAxes)
    let scale = this.scale
    if (this.mode === 'fan_in') scale /= Math.max(1, fanIn)
    else if (this.mode === 'fan_out') scale /= Math.max(1, fanOut)
    else scale /= Math.max(1, (fanIn + fanOut) / 2)
    if (this.distribution === 'truncated_normal') return truncatedNormal(shape, { stddev: Math.sqrt(scale) / TRUNCATED_STDDEV, dtype: d, seed: this.drawSeed })
    if (this.distribution === 'untruncated_normal') return normal(shape, { stddev: Math.sqrt(scale), dtype: d, seed: this.drawSeed })
    const limit = Math.sqrt(3 * scale)
    return uniform(shape, { minval: -limit, maxval: limit, dtype: d, seed: this.drawSeed })
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale, mode: this.mode, distribution: this.distribution, input_axes: axesConfig(this.inputAxes), output_axes: axesConfig(this.outputAxes) }
  }
}

const axesConfig = (a: readonly number[] | null): number[] | null => (a ? [...a] : null)

/** Options of the Glorot/He/Lecun presets. */
export interface PresetArgs { readonly seed?: InitializerSeed; readonly inputAxes?: readonly number[] | null; readonly outputAxes?: readonly number[] | null }

function preset(className: string, scale: number, mode: 'fan_in' | 'fan_avg', distribution: 'uniform' | 'truncated_normal') {
  return class extends VarianceScaling {
    static override readonly className: string = className
    constructor(args: PresetArgs = {}) { super({ ...args, scale, mode, distribution }) }
    override getConfig(): Record<string, unknown> {
      return { seed: serializeSeed(this.initSeed), input_axes: axesConfig(this.inputAxes), output_axes: axesConfig(this.outputAxes) }
    }
    static override fromConfig(config: Record<string, unknown>): Initializer {
      const { seed, inputAxes, outputAxes } = camelArgs(config) as PresetArgs
      return new this({ seed: seed ?? null, inputAxes: inputAxes ?? null, outputAxes: outputAxes ?? null })
    }
  }
}

/**
 * Glorot (Xavier) uniform: limit √(6 / (fanIn + fanOut)) (Keras `glorot_uniform`, the default kernel initializer).
 *
 * @example
 * ```ts
 * new GlorotUniform({ seed: 1 }).apply([3, 4])
 * ```
 */
export class GlorotUniform extends preset('GlorotUniform', 1, 'fan_avg', 'uniform') {}
/** Glorot (Xavier) truncated normal: stddev √(2 / (fanIn + fanOut)). @example `new GlorotNormal({ seed: 1 }).apply([3, 4])` */
export class GlorotNormal extends preset('GlorotNormal', 1, 'fan_avg', 'truncated_normal') {}
/** He uniform: limit √(6 / fanIn). @example `new HeUniform({ seed: 1 }).apply([3, 4])` */
export class HeUniform extends preset('HeUniform', 2, 'fan_in', 'uniform') {}
/** He truncated normal: stddev √(2 / fanIn). @example `new HeNormal({ seed: 1 }).apply([3, 4])` */
export class HeNormal extends preset('HeNormal', 2, 'fan_in', 'truncated_normal') {}
/** Lecun uniform: limit √(3 / fanIn). @example `new LecunUniform({ seed: 1 }).apply([3, 4])` */
export class LecunUniform extends preset('LecunUniform', 1, 'fan_in', 'uniform') {}
/** Lecun truncated normal: stddev √(1 / fanIn). @example `new LecunNormal({ seed: 1 }).apply([3, 4])` */
export class LecunNormal extends preset('LecunNormal', 1, 'fan_in', 'truncated_normal') {}

/** Options of Orthogonal. */
export interface OrthogonalArgs { readonly gain?: number; readonly seed?: InitializerSeed }

/**
 * A (semi-)orthogonal matrix from the QR decomposition of a normal draw, sign-corrected so R has a
 * positive diagonal, reshaped to `shape` (Keras `orthogonal`).
 *
 * @example
 * ```ts
 * new Orthogonal({ seed: 0 }).apply([4, 4])
 * ```
 */
export class Orthogonal extends RandomInitializer {
  static override readonly className: string = 'Orthogonal'
  readonly gain: number
  constructor(args: OrthogonalArgs = {}) {
    super(args)
    this.gain = args.gain ?? 1
  }
  override apply(shape: readonly number[], dtype?: DType): Tensor {
    if (shape.length < 2) throw new ShapeError(`The tensor to initialize must be at least two-dimensional. Received: shape=${fmt(shape)} of rank ${shape.length}.`)
    const d = dtype ?? floatx()
    const rows = shape.slice(0, -1).reduce((p, x) => p * x, 1)
    const cols = shape.at(-1)!
    const flat = [Math.max(rows, cols), Math.min(rows, cols)]
    const a = normal(flat, { seed: this.drawSeed, dtype: d })
    const [q, r] = bind('qr', [a], { fullMatrices: false }) as [Tensor, Tensor]
    // q · sign(diag(r)): one sign per column.
    const n = flat[1]!
    const eye = lax.eq(lax.iota('int32', [n, n], 0), lax.iota('int32', [n, n], 1))
    const diag = lax.reduceSum(lax.select(eye, r, lax.broadcastInDim(fullOn(r, 0), [n, n], [])), [0])
    let qs = lax.mul(q, lax.broadcastInDim(lax.sign(diag), flat, [1]))
    if (rows < cols) qs = lax.transpose(qs, [1, 0])
    const out = lax.reshape(qs, shape)
    return lax.mul(out, lax.broadcastInDim(fullOn(out, this.gain), shape, []))
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), gain: this.gain } }
}

function fullOn(x: Tensor, v: number): Tensor { return full([], v, x.dtype, x.isSymbolic ? undefined : x.backend) }
