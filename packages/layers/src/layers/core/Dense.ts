/** @file `Dense`: `activation(x · kernel + bias)` over the last axis (Keras `keras.layers.Dense`), with optional LoRA. */
import { InvalidArgumentError, fmt, type Dim, type FusedActivation, type Tensor, type Variable } from '@kx/core'
import { Layer, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import { get as getActivation, serialize as serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/activations.js'
import {
  LORA_CONSTRAINT_MESSAGE, addKernelAndBias, addLora, checkCanEnableLora, fusedActivationOf, kernelBiasArgs, kernelBiasConfig, loraConfig, loraKernel,
  type KernelBiasArgs, type KernelBiasFields,
} from '../common.js'
import { matmulBiasAct } from '@kx/ops-nn'

/** Options of `Dense` (Keras's arguments, camelCased). */
export interface DenseArgs extends KernelBiasArgs {
  /** Dimensionality of the output space. */
  readonly units: number
  /** Activation (name, function or envelope); null/undefined: linear. */
  readonly activation?: ActivationIdentifier
  readonly useBias?: boolean
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
  /** The activation as ops-nn's fused `matmulBiasAct` names it, when it has one. */
  private readonly fused: FusedActivation | null
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
    this.fused = fusedActivationOf(this.activation)
    this.useBias = args.useBias ?? true
    Object.assign(this, kernelBiasArgs(args))
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
    ;[this.kernelVar, this.bias] = addKernelAndBias(this, { kernelShape: [inputDim, this.units], biasShape: this.useBias ? [this.units] : null, trainable: !this.loraRank })
    this.inputSpec = new InputSpec({ minNdim: 2, axes: { [-1]: inputDim } })
    this.built = true
    if (this.loraRank) this.createLora(this.loraRank, this.loraAlpha)
  }

  /**
   * Freezes the kernel and adds LoRA factors A (`[inputDim, rank]`, he_uniform) and B (`[rank, units]`,
   * zeros) in float32 (Keras `enable_lora`). Call it on a built layer created without `loraRank`.
   */
  enableLora(rank: number, loraAlpha: number | null = null): void {
    checkCanEnableLora(this)
    this.kernelVar.trainable = false
    this.createLora(rank, loraAlpha)
  }

  private createLora(rank: number, loraAlpha: number | null): void {
    if (this.kernelConstraint) throw new InvalidArgumentError(LORA_CONSTRAINT_MESSAGE)
    if (this.loraEnabled) return
    addLora(this, rank, loraAlpha, [this.kernelVar.shape[0]!, rank], [rank, this.units])
  }

  /** The effective kernel (with the LoRA delta merged in when enabled). */
  get kernel(): Tensor {
    if (!this.built) throw new InvalidArgumentError('You must build the layer before accessing `kernel`.')
    return loraKernel(this)
  }

  override call(inputs: unknown): Tensor {
    // NOTE: matmulBiasAct runs a backend's fused kernel for inference and its decomposition under a gradient
    // tape; activations it cannot fuse (softmax, gelu…) follow it.
    const bias = this.bias ? this.bias.value : null
    if (this.fused) return matmulBiasAct(inputs as Tensor, this.kernel, bias, { activation: this.fused })
    return this.activation(matmulBiasAct(inputs as Tensor, this.kernel, bias))
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const s = (inputShape as readonly Dim[]).slice()
    s[s.length - 1] = this.units
    return s
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      use_bias: this.useBias,
      ...kernelBiasConfig(this, false),
      quantization_config: null,
      ...loraConfig(this.loraRank, this.loraAlpha),
    }
    return config
  }
}

// Declaration merging: `kernelBiasArgs` sets the resolved kernel / bias / activity options in the constructor.
export interface Dense extends KernelBiasFields {}
