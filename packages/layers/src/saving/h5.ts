/**
 * @file HDF5 through h5wasm, loaded lazily (`await import('h5wasm')`): read-only access to files
 * held in memory with guarded getters (no links, no virtual datasets, size caps before any read),
 * and a writer that produces the bytes of a new file. Files live in h5wasm's in-memory FS only
 * while open. `H5Reader.open` tries kx's own reader (h5-read-kx.ts) first, then the pure-JS jsfive reader
 * (h5-read-js.ts), both loaded lazily, so an app that only reads Keras files downloads neither jsfive nor h5wasm.
 */
import { FileFormatError, fmt, type DType, type TypedArray } from '@kx/core'
import { utf8Encode } from './io.js'
import { checkedSize, decodeStored, encodeHost, storedDtypeOf, type StoredType } from './hostData.js'

/* eslint-disable @typescript-eslint/no-explicit-any */
interface H5Lib { readonly lib: any; readonly Module: any }
// `lib` is h5wasm's module namespace (File, Attribute, dtype_to_metadata); `Module` its wasm module.
let loading: Promise<H5Lib> | undefined

/** Loads h5wasm once (about 250 ms the first time). */
export async function loadH5(): Promise<H5Lib> {
  loading ??= (async () => {
    const lib: any = await import('h5wasm')
    const Module = await lib.ready
    // NOTE: turns HDF5's printed diagnostics into thrown errors, so corrupt files fail quietly and typed.
    Module.activate_throwing_error_handler?.()
    return { lib, Module }
  })()
  return loading
}

let counter = 0
const tempName = (): string => `/kx_h5_${counter++}.h5`

/** Bytes kx reads from one dataset at most (the wasm heap is capped at 2 GiB). */
export const MAX_DATASET_BYTES = 1 << 30
const MAX_ATTR_BYTES = 64 << 20
const MAX_KEYS = 1 << 20

/** Shortens an HDF5 diagnostic to its most telling lines. */
function h5Message(e: unknown): string {
  const text = String((e as { message?: unknown })?.message ?? e)
  const minors = [...text.matchAll(/minor: ([^\n]+)/g)].map((m) => m[1]!.trim())
  const first = text.split('\n').find((l) => /#000:/.test(l))?.replace(/^.*?in /, '') ?? text.split('\n')[0]!
  return [first.trim(), ...new Set(minors)].slice(0, 4).join('; ').slice(0, 400)
}

function splitPath(path: string, where: string): string[] {
  const parts = path.split('/').filter((p) => p !== '')
  for (const p of parts) {
    if (p === '.' || p === '..') throw new FileFormatError(`${where}: invalid HDF5 path ${fmt(path)}.`)
  }
  return parts
}

/** A read-only HDF5 file held in memory: what kx's own (h5-read-kx.ts), the jsfive (h5-read-js.ts) and the h5wasm readers share. */
export type H5Reader = Pick<WasmH5Reader, 'label' | 'byteLength' | 'kind' | 'has' | 'isGroup' | 'isDataset' | 'keys' | 'attrNames' | 'attr' | 'datasetInfo' | 'readDataset' | 'close'>

/**
 * Opens HDF5 bytes for reading; `label` names the file (and archive member) in errors. kx's own reader
 * reads what h5py writes for Keras; a file using anything else goes to jsfive, then to h5wasm. A file kx's
 * reader finds corrupt raises its typed error at once.
 */
export const H5Reader = {
  async open(bytes: Uint8Array, label: string): Promise<H5Reader> {
    const kx = (await import('./h5-read-kx.js')).openKxH5(bytes, label)
    if (kx) return kx
    return (await (await import('./h5-read-js.js')).openJsH5(bytes, label)) ?? WasmH5Reader.open(bytes, label)
  },
}

/** A read-only HDF5 file held in memory, read by h5wasm. */
export class WasmH5Reader {
  readonly label: string
  /** Size of the file in bytes. */
  readonly byteLength: number
  private readonly h5: H5Lib
  private readonly file: any
  private readonly fsName: string
  private closed = false
  // NOTE: the file is read-only, so lookups are cached (each one walks every component of a path).
  private readonly kinds = new Map<string, 'group' | 'dataset' | null>()
  private readonly children = new Map<string, string[]>()
  private readonly infos = new Map<string, { shape: number[]; type: StoredType }>()

  private constructor(h5: H5Lib, file: any, fsName: string, label: string, byteLength: number) {
    this.h5 = h5
    this.file = file
    this.fsName = fsName
    this.label = label
    this.byteLength = byteLength
  }

  /** Opens HDF5 bytes; `label` names the file (and archive member) in errors. */
  static async open(bytes: Uint8Array, label: string): Promise<H5Reader> {
    checkGlobalHeaps(bytes, label)
    const h5 = await loadH5()
    const { FS } = h5.Module
    const name = tempName()
    FS.writeFile(name, bytes)
    let file: any
    try {
      file = new h5.lib.File(name, 'r')
      file.keys()
    } catch (e) {
      try { file?.close() } catch { /* already failed */ }
      try { FS.unlink(name) } catch { /* not there */ }
      throw new FileFormatError(`${label} is not a readable HDF5 file (truncated or corrupt): ${h5Message(e)}. Re-save or re-download the file.`)
    }
    return new WasmH5Reader(h5, file, name, label, bytes.byteLength)
  }

  private guard<T>(what: string, fn: () => T): T {
    if (this.closed) throw new FileFormatError(`${this.label} is closed.`)
    try {
      return fn()
    } catch (e) {
      if (e instanceof FileFormatError) throw e
      throw new FileFormatError(`${this.label}: cannot read ${what} (the file is corrupt): ${h5Message(e)}`)
    }
  }

  /** The kind of object at `path` (following no links), or null when absent. */
  kind(path: string): 'group' | 'dataset' | null {
    const parts = splitPath(path, this.label)
    if (parts.length === 0) return 'group'
    const key = `/${parts.join('/')}`
    const cached = this.kinds.get(key)
    if (cached !== undefined) return cached
    const parentKind = parts.length === 1 ? 'group' : this.kind(parts.slice(0, -1).join('/'))
    if (parentKind !== 'group') { this.kinds.set(key, null); return null }
    const parent = parts.length === 1 ? '/' : `/${parts.slice(0, -1).join('/')}`
    const kind = this.guard(fmt(path), () => {
      const M = this.h5.Module
      if (!this.childNames(parent).includes(parts.at(-1)!)) return null
      const t = M.get_type(this.file.file_id, key)
      if (t === M.H5G_LINK || t === M.H5G_UDLINK) {
        throw new FileFormatError(`${this.label}: not allowed: the HDF5 file holds a link at ${fmt(key)} (soft or external links are refused).`)
      }
      if (this.isSoftLink(key)) throw new FileFormatError(`${this.label}: not allowed: the HDF5 file holds a soft link at ${fmt(key)}.`)
      return t === M.H5G_GROUP ? 'group' : t === M.H5G_DATASET ? 'dataset' : null
    })
    this.kinds.set(key, kind)
    return kind
  }

  private childNames(group: string): string[] {
    let names = this.children.get(group)
    if (!names) {
      names = this.h5.Module.get_names(this.file.file_id, group, false) as string[]
      if (names.length > MAX_KEYS) throw new FileFormatError(`${this.label}: group ${fmt(group)} lists ${names.length} members, too many.`)
      this.children.set(group, names)
    }
    return names
  }

  private isSoftLink(path: string): boolean {
    const target = this.h5.Module.get_symbolic_link(this.file.file_id, path)
    return typeof target === 'string' && target.length > 0
  }

  has(path: string): boolean { return this.kind(path) !== null }
  isGroup(path: string): boolean { return this.kind(path) === 'group' }
  isDataset(path: string): boolean { return this.kind(path) === 'dataset' }

  /** Names of a group's members (sorted as HDF5 lists them). */
  keys(path: string): string[] {
    if (this.kind(path) !== 'group') throw new FileFormatError(`${this.label}: expected a group at ${fmt(path)}.`)
    return this.guard(fmt(path), () => this.childNames(normalize(path)).slice())
  }

  /** Attribute names of a group or dataset. */
  attrNames(path: string): string[] {
    if (!this.has(path)) return []
    return this.guard(`attributes of ${fmt(path)}`, () => this.h5.Module.get_attribute_names(this.file.file_id, normalize(path)) as string[])
  }

  /** An attribute's value (strings, string arrays, numbers, numeric arrays), or undefined. */
  attr(path: string, name: string): unknown {
    if (!this.attrNames(path).includes(name)) return undefined
    return this.guard(`attribute ${fmt(name)} of ${fmt(path)}`, () => {
      const meta = this.h5.Module.get_attribute_metadata(this.file.file_id, normalize(path), name)
      if (meta.total_size * meta.size > MAX_ATTR_BYTES) throw new FileFormatError(`${this.label}: attribute ${fmt(name)} of ${fmt(path)} is too large.`)
      const a = new this.h5.lib.Attribute(this.file.file_id, normalize(path), name)
      return a.json_value
    })
  }

  /** A dataset's shape and stored element type, without reading it. */
  datasetInfo(path: string): { shape: number[]; type: StoredType } {
    const hit = this.infos.get(normalize(path))
    if (hit) return { shape: hit.shape.slice(), type: hit.type }
    if (this.kind(path) !== 'dataset') throw new FileFormatError(`${this.label}: expected a dataset at ${fmt(path)}.`)
    const info = this.guard(`dataset ${fmt(path)}`, (): { shape: number[]; type: StoredType } => {
      const m = this.h5.Module.get_dataset_metadata(this.file.file_id, normalize(path))
      if (m.virtual_sources && m.virtual_sources.length) throw new FileFormatError(`${this.label}: not allowed: virtual dataset at ${fmt(path)}.`)
      const shape: number[] = (m.shape ?? []).map(Number)
      const cls = m.type as number
      // Keras marks bfloat16 with `attrs["dtype"] == "bfloat16"` on a 2-byte opaque (or uint16) dataset.
      const bf = m.size === 2 && (cls === 5 || cls === 0) && this.attrNames(path).includes('dtype') && this.attr(path, 'dtype') === 'bfloat16'
      if (bf) return { shape, type: { kind: 'int', size: 2, signed: false, littleEndian: true, bfloat16: true } }
      const kind: StoredType['kind'] = cls === 0 || cls === 4 || cls === 8 ? 'int' : cls === 1 ? 'float' : 'other'
      return { shape, type: { kind, size: m.size, signed: !!m.signed, littleEndian: m.littleEndian !== false } }
    })
    this.infos.set(normalize(path), info)
    return { shape: info.shape.slice(), type: info.type }
  }

  /** Reads a whole dataset into the host storage of `dtype` (size checked before allocation). */
  readDataset(path: string, dtype: DType): { data: TypedArray; shape: number[] } {
    const { shape, type } = this.datasetInfo(path)
    const where = `${this.label}:${normalize(path)}`
    const count = checkedSize(shape, where)
    const nbytes = count * type.size
    if (nbytes > MAX_DATASET_BYTES) throw new FileFormatError(`${where}: dataset of ${nbytes} bytes exceeds the ${MAX_DATASET_BYTES}-byte limit for one read.`)
    const raw = this.guard(`dataset ${fmt(path)}`, () => {
      const M = this.h5.Module
      const ptr = M._malloc(Math.max(nbytes, 1))
      if (!ptr) throw new FileFormatError(`${where}: out of memory reading ${nbytes} bytes.`)
      try {
        M.get_dataset_data(this.file.file_id, normalize(path), null, null, null, BigInt(ptr))
        return M.HEAPU8.slice(ptr, ptr + nbytes) as Uint8Array
      } finally {
        M._free(ptr)
      }
    })
    // NOTE: h5wasm hands data back in the machine's byte order (little-endian), whatever the file's order.
    return { data: decodeStored(raw, { ...type, littleEndian: true }, count, dtype, where), shape }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    try { this.file.close() } catch { /* best effort */ }
    try { this.h5.Module.FS.unlink(this.fsName) } catch { /* best effort */ }
  }
}

/**
 * Validates every global heap collection ("GCOL", where HDF5 keeps variable-length strings) before
 * libhdf5 parses it: a corrupt object size there sends the C library into an endless loop.
 */
export function checkGlobalHeaps(bytes: Uint8Array, label: string): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const n = bytes.length
  for (let i = bytes.indexOf(0x47); i >= 0 && i + 16 <= n; i = bytes.indexOf(0x47, i + 1)) {
    if (bytes[i + 1] !== 0x43 || bytes[i + 2] !== 0x4f || bytes[i + 3] !== 0x4c) continue
    if (bytes[i + 4] !== 1 || bytes[i + 5] !== 0 || bytes[i + 6] !== 0 || bytes[i + 7] !== 0) continue
    const size = Number(dv.getBigUint64(i + 8, true))
    const bad = (why: string): never => { throw new FileFormatError(`${label} is corrupt: its global heap at byte ${i} ${why}. Re-save or re-download the file.`) }
    if (size < 4096) continue
    if (i + size > n) bad(`declares ${size} bytes past the end of the file`)
    let p = i + 16
    const end = i + size
    let objects = 0
    while (p + 16 <= end) {
      const index = dv.getUint16(p, true)
      const objSize = Number(dv.getBigUint64(p + 8, true))
      if (index === 0) {
        // HDF5 keeps one free-space object covering exactly the rest of the collection.
        if (objSize !== end - p) bad(`declares ${objSize} bytes of free space where ${end - p} remain`)
        break
      }
      if (objSize > size) bad(`holds an object of ${objSize} bytes`)
      p += 16 + Math.ceil(objSize / 8) * 8
      if (p > end) bad('holds an object that runs past the collection')
      if (++objects > 1 << 20) bad('holds too many objects')
    }
  }
}

function normalize(path: string): string {
  const parts = path.split('/').filter((p) => p !== '')
  return `/${parts.join('/')}`
}

/** A new HDF5 file built in memory; `finish()` returns its bytes. */
export class H5Writer {
  private readonly h5: H5Lib
  private readonly file: any
  private readonly fsName: string
  private readonly groups = new Set<string>([''])
  private done = false

  private constructor(h5: H5Lib, file: any, fsName: string) {
    this.h5 = h5
    this.file = file
    this.fsName = fsName
  }

  static async create(): Promise<H5Writer> {
    const h5 = await loadH5()
    const name = tempName()
    return new H5Writer(h5, new h5.lib.File(name, 'w'), name)
  }

  /** Creates a group and its parents (idempotent). */
  group(path: string): void {
    let cur = ''
    for (const p of splitPath(path, 'HDF5 writer')) {
      const next = `${cur}/${p}`
      if (!this.groups.has(next)) {
        this.h5.Module.create_group(this.file.file_id, next, false)
        this.groups.add(next)
      }
      cur = next
    }
  }

  /** Sets a string (or string-list) attribute on a group or dataset. */
  setAttr(path: string, name: string, value: string | string[] | number): void {
    const obj = normalize(path) === '/' ? this.file : this.file.get(normalize(path))
    if (Array.isArray(value)) {
      // NOTE: like numpy's `np.asarray(list_of_bytes)`, a list of names is a fixed-length string array.
      const width = Math.max(1, ...value.map((v) => utf8Encode(v).length))
      if (value.length === 0) obj.create_attribute(name, new Float64Array(0), [0], '<d')
      else obj.create_attribute(name, value, [value.length], `S${width}`)
    } else {
      obj.create_attribute(name, value)
    }
  }

  /** Writes a dataset from host data of `dtype` (little-endian; float16 and bfloat16 as float32). */
  dataset(groupPath: string, name: string, data: TypedArray, shape: readonly number[], dtype: DType): void {
    this.group(groupPath)
    const { h5 } = storedDtypeOf(dtype)
    const bytes = encodeHost(data, dtype)
    const M = this.h5.Module
    const meta = this.h5.lib.dtype_to_metadata ? this.h5.lib.dtype_to_metadata(h5) : undefined
    const path = `${normalize(groupPath) === '/' ? '' : normalize(groupPath)}/${name}`
    const md = meta ?? fallbackMeta(h5)
    const ptr = M._malloc(Math.max(bytes.byteLength, 1))
    try {
      M.HEAPU8.set(bytes, ptr)
      M.create_dataset(this.file.file_id, path, BigInt(ptr), {
        ...md, shape: shape.map(BigInt), maxshape: shape.map(BigInt), chunks: null, compression: 0, compression_opts: [], track_order: false,
      })
    } finally {
      M._free(ptr)
    }
  }

  /** Closes the file and returns its bytes. */
  finish(): Uint8Array {
    if (this.done) throw new FileFormatError('HDF5 writer already finished.')
    this.done = true
    this.file.close()
    const bytes = this.h5.Module.FS.readFile(this.fsName) as Uint8Array
    this.h5.Module.FS.unlink(this.fsName)
    return bytes
  }

  /** Discards the file. */
  abort(): void {
    if (this.done) return
    this.done = true
    try { this.file.close() } catch { /* best effort */ }
    try { this.h5.Module.FS.unlink(this.fsName) } catch { /* best effort */ }
  }
}

function fallbackMeta(h5: string): Record<string, unknown> {
  const m = /^<([bhiqefdBHIQ])$/.exec(h5)
  const c = m ? m[1]! : 'f'
  const sizes: Record<string, number> = { b: 1, h: 2, i: 4, q: 8, e: 2, f: 4, d: 8 }
  const float = c === 'e' || c === 'f' || c === 'd'
  return { type: float ? 1 : 0, size: sizes[c.toLowerCase()] ?? 4, signed: float || c === c.toLowerCase(), littleEndian: true, vlen: false }
}
