/** @file InputLayer and `Input()`: the symbolic entry points of Functional models. */
import { InvalidArgumentError, KerasTensor, fmt, type DType, type Dim } from '@kx/core'
import { Layer, type LayerArgs } from './Layer.js'
import { Node, type KerasHistory } from './Node.js'
import { uniqueName } from './naming.js'

/** Options of `Input` / `InputLayer` (Keras `keras.Input`). */
export interface InputArgs {
  /** Shape without the batch dimension; `null` for unknown dims. */
  readonly shape?: readonly Dim[]
  readonly batchSize?: number
  /** Full shape including batch (alternative to `shape`). */
  readonly batchShape?: readonly Dim[]
  readonly dtype?: DType
  readonly name?: string
  readonly sparse?: boolean
  readonly optional?: boolean
}

/** The layer behind a model input (Keras `InputLayer`). */
export class InputLayer extends Layer {
  static readonly className = 'InputLayer'
  readonly batchShape: readonly Dim[]
  readonly inputDtype: DType
  readonly optional: boolean
  /** The KerasTensor this layer produces. */
  readonly output: KerasTensor

  constructor(args: InputArgs & Omit<LayerArgs, 'dtype'> = {}) {
    const batchShape = args.batchShape ?? args.batchInputShape ?? (args.shape ? [args.batchSize ?? null, ...args.shape] : undefined)
    if (!batchShape) throw new InvalidArgumentError(`InputLayer needs \`shape\` or \`batchShape\`. Received: shape=${fmt(args.shape)}`)
    if (args.sparse) throw new InvalidArgumentError('Sparse inputs are not supported by kx. Received: sparse=true')
    super({ name: args.name ?? uniqueName('input_layer'), ...(args.dtype ? { dtype: args.dtype } : {}) })
    this.batchShape = batchShape.slice()
    this.inputDtype = args.dtype ?? this.computeDtype
    this.optional = args.optional ?? false
    this.built = true
    this.output = new KerasTensor(this.batchShape, this.inputDtype, null, this.name)
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
 * ```
 */
export function Input(args: InputArgs): KerasTensor {
  return new InputLayer(args).output
}
