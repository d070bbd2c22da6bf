/**
 * @file Tensor creation ops of `keras.ops`: zeros/ones/full(_like), empty, arange, linspace/logspace/geomspace,
 * meshgrid, array (eye, identity and tri are in creation-eye.ts).
 */
import { InvalidArgumentError, Tensor, checkShape, floatx, fmt, isFloat, lax, tensor } from '@kx/core'
import type { DType } from '@kx/core'
import { standardizeDType, toTensor, type DTypeLike, type TensorLike } from './convert.js'
import { axisOf, broadcastTo, cast, prepare, resultDType, scalar } from './promote.js'
import { insertAxes } from './shape-util.js'
import { dtypeOr } from './creation-eye.js'


/** @internal `shape` filled with `value` (dtype default floatx). */
function filled(shape: readonly number[], value: number | boolean, dtype: DType, op: string): Tensor {
  checkShape(shape, op)
  return broadcastTo(scalar(value, dtype), shape)
}

/**
 * A tensor of zeros (dtype default floatx).
 *
 * @example
 * ```ts
 * zeros([2, 3])
 * ```
 */
export function zeros(shape: number | readonly number[], options: { dtype?: DTypeLike | null } = {}): Tensor {
  return filled(typeof shape === 'number' ? [shape] : shape, 0, dtypeOr(options.dtype, 'zeros', floatx()), 'zeros')
}
/** A tensor of ones (dtype default floatx). @example `ones([2])` */
export function ones(shape: number | readonly number[], options: { dtype?: DTypeLike | null } = {}): Tensor {
  return filled(typeof shape === 'number' ? [shape] : shape, 1, dtypeOr(options.dtype, 'ones', floatx()), 'ones')
}
/** An uninitialised tensor in Keras; zeros in kx (tensors are immutable). @example `empty([2])` */
export function empty(shape: number | readonly number[], options: { dtype?: DTypeLike | null } = {}): Tensor {
  return zeros(shape, options)
}

/**
 * A tensor filled with `fillValue` (dtype default floatx; a tensor value broadcasts).
 *
 * @example
 * ```ts
 * full([2, 2], 7, { dtype: 'int32' })
 * ```
 */
export function full(shape: number | readonly number[], fillValue: TensorLike, options: { dtype?: DTypeLike | null } = {}): Tensor {
  const s = typeof shape === 'number' ? [shape] : shape
  checkShape(s, 'full')
  const d = dtypeOr(options.dtype, 'full', floatx())
  if (typeof fillValue === 'number' || typeof fillValue === 'boolean') return filled(s, fillValue, d, 'full')
  return broadcastTo(toTensor(fillValue, d), s)
}

/** A tensor of `x`'s shape filled with `fillValue` (dtype default x's). @example `fullLike(x, 2)` */
export function fullLike(x: TensorLike, fillValue: TensorLike, options: { dtype?: DTypeLike | null } = {}): Tensor {
  const t = toTensor(x)
  const d = dtypeOr(options.dtype, 'fullLike', t.dtype)
  const v = typeof fillValue === 'number' || typeof fillValue === 'boolean' ? scalar(fillValue, d, t) : toTensor(fillValue, d)
  return broadcastTo(v, t.shape)
}
/** Zeros shaped like `x` (dtype default x's). @example `zerosLike([1, 2]) // [0, 0]` */
export function zerosLike(x: TensorLike, options: { dtype?: DTypeLike | null } = {}): Tensor { return fullLike(x, 0, options) }
/** Ones shaped like `x`. @example `onesLike([1, 2]) // [1, 1]` */
export function onesLike(x: TensorLike, options: { dtype?: DTypeLike | null } = {}): Tensor { return fullLike(x, 1, options) }
/** `emptyLike` (zeros in kx). @example `emptyLike([1, 2])` */
export function emptyLike(x: TensorLike, options: { dtype?: DTypeLike | null } = {}): Tensor { return fullLike(x, 0, options) }

/**
 * Converts to a tensor (`keras.ops.array`).
 *
 * @example
 * ```ts
 * array([1, 2], { dtype: 'float32' })
 * ```
 */
export function array(x: TensorLike, options: { dtype?: DTypeLike | null } = {}): Tensor {
  return toTensor(x, standardizeDType(options.dtype, 'array'))
}

const isOptions = (v: unknown): v is { dtype?: DTypeLike | null } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Tensor) && !ArrayBuffer.isView(v)

const scalarValue = (v: TensorLike, what: string): number => {
  if (typeof v === 'number') return v
  if (v instanceof Tensor && !v.isSymbolic && v.shape.length === 0) return v.dataSync()[0] as number
  throw new InvalidArgumentError(`\`arange\` needs scalar numbers for ${what}. Received: ${fmt(v)}`)
}

/**
 * Evenly spaced values in `[start, stop)` with `step` (`arange(n)` is `[0, n)`). The dtype follows
 * the arguments (integers → int32, any fraction → floatx) unless given.
 *
 * @example
 * ```ts
 * arange(1, 7, 2) // [1, 3, 5]
 * ```
 */
export function arange(start: TensorLike, stop?: TensorLike | null | { dtype?: DTypeLike | null }, step?: TensorLike | null | { dtype?: DTypeLike | null }, options: { dtype?: DTypeLike | null } = {}): Tensor {
  // Options may follow any number of positional arguments: arange(3, { dtype }).
  if (isOptions(stop)) { options = stop; stop = undefined; step = undefined } else if (isOptions(step)) { options = step; step = undefined }
  const args: TensorLike[] = [start]
  if (stop !== undefined && stop !== null) args.push(stop)
  if (step !== undefined && step !== null) args.push(step)
  const d = standardizeDType(options.dtype, 'arange') ?? resultDType(...args.map((a) => (typeof a === 'number' ? (Number.isInteger(a) ? 'int32' : floatx()) : a)))
  let lo = scalarValue(start, 'start')
  let hi: number
  if (stop === undefined || stop === null) { hi = lo; lo = 0 } else hi = scalarValue(stop, 'stop')
  const st = step === undefined || step === null ? 1 : scalarValue(step, 'step')
  if (st === 0) throw new InvalidArgumentError(`\`arange\` needs a non-zero step. Received: step=0`)
  const n = Math.max(0, Math.ceil((hi - lo) / st))
  const values = new Float64Array(n)
  for (let i = 0; i < n; i++) values[i] = lo + i * st
  return tensor(values, { shape: [n], dtype: d })
}

/** Options of `linspace` / `logspace` / `geomspace`. */
export interface SpaceOptions {
  /** Number of samples (default 50). */
  readonly num?: number
  /** Whether `stop` is the last sample (default true). */
  readonly endpoint?: boolean
  readonly dtype?: DTypeLike | null
  /** Axis of the samples when start/stop are tensors (default 0). */
  readonly axis?: number
}

function spaceSetup(op: string, start: TensorLike, stop: TensorLike, options: SpaceOptions): { a: Tensor; b: Tensor; t: Tensor; num: number; axis: number; dtype: DType; compute: DType } {
  const num = options.num ?? 50
  if (!Number.isInteger(num) || num < 0) throw new InvalidArgumentError(`\`${op}\` needs a non-negative integer \`num\`. Received: num=${fmt(num)}`)
  const dtype = standardizeDType(options.dtype, op) ?? resultDType(typeof start === 'number' ? (Number.isInteger(start) ? 'int32' : floatx()) : start, 'weak_float')
  const compute = isFloat(dtype) && dtype !== 'float16' && dtype !== 'bfloat16' ? dtype : 'float32'
  const [a, b] = prepare(op, [start, stop], { dtype: compute })
  const axis = axisOf(options.axis ?? 0, a!.shape.length + 1, op)
  const endpoint = options.endpoint ?? true
  const div = endpoint ? num - 1 : num
  // t_i = i / div; with an endpoint the last sample is exactly stop (t = 1).
  const iota = lax.iota(compute, [num], 0)
  const t = div > 0 ? lax.div(iota, broadcastTo(scalar(div, compute), [num])) : lax.mul(iota, broadcastTo(scalar(0, compute), [num]))
  return { a: a!, b: b!, t, num, axis, dtype, compute }
}

/** @internal Samples `a·(1-t) + b·t` laid out along `axis`. */
function interpolate(a: Tensor, b: Tensor, t: Tensor, axis: number): Tensor {
  const outShape = [...a.shape.slice(0, axis), t.shape[0]!, ...a.shape.slice(axis)] as number[]
  const ae = broadcastTo(insertAxes(a, [axis]), outShape)
  const be = broadcastTo(insertAxes(b, [axis]), outShape)
  const te = lax.broadcastInDim(t, outShape, [axis])
  const one = broadcastTo(scalar(1, t.dtype), outShape)
  return lax.add(lax.mul(ae, lax.sub(one, te)), lax.mul(be, te))
}

/**
 * `num` evenly spaced samples from `start` to `stop` (tensors allowed: samples go along `axis`).
 *
 * @example
 * ```ts
 * linspace(0, 1, { num: 5 }) // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace(start: TensorLike, stop: TensorLike, options: SpaceOptions & { retstep: true }): [Tensor, Tensor]
export function linspace(start: TensorLike, stop: TensorLike, options?: SpaceOptions & { retstep?: false }): Tensor
export function linspace(start: TensorLike, stop: TensorLike, options?: SpaceOptions & { retstep?: boolean }): Tensor | [Tensor, Tensor]
export function linspace(start: TensorLike, stop: TensorLike, options: SpaceOptions & { retstep?: boolean } = {}): Tensor | [Tensor, Tensor] {
  const { a, b, t, num, axis, dtype } = spaceSetup('linspace', start, stop, options)
  const out = cast(interpolate(a, b, t, axis), dtype)
  if (!options.retstep) return out
  const div = (options.endpoint ?? true) ? num - 1 : num
  const step = lax.div(lax.sub(b, a), broadcastTo(scalar(div, b.dtype), b.shape))
  return [out, cast(step, dtype)]
}

/**
 * `base ** linspace(start, stop)` (default base 10).
 *
 * @example
 * ```ts
 * logspace(0, 2, { num: 3 }) // [1, 10, 100]
 * ```
 */
export function logspace(start: TensorLike, stop: TensorLike, options: SpaceOptions & { base?: number } = {}): Tensor {
  const { a, b, t, axis, dtype, compute } = spaceSetup('logspace', start, stop, options)
  const e = interpolate(a, b, t, axis)
  return cast(lax.pow(broadcastTo(scalar(options.base ?? 10, compute), e.shape), e), dtype)
}

/**
 * Samples evenly spaced on a log scale from `start` to `stop` (same sign, non-zero).
 *
 * @example
 * ```ts
 * geomspace(1, 1000, { num: 4 }) // [1, 10, 100, 1000]
 * ```
 */
export function geomspace(start: TensorLike, stop: TensorLike, options: SpaceOptions = {}): Tensor {
  const { a, b, t, num, axis, dtype } = spaceSetup('geomspace', start, stop, options)
  const sign = lax.sign(a)
  const la = lax.log(lax.abs(a))
  const lb = lax.log(lax.abs(b))
  let out = lax.exp(interpolate(la, lb, t, axis))
  const outShape = out.shape as number[]
  out = lax.mul(out, broadcastTo(insertAxes(sign, [axis]), outShape))
  // The endpoints are exact, as NumPy sets them.
  if (num > 0) {
    const first = lax.broadcastInDim(lax.eq(lax.iota('int32', [num], 0), broadcastTo(scalar(0, 'int32'), [num])), outShape, [axis])
    out = lax.select(first, broadcastTo(insertAxes(a, [axis]), outShape), out)
    if ((options.endpoint ?? true) && num > 1) {
      const last = lax.broadcastInDim(lax.eq(lax.iota('int32', [num], 0), broadcastTo(scalar(num - 1, 'int32'), [num])), outShape, [axis])
      out = lax.select(last, broadcastTo(insertAxes(b, [axis]), outShape), out)
    }
  }
  return cast(out, dtype)
}

/**
 * Coordinate grids from 1-D vectors (`indexing: 'xy'` swaps the first two output axes, as NumPy).
 *
 * @example
 * ```ts
 * const [X, Y] = meshgrid([1, 2, 3], [4, 5]) // shapes [2, 3]
 * ```
 */
export function meshgrid(...args: (TensorLike | { indexing?: 'xy' | 'ij' })[]): Tensor[] {
  let indexing: 'xy' | 'ij' = 'xy'
  const last = args[args.length - 1]
  if (last !== null && typeof last === 'object' && !Array.isArray(last) && !(last instanceof Tensor) && !ArrayBuffer.isView(last) && 'indexing' in last) {
    indexing = last.indexing ?? 'xy'
    args = args.slice(0, -1)
  }
  if (indexing !== 'xy' && indexing !== 'ij') throw new InvalidArgumentError(`\`meshgrid\` needs indexing "xy" or "ij". Received: indexing=${fmt(indexing)}`)
  const vs = (args as TensorLike[]).map((v) => {
    const t = toTensor(v)
    return t.shape.length === 1 ? t : lax.reshape(t, [-1])
  })
  const sizes = vs.map((v) => v.shape[0]!)
  const outShape = sizes.slice()
  if (indexing === 'xy' && vs.length >= 2) { outShape[0] = sizes[1]!; outShape[1] = sizes[0]! }
  return vs.map((v, i) => {
    let dim = i
    if (indexing === 'xy' && vs.length >= 2 && i < 2) dim = 1 - i
    return lax.broadcastInDim(v, outShape, [dim])
  })
}
