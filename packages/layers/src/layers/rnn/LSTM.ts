/**
 * @file `LSTMCell` and `LSTM` (Keras `keras.layers.LSTM`): gates in Keras's order `[i, f, c, o]`,
 * kernel `[input, 4·units]`, recurrent kernel `[units, 4·units]`, bias `[4·units]` (forget-gate bias
 * initialized to ones with `unitForgetBias`), states `[h, c]`.
 */
import { type Tensor } from '@kx/core'
import { add, matmul, split } from '@kx/ops-numpy'
import { Layer, configToArgs, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import { serialize as serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/activations.js'
import { serializeRegularizer } from '../common.js'
import {
  RecurrentCell, activationArg, cellArgsOf, gateWeights, lastDim, lstmUpdate, masked, splitCellInputs, stepDropoutMasks, unitForgetBiasInitializer,
  unitsArg, zerosState,
  type CellCallOptions, type RecurrentCellArgs, type RNNCell, type States,
} from './rnn-common.js'
import { RNN, type RecurrenceArgs } from './RNN.js'
import { useCudnnArg } from './GRU.js'

/** Options of `LSTMCell`. */
export interface LSTMCellArgs extends RecurrentCellArgs {
  /** Dimensionality of the output space. */
  readonly units: number
  /** Cell/candidate activation (default `tanh`). */
  readonly activation?: ActivationIdentifier
  /** Gate activation (default `sigmoid`). */
  readonly recurrentActivation?: ActivationIdentifier
  /** Initialize the forget-gate bias to ones (default true; Jozefowicz et al. 2015). */
  readonly unitForgetBias?: boolean
  /** 1: one matmul per gate (used with recurrent dropout); 2 (default): fused. Not serialized (as in Keras). */
  readonly implementation?: number | null
}

/**
 * The cell of `LSTM`: `[i, f, ĉ, o] = x W + h U + b`, `c' = σ(f) ⊙ c + σ(i) ⊙ tanh(ĉ)`,
 * `h' = σ(o) ⊙ tanh(c')`; states `[h, c]`.
 *
 * When to use: inside `RNN` (alone or stacked); `LSTM` runs it over a sequence.
 *
 * @example
 * ```ts
 * const cell = new LSTMCell({ units: 4 })
 * const [h, [h2, c2]] = cell.apply([ops.ones([2, 3]), [ops.zeros([2, 4]), ops.zeros([2, 4])]])
 * ```
 */
export class LSTMCell extends RecurrentCell implements RNNCell {
  static readonly className: string = 'LSTMCell'
  readonly units: number
  readonly activation: ActivationFn
  readonly recurrentActivation: ActivationFn
  readonly unitForgetBias: boolean
  readonly implementation: number
  readonly stateSize: number[]
  readonly outputSize: number

  constructor(args: LSTMCellArgs) {
    const units = unitsArg(args?.units)
    super(args)
    this.units = units
    this.activation = activationArg(args.activation, 'tanh')
    this.recurrentActivation = activationArg(args.recurrentActivation, 'sigmoid')
    this.unitForgetBias = args.unitForgetBias ?? true
    this.implementation = args.implementation === 1 || this.recurrentDropout !== 0 ? 1 : 2
    if (this.implementation === 1) this.dropoutMaskCount = 4
    this.stateSize = [units, units]
    this.outputSize = units
  }

  override build(inputShape: ShapeLike): void {
    const u = this.units
    const biasInit = this.unitForgetBias ? unitForgetBiasInitializer(this.biasInitializer, u) : undefined
    this.addKernels([lastDim(inputShape, 'LSTMCell'), 4 * u], [u, 4 * u], [4 * u], biasInit)
    this.built = true
  }

  override call(inputs: unknown, options: CellCallOptions = {}): [Tensor, States] {
    const [x, states] = splitCellInputs(inputs, 'LSTMCell')
    const list = states as readonly Tensor[]
    const hPrev = list[0]!
    const cPrev = list[1]!
    const training = options.training ?? false
    const kernel = this.kernel.value
    const rk = this.recurrentKernel.value
    let gates: Tensor[]
    if (this.implementation === 1) {
      const [dp, rdp] = stepDropoutMasks(this, x, hPrev, training)
      const { kernels, recurrentKernels, biases } = gateWeights(this, 4, 1)
      gates = kernels.map((k, i) => {
        let g = matmul(masked(x, dp, i), k)
        if (biases) g = add(g, biases[i]!)
        return add(g, matmul(masked(hPrev, rdp, i), recurrentKernels[i]!))
      })
    } else {
      // Implementation 2 runs without recurrent dropout (see the constructor): one input mask at most.
      const [dp] = stepDropoutMasks(this, x, hPrev, training)
      let z = add(matmul(masked(x, dp, 0), kernel), matmul(hPrev, rk))
      if (this.bias) z = add(z, this.bias.value)
      gates = split(z, 4, { axis: 1 })
    }
    const [h, c] = lstmUpdate(this, gates, cPrev)
    return [h, [h, c]]
  }

  getInitialState(batchSize: number): Tensor[] { return [zerosState(batchSize, this.units, this), zerosState(batchSize, this.units, this)] }

  /** The cell keys of the config (shared with `LSTM`). */
  cellConfig(): Record<string, unknown> {
    return {
      units: this.units,
      activation: serializeActivation(this.activation),
      recurrent_activation: serializeActivation(this.recurrentActivation),
      unit_forget_bias: this.unitForgetBias,
      ...this.weightConfig(),
      ...this.dropoutConfig(),
    }
  }

  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), ...this.cellConfig() } }
}

/** Options of `LSTM` (the cell's options plus the recurrence options). */
export interface LSTMArgs extends Omit<LSTMCellArgs, 'name'>, RecurrenceArgs {
  /** `'auto'` (default), true or false: accepted for Keras compatibility; kx has no cuDNN path. */
  readonly useCudnn?: 'auto' | boolean
}

/**
 * Long Short-Term Memory layer (Keras `LSTM`, Hochreiter & Schmidhuber 1997).
 *
 * When to use: sequence models with long-range dependencies.
 *
 * @example
 * ```ts
 * const lstm = new LSTM({ units: 4, returnState: true })
 * const [y, h, c] = lstm.apply(ops.ones([2, 10, 8])) // [2, 4] each
 * ```
 */
export class LSTM extends RNN {
  static override readonly className: string = 'LSTM'
  declare readonly cell: LSTMCell
  readonly useCudnn: 'auto' | boolean

  constructor(args: LSTMArgs) {
    const useCudnn = useCudnnArg(args?.useCudnn)
    const cell = new LSTMCell({ ...cellArgsOf(args), name: 'lstm_cell' })
    super({ ...args, cell })
    this.inputSpec = new InputSpec({ ndim: 3 })
    this.useCudnn = useCudnn
  }

  get units(): number { return this.cell.units }
  get activation(): ActivationFn { return this.cell.activation }
  get recurrentActivation(): ActivationFn { return this.cell.recurrentActivation }
  get useBias(): boolean { return this.cell.useBias }
  get unitForgetBias(): boolean { return this.cell.unitForgetBias }
  get dropout(): number { return this.cell.dropout }
  get recurrentDropout(): number { return this.cell.recurrentDropout }

  override getConfig(): Record<string, unknown> {
    return { ...this.recurrenceConfig(), ...this.cell.cellConfig(), activity_regularizer: serializeRegularizer(this.activityRegularizer) }
  }

  static override fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>): T {
    return new this(configToArgs(config))
  }
}
