/**
 * @file The golden data of `@kx/ops-nn` (`tools/golden/ops_nn.py`, `tools/golden/ops_nn_image.py`, real Keras 3
 * on JAX): JSON types, decoding onto any backend, one runner per Keras op (snake_case kwargs → kx options), and
 * the comparison. The `@kx/ops-nn` namespace is passed in, so the kit depends on `@kx/core` only.
 */
import { tensor, type Backend, type DType, type Tensor } from '@kx/core'
import type { OpsNamespace } from './numpy-golden.js'

/** A golden array: dtype as NumPy names it, shape, flat values (`'nan'`, `'inf'`, `'-inf'` as strings). */
export interface NnGoldenArray { dtype: string; shape: number[]; data: (number | string)[] }
/** One golden case of `keras.ops.nn` / `keras.ops.image`. */
export interface NnGoldenCase { id: string; op: string; inputs: (NnGoldenArray | null)[]; kwargs: Record<string, unknown>; outputs: NnGoldenArray[] }

const numOf = (v: number | string): number => (typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity)

// int64 becomes int32, Keras's default int.
const NN_DTYPES: Readonly<Record<string, DType>> = {
  float64: 'float64', float32: 'float32', float16: 'float16', bfloat16: 'bfloat16', int32: 'int32', int64: 'int32', bool: 'bool', uint8: 'uint8',
}

/** The kx dtype of a golden array (int64 → int32), after `dtypeMap`. */
export function nnDType(a: NnGoldenArray, dtypeMap: Readonly<Partial<Record<DType, DType>>> = {}): DType {
  const d = NN_DTYPES[a.dtype]
  if (!d) throw new Error(`unknown golden dtype ${a.dtype}`)
  return dtypeMap[d] ?? d
}

/** A tensor from a golden array, on `backend` (else the active one), with `dtypeMap` applied. */
export function fromGolden(a: NnGoldenArray | null | undefined, backend?: Backend, dtypeMap: Readonly<Partial<Record<DType, DType>>> = {}): Tensor | null {
  if (!a) return null
  return tensor(a.data.map(numOf), { shape: a.shape, dtype: nnDType(a, dtypeMap), ...(backend ? { backend } : {}) })
}

/** Relative/absolute tolerance of an output dtype. */
export function nnTolFor(dtype: string): number {
  if (dtype === 'float16' || dtype === 'bfloat16') return 1e-2
  if (dtype === 'float32') return 2e-5
  return 1e-9
}

/** Per-op tolerance: Keras computes attention's softmax and the homography of `perspective_transform` in float32. */
export function nnTolerance(c: NnGoldenCase, dtype: string): number {
  if (c.op === 'dot_product_attention') return Math.max(nnTolFor(dtype), 2e-6)
  if (c.op === 'perspective_transform') return 1e-4
  return nnTolFor(dtype)
}

/**
 * Dtype (after `dtypeMap`; not checked when it is null), shape and values of `actual` against a golden array: the error relative to
 * max(1, |want|) must be within `tol`; non-finite values must match exactly (NaN matches NaN).
 */
export async function nnOutProblems(
  actual: Tensor, expected: NnGoldenArray, tol: number, label: string, dtypeMap: Readonly<Partial<Record<DType, DType>>> | null = {},
): Promise<string[]> {
  const dtype = dtypeMap && nnDType(expected, dtypeMap)
  if (dtype && actual.dtype !== dtype) return [`${label}: dtype ${actual.dtype}, expected ${dtype}`]
  if (actual.shape.length !== expected.shape.length || actual.shape.some((d, i) => d !== expected.shape[i])) {
    return [`${label}: shape [${actual.shape.join(', ')}], expected [${expected.shape.join(', ')}]`]
  }
  const got = await actual.data() as ArrayLike<number>
  const want = expected.data.map(numOf)
  if (got.length !== want.length) return [`${label}: ${got.length} values, expected ${want.length}`]
  let worst = 0
  let at = -1
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!
    const g = got[i]!
    const err = Number.isFinite(w) ? Math.abs(g - w) / Math.max(1, Math.abs(w)) : Object.is(w, g) || (Number.isNaN(w) && Number.isNaN(g)) ? 0 : Infinity
    if (!(err <= worst)) { worst = Number.isNaN(err) ? Infinity : err; at = i }
  }
  return worst <= tol ? [] : [`${label}: worst relative error ${worst.toExponential(2)} > ${tol} at flat index ${at}: got ${got[at]}, want ${want[at]}`]
}

type K = Readonly<Record<string, unknown>>
type Fn = (...args: unknown[]) => unknown
/** Runs one golden op: decoded inputs (null for Python `None`) and the raw snake_case kwargs. */
export type NnRun = (m: OpsNamespace, x: (Tensor | null)[], k: Readonly<Record<string, unknown>>) => unknown

const f = (m: OpsNamespace, name: string): Fn => {
  const fn = m[name]
  if (typeof fn !== 'function') throw new Error(`missing op ${name}`)
  return fn as Fn
}
const img = (m: OpsNamespace, name: string): Fn => f(m['image'] as OpsNamespace, name)
const pick = (k: K, map: Record<string, string>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [from, to] of Object.entries(map)) if (k[from] !== undefined) out[to] = k[from]
  return out
}
const DF = { data_format: 'dataFormat' }
const CONV = { strides: 'strides', padding: 'padding', dilation_rate: 'dilationRate', ...DF }
const FOLD = { dilation: 'dilation', padding: 'padding', stride: 'stride' }
const unary = (name: string): NnRun => (m, [x]) => f(m, name)(x)
const withOpts = (name: string, map: Record<string, string>): NnRun => (m, [x], k) => f(m, name)(x, pick(k, map))

/** Runners of every `keras.ops.nn` golden op. */
export const NN_RUN: Readonly<Record<string, NnRun>> = {
  relu: unary('relu'), relu6: unary('relu6'), sigmoid: unary('sigmoid'), sparse_sigmoid: unary('sparseSigmoid'),
  softplus: unary('softplus'), softsign: unary('softsign'), sparse_plus: unary('sparsePlus'), silu: unary('silu'),
  swish: unary('swish'), log_sigmoid: unary('logSigmoid'), hard_sigmoid: unary('hardSigmoid'), hard_silu: unary('hardSilu'),
  hard_swish: unary('hardSwish'), selu: unary('selu'), tanh_shrink: unary('tanhShrink'), hard_tanh: unary('hardTanh'),
  leaky_relu: withOpts('leakyRelu', { negative_slope: 'negativeSlope' }),
  elu: withOpts('elu', { alpha: 'alpha' }), celu: withOpts('celu', { alpha: 'alpha' }),
  gelu: withOpts('gelu', { approximate: 'approximate' }), squareplus: withOpts('squareplus', { b: 'b' }),
  soft_shrink: withOpts('softShrink', { threshold: 'threshold' }), hard_shrink: withOpts('hardShrink', { threshold: 'threshold' }),
  threshold: (m, [x], k) => f(m, 'threshold')(x, k['threshold'], k['default_value']),
  glu: withOpts('glu', { axis: 'axis' }), softmax: withOpts('softmax', { axis: 'axis' }),
  log_softmax: withOpts('logSoftmax', { axis: 'axis' }), sparsemax: withOpts('sparsemax', { axis: 'axis' }),
  conv: (m, [x, w], k) => f(m, 'conv')(x, w, pick(k, CONV)),
  depthwise_conv: (m, [x, w], k) => f(m, 'depthwiseConv')(x, w, pick(k, CONV)),
  separable_conv: (m, [x, d, p], k) => f(m, 'separableConv')(x, d, p, pick(k, CONV)),
  conv_transpose: (m, [x, w], k) => f(m, 'convTranspose')(x, w, pick(k, { ...CONV, output_padding: 'outputPadding' })),
  max_pool: (m, [x], k) => f(m, 'maxPool')(x, k['pool_size'], pick(k, CONV)),
  average_pool: (m, [x], k) => f(m, 'averagePool')(x, k['pool_size'], pick(k, CONV)),
  adaptive_max_pool: (m, [x], k) => f(m, 'adaptiveMaxPool')(x, k['output_size'], pick(k, DF)),
  adaptive_average_pool: (m, [x], k) => f(m, 'adaptiveAveragePool')(x, k['output_size'], pick(k, DF)),
  moments: (m, [x], k) => f(m, 'moments')(x, k['axes'], pick(k, { keepdims: 'keepdims' })),
  batch_normalization: (m, [x, mean, v, o, s], k) => f(m, 'batchNormalization')(x, mean, v, k['axis'], { offset: o, scale: s, ...pick(k, { epsilon: 'epsilon' }) }),
  layer_normalization: (m, [x, g, b], k) => f(m, 'layerNormalization')(x, { gamma: g, beta: b, ...pick(k, { axis: 'axis', epsilon: 'epsilon' }) }),
  rms_normalization: (m, [x, s], k) => f(m, 'rmsNormalization')(x, { scale: s, ...pick(k, { axis: 'axis', epsilon: 'epsilon' }) }),
  normalize: withOpts('normalize', { axis: 'axis', order: 'order', epsilon: 'epsilon' }),
  categorical_crossentropy: (m, [t, o], k) => f(m, 'categoricalCrossentropy')(t, o, pick(k, { from_logits: 'fromLogits', axis: 'axis' })),
  sparse_categorical_crossentropy: (m, [t, o], k) => f(m, 'sparseCategoricalCrossentropy')(t, o, pick(k, { from_logits: 'fromLogits', axis: 'axis' })),
  binary_crossentropy: (m, [t, o], k) => f(m, 'binaryCrossentropy')(t, o, pick(k, { from_logits: 'fromLogits' })),
  one_hot: (m, [x], k) => f(m, 'oneHot')(x, k['num_classes'], pick(k, { axis: 'axis', dtype: 'dtype' })),
  multi_hot: (m, [x], k) => f(m, 'multiHot')(x, k['num_classes'], pick(k, { axis: 'axis', dtype: 'dtype' })),
  psnr: (m, [a, b], k) => f(m, 'psnr')(a, b, k['max_val']),
  polar: (m, [a, b]) => f(m, 'polar')(a, b),
  depth_to_space: (m, [x], k) => f(m, 'depthToSpace')(x, k['block_size'], pick(k, DF)),
  space_to_depth: (m, [x], k) => f(m, 'spaceToDepth')(x, k['block_size'], pick(k, DF)),
  unfold: (m, [x], k) => f(m, 'unfold')(x, k['kernel_size'], pick(k, FOLD)),
  fold: (m, [x], k) => f(m, 'fold')(x, k['output_size'], k['kernel_size'], pick(k, FOLD)),
  dot_product_attention: (m, [q, kk, v, bias, mask], k) => f(m, 'dotProductAttention')(q, kk, v, { bias, mask, ...pick(k, { scale: 'scale', is_causal: 'isCausal' }) }),
  ctc_loss: (m, [t, o, tl, ol], k) => f(m, 'ctcLoss')(t, o, tl, ol, pick(k, { mask_index: 'maskIndex' })),
  ctc_decode: (m, [x, l], k) => f(m, 'ctcDecode')(x, l, pick(k, { strategy: 'strategy', beam_width: 'beamWidth', top_paths: 'topPaths', merge_repeated: 'mergeRepeated', mask_index: 'maskIndex' })),
}

const PADS = { top_padding: 'top', bottom_padding: 'bottom', left_padding: 'left', right_padding: 'right', target_height: 'targetHeight', target_width: 'targetWidth', ...DF }
const CROPS = { top_cropping: 'top', bottom_cropping: 'bottom', left_cropping: 'left', right_cropping: 'right', target_height: 'targetHeight', target_width: 'targetWidth', ...DF }
const PATCHES = { strides: 'strides', dilation_rate: 'dilationRate', padding: 'padding', ...DF }

/** Runners of every `keras.ops.image` golden op (the namespace's `image` member). */
export const IMAGE_RUN: Readonly<Record<string, NnRun>> = {
  rgb_to_grayscale: (m, [x], k) => img(m, 'rgbToGrayscale')(x, pick(k, DF)),
  rgb_to_hsv: (m, [x], k) => img(m, 'rgbToHsv')(x, pick(k, DF)),
  hsv_to_rgb: (m, [x], k) => img(m, 'hsvToRgb')(x, pick(k, DF)),
  resize: (m, [x], k) => img(m, 'resize')(x, k['size'], pick(k, {
    interpolation: 'interpolation', antialias: 'antialias', crop_to_aspect_ratio: 'cropToAspectRatio', pad_to_aspect_ratio: 'padToAspectRatio', fill_value: 'fillValue', ...DF,
  })),
  scale_and_translate: (m, [x], k) => img(m, 'scaleAndTranslate')(x, k['output_shape'], k['scale'], k['translation'], k['spatial_dims'], k['method'], pick(k, { antialias: 'antialias' })),
  map_coordinates: (m, [x, c], k) => img(m, 'mapCoordinates')(x, c, k['order'], pick(k, { fill_mode: 'fillMode', fill_value: 'fillValue' })),
  affine_transform: (m, [x, t], k) => img(m, 'affineTransform')(x, t, pick(k, { interpolation: 'interpolation', fill_mode: 'fillMode', fill_value: 'fillValue', ...DF })),
  perspective_transform: (m, [x, s, e], k) => img(m, 'perspectiveTransform')(x, s, e, pick(k, { interpolation: 'interpolation', fill_value: 'fillValue', ...DF })),
  gaussian_blur: (m, [x], k) => img(m, 'gaussianBlur')(x, pick(k, { kernel_size: 'kernelSize', sigma: 'sigma', ...DF })),
  sobel_edges: (m, [x], k) => img(m, 'sobelEdges')(x, pick(k, DF)),
  ssim: (m, [a, b], k) => img(m, 'ssim')(a, b, pick(k, { max_val: 'maxVal', filter_size: 'filterSize', filter_sigma: 'filterSigma', k1: 'k1', k2: 'k2', ...DF })),
  extract_patches: (m, [x], k) => img(m, 'extractPatches')(x, k['size'], pick(k, PATCHES)),
  extract_patches_3d: (m, [x], k) => img(m, 'extractPatches3d')(x, k['size'], pick(k, PATCHES)),
  pad_images: (m, [x], k) => img(m, 'padImages')(x, pick(k, PADS)),
  crop_images: (m, [x], k) => img(m, 'cropImages')(x, pick(k, CROPS)),
  elastic_transform: (m, [x], k) => img(m, 'elasticTransform')(x, pick(k, { alpha: 'alpha', sigma: 'sigma', seed: 'seed', interpolation: 'interpolation', fill_mode: 'fillMode', ...DF })),
}
