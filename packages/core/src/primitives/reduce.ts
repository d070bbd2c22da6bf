/** @file Reduce primitives: reduce_{sum,max,min,prod,and,or}, argmax/argmin and the cumulative scans (shape/dtype rules; VJPs in `autodiff/rules/reduce.ts`). */
import { DTypeError, InvalidArgumentError, ShapeError, fmt } from '../errors.js'
import { isBool, isInt } from '../dtype.js'
import { definePrimitive, type PrimitiveDef } from './def.js'
import type { CumulativePrim, ReducePrim } from './types.js'
import { checkAxesParam, checkAxisParam } from './movement.js'

// NOTE: every dtype is accepted; on bool, reduce_sum acts as `or` and reduce_prod as `and`, as `add`/`mul` do.
function reduceDef<P extends ReducePrim>(name: P): PrimitiveDef<P> {
  return definePrimitive({
    name,
    abstractEval: ([x], { axes }) => {
      checkAxesParam(name, 'axes', axes, x!.shape.length)
      if ((name === 'reduce_and' || name === 'reduce_or') && !isBool(x!.dtype) && !isInt(x!.dtype)) {
        throw new DTypeError(`Primitive \`${name}\` needs boolean or integer operands. Received: dtype=${x!.dtype}`)
      }
      return [{ shape: x!.shape.filter((_, i) => !axes.includes(i)), dtype: x!.dtype }]
    },
  })
}

export const reducePrimitives = {
  reduce_sum: reduceDef('reduce_sum'),
  reduce_max: reduceDef('reduce_max'),
  reduce_min: reduceDef('reduce_min'),
  reduce_prod: reduceDef('reduce_prod'),
  reduce_and: reduceDef('reduce_and'),
  reduce_or: reduceDef('reduce_or'),
} as { [P in ReducePrim]: PrimitiveDef<P> }

function argDef<P extends 'argmax' | 'argmin'>(name: P): PrimitiveDef<P> {
  return definePrimitive({
    name,
    abstractEval: ([x], { axis, indexDtype }) => {
      checkAxisParam(name, 'axis', axis, x!.shape.length)
      if (!isInt(indexDtype)) throw new DTypeError(`Primitive \`${name}\` needs an integer indexDtype. Received: indexDtype=${fmt(indexDtype)}`)
      if (x!.shape[axis] === 0) {
        throw new ShapeError(`Primitive \`${name}\` cannot reduce an empty axis. Received: shape=${fmt(x!.shape)}, axis=${axis}`)
      }
      return [{ shape: x!.shape.filter((_, i) => i !== axis), dtype: indexDtype }]
    },
  })
}

/** Index of the extreme along `axis` (NumPy: first occurrence wins, and the first NaN beats all). */
export const argmax = argDef('argmax')
export const argmin = argDef('argmin')

function cumulativeDef<P extends CumulativePrim>(name: P): PrimitiveDef<P> {
  return definePrimitive({
    name,
    abstractEval: ([x], { axis, reverse }) => {
      checkAxisParam(name, 'axis', axis, x!.shape.length)
      if (typeof reverse !== 'boolean') throw new InvalidArgumentError(`Primitive \`${name}\` needs a boolean \`reverse\`. Received: reverse=${fmt(reverse)}`)
      return [{ shape: x!.shape, dtype: x!.dtype }]
    },
  })
}

export const cumulativePrimitives = {
  cumsum: cumulativeDef('cumsum'),
  cumprod: cumulativeDef('cumprod'),
  cummax: cumulativeDef('cummax'),
  cummin: cumulativeDef('cummin'),
} as { [P in CumulativePrim]: PrimitiveDef<P> }
