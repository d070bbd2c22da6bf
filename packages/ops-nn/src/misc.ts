/**
 * @file Encoding and rearrangement ops of `keras.ops.nn`: oneHot, multiHot, polar, psnr,
 * depthToSpace, spaceToDepth, unfold (im2col) and fold (col2im).
 */
import { InvalidArgumentError, NotImplementedError, ShapeError, floatx, fmt, lax, normalizeAxis, shapesEqual, type DType, type Tensor } from '@kx/core'
import {
  add, cast, convertToTensor, equal, expandDims, fullLike, log10, max, mean, multiply, square, subtract, transpose, type TensorLike,
} from '@kx/ops-numpy'
import { iotaOn, padConst, reshapeDims, scalar, sliceAxis, toFloat, tuple } from './util.js'

/**
 * One-hot encoding (`keras.ops.one_hot`): a new axis of size `numClasses` (at `axis`, default -1) with
 * 1 at each index and 0 elsewhere; out-of-range and negative indices give all zeros.
 *
 * @example
 * ```ts
 * oneHot(convertToTensor([0, 2]), 3) // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export function oneHot(x: TensorLike, numClasses: number, options: { axis?: number; dtype?: DType; sparse?: boolean } = {}): Tensor {
  if (options.sparse) throw new NotImplementedError('`one_hot` with sparse=True is not supported: kx has no sparse tensors. Use sparse=false.')
  if (!Number.isInteger(numClasses) || numClasses < 0) {
    throw new InvalidArgumentError(`\`one_hot\`: \`num_classes\` must be a non-negative integer. Received: num_classes=${fmt(numClasses)}`)
  }
  const t = convertToTensor(x)
  const axis = normalizeAxis(options.axis ?? -1, t.ndim + 1, 'one_hot')
  const lhs = expandDims(t, axis)
  const rshape = lhs.shape.map((_, i) => (i === axis ? numClasses : 1))
  const rhs = reshapeDims(iotaOn(t, t.dtype === 'bool' ? 'int32' : t.dtype, [numClasses], 0), rshape)
  return cast(equal(lhs, rhs), options.dtype ?? floatx())
}

/**
 * Multi-hot encoding (`keras.ops.multi_hot`): the one-hot encodings of a batch of index lists,
 * max-reduced over the list axis (axis 1 for rank > 1 inputs, else 0).
 *
 * @example
 * ```ts
 * multiHot(convertToTensor([[0, 2], [1, 1]]), 3) // [[1, 0, 1], [0, 1, 0]]
 * ```
 */
export function multiHot(inputs: TensorLike, numClasses: number, options: { axis?: number; dtype?: DType; sparse?: boolean } = {}): Tensor {
  if (options.sparse) throw new NotImplementedError('`multi_hot` with sparse=True is not supported: kx has no sparse tensors. Use sparse=false.')
  const t = cast(convertToTensor(inputs), 'int32')
  const reductionAxis = t.ndim > 1 ? 1 : 0
  const oh = oneHot(t, numClasses, { axis: options.axis ?? -1, dtype: 'float32' })
  return cast(max(oh, { axis: reductionAxis }), options.dtype ?? floatx())
}

/**
 * Complex number from polar coordinates (`keras.ops.polar`): `abs * (cos(angle) + i sin(angle))`.
 * kx has no complex dtype, so the result is the pair `[real, imag]`.
 *
 * @example
 * ```ts
 * const [re, im] = polar(convertToTensor([2]), convertToTensor([0])) // [2], [0]
 * ```
 */
export function polar(abs: TensorLike, angle: TensorLike): [Tensor, Tensor] {
  const a = toFloat(abs)
  const th = toFloat(angle)
  return [multiply(a, lax.cos(th)), multiply(a, lax.sin(th))]
}

/**
 * Peak signal-to-noise ratio (`keras.ops.psnr`): `20 log10(maxVal) - 10 log10(mean((x1 - x2)^2))`
 * over all elements.
 *
 * @example
 * ```ts
 * psnr(a, b, 1.0) // scalar, in dB
 * ```
 */
export function psnr(x1: TensorLike, x2: TensorLike, maxVal: number): Tensor {
  const a = toFloat(x1)
  const b = toFloat(x2)
  if (!shapesEqual(a.shape, b.shape)) {
    throw new ShapeError(`Input shapes ${fmt(a.shape)} and ${fmt(b.shape)} must match for PSNR calculation.`)
  }
  const mse = mean(square(subtract(a, b)))
  return subtract(multiply(log10(fullLike(mse, maxVal, { dtype: b.dtype })), 20), multiply(log10(mse), 10))
}

function check4d(x: Tensor, op: string): void {
  if (x.ndim !== 4) throw new ShapeError(`\`${op}\` requires a 4D input tensor. Received: x.shape=${fmt(x.shape)}`)
}

/**
 * Depth to space (pixel shuffle, `keras.ops.depth_to_space`): moves channel blocks into
 * `blockSize × blockSize` spatial blocks of a 4D tensor.
 *
 * @example
 * ```ts
 * depthToSpace(x, 2) // [N, H, W, 4C] → [N, 2H, 2W, C]
 * ```
 */
export function depthToSpace(x: TensorLike, blockSize: number, options: { dataFormat?: 'channels_last' | 'channels_first' } = {}): Tensor {
  const t = convertToTensor(x)
  if (!Number.isInteger(blockSize) || blockSize < 2) throw new InvalidArgumentError(`\`block_size\` must be at least 2. Received: block_size=${fmt(blockSize)}`)
  check4d(t, 'depth_to_space')
  const b = blockSize
  const last = (options.dataFormat ?? 'channels_last') === 'channels_last'
  const [n, d1, d2, d3] = t.shape as [number, number, number, number]
  const c = last ? d3 : d1
  if (c !== null && c % (b * b) !== 0) throw new ShapeError(`The number of channels (${c}) must be divisible by block_size**2 (${b * b}).`)
  const nc = c === null ? -1 : c / (b * b)
  if (last) {
    const y = transpose(reshapeDims(t, [n, d1, d2, b, b, nc]), { axes: [0, 1, 3, 2, 4, 5] })
    return reshapeDims(y, [n, d1 === null ? -1 : d1 * b, d2 === null ? -1 : d2 * b, nc])
  }
  const y = transpose(reshapeDims(t, [n, nc, b, b, d2, d3]), { axes: [0, 1, 4, 2, 5, 3] })
  return reshapeDims(y, [n, nc, d2 === null ? -1 : d2 * b, d3 === null ? -1 : d3 * b])
}

/**
 * Space to depth (pixel unshuffle, `keras.ops.space_to_depth`): the inverse of `depthToSpace`.
 *
 * @example
 * ```ts
 * spaceToDepth(x, 2) // [N, 2H, 2W, C] → [N, H, W, 4C]
 * ```
 */
export function spaceToDepth(x: TensorLike, blockSize: number, options: { dataFormat?: 'channels_last' | 'channels_first' } = {}): Tensor {
  const t = convertToTensor(x)
  if (!Number.isInteger(blockSize) || blockSize < 2) throw new InvalidArgumentError(`\`block_size\` must be at least 2. Received: block_size=${fmt(blockSize)}`)
  check4d(t, 'space_to_depth')
  const b = blockSize
  const last = (options.dataFormat ?? 'channels_last') === 'channels_last'
  const [n, d1, d2, d3] = t.shape as [number, number, number, number]
  const [h, w, c] = last ? [d1, d2, d3] : [d2, d3, d1]
  if (h !== null && h % b !== 0) throw new ShapeError(`Height (${h}) must be divisible by block_size (${b}).`)
  if (w !== null && w % b !== 0) throw new ShapeError(`Width (${w}) must be divisible by block_size (${b}).`)
  const nh = h === null ? -1 : h / b
  const nw = w === null ? -1 : w / b
  if (last) {
    const y = transpose(reshapeDims(t, [n, nh, b, nw, b, c]), { axes: [0, 1, 3, 2, 4, 5] })
    return reshapeDims(y, [n, nh, nw, c === null ? -1 : c * b * b])
  }
  const y = transpose(reshapeDims(t, [n, c, nh, b, nw, b]), { axes: [0, 1, 3, 5, 2, 4] })
  return reshapeDims(y, [n, c === null ? -1 : c * b * b, nh, nw])
}

interface FoldArgs { dilation?: number | readonly number[]; padding?: number | readonly number[]; stride?: number | readonly number[] }

/**
 * Extracts sliding blocks of an NCHW image (`keras.ops.unfold`, PyTorch's `Unfold`): output
 * `(N, C * kH * kW, L)` with channels outermost, then kernel rows, then kernel columns.
 *
 * @example
 * ```ts
 * unfold(x, 2) // x [1, 1, 3, 3] → [1, 4, 4]
 * ```
 */
export function unfold(x: TensorLike, kernelSize: number | readonly number[], options: FoldArgs = {}): Tensor {
  const t = convertToTensor(x)
  if (t.ndim !== 4) throw new ShapeError(`Input must be a 4D tensor. Received: input.shape=${fmt(t.shape)}`)
  const [kh, kw] = tuple(kernelSize, 2, 'kernel_size', 'unfold')
  const [dh, dw] = tuple(options.dilation ?? 1, 2, 'dilation', 'unfold')
  const [ph, pw] = tuple(options.padding ?? 0, 2, 'padding', 'unfold')
  const [sh, sw] = tuple(options.stride ?? 1, 2, 'stride', 'unfold')
  const xp = padConst(t, [[0, 0], [0, 0], [ph, ph], [pw, pw]])
  const [n, c, H, W] = xp.shape as [number, number, number, number]
  const oh = Math.floor((H - dh * (kh - 1) - 1) / sh) + 1
  const ow = Math.floor((W - dw * (kw - 1) - 1) / sw) + 1
  if (!(oh > 0 && ow > 0)) throw new ShapeError(`\`unfold\`: the kernel does not fit the padded input. Received: input.shape=${fmt(t.shape)}, kernel_size=${fmt(kernelSize)}`)
  const blocks: Tensor[] = []
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const rows = sliceAxis(xp, 2, i * dh, i * dh + (oh - 1) * sh + 1, sh)
      const s = sliceAxis(rows, 3, j * dw, j * dw + (ow - 1) * sw + 1, sw)
      blocks.push(reshapeDims(s, [n, c, 1, oh * ow]))
    }
  }
  return reshapeDims(lax.concatenate(blocks, 2), [n, c === null ? -1 : c * kh * kw, oh * ow])
}

/**
 * Combines sliding blocks into an NCHW image, summing overlaps (`keras.ops.fold`, PyTorch's `Fold`):
 * the adjoint of `unfold`.
 *
 * @example
 * ```ts
 * fold(cols, [3, 3], 2) // cols [1, 4, 4] → [1, 1, 3, 3]
 * ```
 */
export function fold(x: TensorLike, outputSize: number | readonly number[], kernelSize: number | readonly number[], options: FoldArgs = {}): Tensor {
  const t = convertToTensor(x)
  if (t.ndim !== 3) throw new ShapeError(`Input must be a 3D tensor. Received: input.shape=${fmt(t.shape)}`)
  const [oh, ow] = tuple(outputSize, 2, 'output_size', 'fold')
  const [kh, kw] = tuple(kernelSize, 2, 'kernel_size', 'fold')
  const [dh, dw] = tuple(options.dilation ?? 1, 2, 'dilation', 'fold')
  const [ph, pw] = tuple(options.padding ?? 0, 2, 'padding', 'fold')
  const [sh, sw] = tuple(options.stride ?? 1, 2, 'stride', 'fold')
  const [n, ckk, L] = t.shape as [number, number, number]
  if (ckk !== null && ckk % (kh * kw) !== 0) {
    throw new ShapeError(`The second dimension of the input (${ckk}) must be divisible by kernel_size product (${kh * kw}).`)
  }
  const nh = Math.floor((oh + 2 * ph - dh * (kh - 1) - 1) / sh) + 1
  const nw = Math.floor((ow + 2 * pw - dw * (kw - 1) - 1) / sw) + 1
  if (L !== null && L !== nh * nw) {
    throw new ShapeError(`\`fold\`: the number of blocks does not match output_size. Expected L=${nh * nw}. Received: input.shape=${fmt(t.shape)}`)
  }
  const c = ckk === null ? -1 : ckk / (kh * kw)
  const cols = reshapeDims(t, [n, c, kh * kw, nh, nw])
  const H = oh + 2 * ph
  const W = ow + 2 * pw
  let out: Tensor | null = null
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const k = i * kw + j
      const blk = reshapeDims(sliceAxis(cols, 2, k, k + 1), [n, cols.shape[1]!, nh, nw])
      const loH = i * dh
      const loW = j * dw
      // Interior padding spreads the blocks stride apart; edge padding places them at the kernel offset.
      const placed = lax.pad(blk, scalar(blk, 0), [0, 0, loH, loW], [0, 0, H - loH - (nh - 1) * sh - 1, W - loW - (nw - 1) * sw - 1], [0, 0, sh - 1, sw - 1])
      out = out ? add(out, placed) : placed
    }
  }
  return padConst(out!, [[0, 0], [0, 0], [-ph, -ph], [-pw, -pw]])
}

