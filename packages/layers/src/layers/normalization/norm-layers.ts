/**
 * @file Per-sample normalization layers: `LayerNormalization` (incl. the deprecated `rms_scaling`),
 * `RMSNormalization`, `GroupNormalization` and `UnitNormalization` (Keras `keras.layers.*`), on
 * ops-nn's `layerNormalization` / `rmsNormalization` / `moments` / `normalize`.
 */
import { InvalidArgumentError, ShapeError, fmt, resultType, type Dim, type Tensor, type Variable } from '@kx/core'
import { layerNormalization, moments, normalize, rmsNormalization } from '@kx/ops-nn'
import { add, cast, multiply, negative, reshape, rsqrt, variance } from '@kx/ops-numpy'
import { Layer, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import {
  constraintArg, initializerArg, regularizerArg, serializeConstraint, serializeInitializer, serializeRegularizer,
  type ConstraintIdentifier, type InitializerIdentifier, type InitializerLike, type RegularizerIdentifier, type ZooLayerArgs,
} from '../common.js'
import type { Constraint } from '../../constraints/constraints.js'
import type { Regularizer } from '../../regularizers/regularizers.js'

/** An axis or a list of axes. */
export type AxisArg = number | readonly number[]

function axisArg(axis: unknown, layer: string): number | number[] {
  if (Number.isInteger(axis)) return axis as number
  if (Array.isArray(axis) && axis.every((a) => Number.isInteger(a))) return [...(axis as number[])]
  throw new InvalidArgumentError(`${layer}: expected an int or a list/tuple of ints for the argument \`axis\`. Received: axis=${fmt(axis)}`)
}

function checkAxes(axis: number | readonly number[], shape: readonly Dim[]): void {
  for (const a of typeof axis === 'number' ? [axis] : axis) {
    if (a >= shape.length || a < -shape.length) throw new ShapeError(`Axis ${a} is out of bounds for input shape ${fmt(shape)}. Received: axis=${fmt(axis)}`)
  }
}

/** Sorted axes and the weight shape they select (Keras's build of the per-feature norms). */
function featureShape(axis: number | readonly number[], shape: readonly Dim[], layer: string): { axes: number[]; shape: number[] } {
  checkAxes(axis, shape)
  const axes = typeof axis === 'number' ? [axis] : [...axis].sort((a, b) => a - b)
  const dims = axes.map((a) => shape[a < 0 ? shape.length + a : a])
  if (dims.some((d) => typeof d !== 'number')) {
    throw new InvalidArgumentError(`${layer}: the normalized axes of the input must be defined. Received: input_shape=${fmt(shape)}, axis=${fmt(axis)}`)
  }
  return { axes, shape: dims as number[] }
}

/** Options of the affine normalization layers (gamma / beta). */
export interface AffineNormArgs extends ZooLayerArgs {
  readonly epsilon?: number
  /** Learn an offset `beta` (default true). */
  readonly center?: boolean
  /** Learn a scale `gamma` (default true). */
  readonly scale?: boolean
  readonly betaInitializer?: InitializerIdentifier
  readonly gammaInitializer?: InitializerIdentifier
  readonly betaRegularizer?: RegularizerIdentifier
  readonly gammaRegularizer?: RegularizerIdentifier
  readonly betaConstraint?: ConstraintIdentifier
  readonly gammaConstraint?: ConstraintIdentifier
}

/** Gamma/beta arguments shared by LayerNormalization and GroupNormalization. */
class AffineNorm extends Layer {
  readonly epsilon: number
  readonly center: boolean
  readonly scale: boolean
  readonly betaInitializer: InitializerLike
  readonly gammaInitializer: InitializerLike
  readonly betaRegularizer: Regularizer | null
  readonly gammaRegularizer: Regularizer | null
  readonly betaConstraint: Constraint | null
  readonly gammaConstraint: Constraint | null
  gamma: Variable | null = null
  beta: Variable | null = null

  constructor(args: AffineNormArgs) {
    // Keras sets `autocast = False`: inputs and gamma/beta stay in their dtypes; outputs are cast to the compute dtype.
    super({ ...args, autocast: false })
    this.epsilon = args.epsilon ?? 1e-3
    this.center = args.center ?? true
    this.scale = args.scale ?? true
    this.betaInitializer = initializerArg(args.betaInitializer, 'zeros', 'beta_initializer')
    this.gammaInitializer = initializerArg(args.gammaInitializer, 'ones', 'gamma_initializer')
    this.betaRegularizer = regularizerArg(args.betaRegularizer)
    this.gammaRegularizer = regularizerArg(args.gammaRegularizer)
    this.betaConstraint = constraintArg(args.betaConstraint)
    this.gammaConstraint = constraintArg(args.gammaConstraint)
    this.supportsMasking = true
  }

  protected addGamma(shape: readonly number[]): void {
    this.gamma = this.addWeight({ name: 'gamma', shape, initializer: this.gammaInitializer, regularizer: this.gammaRegularizer, constraint: this.gammaConstraint })
  }
  protected addBeta(shape: readonly number[]): void {
    this.beta = this.addWeight({ name: 'beta', shape, initializer: this.betaInitializer, regularizer: this.betaRegularizer, constraint: this.betaConstraint })
  }

  protected affineConfig(): Record<string, unknown> {
    return {
      beta_initializer: serializeInitializer(this.betaInitializer),
      gamma_initializer: serializeInitializer(this.gammaInitializer),
      beta_regularizer: serializeRegularizer(this.betaRegularizer),
      gamma_regularizer: serializeRegularizer(this.gammaRegularizer),
      beta_constraint: serializeConstraint(this.betaConstraint),
      gamma_constraint: serializeConstraint(this.gammaConstraint),
    }
  }
}

/** Options of `LayerNormalization`. */
export interface LayerNormalizationArgs extends AffineNormArgs {
  /** Axis or axes to normalize over (default -1). */
  readonly axis?: AxisArg
  /** Deprecated in Keras: scales by `rsqrt(variance + epsilon)` without centering (prefer `RMSNormalization`). */
  readonly rmsScaling?: boolean
}

/**
 * Layer normalization (Keras `LayerNormalization`): normalizes each sample over `axis` to zero mean
 * and unit variance, then applies `gamma` and `beta`. Computed in at least float32.
 *
 * When to use: transformers and RNNs, where batch statistics are unsuitable.
 *
 * @example
 * ```ts
 * new LayerNormalization({ epsilon: 1e-6 }).apply(ops.ones([2, 5, 8])) // [2, 5, 8]
 * ```
 */
export class LayerNormalization extends AffineNorm {
  static readonly className: string = 'LayerNormalization'
  /** The axis argument; after build, the sorted list of axes (as Keras stores it). */
  axis: number | number[]
  readonly rmsScaling: boolean

  constructor(args: LayerNormalizationArgs = {}) {
    super(args)
    this.axis = axisArg(args.axis ?? -1, 'LayerNormalization')
    this.rmsScaling = args.rmsScaling ?? false
  }

  override build(inputShape: ShapeLike): void {
    const { axes, shape } = featureShape(this.axis, inputShape as readonly Dim[], 'LayerNormalization')
    this.axis = axes
    if (this.scale || this.rmsScaling) this.addGamma(shape)
    if (this.center && !this.rmsScaling) this.addBeta(shape)
    this.built = true
  }

  override call(inputs: unknown): Tensor {
    const x = inputs as Tensor
    const gamma = this.gamma ? this.gamma.rawValue : null
    let y: Tensor
    if (this.rmsScaling) {
      const t = cast(x, resultType(x.dtype, 'float32'))
      y = multiply(t, rsqrt(add(variance(t, { axis: this.axis, keepdims: true }), this.epsilon)))
      if (gamma) y = multiply(y, cast(broadcastFeature(gamma, this.axis as number[], t.ndim, t.shape), t.dtype))
      y = cast(y, x.dtype)
    } else {
      y = layerNormalization(x, { gamma, beta: this.beta ? this.beta.rawValue : null, axis: this.axis, epsilon: this.epsilon })
    }
    return cast(y, this.computeDtype)
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    checkAxes(this.axis, inputShape as readonly Dim[])
    return (inputShape as readonly Dim[]).slice()
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: typeof this.axis === 'number' ? this.axis : this.axis.slice(),
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      rms_scaling: this.rmsScaling,
      ...this.affineConfig(),
    }
  }
}

/** Reshapes a per-feature vector (shape of the `axes` dims) to broadcast against a rank-`ndim` input. */
function broadcastFeature(v: Tensor, axes: readonly number[], ndim: number, shape: readonly Dim[]): Tensor {
  const norm = axes.map((a) => (a < 0 ? ndim + a : a))
  if (norm.length === 1 && norm[0] === ndim - 1) return v
  return reshape(v, shape.map((d, i) => (norm.includes(i) ? (d as number) : 1)))
}

/** Options of `RMSNormalization`. */
export interface RMSNormalizationArgs extends LayerArgs {
  /** Axis or axes to normalize over (default -1). */
  readonly axis?: AxisArg
  /** Added to the mean square (default 1e-6). */
  readonly epsilon?: number
}

/**
 * Root-mean-square normalization (Keras `RMSNormalization`): `x / sqrt(mean(x²) + epsilon) · scale`
 * over `axis`, with a learned `scale` (initialized to ones).
 *
 * When to use: modern transformer blocks (LLaMA-style), cheaper than LayerNormalization.
 *
 * @example
 * ```ts
 * new RMSNormalization().apply(ops.ones([2, 8])) // [2, 8]
 * ```
 */
export class RMSNormalization extends Layer {
  static readonly className: string = 'RMSNormalization'
  /** The axis argument; after build, the sorted list of axes (as Keras stores it). */
  axis: number | number[]
  readonly epsilon: number
  scale!: Variable

  constructor(args: RMSNormalizationArgs = {}) {
    super(args)
    this.axis = axisArg(args.axis ?? -1, 'RMSNormalization')
    this.epsilon = args.epsilon ?? 1e-6
  }

  override build(inputShape: ShapeLike): void {
    const { axes, shape } = featureShape(this.axis, inputShape as readonly Dim[], 'RMSNormalization')
    this.axis = axes
    this.scale = this.addWeight({ name: 'scale', shape, initializer: initializerArg('ones', 'ones', 'initializer') })
    this.built = true
  }

  override call(inputs: unknown): Tensor {
    const x = inputs as Tensor
    const axes = this.axis as number[]
    return rmsNormalization(x, { scale: broadcastFeature(this.scale.value, axes, x.ndim, x.shape), axis: axes, epsilon: this.epsilon })
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    checkAxes(this.axis, inputShape as readonly Dim[])
    return (inputShape as readonly Dim[]).slice()
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: typeof this.axis === 'number' ? this.axis : this.axis.slice(), epsilon: this.epsilon }
  }
}

/** Options of `GroupNormalization`. */
export interface GroupNormalizationArgs extends AffineNormArgs {
  /** Number of channel groups (default 32; -1: one group per channel, i.e. instance normalization). */
  readonly groups?: number
  /** The channel axis (default -1). */
  readonly axis?: number
}

/**
 * Group normalization (Keras `GroupNormalization`): splits the channels along `axis` into `groups`
 * and normalizes each sample's groups to zero mean and unit variance, then applies per-channel
 * `gamma` and `beta`. `groups: -1` is instance normalization; `groups: 1` is like layer norm.
 *
 * When to use: convnets trained with small batches, where BatchNormalization's statistics are noisy.
 *
 * @example
 * ```ts
 * new GroupNormalization({ groups: 2 }).apply(ops.ones([2, 4, 4, 8])) // [2, 4, 4, 8]
 * ```
 */
export class GroupNormalization extends AffineNorm {
  static readonly className: string = 'GroupNormalization'
  /** The group count (`-1` is replaced by the channel count at build, as in Keras). */
  groups: number
  readonly axis: number

  constructor(args: GroupNormalizationArgs = {}) {
    const groups = args.groups ?? 32
    if (!Number.isInteger(groups) || (groups <= 0 && groups !== -1)) {
      throw new InvalidArgumentError(`Received an invalid value for argument \`groups\`, expected a positive integer (or \`-1\` for instance normalization). Received: groups=${fmt(args.groups)}`)
    }
    super(args)
    this.groups = groups
    this.axis = args.axis ?? -1
    if (!Number.isInteger(this.axis)) throw new InvalidArgumentError(`GroupNormalization: \`axis\` must be an integer. Received: axis=${fmt(args.axis)}`)
  }

  override build(inputShape: ShapeLike): void {
    const s = inputShape as readonly Dim[]
    checkAxes(this.axis, s)
    const dim = s[this.axis < 0 ? s.length + this.axis : this.axis]
    if (typeof dim !== 'number') {
      throw new InvalidArgumentError(`Axis ${this.axis} of input tensor should have a defined dimension but the layer received an input with shape ${fmt(s)}.`)
    }
    if (this.groups === -1) this.groups = dim
    if (dim < this.groups) throw new InvalidArgumentError(`Number of groups (${this.groups}) cannot be more than the number of channels (${dim}).`)
    if (dim % this.groups !== 0) throw new InvalidArgumentError(`Number of groups (${this.groups}) must be a multiple of the number of channels (${dim}).`)
    this.inputSpec = new InputSpec({ ndim: s.length, axes: { [this.axis]: dim } })
    if (this.scale) this.addGamma([dim])
    if (this.center) this.addBeta([dim])
    this.built = true
  }

  override call(inputs: unknown): Tensor {
    const x = inputs as Tensor
    const nd = x.ndim
    const ax = this.axis < 0 ? nd + this.axis : this.axis
    const c = x.shape[ax]!
    // [batch, ..., groups, c / groups, ...]: statistics over every axis but batch and the group axis.
    const grouped = [...x.shape.slice(0, ax), this.groups, c / this.groups, ...x.shape.slice(ax + 1)]
    const bshape = grouped.map((_, i) => (i === ax ? this.groups : i === ax + 1 ? c / this.groups : 1))
    const reduce = grouped.map((_, i) => i).filter((i) => i !== 0 && i !== ax)
    const dt = resultType(x.dtype, 'float32')
    const xg = cast(reshapeKeepBatch(x, grouped), dt)
    const [mean, vari] = moments(xg, reduce, { keepdims: true })
    let inv = rsqrt(add(vari, this.epsilon))
    if (this.gamma) inv = multiply(inv, cast(reshape(this.gamma.rawValue, bshape), dt))
    let res = multiply(negative(mean), inv)
    if (this.beta) res = add(res, cast(reshape(this.beta.rawValue, bshape), dt))
    const y = cast(add(multiply(xg, inv), res), x.dtype)
    return cast(reshapeKeepBatch(y, x.shape), this.computeDtype)
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    checkAxes(this.axis, inputShape as readonly Dim[])
    return (inputShape as readonly Dim[]).slice()
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), groups: this.groups, axis: this.axis, epsilon: this.epsilon, center: this.center, scale: this.scale, ...this.affineConfig(),
    }
  }
}

/** Reshape whose leading (batch) dim may be unknown: it becomes -1. */
function reshapeKeepBatch(x: Tensor, shape: readonly Dim[]): Tensor {
  return reshape(x, shape.map((d, i) => (i === 0 || d === null ? -1 : d)))
}

/** Options of `UnitNormalization`. */
export interface UnitNormalizationArgs extends LayerArgs {
  /** Axis or axes along which to normalize (default -1). */
  readonly axis?: AxisArg
}

/**
 * Scales each sample to unit L2 norm along `axis` (Keras `UnitNormalization`).
 *
 * When to use: embeddings compared by cosine similarity.
 *
 * @example
 * ```ts
 * new UnitNormalization().apply(ops.convertToTensor([[3, 4]])) // [[0.6, 0.8]]
 * ```
 */
export class UnitNormalization extends Layer {
  static readonly className: string = 'UnitNormalization'
  readonly axis: number | number[]

  constructor(args: UnitNormalizationArgs = {}) {
    super(args)
    this.axis = axisArg(args.axis ?? -1, 'UnitNormalization')
    this.supportsMasking = true
    this.built = true
  }

  override call(inputs: unknown): Tensor {
    return normalize(inputs as Tensor, { axis: this.axis, order: 2, epsilon: 1e-12 })
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    checkAxes(this.axis, inputShape as readonly Dim[])
    return (inputShape as readonly Dim[]).slice()
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: typeof this.axis === 'number' ? this.axis : this.axis.slice() }
  }
}
