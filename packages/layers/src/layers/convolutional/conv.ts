/**
 * @file `Conv1D` / `Conv2D` / `Conv3D` (Keras `keras.layers.ConvND`, base `BaseConv`):
 * `activation(conv(inputs, kernel) + bias)` through ops-nn's fused `convBiasAct` entry point, with
 * groups, dilation, `causal` padding (1D), channels_last / channels_first and optional LoRA.
 */
import { InvalidArgumentError, fmt, type Dim, type FusedActivation, type Tensor, type Variable } from '@kx/core'
import { computeConvOutputShape, convBiasAct, type Padding } from '@kx/ops-nn'
import { add, pad, reshape } from '@kx/ops-numpy'
import { Layer, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import { get as getActivation, serialize as serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/activations.js'
import {
  LORA_CONSTRAINT_MESSAGE, addKernelAndBias, addLora, checkCanEnableLora, dataFormatArg, fusedActivationOf, kernelBiasArgs, kernelBiasConfig, loraConfig, loraKernel,
  standardizeTuple, type BiasArgs, type KernelBiasArgs, type KernelBiasFields,
} from '../common.js'

/** An integer or one integer per spatial dim. */
export type IntOrTuple = number | readonly number[]

/** Options shared by the convolution layers (Keras's arguments, camelCased). */
export interface ConvCommonArgs extends BiasArgs {
  readonly kernelSize: IntOrTuple
  readonly strides?: IntOrTuple
  /** `'valid'` (default), `'same'`, or `'causal'` (1D only). */
  readonly padding?: string
  /** `'channels_last'` or `'channels_first'` (default: the configured image data format). */
  readonly dataFormat?: string | null
  readonly dilationRate?: IntOrTuple
  /** Activation (name, function or envelope); null/undefined: linear. */
  readonly activation?: ActivationIdentifier
  readonly useBias?: boolean
}

/** Options of `Conv1D` / `Conv2D` / `Conv3D`. */
export interface ConvArgs extends ConvCommonArgs, KernelBiasArgs {
  /** Number of output channels. */
  readonly filters: number
  /** Number of channel groups (each group sees `inChannels / groups` channels); default 1. */
  readonly groups?: number
  /** LoRA rank: when set, the kernel is frozen and a low-rank delta `(alpha / rank) · A · B` is trained. */
  readonly loraRank?: number | null
  readonly loraAlpha?: number | null
}

/** Validates the spatial tuple arguments every convolution shares; returns them standardized. @internal */
export function convTuples(rank: number, args: ConvCommonArgs, checkStridesWithDilation = true): { kernelSize: number[]; strides: number[]; dilationRate: number[] } {
  const kernelSize = standardizeTuple(args.kernelSize, rank, 'kernel_size', false)
  const strides = standardizeTuple(args.strides ?? 1, rank, 'strides', false)
  const dilationRate = standardizeTuple(args.dilationRate ?? 1, rank, 'dilation_rate', false)
  if (checkStridesWithDilation && Math.max(...strides) > 1 && Math.max(...dilationRate) > 1) {
    throw new InvalidArgumentError(`\`strides > 1\` not supported in conjunction with \`dilation_rate > 1\`. Received: strides=${fmt(strides)} and dilation_rate=${fmt(dilationRate)}`)
  }
  return { kernelSize, strides, dilationRate }
}

/** Keras `standardize_padding` (lower-cased; `causal` only where allowed). @internal */
export function paddingArg(value: string | undefined, allowCausal: boolean): Padding {
  const p = (value ?? 'valid').toLowerCase()
  const allowed = allowCausal ? ['valid', 'same', 'causal'] : ['valid', 'same']
  if (!allowed.includes(p)) {
    throw new InvalidArgumentError(`The \`padding\` argument must be one of ${allowed.map((a) => `"${a}"`).join(', ')}. Received: padding=${fmt(value)}`)
  }
  return p as Padding
}

/** Validates `filters`. @internal */
export function filtersArg(filters: unknown): number {
  if (!Number.isInteger(filters) || (filters as number) <= 0) {
    throw new InvalidArgumentError(`Invalid value for argument \`filters\`. Expected a strictly positive value. Received filters=${fmt(filters)}.`)
  }
  return filters as number
}

/** The channel dim of an input shape. @internal */
export function channelsOf(shape: readonly Dim[], dataFormat: string, layer: string): number {
  const c = dataFormat === 'channels_last' ? shape.at(-1) : shape[1]
  if (typeof c !== 'number') {
    throw new InvalidArgumentError(`The channel dimension of the inputs to ${layer} should be defined. Found None. Received: input_shape=${fmt(shape)}`)
  }
  return c
}

/** The resolved window options of a convolution layer (set with `Object.assign` by each base class). @internal */
export interface ConvWindow {
  readonly kernelSize: number[]
  readonly strides: number[]
  readonly dilationRate: number[]
  readonly padding: Padding
  readonly dataFormat: 'channels_last' | 'channels_first'
  readonly activation: ActivationFn
  readonly useBias: boolean
}

/** Resolves the window options every convolution shares: tuples, padding, data format, activation, bias flag. @internal */
export function convWindowArgs(rank: number, args: ConvCommonArgs, o: { allowCausal: boolean; checkStridesWithDilation: boolean }): ConvWindow {
  return {
    ...convTuples(rank, args, o.checkStridesWithDilation),
    padding: paddingArg(args.padding, o.allowCausal),
    dataFormat: dataFormatArg(args.dataFormat),
    activation: getActivation(args.activation),
    useBias: args.useBias ?? true,
  }
}

/**
 * The config keys of a convolution's window, in Keras's order; `afterPadding` (`output_padding`) and
 * `afterDilation` (`groups`) keys go where Keras puts them. @internal
 */
export function convWindowConfig(w: ConvWindow, extra: { afterPadding?: Record<string, unknown>; afterDilation?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    kernel_size: w.kernelSize.slice(),
    strides: w.strides.slice(),
    padding: w.padding,
    ...extra.afterPadding,
    data_format: w.dataFormat,
    dilation_rate: w.dilationRate.slice(),
    ...extra.afterDilation,
    activation: serializeActivation(w.activation),
    use_bias: w.useBias,
  }
}

/** The input spec of a built convolution: rank + 2 dims at least, `channels` on the channel axis. @internal */
export function channelInputSpec(rank: number, dataFormat: string, channels: number): InputSpec {
  return new InputSpec({ minNdim: rank + 2, axes: { [dataFormat === 'channels_last' ? -1 : 1]: channels } })
}

/** `activation(y + bias)` with the bias broadcast along the channel axis (no bias: `activation(y)`). @internal */
export function biasAndActivation(y: Tensor, l: { readonly bias: Variable | null; readonly rank: number; readonly dataFormat: string; readonly activation: ActivationFn }): Tensor {
  return l.activation(l.bias ? addChannelBias(y, l.bias.value, l.rank, l.dataFormat) : y)
}

/** Reshapes a bias vector to broadcast along the channel axis. @internal */
export function addChannelBias(y: Tensor, bias: Tensor, rank: number, dataFormat: string): Tensor {
  const n = bias.shape[0]!
  const shape = dataFormat === 'channels_last' ? [...Array<number>(rank + 1).fill(1), n] : [1, n, ...Array<number>(rank).fill(1)]
  return add(y, reshape(bias, shape))
}

/**
 * The N-D convolution layer (Keras `BaseConv`). Use `Conv1D`, `Conv2D` or `Conv3D`.
 *
 * @example
 * ```ts
 * class Conv4Taps extends BaseConv { constructor(args: ConvArgs) { super(1, { ...args, kernelSize: 4 }) } }
 * ```
 */
export class BaseConv extends Layer {
  static readonly className: string = 'BaseConv'
  readonly rank: number
  readonly filters: number
  readonly groups: number
  // Set from `convWindowArgs` in the constructor.
  readonly kernelSize!: number[]
  readonly strides!: number[]
  readonly dilationRate!: number[]
  readonly padding!: Padding
  readonly dataFormat!: 'channels_last' | 'channels_first'
  readonly activation!: ActivationFn
  readonly useBias!: boolean
  loraRank: number | null
  loraAlpha: number | null
  loraEnabled = false
  kernelVar!: Variable
  bias: Variable | null = null
  loraKernelA: Variable | null = null
  loraKernelB: Variable | null = null
  private readonly fused: FusedActivation | null

  constructor(rank: number, args: ConvArgs) {
    super(args)
    this.rank = rank
    this.filters = filtersArg(args?.filters)
    this.groups = args.groups ?? 1
    if (!Number.isInteger(this.groups) || this.groups <= 0) {
      throw new InvalidArgumentError(`The number of groups must be a positive integer. Received: groups=${fmt(args.groups)}.`)
    }
    if (this.filters % this.groups !== 0) {
      throw new InvalidArgumentError(`The number of filters must be evenly divisible by the number of groups. Received: groups=${this.groups}, filters=${this.filters}.`)
    }
    Object.assign(this, convWindowArgs(rank, args, { allowCausal: rank === 1, checkStridesWithDilation: true }))
    this.fused = fusedActivationOf(this.activation)
    Object.assign(this, kernelBiasArgs(args))
    this.loraRank = args.loraRank ?? null
    this.loraAlpha = args.loraAlpha ?? this.loraRank
    this.inputSpec = new InputSpec({ minNdim: rank + 2 })
  }

  override build(inputShape: ShapeLike): void {
    const shape = inputShape as readonly Dim[]
    const c = channelsOf(shape, this.dataFormat, this.className)
    if (c % this.groups !== 0) {
      throw new InvalidArgumentError(`The number of input channels must be evenly divisible by the number of groups. Received groups=${this.groups}, but the input has ${c} channels (full input shape is ${fmt(shape)}).`)
    }
    this.inputSpec = channelInputSpec(this.rank, this.dataFormat, c)
    this.computeOutputShape(shape)
    ;[this.kernelVar, this.bias] = addKernelAndBias(this, { kernelShape: [...this.kernelSize, c / this.groups, this.filters], biasShape: this.useBias ? [this.filters] : null })
    this.built = true
    if (this.loraRank) this.enableLora(this.loraRank, this.loraAlpha)
  }

  /**
   * Freezes the kernel and adds LoRA factors A (`[...kernelSize, inChannels / groups, rank]`, he_uniform)
   * and B (`[rank, filters]`, zeros) in float32 (Keras `enable_lora`).
   */
  enableLora(rank: number, loraAlpha: number | null = null): void {
    if (this.kernelConstraint) throw new InvalidArgumentError(LORA_CONSTRAINT_MESSAGE)
    checkCanEnableLora(this)
    addLora(this, rank, loraAlpha, [...this.kernelVar.shape.slice(0, -1), rank], [rank, this.filters])
    this.kernelVar.trainable = false
  }

  /** The effective kernel (with the LoRA delta merged in when enabled). */
  get kernel(): Tensor {
    if (!this.built) throw new InvalidArgumentError('You must build the layer before accessing `kernel`.')
    return loraKernel(this)
  }

  override call(inputs: unknown): Tensor {
    let x = inputs as Tensor
    let padding = this.padding
    if (padding === 'causal') {
      const left = this.dilationRate[0]! * (this.kernelSize[0]! - 1)
      x = pad(x, this.dataFormat === 'channels_last' ? [[0, 0], [left, 0], [0, 0]] : [[0, 0], [0, 0], [left, 0]])
      padding = 'valid'
    }
    const opts = { strides: this.strides, padding: padding as 'valid' | 'same', dilationRate: this.dilationRate, dataFormat: this.dataFormat }
    const bias = this.bias ? this.bias.value : null
    let y: Tensor
    if (this.fused) {
      // NOTE: convBiasAct runs a backend's fused kernel for inference and its decomposition under a gradient tape.
      y = convBiasAct(x, this.kernel, bias, { ...opts, activation: this.fused })
    } else {
      y = convBiasAct(x, this.kernel, bias, opts)
      y = this.activation(y)
    }
    return y
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    return computeConvOutputShape(inputShape as readonly Dim[], this.filters, this.kernelSize, {
      strides: this.strides, padding: this.padding, dataFormat: this.dataFormat, dilationRate: this.dilationRate,
    })
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      ...super.getConfig(),
      filters: this.filters,
      ...convWindowConfig(this, { afterDilation: { groups: this.groups } }),
      ...kernelBiasConfig(this),
      ...loraConfig(this.loraRank, this.loraAlpha),
    }
    return config
  }
}

// Declaration merging: `kernelBiasArgs` sets the resolved kernel / bias / activity options in the constructor.
export interface BaseConv extends KernelBiasFields {}

/**
 * 1D convolution over time (Keras `Conv1D`, alias `Convolution1D`); supports `padding: 'causal'`.
 *
 * When to use: sequence and audio feature extractors.
 *
 * @example
 * ```ts
 * new Conv1D({ filters: 8, kernelSize: 3, padding: 'causal' }).apply(ops.ones([2, 10, 4])) // [2, 10, 8]
 * ```
 */
export class Conv1D extends BaseConv {
  static override readonly className: string = 'Conv1D'
  constructor(args: ConvArgs) { super(1, args) }
}

/**
 * 2D convolution over images (Keras `Conv2D`, alias `Convolution2D`).
 *
 * When to use: the workhorse of convnets; with an activation such as relu it runs as one fused
 * kernel on backends that have one.
 *
 * @example
 * ```ts
 * new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' }).apply(ops.ones([1, 28, 28, 1])) // [1, 26, 26, 32]
 * ```
 */
export class Conv2D extends BaseConv {
  static override readonly className: string = 'Conv2D'
  constructor(args: ConvArgs) { super(2, args) }
}

/**
 * 3D convolution over volumes (Keras `Conv3D`, alias `Convolution3D`).
 *
 * @example
 * ```ts
 * new Conv3D({ filters: 4, kernelSize: 2 }).apply(ops.ones([1, 4, 4, 4, 2])) // [1, 3, 3, 3, 4]
 * ```
 */
export class Conv3D extends BaseConv {
  static override readonly className: string = 'Conv3D'
  constructor(args: ConvArgs) { super(3, args) }
}
