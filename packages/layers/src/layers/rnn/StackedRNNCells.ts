/** @file `StackedRNNCells`: several RNN cells run as one, each feeding the next (Keras `keras.layers.StackedRNNCells`). */
import { InvalidArgumentError, Tensor, fmt, type Dim } from '@kx/core'
import { Layer, configToArgs, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import type { CustomObjects } from '../../engine/serialization.js'
import { deserializeLayer, serializeLayer } from '../../saving/serializeLib.js'
import {
  isRNNCell, splitCellInputs, stepInputShape, zerosState, type CellCallOptions, type RNNCell, type StateSize, type States,
} from './rnn-common.js'

/** Options of `StackedRNNCells`. */
export interface StackedRNNCellsArgs extends LayerArgs {
  /** The cells, first to last. */
  readonly cells: readonly RNNCell[]
}

/** The output size of a cell: `outputSize`, else its (first) state size. */
export function cellOutputSize(cell: RNNCell): number {
  if (typeof cell.outputSize === 'number') return cell.outputSize
  const s = cell.stateSize
  const first = Array.isArray(s) ? s[0] : s
  if (typeof first !== 'number') throw new InvalidArgumentError(`Cannot infer the output size of cell "${cell.name}". Received: state_size=${fmt(s)}`)
  return first
}

/**
 * Wraps a list of cells so an `RNN` runs them as one cell: the output of cell `i` is the input of
 * cell `i + 1`; the states are one entry per cell.
 *
 * When to use: deep recurrent stacks in one loop (`new RNN({ cell: [cellA, cellB] })` builds one).
 *
 * @example
 * ```ts
 * const cells = new StackedRNNCells({ cells: [new LSTMCell({ units: 8 }), new GRUCell({ units: 4 })] })
 * const y = new RNN({ cell: cells }).apply(ops.ones([2, 5, 3])) // [2, 4]
 * ```
 */
export class StackedRNNCells extends Layer implements RNNCell {
  static readonly className: string = 'StackedRNNCells'
  readonly cells: RNNCell[]

  constructor(args: StackedRNNCellsArgs) {
    const cells = args?.cells
    if (!Array.isArray(cells)) throw new InvalidArgumentError(`StackedRNNCells expects a list of cells. Received: cells=${fmt(cells)}`)
    for (const c of cells) {
      if (!(c instanceof Layer)) throw new InvalidArgumentError(`All cells must have a \`call\` method. Received cell without a \`call\` method: ${fmt(c)}`)
      if (!isRNNCell(c)) throw new InvalidArgumentError(`All cells must have a \`state_size\` attribute. Received cell without a \`state_size\`: ${fmt(c)}`)
    }
    super(args)
    this.cells = [...cells]
  }

  /** One state size per cell. */
  get stateSize(): StateSize[] { return this.cells.map((c) => c.stateSize) }
  get outputSize(): number { return cellOutputSize(this.cells[this.cells.length - 1]!) }

  /** One entry per cell: the cell's `getInitialState`, else zeros per state size (one tensor for an integer size). */
  getInitialState(batchSize: number): States {
    return this.cells.map((c) => {
      if (typeof c.getInitialState === 'function') return c.getInitialState(batchSize)
      const s = c.stateSize
      return typeof s === 'number' ? zerosState(batchSize, s, this) : (s as readonly number[]).map((d) => zerosState(batchSize, d, this))
    })
  }

  override build(inputShape: ShapeLike): void {
    let shape = stepInputShape(inputShape)
    for (const cell of this.cells) {
      if (!cell.built) {
        cell.buildShapes = shape
        cell.build(shape)
        cell.built = true
      }
      shape = [shape[0] ?? null, cellOutputSize(cell)] as Dim[]
    }
    this.built = true
  }

  override call(inputs: unknown, options: CellCallOptions = {}): [Tensor, States] {
    const [x0, states] = splitCellInputs(inputs, 'StackedRNNCells')
    let x = x0
    const list = states instanceof Tensor ? [states] : states
    if (list.length !== this.cells.length) {
      throw new InvalidArgumentError(`StackedRNNCells expects one state entry per cell (${this.cells.length}). Received: ${list.length} entries`)
    }
    const next: States[] = []
    this.cells.forEach((cell, i) => {
      const s = list[i]!
      const isList = !(s instanceof Tensor)
      const cellStates = isList ? s : [s]
      const [out, ns] = cell.call([x, cellStates], options) as [Tensor, States]
      x = out
      const nsList = ns instanceof Tensor ? [ns] : ns
      next.push(nsList.length === 1 && !isList ? nsList[0]! : nsList)
    })
    return [x, next]
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cells: this.cells.map((c) => serializeLayer(c)) }
  }

  static override fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>, custom?: CustomObjects): T {
    const { cells, ...rest } = config
    if (!Array.isArray(cells)) throw new InvalidArgumentError(`StackedRNNCells config needs a "cells" list. Received: cells=${fmt(cells)}`)
    return new this({ ...configToArgs(rest), cells: cells.map((c) => deserializeLayer(c, custom)) })
  }
}
