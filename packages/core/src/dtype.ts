/** @file DTypes, their storage, and Keras 3's type-promotion lattice (JAX's, weak types included). */
import { DTypeError, InvalidArgumentError, fmt } from './errors.js'

/** Every dtype kx knows. Backends declare which they support. */
export type DType =
  | 'bool'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32'
  | 'float16' | 'bfloat16' | 'float32' | 'float64'

export const ALL_DTYPES: readonly DType[] = [
  'bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'float16', 'bfloat16', 'float32', 'float64',
]

/** Host storage of each dtype. int64 is held in a Float64Array (exact to 2^53); float16/bfloat16 in a Float32Array. */
export interface DataTypeMap {
  bool: Uint8Array
  int8: Int8Array
  int16: Int16Array
  int32: Int32Array
  int64: Float64Array
  uint8: Uint8Array
  uint16: Uint16Array
  uint32: Uint32Array
  float16: Float32Array
  bfloat16: Float32Array
  float32: Float32Array
  float64: Float64Array
}
export type TypedArray = DataTypeMap[DType]

type TypedArrayCtor = new (n: number | ArrayLike<number>) => TypedArray
const CTORS: { [D in DType]: TypedArrayCtor } = {
  bool: Uint8Array, int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: Float64Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array,
  float16: Float32Array, bfloat16: Float32Array, float32: Float32Array, float64: Float64Array,
}
const ITEMSIZE: { [D in DType]: number } = {
  bool: 1, int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2, uint32: 4,
  float16: 2, bfloat16: 2, float32: 4, float64: 8,
}

/** Allocates host storage for `n` elements (or copies `values`) of a dtype. */
export function allocTyped(dtype: DType, n: number | ArrayLike<number>): TypedArray {
  return new CTORS[dtype](n)
}
/** Bytes per element as the dtype is defined (not as stored on the host). */
export function itemsize(dtype: DType): number { return ITEMSIZE[dtype] }

export function isFloat(d: DType): boolean { return d === 'float16' || d === 'bfloat16' || d === 'float32' || d === 'float64' }
export function isInt(d: DType): boolean { return d.startsWith('int') || d.startsWith('uint') }
export function isUnsigned(d: DType): boolean { return d.startsWith('uint') }
export function isBool(d: DType): boolean { return d === 'bool' }

/** Throws unless `name` is a known dtype. Accepts Keras spellings such as `"float"` → floatx. */
export function checkDType(name: unknown, where = 'dtype'): DType {
  if (typeof name === 'string' && (ALL_DTYPES as readonly string[]).includes(name)) return name as DType
  throw new DTypeError(`Unknown dtype in ${where}. Expected one of ${ALL_DTYPES.join(', ')}. Received: dtype=${fmt(name)}`)
}

// ---- rounding for reduced-precision storage -------------------------------------------------
const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** Rounds a float32 value to bfloat16 (round-to-nearest-even), returned as a number. */
export function roundBFloat16(x: number): number {
  f32[0] = x
  const bits = u32[0]!
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return NaN
  const rounded = (bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000
  u32[0] = rounded >>> 0
  return f32[0]!
}

/** Rounds a number to the nearest float16 value (IEEE binary16, round-to-nearest-even). */
export function roundFloat16(x: number): number {
  if (!Number.isFinite(x)) return x
  const a = Math.abs(x)
  if (a >= 65520) return x > 0 ? Infinity : -Infinity
  // A zero keeps its sign (-0 too), as IEEE rounding does.
  if (a < 2 ** -24 / 2) return x * 0
  // NOTE: quantum is 2^(e-10) for normals, 2^-24 for subnormals; Math.round ties away, so fix ties to even.
  const e = Math.max(Math.floor(Math.log2(a)), -14)
  const q = 2 ** (e - 10)
  let m = a / q
  const fl = Math.floor(m)
  const diff = m - fl
  m = diff > 0.5 ? fl + 1 : diff < 0.5 ? fl : fl % 2 === 0 ? fl : fl + 1
  const r = m * q
  return x < 0 ? -r : r
}

// ---- type promotion (Keras 3 / JAX lattice) -------------------------------------------------
/** A dtype or a weak (Python-scalar-like) type: JS numbers are weak ints/floats, booleans weak bools. */
export type PromotionType = DType | 'weak_int' | 'weak_float'

// Edges of JAX's promotion lattice (x64 enabled, as Keras uses it): each type → its direct supertypes.
const LATTICE: Record<string, readonly string[]> = {
  bool: ['weak_int'],
  weak_int: ['uint8', 'int8'],
  uint8: ['uint16', 'int16'],
  uint16: ['uint32', 'int32'],
  uint32: ['int64'],
  int8: ['int16'],
  int16: ['int32'],
  int32: ['int64'],
  int64: ['weak_float'],
  weak_float: ['bfloat16', 'float16'],
  bfloat16: ['float32'],
  float16: ['float32'],
  float32: ['float64'],
  float64: [],
}
const UPPER = new Map<string, Set<string>>()
function upperSet(t: string): Set<string> {
  let s = UPPER.get(t)
  if (s) return s
  s = new Set([t])
  for (const p of LATTICE[t] ?? []) for (const u of upperSet(p)) s.add(u)
  UPPER.set(t, s)
  return s
}

/**
 * Keras 3's `result_type`: the least upper bound of the inputs in JAX's lattice, where JS numbers
 * are weak. Weak results resolve to `int32` / `floatx`, like Keras.
 *
 * @example
 * ```ts
 * resultType('int32', 'weak_float') // 'float32'
 * resultType('uint8', 'int8') // 'int16'
 * ```
 */
export function resultType(...types: PromotionType[]): DType {
  if (types.length === 0) throw new InvalidArgumentError('resultType needs at least one type. Received: types=()')
  const sets = types.map((t) => upperSet(t))
  let best: string | undefined
  for (const cand of sets[0]!) {
    if (!sets.every((s) => s.has(cand))) continue
    // the least upper bound lies below every other common upper bound
    if (best === undefined || upperSet(cand).has(best)) best = cand
  }
  if (best === undefined) throw new DTypeError(`No common dtype for ${types.join(', ')}.`)
  if (best === 'weak_int') return types.every((t) => t === 'bool') ? 'bool' : 'int32'
  if (best === 'weak_float') return floatxRef.value
  return best as DType
}

/** Shared mutable floatx cell (set through `config.setFloatx`). */
export const floatxRef: { value: 'float16' | 'bfloat16' | 'float32' | 'float64' } = { value: 'float32' }
