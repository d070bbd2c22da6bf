/**
 * @file Host-side numeric conversions shared by the file formats: raw bytes in a file's element
 * type (any endianness, float16, bfloat16) to a kx dtype's host storage and back.
 */
import { FileFormatError, castHost, fmt, type DType, type TypedArray } from '@kx/core'

/** Element type of stored data, as the file describes it. */
export interface StoredType {
  /** `int` (also enums and bitfields of integer base), `float`, or anything else (unsupported). */
  readonly kind: 'int' | 'float' | 'other'
  /** Bytes per element. */
  readonly size: number
  readonly signed: boolean
  readonly littleEndian: boolean
  /** Keras's marker for bfloat16 stored as uint16 (`attrs["dtype"] == "bfloat16"`). */
  readonly bfloat16?: boolean
}

/** Half precision bits → number. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1
  const e = (h >> 10) & 0x1f
  const m = h & 0x3ff
  if (e === 0) return s * m * 2 ** -24
  if (e === 31) return m ? NaN : s * Infinity
  return s * (1 + m / 1024) * 2 ** (e - 15)
}

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)
/** number → half precision bits (round to nearest even). */
export function floatToHalf(x: number): number {
  f32[0] = x
  const bits = u32[0]!
  const sign = (bits >>> 16) & 0x8000
  const exp = (bits >>> 23) & 0xff
  let mant = bits & 0x7fffff
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0)
  const e = exp - 127 + 15
  if (e >= 31) return sign | 0x7c00
  if (e <= 0) {
    if (e < -10) return sign
    mant |= 0x800000
    const shift = 14 - e
    let half = mant >> shift
    const rem = mant & ((1 << shift) - 1)
    const mid = 1 << (shift - 1)
    if (rem > mid || (rem === mid && half & 1)) half++
    return sign | half
  }
  let half = (e << 10) | (mant >> 13)
  const rem = mant & 0x1fff
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++
  return sign | half
}

/** bfloat16 bits → number. */
export function bf16ToFloat(h: number): number {
  u32[0] = (h & 0xffff) << 16
  return f32[0]!
}
/**
 * Decodes `count` elements of a stored type from raw bytes and returns the host storage of `dtype`
 * (values are cast like numpy's `astype`, float16/bfloat16 rounded).
 */
export function decodeStored(bytes: Uint8Array, type: StoredType, count: number, dtype: DType, where: string): TypedArray {
  if (type.kind === 'other') throw new FileFormatError(`${where}: unsupported element type in the file (not an integer or float). Re-save the weights with numeric dtypes.`)
  const { size, signed, littleEndian: le } = type
  if (bytes.byteLength < count * size) {
    throw new FileFormatError(`${where}: the stored data is truncated. Received: ${bytes.byteLength} bytes for ${count} elements of ${size} bytes`)
  }
  // Fast path: little-endian float32 into float32.
  if (type.kind === 'float' && size === 4 && le && dtype === 'float32') {
    const out = new Float32Array(count)
    out.set(new Float32Array(bytes.slice(0, count * 4).buffer))
    return out
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const vals = new Float64Array(count)
  if (type.kind === 'float') {
    if (size === 4) for (let i = 0; i < count; i++) vals[i] = dv.getFloat32(i * 4, le)
    else if (size === 8) for (let i = 0; i < count; i++) vals[i] = dv.getFloat64(i * 8, le)
    else if (size === 2) for (let i = 0; i < count; i++) vals[i] = halfToFloat(dv.getUint16(i * 2, le))
    else throw new FileFormatError(`${where}: unsupported float size in the file. Received: ${size} bytes`)
  } else if (type.bfloat16 && size === 2) {
    for (let i = 0; i < count; i++) vals[i] = bf16ToFloat(dv.getUint16(i * 2, le))
  } else if (size === 1) {
    for (let i = 0; i < count; i++) vals[i] = signed ? dv.getInt8(i) : dv.getUint8(i)
  } else if (size === 2) {
    for (let i = 0; i < count; i++) vals[i] = signed ? dv.getInt16(i * 2, le) : dv.getUint16(i * 2, le)
  } else if (size === 4) {
    for (let i = 0; i < count; i++) vals[i] = signed ? dv.getInt32(i * 4, le) : dv.getUint32(i * 4, le)
  } else if (size === 8) {
    for (let i = 0; i < count; i++) vals[i] = Number(signed ? dv.getBigInt64(i * 8, le) : dv.getBigUint64(i * 8, le))
  } else {
    throw new FileFormatError(`${where}: unsupported integer size in the file. Received: ${size} bytes`)
  }
  return castHost(vals, dtype)
}

/** How kx writes each dtype: the HDF5/numpy type string, and little-endian bytes of host data. */
export function storedDtypeOf(dtype: DType): { h5: string; size: number } {
  switch (dtype) {
    case 'float32': return { h5: '<f', size: 4 }
    case 'float64': return { h5: '<d', size: 8 }
    // NOTE: h5wasm cannot create 2-byte float or opaque (Keras's bfloat16) datasets; float32 holds every
    // float16 and bfloat16 value exactly, and Keras casts on assignment.
    case 'float16': case 'bfloat16': return { h5: '<f', size: 4 }
    case 'int8': return { h5: '<b', size: 1 }
    case 'int16': return { h5: '<h', size: 2 }
    case 'int32': return { h5: '<i', size: 4 }
    case 'int64': return { h5: '<q', size: 8 }
    case 'uint8': case 'bool': return { h5: '<B', size: 1 }
    case 'uint16': return { h5: '<H', size: 2 }
    case 'uint32': return { h5: '<I', size: 4 }
  }
  throw new FileFormatError(`Cannot store dtype ${fmt(dtype)}.`)
}

/** Little-endian bytes of host data in the stored type of `dtype`. */
export function encodeHost(data: TypedArray, dtype: DType): Uint8Array {
  const { size } = storedDtypeOf(dtype)
  const n = data.length
  const out = new Uint8Array(n * size)
  const dv = new DataView(out.buffer)
  switch (dtype) {
    case 'float32': for (let i = 0; i < n; i++) dv.setFloat32(i * 4, data[i]!, true); break
    case 'float64': for (let i = 0; i < n; i++) dv.setFloat64(i * 8, data[i]!, true); break
    case 'float16': case 'bfloat16': for (let i = 0; i < n; i++) dv.setFloat32(i * 4, data[i]!, true); break
    case 'int8': for (let i = 0; i < n; i++) dv.setInt8(i, data[i]!); break
    case 'int16': for (let i = 0; i < n; i++) dv.setInt16(i * 2, data[i]!, true); break
    case 'int32': for (let i = 0; i < n; i++) dv.setInt32(i * 4, data[i]!, true); break
    case 'int64': for (let i = 0; i < n; i++) dv.setBigInt64(i * 8, BigInt(Math.trunc(data[i]!)), true); break
    case 'uint8': case 'bool': for (let i = 0; i < n; i++) dv.setUint8(i, data[i]!); break
    case 'uint16': for (let i = 0; i < n; i++) dv.setUint16(i * 2, data[i]!, true); break
    case 'uint32': for (let i = 0; i < n; i++) dv.setUint32(i * 4, data[i]!, true); break
  }
  return out
}

/** Product of a shape, refusing non-integer, negative or absurd dimensions. */
export function checkedSize(shape: readonly number[], where: string, maxElements = 2 ** 31): number {
  let n = 1
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new FileFormatError(`${where}: invalid dimension in a stored shape. Received: shape=${fmt(shape)}`)
    n *= d
    if (n > maxElements) throw new FileFormatError(`${where}: the stored shape declares ${fmt(shape)} (over ${maxElements} elements), more than kx reads in one piece; the file is corrupt or hostile.`)
  }
  return n
}

/** Shapes equal (same rank and sizes). */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i])
}
