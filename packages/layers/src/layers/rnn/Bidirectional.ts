/**
 * @file `Bidirectional`: runs a recurrent layer forwards and a copy of it backwards and merges the two
 * (Keras `keras.layers.Bidirectional`): merge modes `concat` (default), `sum`, `mul`, `ave`, or none.
 */
import { InvalidArgumentError, Tensor, fmt, treeFlatten, type Dim } from '@kx/core'
import { add, cast, concatenate, divide, flip, multiply } from '@kx/ops-numpy'
import { Layer, configToArgs, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { setKerasMask } from '../../engine/context.js'
import type { CustomObjects } from '../../engine/serialization.js'
import { deserializeLayer, serializeLayer } from '../../saving/serializeLib.js'
import { RNN, type RNNCallOptions } from './RNN.js'
import type { States } from './rnn-common.js'

/** How the forward and backward outputs are combined. */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null

/** Options of `Bidirectional`. */
export interface BidirectionalArgs extends LayerArgs {
  /** The recurrent layer (an `RNN`, e.g. `LSTM`); a fresh copy of it runs forwards. */
  readonly layer: RNN
  /** `'concat'` (default), `'sum'`, `'mul'`, `'ave'`, or null (return both outputs). */
  readonly mergeMode?: MergeMode
  /** The backward layer (default: a copy of `layer` with `goBackwards: true`). */
  readonly backwardLayer?: RNN | null
}

const MODES: readonly MergeMode[] = ['sum', 'mul', 'ave', 'concat', null]
const isTensor = (v: unknown): v is Tensor => v instanceof Tensor

/** A copy of a layer from its config with a new name (and optional config overrides). */
function copyLayer(layer: RNN, name: string, overrides: Record<string, unknown> = {}): RNN {
  const env = serializeLayer(layer) as unknown as { config: Record<string, unknown> }
  env.config = { ...env.config, ...overrides, name }
  const copy = deserializeLayer(env)
  if (!(copy instanceof RNN)) throw new InvalidArgumentError(`Bidirectional expects a recurrent layer. Received: ${fmt(copy)}`)
  return copy
}
const removePrefix = (s: string, p: string): string => (s.startsWith(p) ? s.slice(p.length) : s)

/**
 * Bidirectional wrapper for RNNs: the forward layer reads the sequence in order, the backward layer
 * in reverse; their outputs (the backward ones flipped back into time order) are merged.
 *
 * When to use: sequence labelling and encoders where the whole sequence is known.
 *
 * @example
 * ```ts
 * const bi = new Bidirectional({ layer: new LSTM({ units: 4, returnSequences: true }) })
 * bi.apply(ops.ones([2, 5, 3])) // [2, 5, 8]
 * ```
 */
export class Bidirectional extends Layer {
  static readonly className: string = 'Bidirectional'
  readonly forwardLayer: RNN
  readonly backwardLayer: RNN
  readonly mergeMode: MergeMode
  readonly stateful: boolean
  readonly returnSequences: boolean
  readonly returnState: boolean

  constructor(args: BidirectionalArgs) {
    const layer = args?.layer
    if (!(layer instanceof Layer)) throw new InvalidArgumentError(`Please initialize \`Bidirectional\` layer with a \`keras.layers.Layer\` instance. Received: ${fmt(layer)}`)
    if (!(layer instanceof RNN)) throw new InvalidArgumentError(`Bidirectional needs a recurrent layer (RNN, LSTM, GRU, …). Received: ${(layer as Layer).className}`)
    const backward = args.backwardLayer ?? null
    if (backward !== null && !(backward instanceof RNN)) {
      throw new InvalidArgumentError(`\`backward_layer\` need to be a \`keras.layers.Layer\` instance (a recurrent layer). Received: ${fmt(backward)}`)
    }
    const mergeMode = args.mergeMode === undefined ? 'concat' : args.mergeMode
    if (!MODES.includes(mergeMode)) {
      throw new InvalidArgumentError(`Invalid merge mode. Received: ${fmt(mergeMode)}. Merge mode should be one of {"sum", "mul", "ave", "concat", None}`)
    }
    super(args)
    this.forwardLayer = copyLayer(layer, `forward_${removePrefix(layer.name, 'forward_')}`)
    this.backwardLayer = backward ?? copyLayer(layer, `backward_${removePrefix(layer.name, 'backward_')}`, { go_backwards: true })
    for (const a of ['stateful', 'returnSequences', 'returnState'] as const) {
      if (this.forwardLayer[a] !== this.backwardLayer[a]) {
        throw new InvalidArgumentError(`Forward layer and backward layer are expected to have the same value for attribute "${a}", got "${this.forwardLayer[a]}" for forward layer and "${this.backwardLayer[a]}" for backward layer`)
      }
    }
    if (this.forwardLayer.goBackwards === this.backwardLayer.goBackwards) {
      throw new InvalidArgumentError(`Forward layer and backward layer should have different \`go_backwards\` value. Received: forward_layer.go_backwards ${this.forwardLayer.goBackwards}, backward_layer.go_backwards=${this.backwardLayer.goBackwards}`)
    }
    // NOTE: Keras forces zero outputs on masked steps when returning sequences, so merged steps line up.
    this.forwardLayer.zeroOutputForMask = this.forwardLayer.returnSequences
    this.backwardLayer.zeroOutputForMask = this.backwardLayer.returnSequences
    this.mergeMode = mergeMode
    this.stateful = layer.stateful
    this.returnSequences = layer.returnSequences
    this.returnState = layer.returnState
    this.supportsMasking = true
    this.inputSpec = layer.inputSpec
  }

  override build(inputShape: ShapeLike): void {
    const seq = (Array.isArray((inputShape as unknown[])[0]) ? (inputShape as unknown[])[0] : inputShape) as Dim[]
    for (const l of [this.forwardLayer, this.backwardLayer]) {
      if (!l.built) {
        l.buildShapes = seq
        l.build(seq)
        l.built = true
      }
    }
    this.built = true
  }

  override apply(inputs: unknown, options: RNNCallOptions = {}): any {
    const out = super.apply(inputs, options)
    if (this.returnState && Array.isArray(out)) {
      for (const s of out.slice(this.mergeMode === null ? 2 : 1)) for (const t of treeFlatten(s, isTensor)[0]) setKerasMask(t, null)
    }
    return out
  }

  override call(inputs: unknown, options: RNNCallOptions = {}): unknown {
    let sequences: Tensor
    let given: readonly States[] | Tensor | null = options.initialState ?? null
    if (inputs instanceof Tensor) sequences = inputs
    else if (Array.isArray(inputs) && inputs[0] instanceof Tensor) {
      sequences = inputs[0]
      if (inputs.length > 1) given = inputs.slice(1) as States[]
    } else throw new InvalidArgumentError(`Bidirectional expects a sequence tensor (or [sequences, ...initialStates]). Received: inputs=${fmt(inputs)}`)
    let fwdState: readonly States[] | null = null
    let bwdState: readonly States[] | null = null
    if (given !== null) {
      const list = given instanceof Tensor ? [given] : given
      const half = Math.floor(list.length / 2)
      fwdState = list.slice(0, half)
      bwdState = list.slice(half)
    }
    const mask = options.mask ?? null
    const common = { ...(options.training !== undefined ? { training: options.training } : {}), mask }
    let y = this.forwardLayer.apply(sequences, { ...common, initialState: fwdState }) as Tensor | Tensor[]
    let yRev = this.backwardLayer.apply(sequences, { ...common, initialState: bwdState }) as Tensor | Tensor[]
    let states: unknown[] = []
    if (this.returnState) {
      states = [...(y as unknown[]).slice(1), ...(yRev as unknown[]).slice(1)]
      y = (y as Tensor[])[0]!
      yRev = (yRev as Tensor[])[0]!
    }
    const dt = this.computeDtype
    const f = cast(y as Tensor, dt)
    let b = cast(yRev as Tensor, dt)
    if (this.returnSequences) b = flip(b, { axis: 1 })
    let output: Tensor | Tensor[]
    switch (this.mergeMode) {
      case 'concat': output = concatenate([f, b], { axis: -1 }); break
      case 'sum': output = add(f, b); break
      case 'ave': output = divide(add(f, b), 2); break
      case 'mul': output = multiply(f, b); break
      default: output = [f, b]
    }
    if (this.returnState) return this.mergeMode === null ? [...(output as Tensor[]), ...states] : [output, ...states]
    return output
  }

  override computeOutputShape(inputShape: ShapeLike): unknown {
    let out = this.forwardLayer.computeOutputShape(inputShape) as unknown
    let stateShapes: unknown[] = []
    if (this.returnState) {
      stateShapes = (out as unknown[]).slice(1)
      out = (out as unknown[])[0]
    }
    let shape: unknown = out
    if (this.mergeMode === 'concat') {
      // NOTE: the backward layer's size is added (Keras doubles the forward size, wrong for a custom backward layer).
      const back = this.backwardLayer.computeOutputShape(inputShape) as unknown[]
      const bLast = ((this.returnState ? back[0] : back) as Dim[]).at(-1)
      const s = (out as Dim[]).slice()
      const last = s[s.length - 1]
      s[s.length - 1] = typeof last === 'number' && typeof bLast === 'number' ? last + bLast : null
      shape = s
    } else if (this.mergeMode === null) shape = [out, out]
    if (!this.returnState) return shape
    return this.mergeMode === null ? [...(shape as unknown[]), ...stateShapes, ...stateShapes] : [shape, ...stateShapes, ...stateShapes]
  }

  override computeMask(inputs: unknown, mask: unknown): unknown {
    void inputs
    const m = Array.isArray(mask) ? ((mask[0] as Tensor | null | undefined) ?? null) : ((mask as Tensor | null) ?? null)
    let out: unknown
    if (this.returnSequences) out = this.mergeMode === null ? [m, m] : m
    else out = this.mergeMode === null ? [null, null] : null
    if (!this.returnState) return out
    const nStates = 2 * this.forwardLayer.stateSize.length
    const nulls = Array.from({ length: nStates }, () => null)
    return this.mergeMode === null ? [...(out as unknown[]), ...nulls] : [out, ...nulls]
  }

  /** Resets the states of both directions (stateful layers only). */
  resetStates(): void {
    if (!this.stateful) throw new InvalidArgumentError('Layer must be stateful.')
    this.forwardLayer.resetStates()
    this.backwardLayer.resetStates()
  }
  /** Alias of `resetStates()`. */
  resetState(): void { this.resetStates() }

  /** The states of both directions (stateful layers), or null. */
  get states(): unknown[] | null {
    const f = this.forwardLayer.states
    const b = this.backwardLayer.states
    return f && b ? [...f, ...b] : null
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      merge_mode: this.mergeMode,
      layer: serializeLayer(this.forwardLayer),
      backward_layer: serializeLayer(this.backwardLayer),
    }
  }

  static override fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>, custom?: CustomObjects): T {
    const { layer, backward_layer: backward, ...rest } = config
    return new this({
      ...configToArgs(rest),
      layer: deserializeLayer(layer, custom),
      ...(backward !== undefined && backward !== null ? { backwardLayer: deserializeLayer(backward, custom) } : {}),
    })
  }
}
