/**
 * @file Keras 3 operations recorded as Functional graph nodes (`module: "keras.src.ops.numpy"`):
 * Keras 3.15 traces a Masking layer's mask as `NotEqual` → `Any` nodes and hands it to the next
 * layer as `mask=`. kx propagates masks with the tensors instead, so these nodes only have to
 * deserialize and run; the ones kx knows are listed in `OPERATIONS`, others stay unknown classes.
 */
import { InvalidArgumentError, NotImplementedError, fmt, type Tensor } from '@kx/core'
import { any, notEqual } from '@kx/ops-numpy'
import { Layer, type LayerArgs } from '../engine/Layer.js'
import { layerRegistry } from '../engine/serialization.js'

type OpFn = (args: readonly unknown[], config: Readonly<Record<string, unknown>>) => Tensor

/** Keras operation class → kx implementation (positional node args, op config). */
const OPERATIONS: Readonly<Record<string, OpFn>> = {
  NotEqual: (a) => notEqual(a[0] as Tensor, a[1] as Tensor),
  Any: (a, c) => any(a[0] as Tensor, { axis: (c['axis'] ?? null) as number | null, keepdims: c['keepdims'] === true }),
}

/**
 * A Keras operation node of a Functional config (e.g. `NotEqual`, `Any`), run through ops-numpy.
 *
 * @example
 * ```ts
 * registerOperationLayers() // then deserializeLayer({ module: 'keras.src.ops.numpy', class_name: 'Any', config: { name: 'any', axis: -1 } })
 * ```
 */
export class OperationLayer extends Layer {
  static readonly className: string = 'Operation'
  readonly op: string
  readonly opConfig: Readonly<Record<string, unknown>>
  constructor(args: LayerArgs & { op: string; opConfig?: Record<string, unknown> }) {
    super({ name: args.name })
    if (!Object.prototype.hasOwnProperty.call(OPERATIONS, args.op)) throw new InvalidArgumentError(`Unknown Keras operation in a Functional config. Received: class_name=${fmt(args.op)}`)
    this.op = args.op
    this.opConfig = args.opConfig ?? {}
    this.built = true
  }
  override get className(): string { return this.op }
  /** Positional node arguments, `undefined` where a tensor goes (kx layers take only tensors as inputs). */
  private template: readonly unknown[] | null = null

  /**
   * Splits a node's positional arguments into the tensors (returned, to call the layer with) and
   * the constants kept on the layer (e.g. NotEqual's `0.0`).
   */
  bindArgs(args: readonly unknown[], isTensor: (v: unknown) => boolean): unknown[] {
    const template = args.map((a) => (isTensor(a) ? undefined : a))
    if (this.template && JSON.stringify(this.template) !== JSON.stringify(template)) {
      throw new NotImplementedError(`Keras operation "${this.name}" is called twice with different constant arguments; kx cannot load that graph. Received: ${fmt(template)}`)
    }
    this.template = template
    return args.filter((a) => isTensor(a))
  }

  override call(inputs: unknown): Tensor {
    const tensors = Array.isArray(inputs) ? [...inputs] : [inputs]
    const args = this.template ? this.template.map((c) => (c === undefined ? tensors.shift() : c)) : tensors
    return OPERATIONS[this.op]!(args, this.opConfig)
  }
  override getConfig(): Record<string, unknown> { return { name: this.name, ...this.opConfig } }
}

let registered = false
/**
 * Registers the known Keras operations (`NotEqual`, `Any`) for Functional configs (idempotent).
 *
 * @example
 * ```ts
 * registerOperationLayers()
 * ```
 */
export function registerOperationLayers(): void {
  if (registered) return
  registered = true
  for (const op of Object.keys(OPERATIONS)) {
    const cls = class extends OperationLayer {
      static override fromConfig<T extends Layer>(this: new (args: never) => T, config: Record<string, unknown>): T {
        const { name, ...rest } = config
        return new OperationLayer({ op, name: typeof name === 'string' ? name : undefined, opConfig: rest }) as unknown as T
      }
    }
    layerRegistry.register(cls as never, op)
  }
}
