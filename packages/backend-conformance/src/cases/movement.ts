/** @file Cases of the movement primitives: reshape, transpose, broadcast, slices, pad, concatenate, rev. */
import type { ConformanceCase } from '../types.js'
import { bool, f16, f32, f64, i32, values } from './helpers.js'

export const reshape: ConformanceCase<'reshape'>[] = [
  { name: 'merge dims', inputs: [f32([2, 3, 4])], params: { newSizes: [6, 4] } },
  { name: 'split dims', inputs: [f64([12])], params: { newSizes: [2, 3, 2] } },
  { name: 'inferred -1', inputs: [f32([2, 3, 4])], params: { newSizes: [-1, 2] } },
  { name: 'to scalar', inputs: [f32([1, 1])], params: { newSizes: [] } },
  { name: 'from scalar', inputs: [f32([])], params: { newSizes: [1, 1, 1] } },
  { name: 'int32', inputs: [i32([4, 2])], params: { newSizes: [2, 4] } },
  { name: 'bool', inputs: [bool([6])], params: { newSizes: [3, 2] } },
  { name: 'empty', inputs: [f32([0, 4])], params: { newSizes: [2, 0] } },
]

export const transpose: ConformanceCase<'transpose'>[] = [
  { name: 'matrix', inputs: [f32([2, 3])], params: { permutation: [1, 0] } },
  { name: 'rank 3 rotate', inputs: [f64([2, 3, 4])], params: { permutation: [2, 0, 1] } },
  { name: 'rank 4', inputs: [f32([2, 1, 3, 2])], params: { permutation: [3, 1, 0, 2] } },
  { name: 'identity', inputs: [f32([2, 3])], params: { permutation: [0, 1] } },
  { name: 'int32', inputs: [i32([3, 2])], params: { permutation: [1, 0] } },
  { name: 'f16', inputs: [f16([2, 3])], params: { permutation: [1, 0] }, noGrad: 'float16 gradients are covered by float32/float64' },
]

export const broadcast_in_dim: ConformanceCase<'broadcast_in_dim'>[] = [
  { name: 'row to matrix', inputs: [f32([3])], params: { shape: [2, 3], broadcastDimensions: [1] } },
  { name: 'column to matrix', inputs: [f32([2])], params: { shape: [2, 3], broadcastDimensions: [0] } },
  { name: 'size-1 dims expand', inputs: [f64([3, 1])], params: { shape: [3, 4], broadcastDimensions: [0, 1] } },
  { name: 'scalar', inputs: [f32([])], params: { shape: [2, 2], broadcastDimensions: [] } },
  { name: 'rank 3 with new middle', inputs: [f64([2, 3])], params: { shape: [2, 4, 3], broadcastDimensions: [0, 2] } },
  { name: 'mixed expand', inputs: [f32([2, 1, 3])], params: { shape: [4, 2, 5, 3], broadcastDimensions: [1, 2, 3] } },
  { name: 'int32', inputs: [i32([3])], params: { shape: [2, 3], broadcastDimensions: [1] } },
  { name: 'bool', inputs: [bool([2])], params: { shape: [2, 2], broadcastDimensions: [0] } },
]

export const slice: ConformanceCase<'slice'>[] = [
  { name: 'box', inputs: [f32([5, 6])], params: { startIndices: [1, 2], limitIndices: [4, 5], strides: [1, 1] } },
  { name: 'strided', inputs: [f64([5, 6])], params: { startIndices: [0, 1], limitIndices: [5, 6], strides: [2, 3] } },
  { name: 'vector stride 3', inputs: [f32([7])], params: { startIndices: [1], limitIndices: [7], strides: [3] } },
  { name: 'empty result', inputs: [f32([4, 3])], params: { startIndices: [2, 0], limitIndices: [2, 3], strides: [1, 1] } },
  { name: 'int32', inputs: [i32([4, 4])], params: { startIndices: [1, 1], limitIndices: [3, 4], strides: [1, 2] } },
]

export const dynamic_slice: ConformanceCase<'dynamic_slice'>[] = [
  { name: 'in range', inputs: [f32([5, 6]), i32([2], values([1, 2]))], params: { sliceSizes: [2, 3] } },
  { name: 'starts clamp high', inputs: [f64([5, 6]), i32([2], values([4, 5]))], params: { sliceSizes: [2, 3] } },
  { name: 'starts clamp low', inputs: [f64([5, 6]), i32([2], values([-3, 1]))], params: { sliceSizes: [3, 2] } },
  { name: 'vector', inputs: [f32([8]), i32([1], values([3]))], params: { sliceSizes: [4] } },
  { name: 'int32', inputs: [i32([4, 4]), i32([2], values([2, 0]))], params: { sliceSizes: [2, 4] } },
]

export const dynamic_update_slice: ConformanceCase<'dynamic_update_slice'>[] = [
  { name: 'in range', inputs: [f32([5, 6]), f32([2, 3]), i32([2], values([1, 2]))], params: {} },
  { name: 'starts clamp', inputs: [f64([5, 6]), f64([2, 3]), i32([2], values([4, 5]))], params: {} },
  { name: 'negative starts clamp', inputs: [f64([4]), f64([2]), i32([1], values([-2]))], params: {} },
  { name: 'int32', inputs: [i32([3, 3]), i32([1, 3]), i32([2], values([1, 0]))], params: {} },
]

export const pad: ConformanceCase<'pad'>[] = [
  { name: 'edges', inputs: [f32([3, 4]), f32([])], params: { lo: [1, 0], hi: [0, 2], interior: [0, 0] } },
  { name: 'interior', inputs: [f64([3, 2]), f64([])], params: { lo: [0, 1], hi: [1, 0], interior: [1, 2] } },
  { name: 'negative crops', inputs: [f32([4, 5]), f32([])], params: { lo: [-1, 2], hi: [1, -2], interior: [0, 0] } },
  { name: 'negative with interior', inputs: [f64([4]), f64([])], params: { lo: [-2], hi: [-1], interior: [1] } },
  { name: 'int32', inputs: [i32([2, 2]), i32([], values([-7]))], params: { lo: [1, 1], hi: [1, 1], interior: [0, 0] } },
  { name: 'empty operand', inputs: [f32([0, 2]), f32([])], params: { lo: [1, 0], hi: [1, 0], interior: [0, 0] } },
]

export const concatenate: ConformanceCase<'concatenate'>[] = [
  { name: 'two along columns', inputs: [f32([2, 3]), f32([2, 1])], params: { dimension: 1 } },
  { name: 'three along rows', inputs: [f64([1, 2]), f64([3, 2]), f64([2, 2])], params: { dimension: 0 } },
  { name: 'rank 3 middle', inputs: [f32([2, 1, 2]), f32([2, 2, 2])], params: { dimension: 1 } },
  { name: 'with empty', inputs: [f32([0, 2]), f32([2, 2])], params: { dimension: 0 } },
  { name: 'int32', inputs: [i32([2]), i32([3])], params: { dimension: 0 } },
  { name: 'bool', inputs: [bool([1, 2]), bool([1, 2])], params: { dimension: 0 } },
]

export const rev: ConformanceCase<'rev'>[] = [
  { name: 'rows', inputs: [f32([3, 4])], params: { dimensions: [0] } },
  { name: 'two dims', inputs: [f64([2, 3, 4])], params: { dimensions: [0, 2] } },
  { name: 'vector', inputs: [f32([5])], params: { dimensions: [0] } },
  { name: 'int32', inputs: [i32([2, 3])], params: { dimensions: [1] } },
]
