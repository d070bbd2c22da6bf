/**
 * @file Box overlap metrics and anchor box encoding (Keras 3 `keras.utils.bounding_boxes.compute_iou`,
 * `compute_ciou`, `encode_box_to_deltas`, `decode_deltas_to_boxes`), written with `@kx/ops-numpy` ops on top
 * of `convertFormat`, so they run on every backend and trace into graphs.
 */
import { InvalidArgumentError, epsilon, fmt, type Tensor } from '@kx/core'
import {
  add, amax, arctan, cast, concatenate, convertToTensor, divide, exp, less, log, logicalOr, maximum, minimum, multiply,
  split, square, squeeze, subtract, transpose, where, type TensorLike,
} from '@kx/ops-numpy'
import { convertFormat } from './bounding-boxes.js'

/** An image shape `(height, width, channels)`, as Keras's `image_shape`: relative box formats are scaled by it. */
export type ImageShape = readonly [number, number, number]

/** Options of `computeIou`. */
export interface ComputeIouOptions {
  /** Replace the IoU of every pair where either box has all four coordinates below 0 (padding) by `maskVal` (default false). */
  readonly useMasking?: boolean
  /** The value of masked pairs (default -1). */
  readonly maskVal?: number
  /** `(height, width, channels)` of the image; required by the `rel_` formats. */
  readonly imageShape?: ImageShape | null
}

/** Options of `computeCiou`. */
export interface ComputeCiouOptions {
  /** `(height, width, channels)` of the image; required by the `rel_` formats. */
  readonly imageShape?: ImageShape | null
}

/** The two formats box deltas are expressed in. */
export type DeltaFormat = 'center_xywh' | 'center_yxhw'

/** Options of `encodeBoxToDeltas`. */
export interface EncodeBoxToDeltasOptions {
  /** Format boxes and anchors are converted to before the deltas are taken (default `center_yxhw`). */
  readonly encodingFormat?: DeltaFormat
  /** Four factors the deltas are divided by (e.g. `[0.1, 0.1, 0.2, 0.2]`); default none. */
  readonly variance?: TensorLike | null
  /** `(height, width, channels)` of the image; required by the `rel_` formats. */
  readonly imageShape?: ImageShape | null
}

/** Options of `decodeDeltasToBoxes`. */
export interface DecodeDeltasToBoxesOptions {
  /** Format the deltas were encoded in (default `center_yxhw`). */
  readonly encodedFormat?: DeltaFormat
  /** Four factors the deltas are multiplied by before they are applied; default none. */
  readonly variance?: TensorLike | null
  /** `(height, width, channels)` of the image; required by the `rel_` formats. */
  readonly imageShape?: ImageShape | null
}

/** Image height and width of an `imageShape` option (nulls without one), checked. */
function imageSize(fn: string, imageShape: ImageShape | null | undefined, formats: readonly string[]): { height: number | null; width: number | null } {
  if (imageShape === null || imageShape === undefined) {
    const rel = formats.find((f) => f.toLowerCase().startsWith('rel_'))
    if (rel !== undefined) throw new InvalidArgumentError(`${fn}: relative bounding box formats need the \`imageShape\` option (height, width, channels). Received: format=${fmt(rel)}, imageShape=${fmt(imageShape ?? null)}`)
    return { height: null, width: null }
  }
  if (!Array.isArray(imageShape) || imageShape.length !== 3 || !imageShape.every((d) => typeof d === 'number' && d > 0)) {
    throw new InvalidArgumentError(`${fn}: \`imageShape\` must be (height, width, channels) with positive sizes. Received: imageShape=${fmt(imageShape)}`)
  }
  return { height: imageShape[0], width: imageShape[1] }
}

/** The four coordinates of `(…, 4)` boxes, each `(…, 1)`. */
const coords = (boxes: Tensor): [Tensor, Tensor, Tensor, Tensor] => split(boxes, 4, { axis: -1 }) as [Tensor, Tensor, Tensor, Tensor]
/** Swaps the last two axes of a rank-2 or rank-3 tensor. */
const swapLast = (t: Tensor): Tensor => transpose(t, { axes: t.shape.length === 2 ? [1, 0] : [0, 2, 1] })

/**
 * Pairwise IoU of two sets of boxes (Keras `keras.utils.bounding_boxes.compute_iou`): `(M, 4)` and `(N, 4)`
 * give `(M, N)`; when either set is batched, `(B, M, 4)` / `(B, N, 4)`, the result is `(B, M, N)`. With
 * `useMasking`, pairs where either box has all four coordinates (in absolute `yxyx`) below 0 get `maskVal`.
 *
 * When to use: matching anchors or predictions to ground-truth boxes in a detection pipeline.
 *
 * @example
 * ```ts
 * const iou = boundingBoxes.computeIou(ops.array([[0, 0, 10, 10]]), ops.array([[5, 5, 15, 15], [0, 0, 10, 10]]), 'xyxy')
 * await iou.array() // [[0.1428…, 1]]
 * ```
 */
export function computeIou(boxes1: TensorLike, boxes2: TensorLike, boundingBoxFormat: string, options: ComputeIouOptions = {}): Tensor {
  const b1 = convertToTensor(boxes1)
  const b2 = convertToTensor(boxes2)
  for (const [name, b] of [['boxes1', b1], ['boxes2', b2]] as const) {
    if (b.shape.length !== 2 && b.shape.length !== 3) {
      throw new InvalidArgumentError(`computeIou expects ${name} to be batched (B, N, 4) or unbatched (N, 4). Received: boxes1.shape=${fmt(b1.shape)}, boxes2.shape=${fmt(b2.shape)}`)
    }
  }
  const size = imageSize('computeIou', options.imageShape, [boundingBoxFormat])
  const yxyx1 = convertFormat(b1, boundingBoxFormat, 'yxyx', size)
  const yxyx2 = convertFormat(b2, boundingBoxFormat, 'yxyx', size)
  const [yMin1, xMin1, yMax1, xMax1] = coords(yxyx1)
  const [yMin2, xMin2, yMax2, xMax2] = coords(yxyx2).map(swapLast) as [Tensor, Tensor, Tensor, Tensor]
  // (M, 1) against (1, N), (B, M, 1) against (B, 1, N), or mixed: broadcasting gives (M, N) or (B, M, N).
  const interH = maximum(subtract(minimum(yMax1, yMax2), maximum(yMin1, yMin2)), 0)
  const interW = maximum(subtract(minimum(xMax1, xMax2), maximum(xMin1, xMin2)), 0)
  const intersection = multiply(interH, interW)
  const area1 = multiply(subtract(yMax1, yMin1), subtract(xMax1, xMin1))
  const area2 = multiply(subtract(yMax2, yMin2), subtract(xMax2, xMin2))
  const union = subtract(add(area1, area2), intersection)
  const iou = divide(intersection, add(union, epsilon()))
  if (!options.useMasking) return iou
  // NOTE: Keras transposes boxes2's mask with boxes1's rank, which fails for mixed ranks; it is transposed with its own here.
  const mask1 = less(amax(yxyx1, { axis: -1, keepdims: true }), 0)
  const mask2 = swapLast(less(amax(yxyx2, { axis: -1, keepdims: true }), 0))
  return where(logicalOr(mask1, mask2), cast(options.maskVal ?? -1, iou.dtype), iou)
}

/**
 * Complete IoU of boxes taken pairwise, `(…, 4)` against a broadcastable `(…, 4)`, giving `(…)` (Keras
 * `keras.utils.bounding_boxes.compute_ciou`): IoU minus the squared center distance over the squared
 * diagonal of the enclosing box, minus an aspect-ratio consistency term. Keras refuses every `rel_` format;
 * here they are scaled by `imageShape` first.
 *
 * When to use: the CIoU box-regression loss (`1 - ciou`) of YOLO-style detectors.
 *
 * @example
 * ```ts
 * const ciou = boundingBoxes.computeCiou(ops.array([[0, 0, 10, 10]]), ops.array([[0, 0, 10, 10]]), 'xyxy')
 * await ciou.array() // [1]
 * ```
 */
export function computeCiou(boxes1: TensorLike, boxes2: TensorLike, boundingBoxFormat: string, options: ComputeCiouOptions = {}): Tensor {
  const size = imageSize('computeCiou', options.imageShape, [boundingBoxFormat])
  const eps = epsilon()
  const [xMin1, yMin1, xMax1, yMax1] = coords(convertFormat(boxes1, boundingBoxFormat, 'xyxy', size))
  const [xMin2, yMin2, xMax2, yMax2] = coords(convertFormat(boxes2, boundingBoxFormat, 'xyxy', size))
  const w1 = subtract(xMax1, xMin1)
  const h1 = add(subtract(yMax1, yMin1), eps)
  const w2 = subtract(xMax2, xMin2)
  const h2 = add(subtract(yMax2, yMin2), eps)
  const intersection = multiply(
    maximum(subtract(minimum(xMax1, xMax2), maximum(xMin1, xMin2)), 0),
    maximum(subtract(minimum(yMax1, yMax2), maximum(yMin1, yMin2)), 0),
  )
  const union = add(subtract(add(multiply(w1, h1), multiply(w2, h2)), intersection), eps)
  const iou = divide(intersection, add(union, eps))
  const enclosingW = subtract(maximum(xMax1, xMax2), minimum(xMin1, xMin2))
  const enclosingH = subtract(maximum(yMax1, yMax2), minimum(yMin1, yMin2))
  const diagonal2 = add(add(square(enclosingW), square(enclosingH)), eps)
  const center = (lo1: Tensor, hi1: Tensor, lo2: Tensor, hi2: Tensor): Tensor => subtract(divide(add(lo1, hi1), 2), divide(add(lo2, hi2), 2))
  const centers2 = add(square(center(xMin1, xMax1, xMin2, xMax2)), square(center(yMin1, yMax1, yMin2, yMax2)))
  // v = 4/π² (atan(w2/h2) − atan(w1/h1))², α = v / (v − IoU + 1 + ε).
  const v = multiply(square(subtract(arctan(divide(w2, h2)), arctan(divide(w1, h1)))), 4 / Math.PI ** 2)
  const alpha = divide(v, add(subtract(v, iou), 1 + eps))
  return squeeze(subtract(iou, add(divide(centers2, diagonal2), multiply(v, alpha))), { axis: -1 })
}

/** The variance option as a float32 `(4,)` tensor, checked. */
function varianceOf(fn: string, variance: TensorLike | null | undefined): Tensor | null {
  if (variance === null || variance === undefined) return null
  const v = convertToTensor(variance, 'float32')
  if (v.shape[v.shape.length - 1] !== 4) throw new InvalidArgumentError(`${fn}: \`variance\` must hold 4 values. Received: variance.shape=${fmt(v.shape)}`)
  return v
}

function deltaFormat(fn: string, name: string, f: string): DeltaFormat {
  if (f !== 'center_xywh' && f !== 'center_yxhw') throw new InvalidArgumentError(`${fn}: \`${name}\` must be "center_xywh" or "center_yxhw". Received: ${name}=${fmt(f)}`)
  return f
}

/** The center pair and the size pair of center-format boxes, each `(…, 2)`. */
const halves = (boxes: Tensor): [Tensor, Tensor] => split(boxes, [2], { axis: -1 }) as [Tensor, Tensor]

/**
 * Encodes boxes as deltas from anchors (Keras `keras.utils.bounding_boxes.encode_box_to_deltas`): in the
 * `encodingFormat` (center and size), `(center − anchorCenter) / anchorSize` and `log(size / anchorSize)`,
 * sizes floored at epsilon, divided by `variance` when given. Anchors are `(N, 4)`, boxes `(N, 4)` or `(B, N, 4)`.
 *
 * When to use: building the regression targets of an anchor-based detector.
 *
 * @example
 * ```ts
 * const deltas = boundingBoxes.encodeBoxToDeltas(ops.array([[0, 0, 10, 10]]), ops.array([[1, 1, 11, 11]]), 'xyxy', 'xyxy')
 * await deltas.array() // [[0.1, 0.1, 0, 0]]
 * ```
 */
export function encodeBoxToDeltas(anchors: TensorLike, boxes: TensorLike, anchorFormat: string, boxFormat: string, options: EncodeBoxToDeltasOptions = {}): Tensor {
  const fn = 'encodeBoxToDeltas'
  const variance = varianceOf(fn, options.variance)
  const encoding = deltaFormat(fn, 'encodingFormat', options.encodingFormat ?? 'center_yxhw')
  const size = imageSize(fn, options.imageShape, [anchorFormat, boxFormat])
  const [anchorCenter, anchorSize] = halves(convertFormat(anchors, anchorFormat, encoding, size))
  const [boxCenter, boxSize] = halves(convertFormat(boxes, boxFormat, encoding, size))
  const eps = epsilon()
  const anchorDims = maximum(anchorSize, eps)
  const deltas = concatenate([divide(subtract(boxCenter, anchorCenter), anchorDims), log(divide(maximum(boxSize, eps), anchorDims))], { axis: -1 })
  return variance ? divide(deltas, variance) : deltas
}

/**
 * Decodes deltas back into boxes in `boxFormat` (Keras `keras.utils.bounding_boxes.decode_deltas_to_boxes`),
 * the inverse of `encodeBoxToDeltas`: `center = delta · anchorSize + anchorCenter`, `size = exp(delta) ·
 * anchorSize`, deltas multiplied by `variance` first. Anchors and deltas may be records of levels (same keys),
 * giving a record of boxes.
 *
 * When to use: turning a detector's regression outputs into boxes.
 *
 * @example
 * ```ts
 * const boxes = boundingBoxes.decodeDeltasToBoxes(ops.array([[0, 0, 10, 10]]), ops.array([[0.1, 0.1, 0, 0]]), 'xyxy', 'xyxy')
 * await boxes.array() // [[1, 1, 11, 11]]
 * ```
 */
export function decodeDeltasToBoxes(anchors: TensorLike, boxesDelta: TensorLike, anchorFormat: string, boxFormat: string, options?: DecodeDeltasToBoxesOptions): Tensor
export function decodeDeltasToBoxes(anchors: Readonly<Record<string, TensorLike>>, boxesDelta: Readonly<Record<string, TensorLike>>, anchorFormat: string, boxFormat: string, options?: DecodeDeltasToBoxesOptions): Record<string, Tensor>
export function decodeDeltasToBoxes(
  anchors: TensorLike | Readonly<Record<string, TensorLike>>, boxesDelta: TensorLike | Readonly<Record<string, TensorLike>>,
  anchorFormat: string, boxFormat: string, options: DecodeDeltasToBoxesOptions = {},
): Tensor | Record<string, Tensor> {
  const fn = 'decodeDeltasToBoxes'
  const variance = varianceOf(fn, options.variance)
  const encoded = deltaFormat(fn, 'encodedFormat', options.encodedFormat ?? 'center_yxhw')
  const size = imageSize(fn, options.imageShape, [anchorFormat, boxFormat])
  const level = (anchor: TensorLike, delta: TensorLike): Tensor => {
    const [anchorCenter, anchorSize] = halves(convertFormat(anchor, anchorFormat, encoded, size))
    const d = variance ? multiply(delta, variance) : convertToTensor(delta)
    const [dCenter, dSize] = halves(d)
    const box = concatenate([add(multiply(dCenter, anchorSize), anchorCenter), multiply(exp(dSize), anchorSize)], { axis: -1 })
    return convertFormat(box, encoded, boxFormat, size)
  }
  const isLevels = (x: unknown): x is Readonly<Record<string, TensorLike>> => x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype
  if (isLevels(anchors) || isLevels(boxesDelta)) {
    const keys = isLevels(anchors) ? Object.keys(anchors) : []
    if (!isLevels(anchors) || !isLevels(boxesDelta) || keys.length !== Object.keys(boxesDelta).length || keys.some((k) => !Object.hasOwn(boxesDelta, k))) {
      throw new InvalidArgumentError(`${fn}: \`anchors\` and \`boxesDelta\` must both be tensors, or both records with the same level keys. Received: anchors keys=${fmt(isLevels(anchors) ? Object.keys(anchors) : 'tensor')}, boxesDelta keys=${fmt(isLevels(boxesDelta) ? Object.keys(boxesDelta) : 'tensor')}`)
    }
    return Object.fromEntries(keys.map((k) => [k, level(anchors[k]!, boxesDelta[k]!)]))
  }
  return level(anchors, boxesDelta)
}
