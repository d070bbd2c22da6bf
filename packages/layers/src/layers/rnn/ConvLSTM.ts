/**
 * @file `ConvLSTMCell`, `ConvLSTM` and `ConvLSTM1D` / `ConvLSTM2D` / `ConvLSTM3D` (Keras
 * `keras.layers.ConvLSTM*`): an LSTM whose input and recurrent transforms are convolutions; gates
 * `[i, f, c, o]` split along the kernel's output axis, recurrent convolutions with `same` padding.
 */
import { InvalidArgumentError, fmt, type Dim, type Tensor } from '@kx/core'
import { add, reshape } from '@kx/ops-numpy'
import { computeConvOutputShape, conv, standardizePadding, type DataFormat } from '@kx/ops-nn'
import { Layer, configToArgs, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import { serialize as serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/activations.js'
import { dataFormatArg, serializeRegularizer, standardizeTuple } from '../common.js'
import {
  RecurrentCell, activationArg, cellArgsOf, gateWeights, lstmUpdate, masked, splitCellInputs, stepDropoutMasks, stepInputShape, unitForgetBiasInitializer,
  zerosState,
  type CellCallOptions, type RecurrentCellArgs, type RNNCell, type States,
} from './rnn-common.js'
import { RNN, type RecurrenceArgs } from './RNN.js'

/** Options of the ConvLSTM layers (per-rank classes fix `rank`). */
export interface ConvLSTMOptions extends RecurrentCellArgs {
  /** Number of output channels. */
  readonly filters: number
  readonly kernelSize: number | readonly number[]
  readonly strides?: number | readonly number[]
  /** `'valid'` (default) or `'same'` (input convolutions; recurrent ones always use `same`). */
  readonly padding?: string
  readonly dataFormat?: string | null
  readonly dilationRate?: number | readonly number[]
  readonly activation?: ActivationIdentifier
  readonly recurrentActivation?: ActivationIdentifier
  readonly unitForgetBias?: boolean
}

/** Options of `ConvLSTMCell`. */
export interface ConvLSTMCellArgs extends ConvLSTMOptions {
  /** Number of spatial dims (1–3). */
  readonly rank: number
}

/**
 * The cell of the ConvLSTM layers: LSTM gates computed by convolutions, states `[h, c]` shaped like
 * the convolution's output.
 *
 * When to use: inside `RNN`; `ConvLSTM2D` etc. run it over a sequence.
 *
 * @example
 * ```ts
 * const cell = new ConvLSTMCell({ rank: 2, filters: 4, kernelSize: 3, padding: 'same' })
 * ```
 */
export class ConvLSTMCell extends RecurrentCell implements RNNCell {
  static readonly className: string = 'ConvLSTMCell'
  readonly rank: number
  readonly filters: number
  readonly kernelSize: number[]
  readonly strides: number[]
  readonly padding: 'valid' | 'same'
  readonly dataFormat: DataFormat
  readonly dilationRate: number[]
  readonly activation: ActivationFn
  readonly recurrentActivation: ActivationFn
  readonly unitForgetBias: boolean
  /** Keras's placeholder: the states are not vectors (see `stateShapes`). */
  readonly stateSize = -1
  spatialDims: number[] = []
  inputDim = 0

  constructor(args: ConvLSTMCellArgs) {
    super(args)
    const rank = args.rank
    if (!Number.isInteger(rank) || rank < 1 || rank > 3) throw new InvalidArgumentError(`Rank ${rank} convolutions are not currently implemented. Received: rank=${fmt(rank)}`)
    if (!Number.isInteger(args.filters) || args.filters <= 0) throw new InvalidArgumentError(`Invalid value for argument \`filters\`. Expected a strictly positive value. Received filters=${fmt(args.filters)}.`)
    this.rank = rank
    this.filters = args.filters
    this.kernelSize = standardizeTuple(args.kernelSize, rank, 'kernel_size', false)
    this.strides = standardizeTuple(args.strides ?? 1, rank, 'strides')
    this.padding = standardizePadding(args.padding, 'ConvLSTM') as 'valid' | 'same'
    this.dataFormat = dataFormatArg(args.dataFormat)
    this.dilationRate = standardizeTuple(args.dilationRate ?? 1, rank, 'dilation_rate', false)
    if (Math.max(...this.strides) > 1 && Math.max(...this.dilationRate) > 1) {
      throw new InvalidArgumentError(`Specifying \`strides > 1\` is not compatible with \`dilation_rate > 1\`. Please provide \`strides=1\` or \`dilation_rate=1\`. Received: strides=${fmt(this.strides)} and dilation_rate=${fmt(this.dilationRate)}`)
    }
    this.activation = activationArg(args.activation, 'tanh')
    this.recurrentActivation = activationArg(args.recurrentActivation, 'sigmoid')
    this.unitForgetBias = args.unitForgetBias ?? true
    this.dropoutMaskCount = 4
  }

  override build(inputShape: ShapeLike): void {
    const s = stepInputShape(inputShape)
    const first = this.dataFormat === 'channels_first'
    const spatial = first ? s.slice(2) : s.slice(1, -1)
    if (spatial.some((d) => typeof d !== 'number')) {
      throw new InvalidArgumentError(`ConvLSTM layers only support static input shapes for the spatial dimension. Received invalid input shape: input_shape=${fmt(s)}`)
    }
    const channels = first ? s[1] : s[s.length - 1]
    if (typeof channels !== 'number') {
      throw new InvalidArgumentError(`The channel dimension of the inputs (last axis) should be defined. Found None. Full input shape received: input_shape=${fmt(s)}`)
    }
    this.spatialDims = spatial as number[]
    this.inputDim = channels
    const f = this.filters
    const biasInit = this.unitForgetBias ? unitForgetBiasInitializer(this.biasInitializer, f) : undefined
    this.addKernels([...this.kernelSize, channels, 4 * f], [...this.kernelSize, f, 4 * f], [4 * f], biasInit)
    this.built = true
  }

  /** The state shape (without batch): the input convolution's output shape. */
  stateShapes(): number[][] {
    const inShape: Dim[] = this.dataFormat === 'channels_last' ? [1, ...this.spatialDims, this.inputDim] : [1, this.inputDim, ...this.spatialDims]
    const out = computeConvOutputShape(inShape, this.filters, this.kernelSize, {
      strides: this.strides, padding: this.padding, dataFormat: this.dataFormat, dilationRate: this.dilationRate,
    }).slice(1) as number[]
    return [out, out]
  }

  getInitialState(batchSize: number): Tensor[] { return this.stateShapes().map((s) => zerosState(batchSize, s, this)) }

  private inputConv(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
    let y = conv(x, w, { strides: this.strides, padding: this.padding, dataFormat: this.dataFormat, dilationRate: this.dilationRate })
    if (b) {
      const shape = this.dataFormat === 'channels_last' ? [...Array.from({ length: this.rank + 1 }, () => 1), this.filters] : [1, this.filters, ...Array.from({ length: this.rank }, () => 1)]
      y = add(y, reshape(b, shape))
    }
    return y
  }

  private recurrentConv(h: Tensor, w: Tensor): Tensor {
    return conv(h, w, { strides: 1, padding: 'same', dataFormat: this.dataFormat })
  }

  override call(inputs: unknown, options: CellCallOptions = {}): [Tensor, States] {
    const [x, states] = splitCellInputs(inputs, 'ConvLSTMCell')
    const [hPrev, cPrev] = states as readonly Tensor[] as [Tensor, Tensor]
    const [dp, rdp] = stepDropoutMasks(this, x, hPrev, options.training ?? false)
    const { kernels, recurrentKernels, biases } = gateWeights(this, 4, this.rank + 1)
    const gates = kernels.map((k, g) => add(
      this.inputConv(masked(x, dp, g), k, biases ? biases[g]! : null),
      this.recurrentConv(masked(hPrev, rdp, g), recurrentKernels[g]!),
    ))
    const [h, c] = lstmUpdate(this, gates, cPrev)
    return [h, [h, c]]
  }

  /** The cell keys of the config (shared with the ConvLSTM layers). */
  cellConfig(): Record<string, unknown> {
    return {
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      activation: serializeActivation(this.activation),
      recurrent_activation: serializeActivation(this.recurrentActivation),
      ...this.weightConfig(),
      unit_forget_bias: this.unitForgetBias,
      ...this.dropoutConfig(),
    }
  }

  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), ...this.cellConfig() } }
}

/** Options of `ConvLSTM` (the cell's options plus the recurrence options). */
export interface ConvLSTMArgs extends Omit<ConvLSTMCellArgs, 'name'>, RecurrenceArgs {}

/**
 * The ConvLSTM layer of any rank (Keras's private base `ConvLSTM`); use `ConvLSTM1D/2D/3D`.
 *
 * @example
 * ```ts
 * new ConvLSTM({ rank: 2, filters: 4, kernelSize: 3 }).apply(ops.ones([1, 5, 8, 8, 3])) // [1, 6, 6, 4]
 * ```
 */
export class ConvLSTM extends RNN {
  static override readonly className: string = 'ConvLSTM'
  declare readonly cell: ConvLSTMCell

  constructor(args: ConvLSTMArgs) {
    const cell = new ConvLSTMCell({ ...cellArgsOf(args), name: 'conv_lstm_cell' })
    super({ ...args, cell })
    this.inputSpec = new InputSpec({ ndim: cell.rank + 3 })
  }

  get filters(): number { return this.cell.filters }
  get kernelSize(): number[] { return this.cell.kernelSize }
  get strides(): number[] { return this.cell.strides }
  get padding(): 'valid' | 'same' { return this.cell.padding }
  get dataFormat(): DataFormat { return this.cell.dataFormat }
  get dilationRate(): number[] { return this.cell.dilationRate }

  override computeOutputShape(inputShape: ShapeLike): unknown {
    const seq = this.sequenceShape(inputShape)
    const batch = seq[0] ?? null
    const stepShape: Dim[] = [batch, ...seq.slice(2)]
    const state = computeConvOutputShape(stepShape, this.filters, this.kernelSize, {
      strides: this.strides, padding: this.padding, dataFormat: this.dataFormat, dilationRate: this.dilationRate,
    }).slice(1)
    const output: Dim[] = this.returnSequences ? [batch, seq[1] ?? null, ...state] : [batch, ...state]
    return this.returnState ? [output, [batch, ...state], [batch, ...state]] : output
  }

  override computeMask(inputs: unknown, mask: unknown): unknown {
    const out = super.computeMask(inputs, mask)
    return this.returnState ? [(out as unknown[])[0], null, null] : out
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.recurrenceConfig(), ...this.cell.cellConfig(), activity_regularizer: serializeRegularizer(this.activityRegularizer) }
  }

  static override fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>): T {
    return new this(configToArgs(config))
  }
}

/** Options of `ConvLSTM1D` / `ConvLSTM2D` / `ConvLSTM3D`. */
export interface ConvLSTMNDArgs extends Omit<ConvLSTMArgs, 'rank'> {}

/**
 * 1D convolutional LSTM over `[batch, time, steps, channels]` sequences (Keras `ConvLSTM1D`).
 *
 * @example
 * ```ts
 * new ConvLSTM1D({ filters: 4, kernelSize: 3 }).apply(ops.ones([2, 5, 10, 3])) // [2, 8, 4]
 * ```
 */
export class ConvLSTM1D extends ConvLSTM {
  static override readonly className: string = 'ConvLSTM1D'
  constructor(args: ConvLSTMNDArgs) { super({ ...args, rank: 1 }) }
}

/**
 * 2D convolutional LSTM over `[batch, time, rows, cols, channels]` sequences (Keras `ConvLSTM2D`).
 *
 * @example
 * ```ts
 * new ConvLSTM2D({ filters: 4, kernelSize: 3, padding: 'same' }).apply(ops.ones([1, 5, 8, 8, 3])) // [1, 8, 8, 4]
 * ```
 */
export class ConvLSTM2D extends ConvLSTM {
  static override readonly className: string = 'ConvLSTM2D'
  constructor(args: ConvLSTMNDArgs) { super({ ...args, rank: 2 }) }
}

/**
 * 3D convolutional LSTM over `[batch, time, d1, d2, d3, channels]` sequences (Keras `ConvLSTM3D`).
 *
 * @example
 * ```ts
 * new ConvLSTM3D({ filters: 2, kernelSize: 2 }).apply(ops.ones([1, 3, 4, 4, 4, 1])) // [1, 3, 3, 3, 2]
 * ```
 */
export class ConvLSTM3D extends ConvLSTM {
  static override readonly className: string = 'ConvLSTM3D'
  constructor(args: ConvLSTMNDArgs) { super({ ...args, rank: 3 }) }
}
