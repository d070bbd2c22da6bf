/** @file Filtering image ops: gaussianBlur, sobelEdges and the SSIM metric (`keras.ops.image`). */
import { ShapeError, fmt, isFloat, tensor, floatx, type Tensor } from '@kx/core'
import { type DataFormat, depthwiseConv, conv } from '../conv.js'
import { standardizeDataFormat } from '../conv.js'
import {
  add, cast, concatenate, convertToTensor, divide, expandDims, mean, multiply, squeeze, subtract, transpose, type TensorLike,
} from '@kx/ops-numpy'
import { reshapeDims, tuple } from '../util.js'
import { toBatchedLast } from './common.js'

/** Normalised 1D Gaussian taps `exp(-0.5 ((i - (n - 1) / 2) / sigma)^2)`. */
export function gaussian1d(size: number, sigma: number): number[] {
  const taps = Array.from({ length: size }, (_, i) => Math.exp(-0.5 * ((i - (size - 1) / 2) / sigma) ** 2))
  const s = taps.reduce((a, b) => a + b, 0)
  return taps.map((t) => t / s)
}

function constOn(ref: Tensor, values: number[], shape: number[]): Tensor {
  return tensor(values, { shape, dtype: ref.dtype, ...(ref.isSymbolic ? {} : { backend: ref.backend }) })
}

/** Applies one 2D kernel (`kh × kw`) to every channel of channels_last images with 'same' padding. */
function perChannel(x: Tensor, taps: number[], kh: number, kw: number, padding: 'same' | 'valid' = 'same'): Tensor {
  const c = x.shape[3]!
  const k = constOn(x, Array.from({ length: kh * kw * c }, (_, i) => taps[Math.floor(i / c)]!), [kh, kw, c, 1])
  return depthwiseConv(x, k, { padding, dataFormat: 'channels_last' })
}

/**
 * Gaussian blur (`keras.ops.image.gaussian_blur`): each channel convolved ('same' padding) with a
 * normalised Gaussian kernel. As Keras, the kernel is `kernelSize[1]` rows by `kernelSize[0]`
 * columns with `sigma[1]` along rows and `sigma[0]` along columns.
 *
 * @example
 * ```ts
 * image.gaussianBlur(images, { kernelSize: [5, 5], sigma: [1.5, 1.5] })
 * ```
 */
export function gaussianBlur(images: TensorLike, options: { kernelSize?: number | readonly number[]; sigma?: number | readonly number[]; dataFormat?: DataFormat } = {}): Tensor {
  const x0 = convertToTensor(images)
  const xf = isFloat(x0.dtype) ? x0 : cast(x0, floatx())
  const { x, back } = toBatchedLast(xf, options.dataFormat, 'gaussian_blur')
  const [k0, k1] = tuple(options.kernelSize ?? 3, 2, 'kernel_size', 'gaussian_blur')
  const sig = typeof options.sigma === 'number' ? [options.sigma, options.sigma] : (options.sigma ?? [1, 1])
  const gx = gaussian1d(k0!, sig[0]!)
  const gy = gaussian1d(k1!, sig[1]!)
  const taps: number[] = []
  for (const a of gy) for (const b of gx) taps.push(a * b)
  return back(perChannel(x, taps, k1!, k0!))
}

/**
 * Sobel edge maps (`keras.ops.image.sobel_edges`): for 4D images, the vertical and horizontal
 * Sobel responses stacked on a new last axis (`[..., 2]`: dy then dx), 'same' zero padding.
 *
 * @example
 * ```ts
 * image.sobelEdges(images) // [N, H, W, C] → [N, H, W, C, 2]
 * ```
 */
export function sobelEdges(images: TensorLike, options: { dataFormat?: DataFormat } = {}): Tensor {
  const x0 = convertToTensor(images)
  if (x0.ndim !== 4) throw new ShapeError(`\`sobel_edges\`: invalid images rank: expected rank 4 (batch of images). Received input with shape: images.shape=${fmt(x0.shape)}`)
  const df = standardizeDataFormat(options.dataFormat, 'sobel_edges')
  const x = df === 'channels_first' ? transpose(x0, { axes: [0, 2, 3, 1] }) : x0
  const ey = perChannel(x, [-1, -2, -1, 0, 0, 0, 1, 2, 1], 3, 3)
  const ex = perChannel(x, [-1, 0, 1, -2, 0, 2, -1, 0, 1], 3, 3)
  const back = (t: Tensor): Tensor => expandDims(df === 'channels_first' ? transpose(t, { axes: [0, 3, 1, 2] }) : t, -1)
  return concatenate([back(ey), back(ex)], { axis: -1 })
}

/**
 * Structural similarity index (`keras.ops.image.ssim`) with a Gaussian window ('valid'), averaged
 * over space and channels: one value per image.
 *
 * @example
 * ```ts
 * image.ssim(a, b, { maxVal: 1 }) // [N]
 * ```
 */
export function ssim(image1: TensorLike, image2: TensorLike, options: { maxVal?: number; filterSize?: number; filterSigma?: number; k1?: number; k2?: number; dataFormat?: DataFormat } = {}): Tensor {
  const a0 = convertToTensor(image1)
  const b0 = convertToTensor(image2)
  const orig = a0.dtype
  const compute = isFloat(orig) ? orig : floatx()
  const single = a0.ndim === 3
  const A = toBatchedLast(cast(a0, compute), options.dataFormat, 'ssim').x
  const B = toBatchedLast(cast(b0, compute), options.dataFormat, 'ssim').x
  const size = options.filterSize ?? 11
  const g = gaussian1d(size, options.filterSigma ?? 1.5)
  const taps: number[] = []
  for (const p of g) for (const q of g) taps.push(p * q)
  const maxVal = options.maxVal ?? 1
  const c1 = ((options.k1 ?? 0.01) * maxVal) ** 2
  const c2 = ((options.k2 ?? 0.03) * maxVal) ** 2
  const [n, h, w, c] = A.shape as [number, number, number, number]
  // Every channel as its own one-channel image, as Keras does.
  const flat = (t: Tensor): Tensor => reshapeDims(transpose(t, { axes: [0, 3, 1, 2] }), [-1, h, w, 1])
  const k = constOn(A, taps, [size, size, 1, 1])
  const blur = (t: Tensor): Tensor => conv(t, k, { padding: 'valid', dataFormat: 'channels_last' })
  const x = flat(A)
  const y = flat(B)
  const mu1 = blur(x)
  const mu2 = blur(y)
  const mu11 = multiply(mu1, mu1)
  const mu22 = multiply(mu2, mu2)
  const mu12 = multiply(mu1, mu2)
  const s11 = subtract(blur(multiply(x, x)), mu11)
  const s22 = subtract(blur(multiply(y, y)), mu22)
  const s12 = subtract(blur(multiply(x, y)), mu12)
  const num = multiply(add(multiply(mu12, 2), c1), add(multiply(s12, 2), c2))
  const den = multiply(add(add(mu11, mu22), c1), add(add(s11, s22), c2))
  const perChan = reshapeDims(mean(divide(num, den), { axis: [1, 2, 3] }), [n, c])
  let out = mean(perChan, { axis: -1 })
  if (single) out = squeeze(reshapeDims(out, [1]), { axis: [0] })
  return cast(out, orig)
}

