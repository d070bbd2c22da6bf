/** @file ZeroPadding1D/2D/3D and Cropping1D/2D/3D: zero-pad or crop the spatial axes. */
import { InvalidArgumentError, ShapeError, fmt, full, lax, type Dim, type Tensor } from '@kx/core'
import { Layer, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import { dataFormatArg, standardizeTuple } from '../common.js'

type Pair = [number, number]
/** A per-axis amount: an int, `n` symmetric ints, or `n` pairs (Keras's `padding` / `cropping` forms). */
export type SpatialAmount = number | readonly (number | readonly number[])[]

/** Normalizes Keras's padding/cropping argument forms to `n` `[before, after]` pairs. */
function pairs(value: SpatialAmount, n: number, name: string): Pair[] {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(`\`${name}\` cannot be negative. Received: ${name}=${fmt(value)}.`)
    return Array.from({ length: n }, () => [value, value] as Pair)
  }
  if (!Array.isArray(value) || value.length !== n) {
    throw new InvalidArgumentError(`\`${name}\` should have ${n} elements. Received: ${name}=${fmt(value)}.`)
  }
  const ord = ['1st', '2nd', '3rd']
  return value.map((v, i) => standardizeTuple(v as number | number[], 2, `${ord[i]} entry of ${name}`) as Pair)
}

/** Pads (positive) or crops (negative) the `n` spatial axes. */
function padSpatial(x: Tensor, amounts: readonly Pair[], channelsFirst: boolean, sign: 1 | -1): Tensor {
  const r = x.shape.length
  const lo = new Array<number>(r).fill(0)
  const hi = new Array<number>(r).fill(0)
  const off = channelsFirst ? 2 : 1
  amounts.forEach(([a, b], i) => { lo[off + i] = sign * a; hi[off + i] = sign * b })
  // NOTE: lax.pad, not ops-numpy's pad: negative amounts crop.
  return lax.pad(x, full([], 0, x.dtype, x.isSymbolic ? undefined : x.backend), lo, hi)
}

function spatialShape(s: readonly Dim[], amounts: readonly Pair[], channelsFirst: boolean, sign: 1 | -1): Dim[] {
  const out = s.slice()
  const off = channelsFirst ? 2 : 1
  amounts.forEach(([a, b], i) => {
    const d = out[off + i]
    out[off + i] = d === null || d === undefined ? null : d + sign * (a + b)
  })
  return out
}

/** Base of the padding and cropping layers. */
abstract class SpatialLayer extends Layer {
  readonly dataFormat: 'channels_last' | 'channels_first'
  protected readonly amounts: Pair[]
  protected abstract readonly sign: 1 | -1
  constructor(args: LayerArgs & { dataFormat?: string | null }, amounts: Pair[], ndim: number) {
    super(args)
    this.dataFormat = dataFormatArg(args.dataFormat)
    this.amounts = amounts
    this.inputSpec = new InputSpec({ ndim })
  }
  override call(inputs: unknown): Tensor {
    const x = inputs as Tensor
    this.check(x.shape)
    return padSpatial(x, this.amounts, this.dataFormat === 'channels_first', this.sign)
  }
  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const s = inputShape as readonly Dim[]
    this.check(s)
    return spatialShape(s, this.amounts, this.dataFormat === 'channels_first', this.sign)
  }
  private check(s: readonly Dim[]): void {
    if (this.sign > 0) return
    const off = this.dataFormat === 'channels_first' ? 2 : 1
    this.amounts.forEach(([a, b], i) => {
      const d = s[off + i]
      if (d !== null && d !== undefined && a + b >= d) {
        throw new ShapeError(`Values in \`cropping\` argument should be smaller than the corresponding spatial dimension of the input. Received: input_shape=${fmt(s)}, cropping=${fmt(this.amounts)} (layer "${this.name}")`)
      }
    })
  }
}

/**
 * Zero-pads the time axis: `padding` is an int or `[left, right]` (Keras `ZeroPadding1D`).
 *
 * @example
 * ```ts
 * new ZeroPadding1D({ padding: 2 }).apply(ops.ones([1, 3, 4])) // [1, 7, 4]
 * ```
 */
export class ZeroPadding1D extends SpatialLayer {
  static readonly className: string = 'ZeroPadding1D'
  protected readonly sign = 1 as const
  constructor(args: LayerArgs & { padding?: number | readonly number[]; dataFormat?: string | null } = {}) {
    super(args, [standardizeTuple(args.padding ?? 1, 2, 'padding') as Pair], 3)
  }
  get padding(): Pair { return this.amounts[0]! }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), padding: [...this.padding], data_format: this.dataFormat } }
}

/**
 * Zero-pads height and width (Keras `ZeroPadding2D`): an int, `[h, w]`, or `[[top, bottom], [left, right]]`.
 *
 * @example
 * ```ts
 * new ZeroPadding2D({ padding: [[1, 0], [0, 1]] }).apply(images)
 * ```
 */
export class ZeroPadding2D extends SpatialLayer {
  static readonly className: string = 'ZeroPadding2D'
  protected readonly sign = 1 as const
  constructor(args: LayerArgs & { padding?: SpatialAmount; dataFormat?: string | null } = {}) {
    super(args, pairs(args.padding ?? [1, 1], 2, 'padding'), 4)
  }
  get padding(): Pair[] { return this.amounts.map((p) => [...p] as Pair) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), padding: this.padding, data_format: this.dataFormat } }
}

/**
 * Zero-pads the three spatial axes (Keras `ZeroPadding3D`).
 *
 * @example
 * ```ts
 * new ZeroPadding3D({ padding: 1 }).apply(volumes)
 * ```
 */
export class ZeroPadding3D extends SpatialLayer {
  static readonly className: string = 'ZeroPadding3D'
  protected readonly sign = 1 as const
  constructor(args: LayerArgs & { padding?: SpatialAmount; dataFormat?: string | null } = {}) {
    super(args, pairs(args.padding ?? [[1, 1], [1, 1], [1, 1]], 3, 'padding'), 5)
  }
  get padding(): Pair[] { return this.amounts.map((p) => [...p] as Pair) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), padding: this.padding, data_format: this.dataFormat } }
}

/**
 * Crops the time axis: `cropping` is an int or `[start, end]` (Keras `Cropping1D`; no data format).
 *
 * @example
 * ```ts
 * new Cropping1D({ cropping: [1, 2] }).apply(ops.ones([1, 6, 4])) // [1, 3, 4]
 * ```
 */
export class Cropping1D extends SpatialLayer {
  static readonly className: string = 'Cropping1D'
  protected readonly sign = -1 as const
  constructor(args: LayerArgs & { cropping?: number | readonly number[] } = {}) {
    super({ ...args, dataFormat: 'channels_last' }, [standardizeTuple(args.cropping ?? [1, 1], 2, 'cropping') as Pair], 3)
  }
  get cropping(): Pair { return [...this.amounts[0]!] as Pair }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), cropping: this.cropping } }
}

/**
 * Crops height and width (Keras `Cropping2D`): an int, `[h, w]`, or `[[top, bottom], [left, right]]`.
 *
 * @example
 * ```ts
 * new Cropping2D({ cropping: [[1, 1], [2, 2]] }).apply(images)
 * ```
 */
export class Cropping2D extends SpatialLayer {
  static readonly className: string = 'Cropping2D'
  protected readonly sign = -1 as const
  constructor(args: LayerArgs & { cropping?: SpatialAmount; dataFormat?: string | null } = {}) {
    super(args, pairs(args.cropping ?? [[0, 0], [0, 0]], 2, 'cropping'), 4)
  }
  get cropping(): Pair[] { return this.amounts.map((p) => [...p] as Pair) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), cropping: this.cropping, data_format: this.dataFormat } }
}

/**
 * Crops the three spatial axes (Keras `Cropping3D`; default 1 on each side).
 *
 * @example
 * ```ts
 * new Cropping3D({ cropping: 1 }).apply(volumes)
 * ```
 */
export class Cropping3D extends SpatialLayer {
  static readonly className: string = 'Cropping3D'
  protected readonly sign = -1 as const
  constructor(args: LayerArgs & { cropping?: SpatialAmount; dataFormat?: string | null } = {}) {
    super(args, pairs(args.cropping ?? [[1, 1], [1, 1], [1, 1]], 3, 'cropping'), 5)
  }
  get cropping(): Pair[] { return this.amounts.map((p) => [...p] as Pair) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), cropping: this.cropping, data_format: this.dataFormat } }
}
