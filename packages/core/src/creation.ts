/** @file Making concrete tensors from host values on the active (or a named) backend. */
import { allocTyped, type DType, type TypedArray, floatxRef, roundBFloat16, roundFloat16 } from './dtype.js'
import { DTypeError, ShapeError, fmt } from './errors.js'
import { getBackend } from './registry.js'
import { Tensor, type NestedArray } from './tensor.js'
import { broadcastInDim } from './lax.js'
import type { Backend } from './backend.js'

/** Infers the shape of nested arrays, checking they are rectangular. */
export function inferShape(values: unknown, where = 'convertToTensor'): number[] {
  const shape: number[] = []
  let v = values
  while (Array.isArray(v)) { shape.push(v.length); v = v[0] }
  const check = (x: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(x)) throw new ShapeError(`Ragged nested array in \`${where}\`. Received: shape prefix=${fmt(shape)}`)
      return
    }
    if (!Array.isArray(x) || x.length !== shape[dim]) throw new ShapeError(`Ragged nested array in \`${where}\`: every row must have the same length. Received: expected length ${shape[dim]} at depth ${dim}`)
    for (const c of x) check(c, dim + 1)
  }
  check(values, 0)
  return shape
}

/** Flattens nested arrays into host storage of a dtype, rounding reduced precisions. */
export function toTypedArray(values: ArrayLike<number | boolean> | NestedArray, dtype: DType): TypedArray {
  const flat: number[] = []
  const rec = (x: unknown): void => {
    if (Array.isArray(x)) for (const c of x) rec(c)
    else if (typeof x === 'boolean') flat.push(x ? 1 : 0)
    else if (typeof x === 'number') flat.push(x)
    else throw new DTypeError(`Cannot convert a value to a tensor: expected numbers or booleans. Received: ${fmt(x)}`)
  }
  if (ArrayBuffer.isView(values)) return castHost(values as unknown as TypedArray, dtype)
  rec(values)
  return castHost(flat, dtype)
}

/** Converts host numbers to the storage of `dtype` (rounding float16/bfloat16, truncating ints like C). */
export function castHost(values: ArrayLike<number>, dtype: DType): TypedArray {
  const out = allocTyped(dtype, values.length)
  if (dtype === 'float16') for (let i = 0; i < values.length; i++) out[i] = roundFloat16(values[i]!)
  else if (dtype === 'bfloat16') for (let i = 0; i < values.length; i++) out[i] = roundBFloat16(values[i]!)
  else if (dtype === 'bool') for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0
  else if (dtype === 'int64') for (let i = 0; i < values.length; i++) out[i] = Math.trunc(values[i]!)
  else (out as Float64Array).set(values as ArrayLike<number>)
  return out
}

/**
 * Keras's default dtype for host data: a typed array's own dtype; for numbers, floatx if any has a
 * fraction, else int32; booleans alone give bool; an empty array gives floatx.
 *
 * @example
 * ```ts
 * inferDType([1, 2]) // 'int32'
 * inferDType([1, 2.5]) // 'float32'
 * ```
 */
export function inferDType(values: unknown): DType {
  if (ArrayBuffer.isView(values)) {
    if (values instanceof Float64Array) return 'float64'
    if (values instanceof Float32Array) return 'float32'
    if (values instanceof Int32Array) return 'int32'
    if (values instanceof Uint8Array) return 'uint8'
    if (values instanceof Int8Array) return 'int8'
    if (values instanceof Int16Array) return 'int16'
    if (values instanceof Uint16Array) return 'uint16'
    if (values instanceof Uint32Array) return 'uint32'
    throw new DTypeError(`Unsupported typed array. Received: ${Object.prototype.toString.call(values)}`)
  }
  let sawFloat = false
  let sawBool = false
  let sawNumber = false
  const rec = (v: unknown): void => {
    if (Array.isArray(v)) { for (const c of v) rec(c); return }
    if (typeof v === 'boolean') sawBool = true
    else if (typeof v === 'number') { sawNumber = true; if (!Number.isInteger(v)) sawFloat = true }
    else throw new DTypeError(`Cannot convert a value to a tensor: expected numbers, booleans or nested arrays of them. Received: ${fmt(v)}`)
  }
  rec(values)
  if (sawFloat) return floatxRef.value
  if (sawBool && !sawNumber) return 'bool'
  if (!sawNumber && !sawBool) return floatxRef.value
  return 'int32'
}

/**
 * Creates a concrete tensor from nested arrays, a typed array (with `shape`), or a scalar.
 * Python-like defaults: floats → floatx, integers → int32, booleans → bool.
 *
 * @example
 * ```ts
 * const t = tensor([[1, 2], [3, 4]], { dtype: 'float32' })
 * ```
 */
export function tensor(
  values: NestedArray | TypedArray | ArrayLike<number>,
  options: { shape?: readonly number[]; dtype?: DType; backend?: Backend } = {},
): Tensor {
  const dtype = options.dtype ?? inferDType(values)
  const shape = options.shape ?? (ArrayBuffer.isView(values) ? [(values as TypedArray).length] : inferShape(values))
  const data = toTypedArray(values as NestedArray, dtype)
  const n = shape.reduce((a, b) => a * b, 1)
  if (data.length !== n) {
    throw new ShapeError(`Value count does not match the shape in \`tensor\`. Received: ${data.length} values, shape=${fmt(shape)}`)
  }
  const backend = options.backend ?? getBackend()
  return new Tensor(shape, dtype, backend, backend.upload(data, shape, dtype))
}

/** A tensor of `shape` filled with `value` (one uploaded scalar, broadcast by the backend). */
export function full(shape: readonly number[], value: number | boolean, dtype: DType, backend?: Backend): Tensor {
  const s = tensor([typeof value === 'boolean' ? (value ? 1 : 0) : value], { shape: [], dtype, ...(backend ? { backend } : {}) })
  if (shape.length === 0) return s
  const out = broadcastInDim(s, shape, [])
  s.dispose()
  return out
}

/** Zeros with the shape and dtype of `x`, on x's backend. */
export function zerosLike(x: Tensor): Tensor { return full(x.shape, 0, x.dtype, x.isSymbolic ? undefined : x.backend) }
/** Ones with the shape and dtype of `x`, on x's backend. */
export function onesLike(x: Tensor): Tensor { return full(x.shape, 1, x.dtype, x.isSymbolic ? undefined : x.backend) }

/** Copies a tensor to another backend (explicit, never implicit). */
export async function toBackend(x: Tensor, target: Backend): Promise<Tensor> {
  const data = await x.data()
  return new Tensor(x.shape, x.dtype, target, target.upload(data, x.shape, x.dtype))
}
