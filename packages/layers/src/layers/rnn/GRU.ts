/**
 * @file `GRUCell` and `GRU` (Keras `keras.layers.GRU`): gates in Keras's order `[z, r, h]`, kernel
 * `[input, 3·units]`, recurrent kernel `[units, 3·units]`, bias `[2, 3·units]` with `resetAfter`
 * (input and recurrent biases, the CuDNN-compatible default) or `[3·units]` without (Keras 2 / TF.js).
 */
import { InvalidArgumentError, fmt, type Tensor } from '@kx/core'
import { S, add, getItem, matmul, multiply, split, squeeze, subtract } from '@kx/ops-numpy'
import { Layer, configToArgs, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import { serialize as serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/activations.js'
import { serializeRegularizer } from '../common.js'
import {
  RecurrentCell, activationArg, cellArgsOf, firstState, lastDim, masked, sameForm, splitCellInputs, stepDropoutMasks, unitsArg, zerosState,
  type CellCallOptions, type RecurrentCellArgs, type RNNCell, type States,
} from './rnn-common.js'
import { RNN, type RecurrenceArgs } from './RNN.js'

/** Options of `GRUCell`. */
export interface GRUCellArgs extends RecurrentCellArgs {
  /** Dimensionality of the output space. */
  readonly units: number
  /** Candidate activation (default `tanh`). */
  readonly activation?: ActivationIdentifier
  /**
   * Gate activation (default `sigmoid`). TF.js / Keras 2 files mean `clip(0.2·x + 0.5, 0, 1)` by
   * `hard_sigmoid` (Keras 3: `relu6(x + 3) / 6`); their loaders map it to `LEGACY_HARD_SIGMOID`.
   */
  readonly recurrentActivation?: ActivationIdentifier
  /** Apply the reset gate after the recurrent matmul (default true; false is Keras 2 / TF.js's GRU). */
  readonly resetAfter?: boolean
  /** 1: one matmul per gate (used with recurrent dropout); 2 (default): fused. Not serialized (as in Keras). */
  readonly implementation?: number | null
}

/**
 * The cell of `GRU`: `z = σ(x W_z + h U_z + b)`, `r = σ(x W_r + h U_r + b)`,
 * `ĥ = tanh(x W_h + r ⊙ (h U_h + b_h))` (resetAfter) or `tanh(x W_h + (r ⊙ h) U_h + b)`,
 * `h' = z ⊙ h + (1 − z) ⊙ ĥ`.
 *
 * When to use: inside `RNN` (alone or stacked); `GRU` runs it over a sequence.
 *
 * @example
 * ```ts
 * const cell = new GRUCell({ units: 4 })
 * const [h] = cell.apply([ops.ones([2, 3]), [ops.zeros([2, 4])]])
 * ```
 */
export class GRUCell extends RecurrentCell implements RNNCell {
  static readonly className: string = 'GRUCell'
  readonly units: number
  readonly activation: ActivationFn
  readonly recurrentActivation: ActivationFn
  readonly resetAfter: boolean
  readonly implementation: number
  readonly stateSize: number
  readonly outputSize: number

  constructor(args: GRUCellArgs) {
    const units = unitsArg(args?.units)
    super(args)
    this.units = units
    this.activation = activationArg(args.activation, 'tanh')
    this.recurrentActivation = activationArg(args.recurrentActivation, 'sigmoid')
    this.resetAfter = args.resetAfter ?? true
    this.implementation = args.implementation === 1 || this.recurrentDropout !== 0 ? 1 : 2
    if (this.implementation === 1) this.dropoutMaskCount = 3
    this.stateSize = units
    this.outputSize = units
  }

  override build(inputShape: ShapeLike): void {
    const u = this.units
    this.addKernels([lastDim(inputShape, 'GRUCell'), 3 * u], [u, 3 * u], this.resetAfter ? [2, 3 * u] : [3 * u])
    this.built = true
  }

  /** Columns `[a, b)` of a `[n, 3·units]` matrix (or a `[3·units]` vector). */
  private cols(t: Tensor, a: number, b: number): Tensor {
    return t.shape.length === 1 ? getItem(t, [S(a, b)]) : getItem(t, [S(), S(a, b)])
  }

  override call(inputs: unknown, options: CellCallOptions = {}): [Tensor, States] {
    const [x, states] = splitCellInputs(inputs, 'GRUCell')
    const hPrev = firstState(states)
    const u = this.units
    const kernel = this.kernel.value
    const rk = this.recurrentKernel.value
    let inputBias: Tensor | null = null
    let recurrentBias: Tensor | null = null
    if (this.bias) {
      const b = this.bias.value
      if (this.resetAfter) [inputBias, recurrentBias] = split(b, 2, { axis: 0 }).map((t) => squeeze(t, { axis: 0 })) as [Tensor, Tensor]
      else inputBias = b
    }
    let z: Tensor
    let r: Tensor
    let hh: Tensor
    const [dp, rdp] = stepDropoutMasks(this, x, hPrev, options.training ?? false)
    if (this.implementation === 1) {
      const xIn = (i: number): Tensor => masked(x, dp, i)
      let xz = matmul(xIn(0), this.cols(kernel, 0, u))
      let xr = matmul(xIn(1), this.cols(kernel, u, 2 * u))
      let xh = matmul(xIn(2), this.cols(kernel, 2 * u, 3 * u))
      if (inputBias) {
        xz = add(xz, this.cols(inputBias, 0, u))
        xr = add(xr, this.cols(inputBias, u, 2 * u))
        xh = add(xh, this.cols(inputBias, 2 * u, 3 * u))
      }
      const hIn = (i: number): Tensor => masked(hPrev, rdp, i)
      let rz = matmul(hIn(0), this.cols(rk, 0, u))
      let rr = matmul(hIn(1), this.cols(rk, u, 2 * u))
      if (this.resetAfter && recurrentBias) {
        rz = add(rz, this.cols(recurrentBias, 0, u))
        rr = add(rr, this.cols(recurrentBias, u, 2 * u))
      }
      z = this.recurrentActivation(add(xz, rz))
      r = this.recurrentActivation(add(xr, rr))
      let rh: Tensor
      if (this.resetAfter) {
        rh = matmul(hIn(2), this.cols(rk, 2 * u, 3 * u))
        if (recurrentBias) rh = add(rh, this.cols(recurrentBias, 2 * u, 3 * u))
        rh = multiply(r, rh)
      } else {
        rh = matmul(multiply(r, hIn(2)), this.cols(rk, 2 * u, 3 * u))
      }
      hh = this.activation(add(xh, rh))
    } else {
      let mx = matmul(masked(x, dp, 0), kernel)
      if (inputBias) mx = add(mx, inputBias)
      const [xz, xr, xh] = split(mx, 3, { axis: -1 }) as [Tensor, Tensor, Tensor]
      let inner: Tensor
      if (this.resetAfter) {
        inner = matmul(hPrev, rk)
        if (recurrentBias) inner = add(inner, recurrentBias)
      } else {
        inner = matmul(hPrev, this.cols(rk, 0, 2 * u))
      }
      z = this.recurrentActivation(add(xz, this.cols(inner, 0, u)))
      r = this.recurrentActivation(add(xr, this.cols(inner, u, 2 * u)))
      const rh = this.resetAfter ? multiply(r, this.cols(inner, 2 * u, 3 * u)) : matmul(multiply(r, hPrev), this.cols(rk, 2 * u, 3 * u))
      hh = this.activation(add(xh, rh))
    }
    // h = z ⊙ h_prev + (1 − z) ⊙ ĥ
    const h = add(multiply(z, hPrev), multiply(subtract(1, z), hh))
    return [h, sameForm(states, [h])]
  }

  getInitialState(batchSize: number): Tensor[] { return [zerosState(batchSize, this.units, this)] }

  /** The cell keys of the config (shared with `GRU`). */
  cellConfig(): Record<string, unknown> {
    return {
      units: this.units,
      activation: serializeActivation(this.activation),
      recurrent_activation: serializeActivation(this.recurrentActivation),
      ...this.weightConfig(),
      ...this.dropoutConfig(),
      reset_after: this.resetAfter,
    }
  }

  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), ...this.cellConfig() } }
}

/** Options of `GRU` (the cell's options plus the recurrence options). */
export interface GRUArgs extends Omit<GRUCellArgs, 'name'>, RecurrenceArgs {
  /** `'auto'` (default), true or false: accepted for Keras compatibility; kx has no cuDNN path. */
  readonly useCudnn?: 'auto' | boolean
}

/** Checks Keras's `use_cudnn` values. */
export function useCudnnArg(v: unknown): 'auto' | boolean {
  const u = v ?? 'auto'
  if (u !== 'auto' && u !== true && u !== false) {
    throw new InvalidArgumentError(`Invalid valid received for argument \`use_cudnn\`. Expected one of {'auto', True, False}. Received: use_cudnn=${fmt(v)}`)
  }
  return u
}

/**
 * Gated Recurrent Unit (Keras `GRU`, Cho et al. 2014).
 *
 * When to use: sequence models; cheaper than LSTM with similar quality. Set `resetAfter: false` for
 * GRUs saved by Keras 2 / TF.js (their bias is `[3·units]`).
 *
 * @example
 * ```ts
 * const gru = new GRU({ units: 4, returnSequences: true })
 * gru.apply(ops.ones([2, 10, 8])) // [2, 10, 4]
 * ```
 */
export class GRU extends RNN {
  static override readonly className: string = 'GRU'
  declare readonly cell: GRUCell
  readonly useCudnn: 'auto' | boolean

  constructor(args: GRUArgs) {
    const useCudnn = useCudnnArg(args?.useCudnn)
    const cell = new GRUCell({ ...cellArgsOf(args), name: 'gru_cell' })
    super({ ...args, cell })
    this.inputSpec = new InputSpec({ ndim: 3 })
    this.useCudnn = useCudnn
  }

  get units(): number { return this.cell.units }
  get activation(): ActivationFn { return this.cell.activation }
  get recurrentActivation(): ActivationFn { return this.cell.recurrentActivation }
  get useBias(): boolean { return this.cell.useBias }
  get dropout(): number { return this.cell.dropout }
  get recurrentDropout(): number { return this.cell.recurrentDropout }
  get resetAfter(): boolean { return this.cell.resetAfter }

  override getConfig(): Record<string, unknown> {
    return { ...this.recurrenceConfig(), ...this.cell.cellConfig(), activity_regularizer: serializeRegularizer(this.activityRegularizer) }
  }

  static override fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>): T {
    return new this(configToArgs(config))
  }
}
