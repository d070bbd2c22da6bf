/** keras.ops.image against golden data written by the real Keras 3 (JAX) in tools/golden/ops_nn_image.py. */
import { describe, expect, it } from 'vitest'
import type { Tensor } from '@kx/core'
import { image } from '../src/index.js'
import { expectClose, fromGolden, loadGolden, tolFor, type GoldenCase } from './helpers.js'

type K = Record<string, unknown>
type Run = (x: (Tensor | null)[], k: K) => Tensor | Tensor[]
const pick = (k: K, map: Record<string, string>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [from, to] of Object.entries(map)) if (k[from] !== undefined) out[to] = k[from]
  return out
}
const DF = { data_format: 'dataFormat' }

const RUN: Record<string, Run> = {
  rgb_to_grayscale: ([x], k) => image.rgbToGrayscale(x!, pick(k, DF)),
  rgb_to_hsv: ([x], k) => image.rgbToHsv(x!, pick(k, DF)),
  hsv_to_rgb: ([x], k) => image.hsvToRgb(x!, pick(k, DF)),
  resize: ([x], k) => image.resize(x!, k['size'] as number[], pick(k, {
    interpolation: 'interpolation', antialias: 'antialias', crop_to_aspect_ratio: 'cropToAspectRatio', pad_to_aspect_ratio: 'padToAspectRatio',
    fill_value: 'fillValue', ...DF,
  })),
  scale_and_translate: ([x], k) => image.scaleAndTranslate(x!, k['output_shape'] as number[], k['scale'] as number[], k['translation'] as number[],
    k['spatial_dims'] as number[], k['method'] as string, pick(k, { antialias: 'antialias' })),
  map_coordinates: ([x, c], k) => image.mapCoordinates(x!, c!, k['order'] as number, pick(k, { fill_mode: 'fillMode', fill_value: 'fillValue' })),
  affine_transform: ([x, t], k) => image.affineTransform(x!, t!, pick(k, { interpolation: 'interpolation', fill_mode: 'fillMode', fill_value: 'fillValue', ...DF })),
  perspective_transform: ([x, s, e], k) => image.perspectiveTransform(x!, s!, e!, pick(k, { interpolation: 'interpolation', fill_value: 'fillValue', ...DF })),
  gaussian_blur: ([x], k) => image.gaussianBlur(x!, pick(k, { kernel_size: 'kernelSize', sigma: 'sigma', ...DF })),
  sobel_edges: ([x], k) => image.sobelEdges(x!, pick(k, DF)),
  ssim: ([a, b], k) => image.ssim(a!, b!, pick(k, { max_val: 'maxVal', filter_size: 'filterSize', filter_sigma: 'filterSigma', k1: 'k1', k2: 'k2', ...DF })),
  extract_patches: ([x], k) => image.extractPatches(x!, k['size'] as number, pick(k, { strides: 'strides', dilation_rate: 'dilationRate', padding: 'padding', ...DF })),
  extract_patches_3d: ([x], k) => image.extractPatches3d(x!, k['size'] as number, pick(k, { strides: 'strides', dilation_rate: 'dilationRate', padding: 'padding', ...DF })),
  pad_images: ([x], k) => image.padImages(x!, pick(k, {
    top_padding: 'top', bottom_padding: 'bottom', left_padding: 'left', right_padding: 'right', target_height: 'targetHeight', target_width: 'targetWidth', ...DF,
  })),
  crop_images: ([x], k) => image.cropImages(x!, pick(k, {
    top_cropping: 'top', bottom_cropping: 'bottom', left_cropping: 'left', right_cropping: 'right', target_height: 'targetHeight', target_width: 'targetWidth', ...DF,
  })),
  elastic_transform: ([x], k) => image.elasticTransform(x!, pick(k, { alpha: 'alpha', sigma: 'sigma', seed: 'seed', interpolation: 'interpolation', fill_mode: 'fillMode', ...DF })),
}

/** Tolerances: Keras solves the homography in float32; integer outputs must match exactly. */
function tolerance(c: GoldenCase, dtype: string): number {
  if (c.op === 'perspective_transform') return 1e-4
  return tolFor(dtype)
}

const cases = loadGolden('ops_image.json')

describe('keras.ops.image golden (Keras 3 / JAX)', () => {
  it('has a runner for every golden op', () => expect(cases.map((c) => c.op).filter((op) => !RUN[op])).toEqual([]))
  for (const c of cases) {
    it(c.id, () => {
      const out = RUN[c.op]!(c.inputs.map((a) => fromGolden(a)), c.kwargs)
      const outs = Array.isArray(out) ? out : [out]
      outs.forEach((o, i) => {
        expect(o.dtype === 'float64' ? 'float64' : o.dtype).toBe(c.outputs[i]!.dtype === 'int64' ? 'int32' : c.outputs[i]!.dtype)
        expectClose(o, c.outputs[i]!, tolerance(c, c.outputs[i]!.dtype), `${c.id}[${i}]`)
      })
    })
  }
})
