/**
 * @file `RNN`: runs any recurrent cell over the time axis (Keras `keras.layers.RNN`): sequences or last
 * output, final states, reversed processing, stateful batches, unrolling, masks, initial states,
 * and the per-call dropout masks of `DropoutRNNCell`s. SimpleRNN, GRU, LSTM and ConvLSTM extend it.
 */
import {
  InvalidArgumentError, KerasTensor, ShapeError, Tensor, Variable, fmt, isTracing, tensor, tidy, treeFlatten, treeUnflatten,
  type Dim, type NestedArray, type TreeDef,
} from '@kx/core'
import { S, add, any, cast, expandDims, getItem, notEqual, ones, where, zeros } from '@kx/ops-numpy'
import { Layer, configToArgs, type CallOptions, type ShapeLike } from '../../engine/Layer.js'
import { setKerasMask } from '../../engine/context.js'
import type { CustomObjects } from '../../engine/serialization.js'
import { deserializeLayer, serializeLayer } from '../../saving/serializeLib.js'
import { type ZooLayerArgs } from '../common.js'
import { DropoutRNNCell, isRNNCell, type RNNCell, type StateSize, type States } from './rnn-common.js'
import { StackedRNNCells, cellOutputSize } from './StackedRNNCells.js'
import { rnnLoop } from './rnn-loop.js'

/** The recurrence options shared by `RNN` and its subclasses. */
export interface RecurrenceArgs extends ZooLayerArgs {
  /** Return the full output sequence (default: only the last output). */
  readonly returnSequences?: boolean
  /** Also return the final states: `[output, ...states]`. */
  readonly returnState?: boolean
  /** Process the sequence backwards (and return the outputs in that reversed order). */
  readonly goBackwards?: boolean
  /** Carry the final states of a batch over as the initial states of the next (static batch size). */
  readonly stateful?: boolean
  /** Unroll the time loop into one call per step (short sequences, known length). */
  readonly unroll?: boolean
  /** Masked steps output zeros (with `returnSequences`) instead of the previous output. */
  readonly zeroOutputForMask?: boolean
}

/** Options of `RNN`. */
export interface RNNArgs extends RecurrenceArgs {
  /** A cell, or a list of cells (stacked with `StackedRNNCells`). */
  readonly cell: RNNCell | readonly RNNCell[]
}

/** Call options of the recurrent layers. */
export interface RNNCallOptions extends CallOptions {
  /** Initial states (one tensor per state; nested per cell for stacked cells). Also accepted as `apply([x, ...states])`. */
  readonly initialState?: Tensor | readonly States[] | null
}

const isTensor = (v: unknown): v is Tensor => v instanceof Tensor

/** The first mask of a (list of) masks. */
function firstMask(mask: unknown): Tensor | null {
  if (mask instanceof Tensor) return mask
  if (Array.isArray(mask)) return (mask.find((m) => m instanceof Tensor) as Tensor | undefined) ?? null
  return null
}

/** Per-state shapes (without batch) of a cell, nested like its initial states. */
function stateShapesOf(cell: RNNCell): unknown {
  if (typeof cell.stateShapes === 'function') return cell.stateShapes()
  if (cell instanceof StackedRNNCells) return cell.cells.map((c) => stateShapesOf(c))
  const s = cell.stateSize
  return (Array.isArray(s) ? s : [s]).map((d) => [d as number])
}

/** True for a list of states (tensors, or nested arrays one level deeper than one state's values). */
function isStateList(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && (v[0] instanceof Tensor || (Array.isArray(v[0]) && Array.isArray((v[0] as unknown[])[0])))
}

const isShape = (v: unknown): v is number[] => Array.isArray(v) && v.every((d) => typeof d === 'number')

/**
 * Base class of recurrent layers: runs `cell` over the time axis of `[batch, time, features]` inputs.
 *
 * When to use: a custom cell, or stacked cells in one loop; prefer `LSTM` / `GRU` / `SimpleRNN` otherwise.
 *
 * @example
 * ```ts
 * const rnn = new RNN({ cell: new GRUCell({ units: 4 }), returnSequences: true })
 * const y = rnn.apply(ops.ones([2, 5, 3])) // [2, 5, 4]
 * ```
 */
export class RNN extends Layer {
  static readonly className: string = 'RNN'
  readonly cell: RNNCell
  readonly returnSequences: boolean
  readonly returnState: boolean
  readonly goBackwards: boolean
  readonly stateful: boolean
  readonly unroll: boolean
  /** Mutable: `Bidirectional` forces it to `returnSequences`, as Keras does. */
  zeroOutputForMask: boolean
  private _stateVariables: Variable[] | null = null
  private _stateDef: TreeDef | null = null

  constructor(args: RNNArgs) {
    let cell = args?.cell as unknown
    if (Array.isArray(cell)) cell = new StackedRNNCells({ cells: cell as RNNCell[] })
    if (!(cell instanceof Layer)) throw new InvalidArgumentError(`Argument \`cell\` should have a \`call\` method. Received: cell=${fmt(cell)}`)
    if (!isRNNCell(cell)) {
      throw new InvalidArgumentError(`The RNN cell should have a \`state_size\` attribute (single integer or list of integers, one integer per RNN state). Received: cell=${fmt(cell)}`)
    }
    super(args)
    this.cell = cell
    this.returnSequences = args.returnSequences ?? false
    this.returnState = args.returnState ?? false
    this.goBackwards = args.goBackwards ?? false
    this.stateful = args.stateful ?? false
    this.unroll = args.unroll ?? false
    this.zeroOutputForMask = args.zeroOutputForMask ?? false
    this.supportsMasking = true
  }

  /** Keras's `state_size`: one entry per state (a list even for a single state). */
  get stateSize(): StateSize[] {
    const s = this.cell.stateSize
    return typeof s === 'number' ? [s] : [...(s as readonly StateSize[])]
  }

  /** The state variables of a stateful layer (null before build or when not stateful). */
  get states(): Variable[] | null { return this._stateVariables ? [...this._stateVariables] : null }

  override build(inputShape: ShapeLike): void {
    const seq = this.sequenceShape(inputShape)
    const step: Dim[] = [seq[0] ?? null, ...seq.slice(2)]
    if (!this.cell.built) {
      this.cell.buildShapes = step
      this.cell.build(step)
      this.cell.built = true
    }
    if (this.stateful) {
      if (this._stateVariables) this.resetStates()
      else {
        const batch = seq[0]
        if (typeof batch !== 'number') {
          throw new InvalidArgumentError(`When using \`stateful=True\` in a RNN, the batch size must be static. Found dynamic batch size: sequence.shape=${fmt(seq)}`)
        }
        const [leaves, def] = treeFlatten(tidy(() => this.getInitialState(batch)), isTensor)
        this._stateVariables = leaves.map((v) => new Variable({ initializer: v, dtype: this.variableDtype, trainable: false, name: 'rnn_state' }))
        this._stateDef = def
      }
    }
    this.built = true
  }

  /** The sequence shape of (possibly `[x, ...states]`) input shapes. */
  protected sequenceShape(inputShape: ShapeLike): Dim[] {
    const s = inputShape as readonly unknown[]
    return (Array.isArray(s[0]) ? s[0] : s) as Dim[]
  }

  /** Zero initial states for a batch (the cell's `getInitialState`, else zeros per state size). */
  getInitialState(batchSize: number): States[] {
    if (typeof this.cell.getInitialState === 'function') {
      const s = this.cell.getInitialState(batchSize)
      return s instanceof Tensor ? [s] : [...s]
    }
    return this.stateSize.map((d) => zeros([batchSize, d as number], { dtype: this.cell.computeDtype }))
  }

  /** Zeroes the states of a stateful layer, or sets them to `states` (Keras `reset_state`; TF.js `resetStates`). */
  resetStates(states?: Tensor | NestedArray | readonly (Tensor | NestedArray)[]): void {
    const vars = this._stateVariables
    if (!vars) {
      if (!this.stateful) throw new InvalidArgumentError(`Layer "${this.name}" is not stateful: resetStates() needs stateful=true.`)
      return
    }
    if (states === undefined || states === null) {
      for (const v of vars) v.assign(zeros(v.shape as number[], { dtype: v.dtype }))
      return
    }
    // One state may be given bare (a tensor or its nested values); several come as a list.
    const list = vars.length === 1 && (states instanceof Tensor || !isStateList(states)) ? [states as Tensor | NestedArray] : [...(states as readonly (Tensor | NestedArray)[])]
    if (list.length !== vars.length) {
      throw new InvalidArgumentError(`Layer "${this.name}" expects ${vars.length} states, but resetStates received ${list.length}.`)
    }
    vars.forEach((v, i) => {
      const s = list[i]!
      v.assign(s instanceof Tensor ? s : tensor(s, { dtype: v.dtype }))
    })
  }
  /** Alias of `resetStates()` (Keras 3 name). */
  resetState(): void { this.resetStates() }

  /** Splits `[x, ...states]` list inputs. */
  protected splitInputs(inputs: unknown): [Tensor, States[] | null] {
    if (inputs instanceof Tensor) return [inputs, null]
    if (Array.isArray(inputs) && inputs[0] instanceof Tensor) return [inputs[0], inputs.length > 1 ? inputs.slice(1) as States[] : null]
    throw new InvalidArgumentError(`Layer "${this.name}" expects a sequence tensor (or [sequences, ...initialStates]). Received: inputs=${fmt(inputs)}`)
  }

  /** Brings user initial states to the structure of the cell's states, in the compute dtype. */
  private normalizeInitialState(state: Tensor | readonly States[]): States[] {
    let list: States[] = state instanceof Tensor ? [state] : [...state]
    if (this.cell instanceof StackedRNNCells && list.length !== this.cell.cells.length && list.every(isTensor)) {
      // NOTE: a flat list of every cell's states is regrouped per cell (Keras needs them nested).
      const regrouped: States[] = []
      let k = 0
      for (const c of this.cell.cells) {
        const n = Array.isArray(c.stateSize) ? (c.stateSize as unknown[]).length : 1
        regrouped.push(list.slice(k, k + n) as Tensor[])
        k += n
      }
      if (k === list.length) list = regrouped
    }
    const [leaves, def] = treeFlatten(list, isTensor)
    return treeUnflatten(def, leaves.map((t) => (t.dtype === this.cell.computeDtype ? t : cast(t, this.cell.computeDtype)))) as States[]
  }

  /** Zero states for (possibly symbolic) sequences. */
  private initialStateFor(seq: Tensor): States[] {
    const batch = seq.shape[0]
    if (typeof batch === 'number') return this.getInitialState(batch)
    // NOTE: an unknown batch: zeros shaped by a value-independent function of the input, so a traced
    // graph ties their batch size to the input's.
    const x0 = getItem(seq, [S(), 0])
    const nan = notEqual(x0, x0)
    const anyNan = x0.shape.length > 1 ? any(nan, { axis: x0.shape.slice(1).map((_, i) => i + 1) }) : nan
    const make = (shape: number[]): Tensor => {
      const z = zeros(shape, { dtype: this.cell.computeDtype })
      return where(expandDims(anyNan, shape.map((_, i) => i + 1)), z, z) as Tensor
    }
    const [leaves, def] = treeFlatten(stateShapesOf(this.cell), isShape)
    return treeUnflatten(def, leaves.map(make)) as States[]
  }

  private configureDropout(cell: RNNCell, stepInput: Tensor, state: States): void {
    const first = state instanceof Tensor ? state : (treeFlatten(state, isTensor)[0][0] ?? null)
    if (cell instanceof DropoutRNNCell) {
      cell.getDropoutMask(stepInput)
      if (first) cell.getRecurrentDropoutMask(first)
    }
    if (cell instanceof StackedRNNCells) {
      let input = stepInput
      cell.cells.forEach((c, i) => {
        this.configureDropout(c, input, (state as readonly States[])[i]!)
        if (!input.isSymbolic) input = ones([input.shape[0] as number, cellOutputSize(c)], { dtype: input.dtype })
      })
    }
  }

  private resetDropout(cell: RNNCell): void {
    if (cell instanceof DropoutRNNCell) { cell.resetDropoutMask(); cell.resetRecurrentDropoutMask() }
    if (cell instanceof StackedRNNCells) for (const c of cell.cells) this.resetDropout(c)
  }

  override apply(inputs: unknown, options: RNNCallOptions = {}): any {
    const out = super.apply(inputs, options)
    // NOTE: the engine spreads one output mask over every output; states carry no mask in Keras.
    if (this.returnState && Array.isArray(out)) for (const s of out.slice(1)) for (const t of treeFlatten(s, isTensor)[0]) setKerasMask(t, null)
    return out
  }

  override call(inputs: unknown, options: RNNCallOptions = {}): unknown {
    const [sequences, listStates] = this.splitInputs(inputs)
    const given = options.initialState ?? listStates
    const mask = firstMask(options.mask)
    const training = options.training ?? false
    const timesteps = sequences.shape[1]
    if (this.unroll && typeof timesteps !== 'number') {
      throw new InvalidArgumentError('Cannot unroll a RNN if the time dimension is undefined. Give the input a time dimension (`Input({ shape: [timesteps, features] })`).')
    }
    if (typeof timesteps !== 'number') {
      if (sequences.isSymbolic && !isTracing()) return this.symbolicOutputs(sequences)
      throw new ShapeError(`Layer "${this.name}" needs a known number of timesteps inside a trace. Received: sequences.shape=${fmt(sequences.shape)}`)
    }
    const eager = !isTracing() && !sequences.isSymbolic
    // NOTE: eager calls free the loop's intermediates (transposes, zero states, stacked steps) on return.
    return eager ? tidy(() => this.runLoop(sequences, given, mask, training)) : this.runLoop(sequences, given, mask, training)
  }

  private runLoop(sequences: Tensor, given: Tensor | readonly States[] | null | undefined, mask: Tensor | null, training: boolean): Tensor | (Tensor | States)[] {
    let initialState: States[]
    if (given !== null && given !== undefined) initialState = this.normalizeInitialState(given)
    else if (this.stateful && this._stateVariables) initialState = treeUnflatten(this._stateDef!, this._stateVariables.map((v) => v.value)) as States[]
    else initialState = this.initialStateFor(sequences)
    if (this.stateful && this._stateVariables) {
      const expected = this._stateVariables[0]!.shape[0]
      const actual = sequences.shape[0]
      if (typeof actual === 'number' && actual !== expected) {
        throw new InvalidArgumentError(`If an RNN is stateful, the batch size of the input sequences must be the same as the batch size of the initial state. Expected batch size: ${expected}. Received batch size: ${actual}`)
      }
    }
    this.configureDropout(this.cell, getItem(sequences, [S(), 0]), initialState)
    let result
    try {
      result = rnnLoop((x, states) => {
        const [out, next] = this.cell.call([x, states], { training }) as [Tensor, States]
        return [out, next instanceof Tensor ? [next] : next]
      }, sequences, initialState, {
        goBackwards: this.goBackwards, mask, unroll: this.unroll, zeroOutputForMask: this.zeroOutputForMask, returnAllOutputs: this.returnSequences,
      })
    } finally {
      this.resetDropout(this.cell)
    }
    const dt = this.computeDtype
    const toDtype = (t: Tensor): Tensor => (t.dtype === dt ? t : cast(t, dt))
    const [stateLeaves, stateDef] = treeFlatten(result.states, isTensor)
    const states = treeUnflatten(stateDef, stateLeaves.map(toDtype)) as States[]
    if (this.stateful && this._stateVariables) {
      // NOTE: assigned a copy: the returned states stay valid after the next call replaces the variables.
      this._stateVariables.forEach((v, i) => v.assign(add(stateLeaves[i]!, 0)))
    }
    const output = toDtype(this.returnSequences ? result.outputs! : result.lastOutput)
    return this.returnState ? [output, ...states] : output
  }

  /** Output KerasTensors without running the loop (symbolic calls with an unknown time dimension). */
  protected symbolicOutputs(sequences: Tensor): unknown {
    const shapes = this.computeOutputShape(sequences.shape as Dim[])
    const dt = this.computeDtype
    const [leaves, def] = treeFlatten(shapes, (v): v is Dim[] => Array.isArray(v) && v.every((d) => d === null || typeof d === 'number'))
    return treeUnflatten(def, leaves.map((s) => new KerasTensor(s, dt)))
  }

  override computeOutputShape(inputShape: ShapeLike): unknown {
    const seq = this.sequenceShape(inputShape)
    const batch = seq[0] ?? null
    const outputSize = typeof this.cell.outputSize === 'number' ? this.cell.outputSize : this.stateSize[0]
    if (typeof outputSize !== 'number') throw new InvalidArgumentError(`output_size must be an integer. Received: output_size=${fmt(outputSize)}`)
    const output: Dim[] = this.returnSequences ? [batch, seq[1] ?? null, outputSize] : [batch, outputSize]
    if (!this.returnState) return output
    const stateShape = (s: StateSize): unknown => (typeof s === 'number' ? [batch, s] : (s as readonly StateSize[]).map((x) => [batch, x as number]))
    return [output, ...this.stateSize.map(stateShape)]
  }

  override computeMask(inputs: unknown, mask: unknown): unknown {
    void inputs
    const m = firstMask(mask)
    const out = this.returnSequences ? m : null
    return this.returnState ? [out, ...this.stateSize.map(() => null)] : out
  }

  /** Keras's recurrence keys (`return_sequences`, …, `zero_output_for_mask`). */
  protected recurrenceConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      stateful: this.stateful,
      unroll: this.unroll,
      zero_output_for_mask: this.zeroOutputForMask,
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.recurrenceConfig(), cell: serializeLayer(this.cell) }
  }

  static override fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>, custom?: CustomObjects): T {
    const { cell, ...rest } = config
    return new this({ ...configToArgs(rest), cell: deserializeLayer(cell, custom) })
  }
}
