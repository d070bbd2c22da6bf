/**
 * @file Adaptive pooling layers (Keras `BaseAdaptivePooling`): `AdaptiveMaxPooling1D/2D/3D` and
 * `AdaptiveAveragePooling1D/2D/3D` pool to a fixed `outputSize` whatever the input size (PyTorch's
 * window boundaries), on ops-nn's `adaptiveMaxPool` / `adaptiveAveragePool`.
 */
import { InvalidArgumentError, fmt, type Dim, type Tensor } from '@kx/core'
import { adaptiveAveragePool, adaptiveMaxPool } from '@kx/ops-nn'
import { Layer, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { dataFormatArg } from '../common.js'
import { withSpatialDims } from './pooling.js'

/** Options of the adaptive pooling layers. */
export interface AdaptivePoolingArgs extends LayerArgs {
  /** Output size per spatial dim (an integer applies to every dim). */
  readonly outputSize: number | readonly number[]
  /** `'channels_last'` or `'channels_first'` (default: the configured image data format). */
  readonly dataFormat?: string | null
}

function outputSizeArg(value: unknown, rank: number, layer: string): number[] {
  const arr = typeof value === 'number' ? Array<number>(rank).fill(value) : Array.isArray(value) ? [...(value as number[])] : null
  if (!arr || arr.length !== rank || arr.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new InvalidArgumentError(`${layer}: \`output_size\` must be a positive integer or a tuple of ${rank} positive integers. Received: output_size=${fmt(value)}`)
  }
  return arr
}

/**
 * The adaptive pooling layer (Keras `BaseAdaptivePooling`). Use `AdaptiveAveragePooling2D`, ….
 *
 * @example
 * ```ts
 * new AdaptiveMaxPooling2D({ outputSize: 4 }).outputSize // [4, 4]
 * ```
 */
export class BaseAdaptivePooling extends Layer {
  static readonly className: string = 'BaseAdaptivePooling'
  readonly outputSize: number[]
  readonly dataFormat: 'channels_last' | 'channels_first'
  readonly poolMode: 'max' | 'average'

  constructor(rank: number, poolMode: 'max' | 'average', args: AdaptivePoolingArgs) {
    super(args)
    this.outputSize = outputSizeArg(args?.outputSize, rank, new.target.className)
    this.dataFormat = dataFormatArg(args.dataFormat)
    this.poolMode = poolMode
  }

  override call(inputs: unknown): Tensor {
    const opts = { dataFormat: this.dataFormat }
    return this.poolMode === 'max' ? adaptiveMaxPool(inputs as Tensor, this.outputSize, opts) : adaptiveAveragePool(inputs as Tensor, this.outputSize, opts)
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    return withSpatialDims(inputShape, this.outputSize, this.dataFormat)
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), output_size: this.outputSize.slice(), data_format: this.dataFormat }
  }
}

/**
 * Adaptive max pooling over time (Keras `AdaptiveMaxPooling1D`).
 *
 * @example
 * ```ts
 * new AdaptiveMaxPooling1D({ outputSize: 4 }).apply(ops.ones([1, 10, 3])) // [1, 4, 3]
 * ```
 */
export class AdaptiveMaxPooling1D extends BaseAdaptivePooling {
  static override readonly className: string = 'AdaptiveMaxPooling1D'
  constructor(args: AdaptivePoolingArgs) { super(1, 'max', args) }
}

/**
 * Adaptive max pooling over height and width (Keras `AdaptiveMaxPooling2D`).
 *
 * @example
 * ```ts
 * new AdaptiveMaxPooling2D({ outputSize: [2, 3] }).apply(ops.ones([1, 7, 9, 3])) // [1, 2, 3, 3]
 * ```
 */
export class AdaptiveMaxPooling2D extends BaseAdaptivePooling {
  static override readonly className: string = 'AdaptiveMaxPooling2D'
  constructor(args: AdaptivePoolingArgs) { super(2, 'max', args) }
}

/**
 * Adaptive max pooling over three spatial dims (Keras `AdaptiveMaxPooling3D`).
 *
 * @example
 * ```ts
 * new AdaptiveMaxPooling3D({ outputSize: 2 }).apply(ops.ones([1, 5, 5, 5, 3])) // [1, 2, 2, 2, 3]
 * ```
 */
export class AdaptiveMaxPooling3D extends BaseAdaptivePooling {
  static override readonly className: string = 'AdaptiveMaxPooling3D'
  constructor(args: AdaptivePoolingArgs) { super(3, 'max', args) }
}

/**
 * Adaptive average pooling over time (Keras `AdaptiveAveragePooling1D`).
 *
 * @example
 * ```ts
 * new AdaptiveAveragePooling1D({ outputSize: 4 }).apply(ops.ones([1, 10, 3])) // [1, 4, 3]
 * ```
 */
export class AdaptiveAveragePooling1D extends BaseAdaptivePooling {
  static override readonly className: string = 'AdaptiveAveragePooling1D'
  constructor(args: AdaptivePoolingArgs) { super(1, 'average', args) }
}

/**
 * Adaptive average pooling over height and width (Keras `AdaptiveAveragePooling2D`).
 *
 * When to use: a fixed-size feature map before a dense head, whatever the image size.
 *
 * @example
 * ```ts
 * new AdaptiveAveragePooling2D({ outputSize: 7 }).apply(ops.ones([1, 14, 14, 8])) // [1, 7, 7, 8]
 * ```
 */
export class AdaptiveAveragePooling2D extends BaseAdaptivePooling {
  static override readonly className: string = 'AdaptiveAveragePooling2D'
  constructor(args: AdaptivePoolingArgs) { super(2, 'average', args) }
}

/**
 * Adaptive average pooling over three spatial dims (Keras `AdaptiveAveragePooling3D`).
 *
 * @example
 * ```ts
 * new AdaptiveAveragePooling3D({ outputSize: 2 }).apply(ops.ones([1, 4, 4, 4, 3])) // [1, 2, 2, 2, 3]
 * ```
 */
export class AdaptiveAveragePooling3D extends BaseAdaptivePooling {
  static override readonly className: string = 'AdaptiveAveragePooling3D'
  constructor(args: AdaptivePoolingArgs) { super(3, 'average', args) }
}
