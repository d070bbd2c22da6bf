/** @file `Dense`: `activation(x · kernel + bias)` over the last axis (Keras `keras.layers.Dense`), with optional LoRA. */
import { InvalidArgumentError, fmt, type Dim, type Tensor, type Variable } from '@kx/core'
import { Layer, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import { get as getActivation, serialize as serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/activations.js'
import { getRequired } from '../../initializers/registry.js'
import {
  activityConfig, addActivityLoss, constraintArg, initializerArg, regularizerArg, serializeConstraint, serializeInitializer, serializeRegularizer,
  type ConstraintIdentifier, type InitializerIdentifier, type InitializerLike, type RegularizerIdentifier, type ZooLayerArgs,
} from '../common.js'
import type { Constraint } from '../../constraints/constraints.js'
import type { Regularizer } from '../../regularizers/regularizers.js'
import { add, cast, matmul, multiply, tensordot } from '@kx/ops-numpy'

/** Options of `Dense` (Keras's arguments, camelCased). */
export interface DenseArgs extends ZooLayerArgs {
  /** Dimensionality of the output space. */
  readonly units: number
  /** Activation (name, function or envelope); null/undefined: linear. */
  readonly activation?: ActivationIdentifier
  readonly useBias?: boolean
  readonly kernelInitializer?: InitializerIdentifier
  readonly biasInitializer?: InitializerIdentifier
  readonly kernelRegularizer?: RegularizerIdentifier
  readonly biasRegularizer?: RegularizerIdentifier
  readonly kernelConstraint?: ConstraintIdentifier
  readonly biasConstraint?: ConstraintIdentifier
  /** LoRA rank: when set, the kernel is frozen and a low-rank delta `(alpha / rank) · A · B` is trained. */
  readonly loraRank?: number | null
  readonly loraAlpha?: number | null
  /** Quantization config; only null is supported here (quantization is `@kx/quantize`'s transform). */
  readonly quantizationConfig?: null
}

/**
 * Densely connected layer: `output = activation(dot(input, kernel) + bias)` on the last axis.
 *
 * When to use: the default fully connected layer of MLPs and classifier heads.
 *
 * @example
 * ```ts
 * const dense = new Dense({ units: 4, activation: 'relu' })
 * const y = dense.apply(ops.ones([2, 3])) // shape [2, 4]
 * ```
 */
export class Dense extends Layer {
  static readonly className: string = 'Dense'
  readonly units: number
  readonly activation: ActivationFn
  readonly useBias: boolean
  readonly kernelInitializer: InitializerLike
  readonly biasInitializer: InitializerLike
  readonly kernelRegularizer: Regularizer | null
  readonly biasRegularizer: Regularizer | null
  readonly activityRegularizer: Regularizer | null
  readonly kernelConstraint: Constraint | null
  readonly biasConstraint: Constraint | null
  loraRank: number | null
  loraAlpha: number | null
  loraEnabled = false
  kernelVar!: Variable
  bias: Variable | null = null
  loraKernelA: Variable | null = null
  loraKernelB: Variable | null = null

  constructor(args: DenseArgs) {
    super(args)
    if (!Number.isInteger(args?.units) || args.units <= 0) {
      throw new InvalidArgumentError(`Received an invalid value for \`units\`, expected a positive integer. Received: units=${fmt(args?.units)}`)
    }
    if (args.quantizationConfig !== undefined && args.quantizationConfig !== null) {
      throw new InvalidArgumentError(`Dense does not take a quantization_config; quantize a built model with @kx/quantize. Received: quantization_config=${fmt(args.quantizationConfig)}`)
    }
    this.units = args.units
    this.activation = getActivation(args.activation)
    this.useBias = args.useBias ?? true
    this.kernelInitializer = initializerArg(args.kernelInitializer, 'glorot_uniform', 'kernel_initializer')
    this.biasInitializer = initializerArg(args.biasInitializer, 'zeros', 'bias_initializer')
    this.kernelRegularizer = regularizerArg(args.kernelRegularizer)
    this.biasRegularizer = regularizerArg(args.biasRegularizer)
    this.activityRegularizer = regularizerArg(args.activityRegularizer)
    this.kernelConstraint = constraintArg(args.kernelConstraint)
    this.biasConstraint = constraintArg(args.biasConstraint)
    this.loraRank = args.loraRank ?? null
    this.loraAlpha = args.loraAlpha ?? this.loraRank
    this.inputSpec = new InputSpec({ minNdim: 2 })
    this.supportsMasking = true
  }

  override build(inputShape: ShapeLike): void {
    const shape = inputShape as readonly Dim[]
    const inputDim = shape.at(-1)
    if (typeof inputDim !== 'number') {
      throw new InvalidArgumentError(`The last dimension of the inputs to a Dense layer should be defined. Found None. Received: input_shape=${fmt(shape)}`)
    }
    this.kernelVar = this.addWeight({
      name: 'kernel', shape: [inputDim, this.units], initializer: this.kernelInitializer,
      regularizer: this.kernelRegularizer, constraint: this.kernelConstraint, trainable: !this.loraRank,
    })
    if (this.useBias) {
      this.bias = this.addWeight({ name: 'bias', shape: [this.units], initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint })
    }
    this.inputSpec = new InputSpec({ minNdim: 2, axes: { [-1]: inputDim } })
    this.built = true
    if (this.loraRank) this.createLora(this.loraRank, this.loraAlpha)
  }

  /**
   * Freezes the kernel and adds LoRA factors A (`[inputDim, rank]`, he_uniform) and B (`[rank, units]`,
   * zeros) in float32 (Keras `enable_lora`). Call it on a built layer created without `loraRank`.
   */
  enableLora(rank: number, loraAlpha: number | null = null): void {
    if (!this.built) throw new InvalidArgumentError("Cannot enable lora on a layer that isn't yet built.")
    if (this.loraEnabled) throw new InvalidArgumentError('lora is already enabled. This can only be done once per layer.')
    this.kernelVar.trainable = false
    this.createLora(rank, loraAlpha)
  }

  private createLora(rank: number, loraAlpha: number | null): void {
    if (this.kernelConstraint) {
      throw new InvalidArgumentError('Lora is incompatible with kernel constraints. In order to enable lora on this layer, remove the `kernel_constraint` argument.')
    }
    if (this.loraEnabled) return
    this.loraKernelA = this.addWeight({ name: 'lora_kernel_a', shape: [this.kernelVar.shape[0]!, rank], initializer: getRequired('he_uniform', 'a_initializer'), dtype: 'float32', regularizer: this.kernelRegularizer })
    this.loraKernelB = this.addWeight({ name: 'lora_kernel_b', shape: [rank, this.units], initializer: getRequired('zeros', 'b_initializer'), dtype: 'float32', regularizer: this.kernelRegularizer })
    this.loraEnabled = true
    this.loraRank = rank
    this.loraAlpha = loraAlpha ?? rank
  }

  /** The effective kernel (with the LoRA delta merged in when enabled). */
  get kernel(): Tensor {
    if (!this.built) throw new InvalidArgumentError('You must build the layer before accessing `kernel`.')
    const k = this.kernelVar.value
    if (!this.loraEnabled) return k
    const delta = multiply(matmul(this.loraKernelA!.value, this.loraKernelB!.value), (this.loraAlpha as number) / (this.loraRank as number))
    return cast(add(k, delta), this.computeDtype)
  }

  override call(inputs: unknown): Tensor {
    let y = tensordot(inputs as Tensor, this.kernel, { axes: 1 })
    if (this.bias) y = add(y, this.bias.value)
    y = this.activation(y)
    addActivityLoss(this, this.activityRegularizer, y)
    return y
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const s = (inputShape as readonly Dim[]).slice()
    s[s.length - 1] = this.units
    return s
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      ...super.getConfig(),
      ...activityConfig(this.activityRegularizer),
      units: this.units,
      activation: serializeActivation(this.activation),
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      kernel_regularizer: serializeRegularizer(this.kernelRegularizer),
      bias_regularizer: serializeRegularizer(this.biasRegularizer),
      kernel_constraint: serializeConstraint(this.kernelConstraint),
      bias_constraint: serializeConstraint(this.biasConstraint),
      quantization_config: null,
    }
    if (this.loraRank) {
      config['lora_rank'] = this.loraRank
      config['lora_alpha'] = this.loraAlpha
    }
    return config
  }
}
