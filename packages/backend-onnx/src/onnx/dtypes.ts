/**
 * @file How kx dtypes live in ONNX graphs and ORT tensors. float16 and bfloat16 are stored as float32
 * values already rounded to their format (ORT's JS API has no bfloat16 and computes half types on the
 * CPU by widening anyway); every other dtype is stored as itself.
 */
import { allocTyped, type DType, type TypedArray } from '@kx/core'
import { ONNX_TYPE, type OnnxType } from './proto.js'

/**
 * The ONNX element type a kx dtype is stored as inside graphs kx runs.
 *
 * @example
 * ```ts
 * STORAGE.float16 === ONNX_TYPE.FLOAT // half types are held as rounded float32
 * ```
 */
export const STORAGE: { readonly [D in DType]: OnnxType } = {
  bool: ONNX_TYPE.BOOL, int8: ONNX_TYPE.INT8, int16: ONNX_TYPE.INT16, int32: ONNX_TYPE.INT32, int64: ONNX_TYPE.INT64,
  uint8: ONNX_TYPE.UINT8, uint16: ONNX_TYPE.UINT16, uint32: ONNX_TYPE.UINT32,
  float16: ONNX_TYPE.FLOAT, bfloat16: ONNX_TYPE.FLOAT, float32: ONNX_TYPE.FLOAT, float64: ONNX_TYPE.DOUBLE,
}

/**
 * The ONNX element type a kx dtype has at the boundary of an exported model (its own type).
 *
 * @example
 * ```ts
 * NATIVE.float16 === ONNX_TYPE.FLOAT16
 * ```
 */
export const NATIVE: { readonly [D in DType]: OnnxType } = {
  ...STORAGE, float16: ONNX_TYPE.FLOAT16, bfloat16: ONNX_TYPE.BFLOAT16,
}

/** The kx dtype whose storage is a given ONNX type (half types excluded). */
export function dtypeOfStorage(t: OnnxType): DType {
  const hit = (Object.keys(STORAGE) as DType[]).find((d) => STORAGE[d] === t && d !== 'float16' && d !== 'bfloat16')
  return hit ?? 'float32'
}

/** Half-precision dtypes: computed in float32 and rounded after every value-changing op. */
export const isHalf = (d: DType): boolean => d === 'float16' || d === 'bfloat16'

/** ORT tensor type names of the storage of each kx dtype. */
export const ORT_TYPE: { readonly [D in DType]: 'bool' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'float32' | 'float64' } = {
  bool: 'bool', int8: 'int8', int16: 'int16', int32: 'int32', int64: 'int64', uint8: 'uint8', uint16: 'uint16', uint32: 'uint32',
  float16: 'float32', bfloat16: 'float32', float32: 'float32', float64: 'float64',
}

/** Bytes per element of each storage type. */
export function storageItemsize(t: OnnxType): number {
  switch (t) {
    case ONNX_TYPE.BOOL: case ONNX_TYPE.INT8: case ONNX_TYPE.UINT8: return 1
    case ONNX_TYPE.INT16: case ONNX_TYPE.UINT16: case ONNX_TYPE.FLOAT16: case ONNX_TYPE.BFLOAT16: return 2
    case ONNX_TYPE.INT64: case ONNX_TYPE.DOUBLE: case ONNX_TYPE.UINT64: return 8
    default: return 4
  }
}

/** An ORT-ready typed array (the storage of `dtype`) from kx host values: int64 becomes BigInt64Array. */
export function toOrtData(values: TypedArray, dtype: DType): Exclude<TypedArray, Float64Array> | Float64Array | BigInt64Array {
  if (dtype === 'int64') {
    const o = new BigInt64Array(values.length)
    for (let i = 0; i < values.length; i++) o[i] = toInt64(values[i] as number)
    return o
  }
  if (dtype === 'bool') {
    const o = new Uint8Array(values.length)
    for (let i = 0; i < values.length; i++) o[i] = values[i] ? 1 : 0
    return o
  }
  return values
}

/** kx host values (a fresh copy, in the host storage of `dtype`) from an ORT tensor's data. */
export function fromOrtData(data: ArrayLike<number | bigint>, dtype: DType): TypedArray {
  const o = allocTyped(dtype, data.length)
  if (dtype === 'int64') {
    for (let i = 0; i < data.length; i++) o[i] = Number(data[i] as bigint)
    return o
  }
  ;(o as Float64Array).set(data as ArrayLike<number>)
  return o
}

/** Raw little-endian bytes of `values` in ONNX type `t` (for initializers). */
export function rawBytes(values: ArrayLike<number | bigint>, t: OnnxType): Uint8Array {
  const n = values.length
  const buf = new ArrayBuffer(n * storageItemsize(t))
  const dv = new DataView(buf)
  for (let i = 0; i < n; i++) {
    const v = values[i]!
    switch (t) {
      case ONNX_TYPE.BOOL: case ONNX_TYPE.UINT8: dv.setUint8(i, Number(v) ? (t === ONNX_TYPE.BOOL ? 1 : Number(v)) : 0); break
      case ONNX_TYPE.INT8: dv.setInt8(i, Number(v)); break
      case ONNX_TYPE.INT16: dv.setInt16(i * 2, Number(v), true); break
      case ONNX_TYPE.UINT16: dv.setUint16(i * 2, Number(v), true); break
      case ONNX_TYPE.INT32: dv.setInt32(i * 4, Number(v), true); break
      case ONNX_TYPE.UINT32: dv.setUint32(i * 4, Number(v), true); break
      case ONNX_TYPE.INT64: dv.setBigInt64(i * 8, typeof v === 'bigint' ? v : toInt64(v), true); break
      case ONNX_TYPE.UINT64: dv.setBigUint64(i * 8, typeof v === 'bigint' ? v : BigInt(Math.trunc(v)), true); break
      case ONNX_TYPE.FLOAT16: dv.setUint16(i * 2, float16Bits(Number(v)), true); break
      case ONNX_TYPE.BFLOAT16: dv.setUint16(i * 2, bfloat16Bits(Number(v)), true); break
      case ONNX_TYPE.DOUBLE: dv.setFloat64(i * 8, Number(v), true); break
      default: dv.setFloat32(i * 4, Number(v), true)
    }
  }
  return new Uint8Array(buf)
}

const I64_MAX = 2n ** 63n - 1n
const I64_MIN = -(2n ** 63n)
/** A number as int64, saturating at the int64 range (2^63 itself is not representable). */
function toInt64(v: number): bigint {
  if (Number.isNaN(v)) return 0n
  if (v >= 2 ** 63) return I64_MAX
  if (v <= -(2 ** 63)) return I64_MIN
  return BigInt(Math.trunc(v))
}

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** IEEE binary16 bits of a number (round to nearest even). */
export function float16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0
  const a = Math.abs(x)
  if (a === Infinity || a >= 65520) return sign | 0x7c00
  if (a < 2 ** -24 / 2) return sign
  if (a < 2 ** -14) {
    // subnormal: units of 2^-24, ties to even
    let m = a / 2 ** -24
    const fl = Math.floor(m)
    const d = m - fl
    m = d > 0.5 ? fl + 1 : d < 0.5 ? fl : fl % 2 === 0 ? fl : fl + 1
    return sign | m
  }
  let e = Math.floor(Math.log2(a))
  if (2 ** e > a) e--
  let m = a / 2 ** e - 1
  m *= 1024
  const fl = Math.floor(m)
  const d = m - fl
  let mm = d > 0.5 ? fl + 1 : d < 0.5 ? fl : fl % 2 === 0 ? fl : fl + 1
  if (mm === 1024) { mm = 0; e++ }
  if (e > 15) return sign | 0x7c00
  return sign | ((e + 15) << 10) | mm
}

/** bfloat16 bits of a number (round to nearest even on the float32 value). */
export function bfloat16Bits(x: number): number {
  f32[0] = x
  const bits = u32[0]!
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return 0x7fc0
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff
}
