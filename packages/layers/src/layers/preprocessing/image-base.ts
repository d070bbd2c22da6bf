/**
 * @file The base of Keras 3's image preprocessing layers (`BaseImagePreprocessingLayer`): one
 * random transformation per call (drawn from the layer's SeedGenerator, so a seed gives
 * Keras-on-JAX's draws), applied to `images` and — for dict inputs — to `labels`,
 * `bounding_boxes` (in `boundingBoxFormat`) and `segmentation_masks`. As in Keras, a call without a `training` flag augments (`training`
 * defaults to true); `training: false` (and `predict`) is the identity or the deterministic path.
 */
import { InvalidArgumentError, KerasTensor, NotImplementedError, SeedGenerator, Tensor, fmt, isTracing, type Dim } from '@kx/core'
import { add, cast, concatenate, convertToTensor, cos, divide, expandDims, multiply, reshape, sin, squeeze, subtract, tan, zeros, type TensorLike } from '@kx/ops-numpy'
import { Layer, type CallOptions, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { dataFormatArg } from '../common.js'
import type { BoundingBoxes } from './bounding-boxes.js'

/** Options shared by the image preprocessing layers. */
export interface ImageLayerArgs extends LayerArgs {
  readonly dataFormat?: 'channels_last' | 'channels_first' | null
  /** The format of `bounding_boxes.boxes` in dict inputs (see `boundingBoxes.BOUNDING_BOX_FORMATS`). */
  readonly boundingBoxFormat?: string | null
  readonly seed?: number | null
}

/** A `{images, labels?, bounding_boxes?, segmentation_masks?}` input (Keras's dict form). */
export interface ImageData { images: Tensor; labels?: Tensor; segmentation_masks?: Tensor; bounding_boxes?: BoundingBoxes }

// Keras's color/tone layers, RandomErasing and AugMix return boxes unchanged (identity `transform_bounding_boxes`).
const BOXES_PASS_THROUGH = new Set([
  'AugMix', 'AutoContrast', 'Equalization', 'RandomBrightness', 'RandomColorDegeneration', 'RandomColorJitter', 'RandomContrast', 'RandomErasing',
  'RandomGaussianBlur', 'RandomGrayscale', 'RandomHue', 'RandomInvert', 'RandomPosterization', 'RandomSaturation', 'RandomSharpness', 'Solarization',
])

/** Keras's `_set_factor`: a number f → `[max(-f, lo), f]`, a pair → sorted, checked against `bounds`. */
export function factorArg(factor: unknown, bounds: readonly [number, number], what = 'factor'): [number, number] {
  const msg = `The \`${what}\` argument should be a number (or a list of two numbers) in the range [${bounds[0]}, ${bounds[1]}]. Received: factor=${fmt(factor)}`
  if (Array.isArray(factor)) {
    if (factor.length !== 2) throw new InvalidArgumentError(msg)
    if (factor[0] > bounds[1] || factor[1] < bounds[0]) throw new InvalidArgumentError(msg)
    const [a, b] = factor as [number, number]
    return a <= b ? [a, b] : [b, a]
  }
  if (typeof factor === 'number') {
    if (factor < bounds[0] || factor > bounds[1]) throw new InvalidArgumentError(msg)
    const f = Math.abs(factor)
    return [Math.max(-f, bounds[0]), f]
  }
  throw new InvalidArgumentError(msg)
}

/** A symmetric factor `f → [-f, f]` (or a sorted pair) whose entries satisfy `check` (RandomZoom/Translation/Shear). */
export function symmetricFactor(factor: unknown, check: (v: number) => boolean, msg: string, name: string): [number, number] {
  if (Array.isArray(factor) && factor.length === 2) {
    for (const v of factor) if (!check(v)) throw new InvalidArgumentError(`${msg}Received: input_number=${v}`)
    const [a, b] = factor as [number, number]
    return a <= b ? [a, b] : [b, a]
  }
  if (typeof factor === 'number') {
    if (!check(factor)) throw new InvalidArgumentError(`${msg}Received: input_number=${factor}`)
    const f = Math.abs(factor)
    return [-f, f]
  }
  throw new InvalidArgumentError(`${msg}Received: ${name}=${fmt(factor)}`)
}

/**
 * The base class of the image preprocessing layers. Subclasses implement
 * `getRandomTransformation` and `transformImages` (and optionally labels/masks).
 */
export abstract class BaseImagePreprocessingLayer extends Layer {
  readonly dataFormat: 'channels_last' | 'channels_first'
  readonly boundingBoxFormat: string | null
  readonly seed: number | null
  readonly generator: SeedGenerator | null

  constructor(args: ImageLayerArgs = {}, random = false) {
    super(args)
    this.dataFormat = dataFormatArg(args.dataFormat)
    this.boundingBoxFormat = args.boundingBoxFormat ?? null
    this.seed = args.seed ?? null
    this.generator = random ? new SeedGenerator({ seed: this.seed }) : null
    this.built = true
  }

  protected get heightAxis(): number { return this.dataFormat === 'channels_first' ? -2 : -3 }
  protected get widthAxis(): number { return this.dataFormat === 'channels_first' ? -1 : -2 }
  protected get channelAxis(): number { return this.dataFormat === 'channels_first' ? -3 : -1 }
  /** Height and width of an image or a batch. */
  protected hw(shape: readonly Dim[]): [number, number] {
    const r = shape.length
    return [shape[r + this.heightAxis] as number, shape[r + this.widthAxis] as number]
  }
  /** The batch size of a rank-3 (1) or rank-4 input. */
  protected batchOf(shape: readonly Dim[]): number {
    if (shape.length === 3) return 1
    if (shape.length === 4) return shape[0] as number
    throw new InvalidArgumentError(`Expected the input image to be rank 3 or 4. Received inputs.shape=${fmt(shape)}`)
  }

  /** The random draws of one call (null when nothing is drawn). */
  getRandomTransformation(images: Tensor, training: boolean): unknown { void images; void training; return null }
  /** Transforms a batch of images (rank 4). */
  abstract transformImages(images: Tensor, transformation: unknown, training: boolean): Tensor
  transformLabels(labels: Tensor, transformation: unknown, training: boolean): Tensor { void transformation; void training; return labels }
  transformSegmentationMasks(masks: Tensor, transformation: unknown, training: boolean): Tensor { void transformation; void training; return masks }
  /**
   * Transforms a batch of boxes (`boxes` `(B, N, 4)` in `boundingBoxFormat`, `labels` `(B, N)`) with the
   * images' transformation; `imageShape` is the (batched) input image shape. Keras's base raises here.
   */
  transformBoundingBoxes(boxes: BoundingBoxes, transformation: unknown, training: boolean, imageShape: readonly number[]): BoundingBoxes {
    void transformation; void training; void imageShape
    if (BOXES_PASS_THROUGH.has(this.className)) return boxes
    throw new NotImplementedError(`Layer ${this.className}: transforming bounding boxes is not supported (Keras raises NotImplementedError too). Received: an input with a 'bounding_boxes' key; remove it or use another layer.`)
  }

  override call(inputs: unknown, options: CallOptions = {}): unknown {
    const training = options.training ?? true
    const isDict = inputs !== null && typeof inputs === 'object' && !(inputs instanceof Tensor) && !Array.isArray(inputs)
    const data = isDict ? { ...(inputs as ImageData) } : { images: inputs as Tensor }
    const images = data.images
    if (!(images instanceof Tensor)) throw new InvalidArgumentError(`Layer "${this.name}" expects images as a tensor or {images: tensor}. Received: ${fmt(inputs)}`)
    if (images.shape.length !== 3 && images.shape.length !== 4) {
      throw new InvalidArgumentError(`Expected image tensor to have rank 3 (single image) or 4 (batch of images). Received: data.shape=${fmt(images.shape)}`)
    }
    // NOTE: while tracing (export, jit) symbolic inputs take the op path so the graph goes through the
    // layer, unless a random draw is needed; a functional-graph call only produces the output spec.
    const drawsRandomly = training && this.generator !== null
    if (images.isSymbolic && (!isTracing() || drawsRandomly)) {
      const out = new KerasTensor(this.computeOutputShape(images.shape as Dim[]) as Dim[], this.outputDtype(images))
      return isDict ? { ...data, images: out } : out
    }
    let boxes: BoundingBoxes | undefined
    if (data.bounding_boxes !== undefined) {
      if (!this.boundingBoxFormat) throw new InvalidArgumentError(`You passed an input with a 'bounding_boxes' key, but you didn't specify a bounding box format. Pass a \`bounding_box_format\` argument to your ${this.className} layer, e.g. \`bounding_box_format='xyxy'\`.`)
      boxes = densifyBoxes(data.bounding_boxes, this.className)
    }
    // A traced inference call (export, jit) skips the draw: inference never uses it, and its seed-state
    // write would make the exported graph stateful (eager calls still draw, as Keras does).
    const t = images.isSymbolic && !training && this.generator !== null ? null : this.getRandomTransformation(images, training)
    const batched = images.shape.length === 4
    const one = (x: Tensor, f: (y: Tensor) => Tensor): Tensor => (batched ? f(x) : squeeze(f(expandDims(x, 0)), { axis: 0 }))
    if (boxes !== undefined) {
      const shape = (batched ? images.shape : [1, ...images.shape]) as number[]
      const b = batched ? boxes : { ...boxes, boxes: expandDims(boxes.boxes, 0), ...(boxes.labels ? { labels: expandDims(boxes.labels, 0) } : {}) }
      const out = this.transformBoundingBoxes(b, t, training, shape)
      data.bounding_boxes = batched ? out : { ...out, boxes: squeeze(out.boxes, { axis: 0 }), ...(out.labels ? { labels: squeeze(out.labels, { axis: 0 }) } : {}) }
    }
    data.images = one(images, (x) => this.transformImages(x, t, training))
    if (!isDict) return data.images
    if (data.labels !== undefined) data.labels = one(data.labels, (x) => this.transformLabels(x, t, training))
    if (data.segmentation_masks !== undefined) data.segmentation_masks = one(data.segmentation_masks, (x) => this.transformSegmentationMasks(x, t, training))
    return data
  }

  /** The output dtype for an input (the compute dtype unless a layer keeps the input's). */
  protected outputDtype(images: Tensor): Tensor['dtype'] { void images; return this.computeDtype }

  override computeOutputShape(inputShape: ShapeLike): Dim[] { return (inputShape as Dim[]).slice() }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat, ...(this.boundingBoxFormat !== null ? { bounding_box_format: this.boundingBoxFormat } : {}) }
  }

  /** Keras `_transform_value_range`: maps `[a, b]` to `[c, d]` (a no-op when they are equal). */
  protected transformValueRange(images: Tensor, from: readonly [number, number] | readonly number[], to: readonly [number, number] | readonly number[], dtype = this.computeDtype): Tensor {
    if (from[0] === to[0] && from[1] === to[1]) return images
    const x = cast(images, dtype)
    const scaled = multiply(divideBy(add(x, -from[0]!), from[1]! - from[0]!), to[1]! - to[0]!)
    return add(scaled, to[0]!)
  }

  /** Keras `_compute_affine_matrix`: `[B, 8]` transforms from per-image angle (degrees), translation, scale and shear. */
  protected affineMatrix(angleDeg: Tensor, tx: Tensor, ty: Tensor, scale: Tensor, shearX: Tensor, shearY: Tensor, height: number, width: number, cx = 0.5, cy = 0.5): Tensor {
    const rad = Math.fround(Math.PI / 180)
    const angle = multiply(angleDeg, rad)
    const sx = tan(multiply(shearX, rad))
    const sy = tan(multiply(shearY, rad))
    const centerX = cx * (width - 1)
    const centerY = cy * (height - 1)
    const c = cos(angle)
    const s = sin(angle)
    const a0 = multiply(scale, add(c, multiply(sx, s)))
    const a1 = multiply(scale, add(multiply(s, -1), multiply(sx, c)))
    const a2 = subtract(subtract(add(tx, centerX), multiply(a0, centerX)), multiply(a1, centerY))
    const b0 = multiply(scale, add(multiply(sy, c), s))
    const b1 = multiply(scale, add(multiply(multiply(sy, -1), s), c))
    const b2 = subtract(subtract(add(ty, centerY), multiply(b0, centerX)), multiply(b1, centerY))
    const n = angle.shape[0] as number
    const col = (t: Tensor): Tensor => reshape(t, [n, 1])
    return concatenate([col(a0), col(a1), col(a2), col(b0), col(b1), col(b2), zeros([n, 2], { dtype: angle.dtype })], { axis: 1 })
  }
}

const divideBy = (x: Tensor, d: number): Tensor => divide(x, d)

/** Keras `densify_bounding_boxes` for dense inputs: boxes as float32, labels as tensors. */
function densifyBoxes(b: unknown, layer: string): BoundingBoxes {
  const d = b as Record<string, unknown> | null
  if (d === null || typeof d !== 'object' || d.boxes === undefined || d.labels === undefined) {
    throw new InvalidArgumentError(`Layer ${layer}: \`bounding_boxes\` should be a dict containing 'boxes' and 'labels' keys. Received: bounding_boxes=${fmt(b)}`)
  }
  return { ...d, boxes: cast(convertToTensor(d.boxes as TensorLike), 'float32'), labels: convertToTensor(d.labels as TensorLike) }
}
