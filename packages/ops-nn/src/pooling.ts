/**
 * @file Pooling ops of `keras.ops.nn` (maxPool, averagePool, adaptiveMaxPool, adaptiveAveragePool) in
 * 1D/2D/3D on the `reduce_window` primitive, channels_last and channels_first.
 */
import { ShapeError, fmt, lax, tensor, type PadPair, type Tensor, type WindowParams } from '@kx/core'
import { type DataFormat, resolvePadding, standardizeDataFormat, standardizePadding } from './conv.js'
import { concatenate, convertToTensor, divide, transpose, type TensorLike } from '@kx/ops-numpy'
import { take, toFloat, tuple } from './util.js'

/** Options of `maxPool` / `averagePool`. */
export interface PoolOptions {
  /** Defaults to `poolSize`. */
  readonly strides?: number | readonly number[] | null
  /** `'valid'` (default) or `'same'`. */
  readonly padding?: 'valid' | 'same'
  readonly dataFormat?: DataFormat
}

const toLast = (x: Tensor): Tensor => transpose(x, { axes: [0, ...x.shape.slice(2).map((_, i) => i + 2), 1] })
const toFirst = (x: Tensor): Tensor => transpose(x, { axes: [0, x.ndim - 1, ...x.shape.slice(1, -1).map((_, i) => i + 1)] })

/**
 * Output shape of a pooling op (Keras `compute_pooling_output_shape`); unknown dims stay null.
 *
 * @example
 * ```ts
 * computePoolingOutputShape([null, 28, 28, 32], [2, 2]) // [null, 14, 14, 32]
 * ```
 */
export function computePoolingOutputShape(
  inputShape: readonly (number | null)[], poolSize: number | readonly number[],
  options: { strides?: number | readonly number[] | null; padding?: 'valid' | 'same'; dataFormat?: DataFormat } = {},
): (number | null)[] {
  const n = inputShape.length - 2
  const pool = tuple(poolSize, n, 'pool_size', 'pool')
  const strides = tuple(options.strides ?? pool, n, 'strides', 'pool')
  const df = options.dataFormat ?? 'channels_last'
  const spatial = df === 'channels_last' ? inputShape.slice(1, -1) : inputShape.slice(2)
  const out = spatial.map((d, i) => {
    if (d === null) return null
    if ((options.padding ?? 'valid') === 'valid') {
      const o = Math.floor((d - pool[i]!) / strides[i]!) + 1
      if (o <= 0) {
        throw new ShapeError(`Computed output size would be zero or negative. Received: inputs.shape=${fmt(inputShape)}, pool_size=${fmt(pool)}, strides=${fmt(strides)}, padding="valid"`)
      }
      return o
    }
    return Math.floor((d - 1) / strides[i]!) + 1
  })
  return df === 'channels_last' ? [inputShape[0]!, ...out, inputShape[n + 1]!] : [inputShape[0]!, inputShape[1]!, ...out]
}

function checkRank(x: Tensor, op: string): number {
  if (x.ndim < 3 || x.ndim > 5) {
    throw new ShapeError(`\`${op}\` supports 1D, 2D and 3D inputs of rank 3, 4 or 5 (batch, spatial dims, channels). Received: inputs.shape=${fmt(x.shape)}`)
  }
  return x.ndim - 2
}

function windowFor(x: Tensor, poolSize: number | readonly number[], options: PoolOptions, op: string): { xl: Tensor; w: WindowParams; df: DataFormat; pool: number[] } {
  const n = checkRank(x, op)
  const df = standardizeDataFormat(options.dataFormat, op)
  const padding = standardizePadding(options.padding, op) as 'valid' | 'same'
  const pool = tuple(poolSize, n, 'pool_size', op)
  const strides = tuple(options.strides ?? pool, n, 'strides', op)
  computePoolingOutputShape(x.shape, pool, { strides, padding, dataFormat: df })
  const xl = df === 'channels_first' ? toLast(x) : x
  const pads: PadPair[] = resolvePadding(padding, xl.shape.slice(1, -1), pool, strides, pool.map(() => 1))
  return {
    xl, df, pool,
    w: { windowDimensions: [1, ...pool, 1], windowStrides: [1, ...strides, 1], padding: [[0, 0], ...pads, [0, 0]] },
  }
}

/**
 * Max pooling (`keras.ops.max_pool`) over the spatial dims.
 *
 * @example
 * ```ts
 * maxPool(x, 2) // x [N, 28, 28, C] → [N, 14, 14, C]
 * ```
 */
export function maxPool(inputs: TensorLike, poolSize: number | readonly number[], options: PoolOptions = {}): Tensor {
  const x = convertToTensor(inputs)
  const { xl, w, df } = windowFor(x, poolSize, options, 'max_pool')
  const y = lax.reduceWindow(xl, 'max', w)
  return df === 'channels_first' ? toFirst(y) : y
}

/**
 * Average pooling (`keras.ops.average_pool`). Under `'same'` padding each window is averaged over
 * its valid (unpadded) elements only, as Keras does.
 *
 * @example
 * ```ts
 * averagePool(x, [2, 2], { strides: 1, padding: 'same' })
 * ```
 */
export function averagePool(inputs: TensorLike, poolSize: number | readonly number[], options: PoolOptions = {}): Tensor {
  const x = toFloat(inputs)
  const { xl, w, df, pool } = windowFor(x, poolSize, options, 'average_pool')
  const summed = lax.reduceWindow(xl, 'sum', w)
  let y: Tensor
  const spatial = xl.shape.slice(1, -1)
  if ((options.padding ?? 'valid').toLowerCase() === 'valid' || spatial.some((d) => d === null)) {
    y = divide(summed, pool.reduce((a, b) => a * b, 1))
  } else {
    // Count the valid entries of each window: pool a [1, ...spatial, 1] tensor of ones the same way.
    const ones = tensor(new Array(spatial.reduce((a, b) => a * b, 1)).fill(1), {
      shape: [1, ...spatial, 1], dtype: xl.dtype, ...(xl.isSymbolic ? {} : { backend: xl.backend }),
    })
    y = divide(summed, lax.reduceWindow(ones, 'sum', w))
  }
  return df === 'channels_first' ? toFirst(y) : y
}

/** Small and big window sizes of adaptive pooling (`ceil(L / O)` and one more). */
function adaptiveWindows(inDim: number, outDim: number): { small: number; big: number; gather: number[] } {
  const small = Math.ceil(inDim / outDim)
  const big = small + 1
  const smallLen = inDim - small + 1
  const gather: number[] = []
  for (let i = 0; i < outDim; i++) {
    const start = Math.floor((i * inDim) / outDim)
    const end = Math.ceil(((i + 1) * inDim) / outDim)
    gather.push(end - start === big ? start + smallLen : start)
  }
  return { small, big, gather }
}

function adaptivePool(inputs: TensorLike, outputSize: number | readonly number[], options: { dataFormat?: DataFormat }, kind: 'max' | 'sum', op: string): Tensor {
  const x = kind === 'sum' ? toFloat(inputs) : convertToTensor(inputs)
  const n = checkRank(x, op)
  const df = standardizeDataFormat(options.dataFormat, op)
  const out = tuple(outputSize, n, 'output_size', op)
  let y = df === 'channels_first' ? toLast(x) : x
  for (let i = 0; i < n; i++) {
    const axis = i + 1
    const L = y.shape[axis]!
    if (L === null) throw new ShapeError(`\`${op}\` needs known spatial dimensions. Received: inputs.shape=${fmt(x.shape)}`)
    const { small, big, gather } = adaptiveWindows(L, out[i]!)
    const pool = (size: number): Tensor => {
      const dims = y.shape.map((_, d) => (d === axis ? size : 1))
      const p = lax.reduceWindow(y, kind, { windowDimensions: dims, windowStrides: dims.map(() => 1), padding: dims.map(() => [0, 0] as const) })
      return kind === 'sum' ? divide(p, size) : p
    }
    const parts = [pool(small)]
    if (big <= L) parts.push(pool(big))
    const idx = tensor(gather, { dtype: 'int32', ...(y.isSymbolic ? {} : { backend: y.backend }) })
    y = take(concatenate(parts, { axis }), idx, axis)
  }
  return df === 'channels_first' ? toFirst(y) : y
}

/**
 * Adaptive max pooling (`keras.ops.adaptive_max_pool`): pools to a fixed `outputSize` whatever the
 * input size, with PyTorch's window boundaries `[floor(i L / O), ceil((i + 1) L / O))`.
 *
 * @example
 * ```ts
 * adaptiveMaxPool(x, [1, 1]) // x [N, H, W, C] → [N, 1, 1, C]
 * ```
 */
export function adaptiveMaxPool(inputs: TensorLike, outputSize: number | readonly number[], options: { dataFormat?: DataFormat } = {}): Tensor {
  return adaptivePool(inputs, outputSize, options, 'max', 'adaptive_max_pool')
}

/**
 * Adaptive average pooling (`keras.ops.adaptive_average_pool`).
 *
 * @example
 * ```ts
 * adaptiveAveragePool(x, 7) // x [N, H, W, C] → [N, 7, 7, C]
 * ```
 */
export function adaptiveAveragePool(inputs: TensorLike, outputSize: number | readonly number[], options: { dataFormat?: DataFormat } = {}): Tensor {
  return adaptivePool(inputs, outputSize, options, 'sum', 'adaptive_average_pool')
}
