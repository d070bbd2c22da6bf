/**
 * @file Windowed pooling layers (Keras `BasePooling`): `MaxPooling1D/2D/3D` and
 * `AveragePooling1D/2D/3D` on ops-nn's `maxPool` / `averagePool`, channels_last and channels_first.
 */
import { InvalidArgumentError, fmt, type Dim, type Tensor } from '@kx/core'
import { averagePool, computePoolingOutputShape, maxPool } from '@kx/ops-nn'
import { Layer, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import { dataFormatArg, standardizeTuple } from '../common.js'

/** Options of the pooling layers (Keras's arguments, camelCased). */
export interface PoolingArgs extends LayerArgs {
  /** Window size per spatial dim (default 2). */
  readonly poolSize?: number | readonly number[]
  /** Step per spatial dim (default: `poolSize`). */
  readonly strides?: number | readonly number[] | null
  /** `'valid'` (default) or `'same'`. */
  readonly padding?: string
  /** `'channels_last'` or `'channels_first'` (default: the configured image data format). */
  readonly dataFormat?: string | null
}

/** Options of the average pooling layers: Keras requires `pool_size` there. */
export interface AveragePoolingArgs extends PoolingArgs {
  readonly poolSize: number | readonly number[]
}

/** `[batch, ...spatial, channels]` (channels_last) or `[batch, channels, ...spatial]` of an input shape, with new spatial dims. */
export function withSpatialDims(inputShape: ShapeLike, spatial: readonly Dim[], dataFormat: 'channels_last' | 'channels_first'): Dim[] {
  const s = inputShape as readonly Dim[]
  return dataFormat === 'channels_last' ? [s[0]!, ...spatial, s.at(-1)!] : [s[0]!, s[1]!, ...spatial]
}

function requirePoolSize(args: AveragePoolingArgs, layer: string): AveragePoolingArgs {
  if (args?.poolSize === undefined || args.poolSize === null) {
    throw new InvalidArgumentError(`${layer} requires the argument \`pool_size\`. Received: pool_size=${fmt(args?.poolSize)}`)
  }
  return args
}

/**
 * The N-D pooling layer (Keras `BasePooling`). Use `MaxPooling2D`, `AveragePooling2D`, ….
 *
 * @example
 * ```ts
 * new MaxPooling2D().poolSize // [2, 2]
 * ```
 */
export class BasePooling extends Layer {
  static readonly className: string = 'BasePooling'
  readonly poolSize: number[]
  readonly strides: number[]
  readonly padding: 'valid' | 'same'
  readonly dataFormat: 'channels_last' | 'channels_first'
  readonly poolMode: 'max' | 'average'

  constructor(rank: number, poolMode: 'max' | 'average', args: PoolingArgs = {}) {
    super(args)
    this.poolSize = standardizeTuple(args.poolSize ?? 2, rank, 'pool_size', false)
    this.strides = standardizeTuple(args.strides ?? this.poolSize, rank, 'strides', true)
    const padding = (args.padding ?? 'valid').toLowerCase()
    if (padding !== 'valid' && padding !== 'same') {
      throw new InvalidArgumentError(`The \`padding\` argument must be one of "valid", "same". Received: padding=${fmt(args.padding)}`)
    }
    this.padding = padding
    this.dataFormat = dataFormatArg(args.dataFormat)
    this.poolMode = poolMode
    this.inputSpec = new InputSpec({ ndim: rank + 2 })
    this.built = true
  }

  override call(inputs: unknown): Tensor {
    const opts = { strides: this.strides, padding: this.padding, dataFormat: this.dataFormat }
    return this.poolMode === 'max' ? maxPool(inputs as Tensor, this.poolSize, opts) : averagePool(inputs as Tensor, this.poolSize, opts)
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    return computePoolingOutputShape(inputShape as readonly Dim[], this.poolSize, { strides: this.strides, padding: this.padding, dataFormat: this.dataFormat })
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), pool_size: this.poolSize.slice(), padding: this.padding, strides: this.strides.slice(), data_format: this.dataFormat }
  }
}

/**
 * Max over windows along time (Keras `MaxPooling1D`, alias `MaxPool1D`).
 *
 * @example
 * ```ts
 * new MaxPooling1D({ poolSize: 2 }).apply(ops.ones([1, 6, 3])) // [1, 3, 3]
 * ```
 */
export class MaxPooling1D extends BasePooling {
  static override readonly className: string = 'MaxPooling1D'
  constructor(args: PoolingArgs = {}) { super(1, 'max', args) }
}

/**
 * Max over 2D windows (Keras `MaxPooling2D`, alias `MaxPool2D`).
 *
 * When to use: downsampling between convolution blocks.
 *
 * @example
 * ```ts
 * new MaxPooling2D({ poolSize: 2 }).apply(ops.ones([1, 28, 28, 8])) // [1, 14, 14, 8]
 * ```
 */
export class MaxPooling2D extends BasePooling {
  static override readonly className: string = 'MaxPooling2D'
  constructor(args: PoolingArgs = {}) { super(2, 'max', args) }
}

/**
 * Max over 3D windows (Keras `MaxPooling3D`, alias `MaxPool3D`).
 *
 * @example
 * ```ts
 * new MaxPooling3D().apply(ops.ones([1, 4, 4, 4, 2])) // [1, 2, 2, 2, 2]
 * ```
 */
export class MaxPooling3D extends BasePooling {
  static override readonly className: string = 'MaxPooling3D'
  constructor(args: PoolingArgs = {}) { super(3, 'max', args) }
}

/**
 * Mean over windows along time (Keras `AveragePooling1D`, alias `AvgPool1D`); under `'same'`
 * padding each window averages its unpadded elements only.
 *
 * @example
 * ```ts
 * new AveragePooling1D({ poolSize: 2 }).apply(ops.ones([1, 6, 3])) // [1, 3, 3]
 * ```
 */
export class AveragePooling1D extends BasePooling {
  static override readonly className: string = 'AveragePooling1D'
  constructor(args: AveragePoolingArgs) { super(1, 'average', requirePoolSize(args, 'AveragePooling1D')) }
}

/**
 * Mean over 2D windows (Keras `AveragePooling2D`, alias `AvgPool2D`).
 *
 * @example
 * ```ts
 * new AveragePooling2D({ poolSize: 2 }).apply(ops.ones([1, 4, 4, 3])) // [1, 2, 2, 3]
 * ```
 */
export class AveragePooling2D extends BasePooling {
  static override readonly className: string = 'AveragePooling2D'
  constructor(args: AveragePoolingArgs) { super(2, 'average', requirePoolSize(args, 'AveragePooling2D')) }
}

/**
 * Mean over 3D windows (Keras `AveragePooling3D`, alias `AvgPool3D`).
 *
 * @example
 * ```ts
 * new AveragePooling3D({ poolSize: 2 }).apply(ops.ones([1, 4, 4, 4, 2])) // [1, 2, 2, 2, 2]
 * ```
 */
export class AveragePooling3D extends BasePooling {
  static override readonly className: string = 'AveragePooling3D'
  constructor(args: AveragePoolingArgs) { super(3, 'average', requirePoolSize(args, 'AveragePooling3D')) }
}
