/**
 * @file Shared pieces of the recurrent cells: the `RNNCell` protocol, `DropoutRNNCell` (Keras's
 * mixin that caches one dropout mask per `RNN` call), the weight arguments every cell takes
 * (kernel / recurrent kernel / bias initializers, regularizers, constraints) and their config keys.
 */
import { InvalidArgumentError, SeedGenerator, Tensor, fmt, type Dim, type DType, type Variable } from '@kx/core'
import { add, concatenate, multiply, ones, split, zeros } from '@kx/ops-numpy'
import { dropout } from '@kx/ops-numpy/random'
import { Layer, type CallOptions, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { get as getActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/activations.js'
import {
  constraintArg, initializerArg, regularizerArg, serializeConstraint, serializeInitializer, serializeRegularizer,
  type ConstraintIdentifier, type InitializerIdentifier, type InitializerLike, type RegularizerIdentifier,
} from '../common.js'
import type { Constraint } from '../../constraints/constraints.js'
import type { Regularizer } from '../../regularizers/regularizers.js'

/** A state size: one integer per state, or (for `StackedRNNCells`) one entry per cell. */
export type StateSize = number | readonly StateSize[]

/** Recurrent states passed to a cell: a tensor, a list of tensors, or (stacked cells) nested lists. */
export type States = Tensor | readonly States[]

/** Options of a cell step (`cell.call([input, states], options)`). */
export interface CellCallOptions extends CallOptions {
  readonly training?: boolean
}

/**
 * What `RNN` needs from a cell (Keras's RNN cell protocol): a `Layer` whose `call([input, states],
 * options)` returns `[output, newStates]`, with a `stateSize` (an integer, or one per state) and
 * optionally an `outputSize` and `getInitialState(batchSize)`.
 *
 * @example
 * ```ts
 * class MinimalRNNCell extends Layer implements RNNCell {
 *   readonly stateSize = 4
 *   kernel!: Variable
 *   override build(shape: Dim[]) { this.kernel = this.addWeight({ name: 'kernel', shape: [shape.at(-1) as number, 4] }) }
 *   override call([x, states]: [Tensor, Tensor[]]) {
 *     const h = ops.add(ops.matmul(x, this.kernel.value), states[0]!)
 *     return [h, [h]]
 *   }
 * }
 * ```
 */
export interface RNNCell extends Layer {
  readonly stateSize: StateSize
  readonly outputSize?: number
  getInitialState?(batchSize: number): States
  /** kx extension: per-state shapes without the batch axis (cells whose states are not vectors). */
  stateShapes?(): readonly (readonly number[])[]
}

/**
 * True for a Layer that follows the RNN cell protocol (a `stateSize`).
 *
 * @example
 * ```ts
 * isRNNCell(new GRUCell({ units: 2 })) // true
 * ```
 */
export function isRNNCell(v: unknown): v is RNNCell {
  return v instanceof Layer && (v as { stateSize?: unknown }).stateSize !== undefined
}

/** The shape of the inputs of one step: a cell built directly may get `[input, states]` shapes. */
export function stepInputShape(inputShape: ShapeLike): Dim[] {
  const s = inputShape as readonly unknown[]
  return (Array.isArray(s[0]) ? s[0] : s) as Dim[]
}

/** Splits a cell's inputs `[input, states]` (states may be a single tensor). */
export function splitCellInputs(inputs: unknown, cell: string): [Tensor, States] {
  if (!Array.isArray(inputs) || inputs.length !== 2 || !(inputs[0] instanceof Tensor)) {
    throw new InvalidArgumentError(`${cell} must be called on \`[inputs, states]\`. Received: inputs=${fmt(inputs)}`)
  }
  return [inputs[0], inputs[1] as States]
}

/** The first state of a (possibly single-tensor) state list. */
export function firstState(states: States): Tensor {
  return states instanceof Tensor ? states : (states[0] as Tensor)
}

/** Returns `newStates` in the form the caller passed: a list if `states` was a list, else a tensor. */
export function sameForm(states: States, newStates: Tensor[]): States {
  return states instanceof Tensor ? newStates[0]! : newStates
}

/** Keras's `min(1, max(0, rate))` clamp of `dropout` / `recurrent_dropout`. */
function clampRate(v: unknown, name: string): number {
  const r = v ?? 0
  if (typeof r !== 'number' || Number.isNaN(r)) throw new InvalidArgumentError(`\`${name}\` must be a float in [0, 1]. Received: ${name}=${fmt(v)}`)
  return Math.min(1, Math.max(0, r))
}

/** Options of the dropout-capable cells. */
export interface DropoutCellArgs extends LayerArgs {
  /** Fraction of the inputs to drop (0–1). */
  readonly dropout?: number
  /** Fraction of the recurrent state to drop (0–1). */
  readonly recurrentDropout?: number
  readonly seed?: number | null
}

/**
 * Base of cells with input and recurrent dropout (Keras `DropoutRNNCell`): `RNN` draws the masks once
 * per call (`getDropoutMask` / `getRecurrentDropoutMask`), every step reuses them, and `RNN` clears
 * them afterwards. With `dropoutMaskCount` set, each draw is a list of that many masks (one per gate).
 * Masks are drawn on concrete inputs only (like `Dropout`), so traced steps run without dropout.
 *
 * @example
 * ```ts
 * class MyCell extends DropoutRNNCell {
 *   override call([x, states]: [Tensor, Tensor[]], { training }: CellCallOptions) {
 *     const m = training ? this.getDropoutMask(x) : null
 *     // ... use ops.multiply(x, m) when m is set
 *   }
 * }
 * ```
 */
export abstract class DropoutRNNCell extends Layer {
  readonly dropout: number
  readonly recurrentDropout: number
  readonly seed: number | null
  readonly seedGenerator: SeedGenerator
  /** Number of masks per draw (one per gate in implementation 1); undefined: a single mask. */
  protected dropoutMaskCount: number | undefined
  private _dropoutMask: Tensor | Tensor[] | null = null
  private _recurrentDropoutMask: Tensor | Tensor[] | null = null

  constructor(args: DropoutCellArgs) {
    super(args)
    this.dropout = clampRate(args.dropout, 'dropout')
    this.recurrentDropout = clampRate(args.recurrentDropout, 'recurrent_dropout')
    this.seed = args.seed ?? null
    this.seedGenerator = new SeedGenerator({ seed: this.seed })
  }

  private createMask(stepInput: Tensor, rate: number): Tensor | Tensor[] {
    const draw = (): Tensor => dropout(ones(stepInput.shape as number[], { dtype: stepInput.dtype }), rate, { seed: this.seedGenerator })
    return this.dropoutMaskCount === undefined ? draw() : Array.from({ length: this.dropoutMaskCount }, draw)
  }

  /** The cached input dropout mask, drawn on first use for `stepInput`'s shape (null when dropout is 0). */
  getDropoutMask(stepInput: Tensor): Tensor | Tensor[] | null {
    if (this._dropoutMask === null && this.dropout > 0 && !stepInput.isSymbolic) this._dropoutMask = this.createMask(stepInput, this.dropout)
    return this._dropoutMask
  }
  /** The cached recurrent dropout mask (null when recurrent dropout is 0). */
  getRecurrentDropoutMask(state: Tensor): Tensor | Tensor[] | null {
    if (this._recurrentDropoutMask === null && this.recurrentDropout > 0 && !state.isSymbolic) {
      this._recurrentDropoutMask = this.createMask(state, this.recurrentDropout)
    }
    return this._recurrentDropoutMask
  }
  resetDropoutMask(): void { this._dropoutMask = null }
  resetRecurrentDropoutMask(): void { this._recurrentDropoutMask = null }

  /** Keys shared by the configs of dropout cells. */
  protected dropoutConfig(): Record<string, unknown> {
    return { dropout: this.dropout, recurrent_dropout: this.recurrentDropout, seed: this.seed }
  }
}

/** A mask (or one of a list of per-gate masks). */
export function maskAt(mask: Tensor | Tensor[] | null, i: number): Tensor | null {
  if (mask === null) return null
  return Array.isArray(mask) ? mask[i]! : mask
}

/** `x` times mask `i` of `mask` (`x` itself without a mask). */
export function masked(x: Tensor, mask: Tensor | Tensor[] | null, i: number): Tensor {
  const m = maskAt(mask, i)
  return m ? multiply(x, m) : x
}

/** The input and recurrent dropout masks of one training step (null where a rate is 0 or 1, or outside training). */
export function stepDropoutMasks(cell: DropoutRNNCell, x: Tensor, h: Tensor, training: boolean): [Tensor | Tensor[] | null, Tensor | Tensor[] | null] {
  const dp = training && cell.dropout > 0 && cell.dropout < 1 ? cell.getDropoutMask(x) : null
  const rdp = training && cell.recurrentDropout > 0 && cell.recurrentDropout < 1 ? cell.getRecurrentDropoutMask(h) : null
  return [dp, rdp]
}

/** An activation argument, or Keras's default for it. */
export function activationArg(v: ActivationIdentifier | undefined, fallback: ActivationIdentifier): ActivationFn {
  return getActivation(v === undefined ? fallback : v)
}

/**
 * The LSTM state update from the gate pre-activations `[i, f, ĉ, o]` (LSTMCell, ConvLSTMCell):
 * `c = σ(f) ⊙ c_prev + σ(i) ⊙ tanh(ĉ)`, `h = σ(o) ⊙ tanh(c)`; returns `[h, c]`.
 */
export function lstmUpdate(cell: { readonly activation: ActivationFn; readonly recurrentActivation: ActivationFn }, gates: readonly Tensor[], cPrev: Tensor): [Tensor, Tensor] {
  const [zi, zf, zc, zo] = gates as [Tensor, Tensor, Tensor, Tensor]
  const i = cell.recurrentActivation(zi)
  const f = cell.recurrentActivation(zf)
  const c = add(multiply(f, cPrev), multiply(i, cell.activation(zc)))
  const o = cell.recurrentActivation(zo)
  return [multiply(o, cell.activation(c)), c]
}

/** A cell's kernel, recurrent kernel and bias split into `n` gates (kernels along `axis`, the bias along 0). */
export function gateWeights(cell: RecurrentCell, n: number, axis: number): { kernels: Tensor[]; recurrentKernels: Tensor[]; biases: Tensor[] | null } {
  return {
    kernels: split(cell.kernel.value, n, { axis }),
    recurrentKernels: split(cell.recurrentKernel.value, n, { axis }),
    biases: cell.bias ? split(cell.bias.value, n, { axis: 0 }) : null,
  }
}

/** Weight arguments of the recurrent cells (Keras names, camelCased). */
export interface RecurrentWeightArgs {
  readonly useBias?: boolean
  readonly kernelInitializer?: InitializerIdentifier
  readonly recurrentInitializer?: InitializerIdentifier
  readonly biasInitializer?: InitializerIdentifier
  readonly kernelRegularizer?: RegularizerIdentifier
  readonly recurrentRegularizer?: RegularizerIdentifier
  readonly biasRegularizer?: RegularizerIdentifier
  readonly kernelConstraint?: ConstraintIdentifier
  readonly recurrentConstraint?: ConstraintIdentifier
  readonly biasConstraint?: ConstraintIdentifier
}

/** Resolved weight arguments. */
export interface RecurrentWeights {
  readonly useBias: boolean
  readonly kernelInitializer: InitializerLike
  readonly recurrentInitializer: InitializerLike
  readonly biasInitializer: InitializerLike
  readonly kernelRegularizer: Regularizer | null
  readonly recurrentRegularizer: Regularizer | null
  readonly biasRegularizer: Regularizer | null
  readonly kernelConstraint: Constraint | null
  readonly recurrentConstraint: Constraint | null
  readonly biasConstraint: Constraint | null
}

/** Resolves the weight arguments with Keras's defaults (glorot_uniform, orthogonal, zeros). */
export function recurrentWeightArgs(args: RecurrentWeightArgs): RecurrentWeights {
  return {
    useBias: args.useBias ?? true,
    kernelInitializer: initializerArg(args.kernelInitializer, 'glorot_uniform', 'kernel_initializer'),
    recurrentInitializer: initializerArg(args.recurrentInitializer, 'orthogonal', 'recurrent_initializer'),
    biasInitializer: initializerArg(args.biasInitializer, 'zeros', 'bias_initializer'),
    kernelRegularizer: regularizerArg(args.kernelRegularizer),
    recurrentRegularizer: regularizerArg(args.recurrentRegularizer),
    biasRegularizer: regularizerArg(args.biasRegularizer),
    kernelConstraint: constraintArg(args.kernelConstraint),
    recurrentConstraint: constraintArg(args.recurrentConstraint),
    biasConstraint: constraintArg(args.biasConstraint),
  }
}

/** The config keys of the weight arguments. */
export function recurrentWeightConfig(w: RecurrentWeights): Record<string, unknown> {
  return {
    use_bias: w.useBias,
    kernel_initializer: serializeInitializer(w.kernelInitializer),
    recurrent_initializer: serializeInitializer(w.recurrentInitializer),
    bias_initializer: serializeInitializer(w.biasInitializer),
    kernel_regularizer: serializeRegularizer(w.kernelRegularizer),
    recurrent_regularizer: serializeRegularizer(w.recurrentRegularizer),
    bias_regularizer: serializeRegularizer(w.biasRegularizer),
    kernel_constraint: serializeConstraint(w.kernelConstraint),
    recurrent_constraint: serializeConstraint(w.recurrentConstraint),
    bias_constraint: serializeConstraint(w.biasConstraint),
  }
}

/** Checks `units` (a positive integer), in Keras's words. */
export function unitsArg(units: unknown): number {
  if (typeof units !== 'number' || !Number.isInteger(units) || units <= 0) {
    throw new InvalidArgumentError(`Received an invalid value for argument \`units\`, expected a positive integer, got ${fmt(units)}.`)
  }
  return units
}

/** The bias initializer of LSTM-style cells with `unit_forget_bias`: `[init(n), ones(n), init(2n)]`. */
export function unitForgetBiasInitializer(init: InitializerLike, n: number): (shape: readonly number[], dtype: DType) => Tensor {
  const call = (s: readonly number[], d: DType): Tensor => (typeof init === 'function' ? init(s, d) : init.apply(s, d))
  return (_shape, dtype) => {
    return concatenate([call([n], dtype), ones([n], { dtype }), call([2 * n], dtype)], { axis: 0 })
  }
}

/** Options of the kernel-based cells: dropout plus the weight arguments. */
export interface RecurrentCellArgs extends DropoutCellArgs, RecurrentWeightArgs {}

/**
 * Base of the kernel-based cells (SimpleRNNCell, GRUCell, LSTMCell, ConvLSTMCell): the resolved
 * weight arguments and the `kernel`, `recurrent_kernel`, `bias` variables (created in that order,
 * which is the order Keras saves them in).
 *
 * @example
 * ```ts
 * class MinimalCell extends RecurrentCell {
 *   readonly stateSize = 4
 *   override build(shape: Dim[]) { this.addKernels([shape.at(-1) as number, 4], [4, 4], [4]) }
 * }
 * ```
 */
export abstract class RecurrentCell extends DropoutRNNCell {
  // Set from `recurrentWeightArgs` in the constructor.
  readonly useBias!: boolean
  readonly kernelInitializer!: InitializerLike
  readonly recurrentInitializer!: InitializerLike
  readonly biasInitializer!: InitializerLike
  readonly kernelRegularizer!: Regularizer | null
  readonly recurrentRegularizer!: Regularizer | null
  readonly biasRegularizer!: Regularizer | null
  readonly kernelConstraint!: Constraint | null
  readonly recurrentConstraint!: Constraint | null
  readonly biasConstraint!: Constraint | null
  kernel!: Variable
  recurrentKernel!: Variable
  bias: Variable | null = null

  constructor(args: RecurrentCellArgs) {
    super(args)
    Object.assign(this, recurrentWeightArgs(args))
  }

  /** Creates `kernel`, `recurrent_kernel` and (with `useBias`) `bias`. */
  protected addKernels(kernelShape: readonly number[], recurrentShape: readonly number[], biasShape: readonly number[], biasInitializer?: InitializerLike): void {
    this.kernel = this.addWeight({ name: 'kernel', shape: kernelShape, initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint })
    this.recurrentKernel = this.addWeight({
      name: 'recurrent_kernel', shape: recurrentShape, initializer: this.recurrentInitializer, regularizer: this.recurrentRegularizer, constraint: this.recurrentConstraint,
    })
    this.bias = this.useBias
      ? this.addWeight({ name: 'bias', shape: biasShape, initializer: biasInitializer ?? this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint })
      : null
  }

  /** The weight arguments' config keys. */
  protected weightConfig(): Record<string, unknown> { return recurrentWeightConfig(this) }
}

/** The input dimension of a cell's build shape, checked. */
export function lastDim(inputShape: ShapeLike, layer: string): number {
  const d = stepInputShape(inputShape).at(-1)
  if (typeof d !== 'number') throw new InvalidArgumentError(`The last dimension of the inputs to ${layer} should be defined. Found None. Received: input_shape=${fmt(inputShape)}`)
  return d
}

/** Zeros `[batch, ...shape]` in a layer's compute dtype (a cell's initial state). */
export function zerosState(batchSize: number, shape: number | readonly number[], cell: Layer): Tensor {
  return zeros([batchSize, ...(typeof shape === 'number' ? [shape] : shape)], { dtype: cell.computeDtype })
}

/**
 * The options a recurrent layer passes to the cell it creates: its own options less the layer-only
 * ones (name, input shape, activity regularizer, recurrence flags); dtype and trainable pass through.
 */
export function cellArgsOf<A extends object>(args: A): A {
  const skip = new Set(['name', 'inputShape', 'batchSize', 'batchInputShape', 'inputDim', 'activityRegularizer', 'returnSequences', 'returnState',
    'goBackwards', 'stateful', 'unroll', 'zeroOutputForMask', 'useCudnn'])
  return Object.fromEntries(Object.entries(args).filter(([k]) => !skip.has(k))) as A
}
