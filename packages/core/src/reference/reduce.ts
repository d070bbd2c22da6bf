/** @file Reference implementations of reductions, argmax/argmin and cumulative scans (float64 math). */
import { allocTyped, isBool, isFloat, type DType } from '../dtype.js'
import type { CumulativePrim, ReducePrim } from '../primitives/types.js'
import type { RefImpl, RefImplTable } from './types.js'
import { axesLast, axisRestored } from './movement.js'
import { wrapMul32 } from './elementwise.js'

/** Smallest / largest value of a dtype: the identities of max / min reductions. */
function lowest(d: DType): number {
  if (isFloat(d)) return -Infinity
  switch (d) {
    case 'int8': return -128
    case 'int16': return -32768
    case 'int32': return -2147483648
    case 'int64': return -(2 ** 63)
    default: return 0 // bool and unsigned
  }
}
function highest(d: DType): number {
  if (isFloat(d)) return Infinity
  switch (d) {
    case 'bool': return 1
    case 'int8': return 127
    case 'int16': return 32767
    case 'int32': return 2147483647
    case 'int64': return 2 ** 63
    case 'uint8': return 255
    case 'uint16': return 65535
    default: return 4294967295
  }
}

const maxNaN = (a: number, b: number): number => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a > b ? a : b)
const minNaN = (a: number, b: number): number => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a < b ? a : b)

/** Identity and combiner of each reduction; on bool, sum is `or` and prod is `and` (like `add`/`mul`). */
function monoid(p: ReducePrim | CumulativePrim, d: DType): [number, (a: number, b: number) => number] {
  const bool = isBool(d)
  switch (p) {
    case 'reduce_sum': case 'cumsum': return [0, bool ? (a, b) => (a || b ? 1 : 0) : (a, b) => a + b]
    case 'reduce_prod': case 'cumprod': return [1, bool ? (a, b) => (a && b ? 1 : 0) : wrapMul32(d) ? Math.imul : (a, b) => a * b]
    case 'reduce_max': case 'cummax': return [lowest(d), maxNaN]
    case 'reduce_min': case 'cummin': return [highest(d), minNaN]
    case 'reduce_and': return bool ? [1, (a, b) => (a && b ? 1 : 0)] : [-1, (a, b) => a & b]
    case 'reduce_or': return bool ? [0, (a, b) => (a || b ? 1 : 0)] : [0, (a, b) => a | b]
  }
}

function reduceImpl<P extends ReducePrim>(p: P): RefImpl<P> {
  return ([x], { axes }, [out]) => {
    const [init, f] = monoid(p, x!.dtype)
    const { data, outer, inner } = axesLast(x!, axes)
    const o = allocTyped(out!.dtype, outer)
    for (let r = 0; r < outer; r++) {
      let acc = init
      for (let k = r * inner, end = k + inner; k < end; k++) acc = f(acc, data[k]!)
      o[r] = acc
    }
    return [o]
  }
}

/** NumPy's argmax/argmin: the first extreme wins, and the first NaN beats everything. */
function argImpl(better: (a: number, b: number) => boolean): RefImpl<'argmax' | 'argmin'> {
  return ([x], { axis }, [out]) => {
    const { data, outer, inner } = axesLast(x!, [axis])
    const o = allocTyped(out!.dtype, outer)
    for (let r = 0; r < outer; r++) {
      const base = r * inner
      let best = 0
      let bv = data[base]!
      for (let k = 1; k < inner && !Number.isNaN(bv); k++) {
        const v = data[base + k]!
        if (Number.isNaN(v) || better(v, bv)) { best = k; bv = v }
      }
      o[r] = best
    }
    return [o]
  }
}

function cumulativeImpl<P extends CumulativePrim>(p: P): RefImpl<P> {
  return ([x], { axis, reverse }, [out]) => {
    const [, f] = monoid(p, x!.dtype)
    const { data, outer, inner } = axesLast(x!, [axis])
    // NOTE: accumulate in the output dtype's storage so integer scans wrap like the reductions do.
    const res = allocTyped(out!.dtype, data.length)
    for (let r = 0; r < outer; r++) {
      const base = r * inner
      let acc = 0
      for (let j = 0; j < inner; j++) {
        const k = base + (reverse ? inner - 1 - j : j)
        res[k] = j === 0 ? data[k]! : f(acc, data[k]!)
        acc = res[k] as number
      }
    }
    return [axisRestored(res, x!.shape, axis, out!.dtype)]
  }
}

export const reduceImpls = {
  reduce_sum: reduceImpl('reduce_sum'),
  reduce_max: reduceImpl('reduce_max'),
  reduce_min: reduceImpl('reduce_min'),
  reduce_prod: reduceImpl('reduce_prod'),
  reduce_and: reduceImpl('reduce_and'),
  reduce_or: reduceImpl('reduce_or'),
  argmax: argImpl((a, b) => a > b),
  argmin: argImpl((a, b) => a < b),
  cumsum: cumulativeImpl('cumsum'),
  cumprod: cumulativeImpl('cumprod'),
  cummax: cumulativeImpl('cummax'),
  cummin: cumulativeImpl('cummin'),
} satisfies Partial<RefImplTable>
