/** @file Coverage of `keras.ops.nn` and `keras.ops.image` by this package, as data (the README table is generated from it). */

/** One Keras op and how kx covers it. */
export interface CoverageEntry {
  /** Keras name (`keras.ops.nn.<name>` / `keras.ops.image.<name>`). */
  readonly keras: string
  /** kx export name. */
  readonly kx: string
  /** `full`: every Keras argument; `partial`: see `note`. */
  readonly status: 'full' | 'partial'
  readonly note?: string
}

const full = (keras: string, kx: string): CoverageEntry => ({ keras, kx, status: 'full' })
const partial = (keras: string, kx: string, note: string): CoverageEntry => ({ keras, kx, status: 'partial', note })

/**
 * Every `keras.ops.nn` op (Keras 3.15) and its kx counterpart.
 *
 * @example
 * ```ts
 * OPS_NN_COVERAGE.filter((e) => e.status === 'partial')
 * ```
 */
export const OPS_NN_COVERAGE: readonly CoverageEntry[] = [
  full('adaptive_average_pool', 'adaptiveAveragePool'),
  full('adaptive_max_pool', 'adaptiveMaxPool'),
  full('average_pool', 'averagePool'),
  full('batch_normalization', 'batchNormalization'),
  full('binary_crossentropy', 'binaryCrossentropy'),
  full('categorical_crossentropy', 'categoricalCrossentropy'),
  full('celu', 'celu'),
  full('conv', 'conv'),
  full('conv_transpose', 'convTranspose'),
  partial('ctc_decode', 'ctcDecode', 'beam search runs on the host (needs a synchronous read) and symbolically only gives output specs'),
  partial('ctc_loss', 'ctcLoss', 'unrolled over time: the time, label and class dims must be known'),
  full('depth_to_space', 'depthToSpace'),
  full('depthwise_conv', 'depthwiseConv'),
  partial('dot_product_attention', 'dotProductAttention', '`flash_attention` is ignored (kx picks the kernel); `attn_logits_soft_cap` is TPU-only in Keras and refused'),
  full('elu', 'elu'),
  full('fold', 'fold'),
  full('gelu', 'gelu'),
  full('glu', 'glu'),
  full('hard_shrink', 'hardShrink'),
  full('hard_sigmoid', 'hardSigmoid'),
  full('hard_silu', 'hardSilu'),
  full('hard_swish', 'hardSwish'),
  full('hard_tanh', 'hardTanh'),
  full('layer_normalization', 'layerNormalization'),
  full('leaky_relu', 'leakyRelu'),
  full('log_sigmoid', 'logSigmoid'),
  full('log_softmax', 'logSoftmax'),
  full('max_pool', 'maxPool'),
  partial('moments', 'moments', '`synchronized` is a no-op (single device)'),
  partial('multi_hot', 'multiHot', 'no sparse output'),
  partial('normalize', 'normalize', 'orders other than 2 need a single axis'),
  partial('one_hot', 'oneHot', 'no sparse output'),
  partial('polar', 'polar', 'no complex dtype: returns [real, imag]'),
  full('psnr', 'psnr'),
  full('relu', 'relu'),
  full('relu6', 'relu6'),
  full('rms_normalization', 'rmsNormalization'),
  full('selu', 'selu'),
  full('separable_conv', 'separableConv'),
  full('sigmoid', 'sigmoid'),
  full('silu', 'silu'),
  full('soft_shrink', 'softShrink'),
  full('softmax', 'softmax'),
  full('softplus', 'softplus'),
  full('softsign', 'softsign'),
  full('space_to_depth', 'spaceToDepth'),
  full('sparse_categorical_crossentropy', 'sparseCategoricalCrossentropy'),
  full('sparse_plus', 'sparsePlus'),
  full('sparse_sigmoid', 'sparseSigmoid'),
  full('sparsemax', 'sparsemax'),
  full('squareplus', 'squareplus'),
  full('swish', 'swish'),
  full('tanh_shrink', 'tanhShrink'),
  full('threshold', 'threshold'),
  full('unfold', 'unfold'),
]

/**
 * Every `keras.ops.image` op and its kx counterpart (`image.<name>`).
 *
 * @example
 * ```ts
 * OPS_IMAGE_COVERAGE.length
 * ```
 */
export const OPS_IMAGE_COVERAGE: readonly CoverageEntry[] = [
  full('affine_transform', 'affineTransform'),
  full('crop_images', 'cropImages'),
  partial('elastic_transform', 'elasticTransform', 'symbolic calls give the output spec only (the displacement field is drawn eagerly)'),
  full('extract_patches', 'extractPatches'),
  full('extract_patches_3d', 'extractPatches3d'),
  full('gaussian_blur', 'gaussianBlur'),
  full('hsv_to_rgb', 'hsvToRgb'),
  partial('map_coordinates', 'mapCoordinates', 'symbolic calls give the output spec only'),
  full('pad_images', 'padImages'),
  partial('perspective_transform', 'perspectiveTransform', 'points are read on the host (homography solved in float64); symbolic calls give the output spec only'),
  full('reconstruct_patches', 'reconstructPatches'),
  partial('resize', 'resize', "adds 'area' (JAX's area kernel), which Keras 3.15's JAX backend rejects"),
  full('rgb_to_grayscale', 'rgbToGrayscale'),
  full('rgb_to_hsv', 'rgbToHsv'),
  partial('scale_and_translate', 'scaleAndTranslate', 'scale and translation are read on the host'),
  full('sobel_edges', 'sobelEdges'),
  full('ssim', 'ssim'),
]
