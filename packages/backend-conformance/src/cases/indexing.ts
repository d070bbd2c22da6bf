/** @file Cases of the indexing primitives: gather, scatter, sort, top_k, iota. */
import type { ConformanceCase } from '../types.js'
import { distinct, f32, f64, i32, ints, values } from './helpers.js'

export const gather: ConformanceCase<'gather'>[] = [
  { name: 'rows', inputs: [f32([5, 3]), i32([4], values([4, 0, 2, 2]))], params: { axis: 0 } },
  { name: 'columns with 2-d indices', inputs: [f64([3, 4]), i32([2, 2], values([3, 1, 0, 3]))], params: { axis: 1 } },
  { name: 'middle axis', inputs: [f64([2, 4, 3]), i32([3], values([1, 3, 1]))], params: { axis: 1 } },
  { name: 'out-of-range indices clamp', inputs: [f32([5]), i32([4], values([-2, 0, 4, 9]))], params: { axis: 0 } },
  { name: 'scalar index', inputs: [f32([4, 2]), i32([], values([2]))], params: { axis: 0 } },
  { name: 'int32 operand', inputs: [i32([6]), i32([3], values([5, 0, 1]))], params: { axis: 0 } },
  { name: 'empty indices', inputs: [f32([3, 2]), i32([0])], params: { axis: 0 } },
]

export const scatter_add: ConformanceCase<'scatter_add'>[] = [
  { name: 'rows with duplicates', inputs: [f32([5, 3]), i32([4], values([1, 3, 1, 0])), f32([4, 3])], params: { axis: 0 } },
  { name: 'columns with 2-d indices', inputs: [f64([3, 4]), i32([2, 2], values([0, 2, 2, 3])), f64([3, 2, 2])], params: { axis: 1 } },
  { name: 'vector', inputs: [f64([6]), i32([3], values([5, 5, 0])), f64([3])], params: { axis: 0 } },
  { name: 'int32', inputs: [i32([4]), i32([3], values([0, 3, 0])), i32([3])], params: { axis: 0 } },
]

export const scatter: ConformanceCase<'scatter'>[] = [
  { name: 'rows', inputs: [f32([5, 3]), i32([3], values([4, 0, 2])), f32([3, 3])], params: { axis: 0 } },
  { name: 'columns', inputs: [f64([3, 4]), i32([2], values([3, 1])), f64([3, 2])], params: { axis: 1 } },
  { name: 'int32', inputs: [i32([5]), i32([2], values([1, 4])), i32([2])], params: { axis: 0 } },
  {
    name: 'duplicates: last write wins', inputs: [f64([4]), i32([3], values([2, 0, 2])), f64([3])], params: { axis: 0 },
    noGolden: 'JAX leaves the order of duplicate scatter writes unspecified', noGrad: 'duplicate writes',
  },
]

export const sort: ConformanceCase<'sort'>[] = [
  { name: 'rows ascending', inputs: [f32([3, 5], distinct())], params: { dimension: 1, descending: false } },
  { name: 'columns ascending', inputs: [f64([4, 3], distinct())], params: { dimension: 0, descending: false } },
  { name: 'descending', inputs: [f64([2, 5], distinct())], params: { dimension: 1, descending: true } },
  { name: 'stable ties', inputs: [f32([6], values([2, 1, 2, 0, 1, 2]))], params: { dimension: 0, descending: false }, noGrad: 'ties' },
  { name: 'nan last', inputs: [f32([5], values([NaN, 1, -Infinity, NaN, -1]))], params: { dimension: 0, descending: false }, noGrad: 'NaN' },
  { name: 'int32', inputs: [i32([2, 6], ints(-5, 5))], params: { dimension: 1, descending: false } },
  { name: 'int32 descending with ties', inputs: [i32([6], values([3, 1, 3, 2, 1, 3]))], params: { dimension: 0, descending: true } },
]

export const top_k: ConformanceCase<'top_k'>[] = [
  { name: 'k=3 of 6', inputs: [f32([2, 6], distinct())], params: { k: 3 } },
  { name: 'k=1', inputs: [f64([4], distinct())], params: { k: 1 } },
  { name: 'k = n', inputs: [f64([3, 4], distinct())], params: { k: 4 } },
  { name: 'ties pick lower index', inputs: [f32([6], values([1, 3, 3, 2, 3, 0]))], params: { k: 2 }, noGrad: 'ties' },
  { name: 'int32', inputs: [i32([5], ints(-9, 9))], params: { k: 2 } },
]

export const iota: ConformanceCase<'iota'>[] = [
  { name: 'int32 columns', inputs: [], params: { dtype: 'int32', shape: [2, 3], dimension: 1 } },
  { name: 'int32 rows', inputs: [], params: { dtype: 'int32', shape: [2, 3], dimension: 0 } },
  { name: 'float32 vector', inputs: [], params: { dtype: 'float32', shape: [5], dimension: 0 } },
  { name: 'float64 rank 3', inputs: [], params: { dtype: 'float64', shape: [2, 3, 2], dimension: 2 } },
]
