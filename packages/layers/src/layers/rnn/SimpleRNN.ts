/** @file `SimpleRNNCell` and `SimpleRNN`: `h_t = activation(x_t · W + h_{t-1} · U + b)` (Keras `keras.layers.SimpleRNN`). */
import { type Tensor } from '@kx/core'
import { add, matmul, multiply } from '@kx/ops-numpy'
import { Layer, configToArgs, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import { serialize as serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/activations.js'
import { serializeRegularizer } from '../common.js'
import {
  RecurrentCell, activationArg, cellArgsOf, firstState, lastDim, sameForm, splitCellInputs, unitsArg, zerosState,
  type CellCallOptions, type RecurrentCellArgs, type RNNCell, type States,
} from './rnn-common.js'
import { RNN, type RecurrenceArgs } from './RNN.js'

/** Options of `SimpleRNNCell`. */
export interface SimpleRNNCellArgs extends RecurrentCellArgs {
  /** Dimensionality of the output space. */
  readonly units: number
  /** Activation (default `tanh`). */
  readonly activation?: ActivationIdentifier
}

/**
 * The cell of `SimpleRNN`: one step `h = activation(x · kernel + bias + h_prev · recurrentKernel)`.
 *
 * When to use: inside `RNN` (alone or stacked); `SimpleRNN` runs it over a sequence.
 *
 * @example
 * ```ts
 * const cell = new SimpleRNNCell({ units: 4 })
 * const [h, [state]] = cell.apply([ops.ones([2, 3]), [ops.zeros([2, 4])]])
 * ```
 */
export class SimpleRNNCell extends RecurrentCell implements RNNCell {
  static readonly className: string = 'SimpleRNNCell'
  readonly units: number
  readonly activation: ActivationFn
  readonly stateSize: number
  readonly outputSize: number

  constructor(args: SimpleRNNCellArgs) {
    const units = unitsArg(args?.units)
    super(args)
    this.units = units
    this.activation = activationArg(args.activation, 'tanh')
    this.stateSize = units
    this.outputSize = units
  }

  override build(inputShape: ShapeLike): void {
    this.addKernels([lastDim(inputShape, 'SimpleRNNCell'), this.units], [this.units, this.units], [this.units])
    this.built = true
  }

  override call(inputs: unknown, options: CellCallOptions = {}): [Tensor, States] {
    const [x, states] = splitCellInputs(inputs, 'SimpleRNNCell')
    let prev = firstState(states)
    const dp = this.getDropoutMask(x) as Tensor | null
    const rdp = this.getRecurrentDropoutMask(prev) as Tensor | null
    const seq = options.training && dp ? multiply(x, dp) : x
    let h = matmul(seq, this.kernel.value)
    if (this.bias) h = add(h, this.bias.value)
    if (options.training && rdp) prev = multiply(prev, rdp)
    const out = this.activation(add(h, matmul(prev, this.recurrentKernel.value)))
    return [out, sameForm(states, [out])]
  }

  getInitialState(batchSize: number): Tensor[] { return [zerosState(batchSize, this.units, this)] }

  /** The cell keys of the config (shared with `SimpleRNN`). */
  cellConfig(): Record<string, unknown> {
    return { units: this.units, activation: serializeActivation(this.activation), ...this.weightConfig(), ...this.dropoutConfig() }
  }

  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), ...this.cellConfig() } }
}

/** Options of `SimpleRNN` (the cell's options plus the recurrence options). */
export interface SimpleRNNArgs extends Omit<SimpleRNNCellArgs, 'name'>, RecurrenceArgs {}

/**
 * Fully connected RNN whose output is fed back as input (Keras `SimpleRNN`).
 *
 * When to use: short sequences and baselines; LSTM/GRU learn long dependencies better.
 *
 * @example
 * ```ts
 * const rnn = new SimpleRNN({ units: 4, returnSequences: true })
 * rnn.apply(ops.ones([2, 10, 8])) // [2, 10, 4]
 * ```
 */
export class SimpleRNN extends RNN {
  static override readonly className: string = 'SimpleRNN'
  declare readonly cell: SimpleRNNCell

  constructor(args: SimpleRNNArgs) {
    const cell = new SimpleRNNCell({ ...cellArgsOf(args), name: 'simple_rnn_cell' })
    super({ ...args, cell })
    this.inputSpec = new InputSpec({ ndim: 3 })
  }

  get units(): number { return this.cell.units }
  get activation(): ActivationFn { return this.cell.activation }
  get useBias(): boolean { return this.cell.useBias }
  get dropout(): number { return this.cell.dropout }
  get recurrentDropout(): number { return this.cell.recurrentDropout }

  override getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = { ...this.recurrenceConfig(), ...this.cell.cellConfig(), activity_regularizer: serializeRegularizer(this.activityRegularizer) }
    // NOTE: Keras's SimpleRNN.get_config has no `seed` (its cell's has).
    delete c['seed']
    return c
  }

  static override fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>): T {
    return new this(configToArgs(config))
  }
}
