/**
 * @file Merge layers (Keras `keras.layers.merging`): Add, Subtract, Multiply, Average, Maximum,
 * Minimum, Concatenate, Dot, their functional forms (`add([a, b])`, …), and Keras's mask rules
 * (masks OR-ed; Maximum/Minimum/Multiply ignore masked entries).
 */
import { InvalidArgumentError, ShapeError, Tensor, fmt, type Dim } from '@kx/core'
import * as nn from '@kx/ops-nn'
import { Layer, type CallOptions, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { getKerasMask, setKerasMask } from '../../engine/context.js'
import {
  add, any, broadcastTo, cast, concatenate, divide, expandDims, logicalOr, matmul, maximum, minimum, multiply, onesLike, squeeze, subtract,
  transpose, where,
} from '@kx/ops-numpy'
import { reshapeDims } from '../reshaping/reshape-layers.js'

const anyLast = (m: Tensor): Tensor => any(m, { axis: -1 })

/** Keras's elementwise output shape of two (non-batch) shapes. */
function elemwiseShape(a: readonly Dim[] | null, b: readonly Dim[] | null): Dim[] | null {
  if (a === null || b === null) return null
  if (a.length < b.length) return elemwiseShape(b, a)
  if (b.length === 0) return a.slice()
  const out: Dim[] = a.slice(0, a.length - b.length)
  a.slice(a.length - b.length).forEach((i, k) => {
    const j = b[k]!
    if (i === null || j === null) out.push(null)
    else if (i === 1) out.push(j)
    else if (j === 1) out.push(i)
    else if (i !== j) throw new ShapeError(`Inputs have incompatible shapes. Received shapes ${fmt(a)} and ${fmt(b)}`)
    else out.push(i)
  })
  return out
}

/** Base of the merge layers: a list of inputs in, one output (Keras `Merge`). */
export abstract class Merge extends Layer {
  protected reshapeRequired = false
  constructor(args: LayerArgs = {}) {
    super(args)
    this.supportsMasking = true
  }
  protected abstract mergeFunction(inputs: Tensor[]): Tensor

  override build(inputShape: ShapeLike): void {
    const shapes = inputShape as readonly (readonly Dim[])[]
    if (!Array.isArray(shapes) || !Array.isArray(shapes[0])) {
      throw new InvalidArgumentError(`A merge layer should be called on a list of inputs. Received: input_shape=${fmt(inputShape)} (not a list of shapes)`)
    }
    const batches = new Set(shapes.map((s) => s[0]).filter((d) => d !== null && d !== undefined))
    if (batches.size > 1) throw new ShapeError(`Cannot merge tensors with different batch sizes. Received tensors with shapes ${fmt(shapes)}`)
    let out: Dim[] | null = shapes[0]!.slice(1)
    for (const s of shapes.slice(1)) out = elemwiseShape(out, s.slice(1))
    this.reshapeRequired = new Set(shapes.map((s) => s.length)).size !== 1
    this.built = true
  }

  override call(inputs: unknown): Tensor {
    if (!Array.isArray(inputs)) throw new InvalidArgumentError(`A merge layer should be called on a list of inputs. Received: inputs=${fmt(inputs)} (not a list of tensors)`)
    const xs = inputs as Tensor[]
    if (!this.reshapeRequired) return this.mergeFunction(xs)
    // Inputs of different ranks: expand each at axis 1 to the largest rank.
    const maxNdim = Math.max(...xs.map((x) => x.shape.length))
    return this.mergeFunction(xs.map((x) => {
      let y = x
      const mask = getKerasMask(x)
      for (let i = x.shape.length; i < maxNdim; i++) y = expandDims(y, 1)
      if (mask) setKerasMask(y, mask as Tensor)
      return y
    }))
  }

  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const shapes = inputShape as readonly (readonly Dim[])[]
    let out: Dim[] | null = shapes[0]!.slice(1)
    for (const s of shapes.slice(1)) out = elemwiseShape(out, s.slice(1))
    const batches = [...new Set(shapes.map((s) => s[0]).filter((d) => d !== null && d !== undefined))]
    return [batches.length === 1 ? batches[0]! : null, ...(out ?? [])]
  }

  override computeMask(inputs: unknown, mask: unknown): Tensor | null {
    if (mask === null || mask === undefined) return null
    if (!Array.isArray(mask)) throw new InvalidArgumentError(`\`mask\` should be a list. Received: mask=${fmt(mask)}`)
    if (!Array.isArray(inputs) || inputs.length !== mask.length) {
      throw new InvalidArgumentError(`The lists \`inputs\` and \`mask\` should have the same length. Received: mask of length ${mask.length}`)
    }
    if (mask.some((m) => m === null || m === undefined)) return null
    return (mask as Tensor[]).reduce((a, b) => logicalOr(a, b))
  }

  /** Keras's `_apply_merge_op_and_or_mask`: masked entries take the other operand's value. */
  protected mergeWithMasks(op: (a: Tensor, b: Tensor) => Tensor, inputs: Tensor[]): Tensor {
    let output: Tensor | null = null
    let outputMask: Tensor | null = null
    for (const x0 of inputs) {
      let x = x0
      let mask = (getKerasMask(x0) ?? null) as Tensor | null
      if (mask) mask = broadcastTo(expandDims(mask, -1), x.shape)
      if (output === null) { output = x; outputMask = mask; continue }
      if (mask) x = where(mask, x, output)
      if (outputMask) output = where(outputMask, output, x)
      outputMask = mask && outputMask ? logicalOr(outputMask, mask) : null
      output = op(output, x)
    }
    if (outputMask) setKerasMask(output!, anyLast(outputMask))
    return output!
  }
}

/**
 * Sums a list of inputs (Keras `Add`).
 *
 * @example
 * ```ts
 * new Add().apply([a, b])
 * ```
 */
export class Add extends Merge {
  static readonly className: string = 'Add'
  protected mergeFunction(inputs: Tensor[]): Tensor { return inputs.slice(1).reduce((o, x) => add(o, x), inputs[0]!) }
}

/**
 * `inputs[0] − inputs[1]` (Keras `Subtract`; exactly two inputs).
 *
 * @example
 * ```ts
 * new Subtract().apply([a, b])
 * ```
 */
export class Subtract extends Merge {
  static readonly className: string = 'Subtract'
  override build(inputShape: ShapeLike): void {
    super.build(inputShape)
    if ((inputShape as unknown[]).length !== 2) throw new InvalidArgumentError(`A \`Subtract\` layer should be called on exactly 2 inputs. Received: input_shape=${fmt(inputShape)}`)
  }
  protected mergeFunction(inputs: Tensor[]): Tensor {
    if (inputs.length !== 2) throw new InvalidArgumentError(`A \`Subtract\` layer should be called on exactly 2 inputs. Received: ${inputs.length} inputs`)
    return subtract(inputs[0]!, inputs[1]!)
  }
}

/**
 * Multiplies a list of inputs; masked entries count as 1, and the output is 0 where all are masked (Keras `Multiply`).
 *
 * @example
 * ```ts
 * new Multiply().apply([a, b])
 * ```
 */
export class Multiply extends Merge {
  static readonly className: string = 'Multiply'
  protected mergeFunction(inputs: Tensor[]): Tensor {
    const masks = inputs.map((x) => (getKerasMask(x) ?? null) as Tensor | null)
    const hasOutputMask = masks.every((m) => m !== null)
    let output: Tensor | null = null
    let outputMask: Tensor | null = null
    inputs.forEach((x0, i) => {
      let x = x0
      let mask = masks[i]!
      if (mask) {
        mask = broadcastTo(expandDims(mask, -1), x.shape)
        x = where(mask, x, 1)
        if (hasOutputMask) outputMask = outputMask ? logicalOr(outputMask, mask) : mask
      }
      output = output ? multiply(output, x) : x
    })
    let out = output as unknown as Tensor
    if (hasOutputMask && outputMask) {
      out = where(outputMask, out, 0)
      setKerasMask(out, anyLast(outputMask))
    }
    return out
  }
}

/**
 * Averages a list of inputs (Keras `Average`).
 *
 * @example
 * ```ts
 * new Average().apply([a, b])
 * ```
 */
export class Average extends Merge {
  static readonly className: string = 'Average'
  protected mergeFunction(inputs: Tensor[]): Tensor { return divide(inputs.slice(1).reduce((o, x) => add(o, x), inputs[0]!), inputs.length) }
}

/**
 * Elementwise maximum of a list of inputs (Keras `Maximum`).
 *
 * @example
 * ```ts
 * new Maximum().apply([a, b])
 * ```
 */
export class Maximum extends Merge {
  static readonly className: string = 'Maximum'
  protected mergeFunction(inputs: Tensor[]): Tensor { return this.mergeWithMasks(maximum, inputs) }
}

/**
 * Elementwise minimum of a list of inputs (Keras `Minimum`).
 *
 * @example
 * ```ts
 * new Minimum().apply([a, b])
 * ```
 */
export class Minimum extends Merge {
  static readonly className: string = 'Minimum'
  protected mergeFunction(inputs: Tensor[]): Tensor { return this.mergeWithMasks(minimum, inputs) }
}

/**
 * Concatenates a list of inputs along `axis` (Keras `Concatenate`; axis −1). The output mask is
 * the concatenation of the masks (all-true for unmasked inputs), reduced with `any` over the last axis.
 *
 * @example
 * ```ts
 * new Concatenate({ axis: -1 }).apply([a, b])
 * ```
 */
export class Concatenate extends Merge {
  static readonly className: string = 'Concatenate'
  readonly axis: number
  constructor(args: LayerArgs & { axis?: number } = {}) {
    super(args)
    this.axis = args.axis ?? -1
  }
  override build(inputShape: ShapeLike): void {
    const shapes = inputShape as readonly (readonly Dim[])[]
    if (!Array.isArray(shapes) || shapes.length < 1 || !Array.isArray(shapes[0])) {
      throw new InvalidArgumentError(`A \`Concatenate\` layer should be called on a list of at least 1 input. Received: input_shape=${fmt(inputShape)}`)
    }
    const ranks = new Set(shapes.map((s) => s.length))
    const err = (): never => { throw new ShapeError(`A \`Concatenate\` layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape=${fmt(shapes)}`) }
    if (ranks.size !== 1) err()
    const r = shapes[0]!.length
    const ax = ((this.axis % r) + r) % r
    for (let i = 0; i < r; i++) {
      if (i === ax) continue
      const dims = new Set(shapes.map((s) => s[i]).filter((d) => d !== null && d !== 1))
      if (dims.size > 1) err()
    }
    this.built = true
  }
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return concatenate(inputs, { axis: this.axis })
  }
  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const shapes = inputShape as readonly (readonly Dim[])[]
    const out = shapes[0]!.slice()
    const r = out.length
    const ax = ((this.axis % r) + r) % r
    for (const s of shapes.slice(1)) {
      if (out[ax] === null || s[ax] === null) { out[ax] = null; break }
      out[ax] = (out[ax] as number) + (s[ax] as number)
    }
    return out
  }
  override computeMask(inputs: unknown, mask: unknown): Tensor | null {
    if (mask === null || mask === undefined) return null
    if (!Array.isArray(mask) || !Array.isArray(inputs) || mask.length !== inputs.length) {
      throw new InvalidArgumentError(`The lists \`inputs\` and \`mask\` should have the same length. Received: mask=${fmt(mask)}`)
    }
    if (mask.every((m) => m === null || m === undefined)) return null
    const masks = (inputs as Tensor[]).map((x, i) => {
      const m = mask[i] as Tensor | null | undefined
      if (!m) return onesLike(x, { dtype: 'bool' })
      if (m.shape.length < x.shape.length) return broadcastTo(expandDims(cast(m, 'bool'), -1), x.shape)
      return cast(m, 'bool')
    })
    return anyLast(concatenate(masks, { axis: this.axis }))
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), axis: this.axis } }
}

/** Keras's `batch_dot` over `axes` (batch axis 0 excluded). */
export function batchDot(x0: Tensor, y0: Tensor, axes: [number, number]): Tensor {
  let x = x0
  let y = y0
  const xNdim0 = x.shape.length
  const yNdim0 = y.shape.length
  if (xNdim0 < 2 || yNdim0 < 2) throw new ShapeError(`Cannot do batch_dot on inputs with rank < 2. Received inputs with shapes ${fmt(x.shape)} and ${fmt(y.shape)}.`)
  let [a0, a1] = [axes[0] < 0 ? axes[0] + xNdim0 : axes[0], axes[1] < 0 ? axes[1] + yNdim0 : axes[1]]
  if (a0 === 0 || a1 === 0) throw new InvalidArgumentError('Cannot perform batch_dot over axis 0. If your inputs are not batched, add a dummy batch dimension to your inputs using keras.ops.expand_dims(x, 0)')
  const d1 = x.shape[a0]
  const d2 = y.shape[a1]
  if (d1 !== null && d2 !== null && d1 !== d2) throw new ShapeError(`Cannot do batch_dot on inputs with shapes ${fmt(x.shape)} and ${fmt(y.shape)} with axes=${fmt([a0, a1])}. x.shape[${a0}] != y.shape[${a1}] (${d1} != ${d2}).`)
  let xNdim = xNdim0
  let yNdim = yNdim0
  if (xNdim === 2) { x = expandDims(x, 1); a0 += 1; xNdim += 1 }
  if (yNdim === 2) { y = expandDims(y, 2); yNdim += 1 }
  if (a0 !== xNdim - 1) {
    const p = Array.from({ length: xNdim }, (_, i) => i)
    for (let i = a0; i < xNdim - 1; i++) p[i] = p[i + 1]!
    p[xNdim - 1] = a0
    x = transpose(x, { axes: p })
  }
  if (a1 !== 1) {
    const p = Array.from({ length: yNdim }, (_, i) => i)
    for (let i = a1; i > 1; i--) p[i] = p[i - 1]!
    p[1] = a1
    y = transpose(y, { axes: p })
  }
  const xMid = x.shape.slice(1, -1)
  const yTrail = y.shape.slice(2)
  if (xNdim > 3) x = reshapeDims(x, [x.shape[0]!, null, x.shape.at(-1)!])
  if (yNdim > 3) y = reshapeDims(y, [y.shape[0]!, y.shape[1]!, null])
  let result = matmul(x, y)
  if (xNdim > 3 || yNdim > 3) {
    let shape: Dim[] = result.shape.slice()
    if (xNdim > 3) shape = [shape[0]!, ...xMid, shape.at(-1)!]
    if (yNdim > 3) shape = [...shape.slice(0, -1), ...yTrail]
    result = reshapeDims(result, shape)
  }
  if (xNdim0 === 2) result = squeeze(result, { axis: 1 })
  else if (yNdim0 === 2) result = squeeze(result, { axis: -1 })
  return result
}

/**
 * Dot product between samples of two inputs along `axes` (Keras `Dot`), optionally of L2-normalized
 * inputs (cosine similarity).
 *
 * @example
 * ```ts
 * new Dot({ axes: 1 }).apply([a, b]) // [batch, 1]
 * ```
 */
export class Dot extends Merge {
  static readonly className: string = 'Dot'
  readonly axes: number | [number, number]
  readonly normalize: boolean
  constructor(args: LayerArgs & { axes: number | readonly number[]; normalize?: boolean }) {
    super(args)
    const axes = args?.axes
    if (typeof axes !== 'number') {
      if (!Array.isArray(axes)) throw new InvalidArgumentError(`Invalid type for argument \`axes\`: it should be a list or an int. Received: axes=${fmt(axes)}`)
      if (axes.length !== 2) throw new InvalidArgumentError(`Invalid format for argument \`axes\`: it should contain two elements. Received: axes=${fmt(axes)}`)
      if (!Number.isInteger(axes[0]) || !Number.isInteger(axes[1])) throw new InvalidArgumentError(`Invalid format for argument \`axes\`: list elements should be integers. Received: axes=${fmt(axes)}`)
    }
    this.axes = typeof axes === 'number' ? axes : [axes[0]!, axes[1]!]
    this.normalize = args.normalize ?? false
  }
  private axesFor(r1: number, r2: number): [number, number] {
    const mod = (a: number, r: number): number => ((a % r) + r) % r
    if (typeof this.axes === 'number') return this.axes < 0 ? [mod(this.axes, r1), mod(this.axes, r2)] : [this.axes, this.axes]
    return [this.axes[0] < 0 ? mod(this.axes[0], r1) : this.axes[0], this.axes[1] < 0 ? mod(this.axes[1], r2) : this.axes[1]]
  }
  override build(inputShape: ShapeLike): void {
    const shapes = inputShape as readonly (readonly Dim[])[]
    if (!Array.isArray(shapes) || shapes.length !== 2 || !Array.isArray(shapes[0])) {
      throw new InvalidArgumentError(`A \`Dot\` layer should be called on a list of 2 inputs. Received: input_shape=${fmt(inputShape)}`)
    }
    const [s1, s2] = shapes as [readonly Dim[], readonly Dim[]]
    const [a, b] = this.axesFor(s1.length, s2.length)
    if (s1[a] !== s2[b]) throw new ShapeError(`Incompatible input shapes: axis values ${fmt(s1[a])} (at axis ${a}) != ${fmt(s2[b])} (at axis ${b}). Full input shapes: ${fmt(s1)}, ${fmt(s2)}`)
    this.built = true
  }
  protected mergeFunction(inputs: Tensor[]): Tensor {
    if (inputs.length !== 2) throw new InvalidArgumentError(`A \`Dot\` layer should be called on exactly 2 inputs. Received: ${inputs.length} inputs`)
    let [x1, x2] = inputs as [Tensor, Tensor]
    const axes = this.axesFor(x1.shape.length, x2.shape.length)
    if (this.normalize) {
      x1 = nn.normalize(x1, { axis: axes[0] })
      x2 = nn.normalize(x2, { axis: axes[1] })
    }
    return batchDot(x1, x2, axes)
  }
  override computeOutputShape(inputShape: ShapeLike): Dim[] {
    const [s1, s2] = (inputShape as readonly (readonly Dim[])[]).map((s) => s.slice()) as [Dim[], Dim[]]
    const [a, b] = this.axesFor(s1.length, s2.length)
    s1.splice(a, 1)
    s2.splice(b, 1)
    s2.splice(0, 1)
    const out = [...s1, ...s2]
    if (out.length === 1) out.push(1)
    return out
  }
  override computeMask(): null { return null }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), axes: typeof this.axes === 'number' ? this.axes : [...this.axes], normalize: this.normalize } }
}

type MergeOptions = LayerArgs & CallOptions
const callWith = <T extends Merge>(layer: T, inputs: readonly Tensor[], options: CallOptions): Tensor => layer.apply([...inputs], options)
function split(options: MergeOptions): [LayerArgs, CallOptions] {
  const { name, dtype, trainable, ...rest } = options as Record<string, unknown>
  const largs: Record<string, unknown> = {}
  if (name !== undefined) largs['name'] = name
  if (dtype !== undefined) largs['dtype'] = dtype
  if (trainable !== undefined) largs['trainable'] = trainable
  return [largs as LayerArgs, rest as CallOptions]
}

/** Functional `Add` (Keras `keras.layers.add`). @example `add([a, b])` */
export function addLayer(inputs: readonly Tensor[], options: MergeOptions = {}): Tensor { const [l, c] = split(options); return callWith(new Add(l), inputs, c) }
/** Functional `Subtract`. @example `subtract([a, b])` */
export function subtractLayer(inputs: readonly Tensor[], options: MergeOptions = {}): Tensor { const [l, c] = split(options); return callWith(new Subtract(l), inputs, c) }
/** Functional `Multiply`. @example `multiply([a, b])` */
export function multiplyLayer(inputs: readonly Tensor[], options: MergeOptions = {}): Tensor { const [l, c] = split(options); return callWith(new Multiply(l), inputs, c) }
/** Functional `Average`. @example `average([a, b])` */
export function averageLayer(inputs: readonly Tensor[], options: MergeOptions = {}): Tensor { const [l, c] = split(options); return callWith(new Average(l), inputs, c) }
/** Functional `Maximum`. @example `maximum([a, b])` */
export function maximumLayer(inputs: readonly Tensor[], options: MergeOptions = {}): Tensor { const [l, c] = split(options); return callWith(new Maximum(l), inputs, c) }
/** Functional `Minimum`. @example `minimum([a, b])` */
export function minimumLayer(inputs: readonly Tensor[], options: MergeOptions = {}): Tensor { const [l, c] = split(options); return callWith(new Minimum(l), inputs, c) }
/** Functional `Concatenate` (axis −1). @example `concatenate([a, b], { axis: 1 })` */
export function concatenateLayer(inputs: readonly Tensor[], options: MergeOptions & { axis?: number } = {}): Tensor {
  const { axis, ...rest } = options
  const [l, c] = split(rest)
  return callWith(new Concatenate({ ...l, ...(axis !== undefined ? { axis } : {}) }), inputs, c)
}
/** Functional `Dot` (axes −1). @example `dot([a, b], { axes: 1 })` */
export function dotLayer(inputs: readonly Tensor[], options: MergeOptions & { axes?: number | readonly number[]; normalize?: boolean } = {}): Tensor {
  const { axes, normalize, ...rest } = options
  const [l, c] = split(rest)
  return callWith(new Dot({ ...l, axes: axes ?? -1, ...(normalize !== undefined ? { normalize } : {}) }), inputs, c)
}
