/**
 * @file `Conv1DTranspose` / `Conv2DTranspose` / `Conv3DTranspose` (Keras `BaseConvTranspose`):
 * `activation(conv_transpose(inputs, kernel) + bias)` on ops-nn's `convTranspose`, with
 * `output_padding`, dilation and both data formats. The kernel is `[...kernelSize, filters, inChannels]`.
 */
import { InvalidArgumentError, fmt, type Dim, type Tensor, type Variable } from '@kx/core'
import { computeConvTransposeOutputShape, convTranspose } from '@kx/ops-nn'
import { Layer, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import type { ActivationFn } from '../../activations/activations.js'
import { addKernelAndBias, kernelBiasArgs, kernelBiasConfig, standardizeTuple, type KernelBiasArgs, type KernelBiasFields } from '../common.js'
import { biasAndActivation, channelInputSpec, channelsOf, convWindowArgs, convWindowConfig, filtersArg, type ConvCommonArgs, type IntOrTuple } from './conv.js'

/** Options of the transposed convolutions (Keras's arguments, camelCased). */
export interface ConvTransposeArgs extends ConvCommonArgs, KernelBiasArgs {
  /** Number of output channels. */
  readonly filters: number
  /** Extra size added to one side of each output spatial dim; each must be less than its stride (default null). */
  readonly outputPadding?: IntOrTuple | null
}

/**
 * The N-D transposed convolution layer (Keras `BaseConvTranspose`). Use `Conv2DTranspose`, ….
 *
 * @example
 * ```ts
 * new Conv2DTranspose({ filters: 2, kernelSize: 2, strides: 2 }) instanceof BaseConvTranspose // true
 * ```
 */
export class BaseConvTranspose extends Layer {
  static readonly className: string = 'BaseConvTranspose'
  readonly rank: number
  readonly filters: number
  // Set from `convWindowArgs` in the constructor.
  readonly kernelSize!: number[]
  readonly strides!: number[]
  readonly dilationRate!: number[]
  readonly padding!: 'valid' | 'same'
  readonly outputPadding: number[] | null
  readonly dataFormat!: 'channels_last' | 'channels_first'
  readonly activation!: ActivationFn
  readonly useBias!: boolean
  kernel!: Variable
  bias: Variable | null = null

  constructor(rank: number, args: ConvTransposeArgs) {
    super(args)
    this.rank = rank
    this.filters = filtersArg(args?.filters)
    Object.assign(this, convWindowArgs(rank, args, { allowCausal: false, checkStridesWithDilation: true }))
    this.outputPadding = args.outputPadding == null ? null : standardizeTuple(args.outputPadding, rank, 'output_padding', true)
    this.outputPadding?.forEach((op, i) => {
      if (op >= this.strides[i]!) {
        throw new InvalidArgumentError(`\`output_padding\` must be strictly less than \`strides\` for all dimensions. At dimension ${i}, \`output_padding\` is ${op} but \`strides\` is ${this.strides[i]}. Received: output_padding=${fmt(this.outputPadding)}, strides=${fmt(this.strides)}`)
      }
    })
    Object.assign(this, kernelBiasArgs(args))
    this.inputSpec = new InputSpec({ minNdim: rank + 2 })
  }

  override build(inputShape: ShapeLike): void {
    const shape = inputShape as readonly Dim[]
    const c = channelsOf(shape, this.dataFormat, this.className)
    this.inputSpec = channelInputSpec(this.rank, this.dataFormat, c)
    ;[this.kernel, this.bias] = addKernelAndBias(this, { kernelShape: [...this.kernelSize, this.filters, c], biasShape: this.useBias ? [this.filters] : null })
    this.built = true
  }

  override call(inputs: unknown): Tensor {
    return biasAndActivation(convTranspose(inputs as Tensor, this.kernel.value, {
      strides: this.strides, padding: this.padding, outputPadding: this.outputPadding, dilationRate: this.dilationRate, dataFormat: this.dataFormat,
    }), this)
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    return computeConvTransposeOutputShape(inputShape as readonly Dim[], this.kernelSize, this.filters, {
      strides: this.strides, padding: this.padding, outputPadding: this.outputPadding, dataFormat: this.dataFormat, dilationRate: this.dilationRate,
    })
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      ...convWindowConfig(this, { afterPadding: { output_padding: this.outputPadding ? this.outputPadding.slice() : null } }),
      ...kernelBiasConfig(this),
    }
  }
}

// Declaration merging: `kernelBiasArgs` sets the resolved kernel / bias / activity options in the constructor.
export interface BaseConvTranspose extends KernelBiasFields {}

/**
 * Transposed 1D convolution (Keras `Conv1DTranspose`, alias `Convolution1DTranspose`).
 *
 * @example
 * ```ts
 * new Conv1DTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }).apply(ops.ones([1, 5, 2])) // [1, 10, 4]
 * ```
 */
export class Conv1DTranspose extends BaseConvTranspose {
  static override readonly className: string = 'Conv1DTranspose'
  constructor(args: ConvTransposeArgs) { super(1, args) }
}

/**
 * Transposed 2D convolution (Keras `Conv2DTranspose`, alias `Convolution2DTranspose`).
 *
 * When to use: learned upsampling in decoders and generators.
 *
 * @example
 * ```ts
 * new Conv2DTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' }).apply(ops.ones([1, 4, 4, 16])) // [1, 8, 8, 8]
 * ```
 */
export class Conv2DTranspose extends BaseConvTranspose {
  static override readonly className: string = 'Conv2DTranspose'
  constructor(args: ConvTransposeArgs) { super(2, args) }
}

/**
 * Transposed 3D convolution (Keras `Conv3DTranspose`, alias `Convolution3DTranspose`).
 *
 * @example
 * ```ts
 * new Conv3DTranspose({ filters: 2, kernelSize: 2, strides: 2 }).apply(ops.ones([1, 2, 2, 2, 3])) // [1, 4, 4, 4, 2]
 * ```
 */
export class Conv3DTranspose extends BaseConvTranspose {
  static override readonly className: string = 'Conv3DTranspose'
  constructor(args: ConvTransposeArgs) { super(3, args) }
}
