/** keras.ops.image: symbolic specs, typed errors, reconstructPatches round trips, gradients. */
import { describe, expect, it } from 'vitest'
import { DTypeError, InvalidArgumentError, KerasTensor, NotImplementedError, ShapeError, tensor, type DType, type Tensor } from '@kx/core'
import { image } from '../src/index.js'
import { checkGrad, rand } from './helpers.js'

const kt = (shape: (number | null)[], dtype: DType = 'float32'): KerasTensor => new KerasTensor(shape, dtype)
const read = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>)

describe('image symbolic specs (null batch)', () => {
  const x = kt([null, 8, 6, 3])
  it('shape-preserving ops', () => {
    for (const f of [image.rgbToHsv, image.hsvToRgb, (t: Tensor) => image.gaussianBlur(t), (t: Tensor) => image.affineTransform(t, kt([null, 8])),
      (t: Tensor) => image.elasticTransform(t), (t: Tensor) => image.perspectiveTransform(t, kt([null, 4, 2]), kt([null, 4, 2]))]) {
      const y = f(x)
      expect([y.shape, y.isSymbolic]).toEqual([[null, 8, 6, 3], true])
    }
  })
  it('shape-changing ops', () => {
    expect(image.rgbToGrayscale(x).shape).toEqual([null, 8, 6, 1])
    expect(image.resize(x, [4, 5]).shape).toEqual([null, 4, 5, 3])
    expect(image.resize(kt([null, null, null, 3]), [4, 5]).shape).toEqual([null, 4, 5, 3])
    expect(image.resize(kt([null, 3, 8, 6]), [2, 2], { dataFormat: 'channels_first' }).shape).toEqual([null, 3, 2, 2])
    expect(image.sobelEdges(x).shape).toEqual([null, 8, 6, 3, 2])
    expect(image.ssim(kt([null, 16, 16, 3]), kt([null, 16, 16, 3])).shape).toEqual([null])
    expect(image.extractPatches(x, 2).shape).toEqual([null, 4, 3, 12])
    expect(image.extractPatches3d(kt([null, 4, 4, 4, 2]), 2).shape).toEqual([null, 2, 2, 2, 16])
    expect(image.reconstructPatches(kt([null, 4, 3, 12]), 2, [8, 6]).shape).toEqual([null, 8, 6, 3])
    expect(image.padImages(x, { top: 1, bottom: 2, left: 0, targetWidth: 9 }).shape).toEqual([null, 11, 9, 3])
    expect(image.cropImages(x, { top: 1, bottom: 2, left: 1, right: 1 }).shape).toEqual([null, 5, 4, 3])
    expect(image.mapCoordinates(kt([5, 6]), kt([2, null, 3]), 1).shape).toEqual([null, 3])
    expect(image.scaleAndTranslate(kt([2, 5, 5, 1]), [2, 10, 10, 1], kt([2]), kt([2]), [1, 2], 'bilinear').shape).toEqual([2, 10, 10, 1])
  })
})

describe('image typed errors', () => {
  it('ranks, dtypes, options', () => {
    expect(() => image.resize(rand([4, 4]), [2, 2])).toThrow(ShapeError)
    expect(() => image.resize(rand([1, 4, 4, 1]), [2, 2], { interpolation: 'gaussian' as never })).toThrow(InvalidArgumentError)
    expect(() => image.resize(rand([1, 4, 4, 1]), [2, 2], { cropToAspectRatio: true, padToAspectRatio: true })).toThrow(InvalidArgumentError)
    expect(() => image.resize(rand([1, 4, 4, 1]), [0, 2])).toThrow(InvalidArgumentError)
    expect(() => image.rgbToHsv(tensor([[[1, 2, 3]]], { dtype: 'int32' }))).toThrow(DTypeError)
    expect(() => image.rgbToGrayscale(rand([1, 4, 4, 2]))).toThrow(ShapeError)
    expect(() => image.affineTransform(rand([1, 4, 4, 1]), rand([8]), { fillMode: 'edge' as never })).toThrow(InvalidArgumentError)
    expect(() => image.affineTransform(rand([1, 4, 4, 1]), rand([1, 1, 8]))).toThrow(ShapeError)
    expect(() => image.mapCoordinates(rand([4, 4]), rand([3, 5]), 1)).toThrow(ShapeError)
    expect(() => image.mapCoordinates(rand([4, 4]), rand([2, 5]), 3)).toThrow(InvalidArgumentError)
    expect(() => image.perspectiveTransform(rand([1, 4, 4, 1]), rand([3, 2]), rand([3, 2]))).toThrow(ShapeError)
    expect(() => image.padImages(rand([1, 4, 4, 1]), { top: 1, bottom: 1, targetHeight: 6, left: 0, right: 0 })).toThrow(InvalidArgumentError)
    expect(() => image.cropImages(rand([1, 4, 4, 1]), { top: 3, targetHeight: 3, left: 0, right: 0 })).toThrow(InvalidArgumentError)
    expect(() => image.sobelEdges(rand([4, 4, 1]))).toThrow(ShapeError)
    expect(() => image.reconstructPatches(rand([1, 2, 2, 4]), 2, [4, 4], { strides: 1 })).toThrow(NotImplementedError)
    expect(() => image.reconstructPatches(rand([1, 2, 2, 4]), 2, [5, 4])).toThrow(ShapeError)
  })
})

describe('reconstructPatches inverts extractPatches', () => {
  it('2D valid, 2D same (cropping the padding), channels_first, 3D', () => {
    const x = rand([2, 6, 8, 3], 1)
    expect(read(image.reconstructPatches(image.extractPatches(x, [3, 4]), [3, 4], [6, 8]))).toEqual(read(x))
    const y = rand([1, 7, 5, 2], 2)
    expect(read(image.reconstructPatches(image.extractPatches(y, 3, { padding: 'same' }), 3, [7, 5], { padding: 'same' }))).toEqual(read(y))
    const z = rand([1, 2, 6, 4], 3)
    expect(read(image.reconstructPatches(image.extractPatches(z, 2, { dataFormat: 'channels_first' }), 2, [6, 4], { dataFormat: 'channels_first' }))).toEqual(read(z))
    const v = rand([4, 6, 2, 1], 4)
    expect(read(image.reconstructPatches(image.extractPatches3d(v, [2, 3, 2]), [2, 3, 2], [4, 6, 2]))).toEqual(read(v))
  })
  it('area resize of an integer factor is average pooling', () => {
    const x = tensor([[[[1], [2], [3], [4]], [[5], [6], [7], [8]]]], { dtype: 'float64' })
    expect(read(image.resize(x, [1, 2], { interpolation: 'area' }))).toEqual([3.5, 5.5])
  })
})

describe('image gradients (finite differences, float64)', () => {
  it('resize bilinear/bicubic with antialias', () => {
    checkGrad((t) => image.resize(t, [3, 5], { interpolation: 'bicubic', antialias: true }), [rand([1, 5, 4, 1], 5)])
  })
  it('affine transform (bilinear, reflect)', () => {
    checkGrad((t) => image.affineTransform(t, [0.9, 0.1, 0.3, -0.2, 1.1, 0.4, 0, 0], { fillMode: 'reflect' }), [rand([1, 4, 5, 2], 6)])
  })
  it('gaussian blur, sobel, ssim', () => {
    checkGrad((t) => image.gaussianBlur(t, { dataFormat: 'channels_last' }), [rand([1, 4, 4, 1], 7)])
    checkGrad((t) => image.sobelEdges(t), [rand([1, 3, 4, 1], 8)])
    checkGrad((a) => image.ssim(a, rand([1, 8, 8, 1], 10), { filterSize: 5 }), [rand([1, 8, 8, 1], 9)])
  })
})
