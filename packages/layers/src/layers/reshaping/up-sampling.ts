/** @file UpSampling1D/2D/3D: repeat rows/columns (nearest), or resize with `ops.image.resize` (2D, other interpolations). */
import { InvalidArgumentError, fmt, type Dim, type Tensor } from '@kx/core'
import * as nn from '@kx/ops-nn'
import { Layer, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import { dataFormatArg, standardizeTuple } from '../common.js'
import { repeat } from '@kx/ops-numpy'

function scaled(s: readonly Dim[], axes: readonly number[], size: readonly number[]): Dim[] {
  const out = s.slice()
  axes.forEach((a, i) => { const d = out[a]; out[a] = d === null || d === undefined ? null : d * size[i]! })
  return out
}

/**
 * Repeats each time step `size` times (Keras `UpSampling1D`; size 2).
 *
 * @example
 * ```ts
 * new UpSampling1D({ size: 2 }).apply(ops.ones([1, 3, 4])) // [1, 6, 4]
 * ```
 */
export class UpSampling1D extends Layer {
  static readonly className: string = 'UpSampling1D'
  readonly size: number
  constructor(args: LayerArgs & { size?: number } = {}) {
    super(args)
    const size = args.size ?? 2
    if (!Number.isInteger(size) || size <= 0) throw new InvalidArgumentError(`Argument \`size\` should be a positive integer. Received: size=${fmt(size)}`)
    this.size = size
    this.inputSpec = new InputSpec({ ndim: 3 })
  }
  override call(inputs: unknown): Tensor { return repeat(inputs as Tensor, this.size, { axis: 1 }) }
  override computeOutputShape(inputShape: ShapeLike): Dim[] { return scaled(inputShape as readonly Dim[], [1], [this.size]) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), size: this.size } }
}

/**
 * Upsamples height and width by `size` (Keras `UpSampling2D`): nearest repeats rows and columns;
 * other interpolations ('bilinear', …) use `ops.image.resize`.
 *
 * @example
 * ```ts
 * new UpSampling2D({ size: [2, 2] }).apply(images)
 * ```
 */
export class UpSampling2D extends Layer {
  static readonly className: string = 'UpSampling2D'
  readonly size: [number, number]
  readonly dataFormat: 'channels_last' | 'channels_first'
  readonly interpolation: string
  constructor(args: LayerArgs & { size?: number | readonly number[]; dataFormat?: string | null; interpolation?: string } = {}) {
    super(args)
    this.dataFormat = dataFormatArg(args.dataFormat)
    this.size = standardizeTuple(args.size ?? [2, 2], 2, 'size', false) as [number, number]
    this.interpolation = (args.interpolation ?? 'nearest').toLowerCase()
    this.inputSpec = new InputSpec({ ndim: 4 })
  }
  private get axes(): number[] { return this.dataFormat === 'channels_first' ? [2, 3] : [1, 2] }
  override call(inputs: unknown): Tensor {
    const x = inputs as Tensor
    const [ha, wa] = this.axes as [number, number]
    if (this.interpolation === 'nearest') return repeat(repeat(x, this.size[0], { axis: ha }), this.size[1], { axis: wa })
    const size = [(x.shape[ha] as number) * this.size[0], (x.shape[wa] as number) * this.size[1]]
    return nn.image.resize(x, size, { dataFormat: this.dataFormat, interpolation: this.interpolation as nn.image.ResizeInterpolation })
  }
  override computeOutputShape(inputShape: ShapeLike): Dim[] { return scaled(inputShape as readonly Dim[], this.axes, this.size) }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: [...this.size], data_format: this.dataFormat, interpolation: this.interpolation }
  }
}

/**
 * Repeats the three spatial axes `size` times (Keras `UpSampling3D`).
 *
 * @example
 * ```ts
 * new UpSampling3D({ size: 2 }).apply(volumes)
 * ```
 */
export class UpSampling3D extends Layer {
  static readonly className: string = 'UpSampling3D'
  readonly size: [number, number, number]
  readonly dataFormat: 'channels_last' | 'channels_first'
  constructor(args: LayerArgs & { size?: number | readonly number[]; dataFormat?: string | null } = {}) {
    super(args)
    this.dataFormat = dataFormatArg(args.dataFormat)
    this.size = standardizeTuple(args.size ?? [2, 2, 2], 3, 'size', false) as [number, number, number]
    this.inputSpec = new InputSpec({ ndim: 5 })
  }
  private get axes(): number[] { return this.dataFormat === 'channels_first' ? [2, 3, 4] : [1, 2, 3] }
  override call(inputs: unknown): Tensor {
    let x = inputs as Tensor
    this.axes.forEach((a, i) => { x = repeat(x, this.size[i]!, { axis: a }) })
    return x
  }
  override computeOutputShape(inputShape: ShapeLike): Dim[] { return scaled(inputShape as readonly Dim[], this.axes, this.size) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), size: [...this.size], data_format: this.dataFormat } }
}
