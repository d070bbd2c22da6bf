/** @file Sequential: a plain stack of layers, built as a Functional graph once its input shape is known. */
import { InvalidArgumentError, KerasTensor, Tensor, fmt, type Dim } from '@kx/core'
import { Layer, type CallOptions, type LayerArgs, type ShapeLike } from './Layer.js'
import { Functional, Model } from './Model.js'
import { InputLayer } from './InputLayer.js'
import { historyOf } from './Node.js'

/** Options of `new Sequential(...)`. */
export interface SequentialArgs extends LayerArgs {
  readonly layers?: readonly (Layer | KerasTensor)[]
}

/**
 * A linear stack of layers (Keras `keras.Sequential`), with or without a leading `Input`.
 *
 * @example
 * ```ts
 * const model = new Sequential({ layers: [Input({ shape: [784] }), new Dense({ units: 10, activation: 'softmax' })] })
 * ```
 */
export class Sequential extends Model {
  static override readonly className: string = 'Sequential'
  private _stack: Layer[] = []
  private _functional: Functional | undefined

  constructor(args: SequentialArgs = {}) {
    super({ ...args, inputs: undefined, outputs: undefined })
    for (const l of args.layers ?? []) this.add(l, false)
    this.maybeRebuild()
  }

  /** Appends a layer (or an `Input` KerasTensor as the first entry). */
  add(layer: Layer | KerasTensor, rebuild = true): void {
    let l: Layer
    if (layer instanceof KerasTensor) {
      const h = historyOf(layer)
      if (!h || !(h.layer instanceof InputLayer)) throw new InvalidArgumentError(`Sequential.add() only accepts layers or an \`Input()\` tensor. Received: ${fmt(String(layer))}`)
      l = h.layer
    } else if (layer instanceof Layer) {
      l = layer
    } else {
      throw new InvalidArgumentError(`Only instances of Layer can be added to a Sequential model. Received: ${fmt(String(layer))}`)
    }
    if (l instanceof InputLayer && this._stack.length > 0) {
      throw new InvalidArgumentError('Sequential: an InputLayer can only be the first layer of the model.')
    }
    if (this._stack.some((x) => x.name === l.name)) {
      throw new InvalidArgumentError(`All layers added to a Sequential model should have unique names. Name "${l.name}" is already the name of a layer in this model.`)
    }
    this._stack.push(l)
    if (rebuild) this.maybeRebuild()
  }

  /** Removes the last layer. */
  pop(rebuild = true): Layer {
    const last = this.layers.at(-1)
    if (!last) throw new InvalidArgumentError('There are no layers in the model to pop.')
    this._stack.splice(this._stack.lastIndexOf(last), 1)
    this._functional = undefined
    this.built = false
    if (rebuild) this.maybeRebuild()
    return last
  }

  /** Layers without the InputLayer (Keras `model.layers`). */
  override get layers(): Layer[] { return this._stack.filter((l) => !(l instanceof InputLayer)) }
  override trackedLayers(): Layer[] { return this.layers }
  /** The input layer, if the model has one. */
  get inputLayer(): InputLayer | undefined { return this._stack[0] instanceof InputLayer ? this._stack[0] : undefined }
  get inputs(): readonly KerasTensor[] { return this._functional?.inputs ?? [] }
  get outputs(): readonly KerasTensor[] { return this._functional?.outputs ?? [] }

  private maybeRebuild(): void {
    this._functional = undefined
    let first = this._stack[0]
    if (first && !(first instanceof InputLayer) && first.batchInputShape) {
      first = new InputLayer({ batchShape: first.batchInputShape, dtype: first.dtypePolicy.computeDtype })
      this._stack.unshift(first)
    }
    if (!(first instanceof InputLayer) || this._stack.length < 2) return
    let x: unknown = first.output
    for (const l of this._stack.slice(1)) x = l.apply(x)
    this._functional = new Functional({ inputs: first.output, outputs: x, name: `${this.name}_functional` })
    this.built = true
    this.buildShapes = first.batchShape.slice()
  }

  override build(inputShape: ShapeLike): void {
    if (this._functional) return
    if (!this.inputLayer) {
      this._stack.unshift(new InputLayer({ batchShape: inputShape as readonly Dim[] }))
      this.maybeRebuild()
    }
    this.built = true
  }

  /** True when the stack starts with a `dtype: 'string'` Input: it then runs eagerly with host strings. */
  override get takesStrings(): boolean { return this._functional?.hasStringInputs ?? false }

  /** Calls the stack; a string input may be a nested JS array of strings. */
  override apply(inputs: unknown, options: CallOptions = {}): any {
    return super.apply(this.takesStrings ? this._functional!.stringInputLeaves(inputs)[0] : inputs, options)
  }

  /** Keras `predict`; a stack with a string input predicts eagerly (see `Functional.predict`). */
  override predict(x: unknown, options: Record<string, unknown> = {}): Promise<unknown> {
    return this.takesStrings ? this._functional!.predict(x, options) : super.predict(x, options)
  }
  override predictOnBatch(x: unknown): Promise<unknown> {
    return this.takesStrings ? this._functional!.predictOnBatch(x) : super.predictOnBatch(x)
  }

  override call(inputs: unknown, options: CallOptions = {}): unknown {
    if (this._functional) return this._functional.call(inputs, options)
    let x = inputs
    for (const l of this.layers) x = l.apply(x, options.training !== undefined ? { training: options.training } : {})
    return x
  }

  override computeOutputShape(inputShape: ShapeLike): unknown {
    if (this._functional) return this._functional.computeOutputShape(inputShape)
    let s: unknown = inputShape
    for (const l of this.layers) s = l.computeOutputShape(s as ShapeLike)
    return s
  }

  /** @internal The Functional graph behind the stack (once built). */
  get functional(): Functional | undefined { return this._functional }
}

export type { Tensor }
