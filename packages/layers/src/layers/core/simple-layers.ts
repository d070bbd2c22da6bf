/** @file Small core layers: Identity, Masking, Wrapper (Keras `keras.layers`). */
import { InvalidArgumentError, fmt, type Dim, type Tensor } from '@kx/core'
import { any, expandDims, notEqual, where } from '@kx/ops-numpy'
import { Layer, configToArgs, type CallOptions, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { setKerasMask } from '../../engine/context.js'
import type { CustomObjects } from '../../engine/serialization.js'
import { deserializeLayer, serializeLayer } from '../../saving/serializeLib.js'

/**
 * The identity (Keras `Identity`); passes masks through.
 *
 * @example
 * ```ts
 * new Identity().apply(x) // x
 * ```
 */
export class Identity extends Layer {
  static readonly className: string = 'Identity'
  constructor(args: LayerArgs = {}) {
    super(args)
    this.supportsMasking = true
    this.built = true
  }
  override call(inputs: unknown): unknown { return inputs }
  override computeOutputShape(inputShape: ShapeLike): unknown { return inputShape }
}

/**
 * Masks time steps whose features all equal `maskValue`: those steps become 0 and the output mask is
 * false there (Keras `Masking`; maskValue 0).
 *
 * @example
 * ```ts
 * new Masking({ maskValue: 0 }).apply(seq) // mask [batch, time]
 * ```
 */
export class Masking extends Layer {
  static readonly className: string = 'Masking'
  readonly maskValue: number
  constructor(args: LayerArgs & { maskValue?: number } = {}) {
    super(args)
    const v = args.maskValue ?? 0
    if (typeof v !== 'number') throw new InvalidArgumentError(`Masking expects a numeric \`mask_value\`. Received: mask_value=${fmt(v)}`)
    this.maskValue = v
    this.supportsMasking = true
    this.built = true
  }
  private keep(x: Tensor): Tensor { return any(notEqual(x, this.maskValue), { axis: -1 }) }
  override call(inputs: unknown): Tensor {
    const x = inputs as Tensor
    const keep = this.keep(x)
    const out = where(expandDims(keep, -1), x, 0)
    setKerasMask(out, keep)
    return out
  }
  override computeMask(inputs: unknown): Tensor { return this.keep(inputs as Tensor) }
  override computeOutputShape(inputShape: ShapeLike): Dim[] { return (inputShape as readonly Dim[]).slice() }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), mask_value: this.maskValue } }
}

/**
 * Base of layers that wrap another layer (Keras `Wrapper`, the parent of `TimeDistributed` and
 * `Bidirectional`): builds the inner layer and serializes it under `layer`. Calls delegate to it.
 *
 * @example
 * ```ts
 * class Twice extends Wrapper { override call(x: unknown) { return this.layer.apply(this.layer.apply(x)) } }
 * ```
 */
export class Wrapper extends Layer {
  static readonly className: string = 'Wrapper'
  readonly layer: Layer
  constructor(args: LayerArgs & { layer: Layer }) {
    if (!(args?.layer instanceof Layer)) {
      throw new InvalidArgumentError(`Layer ${fmt(args?.layer)} supplied to Wrapper isn't a supported layer type. Please ensure wrapped layer is a valid Keras layer.`)
    }
    super(args)
    this.layer = args.layer
  }
  override build(inputShape: ShapeLike): void {
    if (!this.layer.built) {
      this.layer.buildShapes = inputShape
      this.layer.build(inputShape)
      this.layer.built = true
    }
    this.built = true
  }
  override call(inputs: unknown, options: CallOptions = {}): unknown { return this.layer.apply(inputs, options) }
  override computeOutputShape(inputShape: ShapeLike): unknown { return this.layer.computeOutputShape(inputShape) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), layer: serializeLayer(this.layer) } }
  static override fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>, custom?: CustomObjects): T {
    const { layer, ...rest } = config
    const inner = deserializeLayer(layer, custom)
    return new this({ ...configToArgs(rest), layer: inner })
  }
}
