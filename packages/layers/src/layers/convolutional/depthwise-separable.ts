/**
 * @file `DepthwiseConv1D/2D` (Keras `BaseDepthwiseConv`: one `depth_multiplier` filter bank per input
 * channel, weight `kernel`) and `SeparableConv1D/2D` (Keras `BaseSeparableConv`: depthwise then 1×1
 * pointwise, weights `depthwise_kernel`, `pointwise_kernel`, `bias`), on ops-nn's `depthwiseConv` /
 * `separableConv`.
 */
import { InvalidArgumentError, fmt, type Dim, type Tensor, type Variable } from '@kx/core'
import { computeConvOutputShape, depthwiseConv, separableConv } from '@kx/ops-nn'
import { Layer, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import type { ActivationFn } from '../../activations/activations.js'
import {
  constraintArg, initializerArg, regularizerArg, serializeConstraint, serializeInitializer, serializeRegularizer,
  type ConstraintIdentifier, type InitializerIdentifier, type InitializerLike, type RegularizerIdentifier,
} from '../common.js'
import type { Constraint } from '../../constraints/constraints.js'
import type { Regularizer } from '../../regularizers/regularizers.js'
import { biasAndActivation, channelInputSpec, channelsOf, convWindowArgs, convWindowConfig, filtersArg, type ConvCommonArgs } from './conv.js'

/** Options of the depthwise convolutions. */
export interface DepthwiseConvArgs extends ConvCommonArgs {
  /** Output channels per input channel (default 1). */
  readonly depthMultiplier?: number
  readonly depthwiseInitializer?: InitializerIdentifier
  readonly depthwiseRegularizer?: RegularizerIdentifier
  readonly depthwiseConstraint?: ConstraintIdentifier
}

/** Options of the separable convolutions. */
export interface SeparableConvArgs extends DepthwiseConvArgs {
  /** Output channels of the pointwise step. */
  readonly filters: number
  readonly pointwiseInitializer?: InitializerIdentifier
  readonly pointwiseRegularizer?: RegularizerIdentifier
  readonly pointwiseConstraint?: ConstraintIdentifier
}

function depthMultiplierArg(value: unknown): number {
  const m = value ?? 1
  if (!Number.isInteger(m) || (m as number) <= 0) {
    throw new InvalidArgumentError(`Invalid value for argument \`depth_multiplier\`. Expected a strictly positive value. Received depth_multiplier=${fmt(value)}.`)
  }
  return m as number
}

/** State shared by the depthwise and separable layers. */
class DepthwiseBase extends Layer {
  readonly rank: number
  readonly depthMultiplier: number
  // Set from `convWindowArgs` in the constructor.
  readonly kernelSize!: number[]
  readonly strides!: number[]
  readonly dilationRate!: number[]
  readonly padding!: 'valid' | 'same'
  readonly dataFormat!: 'channels_last' | 'channels_first'
  readonly activation!: ActivationFn
  readonly useBias!: boolean
  readonly depthwiseInitializer: InitializerLike
  readonly biasInitializer: InitializerLike
  readonly depthwiseRegularizer: Regularizer | null
  readonly biasRegularizer: Regularizer | null
  readonly depthwiseConstraint: Constraint | null
  readonly biasConstraint: Constraint | null
  bias: Variable | null = null

  constructor(rank: number, args: DepthwiseConvArgs) {
    super(args)
    this.rank = rank
    this.depthMultiplier = depthMultiplierArg(args?.depthMultiplier)
    Object.assign(this, convWindowArgs(rank, args, { allowCausal: false, checkStridesWithDilation: false }))
    this.depthwiseInitializer = initializerArg(args.depthwiseInitializer, 'glorot_uniform', 'depthwise_initializer')
    this.biasInitializer = initializerArg(args.biasInitializer, 'zeros', 'bias_initializer')
    this.depthwiseRegularizer = regularizerArg(args.depthwiseRegularizer)
    this.biasRegularizer = regularizerArg(args.biasRegularizer)
    this.depthwiseConstraint = constraintArg(args.depthwiseConstraint)
    this.biasConstraint = constraintArg(args.biasConstraint)
    this.inputSpec = new InputSpec({ minNdim: rank + 2 })
  }

  protected channels(shape: readonly Dim[]): number {
    const c = channelsOf(shape, this.dataFormat, this.className)
    this.inputSpec = channelInputSpec(this.rank, this.dataFormat, c)
    return c
  }

  protected addBias(n: number): void {
    if (this.useBias) this.bias = this.addWeight({ name: 'bias', shape: [n], initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint })
  }

  protected finish(y: Tensor): Tensor { return biasAndActivation(y, this) }

  protected get convOptions(): { strides: number[]; padding: 'valid' | 'same'; dilationRate: number[]; dataFormat: 'channels_last' | 'channels_first' } {
    return { strides: this.strides, padding: this.padding, dilationRate: this.dilationRate, dataFormat: this.dataFormat }
  }

  protected baseConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      depth_multiplier: this.depthMultiplier,
    }
  }

  protected spatialConfig(): Record<string, unknown> { return convWindowConfig(this) }

  /**
   * The initializer / regularizer / constraint keys of the depthwise kernel, the bias and (separable
   * layers) the pointwise kernel, in Keras's order.
   */
  protected weightsConfig(pointwise?: { initializer: InitializerLike; regularizer: Regularizer | null; constraint: Constraint | null }): Record<string, unknown> {
    return {
      depthwise_initializer: serializeInitializer(this.depthwiseInitializer),
      ...(pointwise ? { pointwise_initializer: serializeInitializer(pointwise.initializer) } : {}),
      bias_initializer: serializeInitializer(this.biasInitializer),
      depthwise_regularizer: serializeRegularizer(this.depthwiseRegularizer),
      ...(pointwise ? { pointwise_regularizer: serializeRegularizer(pointwise.regularizer) } : {}),
      bias_regularizer: serializeRegularizer(this.biasRegularizer),
      activity_regularizer: serializeRegularizer(this.activityRegularizer),
      depthwise_constraint: serializeConstraint(this.depthwiseConstraint),
      ...(pointwise ? { pointwise_constraint: serializeConstraint(pointwise.constraint) } : {}),
      bias_constraint: serializeConstraint(this.biasConstraint),
    }
  }
}

/**
 * The depthwise convolution layer (Keras `BaseDepthwiseConv`). Use `DepthwiseConv1D` / `DepthwiseConv2D`.
 *
 * @example
 * ```ts
 * new DepthwiseConv2D({ kernelSize: 3 }) instanceof BaseDepthwiseConv // true
 * ```
 */
export class BaseDepthwiseConv extends DepthwiseBase {
  static readonly className: string = 'BaseDepthwiseConv'
  /** The depthwise kernel `[...kernelSize, inChannels, depthMultiplier]` (Keras names it `kernel`). */
  kernel!: Variable

  override build(inputShape: ShapeLike): void {
    const shape = inputShape as readonly Dim[]
    const c = this.channels(shape)
    this.computeOutputShape(shape)
    this.kernel = this.addWeight({
      name: 'kernel', shape: [...this.kernelSize, c, this.depthMultiplier], initializer: this.depthwiseInitializer,
      regularizer: this.depthwiseRegularizer, constraint: this.depthwiseConstraint,
    })
    this.addBias(c * this.depthMultiplier)
    this.built = true
  }

  override call(inputs: unknown): Tensor {
    return this.finish(depthwiseConv(inputs as Tensor, this.kernel.value, this.convOptions))
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const s = inputShape as readonly Dim[]
    const c = this.dataFormat === 'channels_last' ? s.at(-1) : s[1]
    return computeConvOutputShape(s, c === null || c === undefined ? null : c * this.depthMultiplier, this.kernelSize, this.convOptions)
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), ...this.spatialConfig(), ...this.weightsConfig() }
  }
}

/**
 * Depthwise 1D convolution (Keras `DepthwiseConv1D`).
 *
 * @example
 * ```ts
 * new DepthwiseConv1D({ kernelSize: 3, depthMultiplier: 2 }).apply(ops.ones([1, 8, 4])) // [1, 6, 8]
 * ```
 */
export class DepthwiseConv1D extends BaseDepthwiseConv {
  static override readonly className: string = 'DepthwiseConv1D'
  constructor(args: DepthwiseConvArgs) { super(1, args) }
}

/**
 * Depthwise 2D convolution (Keras `DepthwiseConv2D`).
 *
 * When to use: MobileNet-style blocks, with a 1×1 convolution after it.
 *
 * @example
 * ```ts
 * new DepthwiseConv2D({ kernelSize: 3, padding: 'same' }).apply(ops.ones([1, 8, 8, 16])) // [1, 8, 8, 16]
 * ```
 */
export class DepthwiseConv2D extends BaseDepthwiseConv {
  static override readonly className: string = 'DepthwiseConv2D'
  constructor(args: DepthwiseConvArgs) { super(2, args) }
}

/**
 * The separable convolution layer (Keras `BaseSeparableConv`). Use `SeparableConv1D` / `SeparableConv2D`.
 *
 * @example
 * ```ts
 * new SeparableConv2D({ filters: 8, kernelSize: 3 }) instanceof BaseSeparableConv // true
 * ```
 */
export class BaseSeparableConv extends DepthwiseBase {
  static readonly className: string = 'BaseSeparableConv'
  readonly filters: number
  readonly pointwiseInitializer: InitializerLike
  readonly pointwiseRegularizer: Regularizer | null
  readonly pointwiseConstraint: Constraint | null
  depthwiseKernel!: Variable
  pointwiseKernel!: Variable

  constructor(rank: number, args: SeparableConvArgs) {
    super(rank, args)
    this.filters = filtersArg(args.filters)
    this.pointwiseInitializer = initializerArg(args.pointwiseInitializer, 'glorot_uniform', 'pointwise_initializer')
    this.pointwiseRegularizer = regularizerArg(args.pointwiseRegularizer)
    this.pointwiseConstraint = constraintArg(args.pointwiseConstraint)
  }

  override build(inputShape: ShapeLike): void {
    const shape = inputShape as readonly Dim[]
    const c = this.channels(shape)
    this.computeOutputShape(shape)
    this.depthwiseKernel = this.addWeight({
      name: 'depthwise_kernel', shape: [...this.kernelSize, c, this.depthMultiplier], initializer: this.depthwiseInitializer,
      regularizer: this.depthwiseRegularizer, constraint: this.depthwiseConstraint,
    })
    this.pointwiseKernel = this.addWeight({
      name: 'pointwise_kernel', shape: [...Array<number>(this.rank).fill(1), c * this.depthMultiplier, this.filters], initializer: this.pointwiseInitializer,
      regularizer: this.pointwiseRegularizer, constraint: this.pointwiseConstraint,
    })
    this.addBias(this.filters)
    this.built = true
  }

  override call(inputs: unknown): Tensor {
    return this.finish(separableConv(inputs as Tensor, this.depthwiseKernel.value, this.pointwiseKernel.value, this.convOptions))
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    return computeConvOutputShape(inputShape as readonly Dim[], this.filters, this.kernelSize, this.convOptions)
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      filters: this.filters,
      ...this.spatialConfig(),
      ...this.weightsConfig({ initializer: this.pointwiseInitializer, regularizer: this.pointwiseRegularizer, constraint: this.pointwiseConstraint }),
    }
  }
}

/**
 * Depthwise-separable 1D convolution (Keras `SeparableConv1D`, alias `SeparableConvolution1D`).
 *
 * @example
 * ```ts
 * new SeparableConv1D({ filters: 8, kernelSize: 3 }).apply(ops.ones([1, 10, 4])) // [1, 8, 8]
 * ```
 */
export class SeparableConv1D extends BaseSeparableConv {
  static override readonly className: string = 'SeparableConv1D'
  constructor(args: SeparableConvArgs) { super(1, args) }
}

/**
 * Depthwise-separable 2D convolution (Keras `SeparableConv2D`, alias `SeparableConvolution2D`).
 *
 * When to use: cheaper drop-in for Conv2D (Xception-style blocks).
 *
 * @example
 * ```ts
 * new SeparableConv2D({ filters: 16, kernelSize: 3, padding: 'same' }).apply(ops.ones([1, 8, 8, 4])) // [1, 8, 8, 16]
 * ```
 */
export class SeparableConv2D extends BaseSeparableConv {
  static override readonly className: string = 'SeparableConv2D'
  constructor(args: SeparableConvArgs) { super(2, args) }
}
