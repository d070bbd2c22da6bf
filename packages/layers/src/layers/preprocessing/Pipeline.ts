/**
 * @file Pipeline (Keras 3): applies a list of (preprocessing) layers in order, passing the
 * training flag and masks along. Unlike Sequential it is not a Model.
 */
import { InvalidArgumentError, Tensor, fmt } from '@kx/core'
import { Layer, type CallOptions, type LayerArgs } from '../../engine/Layer.js'
import { getKerasMask } from '../../engine/context.js'
import { deserializeLayer, serializeLayer } from '../../saving/serializeLib.js'
import type { CustomObjects } from '../../engine/serialization.js'

/** Options of `Pipeline`. */
export interface PipelineArgs extends LayerArgs { readonly layers: readonly Layer[] }

/**
 * Chains layers, typically preprocessing and augmentation layers (Keras `Pipeline`). Calls default
 * to `training: true`, as in Keras, so augmentation layers augment.
 *
 * @example
 * ```ts
 * const aug = new Pipeline({ layers: [new RandomFlip({ seed: 1 }), new RandomRotation({ factor: 0.1, seed: 2 })] })
 * aug.apply(images)
 * ```
 */
export class Pipeline extends Layer {
  static readonly className: string = 'Pipeline'
  readonly pipelineLayers: Layer[]
  constructor(args: PipelineArgs) {
    super({ ...(args?.name !== undefined ? { name: args.name } : {}) })
    if (!Array.isArray(args?.layers)) throw new InvalidArgumentError(`\`Pipeline\` needs a list of layers. Received: layers=${fmt(args?.layers)}`)
    this.pipelineLayers = [...args.layers]
    this.built = true
  }
  override get layers(): Layer[] { return this.pipelineLayers.slice() }
  override apply(inputs: unknown, options: CallOptions = {}): any {
    return inputs instanceof Tensor || (inputs !== null && typeof inputs === 'object' && !Array.isArray(inputs)) ? super.apply(inputs, options) : this.call(inputs, options)
  }
  override call(inputs: unknown, options: CallOptions = {}): unknown {
    const training = options.training ?? true
    let x = inputs
    let mask = options.mask
    for (const layer of this.pipelineLayers) {
      x = layer.apply(x, { training, ...(mask != null ? { mask } : {}) })
      mask = x instanceof Tensor ? (getKerasMask(x) ?? undefined) : undefined
    }
    return x
  }
  override computeOutputShape(inputShape: unknown): unknown {
    let s = inputShape
    for (const l of this.pipelineLayers) s = l.computeOutputShape(s as never)
    return s
  }
  override getConfig(): Record<string, unknown> {
    return { layers: this.pipelineLayers.map((l) => serializeLayer(l)), name: this.name }
  }
  static override fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>, custom?: CustomObjects): T {
    const layers = config['layers']
    if (!Array.isArray(layers)) {
      throw new InvalidArgumentError(`\`Pipeline\` config must contain a \`layers\` key mapping to a list of serialized layers. Received config with layers=${fmt(layers)}.`)
    }
    return new this({ name: config['name'], layers: layers.map((l) => deserializeLayer(l, custom)) })
  }
}
