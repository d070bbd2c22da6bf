/**
 * @file `resize` and `scaleAndTranslate` (`keras.ops.image`): separable resampling as
 * `jax.image.scale_and_translate` defines it. Each spatial axis is contracted with a host-built
 * weight matrix (triangle, Keys cubic, Lanczos or area kernel; widened when antialiasing a
 * downscale); nearest neighbour gathers.
 */
import { InvalidArgumentError, KerasTensor, ShapeError, Tensor, fmt, isFloat, isInt, lax, normalizeAxis, tensor, floatx } from '@kx/core'
import { type DataFormat, standardizeDataFormat } from '../conv.js'
import { cast, clip, convertToTensor, moveaxis, type TensorLike } from '@kx/ops-numpy'
import { padConst, sliceAxis, take } from '../util.js'
import { choice } from './common.js'

export type ResizeInterpolation = 'nearest' | 'bilinear' | 'bicubic' | 'lanczos3' | 'lanczos5' | 'area'
const INTERPOLATIONS: readonly ResizeInterpolation[] = ['bilinear', 'nearest', 'lanczos3', 'lanczos5', 'bicubic', 'area']
type Kernel = 'linear' | 'cubic' | 'lanczos3' | 'lanczos5' | 'area'

function kernelValue(kind: Exclude<Kernel, 'area'>, x: number): number {
  switch (kind) {
    case 'linear': return Math.max(0, 1 - Math.abs(x))
    case 'cubic': // Keys cubic, a = -0.5
      if (x >= 2) return 0
      if (x >= 1) return ((-0.5 * x + 2.5) * x - 4) * x + 2
      return (1.5 * x - 2.5) * x * x + 1
    default: {
      const r = kind === 'lanczos3' ? 3 : 5
      if (x > r) return 0
      if (!(x > 0.001)) return 1
      return (r * Math.sin(Math.PI * x) * Math.sin((Math.PI * x) / r)) / (Math.PI * Math.PI * x * x)
    }
  }
}

const F32_EPS = 1.1920928955078125e-7

/**
 * The `[inSize, outSize]` resampling weights of one axis (JAX's `compute_weight_mat`, no edge padding).
 *
 * @example
 * ```ts
 * weightMatrix(4, 2, 0.5, 0, 'linear', true) // each output averages two inputs
 * ```
 */
export function weightMatrix(inSize: number, outSize: number, scale: number, translation: number, kernel: Kernel, antialias: boolean): Float64Array {
  const inv = 1 / scale
  const kscale = antialias ? Math.max(inv, 1) : 1
  const w = new Float64Array(inSize * outSize)
  for (let j = 0; j < outSize; j++) {
    const sample = (j + 0.5) * inv - translation * inv - 0.5
    let total = 0
    for (let i = 0; i < inSize; i++) {
      let v: number
      if (kernel === 'area') {
        const L = j * inv - translation * inv
        v = Math.max(0, Math.min(L + inv, i + 1) - Math.max(L, i))
      } else {
        v = kernelValue(kernel, Math.abs(sample - i) / kscale)
      }
      w[i * outSize + j] = v
      total += v
    }
    const keep = Math.abs(total) > 1000 * F32_EPS && (kernel === 'area' || (sample >= -0.5 && sample <= inSize - 0.5))
    for (let i = 0; i < inSize; i++) w[i * outSize + j] = keep ? w[i * outSize + j]! / total : 0
  }
  return w
}

/** Contracts axis `axis` of `x` with the `[in, out]` matrix `w`, keeping the axis in place. */
function applyAxis(x: Tensor, axis: number, w: Float64Array, outSize: number): Tensor {
  const inSize = x.shape[axis]!
  const wt = tensor(w, { shape: [inSize, outSize], dtype: x.dtype, ...(x.isSymbolic ? {} : { backend: x.backend }) })
  const y = lax.dotGeneral(x, wt, [[axis], [0]])
  return moveaxis(y, -1, axis)
}

function kernelOf(method: string, op: string): Kernel {
  if (['linear', 'bilinear', 'trilinear', 'triangle'].includes(method)) return 'linear'
  if (['cubic', 'bicubic', 'tricubic'].includes(method)) return 'cubic'
  if (method === 'lanczos3' || method === 'lanczos5' || method === 'area') return method
  throw new InvalidArgumentError(`\`${op}\`: invalid value for argument \`method\`. Expected one of linear, bilinear, trilinear, cubic, bicubic, tricubic, lanczos3, lanczos5. Received: method=${fmt(method)}`)
}

/** Nearest-neighbour source index of each output position, in float32 as JAX computes it. */
function nearestIndices(inSize: number, outSize: number): number[] {
  return Array.from({ length: outSize }, (_, j) => Math.floor(Math.fround(Math.fround(Math.fround(j + 0.5) * inSize) / outSize)))
}

/** Options of `resize`. */
export interface ResizeOptions {
  readonly interpolation?: ResizeInterpolation
  readonly antialias?: boolean
  readonly cropToAspectRatio?: boolean
  readonly padToAspectRatio?: boolean
  readonly fillMode?: 'constant'
  readonly fillValue?: number
  readonly dataFormat?: DataFormat
}

/**
 * Resizes images to `size = [height, width]` (`keras.ops.image.resize`) with nearest, bilinear,
 * bicubic (Keys), lanczos3/5 or area interpolation; `antialias` widens the kernel when
 * downscaling. `cropToAspectRatio` / `padToAspectRatio` first center-crop / pad (with `fillValue`)
 * to the target aspect ratio. Integer images are rounded and saturated back to their dtype.
 *
 * @example
 * ```ts
 * image.resize(images, [224, 224], { interpolation: 'bilinear', antialias: true })
 * ```
 */
export function resize(images: TensorLike, size: readonly [number, number] | readonly number[], options: ResizeOptions = {}): Tensor {
  const x0 = convertToTensor(images)
  if (size.length !== 2) throw new InvalidArgumentError(`Expected \`size\` to be a tuple of 2 integers. Received: size=${fmt(size)}`)
  if (!(size[0]! > 0 && size[1]! > 0)) throw new InvalidArgumentError(`\`size\` must have positive values. Received: size=${fmt(size)}`)
  if (x0.ndim !== 3 && x0.ndim !== 4) throw new ShapeError(`Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). Received input with shape: images.shape=${fmt(x0.shape)}`)
  const interpolation = choice(options.interpolation, INTERPOLATIONS, 'bilinear', 'interpolation', 'resize')
  if ((options.fillMode ?? 'constant') !== 'constant') {
    throw new InvalidArgumentError(`Invalid value for argument \`fill_mode\`. Only \`'constant'\` is supported. Received: fill_mode=${fmt(options.fillMode)}`)
  }
  if (options.cropToAspectRatio && options.padToAspectRatio) throw new InvalidArgumentError('Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`.')
  const df = standardizeDataFormat(options.dataFormat, 'resize')
  const hAxis = df === 'channels_last' ? x0.ndim - 3 : x0.ndim - 2
  const wAxis = hAxis + 1
  const [th, tw] = size as [number, number]
  const floatIn = isFloat(x0.dtype)
  let x = floatIn ? x0 : cast(x0, floatx())
  const H = x.shape[hAxis]!
  const W = x.shape[wAxis]!
  if (x.isSymbolic && (H === null || W === null)) {
    // NOTE: unknown spatial sizes: the output spec is all a symbolic call needs.
    const shape = x0.shape.slice()
    shape[hAxis] = th
    shape[wAxis] = tw
    return new KerasTensor(shape, x0.dtype)
  }
  if (options.cropToAspectRatio) {
    const ch = Math.max(Math.min(H, Math.trunc((W * th) / tw)), 1)
    const cw = Math.max(Math.min(W, Math.trunc((H * tw) / th)), 1)
    const hs = Math.trunc((H - ch) / 2)
    const ws = Math.trunc((W - cw) / 2)
    x = sliceAxis(sliceAxis(x, hAxis, hs, hs + ch), wAxis, ws, ws + cw)
  } else if (options.padToAspectRatio) {
    const ph = Math.max(H, Math.trunc((W * th) / tw))
    const pw = Math.max(W, Math.trunc((H * tw) / th))
    const hs = Math.trunc((ph - H) / 2)
    const ws = Math.trunc((pw - W) / 2)
    const fill = options.fillValue ?? 0
    if (hs > 0) x = padConst(x, x.shape.map((_, i) => (i === hAxis ? [hs, hs] : [0, 0]) as [number, number]), fill)
    else if (ws > 0) x = padConst(x, x.shape.map((_, i) => (i === wAxis ? [ws, ws] : [0, 0]) as [number, number]), fill)
  }
  const targets: [number, number][] = [[hAxis, th], [wAxis, tw]]
  for (const [axis, n] of targets) {
    const m = x.shape[axis]!
    if (m === n) continue
    if (interpolation === 'nearest') {
      x = take(x, tensor(nearestIndices(m, n), { dtype: 'int32', ...(x.isSymbolic ? {} : { backend: x.backend }) }), axis)
    } else {
      const kernel = kernelOf(interpolation, 'resize')
      x = applyAxis(x, axis, weightMatrix(m, n, n / m, 0, kernel, options.antialias ?? false), n)
    }
  }
  if (floatIn) return x
  return saturateBack(x, x0.dtype)
}

const INT_RANGE: Record<string, [number, number]> = {
  uint8: [0, 255], int8: [-128, 127], int16: [-32768, 32767], uint16: [0, 65535], int32: [-2147483648, 2147483647], uint32: [0, 4294967295], int64: [-(2 ** 53), 2 ** 53],
}

/** Keras `_resize`'s return to integer dtypes: round, then saturate-cast. */
function saturateBack(x: Tensor, dtype: Tensor['dtype']): Tensor {
  if (isInt(dtype)) {
    const [lo, hi] = INT_RANGE[dtype]!
    return cast(clip(lax.unary('round', x), lo, hi), dtype)
  }
  return cast(x, dtype)
}

function hostNumbers(v: TensorLike | number | readonly number[], n: number, name: string): number[] {
  if (typeof v === 'number') return Array.from({ length: n }, () => v)
  const arr = v instanceof Tensor ? Array.from(v.dataSync() as ArrayLike<number>) : (Array.isArray(v) ? (v as number[]).flat(Infinity as 1) as number[] : Array.from(convertToTensor(v as TensorLike).dataSync() as ArrayLike<number>))
  if (arr.length !== n) throw new InvalidArgumentError(`\`scale_and_translate\`: \`${name}\` needs one value per spatial dim (${n}). Received: ${name}=${fmt(arr)}`)
  return arr
}

/**
 * Scales and translates images along `spatialDims` (`keras.ops.image.scale_and_translate`, as
 * `jax.image.scale_and_translate`): output position `o` samples input `(o + 0.5 - translation) / scale - 0.5`.
 * `scale` and `translation` are read on the host (one value per spatial dim).
 *
 * @example
 * ```ts
 * image.scaleAndTranslate(x, [1, 8, 8, 3], [2, 2], [0, 0], [1, 2], 'bilinear')
 * ```
 */
export function scaleAndTranslate(
  images: TensorLike, outputShape: readonly number[], scale: TensorLike | number | readonly number[], translation: TensorLike | number | readonly number[],
  spatialDims: readonly number[], method: string, options: { antialias?: boolean } = {},
): Tensor {
  const x0 = convertToTensor(images)
  const kernel = kernelOf(method, 'scale_and_translate')
  if (outputShape.length !== x0.ndim) {
    throw new ShapeError(`\`scale_and_translate\`: output_shape must have one entry per input dim. Received: output_shape=${fmt(outputShape)}, images.shape=${fmt(x0.shape)}`)
  }
  let x = isFloat(x0.dtype) ? x0 : cast(x0, floatx())
  if ((scale instanceof Tensor && scale.isSymbolic) || (translation instanceof Tensor && translation.isSymbolic)) return new KerasTensor(outputShape, x.dtype)
  const s = hostNumbers(scale, spatialDims.length, 'scale')
  const t = hostNumbers(translation, spatialDims.length, 'translation')
  spatialDims.forEach((d, i) => {
    const axis = normalizeAxis(d, x.ndim, 'scale_and_translate')
    x = applyAxis(x, axis, weightMatrix(x.shape[axis]!, outputShape[axis]!, s[i]!, t[i]!, kernel, options.antialias ?? true), outputShape[axis]!)
  })
  return x
}

