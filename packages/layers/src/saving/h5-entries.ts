/**
 * @file What kx's own HDF5 reader (h5-read-kx.ts) and the jsfive reader (h5-read-js.ts) share: both walk a file once
 * at open into a map of entries (groups with their keys and attributes, datasets with shape, type and where their
 * bytes lie), then answer the `H5Reader` interface from that map and the file's bytes.
 */
import { FileFormatError, fmt, type DType, type TypedArray } from '@kx/core'
import { checkedSize, decodeStored, type StoredType } from './hostData.js'
import { MAX_DATASET_BYTES, type H5Reader } from './h5.js'

/** An attribute too large to keep: reading it raises the h5wasm reader's error. */
export const TOO_LARGE = Symbol('too large')

/** One group or dataset of a walked file. */
export interface H5Entry {
  readonly kind: 'group' | 'dataset'
  readonly keys: readonly string[]
  readonly attrs: ReadonlyMap<string, unknown>
  /** Datasets: shape, element type, where the raw data lies (`-1`: never written, zeros) and the bytes stored there. */
  readonly shape?: number[]
  readonly type?: StoredType
  readonly offset?: number
  readonly stored?: number
}

/** `/a/b` for `a/b/`, `/a//b`…; `.` and `..` are refused (a path never leaves the file's tree). */
export function normalizeH5Path(path: string, label: string): string {
  const parts = path.split('/').filter((p) => p !== '')
  for (const p of parts) {
    if (p === '.' || p === '..') throw new FileFormatError(`${label}: invalid HDF5 path ${fmt(path)}.`)
  }
  return `/${parts.join('/')}`
}

/**
 * A read-only HDF5 file held in memory, answered from the entries its reader walked at open.
 *
 * @example
 * ```ts
 * const r = new EntryH5Reader(bytes, entries, 'model.weights.h5')
 * r.readDataset('/layers/dense/vars/0', 'float32').shape
 * ```
 */
export class EntryH5Reader implements H5Reader {
  readonly label: string
  readonly byteLength: number
  private closed = false
  private readonly bytes: Uint8Array
  private readonly entries: ReadonlyMap<string, H5Entry>

  constructor(bytes: Uint8Array, entries: ReadonlyMap<string, H5Entry>, label: string) {
    this.bytes = bytes
    this.entries = entries
    this.label = label
    this.byteLength = bytes.byteLength
  }

  private entry(path: string): H5Entry | undefined {
    if (this.closed) throw new FileFormatError(`${this.label} is closed.`)
    return this.entries.get(normalizeH5Path(path, this.label))
  }

  kind(path: string): 'group' | 'dataset' | null { return this.entry(path)?.kind ?? null }
  has(path: string): boolean { return this.kind(path) !== null }
  isGroup(path: string): boolean { return this.kind(path) === 'group' }
  isDataset(path: string): boolean { return this.kind(path) === 'dataset' }

  keys(path: string): string[] {
    const e = this.entry(path)
    if (e?.kind !== 'group') throw new FileFormatError(`${this.label}: expected a group at ${fmt(path)}.`)
    return e.keys.slice()
  }

  attrNames(path: string): string[] { return [...(this.entry(path)?.attrs.keys() ?? [])] }

  attr(path: string, name: string): unknown {
    const v = this.entry(path)?.attrs.get(name)
    if (v === TOO_LARGE) throw new FileFormatError(`${this.label}: attribute ${fmt(name)} of ${fmt(path)} is too large.`)
    return Array.isArray(v) ? v.slice() : v
  }

  datasetInfo(path: string): { shape: number[]; type: StoredType } {
    const e = this.entry(path)
    if (e?.kind !== 'dataset') throw new FileFormatError(`${this.label}: expected a dataset at ${fmt(path)}.`)
    return { shape: e.shape!.slice(), type: e.type! }
  }

  readDataset(path: string, dtype: DType): { data: TypedArray; shape: number[] } {
    const { shape, type } = this.datasetInfo(path)
    const where = `${this.label}:${normalizeH5Path(path, this.label)}`
    const count = checkedSize(shape, where)
    const nbytes = count * type.size
    if (nbytes > MAX_DATASET_BYTES) throw new FileFormatError(`${where}: dataset of ${nbytes} bytes exceeds the ${MAX_DATASET_BYTES}-byte limit for one read.`)
    const { offset, stored } = this.entry(path)!
    const at = offset ?? 0
    if (at >= 0 && ((stored !== undefined && stored < nbytes) || at + nbytes > this.byteLength)) {
      throw new FileFormatError(`${where}: the stored data is truncated or corrupt (${nbytes} bytes needed, ${Math.min(stored ?? nbytes, this.byteLength - at)} stored). Re-save or re-download the file.`)
    }
    // NOTE: a dataset that was never written reads as zeros (h5py's default fill value; readers refuse others at open).
    const raw = at < 0 ? new Uint8Array(nbytes) : this.bytes.subarray(at, at + nbytes)
    return { data: decodeStored(raw, type, count, dtype, where), shape }
  }

  close(): void { this.closed = true }
}
