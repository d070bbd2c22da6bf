/**
 * @file HDF5 reading through jsfive (pure JS, about 25 KB gzip against h5wasm's 1 MB), loaded lazily
 * (`await import('jsfive')`), so a page that only loads Keras files never downloads h5wasm. The whole
 * object tree (and every group's B-tree, see `checkGroupTree`) is walked once
 * at open, under caps, and every member is checked to be something this reader decodes exactly as the
 * h5wasm reader does; a file holding anything else (links, chunked or compressed or compact datasets,
 * opaque/enum/string datasets, dense attribute storage, a structure jsfive cannot parse) is left to the
 * h5wasm reader (`openJsH5` returns undefined), which then reads it or raises the typed error.
 */
import { FileFormatError, fmt, type DType, type TypedArray } from '@kx/core'
import { checkedSize, decodeStored, type StoredType } from './hostData.js'
import type { H5Reader } from './h5.js'
import { EntryH5Reader, type H5Entry } from './h5-entries.js'

/* eslint-disable @typescript-eslint/no-explicit-any */
let loading: Promise<any> | undefined
// @ts-expect-error -- jsfive ships no type declarations; its API is used untyped (`any`) here.
const loadJsfive = (): Promise<any> => (loading ??= import('jsfive'))

// Same caps as the h5wasm reader (h5.ts), plus bounds on the walk done at open.
const MAX_DATASET_BYTES = 1 << 30
const MAX_ATTR_BYTES = 64 << 20
const MAX_KEYS = 1 << 20
const MAX_OBJECTS = 1 << 16
const MAX_DEPTH = 64

const DATATYPE_MSG = 0x0003
const DATA_STORAGE_MSG = 0x0008
const FILTER_PIPELINE_MSG = 0x000b
const ATTRIBUTE_INFO_MSG = 0x0015
const EXTERNAL_FILES_MSG = 0x0007
const UNDEFINED_ADDRESS = 0xffffffffffffffffn

/** Thrown inside the walk: the file needs the h5wasm reader (the message is for debugging). */
class Unsupported extends Error {}

type Entry = H5Entry

/** A file the jsfive reader walked. */
class JsH5Reader extends EntryH5Reader {}

/** `<f4`, `>i8`, `|u1`… (jsfive's dtype strings) → the stored type; anything else is unsupported. */
function storedTypeOf(dtype: unknown): StoredType {
  const m = typeof dtype === 'string' ? /^([<>|=]?)([iuf])(\d+)$/.exec(dtype) : null
  if (!m) throw new Unsupported(`dtype ${String(dtype)}`)
  const size = Number(m[3])
  if (![1, 2, 4, 8].includes(size) || (m[2] === 'f' && size === 1)) throw new Unsupported(`dtype ${dtype as string}`)
  return { kind: m[2] === 'f' ? 'float' : 'int', size, signed: m[2] === 'i', littleEndian: m[1] !== '>' }
}

/**
 * A dataset's element type; 2-byte opaque data (how Keras stores bfloat16), which jsfive does not
 * decode, is read from the datatype message's class and size fields as raw uint16.
 */
function datasetType(obj: any): StoredType {
  try {
    return storedTypeOf(obj.dtype)
  } catch {
    const [msg] = obj._dataobjects.find_msg_type(DATATYPE_MSG)
    if (!msg) throw new Unsupported('no datatype')
    const dv = new DataView(obj._dataobjects.fh)
    const at = Number(msg.get('offset_to_message'))
    const cls = dv.getUint8(at) & 0x0f
    if (cls !== 5 || dv.getUint32(at + 4, true) !== 2) throw new Unsupported('datatype')
    return { kind: 'int', size: 2, signed: false, littleEndian: true }
  }
}

/** Attribute values as the h5wasm reader returns them: strings without NUL padding, plain numbers. */
function attrValue(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/\0+$/, '')
  if (typeof v === 'bigint') return Number(v)
  if (Array.isArray(v)) return v.map(attrValue)
  if (typeof v === 'number' || v === null) return v
  throw new Unsupported('attribute value')
}

function attrBytes(v: unknown): number {
  if (typeof v === 'string') return v.length
  if (Array.isArray(v)) return v.reduce((a: number, x) => a + attrBytes(x), 0)
  return 8
}

/** Byte offset of a contiguous dataset's data (layout message version 3, class 1). */
function contiguousOffset(obj: any, nbytes: number, fileBytes: number): number {
  const dobj = obj._dataobjects
  if (dobj.find_msg_type(FILTER_PIPELINE_MSG).length || dobj.find_msg_type(EXTERNAL_FILES_MSG).length) throw new Unsupported('filters')
  const [msg] = dobj.find_msg_type(DATA_STORAGE_MSG)
  if (!msg) throw new Unsupported('no layout')
  const [version, , layoutClass, propertyOffset] = dobj._get_data_message_properties(msg.get('offset_to_message'))
  if (version !== 3 || layoutClass !== 1) throw new Unsupported('not contiguous')
  const dv = new DataView(dobj.fh)
  const address = dv.getBigUint64(propertyOffset, true)
  const size = dv.getBigUint64(propertyOffset + 8, true)
  // Data never written reads as the fill value, which may not be zero: h5wasm reads it (kx's own reader, first
  // in the chain, already reads the zero-filled ones).
  if (address === UNDEFINED_ADDRESS) throw new Unsupported('never written')
  if (size < BigInt(nbytes) || address + BigInt(nbytes) > BigInt(fileBytes)) throw new Unsupported('data past the end')
  return Number(address)
}

/** Walks the file once: every group, dataset and attribute, or throws `Unsupported`. */
function walk(file: any, fileBytes: number): Map<string, Entry> {
  const entries = new Map<string, Entry>()
  const seen = new Set<number>()
  const visit = (obj: any, path: string, depth: number): void => {
    if (entries.size >= MAX_OBJECTS || depth > MAX_DEPTH) throw new Unsupported('too many objects')
    const address = Number(obj._dataobjects.offset)
    // NOTE: a hard link cycle (or a shared object) would make the walk unbounded; h5wasm handles those.
    if (seen.has(address)) throw new Unsupported('shared object')
    seen.add(address)
    if (obj._dataobjects.find_msg_type(ATTRIBUTE_INFO_MSG).length) throw new Unsupported('dense attributes')
    const attrs = new Map<string, unknown>()
    let attrTotal = 0
    for (const [name, value] of Object.entries(obj.attrs as Record<string, unknown>)) {
      if (value === null) throw new Unsupported('attribute type')
      attrTotal += attrBytes(value)
      if (attrTotal > MAX_ATTR_BYTES) throw new Unsupported('large attributes')
      attrs.set(name, attrValue(value))
    }
    if (obj instanceof jsfive.Dataset) {
      const shape = (obj.shape as unknown[]).map(Number)
      const type = datasetType(obj)
      // Keras marks bfloat16 with `attrs["dtype"] == "bfloat16"` on a 2-byte opaque (or uint16) dataset.
      const bf = type.kind === 'int' && type.size === 2 && !type.signed && attrs.get('dtype') === 'bfloat16'
      const count = checkedSize(shape, path)
      const nbytes = count * type.size
      // Oversized datasets go to h5wasm, which raises the same typed error on read.
      if (nbytes > MAX_DATASET_BYTES) throw new Unsupported('large dataset')
      const offset = contiguousOffset(obj, nbytes, fileBytes)
      entries.set(path, { kind: 'dataset', keys: [], attrs, shape, type: bf ? { ...type, bfloat16: true } : type, offset })
      return
    }
    const links = obj._links as Record<string, unknown>
    const keys = Object.keys(links)
    if (keys.length > MAX_KEYS) throw new Unsupported('too many keys')
    for (const k of keys) {
      if (typeof links[k] !== 'number' || k.includes('/') || k === '.' || k === '..' || k === '') throw new Unsupported('link')
    }
    keys.sort()
    entries.set(path, { kind: 'group', keys, attrs })
    for (const k of keys) visit(obj.get(k), path === '/' ? `/${k}` : `${path}/${k}`, depth + 1)
  }
  visit(file, '/', 0)
  return entries
}

let jsfive: any

/**
 * Opens HDF5 bytes with jsfive, or returns undefined when the file needs the h5wasm reader (see the
 * file comment). The bytes are copied: later changes to `bytes` do not affect the reader.
 */
export async function openJsH5(bytes: Uint8Array, label: string): Promise<H5Reader | undefined> {
  jsfive ??= await loadJsfive()
  const buffer = new BudgetBuffer(bytes.byteLength)
  new Uint8Array(buffer).set(bytes)
  let entries: Map<string, Entry>
  // NOTE: jsfive prints (with console.warn) raw bytes of attributes it cannot decode, then returns null
  // for them, which sends the file to h5wasm anyway; the walk is synchronous, so muting is contained.
  const warn = console.warn
  console.warn = () => {}
  guard = { nodes: new Set(), snods: new Set(), heaps: new Set(), entries: 0, symbols: 0, heapBytes: 0, copyBudget: 4 * bytes.byteLength + (64 << 20) }
  try {
    guardJsfive(buffer)
    entries = walk(new jsfive.File(buffer, label), buffer.byteLength)
  } catch {
    // Unsupported features and corrupt files alike: the h5wasm reader reads them or raises its typed error.
    return undefined
  } finally {
    console.warn = warn
    guard = undefined
  }
  return new JsH5Reader(new Uint8Array(buffer), entries, label)
}

/*
 * Bounds on jsfive's work. jsfive trusts a file's structure: a corrupt or hostile group B-tree whose
 * nodes are reused (or not nodes at all) makes it read up to 65535^depth entries, and overlapping heaps
 * make it copy the file over and over. During `openJsH5` (and only then, `guard` set), every group's
 * B-tree, symbol nodes and local heap are checked before jsfive reads them (each node visited once per
 * file, signatures and levels right, entry counts within the file), groups in dense (fractal heap)
 * storage are left to h5wasm, and the bytes jsfive copies out of the file are capped.
 */
interface Guard {
  readonly nodes: Set<number>
  readonly snods: Set<number>
  readonly heaps: Set<number>
  entries: number
  symbols: number
  heapBytes: number
  copyBudget: number
}
let guard: Guard | undefined

/** The file's bytes as jsfive sees them: every `slice` (jsfive's only way to copy) spends the budget. */
class BudgetBuffer extends ArrayBuffer {
  override slice(begin = 0, end = this.byteLength): ArrayBuffer {
    if (guard) {
      guard.copyBudget -= Math.max(0, Math.min(end, this.byteLength) - begin) + 64
      if (guard.copyBudget < 0) throw new Unsupported('copies too much')
    }
    return super.slice(begin, end)
  }
}

/** Checks a group's version 1 B-tree (type 0), its symbol table nodes and its local heap. */
function checkGroupTree(fh: ArrayBuffer, btree: number, heap: number, g: Guard): void {
  const n = fh.byteLength
  const dv = new DataView(fh)
  const bad = (why: string): never => { throw new Unsupported(why) }
  const sig = (at: number, s: string, size: number): boolean =>
    Number.isSafeInteger(at) && at >= 0 && at + size <= n && [...s].every((c, i) => dv.getUint8(at + i) === c.charCodeAt(0))
  if (g.heaps.has(heap) || !sig(heap, 'HEAP', 32)) bad('local heap')
  g.heaps.add(heap)
  g.heapBytes += Number(dv.getBigUint64(heap + 8, true))
  if (g.heapBytes > n) bad('local heaps larger than the file')
  const stack: [number, number][] = [[btree, -1]]
  while (stack.length) {
    const [at, level] = stack.pop()!
    if (g.nodes.has(at) || !sig(at, 'TREE', 32) || dv.getUint8(at + 4) !== 0) bad('B-tree node')
    g.nodes.add(at)
    const lv = dv.getUint8(at + 5)
    const entries = dv.getUint16(at + 6, true)
    if ((level >= 0 && lv !== level) || at + 32 + 16 * entries > n) bad('B-tree node')
    g.entries += entries
    if (g.entries > n / 16) bad('B-tree entries')
    for (let i = 0; i < entries; i++) {
      const child = Number(dv.getBigUint64(at + 32 + 16 * i, true))
      if (lv > 0) { stack.push([child, lv - 1]); continue }
      if (g.snods.has(child) || !sig(child, 'SNOD', 8)) bad('symbol table node')
      g.snods.add(child)
      const symbols = dv.getUint16(child + 6, true)
      g.symbols += symbols
      if (child + 8 + 40 * symbols > n || g.symbols > n / 40) bad('symbol table node')
    }
  }
}

let guarded = false
/**
 * Wraps jsfive's group-link readers with the checks above, once. jsfive does not export the class
 * they live on (DataObjects), so it is reached from the first object `File` builds: `File`'s
 * superclass is swapped for one that records the prototype and stops (restored right after).
 */
function guardJsfive(buffer: ArrayBuffer): void {
  if (guarded) return
  const Group = Object.getPrototypeOf(jsfive.File)
  let proto: any
  class Capture {
    constructor(_name: unknown, dataobjects: unknown) {
      proto = Object.getPrototypeOf(dataobjects)
      throw new Unsupported('captured')
    }
  }
  Object.setPrototypeOf(jsfive.File, Capture)
  try { new jsfive.File(buffer) } catch { /* expected: Capture stops it */ } finally { Object.setPrototypeOf(jsfive.File, Group) }
  const v1 = proto?._iter_links_btree_v1
  const v2 = proto?._iter_links_btree_v2
  if (typeof v1 !== 'function' || typeof v2 !== 'function') throw new Unsupported('jsfive internals')
  proto._iter_links_btree_v1 = function* (this: any, btree: unknown, heap: unknown): Generator<unknown> {
    if (guard) checkGroupTree(this.fh, Number(btree), Number(heap), guard)
    yield* v1.call(this, btree, heap)
  }
  proto._iter_links_btree_v2 = function* (this: any, ...args: unknown[]): Generator<unknown> {
    if (guard) throw new Unsupported('dense link storage')
    yield* v2.apply(this, args)
  }
  guarded = true
}


