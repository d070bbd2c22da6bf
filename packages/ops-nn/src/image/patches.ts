/**
 * @file Patch and border image ops: extractPatches (2D/3D), extractPatches3d, reconstructPatches,
 * padImages and cropImages (`keras.ops.image`).
 */
import { InvalidArgumentError, NotImplementedError, ShapeError, fmt, tensor, type Tensor } from '@kx/core'
import { type DataFormat, conv, standardizeDataFormat, standardizePadding } from '../conv.js'
import { convertToTensor, expandDims, squeeze, transpose, type TensorLike } from '@kx/ops-numpy'
import { padConst, reshapeDims, sliceAxis, tuple } from '../util.js'
import { checkImages } from './common.js'

/** Options of `extractPatches`. */
export interface ExtractPatchesOptions {
  /** Defaults to the patch size (non-overlapping). */
  readonly strides?: number | readonly number[] | null
  readonly dilationRate?: number | readonly number[]
  readonly padding?: 'valid' | 'same'
  readonly dataFormat?: DataFormat
}

/** Identity kernel `[...size, C, prod(size) * C]`: output channel `(flat patch position) * C + c`. */
function eyeKernel(ref: Tensor, size: readonly number[], c: number): Tensor {
  const n = size.reduce((a, b) => a * b, 1) * c
  const v = new Float64Array(n * n)
  for (let i = 0; i < n; i++) v[i * n + i] = 1
  return tensor(v, { shape: [...size, c, n], dtype: ref.dtype, ...(ref.isSymbolic ? {} : { backend: ref.backend }) })
}

function extract(images: TensorLike, size: number[], options: ExtractPatchesOptions, op: string): Tensor {
  const x0 = convertToTensor(images)
  const nd = size.length
  if (x0.ndim !== nd + 1 && x0.ndim !== nd + 2) {
    throw new ShapeError(`\`${op}\`: expected rank ${nd + 1} (unbatched) or ${nd + 2} (batched) inputs for ${nd}D patches. Received: shape=${fmt(x0.shape)}`)
  }
  const df = standardizeDataFormat(options.dataFormat, op)
  const single = x0.ndim === nd + 1
  const x = single ? expandDims(x0, 0) : x0
  const c = df === 'channels_last' ? x.shape[x.ndim - 1]! : x.shape[1]!
  if (c === null) throw new ShapeError(`\`${op}\` needs a known channel dimension. Received: shape=${fmt(x0.shape)}`)
  const strides = options.strides == null ? size : tuple(options.strides, nd, 'strides', op)
  const y = conv(x, eyeKernel(x, size, c), {
    strides, padding: standardizePadding(options.padding, op) as 'valid' | 'same', dataFormat: df, dilationRate: options.dilationRate ?? 1,
  })
  return single ? squeeze(y, { axis: [0] }) : y
}

/**
 * Extracts patches (`keras.ops.image.extract_patches`): 2D patches from images when `size` is a
 * number or a pair, 3D patches from volumes when it is a triple. Each output position holds one
 * flattened patch (patch rows, then columns, then channels).
 *
 * @example
 * ```ts
 * image.extractPatches(images, [16, 16]) // [N, 224, 224, 3] → [N, 14, 14, 768]
 * ```
 */
export function extractPatches(images: TensorLike, size: number | readonly number[], options: ExtractPatchesOptions = {}): Tensor {
  if (typeof size !== 'number' && size.length !== 2 && size.length !== 3) {
    throw new InvalidArgumentError(`Invalid \`size\` argument. Expected an int or a tuple of length 2 or 3. Received: size=${fmt(size)}`)
  }
  const s = typeof size === 'number' ? [size, size] : size.slice()
  return extract(images, s, options, 'extract_patches')
}

/**
 * Extracts 3D patches from volumes (`keras.ops.image.extract_patches_3d`).
 *
 * @example
 * ```ts
 * image.extractPatches3d(volumes, 3) // [N, 9, 9, 9, C] → [N, 3, 3, 3, 27C]
 * ```
 */
export function extractPatches3d(volumes: TensorLike, size: number | readonly number[], options: ExtractPatchesOptions = {}): Tensor {
  return extract(volumes, tuple(size, 3, 'size', 'extract_patches_3d'), options, 'extract_patches_3d')
}

/**
 * Reassembles images or volumes from non-overlapping patches (`keras.ops.image.reconstruct_patches`,
 * Keras ≥ 3.16): the inverse of `extractPatches` with `strides == size`. With 'same' padding pass the
 * original spatial size; the extraction's padding is cropped away.
 *
 * @example
 * ```ts
 * image.reconstructPatches(patches, [5, 5], [20, 20]) // [N, 4, 4, 75] → [N, 20, 20, 3]
 * ```
 */
export function reconstructPatches(
  patches: TensorLike, size: number | readonly number[], outputSize: readonly number[],
  options: { strides?: number | readonly number[] | null; padding?: 'valid' | 'same'; dataFormat?: DataFormat } = {},
): Tensor {
  const p0 = convertToTensor(patches)
  const ps = typeof size === 'number' ? [size, size] : size.slice()
  const nd = ps.length
  if (nd !== 2 && nd !== 3) throw new InvalidArgumentError(`Invalid \`size\` argument. Expected an int or a tuple of length 2 or 3. Received: size=${fmt(size)}`)
  if (outputSize.length !== nd) throw new InvalidArgumentError(`Invalid \`output_size\`. Expected length ${nd}. Received: output_size=${fmt(outputSize)}`)
  if (options.strides != null && tuple(options.strides, nd, 'strides', 'reconstruct_patches').some((s, i) => s !== ps[i])) {
    throw new NotImplementedError(`\`reconstruct_patches\` currently supports only non-overlapping reconstruction (strides == size). Received: strides=${fmt(options.strides)}, size=${fmt(size)}`)
  }
  const padding = standardizePadding(options.padding, 'reconstruct_patches') as 'valid' | 'same'
  const df = standardizeDataFormat(options.dataFormat, 'reconstruct_patches')
  if (p0.ndim !== nd + 1 && p0.ndim !== nd + 2) {
    throw new ShapeError(`\`patches\` has unexpected rank for ${nd}D reconstruction. Expected ${nd + 1} (unbatched) or ${nd + 2} (batched). Received shape: ${fmt(p0.shape)}`)
  }
  const single = p0.ndim === nd + 1
  let p = single ? expandDims(p0, 0) : p0
  if (df === 'channels_first') p = transpose(p, { axes: [0, ...Array.from({ length: nd }, (_, i) => i + 2), 1] })
  const grid = p.shape.slice(1, nd + 1) as number[]
  const flat = p.shape[nd + 1]!
  const area = ps.reduce((a, b) => a * b, 1)
  if (flat !== null && flat % area !== 0) throw new ShapeError(`\`patches\` last dim (${flat}) is not divisible by prod(size) (${area}).`)
  const c = flat === null ? -1 : flat / area
  const b = p.shape[0]!
  // (B, g1.., p1.., C) → interleave grid and patch axes → (B, g1*p1, .., C)
  let x = reshapeDims(p, [b, ...grid, ...ps, c])
  const perm = [0]
  for (let i = 0; i < nd; i++) perm.push(1 + i, 1 + nd + i)
  perm.push(1 + 2 * nd)
  x = reshapeDims(transpose(x, { axes: perm }), [b, ...grid.map((g, i) => (g === null ? -1 : g * ps[i]!)), c])
  grid.forEach((g, i) => {
    if (g === null) return
    const full = g * ps[i]!
    const o = outputSize[i]!
    if (padding === 'valid' && full !== o) {
      throw new ShapeError(`\`padding='valid'\` requires output_size to equal size * grid. Received: output_size=${fmt(outputSize)}, grid=${fmt(grid)}, size=${fmt(ps)}`)
    }
    if (padding === 'same') {
      if (!(full - ps[i]! < o && o <= full)) throw new ShapeError(`For \`padding='same'\`, \`output_size\` must be in ((g-1)*p, g*p]. Received: output_size=${fmt(outputSize)}, grid=${fmt(grid)}, size=${fmt(ps)}`)
      const lo = Math.floor((full - o) / 2)
      x = sliceAxis(x, i + 1, lo, lo + o)
    }
  })
  if (df === 'channels_first') x = transpose(x, { axes: [0, nd + 1, ...Array.from({ length: nd }, (_, i) => i + 1)] })
  return single ? squeeze(x, { axis: [0] }) : x
}

interface Borders { top?: number | null; bottom?: number | null; left?: number | null; right?: number | null; targetHeight?: number | null; targetWidth?: number | null }

/** Resolves `[before, after]` along one axis from two of (before, after, target). */
function resolveSide(size: number | null, before: number | null | undefined, after: number | null | undefined, target: number | null | undefined, pad: boolean, names: [string, string, string], op: string): [number, number] {
  const given = [before, after, target].filter((v) => v != null).length
  if (given !== 2) {
    throw new InvalidArgumentError(`\`${op}\`: must specify exactly two of ${names.join(', ')}. Received: ${names[0]}=${fmt(before)}, ${names[1]}=${fmt(after)}, ${names[2]}=${fmt(target)}`)
  }
  for (const [v, n] of [[before, names[0]], [after, names[1]], [target, names[2]]] as const) {
    if (v != null && v < 0) throw new InvalidArgumentError(`\`${op}\`: \`${n}\` must be non-negative. Received: ${n}=${v}`)
  }
  if (size === null) throw new ShapeError(`\`${op}\` needs known spatial dimensions. Received: size=None`)
  const sign = pad ? 1 : -1
  let b = before ?? null
  let a = after ?? null
  if (b === null) b = sign * (target! - size) - a!
  if (a === null) a = sign * (target! - size) - b
  const tgt = size + sign * (b + a)
  if (b < 0 || a < 0 || tgt < 0) {
    throw new InvalidArgumentError(`\`${op}\`: the ${pad ? 'padding' : 'cropping'} would be negative. Received: ${names[0]}=${fmt(before)}, ${names[1]}=${fmt(after)}, ${names[2]}=${fmt(target)}, size=${size}`)
  }
  return [b, a]
}

/**
 * Zero-pads images to a target size or by given amounts (`keras.ops.image.pad_images`): give exactly
 * two of top/bottom/targetHeight and two of left/right/targetWidth.
 *
 * @example
 * ```ts
 * image.padImages(images, { top: 2, left: 2, targetHeight: 32, targetWidth: 32 })
 * ```
 */
export function padImages(images: TensorLike, options: Borders & { dataFormat?: DataFormat } = {}): Tensor {
  const x = convertToTensor(images)
  checkImages(x, 'pad_images')
  const df = standardizeDataFormat(options.dataFormat, 'pad_images')
  const hAxis = df === 'channels_last' ? x.ndim - 3 : x.ndim - 2
  const [t, b] = resolveSide(x.shape[hAxis]!, options.top, options.bottom, options.targetHeight, true, ['top_padding', 'bottom_padding', 'target_height'], 'pad_images')
  const [l, r] = resolveSide(x.shape[hAxis + 1]!, options.left, options.right, options.targetWidth, true, ['left_padding', 'right_padding', 'target_width'], 'pad_images')
  const pads = x.shape.map((_, i) => (i === hAxis ? [t, b] : i === hAxis + 1 ? [l, r] : [0, 0]) as [number, number])
  return padConst(x, pads)
}

/**
 * Crops images to a target size or by given amounts (`keras.ops.image.crop_images`): give exactly
 * two of top/bottom/targetHeight and two of left/right/targetWidth.
 *
 * @example
 * ```ts
 * image.cropImages(images, { top: 4, left: 4, targetHeight: 24, targetWidth: 24 })
 * ```
 */
export function cropImages(images: TensorLike, options: Borders & { dataFormat?: DataFormat } = {}): Tensor {
  const x = convertToTensor(images)
  checkImages(x, 'crop_images')
  const df = standardizeDataFormat(options.dataFormat, 'crop_images')
  const hAxis = df === 'channels_last' ? x.ndim - 3 : x.ndim - 2
  const H = x.shape[hAxis]!
  const W = x.shape[hAxis + 1]!
  const [t, b] = resolveSide(H, options.top, options.bottom, options.targetHeight, false, ['top_cropping', 'bottom_cropping', 'target_height'], 'crop_images')
  const [l, r] = resolveSide(W, options.left, options.right, options.targetWidth, false, ['left_cropping', 'right_cropping', 'target_width'], 'crop_images')
  return sliceAxis(sliceAxis(x, hAxis, t, H - b), hAxis + 1, l, W - r)
}
