/**
 * @file Global pooling layers (Keras `BaseGlobalPooling`): `GlobalMaxPooling1D/2D/3D` and
 * `GlobalAveragePooling1D/2D/3D` reduce every spatial dim (optionally keeping them as size 1);
 * `GlobalAveragePooling1D` averages only the unmasked steps when given a mask.
 */
import type { Dim, Tensor } from '@kx/core'
import { cast, divide, expandDims, max, mean, sum, where } from '@kx/ops-numpy'
import { Layer, type CallOptions, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import { dataFormatArg } from '../common.js'
import { withSpatialDims } from './pooling.js'

/** Options of the global pooling layers. */
export interface GlobalPoolingArgs extends LayerArgs {
  /** `'channels_last'` or `'channels_first'` (default: the configured image data format). */
  readonly dataFormat?: string | null
  /** Keep the reduced spatial dims with size 1 (default false). */
  readonly keepdims?: boolean
}

/**
 * The global pooling layer (Keras `BaseGlobalPooling`). Use `GlobalAveragePooling2D`, ….
 *
 * @example
 * ```ts
 * new GlobalAveragePooling2D({ keepdims: true }).computeOutputShape([null, 7, 7, 64]) // [null, 1, 1, 64]
 * ```
 */
export class BaseGlobalPooling extends Layer {
  static readonly className: string = 'BaseGlobalPooling'
  readonly rank: number
  readonly dataFormat: 'channels_last' | 'channels_first'
  readonly keepdims: boolean
  readonly poolMode: 'max' | 'average'

  constructor(rank: number, poolMode: 'max' | 'average', args: GlobalPoolingArgs = {}) {
    super(args)
    this.rank = rank
    this.poolMode = poolMode
    this.dataFormat = dataFormatArg(args.dataFormat)
    this.keepdims = args.keepdims ?? false
    this.inputSpec = new InputSpec({ ndim: rank + 2 })
    this.built = true
  }

  /** The spatial axes of the input. */
  protected get spatialAxes(): number[] {
    const first = this.dataFormat === 'channels_last' ? 1 : 2
    return Array.from({ length: this.rank }, (_, i) => first + i)
  }

  override call(inputs: unknown, options: CallOptions = {}): Tensor {
    void options
    const x = inputs as Tensor
    const opts = { axis: this.spatialAxes, keepdims: this.keepdims }
    return this.poolMode === 'max' ? max(x, opts) : mean(x, opts)
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const ones = Array<Dim>((inputShape as readonly Dim[]).length - 2).fill(1)
    return withSpatialDims(inputShape, this.keepdims ? ones : [], this.dataFormat)
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat, keepdims: this.keepdims }
  }
}

/**
 * Max over time (Keras `GlobalMaxPooling1D`, alias `GlobalMaxPool1D`).
 *
 * @example
 * ```ts
 * new GlobalMaxPooling1D().apply(ops.ones([2, 5, 3])) // [2, 3]
 * ```
 */
export class GlobalMaxPooling1D extends BaseGlobalPooling {
  static override readonly className: string = 'GlobalMaxPooling1D'
  constructor(args: GlobalPoolingArgs = {}) { super(1, 'max', args) }
}

/**
 * Max over height and width (Keras `GlobalMaxPooling2D`, alias `GlobalMaxPool2D`).
 *
 * @example
 * ```ts
 * new GlobalMaxPooling2D({ keepdims: true }).apply(ops.ones([2, 4, 4, 3])) // [2, 1, 1, 3]
 * ```
 */
export class GlobalMaxPooling2D extends BaseGlobalPooling {
  static override readonly className: string = 'GlobalMaxPooling2D'
  constructor(args: GlobalPoolingArgs = {}) { super(2, 'max', args) }
}

/**
 * Max over the three spatial dims (Keras `GlobalMaxPooling3D`, alias `GlobalMaxPool3D`).
 *
 * @example
 * ```ts
 * new GlobalMaxPooling3D().apply(ops.ones([2, 3, 3, 3, 4])) // [2, 4]
 * ```
 */
export class GlobalMaxPooling3D extends BaseGlobalPooling {
  static override readonly className: string = 'GlobalMaxPooling3D'
  constructor(args: GlobalPoolingArgs = {}) { super(3, 'max', args) }
}

/**
 * Mean over time (Keras `GlobalAveragePooling1D`, alias `GlobalAvgPool1D`). With a `[batch, steps]`
 * mask, only unmasked steps are averaged; the output carries no mask.
 *
 * @example
 * ```ts
 * new GlobalAveragePooling1D().apply(ops.ones([2, 5, 3])) // [2, 3]
 * ```
 */
export class GlobalAveragePooling1D extends BaseGlobalPooling {
  static override readonly className: string = 'GlobalAveragePooling1D'
  constructor(args: GlobalPoolingArgs = {}) {
    super(1, 'average', args)
    this.supportsMasking = true
  }

  override call(inputs: unknown, options: CallOptions = {}): Tensor {
    const x = inputs as Tensor
    const mask = options.mask as Tensor | null | undefined
    if (!mask) return super.call(x)
    const axis = this.spatialAxes[0]!
    const m = cast(expandDims(mask, this.dataFormat === 'channels_last' ? 2 : 1), 'bool')
    const masked = where(m, x, 0) as Tensor
    return divide(sum(masked, { axis, keepdims: this.keepdims }), sum(cast(m, x.dtype), { axis, keepdims: this.keepdims }))
  }

  override computeMask(): null { return null }
}

/**
 * Mean over height and width (Keras `GlobalAveragePooling2D`, alias `GlobalAvgPool2D`).
 *
 * When to use: the classifier head of convnets, in place of `Flatten`.
 *
 * @example
 * ```ts
 * new GlobalAveragePooling2D().apply(ops.ones([2, 7, 7, 64])) // [2, 64]
 * ```
 */
export class GlobalAveragePooling2D extends BaseGlobalPooling {
  static override readonly className: string = 'GlobalAveragePooling2D'
  constructor(args: GlobalPoolingArgs = {}) { super(2, 'average', args) }
}

/**
 * Mean over the three spatial dims (Keras `GlobalAveragePooling3D`, alias `GlobalAvgPool3D`).
 *
 * @example
 * ```ts
 * new GlobalAveragePooling3D().apply(ops.ones([2, 3, 3, 3, 4])) // [2, 4]
 * ```
 */
export class GlobalAveragePooling3D extends BaseGlobalPooling {
  static override readonly className: string = 'GlobalAveragePooling3D'
  constructor(args: GlobalPoolingArgs = {}) { super(3, 'average', args) }
}
