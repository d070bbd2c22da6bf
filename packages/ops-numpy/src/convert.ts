/**
 * @file Converting user values (tensors, variables, JS numbers, nested arrays, typed arrays) to
 * tensors, with the weak-type information that Keras gives Python scalars.
 */
import { DTypeError, KerasTensor, Tensor, Variable, checkDType, floatx, fmt, inferDType, inferShape, lax, tensor, toNested } from '@kx/core'
import type { Backend, DType, NestedArray, PromotionType, TypedArray } from '@kx/core'

/**
 * Anything an op accepts as a tensor argument. JS numbers and booleans are *weak* in dtype promotion,
 * like Python scalars in Keras (`ops.add(float16Tensor, 1.5)` stays float16); nested arrays and typed
 * arrays are converted with Keras's defaults (floats → floatx, integers → int32, booleans → bool).
 */
export type TensorLike = Tensor | Variable | number | boolean | NestedArray | TypedArray

/** A dtype argument: a kx dtype name (Keras spellings such as `"float"` are not accepted). */
export type DTypeLike = DType

/**
 * Whether `x` is a tensor (concrete or symbolic), as `keras.ops.is_tensor`.
 *
 * @example
 * ```ts
 * isTensor(ops.ones([2])) // true
 * isTensor([1, 2]) // false
 * ```
 */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor
}

/** @internal Validates an optional dtype argument of op `op`. */
export function standardizeDType(dtype: unknown, op: string): DType | undefined {
  if (dtype === undefined || dtype === null) return undefined
  if (typeof dtype === 'string') {
    try { return checkDType(dtype, op) } catch { /* rethrown below with the op name */ }
  }
  throw new DTypeError(`Invalid dtype in \`${op}\`: expected one of bool, int8, int16, int32, int64, uint8, uint16, uint32, float16, bfloat16, float32, float64. Received: dtype=${fmt(dtype)}`)
}

/** @internal The promotion type of a value: tensors their dtype, JS numbers weak ints/floats. */
export function promotionTypeOf(x: TensorLike): PromotionType {
  if (x instanceof Tensor) return x.dtype
  if (x instanceof Variable) return x.value.dtype
  if (typeof x === 'number') return Number.isInteger(x) ? 'weak_int' : 'weak_float'
  if (typeof x === 'boolean') return 'bool'
  return defaultDTypeOf(x)
}

/** @internal Whether a value is a weakly-typed JS scalar. */
export function isWeak(x: TensorLike): x is number {
  return typeof x === 'number'
}

/** @internal Keras's default dtype for host data (no tensor): floats → floatx, ints → int32, bools → bool. */
export function defaultDTypeOf(x: TensorLike): DType {
  if (x instanceof Tensor) return x.dtype
  if (x instanceof Variable) return x.value.dtype
  // Let core infer: it already implements the defaults for nested and typed arrays.
  return inferDType(x)
}


/**
 * @internal Converts a value to a tensor of `dtype` (or its default dtype), on `backend` (or the
 * active one). Tensors are cast when their dtype differs.
 */
export function toTensor(x: TensorLike, dtype?: DType, backend?: Backend): Tensor {
  if (x instanceof Tensor) return dtype && x.dtype !== dtype ? lax.convertElementType(x, dtype) : x
  if (x instanceof Variable) return toTensor(x.value, dtype)
  const d = dtype ?? (typeof x === 'number' ? (Number.isInteger(x) ? 'int32' : floatx()) : defaultDTypeOf(x))
  const values: NestedArray | TypedArray = typeof x === 'number' || typeof x === 'boolean' ? x : x
  if (typeof values === 'number' || typeof values === 'boolean') {
    return tensor([typeof values === 'boolean' ? (values ? 1 : 0) : values], { shape: [], dtype: d, ...(backend ? { backend } : {}) })
  }
  return tensor(values, { dtype: d, ...(backend ? { backend } : {}) })
}

/** @internal The backend of the first concrete tensor among `xs` (constants go there), if any. */
export function backendOfArgs(xs: readonly TensorLike[]): Backend | undefined {
  for (const x of xs) {
    if (x instanceof Tensor && !x.isSymbolic) return x.backend
    if (x instanceof Variable) return x.value.isSymbolic ? undefined : x.value.backend
  }
  return undefined
}

/**
 * Converts a value to a tensor (`keras.ops.convert_to_tensor`). Numbers become int32 (integers)
 * or floatx, booleans bool; nested and typed arrays keep Keras's defaults; a `dtype` casts.
 *
 * @example
 * ```ts
 * const t = convertToTensor([[1, 2], [3, 4]], 'float32')
 * ```
 */
export function convertToTensor(x: TensorLike, dtype?: DTypeLike): Tensor {
  return toTensor(x, standardizeDType(dtype, 'convertToTensor'))
}

/**
 * Reads a tensor's values as nested JS arrays (`keras.ops.convert_to_numpy`). Asynchronous,
 * because some backends read data asynchronously.
 *
 * @example
 * ```ts
 * await convertToNumpy(ops.eye(2)) // [[1, 0], [0, 1]]
 * ```
 */
export async function convertToNumpy(x: TensorLike): Promise<NestedArray> {
  if (x instanceof KerasTensor) {
    throw new DTypeError(`\`convertToNumpy\` cannot read a symbolic KerasTensor: it holds no data. Received: ${x.toString()}`)
  }
  const t = toTensor(x)
  const data = await t.data()
  return toNested(data, t.shape, t.dtype)
}

/**
 * The dtype of a tensor or value (`keras.ops.dtype`).
 *
 * @example
 * ```ts
 * dtype(ops.ones([2], { dtype: 'int8' })) // 'int8'
 * ```
 */
export function dtype(x: TensorLike): DType {
  return defaultDTypeOf(x)
}

/**
 * The shape of a tensor (`keras.ops.shape`); unknown dims of symbolic tensors are `null`.
 *
 * @example
 * ```ts
 * shape(ops.zeros([2, 3])) // [2, 3]
 * ```
 */
export function shape(x: TensorLike): (number | null)[] {
  if (x instanceof Tensor) return x.shape.slice()
  if (x instanceof Variable) return x.shape.slice()
  if (typeof x === 'number' || typeof x === 'boolean') return []
  if (ArrayBuffer.isView(x)) return [(x as TypedArray).length]
  return inferShape(x, 'shape')
}
