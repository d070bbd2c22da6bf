/**
 * @file Convolutions of `keras.ops.nn` (conv, depthwiseConv, separableConv, convTranspose) in 1D/2D/3D
 * on the channels_last `conv_general_dilated` primitive, with Keras's padding arithmetic, plus the
 * shape helpers layers share (`resolvePadding`, `computeConvOutputShape`, …) and the fused
 * conv + bias + activation entry point.
 */
import {
  InvalidArgumentError, ShapeError, bindFused, fmt, imageDataFormat, lax, resultType,
  type ConvParams, type FusedActivation, type ImageDataFormat, type PadPair, type Tensor,
} from '@kx/core'
import { add, cast, convertToTensor, transpose, type TensorLike } from '@kx/ops-numpy'
import { padConst, reshapeDims, tuple } from './util.js'
import { applyActivation } from './fused.js'

/** Keras padding modes of convolutions and pooling (`causal` is for 1D layers). */
export type Padding = 'valid' | 'same' | 'causal'
export type DataFormat = ImageDataFormat

/** Options shared by the convolution ops. */
export interface ConvOptions {
  /** Stride per spatial dim (default 1). */
  readonly strides?: number | readonly number[]
  /** `'valid'` (default) or `'same'`. */
  readonly padding?: 'valid' | 'same'
  /** Defaults to `imageDataFormat()`. */
  readonly dataFormat?: DataFormat
  /** Kernel dilation per spatial dim (default 1). */
  readonly dilationRate?: number | readonly number[]
}

/**
 * Validates and returns a data format (default: the global `imageDataFormat()`).
 *
 * @example
 * ```ts
 * standardizeDataFormat(undefined) // 'channels_last' (the global default)
 * ```
 */
export function standardizeDataFormat(dataFormat: string | undefined | null, op = 'op'): DataFormat {
  const f = (dataFormat ?? imageDataFormat()).toLowerCase()
  if (f !== 'channels_last' && f !== 'channels_first') {
    throw new InvalidArgumentError(`\`${op}\`: \`data_format\` must be "channels_last" or "channels_first". Received: data_format=${fmt(dataFormat)}`)
  }
  return f
}

/**
 * Validates a padding string (lower-cased as Keras does).
 *
 * @example
 * ```ts
 * standardizePadding('SAME', 'conv') // 'same'
 * ```
 */
export function standardizePadding(padding: string | undefined, op: string, allowed: readonly Padding[] = ['valid', 'same']): Padding {
  const p = (padding ?? 'valid').toLowerCase() as Padding
  if (!allowed.includes(p)) {
    throw new InvalidArgumentError(`\`${op}\`: \`padding\` must be one of ${allowed.map((a) => `"${a}"`).join(', ')}. Received: padding=${fmt(padding)}`)
  }
  return p
}

/**
 * Explicit `[lo, hi]` padding of each spatial dim for a Keras padding mode, as XLA's `SAME`:
 * `total = max((ceil(in / stride) - 1) * stride + (k - 1) * dilation + 1 - in, 0)`, `lo = floor(total / 2)`.
 * `causal` pads `(k - 1) * dilation` in front. Unknown (null) sizes get `[0, 0]`.
 *
 * @example
 * ```ts
 * resolvePadding('same', [5], [3], [2], [1]) // [[1, 1]]
 * ```
 */
export function resolvePadding(
  padding: Padding, inputSpatial: readonly (number | null)[], kernelSpatial: readonly number[],
  strides: readonly number[], dilation: readonly number[],
): PadPair[] {
  return inputSpatial.map((n, i) => {
    const keff = (kernelSpatial[i]! - 1) * dilation[i]! + 1
    if (padding === 'valid') return [0, 0] as const
    if (padding === 'causal') return [keff - 1, 0] as const
    if (n === null) return [0, 0] as const
    const s = strides[i]!
    const total = Math.max((Math.ceil(n / s) - 1) * s + keff - n, 0)
    const lo = Math.floor(total / 2)
    return [lo, total - lo] as const
  })
}

/**
 * Output shape of a convolution (Keras `compute_conv_output_shape`); unknown dims stay null.
 * Throws a `ShapeError` when a `'valid'` output would be empty (kernel larger than input).
 *
 * @example
 * ```ts
 * computeConvOutputShape([null, 28, 28, 1], 32, [3, 3], { padding: 'valid' }) // [null, 26, 26, 32]
 * ```
 */
export function computeConvOutputShape(
  inputShape: readonly (number | null)[], filters: number | null, kernelSize: readonly number[],
  options: { strides?: number | readonly number[]; padding?: Padding; dataFormat?: DataFormat; dilationRate?: number | readonly number[] } = {},
): (number | null)[] {
  const n = inputShape.length - 2
  if (kernelSize.length !== n) {
    throw new ShapeError(`Kernel shape must have the same length as input. Received: kernel_size=${fmt(kernelSize)}, input shape=${fmt(inputShape)}`)
  }
  const df = options.dataFormat ?? 'channels_last'
  const strides = tuple(options.strides ?? 1, n, 'strides', 'conv')
  const dil = tuple(options.dilationRate ?? 1, n, 'dilation_rate', 'conv')
  const padding = options.padding ?? 'valid'
  const spatial = df === 'channels_last' ? inputShape.slice(1, -1) : inputShape.slice(2)
  const out = spatial.map((d, i) => {
    if (d === null) return null
    if (padding === 'valid') {
      const o = Math.floor((d - dil[i]! * (kernelSize[i]! - 1) - 1) / strides[i]!) + 1
      if (o <= 0) {
        throw new ShapeError(`Computed output size would be zero or negative. Received: inputs shape=${fmt(inputShape)}, kernel_size=${fmt(kernelSize)}, dilation_rate=${fmt(dil)}, strides=${fmt(strides)}, padding="valid"`)
      }
      return o
    }
    return Math.floor((d - 1) / strides[i]!) + 1
  })
  return df === 'channels_last' ? [inputShape[0]!, ...out, filters] : [inputShape[0]!, filters, ...out]
}

/**
 * Output shape of a transposed convolution (Keras `compute_conv_transpose_output_shape`).
 *
 * @example
 * ```ts
 * computeConvTransposeOutputShape([null, 4, 4, 8], [3, 3], 16, { strides: 2, padding: 'same' }) // [null, 8, 8, 16]
 * ```
 */
export function computeConvTransposeOutputShape(
  inputShape: readonly (number | null)[], kernelSize: readonly number[], filters: number | null,
  options: { strides?: number | readonly number[]; padding?: 'valid' | 'same'; outputPadding?: number | readonly number[] | null; dataFormat?: DataFormat; dilationRate?: number | readonly number[] } = {},
): (number | null)[] {
  const n = inputShape.length - 2
  const df = options.dataFormat ?? 'channels_last'
  const strides = tuple(options.strides ?? 1, n, 'strides', 'conv_transpose')
  const dil = tuple(options.dilationRate ?? 1, n, 'dilation_rate', 'conv_transpose')
  const op = options.outputPadding == null ? null : tuple(options.outputPadding, n, 'output_padding', 'conv_transpose')
  const spatial = df === 'channels_last' ? inputShape.slice(1, -1) : inputShape.slice(2)
  const out = spatial.map((d, i) => {
    if (d === null) return null
    const keff = (kernelSize[i]! - 1) * dil[i]! + 1
    const s = strides[i]!
    if ((options.padding ?? 'valid') === 'valid') return (d - 1) * s + keff + (op ? op[i]! : Math.max(keff, s) - keff)
    return op ? (d - 1) * s + (keff % 2) + op[i]! : d * s
  })
  return df === 'channels_last' ? [inputShape[0]!, ...out, filters] : [inputShape[0]!, filters, ...out]
}

/**
 * Keras → JAX `conv_transpose` padding of one dim (`_convert_conv_transpose_padding_args_from_keras_to_jax`):
 * the `[lo, hi]` padding of the lhs-dilated input.
 *
 * @example
 * ```ts
 * convTransposePadding(3, 2, 1, 'same', null) // [2, 1]
 * ```
 */
export function convTransposePadding(kernel: number, stride: number, dilation: number, padding: 'valid' | 'same', outputPadding: number | null): PadPair {
  const keff = (kernel - 1) * dilation + 1
  if (padding === 'valid') {
    const op = outputPadding ?? Math.max(keff, stride) - keff
    return [keff - 1, keff - 1 + op]
  }
  const padLen = outputPadding === null ? stride + keff - 2 : keff + (keff % 2) - 2 + outputPadding
  const lo = Math.min(Math.floor(padLen / 2) + (padLen % 2), keff - 1)
  return [lo, padLen - lo]
}

const toLast = (x: Tensor): Tensor => transpose(x, { axes: [0, ...x.shape.slice(2).map((_, i) => i + 2), 1] })
const toFirst = (x: Tensor): Tensor => transpose(x, { axes: [0, x.ndim - 1, ...x.shape.slice(1, -1).map((_, i) => i + 1)] })

function checkRank(x: Tensor, op: string, what = 'inputs'): number {
  if (x.ndim < 3 || x.ndim > 5) {
    throw new ShapeError(`\`${op}\` supports 1D, 2D and 3D inputs of rank 3, 4 or 5 (batch, spatial dims, channels). Received: ${what}.shape=${fmt(x.shape)}`)
  }
  return x.ndim - 2
}

interface Resolved { params: ConvParams; x: Tensor }

/** Channels_last input plus resolved conv parameters for a kernel of spatial size `kernelSpatial`. */
function resolveConv(x: Tensor, kernelSpatial: readonly number[], options: ConvOptions, df: DataFormat, op: string, groups: number): Resolved {
  const n = x.ndim - 2
  const strides = tuple(options.strides ?? 1, n, 'strides', op)
  const dil = tuple(options.dilationRate ?? 1, n, 'dilation_rate', op)
  const padding = standardizePadding(options.padding, op)
  const xl = df === 'channels_first' ? toLast(x) : x
  const spatial = xl.shape.slice(1, -1)
  if (padding === 'valid') {
    spatial.forEach((d, i) => {
      if (d !== null && d < (kernelSpatial[i]! - 1) * dil[i]! + 1) {
        throw new ShapeError(`\`${op}\`: the input is smaller than the (dilated) kernel under padding="valid", so the output would be empty. Received: inputs.shape=${fmt(x.shape)}, kernel spatial shape=${fmt(kernelSpatial)}, dilation_rate=${fmt(dil)}`)
      }
    })
  }
  const pads = resolvePadding(padding, spatial, kernelSpatial, strides, dil)
  return { x: xl, params: { windowStrides: strides, padding: pads, lhsDilation: strides.map(() => 1), rhsDilation: dil, featureGroupCount: groups } }
}

function channelsOf(x: Tensor, df: DataFormat): number { return df === 'channels_last' ? x.shape[x.ndim - 1]! : x.shape[1]! }

/**
 * General N-D convolution (`keras.ops.conv`). `kernel` is `[...kernelSize, inChannels / groups, filters]`;
 * the group count is `inChannels / kernel.shape[-2]`.
 *
 * @example
 * ```ts
 * const y = conv(x, kernel, { strides: 1, padding: 'same' }) // x [N, H, W, C], kernel [3, 3, C, F] → [N, H, W, F]
 * ```
 */
export function conv(inputs: TensorLike, kernel: TensorLike, options: ConvOptions = {}): Tensor {
  const k = convertToTensor(kernel)
  const x = cast(convertToTensor(inputs), k.dtype)
  const { x: xl, params, df } = prepareConv(x, k, options, 'conv')
  const y = lax.conv(xl, k, params)
  return df === 'channels_first' ? toFirst(y) : y
}

function prepareConv(x: Tensor, k: Tensor, options: ConvOptions, op: string): Resolved & { df: DataFormat } {
  const n = checkRank(x, op)
  if (k.ndim !== n + 2) {
    throw new ShapeError(`\`${op}\`: the kernel must have rank ${n + 2} for inputs of rank ${x.ndim}. Received: inputs.shape=${fmt(x.shape)}, kernel.shape=${fmt(k.shape)}`)
  }
  const df = standardizeDataFormat(options.dataFormat, op)
  const c = channelsOf(x, df)
  const kin = k.shape[k.ndim - 2]!
  const cout = k.shape[k.ndim - 1]!
  if (c !== null && (kin === 0 || c % kin !== 0)) {
    throw new ShapeError(`\`${op}\`: the number of input channels must be divisible by the kernel's in_channels. Received: input channels=${c}, kernel in_channels=${kin}, data_format="${df}"`)
  }
  const groups = c === null ? 1 : c / kin
  if (cout % groups !== 0) {
    throw new ShapeError(`\`${op}\`: the number of filters must be divisible by the group count. Received: filters=${cout}, groups=${groups}`)
  }
  return { ...resolveConv(x, k.shape.slice(0, -2), options, df, op, groups), df }
}

/**
 * Depthwise convolution (`keras.ops.depthwise_conv`): `kernel` is `[...kernelSize, inChannels, multiplier]`
 * and each input channel gets its own `multiplier` filters.
 *
 * @example
 * ```ts
 * depthwiseConv(x, kernel, { padding: 'same' }) // x [N, H, W, C], kernel [3, 3, C, 2] → [N, H, W, 2C]
 * ```
 */
export function depthwiseConv(inputs: TensorLike, kernel: TensorLike, options: ConvOptions = {}): Tensor {
  const k = convertToTensor(kernel)
  const x = cast(convertToTensor(inputs), resultType(convertToTensor(inputs).dtype, k.dtype))
  const n = checkRank(x, 'depthwise_conv')
  const df = standardizeDataFormat(options.dataFormat, 'depthwise_conv')
  if (k.ndim !== n + 2) {
    throw new ShapeError(`\`depthwise_conv\`: the kernel must have rank ${n + 2}. Received: inputs.shape=${fmt(x.shape)}, kernel.shape=${fmt(k.shape)}`)
  }
  const c = channelsOf(x, df)
  const kin = k.shape[k.ndim - 2]!
  if (c !== null && c !== kin) {
    throw new ShapeError(`The number of input channels must match the kernel's input channels. Received: input channels=${c}, kernel input channels=${kin}, data_format="${df}"`)
  }
  const kk = reshapeDims(cast(k, x.dtype), [...k.shape.slice(0, -2), 1, kin * k.shape[k.ndim - 1]!])
  const { x: xl, params } = resolveConv(x, k.shape.slice(0, -2), options, df, 'depthwise_conv', kin)
  const y = lax.conv(xl, kk, params)
  return df === 'channels_first' ? toFirst(y) : y
}

/**
 * Separable convolution (`keras.ops.separable_conv`): a depthwise convolution followed by a 1×1
 * pointwise convolution with `pointwiseKernel` (`[1, …, 1, inChannels * multiplier, filters]`).
 *
 * @example
 * ```ts
 * separableConv(x, depthwiseKernel, pointwiseKernel, { padding: 'same' })
 * ```
 */
export function separableConv(inputs: TensorLike, depthwiseKernel: TensorLike, pointwiseKernel: TensorLike, options: ConvOptions = {}): Tensor {
  const d = depthwiseConv(inputs, depthwiseKernel, options)
  return conv(d, pointwiseKernel, { strides: 1, padding: 'valid', dilationRate: options.dilationRate ?? 1, dataFormat: standardizeDataFormat(options.dataFormat, 'separable_conv') })
}

/**
 * Transposed convolution (`keras.ops.conv_transpose`): the adjoint of `conv` with respect to its
 * input. `kernel` is `[...kernelSize, filters, inChannels]`.
 *
 * @example
 * ```ts
 * convTranspose(x, kernel, { strides: 2, padding: 'same' }) // x [N, 4, 4, C], kernel [3, 3, F, C] → [N, 8, 8, F]
 * ```
 */
export function convTranspose(inputs: TensorLike, kernel: TensorLike, options: ConvOptions & { outputPadding?: number | readonly number[] | null } = {}): Tensor {
  const k0 = convertToTensor(kernel)
  const x0 = convertToTensor(inputs)
  const dtype = resultType(x0.dtype, k0.dtype)
  const x = cast(x0, dtype)
  const k = cast(k0, dtype)
  const n = checkRank(x, 'conv_transpose')
  const df = standardizeDataFormat(options.dataFormat, 'conv_transpose')
  if (k.ndim !== n + 2) {
    throw new ShapeError(`\`conv_transpose\`: the kernel must have rank ${n + 2}. Received: inputs.shape=${fmt(x.shape)}, kernel.shape=${fmt(k.shape)}`)
  }
  const c = channelsOf(x, df)
  const kin = k.shape[k.ndim - 1]!
  if (c !== null && c !== kin) {
    throw new ShapeError(`The number of input channels must match the kernel's input channels. Received: input channels=${c}, kernel input channels=${kin}, data_format="${df}"`)
  }
  const padding = standardizePadding(options.padding, 'conv_transpose') as 'valid' | 'same'
  const strides = tuple(options.strides ?? 1, n, 'strides', 'conv_transpose')
  const dil = tuple(options.dilationRate ?? 1, n, 'dilation_rate', 'conv_transpose')
  const outPad = options.outputPadding == null ? null : tuple(options.outputPadding, n, 'output_padding', 'conv_transpose')
  const xl = df === 'channels_first' ? toLast(x) : x
  const ksz = k.shape.slice(0, -2)
  // The lhs-dilated conv with JAX pads (lo, hi) is the adjoint of a forward conv padded (keff-1-lo, keff-1-hi);
  // negative forward padding crops the input, whose adjoint zero-pads the result.
  const fwd: PadPair[] = []
  const crop: PadPair[] = []
  const lhsShape: number[] = [xl.shape[0]!]
  ksz.forEach((kd, i) => {
    const keff = (kd - 1) * dil[i]! + 1
    const [lo, hi] = convTransposePadding(kd, strides[i]!, dil[i]!, padding, outPad ? outPad[i]! : null)
    const pl = keff - 1 - lo
    const ph = keff - 1 - hi
    const inSize = xl.shape[i + 1]!
    const full = inSize === null ? null : (inSize - 1) * strides[i]! + lo + hi - keff + 2
    fwd.push([Math.max(pl, 0), Math.max(ph, 0)])
    crop.push([Math.max(-pl, 0), Math.max(-ph, 0)])
    lhsShape.push(full === null ? (null as unknown as number) : full - Math.max(-pl, 0) - Math.max(-ph, 0))
  })
  lhsShape.push(k.shape[k.ndim - 2]!)
  const params: ConvParams = { windowStrides: strides, padding: fwd, lhsDilation: strides.map(() => 1), rhsDilation: dil, featureGroupCount: 1 }
  let y = lax.convTransposeLhs(xl, k, params, lhsShape)
  y = padConst(y, [[0, 0], ...crop, [0, 0]])
  return df === 'channels_first' ? toFirst(y) : y
}

/**
 * `activation(conv(inputs, kernel) + bias)` as one call: a backend's fused kernel when it has one,
 * the decomposition otherwise. The entry point of the Conv layers.
 *
 * @example
 * ```ts
 * convBiasAct(x, kernel, bias, { activation: 'relu', padding: 'same' })
 * ```
 */
export function convBiasAct(
  inputs: TensorLike, kernel: TensorLike, bias: TensorLike | null,
  options: ConvOptions & { activation?: FusedActivation; alpha?: number } = {},
): Tensor {
  const k = convertToTensor(kernel)
  const x = cast(convertToTensor(inputs), k.dtype)
  const b = bias === null ? null : cast(convertToTensor(bias), k.dtype)
  const activation = options.activation ?? 'linear'
  const alpha = options.alpha ?? (activation === 'leaky_relu' ? 0.2 : 1)
  const { x: xl, params, df } = prepareConv(x, k, options, 'conv')
  const ksz = k.shape.slice(0, -2)
  const outShape = [xl.shape[0]!, ...xl.shape.slice(1, -1).map((d, i) => {
    const keff = (ksz[i]! - 1) * params.rhsDilation[i]! + 1
    const [lo, hi] = params.padding[i]!
    return d === null ? d : Math.floor((d + lo + hi - keff) / params.windowStrides[i]!) + 1
  }), k.shape[k.ndim - 1]!]
  const run = (): Tensor[] => {
    let y = lax.conv(xl, k, params)
    if (b) y = add(y, b)
    return [applyActivation(y, activation, alpha)]
  }
  const [y] = bindFused('conv_bias_act', b ? [xl, k, b] : [xl, k], {
    strides: params.windowStrides, padding: params.padding, dilation: params.rhsDilation, groups: params.featureGroupCount,
    activation, hasBias: b !== null, alpha,
  }, [{ shape: outShape, dtype: k.dtype }], run)
  return df === 'channels_first' ? toFirst(y!) : y!
}
