/** @file Shape-changing layers without weights: Flatten, Reshape, Permute, RepeatVector. */
import { InvalidArgumentError, ShapeError, fmt, lax, type Dim, type Tensor } from '@kx/core'
import { expandDims, repeat, reshape, transpose } from '@kx/ops-numpy'
import { Layer, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { InputSpec } from '../../engine/InputSpec.js'
import { dataFormatArg } from '../common.js'

const prod = (ds: readonly number[]): number => ds.reduce((a, d) => a * d, 1)

/**
 * Reshapes to a layer's output shape, where `null` (or -1) marks a dim to infer; only symbolic
 * tensors have several. @internal
 * NOTE: ops-numpy's `reshape` infers one dim; with more (symbolic only), the first unknown is
 * inferred, the others are reshaped as 1 and relabelled unknown by a broadcast.
 */
export function reshapeDims(x: Tensor, shape: readonly (number | null)[]): Tensor {
  const dims = shape.map((d) => (d === -1 ? null : d))
  if (dims.filter((d) => d === null).length <= 1 || !x.isSymbolic) return reshape(x, dims.map((d) => d ?? -1))
  const first = dims.indexOf(null)
  const folded = lax.reshape(x, dims.map((d, i) => (d !== null ? d : i === first ? -1 : 1)))
  return lax.broadcastInDim(folded, dims as number[], dims.map((_, i) => i))
}

/**
 * Flattens all non-batch axes into one (Keras `Flatten`); with `channels_first`, channels move last
 * first so the order matches channels-last models.
 *
 * @example
 * ```ts
 * new Flatten().apply(ops.ones([2, 3, 4])) // [2, 12]
 * ```
 */
export class Flatten extends Layer {
  static readonly className: string = 'Flatten'
  readonly dataFormat: 'channels_last' | 'channels_first'
  constructor(args: LayerArgs & { dataFormat?: string | null } = {}) {
    super(args)
    this.dataFormat = dataFormatArg(args.dataFormat)
    this.inputSpec = new InputSpec({ minNdim: 1 })
  }
  override call(inputs: unknown): Tensor {
    let x = inputs as Tensor
    const rank = x.shape.length
    if (this.dataFormat === 'channels_first' && rank > 1) x = transpose(x, { axes: [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1] })
    const [batch, ...rest] = this.computeOutputShape(x.shape)
    return reshapeDims(x, [batch ?? null, rest[0] ?? null])
  }
  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const s = inputShape as readonly Dim[]
    const rest = s.slice(1)
    const flat = rest.length === 0 ? 1 : rest.some((d) => d === null) ? null : prod(rest as number[])
    return [s[0] ?? null, flat]
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), data_format: this.dataFormat } }
}

/** Keras's `compute_reshape_output_shape`: resolves one −1 in `target` from the known `input` dims. */
export function resolveReshape(input: readonly Dim[], target: readonly number[], argName = 'target_shape'): Dim[] {
  const unknown = target.filter((d) => d === -1).length
  if (unknown > 1) throw new InvalidArgumentError(`There must be at most one unknown dimension (-1) in ${argName}. Received: ${argName}=${fmt(target)}`)
  if (input.some((d) => d === null)) return target.map((d) => (d === -1 ? null : d))
  const total = prod(input as number[])
  if (unknown === 0) {
    if (prod(target) !== total) throw new ShapeError(`The total size of the tensor must be unchanged. Received: input_shape=${fmt(input)}, ${argName}=${fmt(target)}`)
    return target.slice()
  }
  const known = prod(target.filter((d) => d !== -1))
  if (known === 0 || total % known !== 0) throw new ShapeError(`The total size of the tensor must be unchanged. Received: input_shape=${fmt(input)}, ${argName}=${fmt(target)}`)
  return target.map((d) => (d === -1 ? total / known : d))
}

/**
 * Reshapes the non-batch axes to `targetShape` (one −1 allowed; Keras `Reshape`).
 *
 * @example
 * ```ts
 * new Reshape({ targetShape: [3, -1] }).apply(ops.ones([2, 12])) // [2, 3, 4]
 * ```
 */
export class Reshape extends Layer {
  static readonly className: string = 'Reshape'
  readonly targetShape: number[]
  constructor(args: LayerArgs & { targetShape: readonly number[] }) {
    super(args)
    const t = args?.targetShape
    if (!Array.isArray(t) || t.some((d) => !Number.isInteger(d) || (d < 0 && d !== -1))) {
      throw new InvalidArgumentError(`Invalid value for \`target_shape\`: it must be a list of positive integers and at most one -1. Received: target_shape=${fmt(t)}`)
    }
    if (t.filter((d) => d === -1).length > 1) throw new InvalidArgumentError(`There must be at most one unknown dimension (-1) in target_shape. Received: target_shape=${fmt(t)}`)
    this.targetShape = [...t]
    this.built = true
  }
  override call(inputs: unknown): Tensor {
    const x = inputs as Tensor
    const out = this.computeOutputShape(x.shape)
    return reshapeDims(x, out)
  }
  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const s = inputShape as readonly Dim[]
    return [s[0] ?? null, ...resolveReshape(s.slice(1), this.targetShape)]
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), target_shape: [...this.targetShape] } }
}

/**
 * Permutes the non-batch axes (1-based `dims`; Keras `Permute`).
 *
 * @example
 * ```ts
 * new Permute({ dims: [2, 1] }).apply(ops.ones([2, 3, 4])) // [2, 4, 3]
 * ```
 */
export class Permute extends Layer {
  static readonly className: string = 'Permute'
  readonly dims: number[]
  constructor(args: LayerArgs & { dims: readonly number[] }) {
    super(args)
    const dims = args?.dims
    if (!Array.isArray(dims) || [...dims].sort((a, b) => a - b).some((d, i) => d !== i + 1)) {
      throw new InvalidArgumentError(`Invalid permutation argument \`dims\` for Permute Layer. The set of indices in \`dims\` must be consecutive and start from 1. Received dims=${fmt(dims)}`)
    }
    this.dims = [...dims]
    this.inputSpec = new InputSpec({ ndim: dims.length + 1 })
  }
  override call(inputs: unknown): Tensor { return transpose(inputs as Tensor, { axes: [0, ...this.dims] }) }
  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const s = inputShape as readonly Dim[]
    return [s[0] ?? null, ...this.dims.map((d) => s[d] ?? null)]
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), dims: [...this.dims] } }
}

/**
 * Repeats a `[batch, features]` input `n` times: `[batch, n, features]` (Keras `RepeatVector`).
 *
 * @example
 * ```ts
 * new RepeatVector({ n: 3 }).apply(ops.ones([2, 4])) // [2, 3, 4]
 * ```
 */
export class RepeatVector extends Layer {
  static readonly className: string = 'RepeatVector'
  readonly n: number
  constructor(args: LayerArgs & { n: number }) {
    super(args)
    if (!Number.isInteger(args?.n)) throw new InvalidArgumentError(`Expected an integer value for \`n\`. Received: n=${fmt(args?.n)}`)
    if (args.n <= 0) throw new InvalidArgumentError(`Argument \`n\` should be a positive integer. Received: n=${args.n}`)
    this.n = args.n
    this.inputSpec = new InputSpec({ ndim: 2 })
  }
  override call(inputs: unknown): Tensor { return repeat(expandDims(inputs as Tensor, 1), this.n, { axis: 1 }) }
  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const s = inputShape as readonly Dim[]
    return [s[0] ?? null, this.n, s[1] ?? null]
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), n: this.n } }
}
