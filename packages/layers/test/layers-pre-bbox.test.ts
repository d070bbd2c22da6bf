/** @file Bounding boxes through the image preprocessing layers, against Keras 3 (JAX) golden data. */
import { beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { InvalidArgumentError, NotImplementedError, tensor, type NestedArray, type Tensor } from '@kx/core'
import { ContrastLimitedAdaptiveHistogramEqualization, RandomElasticTransform, RandomFlip, registerBuiltinLayersPre } from '../src/layers/index-pre.js'
import { affineTransform, clipToImageSize, convertFormat, crop, pad } from '../src/layers/preprocessing/bounding-boxes.js'
import { deserializeLayer, type Layer } from '../src/index.js'
import { expectClose } from './harness.js'

type BoxCase = {
  class_name: string; config: Record<string, unknown>; training: boolean; boxes: NestedArray; labels: NestedArray
  images_out: NestedArray; boxes_out: NestedArray; labels_out: NestedArray; extra_config?: Record<string, unknown>
}
type Golden = {
  images: NestedArray; cases: Record<string, BoxCase & { images?: NestedArray }>
  convert: Record<string, NestedArray> & { height: number; width: number }
  clip: { height: number; width: number; boxes: NestedArray; labels: NestedArray }
  helpers: { affine_args: Record<string, number[]>; affine: NestedArray; crop: NestedArray; pad: NestedArray }
}
const G = JSON.parse(readFileSync(new URL('./golden/layers_pre_bbox.json', import.meta.url), 'utf8')) as Golden
const f32 = (x: NestedArray): Tensor => tensor(x, { dtype: 'float32' })
const i32 = (x: NestedArray): Tensor => tensor(x, { dtype: 'int32' })
const close = async (t: Tensor, want: NestedArray, tol: number): Promise<void> => { expectClose(await t.array() as NestedArray, want, tol) }
type BoxOut = { images: Tensor; bounding_boxes: { boxes: Tensor; labels: Tensor } }

beforeAll(() => { registerBuiltinLayersPre() })

describe('bounding box utilities vs Keras', () => {
  const { xyxy, height, width } = G.convert
  const targets = ['yxyx', 'xywh', 'center_xywh', 'center_yxhw', 'rel_xyxy', 'rel_yxyx', 'rel_xywh', 'rel_center_xywh']
  it.each(targets)('convertFormat xyxy → %s → rel_center_xywh', async (tgt) => {
    const out = convertFormat(f32(xyxy), 'xyxy', tgt, { height, width })
    await close(out, G.convert[tgt]!, 1e-6)
    await close(convertFormat(f32(G.convert[tgt]!), tgt.toUpperCase(), 'rel_center_xywh', { height, width }), G.convert[`${tgt}_to_rel_center_xywh`]!, 1e-6)
  })
  it('clipToImageSize clips and invalidates empty boxes', async () => {
    const out = clipToImageSize({ boxes: f32(xyxy), labels: i32(G.cases.flip_xyxy!.labels) }, { height: G.clip.height, width: G.clip.width })
    await close(out.boxes, G.clip.boxes, 0)
    expect(await out.labels!.array()).toEqual(G.clip.labels)
  })
  it('affineTransform, crop and pad', async () => {
    const a = G.helpers.affine_args
    const t = (k: string): Tensor => f32(a[k]!)
    const out = affineTransform(f32(xyxy), t('angle'), t('translate_x'), t('translate_y'), t('scale'), t('shear_x'), t('shear_y'), height, width, { centerX: 0.4, centerY: 0.6 })
    await close(out, G.helpers.affine, 1e-5)
    await close(crop(f32(xyxy), 1, 2, 5, 6), G.helpers.crop, 0)
    await close(pad(f32(xyxy), 1, 2), G.helpers.pad, 0)
    expect(() => crop(f32(xyxy), 1, 2, 5, 6, { boundingBoxFormat: 'xywh' })).toThrow(NotImplementedError)
  })
  it('rejects unknown formats, missing sizes and bad shapes with typed errors', () => {
    expect(() => convertFormat(f32(xyxy), 'xyxy', 'xyzw')).toThrow(InvalidArgumentError)
    expect(() => convertFormat(f32(xyxy), 'xyxy', 'rel_xyxy')).toThrow(/height.*width/)
    expect(() => convertFormat(f32([[1, 2, 3]]), 'xyxy', 'xywh')).toThrow(/last dimension of 4/)
    expect(() => clipToImageSize({ boxes: f32(xyxy) }, { boundingBoxFormat: 'xywh' as never })).toThrow(NotImplementedError)
  })
})

describe('image layers transform bounding boxes like Keras', () => {
  it.each(Object.keys(G.cases))('%s', async (name) => {
    const c = G.cases[name]!
    const layer = deserializeLayer({ class_name: c.class_name, config: { ...c.config, ...c.extra_config } }) as Layer
    const images = f32(c.images ?? (name === 'flip_unbatched' ? (G.images as NestedArray[])[0]! : G.images))
    const out = layer.apply({ images, bounding_boxes: { boxes: f32(c.boxes), labels: i32(c.labels) } }, { training: c.training }) as BoxOut
    await close(out.images, c.images_out, 1e-4)
    await close(out.bounding_boxes.boxes, c.boxes_out, 1e-5)
    expect(await out.bounding_boxes.labels.array()).toEqual(c.labels_out)
  })
  it('requires a bounding box format, and raises for layers without a box transform', () => {
    const images = f32(G.images)
    const bounding_boxes = { boxes: f32(G.convert.xyxy), labels: i32(G.cases.flip_xyxy!.labels) }
    expect(() => new RandomFlip({ seed: 1 }).apply({ images, bounding_boxes })).toThrow(/bounding_box_format/)
    expect(() => new RandomFlip({ seed: 1 }).apply({ images, bounding_boxes })).toThrow(InvalidArgumentError)
    for (const layer of [new ContrastLimitedAdaptiveHistogramEqualization({ boundingBoxFormat: 'xyxy' }), new RandomElasticTransform({ seed: 1, boundingBoxFormat: 'xyxy' })]) {
      expect(() => layer.apply({ images, bounding_boxes })).toThrow(NotImplementedError)
    }
    expect(() => new RandomFlip({ seed: 1, boundingBoxFormat: 'xyxy' }).apply({ images, bounding_boxes: { boxes: bounding_boxes.boxes } })).toThrow(/'boxes' and 'labels'/)
  })
})
