/** @file Activation layers: Activation, ELU, LeakyReLU, PReLU, ReLU, Softmax (Keras `keras.layers.*`). */
import { InvalidArgumentError, ShapeError, fmt, isBool, type Dim, type Tensor, type Variable } from '@kx/core'
import { Layer, type CallOptions, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import * as activations from '../../activations/activations.js'
import type { ActivationFn, ActivationIdentifier } from '../../activations/activations.js'
import {
  constraintArg, initializerArg, regularizerArg, serializeConstraint, serializeInitializer, serializeRegularizer,
  type ConstraintIdentifier, type InitializerIdentifier, type InitializerLike, type RegularizerIdentifier,
} from '../common.js'
import type { Constraint } from '../../constraints/constraints.js'
import type { Regularizer } from '../../regularizers/regularizers.js'
import { add, exp, greater, logsumexp, multiply, negative, subtract, where } from '@kx/ops-numpy'

/** A layer without weights that maps inputs elementwise (built at construction, passes masks through). */
abstract class ElementwiseLayer extends Layer {
  constructor(args: LayerArgs) {
    super(args)
    this.supportsMasking = true
    this.built = true
  }
  override computeOutputShape(inputShape: ShapeLike): Dim[] { return (inputShape as readonly Dim[]).slice() }
}

/** Options of `Activation`. */
export interface ActivationArgs extends LayerArgs { readonly activation: ActivationIdentifier }

/**
 * Applies an activation function (Keras `Activation`).
 *
 * @example
 * ```ts
 * new Activation({ activation: 'relu' }).apply(x)
 * ```
 */
export class Activation extends ElementwiseLayer {
  static readonly className: string = 'Activation'
  readonly activation: ActivationFn
  constructor(args: ActivationArgs) {
    super(args)
    this.activation = activations.get(args?.activation)
  }
  override call(inputs: unknown): Tensor { return this.activation(inputs as Tensor) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), activation: activations.serialize(this.activation) } }
}

/**
 * Exponential linear unit layer (Keras `ELU`; alpha 1).
 *
 * @example
 * ```ts
 * new ELU({ alpha: 0.5 }).apply(x)
 * ```
 */
export class ELU extends ElementwiseLayer {
  static readonly className: string = 'ELU'
  readonly alpha: number
  constructor(args: LayerArgs & { alpha?: number } = {}) {
    super(args)
    this.alpha = args.alpha ?? 1
  }
  override call(inputs: unknown): Tensor { return activations.elu(inputs as Tensor, { alpha: this.alpha }) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), alpha: this.alpha } }
}

/**
 * Leaky ReLU layer (Keras `LeakyReLU`; negative slope 0.3; Keras 2's `alpha` accepted).
 *
 * @example
 * ```ts
 * new LeakyReLU({ negativeSlope: 0.1 }).apply(x)
 * ```
 */
export class LeakyReLU extends ElementwiseLayer {
  static readonly className: string = 'LeakyReLU'
  readonly negativeSlope: number
  constructor(args: LayerArgs & { negativeSlope?: number; alpha?: number } = {}) {
    super(args)
    const slope = args.alpha ?? args.negativeSlope ?? 0.3
    if (typeof slope !== 'number' || slope < 0) {
      throw new InvalidArgumentError(`The negative_slope value of a Leaky ReLU layer cannot be None or negative value. Expected a float. Received: negative_slope=${fmt(slope)}`)
    }
    this.negativeSlope = slope
  }
  override call(inputs: unknown): Tensor { return activations.leakyRelu(inputs as Tensor, { negativeSlope: this.negativeSlope }) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), negative_slope: this.negativeSlope } }
}

/** Options of `ReLU`. */
export interface ReLUArgs extends LayerArgs { readonly maxValue?: number | null; readonly negativeSlope?: number; readonly threshold?: number }

/**
 * ReLU layer with Keras's `maxValue`, `negativeSlope`, `threshold` (Keras `ReLU`).
 *
 * @example
 * ```ts
 * new ReLU({ maxValue: 6 }).apply(x)
 * ```
 */
export class ReLU extends ElementwiseLayer {
  static readonly className: string = 'ReLU'
  readonly maxValue: number | null
  readonly negativeSlope: number
  readonly threshold: number
  constructor(args: ReLUArgs = {}) {
    super(args)
    const maxValue = args.maxValue ?? null
    const slope = args.negativeSlope ?? 0
    const th = args.threshold ?? 0
    if (maxValue !== null && maxValue < 0) throw new InvalidArgumentError(`max_value of a ReLU layer cannot be a negative value. Received: max_value=${fmt(maxValue)}`)
    if (slope < 0) throw new InvalidArgumentError(`negative_slope of a ReLU layer cannot be None or a negative value. Received: negative_slope=${fmt(slope)}`)
    if (th < 0) throw new InvalidArgumentError(`threshold of a ReLU layer cannot be None or a negative value. Received: threshold=${fmt(th)}`)
    this.maxValue = maxValue
    this.negativeSlope = slope
    this.threshold = th
  }
  override call(inputs: unknown): Tensor {
    return activations.relu(inputs as Tensor, { negativeSlope: this.negativeSlope, maxValue: this.maxValue, threshold: this.threshold })
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), max_value: this.maxValue, negative_slope: this.negativeSlope, threshold: this.threshold }
  }
}

/** Options of `PReLU`. */
export interface PReLUArgs extends LayerArgs {
  readonly alphaInitializer?: InitializerIdentifier
  readonly alphaRegularizer?: RegularizerIdentifier
  readonly alphaConstraint?: ConstraintIdentifier
  /** Axes (1-based, excluding batch) that share one alpha. */
  readonly sharedAxes?: number | readonly number[] | null
}

/**
 * Parametric ReLU: `x` if positive else `alpha · x`, with a learned alpha per feature (Keras `PReLU`).
 *
 * @example
 * ```ts
 * new PReLU({ sharedAxes: [1, 2] }).apply(images)
 * ```
 */
export class PReLU extends Layer {
  static readonly className: string = 'PReLU'
  readonly alphaInitializer: InitializerLike
  readonly alphaRegularizer: Regularizer | null
  readonly alphaConstraint: Constraint | null
  readonly sharedAxes: number[] | null
  alpha!: Variable
  constructor(args: PReLUArgs = {}) {
    super(args)
    this.supportsMasking = true
    this.alphaInitializer = initializerArg(args.alphaInitializer, 'Zeros', 'alpha_initializer')
    this.alphaRegularizer = regularizerArg(args.alphaRegularizer)
    this.alphaConstraint = constraintArg(args.alphaConstraint)
    const s = args.sharedAxes
    this.sharedAxes = s === null || s === undefined ? null : typeof s === 'number' ? [s] : [...s]
  }
  override build(inputShape: ShapeLike): void {
    const shape = inputShape as readonly Dim[]
    const paramShape = shape.slice(1)
    if (this.sharedAxes) for (const i of this.sharedAxes) paramShape[i - 1] = 1
    if (paramShape.some((d) => d === null)) throw new ShapeError(`PReLU needs known sizes on the non-shared axes. Received: input_shape=${fmt(shape)}, shared_axes=${fmt(this.sharedAxes)}`)
    this.alpha = this.addWeight({ name: 'alpha', shape: paramShape as number[], initializer: this.alphaInitializer, regularizer: this.alphaRegularizer, constraint: this.alphaConstraint })
    const axes: Record<number, number | null> = {}
    if (this.sharedAxes) for (let i = 1; i < shape.length; i++) if (!this.sharedAxes.includes(i)) axes[i] = shape[i] ?? null
    this.inputSpec = new InputSpec({ ndim: shape.length, axes })
    this.built = true
  }
  override call(inputs: unknown): Tensor {
    const x = inputs as Tensor
    const pos = activations.relu(x)
    const negPart = multiply(negative(this.alpha.value), activations.relu(negative(x)))
    return add(pos, negPart)
  }
  override computeOutputShape(inputShape: ShapeLike): Dim[] { return (inputShape as readonly Dim[]).slice() }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      alpha_initializer: serializeInitializer(this.alphaInitializer),
      alpha_regularizer: serializeRegularizer(this.alphaRegularizer),
      alpha_constraint: serializeConstraint(this.alphaConstraint),
      shared_axes: this.sharedAxes ? [...this.sharedAxes] : null,
    }
  }
}

/**
 * Softmax layer with an optional mask: masked positions get −1e9 (−3e4 in float16) before the
 * softmax and 0 after (Keras `Softmax`; axis −1, a list of axes allowed).
 *
 * @example
 * ```ts
 * new Softmax({ axis: -1 }).apply(scores, { mask })
 * ```
 */
export class Softmax extends ElementwiseLayer {
  static readonly className: string = 'Softmax'
  readonly axis: number | readonly number[]
  constructor(args: LayerArgs & { axis?: number | readonly number[] } = {}) {
    super(args)
    this.axis = args.axis ?? -1
  }
  override call(inputs: unknown, options: CallOptions = {}): Tensor {
    let x = inputs as Tensor
    let mask = (options.mask ?? null) as Tensor | null
    if (mask) {
      if (mask.shape.length > x.shape.length) {
        throw new ShapeError(`The \`mask\` must be broadcastable to \`inputs\` and must not have more dimensions. Received: inputs.shape=${fmt(x.shape)}, mask.shape=${fmt(mask.shape)}`)
      }
      if (!isBool(mask.dtype)) mask = greater(mask, 0.5)
      x = where(mask, x, x.dtype === 'float16' ? -3e4 : -1e9)
    }
    let out: Tensor
    if (Array.isArray(this.axis) && this.axis.length > 1) {
      out = exp(subtract(x, logsumexp(x, { axis: this.axis, keepdims: true })))
    } else {
      const axis = Array.isArray(this.axis) ? this.axis[0]! : (this.axis as number)
      out = activations.softmax(x, { axis })
    }
    if (mask) out = where(mask, out, 0)
    return out
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), axis: Array.isArray(this.axis) ? [...this.axis] : this.axis } }
}
