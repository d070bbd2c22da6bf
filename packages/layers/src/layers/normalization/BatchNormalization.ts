/**
 * @file `BatchNormalization` (Keras `keras.layers.BatchNormalization`): normalizes with the batch's
 * statistics while training (updating `moving_mean` / `moving_variance` by `momentum`) and with the
 * moving statistics at inference; batch renormalization (`renorm`) and masks as in Keras 3.
 */
import { InvalidArgumentError, ShapeError, epsilon as configEpsilon, fmt, isTracing, resultType, type DType, type Dim, type Tensor, type Variable } from '@kx/core'
import { batchNormalization, moments, relu } from '@kx/ops-nn'
import {
  add, broadcastTo, cast, clip, divide, expandDims, maximum, minimum, multiply, sqrt, square, squeeze, stopGradient, subtract, sum, where,
} from '@kx/ops-numpy'
import { Layer, type CallOptions, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import {
  constraintArg, initializerArg, regularizerArg, serializeConstraint, serializeInitializer, serializeRegularizer,
  type ConstraintIdentifier, type InitializerIdentifier, type InitializerLike, type RegularizerIdentifier, type ZooLayerArgs,
} from '../common.js'
import type { Constraint } from '../../constraints/constraints.js'
import type { Regularizer } from '../../regularizers/regularizers.js'

/** `renorm_clipping` bounds of batch renormalization. */
export interface RenormClipping {
  readonly rmax?: number | null
  readonly rmin?: number | null
  readonly dmax?: number | null
}

/** Options of `BatchNormalization` (Keras's arguments, camelCased). */
export interface BatchNormalizationArgs extends ZooLayerArgs {
  /** The feature axis (default -1; use 1 for channels_first images). */
  readonly axis?: number
  /** Moving-average momentum (default 0.99). */
  readonly momentum?: number
  /** Added to the variance (default 1e-3). */
  readonly epsilon?: number
  /** Learn an offset `beta` (default true). */
  readonly center?: boolean
  /** Learn a scale `gamma` (default true). */
  readonly scale?: boolean
  readonly betaInitializer?: InitializerIdentifier
  readonly gammaInitializer?: InitializerIdentifier
  readonly movingMeanInitializer?: InitializerIdentifier
  readonly movingVarianceInitializer?: InitializerIdentifier
  readonly betaRegularizer?: RegularizerIdentifier
  readonly gammaRegularizer?: RegularizerIdentifier
  readonly betaConstraint?: ConstraintIdentifier
  readonly gammaConstraint?: ConstraintIdentifier
  /** Batch renormalization (default false). */
  readonly renorm?: boolean
  readonly renormClipping?: RenormClipping | null
  readonly renormMomentum?: number
  /** Cross-replica statistics; kx runs on one device, so this only round-trips in the config. */
  readonly synchronized?: boolean
}

/**
 * Batch normalization: `gamma · (x − mean) / sqrt(variance + epsilon) + beta` along `axis`.
 * Training calls (`{ training: true }` on a trainable layer) use the batch's moments and update
 * `movingMean ← movingMean · momentum + mean · (1 − momentum)` (likewise the variance); other
 * calls use the moving statistics. Weights: gamma, beta, moving_mean, moving_variance.
 *
 * When to use: between a convolution and its activation in convnets.
 *
 * @example
 * ```ts
 * const bn = new BatchNormalization()
 * const y = bn.apply(x, { training: true }) // updates bn.movingMean / bn.movingVariance
 * ```
 */
export class BatchNormalization extends Layer {
  static readonly className: string = 'BatchNormalization'
  readonly axis: number
  readonly momentum: number
  readonly epsilon: number
  readonly center: boolean
  readonly scale: boolean
  readonly betaInitializer: InitializerLike
  readonly gammaInitializer: InitializerLike
  readonly movingMeanInitializer: InitializerLike
  readonly movingVarianceInitializer: InitializerLike
  readonly betaRegularizer: Regularizer | null
  readonly gammaRegularizer: Regularizer | null
  readonly betaConstraint: Constraint | null
  readonly gammaConstraint: Constraint | null
  readonly renorm: boolean
  readonly renormClipping: RenormClipping | null
  readonly renormMomentum: number
  readonly synchronized: boolean
  gamma: Variable | null = null
  beta: Variable | null = null
  movingMean!: Variable
  movingVariance!: Variable
  movingStddev: Variable | null = null
  renormMean: Variable | null = null
  renormStddev: Variable | null = null
  private reductionAxes: number[] = []

  constructor(args: BatchNormalizationArgs = {}) {
    super(args)
    this.axis = args.axis ?? -1
    if (!Number.isInteger(this.axis)) throw new InvalidArgumentError(`BatchNormalization: \`axis\` must be an integer. Received: axis=${fmt(args.axis)}`)
    this.momentum = args.momentum ?? 0.99
    this.epsilon = args.epsilon ?? 1e-3
    this.center = args.center ?? true
    this.scale = args.scale ?? true
    this.betaInitializer = initializerArg(args.betaInitializer, 'zeros', 'beta_initializer')
    this.gammaInitializer = initializerArg(args.gammaInitializer, 'ones', 'gamma_initializer')
    this.movingMeanInitializer = initializerArg(args.movingMeanInitializer, 'zeros', 'moving_mean_initializer')
    this.movingVarianceInitializer = initializerArg(args.movingVarianceInitializer, 'ones', 'moving_variance_initializer')
    this.betaRegularizer = regularizerArg(args.betaRegularizer)
    this.gammaRegularizer = regularizerArg(args.gammaRegularizer)
    this.betaConstraint = constraintArg(args.betaConstraint)
    this.gammaConstraint = constraintArg(args.gammaConstraint)
    this.synchronized = args.synchronized ?? false
    this.renorm = args.renorm ?? false
    this.renormMomentum = args.renormMomentum ?? 0.99
    let clipping = args.renormClipping ?? null
    if (this.renorm) {
      clipping = clipping ?? {}
      const bad = Object.keys(clipping).filter((k) => !['rmax', 'rmin', 'dmax'].includes(k))
      if (bad.length) throw new InvalidArgumentError(`Received invalid keys for \`renorm_clipping\` argument: ${fmt(clipping)}. Supported values: ["rmax", "rmin", "dmax"].`)
      const { rmax, rmin, dmax } = clipping
      if (rmax != null && rmin != null && rmax < rmin) {
        throw new InvalidArgumentError(`rmax should be greater than rmin in the \`renorm_clipping\` argument. Received: rmax=${rmax}, rmin=${rmin}.`)
      }
      if (dmax != null && dmax < 0) throw new InvalidArgumentError(`dmax should be non-negative in the \`renorm_clipping\` argument. Received: dmax=${dmax}.`)
    }
    this.renormClipping = clipping
    this.supportsMasking = true
  }

  override build(inputShape: ShapeLike): void {
    const s = inputShape as readonly Dim[]
    const ax = this.axis < 0 ? s.length + this.axis : this.axis
    const dim = s[ax]
    if (ax < 0 || ax >= s.length) throw new ShapeError(`Axis ${this.axis} is out of bounds for input shape ${fmt(s)}. Received: axis=${this.axis}`)
    if (typeof dim !== 'number') throw new InvalidArgumentError(`BatchNormalization: the feature axis ${this.axis} of the input must be defined. Received: input_shape=${fmt(s)}`)
    const shape = [dim]
    if (this.scale) this.gamma = this.addWeight({ name: 'gamma', shape, initializer: this.gammaInitializer, regularizer: this.gammaRegularizer, constraint: this.gammaConstraint })
    if (this.center) this.beta = this.addWeight({ name: 'beta', shape, initializer: this.betaInitializer, regularizer: this.betaRegularizer, constraint: this.betaConstraint })
    this.movingMean = this.addWeight({ name: 'moving_mean', shape, initializer: this.movingMeanInitializer, trainable: false })
    this.movingVariance = this.addWeight({ name: 'moving_variance', shape, initializer: this.movingVarianceInitializer, trainable: false })
    if (this.renorm) {
      // NOTE: Keras initializes the stddev slots with sqrt(moving_variance_initializer(shape)).
      const stddevInit = (sh: readonly number[], d: DType): Tensor => sqrt(initValue(this.movingVarianceInitializer, sh, d))
      this.movingStddev = this.addWeight({ name: 'moving_stddev', shape, initializer: stddevInit, trainable: false })
      this.renormMean = this.addWeight({ name: 'renorm_mean', shape, initializer: this.movingMeanInitializer, trainable: false })
      this.renormStddev = this.addWeight({ name: 'renorm_stddev', shape, initializer: stddevInit, trainable: false })
    }
    this.inputSpec = new InputSpec({ ndim: s.length, axes: { [this.axis]: dim } })
    this.reductionAxes = s.map((_, i) => i).filter((i) => i !== ax)
    this.built = true
  }

  override call(inputs: unknown, options: CallOptions = {}): Tensor {
    const x0 = inputs as Tensor
    const mask = (options.mask ?? null) as Tensor | null
    if (mask && mask.ndim !== x0.ndim - 1) {
      throw new ShapeError(`The mask provided should be one dimension less than the inputs. Received: mask.shape=${fmt(mask.shape)}, inputs.shape=${fmt(x0.shape)}`)
    }
    // Statistics and the affine transform run in at least float32 (variables read without autocast).
    const x = cast(x0, resultType(x0.dtype, 'float32'))
    const dt = x.dtype
    const movingMean = cast(this.movingMean.rawValue, dt)
    const movingVariance = cast(this.movingVariance.rawValue, dt)
    let gamma: Tensor | null = this.gamma ? cast(this.gamma.rawValue, dt) : null
    let beta: Tensor | null = this.beta ? cast(this.beta.rawValue, dt) : null
    let mean: Tensor
    let variance: Tensor
    if (options.training && this.trainable) {
      ;[mean, variance] = this.moments(x, mask)
      // Symbolic graph building records no update; a trace (jit, compiled fit) does.
      const update = !x.isSymbolic || isTracing()
      if (this.renorm) {
        const [r, d] = this.renormCorrection(mean, variance)
        ;[gamma, beta] = composeTransforms(stopGradient(r), stopGradient(d), gamma, beta)
        if (update) this.updateRenormStatistics(mean, variance)
      } else if (update) {
        const m = this.momentum
        this.movingMean.assign(add(multiply(movingMean, m), multiply(stopGradient(mean), 1 - m)))
        this.movingVariance.assign(add(multiply(movingVariance, m), multiply(stopGradient(variance), 1 - m)))
      }
    } else {
      mean = movingMean
      variance = movingVariance
    }
    const y = batchNormalization(x, mean, variance, this.axis, { offset: beta, scale: gamma, epsilon: this.epsilon })
    return cast(y, this.computeDtype)
  }

  private moments(x: Tensor, mask: Tensor | null): [Tensor, Tensor] {
    if (!mask) return moments(x, this.reductionAxes, { synchronized: this.synchronized })
    const m = cast(broadcastTo(expandDims(mask, -1), x.shape), 'bool')
    const weights = add(sum(cast(m, x.dtype), { axis: this.reductionAxes, keepdims: true }), configEpsilon())
    const mean = divide(sum(where(m, x, 0) as Tensor, { axis: this.reductionAxes, keepdims: true }), weights)
    const diff = where(m, subtract(x, mean), 0) as Tensor
    const variance = divide(sum(square(diff), { axis: this.reductionAxes, keepdims: true }), weights)
    return [squeeze(mean), squeeze(variance)]
  }

  private renormCorrection(mean: Tensor, variance: Tensor): [Tensor, Tensor] {
    const stddev = sqrt(add(variance, this.epsilon))
    const renormMean = cast(this.renormMean!.rawValue, mean.dtype)
    const renormStddev = maximum(cast(this.renormStddev!.rawValue, mean.dtype), Math.sqrt(this.epsilon))
    let r = divide(stddev, renormStddev)
    let d = divide(subtract(mean, renormMean), renormStddev)
    const { rmin, rmax, dmax } = this.renormClipping ?? {}
    if (rmin != null) r = maximum(r, rmin)
    if (rmax != null) r = minimum(r, rmax)
    if (dmax != null) d = clip(d, -dmax, dmax)
    return [r, d]
  }

  private updateRenormStatistics(mean0: Tensor, variance0: Tensor): void {
    const mean = stopGradient(mean0)
    const stddev = sqrt(add(stopGradient(variance0), this.epsilon))
    const ema = (old: Variable, value: Tensor, momentum: number): Tensor => add(multiply(cast(old.rawValue, value.dtype), momentum), multiply(value, 1 - momentum))
    this.renormMean!.assign(ema(this.renormMean!, mean, this.renormMomentum))
    this.renormStddev!.assign(ema(this.renormStddev!, stddev, this.renormMomentum))
    this.movingMean.assign(ema(this.movingMean, mean, this.momentum))
    const newStddev = ema(this.movingStddev!, stddev, this.momentum)
    this.movingStddev!.assign(newStddev)
    this.movingVariance.assign(relu(subtract(multiply(newStddev, newStddev), this.epsilon)))
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const s = inputShape as readonly Dim[]
    if (this.axis >= s.length || this.axis < -s.length) throw new ShapeError(`Axis ${this.axis} is out of bounds for input shape ${fmt(s)}. Received: axis=${this.axis}`)
    return s.slice()
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: serializeInitializer(this.betaInitializer),
      gamma_initializer: serializeInitializer(this.gammaInitializer),
      moving_mean_initializer: serializeInitializer(this.movingMeanInitializer),
      moving_variance_initializer: serializeInitializer(this.movingVarianceInitializer),
      beta_regularizer: serializeRegularizer(this.betaRegularizer),
      gamma_regularizer: serializeRegularizer(this.gammaRegularizer),
      beta_constraint: serializeConstraint(this.betaConstraint),
      gamma_constraint: serializeConstraint(this.gammaConstraint),
      synchronized: this.synchronized,
      renorm: this.renorm,
      renorm_clipping: this.renormClipping === null ? null : { ...this.renormClipping },
      renorm_momentum: this.renormMomentum,
    }
  }
}

function initValue(init: InitializerLike, shape: readonly number[], dtype: DType): Tensor {
  return typeof init === 'function' ? init(shape, dtype) : init.apply(shape, dtype)
}

/** Renorm's effective scale and offset: `gamma' = r · gamma`, `beta' = d · gamma + beta`. */
function composeTransforms(r: Tensor, d: Tensor, gamma: Tensor | null, beta: Tensor | null): [Tensor, Tensor] {
  const g = gamma ? multiply(r, gamma) : r
  let b = gamma ? multiply(d, gamma) : d
  if (beta) b = add(b, beta)
  return [g, b]
}
