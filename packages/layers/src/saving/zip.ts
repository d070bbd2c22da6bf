/**
 * @file ZIP archives (`.keras`) for untrusted input: the central directory is parsed and checked
 * (bounds, duplicates, encryption, ZIP64), each member is inflated with fflate's streaming
 * `Inflate` in 16 KiB pieces and stopped as soon as it outgrows its declared size or the cap
 * (zip bombs), and its CRC-32 is verified. Writing uses fflate's `zipSync` with stored members,
 * as Keras writes them.
 */
import { FileFormatError, fmt } from '@kx/core'
import { utf8Decode } from './io.js'

/** One member of an archive, from the central directory. */
export interface ZipEntry {
  readonly name: string
  readonly method: number
  readonly crc: number
  readonly compressedSize: number
  readonly size: number
  readonly localOffset: number
  readonly flags: number
}

/** Limits applied while reading an archive. */
export interface ZipLimits {
  /** Largest uncompressed member accepted, in bytes (default 2 GiB − 1). */
  readonly maxEntryBytes?: number
  /** Most members accepted (default 100 000). */
  readonly maxEntries?: number
}

const DEFAULT_MAX_ENTRY = 2 ** 31 - 1
// NOTE: DEFLATE cannot expand more than ~1032:1, so a larger declared ratio on a big member is a lie.
const MAX_RATIO = 1100
const RATIO_FLOOR = 1 << 20
const PIECE = 16 * 1024

let crcTable: Uint32Array | undefined
/** CRC-32 (IEEE 802.3, as ZIP uses it). */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      crcTable[n] = c >>> 0
    }
  }
  let c = 0xffffffff
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** A ZIP archive held in memory; members are decompressed on demand. */
export class ZipReader {
  readonly label: string
  private readonly bytes: Uint8Array
  private readonly dv: DataView
  private readonly entries = new Map<string, ZipEntry>()
  private readonly limits: Required<ZipLimits>

  private constructor(bytes: Uint8Array, label: string, limits: ZipLimits) {
    this.bytes = bytes
    this.label = label
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.limits = { maxEntryBytes: limits.maxEntryBytes ?? DEFAULT_MAX_ENTRY, maxEntries: limits.maxEntries ?? 100_000 }
  }

  /** Parses the archive's directory (throws a FileFormatError for anything malformed). */
  static open(bytes: Uint8Array, label: string, limits: ZipLimits = {}): ZipReader {
    const z = new ZipReader(bytes, label, limits)
    z.parse()
    return z
  }

  private fail(what: string): never {
    throw new FileFormatError(`${this.label} is not a valid .keras (zip) archive: ${what}. The file is truncated or corrupt; re-save or re-download it.`)
  }

  private u16(o: number): number { if (o + 2 > this.bytes.length) this.fail('a record runs past the end'); return this.dv.getUint16(o, true) }
  private u32(o: number): number { if (o + 4 > this.bytes.length) this.fail('a record runs past the end'); return this.dv.getUint32(o, true) }
  private u64(o: number): number {
    if (o + 8 > this.bytes.length) this.fail('a record runs past the end')
    const v = this.dv.getBigUint64(o, true)
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail('a ZIP64 size is out of range')
    return Number(v)
  }

  private parse(): void {
    const n = this.bytes.length
    if (n < 22) this.fail(`only ${n} bytes`)
    let eocd = -1
    for (let o = n - 22; o >= Math.max(0, n - 22 - 0xffff); o--) {
      if (this.dv.getUint32(o, true) === 0x06054b50) { eocd = o; break }
    }
    if (eocd < 0) this.fail('no end-of-central-directory record')
    let count = this.u16(eocd + 10)
    let cdSize = this.u32(eocd + 12)
    let cdOffset = this.u32(eocd + 16)
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const loc = eocd - 20
      if (loc < 0 || this.u32(loc) !== 0x07064b50) this.fail('missing ZIP64 locator')
      const rec = this.u64(loc + 8)
      if (this.u32(rec) !== 0x06064b50) this.fail('bad ZIP64 end record')
      count = this.u64(rec + 32)
      cdSize = this.u64(rec + 40)
      cdOffset = this.u64(rec + 48)
    }
    if (count > this.limits.maxEntries) this.fail(`${count} members (limit ${this.limits.maxEntries})`)
    if (cdOffset + cdSize > n) this.fail('the central directory lies outside the file')
    let o = cdOffset
    for (let i = 0; i < count; i++) {
      if (this.u32(o) !== 0x02014b50) this.fail(`bad central directory entry #${i}`)
      const flags = this.u16(o + 8)
      const method = this.u16(o + 10)
      const crc = this.u32(o + 16)
      let compressedSize = this.u32(o + 20)
      let size = this.u32(o + 24)
      const nameLen = this.u16(o + 28)
      const extraLen = this.u16(o + 30)
      const commentLen = this.u16(o + 32)
      let localOffset = this.u32(o + 42)
      const end = o + 46 + nameLen + extraLen + commentLen
      if (end > n) this.fail(`central directory entry #${i} runs past the end`)
      const name = utf8Decode(this.bytes.subarray(o + 46, o + 46 + nameLen), `${this.label}: member #${i} name`)
      // ZIP64 extra field: 64-bit sizes/offset for the fields set to 0xffffffff.
      let e = o + 46 + nameLen
      const extraEnd = e + extraLen
      while (e + 4 <= extraEnd) {
        const id = this.u16(e)
        const len = this.u16(e + 2)
        if (id === 0x0001) {
          let p = e + 4
          if (size === 0xffffffff) { size = this.u64(p); p += 8 }
          if (compressedSize === 0xffffffff) { compressedSize = this.u64(p); p += 8 }
          if (localOffset === 0xffffffff) { localOffset = this.u64(p); p += 8 }
        }
        e += 4 + len
      }
      if (name.includes('\0') || name.length === 0) this.fail(`member #${i} has an invalid name`)
      if (this.entries.has(name)) this.fail(`duplicate member ${fmt(name)}`)
      this.entries.set(name, { name, method, crc, compressedSize, size, localOffset, flags })
      o = end
    }
  }

  /** Member names, in directory order. */
  names(): string[] { return [...this.entries.keys()] }
  has(name: string): boolean { return this.entries.has(name) }
  entry(name: string): ZipEntry | undefined { return this.entries.get(name) }

  /** Decompresses one member (size-capped and CRC-checked). */
  async read(name: string, maxBytes = this.limits.maxEntryBytes): Promise<Uint8Array> {
    const e = this.entries.get(name)
    const where = `${this.label}:${name}`
    if (!e) throw new FileFormatError(`${this.label} has no member ${fmt(name)}. Members: ${fmt(this.names().slice(0, 20))}`)
    if (e.flags & 1) throw new FileFormatError(`${where} is encrypted; kx cannot read encrypted archives.`)
    if (e.size > maxBytes) throw new FileFormatError(`${where} declares ${e.size} bytes, over the ${maxBytes}-byte limit. If the file is genuine, raise the limit (\`maxEntryBytes\`).`)
    if (e.size > RATIO_FLOOR && e.size > MAX_RATIO * Math.max(1, e.compressedSize)) {
      throw new FileFormatError(`Not allowed: ${where} declares ${e.size} bytes but stores only ${e.compressedSize}; refusing a potential decompression bomb.`)
    }
    const lo = e.localOffset
    if (this.u32(lo) !== 0x04034b50) throw new FileFormatError(`${where}: bad local header (the archive is corrupt).`)
    const start = lo + 30 + this.u16(lo + 26) + this.u16(lo + 28)
    if (start + e.compressedSize > this.bytes.length) throw new FileFormatError(`${where}: the member's data runs past the end of the archive (truncated file).`)
    const raw = this.bytes.subarray(start, start + e.compressedSize)
    let out: Uint8Array
    if (e.method === 0) {
      if (e.compressedSize !== e.size) throw new FileFormatError(`${where}: stored member sizes disagree (${e.compressedSize} vs ${e.size}).`)
      out = raw.slice()
    } else if (e.method === 8) {
      out = await inflateCapped(raw, e.size, where)
    } else {
      throw new FileFormatError(`${where} uses compression method ${e.method}; kx reads stored (0) and deflate (8) members only.`)
    }
    if (crc32(out) !== e.crc) throw new FileFormatError(`${where}: CRC-32 mismatch (the archive is corrupt).`)
    return out
  }
}

async function inflateCapped(raw: Uint8Array, declared: number, where: string): Promise<Uint8Array> {
  const { Inflate } = await import('./fflate-inflate.js')
  const out = new Uint8Array(declared)
  let total = 0
  let finished = false
  const inf = new Inflate((chunk: Uint8Array, final: boolean) => {
    if (total + chunk.length > declared) {
      throw new FileFormatError(`${where} inflates past its declared size of ${declared} bytes; refusing a potential decompression bomb.`)
    }
    out.set(chunk, total)
    total += chunk.length
    if (final) finished = true
  })
  try {
    for (let o = 0; o < raw.length; o += PIECE) inf.push(raw.subarray(o, Math.min(raw.length, o + PIECE)), o + PIECE >= raw.length)
    if (raw.length === 0) inf.push(new Uint8Array(0), true)
  } catch (e) {
    if (e instanceof FileFormatError) throw e
    throw new FileFormatError(`${where}: invalid deflate data (${(e as Error).message ?? e}).`)
  }
  if (!finished || total !== declared) throw new FileFormatError(`${where}: inflated to ${total} bytes, but the directory declares ${declared} (truncated or corrupt).`)
  return out
}

/** Builds a ZIP archive of stored (uncompressed) members, in the given order. */
export async function writeZip(files: readonly (readonly [string, Uint8Array])[]): Promise<Uint8Array> {
  const { zipSync } = await import('./fflate-zip.js')
  const input: Record<string, [Uint8Array, { level: 0 }]> = Object.create(null) as Record<string, [Uint8Array, { level: 0 }]>
  for (const [name, data] of files) input[name] = [data, { level: 0 }]
  return zipSync(input)
}
