/**
 * @file kx's own HDF5 reader for Keras weight files (`.weights.h5`, the weights inside `.keras`, legacy
 * `.h5`): a few KB of plain TypeScript, first in `H5Reader.open`'s chain, so a page that loads Keras files
 * downloads neither jsfive nor h5wasm. It decodes exactly the subset h5py writes for Keras (see
 * h5-read-kx-format.ts): groups (symbol tables, or compact link messages), attributes (numbers, fixed and
 * variable-length strings), and contiguous or compact datasets of integers, IEEE floats and bfloat16.
 * The whole tree is walked once at open, under the same caps as the other readers. Anything else (chunked
 * or compressed data, soft or external links, dense storage, committed datatypes…) makes `openKxH5` return
 * undefined so the next reader (jsfive, then h5wasm) reads the file; a file that breaks the format raises a
 * typed `FileFormatError` naming it.
 */
import { FileFormatError, fmt, type DType, type TypedArray } from '@kx/core'
import { checkedSize, decodeStored, type StoredType } from './hostData.js'
import { EntryH5Reader, TOO_LARGE, type H5Entry } from './h5-entries.js'
import {
  Bytes, Corrupt, GlobalHeaps, UNDEF, Unsupported, readAttribute, readDatatype, readDataspace, readLink, readObjectHeader,
  readSuperblock, storedTypeOf, text, type Datatype, type Message, type RawAttribute,
} from './h5-read-kx-format.js'

// The same caps as the h5wasm reader (h5.ts) and the jsfive reader (h5-read-js.ts).
const MAX_DATASET_BYTES = 1 << 30
const MAX_ATTR_BYTES = 64 << 20
const MAX_KEYS = 1 << 20
const MAX_OBJECTS = 1 << 16
const MAX_DEPTH = 64
const MAX_STRINGS = 1 << 20

// Header message types (specification §IV.A.2).
const M = {
  NIL: 0x00, DATASPACE: 0x01, LINK_INFO: 0x02, DATATYPE: 0x03, FILL_OLD: 0x04, FILL: 0x05, LINK: 0x06,
  LAYOUT: 0x08, GROUP_INFO: 0x0a, ATTRIBUTE: 0x0c, COMMENT: 0x0d, MTIME_OLD: 0x0e, CONTINUATION: 0x10,
  SYMBOL_TABLE: 0x11, MTIME: 0x12, BTREE_K: 0x13, ATTRIBUTE_INFO: 0x15, REFCOUNT: 0x16,
} as const
/** Messages that change nothing this reader reports; any type not handled or listed here is `Unsupported`. */
const IGNORED = new Set<number>([M.NIL, M.GROUP_INFO, M.COMMENT, M.MTIME_OLD, M.CONTINUATION, M.MTIME, M.BTREE_K, M.REFCOUNT])

type Entry = H5Entry

/** Walks the file once from its root group, building every entry. */
class Walker {
  readonly entries = new Map<string, Entry>()
  private readonly b: Bytes
  private readonly heaps: GlobalHeaps
  private readonly blocks = new Set<number>()
  private readonly treeNodes = new Set<number>()
  private readonly localHeaps = new Set<number>()

  constructor(b: Bytes) {
    this.b = b
    this.heaps = new GlobalHeaps(b)
  }

  visit(at: number, path: string, depth: number): void {
    if (this.entries.size >= MAX_OBJECTS || depth > MAX_DEPTH) throw new Unsupported('too many objects')
    // NOTE: an object reached twice (a hard link cycle, or a shared member) is valid HDF5 but unbounded to walk.
    if (this.blocks.has(at)) throw new Unsupported('object reached twice')
    const msgs = readObjectHeader(this.b, at, this.blocks)
    const byType = (t: number): Message[] => msgs.filter((m) => m.type === t)
    // Message flag bit 1: the message is shared (its body lives elsewhere, e.g. a committed datatype).
    if (msgs.some((m) => m.flags & 0x02)) throw new Unsupported('shared message')
    const attrs = this.attributes(byType(M.ATTRIBUTE), path)
    for (const m of byType(M.ATTRIBUTE_INFO)) {
      if (this.fractalHeap(m, M.ATTRIBUTE_INFO) !== UNDEF) throw new Unsupported('dense attribute storage')
    }
    const layout = byType(M.LAYOUT)
    if (layout.length) {
      this.only(msgs, [M.ATTRIBUTE, M.ATTRIBUTE_INFO, M.DATATYPE, M.DATASPACE, M.LAYOUT, M.FILL, M.FILL_OLD])
      this.entries.set(path, this.dataset(msgs, layout[0]!, attrs))
      return
    }
    this.only(msgs, [M.ATTRIBUTE, M.ATTRIBUTE_INFO, M.SYMBOL_TABLE, M.LINK_INFO, M.LINK])
    const members = new Map<string, number>()
    const add = (name: string, address: number): void => {
      if (name === '') throw new Corrupt(`the group ${fmt(path)} has a member with an empty name`)
      if (name.includes('/') || name === '.' || name === '..') throw new Unsupported('member name')
      if (members.has(name)) throw new Corrupt(`the group ${fmt(path)} lists ${fmt(name)} twice`)
      if (address === UNDEF) throw new Corrupt(`the member ${fmt(name)} of ${fmt(path)} has no address`)
      members.set(name, address)
      if (members.size > MAX_KEYS) throw new Unsupported('too many keys')
    }
    const table = byType(M.SYMBOL_TABLE)
    const links = byType(M.LINK)
    const info = byType(M.LINK_INFO)
    for (const m of info) {
      if (this.fractalHeap(m, M.LINK_INFO) !== UNDEF) throw new Unsupported('dense link storage')
    }
    if (table.length > 1 || info.length > 1 || (table.length && (links.length || info.length))) throw new Unsupported('mixed group storage')
    if (table.length) this.symbolTable(table[0]!, add)
    // Link info flags: bit 0 creation order tracked, bit 1 indexed. libhdf5 (h5wasm, h5py) lists an indexed
    // group in creation order; tracked but not indexed is left to the next reader.
    const infoFlags = info.length ? this.b.u8at(info[0]!.at + 1) & 3 : 0
    if (infoFlags === 1) throw new Unsupported('creation order tracked, not indexed')
    const order = new Map<string, number>()
    for (const m of links) {
      const [name, address, created] = readLink(this.b, m)
      if (infoFlags === 3 && created < 0) throw new Corrupt(`the link ${fmt(name)} of ${fmt(path)} has no creation order`)
      add(name, address)
      order.set(name, created)
    }
    // Otherwise names in byte order of their UTF-8 encoding, as libhdf5 lists them (JS sorts UTF-16 code units).
    const keys = infoFlags === 3 ? [...members.keys()].sort((x, y) => order.get(x)! - order.get(y)!) : [...members.keys()].sort(compareUtf8)
    this.entries.set(path, { kind: 'group', keys, attrs })
    for (const k of keys) this.visit(members.get(k)!, path === '/' ? `/${k}` : `${path}/${k}`, depth + 1)
  }

  /** Refuses message types outside `allowed` and the ignored ones. */
  private only(msgs: readonly Message[], allowed: readonly number[]): void {
    for (const m of msgs) if (!IGNORED.has(m.type) && !allowed.includes(m.type)) throw new Unsupported(`message type ${m.type}`)
  }

  /** The fractal heap address of a link info or attribute info message (undefined when storage is compact). */
  private fractalHeap(m: Message, type: number): number {
    const b = this.b
    if (b.u8at(m.at) !== 0) throw new Unsupported('info message version')
    const flags = b.u8at(m.at + 1)
    // Link info tracks creation order in 8 bytes, attribute info in 2.
    const skip = flags & 1 ? (type === M.LINK_INFO ? 8 : 2) : 0
    return b.addr(m.at + 2 + skip, 'a fractal heap')
  }

  /** A version 1 group B-tree (type 0), its symbol table nodes and its local heap. */
  private symbolTable(m: Message, add: (name: string, address: number) => void): void {
    const b = this.b
    const tree = b.addr(m.at, 'a group B-tree')
    const heap = b.addr(m.at + 8, 'a local heap')
    if (this.localHeaps.has(heap)) throw new Corrupt(`the local heap at byte ${heap} belongs to two groups`)
    this.localHeaps.add(heap)
    if (!b.sig(heap, 'HEAP') || b.u8at(heap + 4) !== 0) throw new Corrupt(`no local heap at byte ${heap}`)
    const heapSize = b.len(heap + 8)
    const heapData = b.addr(heap + 24, "a local heap's data")
    b.check(heapData, heapSize, "a local heap's data")
    const stack: [number, number][] = [[tree, -1]]
    while (stack.length) {
      const [at, level] = stack.pop()!
      // A node reached twice would make the walk cyclic or exponential.
      if (this.treeNodes.has(at)) throw new Corrupt(`the group B-tree node at byte ${at} is reached twice`)
      this.treeNodes.add(at)
      if (!b.sig(at, 'TREE') || b.u8at(at + 4) !== 0) throw new Corrupt(`no group B-tree node at byte ${at}`)
      const lv = b.u8at(at + 5)
      const n = b.u16(at + 6)
      if (level >= 0 && lv !== level) throw new Corrupt(`the B-tree node at byte ${at} has level ${lv} where ${level} was expected`)
      // Header 24 bytes, then keys (8) and children (8) interleaved, one more key at the end.
      b.check(at, 24 + 16 * n + 8, 'a group B-tree node')
      b.spend(16 * n)
      for (let i = 0; i < n; i++) {
        const child = b.addr(at + 32 + 16 * i, 'a group B-tree child')
        if (lv > 0) { stack.push([child, lv - 1]); continue }
        this.symbols(child, heapData, heapSize, add)
      }
    }
  }

  /** A symbol table node ("SNOD"): its entries' names (from the local heap) and object addresses. */
  private symbols(at: number, heapData: number, heapSize: number, add: (name: string, address: number) => void): void {
    const b = this.b
    if (this.treeNodes.has(at)) throw new Corrupt(`the symbol table node at byte ${at} is reached twice`)
    this.treeNodes.add(at)
    if (!b.sig(at, 'SNOD') || b.u8at(at + 4) !== 1) throw new Corrupt(`no symbol table node at byte ${at}`)
    const n = b.u16(at + 6)
    b.check(at, 8 + 40 * n, 'a symbol table node')
    b.spend(40 * n)
    for (let i = 0; i < n; i++) {
      const e = at + 8 + 40 * i
      const nameOffset = b.len(e)
      // Cache type 0: nothing cached, 1: a group's B-tree and heap in the scratch pad, 2: a soft link.
      const cache = b.u32(e + 16)
      if (cache === 2) throw new Unsupported('soft link')
      if (cache > 2) throw new Corrupt(`a symbol table entry at byte ${e} has cache type ${cache}`)
      if (nameOffset >= heapSize) throw new Corrupt(`a symbol's name offset ${nameOffset} lies past its local heap (${heapSize} bytes)`)
      add(b.cstring(heapData + nameOffset, heapData + heapSize, 'a member name'), b.addr(e + 8, 'an object header'))
    }
  }

  private attributes(msgs: readonly Message[], path: string): Map<string, unknown> {
    const attrs = new Map<string, unknown>()
    for (const m of msgs) {
      const a = readAttribute(this.b, m)
      if (attrs.has(a.name)) throw new Corrupt(`${fmt(path)} has two attributes named ${fmt(a.name)}`)
      attrs.set(a.name, this.attrValue(a, path))
    }
    return attrs
  }

  /** An attribute's value as the h5wasm reader returns it: a scalar, or a flat array in C order. */
  private attrValue(a: RawAttribute, path: string): unknown {
    const b = this.b
    const { type, dims } = a
    if (dims === null) throw new Unsupported('null dataspace')
    if (type.cls === 'opaque' || (type.cls === 'float' && type.size === 2)) throw new Unsupported('attribute type')
    if ((type.cls === 'int' || type.cls === 'float') && !type.littleEndian) throw new Unsupported('big-endian attribute')
    const count = dims.reduce((x, d) => x * d, 1)
    const nbytes = count * type.size
    // Strings decode one by one: more than 2^20 of them is refused like an oversized attribute.
    if (nbytes > MAX_ATTR_BYTES || (type.cls !== 'int' && type.cls !== 'float' && count > MAX_STRINGS)) return TOO_LARGE
    if (a.data + nbytes > a.end) throw new Corrupt(`the attribute ${fmt(a.name)} of ${fmt(path)} holds fewer bytes than its shape needs`)
    b.spend(nbytes)
    let values: unknown[]
    if (type.cls === 'int' || type.cls === 'float') {
      // As h5wasm: plain numbers (8-byte integers through BigInt and Number, the same rounding as decodeStored's).
      values = Array.from(decodeStored(b.view(a.data, nbytes, 'an attribute value'), storedTypeOf(type), count, 'float64', 'an attribute'))
    } else {
      values = []
      for (let i = 0; i < count; i++) values.push(this.string(type, a.data + i * type.size))
    }
    return dims.length === 0 ? values[0] : values
  }

  private string(t: Datatype, at: number): string {
    const b = this.b
    if (t.cls === 'string') return text(b.view(at, t.size, 'a string'), t.cset)
    const length = b.u32(at)
    if (length === 0) return ''
    const [data, size] = this.heaps.object(b.addr(at + 4, 'a global heap collection'), b.u32(at + 12))
    if (size < length) throw new Corrupt(`a variable-length string of ${length} bytes is stored in ${size}`)
    b.spend(length)
    return text(b.view(data, length, 'a string'), t.cset)
  }

  private dataset(msgs: readonly Message[], layout: Message, attrs: Map<string, unknown>): Entry {
    const b = this.b
    const dt = msgs.find((m) => m.type === M.DATATYPE)
    const ds = msgs.find((m) => m.type === M.DATASPACE)
    if (!dt || !ds) throw new Corrupt(`the dataset whose layout is at byte ${layout.at} has no datatype or dataspace`)
    const t = readDatatype(b, dt.at, dt.size)
    const shape = readDataspace(b, ds.at, ds.size)
    if (shape === null) throw new Unsupported('null dataspace')
    let type: StoredType
    // Keras marks bfloat16 with `attrs["dtype"] == "bfloat16"` on a 2-byte opaque (or uint16) dataset.
    if ((t.cls === 'int' || t.cls === 'opaque') && t.size === 2 && attrs.get('dtype') === 'bfloat16') {
      type = { kind: 'int', size: 2, signed: false, littleEndian: true, bfloat16: true }
    } else if (t.cls === 'int' || t.cls === 'float') {
      type = storedTypeOf(t)
    } else {
      throw new Unsupported('dataset type')
    }
    if (b.u8at(layout.at) !== 3) throw new Unsupported('layout message version')
    const cls = b.u8at(layout.at + 1)
    let offset: number
    let stored: number
    if (cls === 1) {
      offset = b.addr(layout.at + 2, "a dataset's data")
      stored = b.len(layout.at + 10)
    } else if (cls === 0) {
      stored = b.u16(layout.at + 2)
      offset = layout.at + 4
      if (4 + stored > layout.size) throw new Corrupt(`the compact dataset at byte ${layout.at} runs past its message`)
    } else {
      throw new Unsupported('chunked or virtual layout')
    }
    if (offset === UNDEF && !shape.includes(0)) this.checkZeroFill(msgs)
    return { kind: 'dataset', keys: [], attrs, shape, type, offset, stored }
  }

  /** Data never written reads as the fill value: kx supports the default (zeros) only. */
  private checkZeroFill(msgs: readonly Message[]): void {
    const b = this.b
    for (const m of msgs) {
      let value: Uint8Array | undefined
      if (m.type === M.FILL_OLD) {
        value = b.view(m.at + 4, Math.max(0, Math.min(b.u32(m.at), m.size - 4)), 'a fill value')
      } else if (m.type === M.FILL) {
        const version = b.u8at(m.at)
        // Versions 1 and 2: byte 3 says whether a value follows; version 3: flag bit 5.
        const defined = version === 3 ? (b.u8at(m.at + 1) & 0x20) !== 0 : version === 1 || b.u8at(m.at + 3) === 1
        if (version < 1 || version > 3) throw new Unsupported('fill value message version')
        if (defined) {
          const p = m.at + (version === 3 ? 2 : 4)
          value = b.view(p + 4, Math.max(0, Math.min(b.u32(p), m.at + m.size - p - 4)), 'a fill value')
        }
      }
      if (value?.some((x) => x !== 0)) throw new Unsupported('non-zero fill value')
    }
  }
}

function compareUtf8(a: string, b: string): number {
  const enc = (s: string): number[] => [...s].map((c) => c.codePointAt(0)!)
  // Code point order is UTF-8 byte order.
  const x = enc(a)
  const y = enc(b)
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return x.length - y.length
}

/**
 * A file kx's own reader walked (its own class, so callers and tests can tell which reader of the chain took a file).
 *
 * @example
 * ```ts
 * const r = openKxH5(bytes, 'model.weights.h5') // undefined: use H5Reader.open's next reader
 * if (r) console.log(r.keys('/'), r.readDataset('/layers/dense/vars/0', 'float32').shape)
 * ```
 */
export class KxH5Reader extends EntryH5Reader {}

/**
 * Opens HDF5 bytes with kx's own reader, or returns undefined when the file uses something it does not
 * decode exactly (see the file comment). The bytes are copied: later changes to `bytes` do not affect the
 * reader. A file that breaks the format raises a `FileFormatError` naming `label`.
 *
 * @example
 * ```ts
 * const reader = openKxH5(bytes, 'model.weights.h5') ?? (await WasmH5Reader.open(bytes, 'model.weights.h5'))
 * ```
 */
export function openKxH5(bytes: Uint8Array, label: string): KxH5Reader | undefined {
  const b = new Bytes(bytes.slice())
  let walker: Walker
  try {
    const root = readSuperblock(b)
    walker = new Walker(b)
    walker.visit(root, '/', 0)
  } catch (e) {
    if (e instanceof Corrupt) throw new FileFormatError(`${label} is not a readable HDF5 file (truncated or corrupt): ${e.message}. Re-save or re-download the file.`)
    if (e instanceof FileFormatError) throw new FileFormatError(`${label}: ${e.message}`)
    // Unsupported features, and anything unforeseen: the next reader in the chain decides.
    return undefined
  }
  return new KxH5Reader(b.u8, walker.entries, label)
}


