/** @file Box IoU / CIoU and anchor delta encoding (`keras.utils.bounding_boxes`) against Keras 3 (JAX) golden data. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, tensor, type NestedArray, type Tensor } from '@kx/core'
import { computeCiou, computeIou, decodeDeltasToBoxes, encodeBoxToDeltas, type DeltaFormat, type ImageShape } from '../src/layers/preprocessing/bounding-box-metrics.js'
import { expectClose } from './harness.js'

type IouCase = { name: string; boxes1: NestedArray; boxes2: NestedArray; format: string; image_shape: ImageShape | null; use_masking?: boolean; mask_val?: number; out: NestedArray }
type DeltaCase = {
  name: string; anchors: NestedArray; boxes: NestedArray; anchor_format: string; box_format: string; encoding_format: DeltaFormat
  variance: number[] | null; image_shape: ImageShape | null; deltas: NestedArray; decoded: NestedArray
}
type Levels = Record<'anchors' | 'deltas' | 'out', Record<string, NestedArray>>
const G = JSON.parse(readFileSync(new URL('./golden/bounding_box_utils.json', import.meta.url), 'utf8')) as { iou: IouCase[]; ciou: IouCase[]; deltas: DeltaCase[]; levels: Levels }
const f32 = (x: NestedArray): Tensor => tensor(x, { dtype: 'float32' })
const close = async (t: Tensor, want: NestedArray, tol: number): Promise<void> => {
  expect(t.dtype).toBe('float32')
  expectClose(await t.array() as NestedArray, want, tol)
}
const byName = <T extends { name: string }>(cases: readonly T[]): [string, T][] => cases.map((c) => [c.name, c])

describe('computeIou vs Keras', () => {
  it.each(byName(G.iou))('%s', async (_, c) => {
    const out = computeIou(f32(c.boxes1), f32(c.boxes2), c.format, { imageShape: c.image_shape, useMasking: c.use_masking ?? false, maskVal: c.mask_val ?? -1 })
    await close(out, c.out, 1e-5)
  })
  it('masks mixed-rank pairs too (Keras fails there), like the batched result broadcast from the unbatched side', async () => {
    const a = f32([[0, 0, 10, 10], [-1, -1, -1, -1]])
    const b = f32([[[5, 5, 15, 15], [-3, -2, -2, -1]], [[0, 0, 10, 10], [1, 1, 2, 2]]])
    const out = computeIou(a, b, 'xyxy', { useMasking: true, maskVal: -2 })
    expect(out.shape).toEqual([2, 2, 2])
    const want = [[[25 / 175, -2], [-2, -2]], [[1, 0.01], [-2, -2]]]
    expectClose(await out.array() as NestedArray, want, 1e-5)
  })
  it('rejects bad ranks, and relative formats without imageShape', () => {
    expect(() => computeIou(f32([1, 2, 3, 4]), f32([[1, 2, 3, 4]]), 'xyxy')).toThrow(InvalidArgumentError)
    expect(() => computeIou(f32([[1, 2, 3, 4]]), f32([[[[1, 2, 3, 4]]]]), 'xyxy')).toThrow(/boxes2.*Received: boxes1\.shape=\(1, 4\)/)
    expect(() => computeIou(f32([[0.1, 0.2, 0.3, 0.4]]), f32([[0.1, 0.2, 0.3, 0.4]]), 'rel_xyxy')).toThrow(/imageShape/)
    expect(() => computeIou(f32([[1, 2, 3, 4]]), f32([[1, 2, 3, 4]]), 'xyxy', { imageShape: [10, 10] as never })).toThrow(InvalidArgumentError)
  })
})

describe('computeCiou vs Keras', () => {
  it.each(byName(G.ciou))('%s', async (_, c) => {
    await close(computeCiou(f32(c.boxes1), f32(c.boxes2), c.format, { imageShape: c.image_shape }), c.out, 1e-5)
  })
  it('needs imageShape for relative formats', () => {
    expect(() => computeCiou(f32([[0.1, 0.2, 0.3, 0.4]]), f32([[0.1, 0.2, 0.3, 0.4]]), 'rel_center_xywh')).toThrow(InvalidArgumentError)
  })
})

describe('encodeBoxToDeltas / decodeDeltasToBoxes vs Keras', () => {
  it.each(byName(G.deltas))('%s', async (_, c) => {
    const common = { variance: c.variance, imageShape: c.image_shape }
    await close(encodeBoxToDeltas(f32(c.anchors), f32(c.boxes), c.anchor_format, c.box_format, { ...common, encodingFormat: c.encoding_format }), c.deltas, 1e-5)
    const decoded = decodeDeltasToBoxes(f32(c.anchors), f32(c.deltas), c.anchor_format, c.box_format, { ...common, encodedFormat: c.encoding_format })
    await close(decoded, c.decoded, 1e-5)
  })
  it('decodes records of levels', async () => {
    const { anchors, deltas, out } = G.levels
    const got = decodeDeltasToBoxes({ p3: f32(anchors['p3']!), p4: f32(anchors['p4']!) }, { p3: f32(deltas['p3']!), p4: f32(deltas['p4']!) }, 'xyxy', 'xywh')
    expect(Object.keys(got)).toEqual(['p3', 'p4'])
    await close(got['p3']!, out['p3']!, 1e-5)
    await close(got['p4']!, out['p4']!, 1e-5)
  })
  it('rejects a bad variance, encoding format, mismatched levels and missing imageShape', () => {
    const a = f32([[0, 0, 10, 10]])
    expect(() => encodeBoxToDeltas(a, a, 'xyxy', 'xyxy', { variance: [1, 1, 1] })).toThrow(/variance.*4 values/)
    expect(() => encodeBoxToDeltas(a, a, 'xyxy', 'xyxy', { encodingFormat: 'xyxy' as never })).toThrow(InvalidArgumentError)
    expect(() => decodeDeltasToBoxes(a, a, 'xyxy', 'xyxy', { encodedFormat: 'yxyx' as never })).toThrow(/encodedFormat/)
    expect(() => decodeDeltasToBoxes({ p3: a }, { p4: a }, 'xyxy', 'xyxy')).toThrow(InvalidArgumentError)
    expect(() => decodeDeltasToBoxes({ p3: a } as never, a, 'xyxy', 'xyxy')).toThrow(InvalidArgumentError)
    expect(() => encodeBoxToDeltas(a, a, 'xyxy', 'rel_xyxy')).toThrow(/imageShape/)
  })
})
