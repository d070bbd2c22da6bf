/** @file Cases of the reductions, arg-reductions and cumulative scans. */
import type { CumulativePrim, ReducePrim } from '@kx/core'
import type { ConformanceCase } from '../types.js'
import { bool, distinct, f16, f32, f64, i32, input, ints, uniform, values } from './helpers.js'

type Cases<P extends ReducePrim | CumulativePrim | 'argmax' | 'argmin'> = ConformanceCase<P>[]

function arithmeticReduce<P extends 'reduce_sum' | 'reduce_max' | 'reduce_min' | 'reduce_prod'>(prim: P): Cases<P> {
  const extreme = prim === 'reduce_max' || prim === 'reduce_min'
  // NOTE: max/min gradients are only well defined without ties, hence distinct values.
  const g = extreme ? distinct(-3, 3) : prim === 'reduce_prod' ? uniform(0.5, 1.5) : uniform(-2, 2)
  const out: Cases<P> = [
    { name: 'f32 middle axis', inputs: [f32([2, 3, 4], g)], params: { axes: [1] } },
    { name: 'f32 two axes', inputs: [f32([2, 3, 4], g)], params: { axes: [0, 2] } },
    { name: 'f64 all axes', inputs: [f64([3, 4], g)], params: { axes: [0, 1] } },
    { name: 'f32 no axes', inputs: [f32([2, 3], g)], params: { axes: [] } },
    { name: 'f64 vector', inputs: [f64([7], g)], params: { axes: [0] } },
    { name: 'int32', inputs: [i32([3, 4], ints(-3, 3))], params: { axes: [1] } },
    { name: 'f16', inputs: [f16([4, 3], g)], params: { axes: [0] }, noGrad: 'float16 gradients are covered by float32/float64' },
    { name: 'empty reduced axis', inputs: [f32([0, 3])], params: { axes: [0] } },
  ]
  if (extreme) {
    out.push({ name: 'ties share the gradient', inputs: [f64([2, 3], values([1, 5, 5, 2, 2, -1]))], params: { axes: [1] } })
    out.push({ name: 'nan propagates', inputs: [f32([2, 3], values([1, NaN, 3, 4, 5, 6]))], params: { axes: [1] }, noGrad: 'NaN' })
    out.push({ name: 'infinities', inputs: [f32([4], values([-Infinity, Infinity, 0, 1]))], params: { axes: [0] }, noGrad: 'infinities' })
  }
  if (prim === 'reduce_prod') {
    out.push({ name: 'one zero', inputs: [f64([2, 3], values([1.5, 0, -2, 0.5, 2, 3]))], params: { axes: [1] } })
    out.push({ name: 'two zeros', inputs: [f64([4], values([0, 2, 0, -3]))], params: { axes: [0] } })
  }
  if (prim === 'reduce_sum') {
    out.push({ name: 'uint8', inputs: [input('uint8', [6], ints(0, 40))], params: { axes: [0] } })
    out.push({ name: 'long f32 sum', inputs: [f32([1000])], params: { axes: [0] } })
  }
  return out
}

function logicalReduce<P extends 'reduce_and' | 'reduce_or'>(): Cases<P> {
  return [
    { name: 'bool rows', inputs: [bool([3, 4], values([1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0]))], params: { axes: [1] } },
    { name: 'bool all axes', inputs: [bool([2, 3])], params: { axes: [0, 1] } },
    { name: 'bool empty', inputs: [bool([0, 2])], params: { axes: [0] } },
    { name: 'int32 bitwise', inputs: [i32([2, 3], values([12, 10, 7, -1, 5, 3]))], params: { axes: [1] } },
  ]
}

function argCases<P extends 'argmax' | 'argmin'>(): Cases<P> {
  return [
    { name: 'f32 last axis', inputs: [f32([3, 4], distinct())], params: { axis: 1, indexDtype: 'int32' } },
    { name: 'f32 first axis', inputs: [f32([3, 4], distinct())], params: { axis: 0, indexDtype: 'int32' } },
    { name: 'ties pick the first', inputs: [f64([2, 4], values([1, 3, 3, 0, 2, 2, -2, -2]))], params: { axis: 1, indexDtype: 'int32' } },
    { name: 'nan wins', inputs: [f32([2, 3], values([1, NaN, 3, 4, 5, NaN]))], params: { axis: 1, indexDtype: 'int32' } },
    { name: 'int32', inputs: [i32([2, 5], ints(-4, 4))], params: { axis: 1, indexDtype: 'int32' } },
    { name: 'int64 indices', inputs: [f32([6], distinct())], params: { axis: 0, indexDtype: 'int64' } },
  ]
}

function cumulativeCases<P extends CumulativePrim>(prim: P): Cases<P> {
  const g = prim === 'cumprod' ? uniform(0.5, 1.5) : prim === 'cumsum' ? uniform(-2, 2) : distinct(-3, 3)
  return [
    { name: 'f32 last axis', inputs: [f32([3, 4], g)], params: { axis: 1, reverse: false } },
    { name: 'f32 first axis reversed', inputs: [f32([3, 4], g)], params: { axis: 0, reverse: true } },
    { name: 'f64 vector', inputs: [f64([6], g)], params: { axis: 0, reverse: false } },
    { name: 'f64 3-d middle reversed', inputs: [f64([2, 3, 2], g)], params: { axis: 1, reverse: true } },
    { name: 'int32', inputs: [i32([2, 5], ints(-3, 3))], params: { axis: 1, reverse: false } },
    { name: 'empty', inputs: [f32([0, 3])], params: { axis: 0, reverse: false } },
  ]
}

export const reduceCaseTable = {
  reduce_sum: arithmeticReduce('reduce_sum'),
  reduce_max: arithmeticReduce('reduce_max'),
  reduce_min: arithmeticReduce('reduce_min'),
  reduce_prod: arithmeticReduce('reduce_prod'),
  reduce_and: logicalReduce<'reduce_and'>(),
  reduce_or: logicalReduce<'reduce_or'>(),
  argmax: argCases<'argmax'>(),
  argmin: argCases<'argmin'>(),
  cumsum: cumulativeCases('cumsum'),
  cumprod: cumulativeCases('cumprod'),
  cummax: cumulativeCases('cummax'),
  cummin: cumulativeCases('cummin'),
}
