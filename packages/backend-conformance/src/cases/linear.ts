/** @file Cases of dot_general, the convolution family and the window (pooling) primitives. */
import type { ConvParams, DType, WindowParams } from '@kx/core'
import type { ConformanceCase, InputSpec } from '../types.js'
import { distinct, f16, f32, f64, i32, input, ints } from './helpers.js'

export const dot_general: ConformanceCase<'dot_general'>[] = [
  { name: 'matmul', inputs: [f32([2, 3]), f32([3, 4])], params: { contracting: [[1], [0]], batch: [[], []] } },
  { name: 'batched matmul', inputs: [f64([2, 2, 3]), f64([2, 3, 4])], params: { contracting: [[2], [1]], batch: [[0], [0]] } },
  { name: 'vector dot', inputs: [f32([5]), f32([5])], params: { contracting: [[0], [0]], batch: [[], []] } },
  { name: 'lhs contracted on dim 0', inputs: [f64([3, 2]), f64([3, 4])], params: { contracting: [[0], [0]], batch: [[], []] } },
  { name: 'two contracting dims', inputs: [f32([2, 3, 4]), f32([3, 4, 5])], params: { contracting: [[1, 2], [0, 1]], batch: [[], []] } },
  { name: 'batch dim in the middle', inputs: [f64([3, 2, 4]), f64([4, 2, 5])], params: { contracting: [[2], [0]], batch: [[1], [1]] } },
  { name: 'outer product', inputs: [f32([3]), f32([2])], params: { contracting: [[], []], batch: [[], []] } },
  { name: 'int32', inputs: [i32([2, 3]), i32([3, 2])], params: { contracting: [[1], [0]], batch: [[], []] } },
  { name: 'f64 16x16', inputs: [f64([8, 16]), f64([16, 8])], params: { contracting: [[1], [0]], batch: [[], []] } },
  { name: 'f16', inputs: [f16([2, 4]), f16([4, 3])], params: { contracting: [[1], [0]], batch: [[], []] }, noGrad: 'float16 gradients are covered by float32/float64', tolScale: 2 },
  { name: 'empty contraction', inputs: [f32([2, 0]), f32([0, 3])], params: { contracting: [[1], [0]], batch: [[], []] } },
]

/** Output shape of a channels-last convolution (lax.conv_general_dilated's rule). */
function convOutShape(lhs: readonly number[], rhs: readonly number[], p: ConvParams): number[] {
  const nsp = lhs.length - 2
  const spatial = Array.from({ length: nsp }, (_, i) => {
    const inDil = (lhs[i + 1]! - 1) * p.lhsDilation[i]! + 1 + p.padding[i]![0] + p.padding[i]![1]
    const win = (rhs[i]! - 1) * p.rhsDilation[i]! + 1
    return Math.floor((inDil - win) / p.windowStrides[i]!) + 1
  })
  return [lhs[0]!, ...spatial, rhs[rhs.length - 1]!]
}

interface ConvSpec { readonly name: string; readonly lhs: readonly number[]; readonly rhs: readonly number[]; readonly dtype: DType; readonly p: ConvParams }
const conv = (name: string, dtype: DType, lhs: number[], rhs: number[], p: Partial<ConvParams>): ConvSpec => {
  const n = lhs.length - 2
  const ones = Array.from({ length: n }, () => 1)
  return {
    name, lhs, rhs, dtype,
    p: {
      windowStrides: p.windowStrides ?? ones, padding: p.padding ?? ones.map(() => [0, 0] as const),
      lhsDilation: p.lhsDilation ?? ones, rhsDilation: p.rhsDilation ?? ones, featureGroupCount: p.featureGroupCount ?? 1,
    },
  }
}

const CONVS: readonly ConvSpec[] = [
  conv('1-d same padding', 'float32', [2, 7, 2], [3, 2, 3], { padding: [[1, 1]] }),
  conv('2-d stride 2, asymmetric padding', 'float64', [1, 5, 5, 2], [3, 3, 2, 2], { windowStrides: [2, 2], padding: [[1, 1], [0, 1]] }),
  conv('2-d kernel dilation', 'float32', [1, 6, 6, 1], [2, 2, 1, 2], { rhsDilation: [2, 2] }),
  conv('2-d input dilation (transposed conv)', 'float64', [1, 3, 3, 2], [3, 3, 2, 1], { lhsDilation: [2, 2], padding: [[2, 2], [2, 2]] }),
  conv('2-d grouped', 'float32', [1, 4, 4, 4], [2, 2, 2, 4], { featureGroupCount: 2 }),
  conv('1-d depthwise', 'float64', [1, 4, 3], [2, 1, 3], { featureGroupCount: 3 }),
  conv('3-d', 'float32', [1, 3, 3, 3, 1], [2, 2, 2, 1, 2], {}),
  conv('1-d stride 2 with dilation', 'float64', [2, 9, 1], [2, 1, 2], { windowStrides: [2], rhsDilation: [3], padding: [[0, 1]] }),
]

const spec = (dtype: DType, shape: readonly number[]): InputSpec => input(dtype, shape)

export const conv_general_dilated: ConformanceCase<'conv_general_dilated'>[] = [
  ...CONVS.map((c) => ({ name: c.name, inputs: [spec(c.dtype, c.lhs), spec(c.dtype, c.rhs)], params: c.p })),
  { name: '2-d f16', inputs: [f16([1, 4, 4, 2]), f16([2, 2, 2, 2])], params: conv('', 'float16', [1, 4, 4, 2], [2, 2, 2, 2], {}).p, noGrad: 'float16 gradients are covered by float32/float64', tolScale: 2 },
]

export const conv_transpose_lhs: ConformanceCase<'conv_transpose_lhs'>[] = CONVS.map((c) => ({
  name: c.name,
  inputs: [spec(c.dtype, convOutShape(c.lhs, c.rhs, c.p)), spec(c.dtype, c.rhs)],
  params: { ...c.p, lhsShape: c.lhs },
}))

export const conv_transpose_rhs: ConformanceCase<'conv_transpose_rhs'>[] = CONVS.map((c) => ({
  name: c.name,
  inputs: [spec(c.dtype, c.lhs), spec(c.dtype, convOutShape(c.lhs, c.rhs, c.p))],
  params: { ...c.p, rhsShape: c.rhs },
}))

const win = (windowDimensions: number[], windowStrides: number[], padding?: [number, number][]): WindowParams => ({
  windowDimensions, windowStrides, padding: padding ?? windowDimensions.map(() => [0, 0] as const),
})
const POOL_2X2 = win([1, 2, 2, 1], [1, 2, 2, 1])
const OVERLAP = win([1, 2, 2, 1], [1, 1, 1, 1])
const PADDED_1D = win([3], [2], [[1, 1]])

/** Output shape of a pooling window. */
function windowOut(shape: readonly number[], w: WindowParams): number[] {
  return shape.map((d, i) => Math.floor((d + w.padding[i]![0] + w.padding[i]![1] - w.windowDimensions[i]!) / w.windowStrides[i]!) + 1)
}

export const reduce_window: ConformanceCase<'reduce_window'>[] = [
  { name: 'max pool 2x2', inputs: [f32([1, 4, 4, 2], distinct())], params: { ...POOL_2X2, computation: 'max' } },
  { name: 'max overlapping', inputs: [f64([1, 4, 4, 1], distinct())], params: { ...OVERLAP, computation: 'max' } },
  { name: 'max padded 1-d', inputs: [f64([6], distinct())], params: { ...PADDED_1D, computation: 'max' } },
  { name: 'sum same padding', inputs: [f32([1, 4, 4, 1])], params: { ...win([1, 3, 3, 1], [1, 1, 1, 1], [[0, 0], [1, 1], [1, 1], [0, 0]]), computation: 'sum' } },
  { name: 'sum 1-d stride 2', inputs: [f64([2, 7])], params: { ...win([1, 3], [1, 2]), computation: 'sum' } },
  { name: 'min padded', inputs: [f32([2, 5], distinct())], params: { ...win([1, 2], [1, 2], [[0, 0], [0, 1]]), computation: 'min' } },
  { name: 'int32 max', inputs: [i32([2, 4], ints(-9, 9))], params: { ...win([1, 2], [1, 1]), computation: 'max' } },
  { name: 'int32 sum padded', inputs: [i32([5], ints(-9, 9))], params: { ...win([2], [1], [[1, 0]]), computation: 'sum' } },
]

export const select_and_scatter_add: ConformanceCase<'select_and_scatter_add'>[] = [
  { name: 'max pool 2x2', inputs: [f32(windowOut([1, 4, 4, 2], POOL_2X2)), f32([1, 4, 4, 2], distinct())], params: POOL_2X2, wrt: [0] },
  { name: 'overlapping windows', inputs: [f64(windowOut([1, 4, 4, 1], OVERLAP)), f64([1, 4, 4, 1], distinct())], params: OVERLAP, wrt: [0] },
  { name: 'padded 1-d', inputs: [f64(windowOut([6], PADDED_1D)), f64([6], distinct())], params: PADDED_1D, wrt: [0] },
]
