/** @file InputLayer and `Input()`: the symbolic entry points of Functional models. */
import { InvalidArgumentError, KerasTensor, fmt, type DType, type Dim } from '@kx/core'
import { Layer, type LayerArgs } from './Layer.js'
import { Node, type KerasHistory } from './Node.js'
import { uniqueName } from './naming.js'
import { stringKerasTensor } from './strings.js'

/** Options of `Input` / `InputLayer` (Keras `keras.Input`). */
export interface InputArgs {
  /** Shape without the batch dimension; `null` for unknown dims. */
  readonly shape?: readonly Dim[]
  readonly batchSize?: number
  /** Full shape including batch (alternative to `shape`). */
  readonly batchShape?: readonly Dim[]
  /** A numeric dtype, or `'string'` for string data (nested JS arrays of strings or a `StringArray`). */
  readonly dtype?: DType | 'string'
  readonly name?: string
  readonly sparse?: boolean
  readonly optional?: boolean
}

/** The layer behind a model input (Keras `InputLayer`). */
export class InputLayer extends Layer {
  static readonly className = 'InputLayer'
  readonly batchShape: readonly Dim[]
  /** The input's dtype: a numeric dtype or `'string'`. */
  readonly inputDtype: DType | 'string'
  readonly optional: boolean
  /** The KerasTensor this layer produces. */
  readonly output: KerasTensor

  constructor(args: InputArgs & Omit<LayerArgs, 'dtype'> = {}) {
    const batchShape = args.batchShape ?? args.batchInputShape ?? (args.shape ? [args.batchSize ?? null, ...args.shape] : undefined)
    if (!batchShape) throw new InvalidArgumentError(`InputLayer needs \`shape\` or \`batchShape\`. Received: shape=${fmt(args.shape)}`)
    if (args.sparse) throw new InvalidArgumentError('Sparse inputs are not supported by kx. Received: sparse=true')
    // NOTE: like Keras's InputLayer, "string" is the input's dtype only; the layer keeps the global float policy.
    const numeric = args.dtype === 'string' ? undefined : args.dtype
    super({ name: args.name ?? uniqueName('input_layer'), ...(numeric ? { dtype: numeric } : {}) })
    this.batchShape = batchShape.slice()
    this.inputDtype = args.dtype === 'string' ? 'string' : (numeric ?? this.computeDtype)
    this.optional = args.optional ?? false
    this.built = true
    this.output = this.inputDtype === 'string' ? stringKerasTensor(this.batchShape, this.name) : new KerasTensor(this.batchShape, this.inputDtype, null, this.name)
    const node = new Node(this, [], {}, [], [this.output])
    this.inboundNodes.push(node)
    this.output.kerasHistory = { layer: this, nodeIndex: 0, tensorIndex: 0 } satisfies KerasHistory
  }

  override getConfig(): Record<string, unknown> {
    return { batch_shape: this.batchShape.slice(), dtype: this.inputDtype, sparse: false, ragged: false, name: this.name, optional: this.optional }
  }
  static override fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>): T {
    const batchShape = (config['batch_shape'] ?? config['batch_input_shape']) as Dim[] | undefined
    const dtype = config['dtype']
    const d = typeof dtype === 'string' ? dtype : ((dtype as { config?: { name?: string } } | undefined)?.config?.name)
    return new this({ batchShape, name: config['name'], ...(d ? { dtype: d } : {}), optional: config['optional'] ?? false })
  }
}

/**
 * A symbolic model input (Keras `keras.Input`).
 *
 * @example
 * ```ts
 * const x = Input({ shape: [784] }) // KerasTensor [null, 784]
 * const text = Input({ shape: [], dtype: 'string' }) // string data, for TextVectorization & co.
 * ```
 */
export function Input(args: InputArgs): KerasTensor {
  return new InputLayer(args).output
}
