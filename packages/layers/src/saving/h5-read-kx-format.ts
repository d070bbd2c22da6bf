/**
 * @file The low-level half of kx's own HDF5 reader (h5-read-kx.ts): bounds-checked byte access, and the
 * decoders of the structures Keras and h5py write for weight files, after the HDF Group's "HDF5 File
 * Format Specification Version 3.0": superblock (versions 0, 2, 3), object headers (versions 1 and 2,
 * continuation blocks), datatype, dataspace, attribute, link and data layout messages, local heaps,
 * version 1 group B-trees with their symbol table nodes, and global heap collections (variable-length
 * strings). A structure this reader does not decode exactly raises `Unsupported` (the caller then leaves the
 * file to the next reader); a structure that breaks the format (an offset past the end, a cycle, a wrong
 * signature) raises `Corrupt`.
 */
import type { StoredType } from './hostData.js'
import { utf8Decode } from './io.js'

/** The file uses something this reader does not decode exactly; the next reader in the chain gets it. */
export class Unsupported extends Error {}
/** The file breaks the format; the message says where (the caller adds the file's name). */
export class Corrupt extends Error {}

/** The undefined address (all bits set), returned as -1. */
export const UNDEF = -1

/** One header message: its type, flags and where its body lies. */
export interface Message {
  readonly type: number
  readonly flags: number
  readonly at: number
  readonly size: number
}

/** A decoded datatype message (the classes Keras writes). */
export interface Datatype {
  readonly cls: 'int' | 'float' | 'string' | 'vlen-string' | 'opaque'
  /** Bytes per element. */
  readonly size: number
  readonly signed: boolean
  readonly littleEndian: boolean
  /** Strings: 0 ASCII, 1 UTF-8. */
  readonly cset: number
}

/**
 * The file's bytes with checked reads. `spend` counts the bytes the walk decodes: structures are read once
 * each in a well-formed file, so a budget of a few times the file size stops hostile files whose structures
 * overlap or repeat (a name or string referenced a million times) before they cost minutes.
 */
export class Bytes {
  readonly u8: Uint8Array
  readonly n: number
  private readonly dv: DataView
  private budget: number

  constructor(u8: Uint8Array) {
    this.u8 = u8
    this.n = u8.byteLength
    this.dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength)
    this.budget = 4 * this.n + (64 << 20)
  }

  /** Throws `Corrupt` unless `[at, at + len)` lies inside the file. */
  check(at: number, len: number, what: string): void {
    if (!(Number.isSafeInteger(at) && Number.isSafeInteger(len) && at >= 0 && len >= 0 && at + len <= this.n)) {
      throw new Corrupt(`${what} at byte ${at} (${len} bytes) lies past the end of the file (${this.n} bytes)`)
    }
  }

  spend(bytes: number): void {
    this.budget -= bytes + 16
    if (this.budget < 0) throw new Corrupt('its structures overlap or repeat (the walk decoded more than 4 times the file size)')
  }

  u8at(at: number): number { this.check(at, 1, 'a field'); return this.dv.getUint8(at) }
  u16(at: number): number { this.check(at, 2, 'a field'); return this.dv.getUint16(at, true) }
  u32(at: number): number { this.check(at, 4, 'a field'); return this.dv.getUint32(at, true) }
  /** An 8-byte length as a number (`Infinity` past 2^53, which every later bound check refuses). */
  len(at: number): number {
    this.check(at, 8, 'a field')
    const v = this.dv.getBigUint64(at, true)
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(v)
  }
  /** Little-endian unsigned integer of 1, 2, 4 or 8 bytes. */
  uint(at: number, size: number): number {
    return size === 1 ? this.u8at(at) : size === 2 ? this.u16(at) : size === 4 ? this.u32(at) : this.len(at)
  }
  /** An 8-byte address: `UNDEF` when undefined, otherwise checked to lie inside the file. */
  addr(at: number, what: string): number {
    this.check(at, 8, what)
    const v = this.dv.getBigUint64(at, true)
    if (v === 0xffffffffffffffffn) return UNDEF
    if (v >= BigInt(this.n)) throw new Corrupt(`${what} points to byte ${v}, past the end of the file (${this.n} bytes)`)
    return Number(v)
  }
  /** True when the 4 ASCII bytes at `at` spell `sig`. */
  sig(at: number, sig: string): boolean {
    if (at < 0 || at + 4 > this.n) return false
    for (let i = 0; i < 4; i++) if (this.u8[at + i] !== sig.charCodeAt(i)) return false
    return true
  }
  /** A NUL-terminated name inside `[at, end)`. */
  cstring(at: number, end: number, what: string): string {
    this.check(at, Math.max(0, end - at), what)
    const stop = this.u8.subarray(at, end).indexOf(0)
    if (stop < 0) throw new Corrupt(`${what} at byte ${at} is not NUL-terminated`)
    this.spend(stop)
    return text(this.u8.subarray(at, at + stop), 1)
  }
  /** A window on the file (no copy). */
  view(at: number, len: number, what: string): Uint8Array {
    this.check(at, len, what)
    return this.u8.subarray(at, at + len)
  }
}

/**
 * Decodes a string the way the h5wasm reader does (up to its first NUL); bytes it would decode differently
 * (non-ASCII bytes under the ASCII character set, invalid UTF-8) are `Unsupported`.
 */
export function text(bytes: Uint8Array, cset: number): string {
  const stop = bytes.indexOf(0)
  const b = stop < 0 ? bytes : bytes.subarray(0, stop)
  if (cset === 0 && b.some((x) => x > 0x7f)) throw new Unsupported('non-ASCII bytes in an ASCII string')
  if (cset !== 0 && cset !== 1) throw new Unsupported('character set')
  try {
    return utf8Decode(b, 'an HDF5 string')
  } catch {
    throw new Unsupported('invalid UTF-8 in a string')
  }
}

const rot = (x: number, k: number): number => (x << k) | (x >>> (32 - k))

/**
 * Bob Jenkins' lookup3 `hashlittle` with seed 0: the checksum of superblocks 2 and 3 and of version 2
 * object headers (libhdf5 refuses a structure whose checksum does not match, and so does this reader).
 */
export function lookup3(k: Uint8Array): number {
  let a = (0xdeadbeef + k.length) | 0
  let b = a
  let c = a
  const w = (i: number): number => k[i]! | (k[i + 1]! << 8) | (k[i + 2]! << 16) | (k[i + 3]! << 24)
  let i = 0
  let n = k.length
  for (; n > 12; n -= 12, i += 12) {
    a = (a + w(i)) | 0; b = (b + w(i + 4)) | 0; c = (c + w(i + 8)) | 0
    a = (a - c) | 0; a ^= rot(c, 4); c = (c + b) | 0
    b = (b - a) | 0; b ^= rot(a, 6); a = (a + c) | 0
    c = (c - b) | 0; c ^= rot(b, 8); b = (b + a) | 0
    a = (a - c) | 0; a ^= rot(c, 16); c = (c + b) | 0
    b = (b - a) | 0; b ^= rot(a, 19); a = (a + c) | 0
    c = (c - b) | 0; c ^= rot(b, 4); b = (b + a) | 0
  }
  if (n === 0) return c >>> 0
  // The last 1 to 12 bytes, zero-padded, as the tail of a block.
  const tail = new Uint8Array(12)
  tail.set(k.subarray(i))
  const t = (j: number): number => tail[j]! | (tail[j + 1]! << 8) | (tail[j + 2]! << 16) | (tail[j + 3]! << 24)
  a = (a + t(0)) | 0; b = (b + t(4)) | 0; c = (c + t(8)) | 0
  c ^= b; c = (c - rot(b, 14)) | 0
  a ^= c; a = (a - rot(c, 11)) | 0
  b ^= a; b = (b - rot(a, 25)) | 0
  c ^= b; c = (c - rot(b, 16)) | 0
  a ^= c; a = (a - rot(c, 4)) | 0
  b ^= a; b = (b - rot(a, 14)) | 0
  c ^= b; c = (c - rot(b, 24)) | 0
  return c >>> 0
}

/** Throws `Corrupt` unless the 4 bytes at `end` are the lookup3 checksum of `[start, end)`. */
function checkSum(b: Bytes, start: number, end: number, what: string): void {
  b.check(start, end - start + 4, what)
  if (lookup3(b.u8.subarray(start, end)) !== b.u32(end)) throw new Corrupt(`the checksum of ${what} at byte ${start} does not match`)
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]

/** The superblock: the root group's object header address (offsets and lengths of 8 bytes only). */
export function readSuperblock(b: Bytes): number {
  const at = (i: number): boolean => SIGNATURE.every((c, k) => b.u8[i + k] === c)
  if (b.n < 8 || !at(0)) {
    // libhdf5 also looks for the signature after a user block (at 512, 1024, 2048… bytes).
    for (let i = 512; i + 8 <= b.n; i *= 2) if (at(i)) throw new Unsupported('user block')
    throw new Corrupt('it does not start with the HDF5 signature')
  }
  const version = b.u8at(8)
  if (version === 0 || version === 1) {
    if (b.u8at(13) !== 8 || b.u8at(14) !== 8) throw new Unsupported('offsets or lengths not of 8 bytes')
    const base = version === 0 ? 24 : 28
    if (b.len(base) !== 0) throw new Unsupported('base address')
    checkEof(b, b.len(base + 16))
    if (b.addr(base + 24, 'the driver information block') !== UNDEF) throw new Unsupported('driver information')
    return rootAddress(b.addr(base + 40, "the root group's object header"))
  }
  if (version === 2 || version === 3) {
    // 12 bytes, 4 addresses, the checksum: checked first, so a flipped size byte is caught too.
    const offsets = b.u8at(9)
    if (![2, 4, 8, 16, 32].includes(offsets)) throw new Corrupt(`its superblock declares ${offsets}-byte offsets`)
    checkSum(b, 0, 12 + 4 * offsets, 'the superblock')
    if (offsets !== 8 || b.u8at(10) !== 8) throw new Unsupported('offsets or lengths not of 8 bytes')
    if (b.len(12) !== 0) throw new Unsupported('base address')
    if (b.addr(20, 'the superblock extension') !== UNDEF) throw new Unsupported('superblock extension')
    checkEof(b, b.len(28))
    return rootAddress(b.addr(36, "the root group's object header"))
  }
  throw new Unsupported(`superblock version ${version}`)
}

function checkEof(b: Bytes, eof: number): void {
  // As libhdf5: a file shorter than the end-of-file address it records was truncated.
  if (eof > b.n) throw new Corrupt(`it is truncated (${b.n} bytes where its superblock records ${eof})`)
}

function rootAddress(at: number): number {
  if (at === UNDEF) throw new Corrupt('it has no root group')
  return at
}

const CONTINUATION = 0x10
const MAX_MESSAGES = 1 << 16

/**
 * The messages of the object header at `at` (versions 1 and 2), following continuation blocks.
 * `blocks` holds every header block start seen in the file: a block reached twice is a cycle.
 */
export function readObjectHeader(b: Bytes, at: number, blocks: Set<number>): Message[] {
  const out: Message[] = []
  const v2 = b.sig(at, 'OHDR')
  let queue: [number, number][]
  let flags = 0
  let declared = Infinity
  if (v2) {
    if (b.u8at(at + 4) !== 2) throw new Unsupported('object header version')
    flags = b.u8at(at + 5)
    let p = at + 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0)
    const sizeBytes = 1 << (flags & 3)
    const chunk = b.uint(p, sizeBytes)
    p += sizeBytes
    checkSum(b, at, p + chunk, 'an object header')
    queue = [[p, chunk]]
  } else {
    if (b.u8at(at) !== 1 || b.u8at(at + 1) !== 0) throw new Corrupt(`no object header at byte ${at}`)
    // Version 1: 12-byte prefix padded to 16; messages are 8-byte aligned.
    queue = [[at + 16, b.u32(at + 8)]]
    declared = b.u16(at + 2)
  }
  const hdr = v2 ? 4 + (flags & 0x04 ? 2 : 0) : 8
  if (blocks.has(at) || blocks.has(queue[0]![0])) throw new Corrupt(`the object header at byte ${at} is reached twice`)
  blocks.add(at)
  blocks.add(queue[0]![0])
  for (let q = 0; q < queue.length; q++) {
    const [start, len] = queue[q]!
    b.check(start, len, 'an object header block')
    b.spend(len)
    const end = start + len
    for (let p = start; p + hdr <= end;) {
      const type = v2 ? b.u8at(p) : b.u16(p)
      const size = b.u16(p + (v2 ? 1 : 2))
      const mflags = b.u8at(p + (v2 ? 3 : 4))
      const body = p + hdr
      if (body + size > end) throw new Corrupt(`a header message at byte ${p} runs past its block`)
      out.push({ type, flags: mflags, at: body, size })
      // As libhdf5: a version 1 header holding more messages than its prefix declares is corrupt.
      if (out.length > Math.min(MAX_MESSAGES, declared)) throw new Corrupt(`the object header at byte ${at} holds more messages than it declares`)
      if (type === CONTINUATION) {
        const next = b.addr(body, 'a continuation block')
        const nlen = b.len(body + 8)
        if (next === UNDEF) throw new Corrupt('a continuation block has no address')
        if (blocks.has(next)) throw new Corrupt(`the continuation block at byte ${next} is reached twice`)
        blocks.add(next)
        if (v2) {
          // Version 2 continuation blocks: "OCHK", messages, a 4-byte checksum.
          if (!b.sig(next, 'OCHK')) throw new Corrupt(`no continuation block at byte ${next}`)
          checkSum(b, next, next + nlen - 4, 'a continuation block')
          queue.push([next + 4, nlen - 8])
        } else {
          queue.push([next, nlen])
        }
      }
      p = body + size
    }
  }
  return out
}

/** The datatype message at `at` (`len` bytes available). */
export function readDatatype(b: Bytes, at: number, len: number): Datatype {
  b.check(at, Math.min(len, 8), 'a datatype message')
  if (len < 8) throw new Corrupt(`the datatype message at byte ${at} is too short`)
  const head = b.u8at(at)
  const cls = head & 0x0f
  const version = head >> 4
  if (version < 1 || version > 3) throw new Unsupported('datatype version')
  const bits0 = b.u8at(at + 1)
  const size = b.u32(at + 4)
  const need = (n: number): void => { if (len < n) throw new Corrupt(`the datatype message at byte ${at} is too short`) }
  const le = (bits0 & 1) === 0
  if (cls === 0) {
    need(12)
    // Only whole-byte integers (bit offset 0, full precision) read the same as in numpy.
    if (![1, 2, 4, 8].includes(size) || b.u16(at + 8) !== 0 || b.u16(at + 10) !== 8 * size) throw new Unsupported('integer layout')
    return { cls: 'int', size, signed: (bits0 & 8) !== 0, littleEndian: le, cset: 0 }
  }
  if (cls === 1) {
    need(20)
    const ieee: Record<number, number[]> = { 2: [15, 10, 5, 0, 10, 15], 4: [31, 23, 8, 0, 23, 127], 8: [63, 52, 11, 0, 52, 1023] }
    const want = ieee[size]
    const got = [b.u8at(at + 2), b.u8at(at + 12), b.u8at(at + 13), b.u8at(at + 14), b.u8at(at + 15), b.u32(at + 16)]
    // IEEE 754 binary16/32/64 only: no VAX byte order (bit 6), implied mantissa MSB (bits 4-5 = 2).
    if (!want || bits0 & 0x40 || ((bits0 >> 4) & 3) !== 2 || b.u16(at + 8) !== 0 || b.u16(at + 10) !== 8 * size || want.some((w, i) => w !== got[i])) {
      throw new Unsupported('float layout')
    }
    return { cls: 'float', size, signed: false, littleEndian: le, cset: 0 }
  }
  if (cls === 3) return { cls: 'string', size, signed: false, littleEndian: true, cset: bits0 >> 4 }
  if (cls === 5) return { cls: 'opaque', size, signed: false, littleEndian: true, cset: 0 }
  if (cls === 9) {
    // Variable-length strings (type 1) only; each element is a length, a collection address and an index.
    if ((bits0 & 0x0f) !== 1 || size !== 16) throw new Unsupported('variable-length sequence')
    return { cls: 'vlen-string', size, signed: false, littleEndian: true, cset: b.u8at(at + 2) & 0x0f }
  }
  throw new Unsupported(`datatype class ${cls}`)
}

/** The dataspace message at `at`: its dimensions, or null for a null dataspace. */
export function readDataspace(b: Bytes, at: number, len: number): number[] | null {
  if (len < 4) throw new Corrupt(`the dataspace message at byte ${at} is too short`)
  const version = b.u8at(at)
  const rank = b.u8at(at + 1)
  const flags = b.u8at(at + 2)
  let dims: number
  if (version === 1) {
    if (flags & 2) throw new Unsupported('dataspace permutation')
    dims = at + 8
  } else if (version === 2) {
    const type = b.u8at(at + 3)
    if (type === 2) return null
    if (type > 2) throw new Corrupt(`the dataspace message at byte ${at} has type ${type}`)
    dims = at + 4
  } else {
    throw new Unsupported('dataspace version')
  }
  if (rank > 32) throw new Corrupt(`the dataspace message at byte ${at} has rank ${rank} (at most 32)`)
  if (dims + 8 * rank * (flags & 1 ? 2 : 1) > at + len) throw new Corrupt(`the dataspace message at byte ${at} is too short`)
  const shape: number[] = []
  for (let i = 0; i < rank; i++) shape.push(b.len(dims + 8 * i))
  return shape
}

/** A parsed attribute message: name, type, dimensions, and where its raw data starts. */
export interface RawAttribute {
  readonly name: string
  readonly type: Datatype
  readonly dims: number[] | null
  readonly data: number
  readonly end: number
}

/** The attribute message at `msg` (versions 1 to 3, no shared datatype or dataspace). */
export function readAttribute(b: Bytes, msg: Message): RawAttribute {
  const { at, size } = msg
  const end = at + size
  if (size < 8) throw new Corrupt(`the attribute message at byte ${at} is too short`)
  const version = b.u8at(at)
  if (version < 1 || version > 3) throw new Unsupported('attribute message version')
  if (version > 1 && b.u8at(at + 1) & 3) throw new Unsupported('shared attribute datatype or dataspace')
  const nameSize = b.u16(at + 2)
  const typeSize = b.u16(at + 4)
  const spaceSize = b.u16(at + 6)
  // Version 1 pads name, datatype and dataspace to 8 bytes; version 3 adds the name's character set.
  const pad = (n: number): number => (version === 1 ? Math.ceil(n / 8) * 8 : n)
  const cset = version === 3 ? b.u8at(at + 8) : 0
  const nameAt = at + (version === 3 ? 9 : 8)
  const typeAt = nameAt + pad(nameSize)
  const spaceAt = typeAt + pad(typeSize)
  const data = spaceAt + pad(spaceSize)
  if (data > end || nameSize === 0) throw new Corrupt(`the attribute message at byte ${at} is malformed`)
  const rawName = b.view(nameAt, nameSize, 'an attribute name')
  if (rawName.indexOf(0) < 0) throw new Corrupt(`the attribute name at byte ${nameAt} is not NUL-terminated`)
  return { name: text(rawName, cset), type: readDatatype(b, typeAt, typeSize), dims: readDataspace(b, spaceAt, spaceSize), data, end }
}

/** Attribute and dataset element types as the h5wasm reader reports them (`StoredType`). */
export function storedTypeOf(t: Datatype): StoredType {
  return { kind: t.cls === 'int' ? 'int' : 'float', size: t.size, signed: t.signed, littleEndian: t.littleEndian }
}

/**
 * A link message (compact "new-style" groups): the member's name, object address (hard links only) and
 * creation order (-1 when the link carries none).
 */
export function readLink(b: Bytes, msg: Message): [string, number, number] {
  const { at, size } = msg
  const end = at + size
  if (b.u8at(at) !== 1) throw new Unsupported('link message version')
  const flags = b.u8at(at + 1)
  let p = at + 2
  const linkType = flags & 0x08 ? b.u8at(p++) : 0
  if (linkType !== 0) throw new Unsupported('soft or external link')
  const order = flags & 0x04 ? b.len(p) : -1
  if (flags & 0x04) p += 8
  const cset = flags & 0x10 ? b.u8at(p++) : 0
  const lenSize = 1 << (flags & 3)
  const nameLen = b.uint(p, lenSize)
  p += lenSize
  if (p + nameLen + 8 > end) throw new Corrupt(`the link message at byte ${at} is malformed`)
  const name = text(b.view(p, nameLen, 'a link name'), cset)
  if (name.length === 0 || b.u8.subarray(p, p + nameLen).includes(0)) throw new Corrupt(`the link name at byte ${p} is malformed`)
  return [name, b.addr(p + nameLen, 'a link'), order]
}

/** Global heap collections (where variable-length strings live), parsed once each. */
export class GlobalHeaps {
  private readonly b: Bytes
  private readonly collections = new Map<number, Map<number, [number, number]>>()
  constructor(b: Bytes) { this.b = b }

  /** The object `index` of the collection at `at`: its data offset and size. */
  object(at: number, index: number): [number, number] {
    let objects = this.collections.get(at)
    if (!objects) {
      const b = this.b
      if (!b.sig(at, 'GCOL') || b.u8at(at + 4) !== 1) throw new Corrupt(`no global heap collection at byte ${at}`)
      const size = b.len(at + 8)
      b.check(at, size, 'a global heap collection')
      b.spend(size)
      objects = new Map()
      const end = at + size
      for (let p = at + 16; p + 16 <= end;) {
        const i = b.u16(p)
        const objSize = b.len(p + 8)
        // Index 0 is the collection's free space, which runs to its end.
        if (i === 0) break
        if (p + 16 + objSize > end) throw new Corrupt(`a global heap object at byte ${p} runs past its collection`)
        objects.set(i, [p + 16, objSize])
        p += 16 + Math.ceil(objSize / 8) * 8
      }
      this.collections.set(at, objects)
    }
    const obj = objects.get(index)
    if (!obj) throw new Corrupt(`the global heap collection at byte ${at} has no object ${index}`)
    return obj
  }
}
