/**
 * @file The data adapter behind fit/evaluate/predict: tensors, typed arrays and nested arrays are
 * held on the host and uploaded batch by batch; generators and async iterables stream batches.
 */
import { InvalidArgumentError, Tensor, allocTyped, castHost, fmt, getBackend, hostRandom, inferDType, inferShape, tensor, treeFlatten, treeUnflatten, type DType, type TreeDef, type TypedArray } from '@kx/core'

/** A host-side array: row-major values, shape, dtype. */
export interface HostArray {
  readonly values: TypedArray
  readonly shape: readonly number[]
  readonly dtype: DType
}

/** One batch as tensors (`x` and `y` keep the caller's structure). */
export interface Batch {
  readonly x: unknown
  readonly y: unknown
  readonly sampleWeight: unknown
  readonly size: number
}

const isHostLeaf = (v: unknown): v is Tensor | TypedArray | unknown[] =>
  v instanceof Tensor || ArrayBuffer.isView(v) || isNumericNested(v)

function isNumericNested(v: unknown): boolean {
  if (!Array.isArray(v)) return false
  if (v.length === 0) return true
  const f = v[0]
  return typeof f === 'number' || typeof f === 'boolean' || isNumericNested(f)
}

/** Reads one leaf to the host. */
async function toHost(v: unknown, where: string): Promise<HostArray> {
  if (v instanceof Tensor) return { values: await v.data(), shape: v.shape.slice(), dtype: v.dtype }
  if (ArrayBuffer.isView(v)) return { values: v as TypedArray, shape: [(v as TypedArray).length], dtype: inferDType(v) }
  if (Array.isArray(v)) {
    const dtype = inferDType(v)
    return { values: castHost(((v as unknown[]).flat(Infinity) as (number | boolean)[]).map(Number), dtype), shape: inferShape(v, where), dtype }
  }
  throw new InvalidArgumentError(`Unsupported data in \`${where}\`: expected tensors, typed arrays or nested number arrays. Received: ${fmt(typeof v)}`)
}

/** Host copies of a nested structure of arrays. */
export interface HostStructure {
  readonly leaves: readonly HostArray[]
  readonly def: TreeDef
}

export async function structureToHost(value: unknown, where: string): Promise<HostStructure | undefined> {
  if (value === undefined || value === null) return undefined
  const [leaves, def] = treeFlatten(value, isHostLeaf)
  return { leaves: await Promise.all(leaves.map((l) => toHost(l, where))), def }
}

/** Number of samples (leading dim), checked equal across every array. */
export function numSamples(...structs: (HostStructure | undefined)[]): number {
  let n: number | undefined
  for (const s of structs) {
    for (const l of s?.leaves ?? []) {
      const d = l.shape[0]
      if (d === undefined) throw new InvalidArgumentError('Data arrays need a leading batch dimension. Received: a 0-d array')
      if (n === undefined) n = d
      else if (n !== d) throw new InvalidArgumentError(`Data cardinality is ambiguous: all arrays must have the same number of samples. Received: sizes ${n} and ${d}`)
    }
  }
  if (n === undefined) throw new InvalidArgumentError('No data was provided.')
  return n
}

/** Gathers rows `indices` of a host array into a new host array (or into `into`, when it has the size). */
export function takeRows(a: HostArray, indices: ArrayLike<number>, into?: TypedArray): HostArray {
  const row = a.shape.slice(1).reduce((x, y) => x * y, 1)
  const out = into?.length === indices.length * row ? into : allocTyped(a.dtype, indices.length * row)
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i]! * row
    ;(out as Float64Array).set((a.values as Float64Array).subarray(src, src + row), i * row)
  }
  return { values: out, shape: [indices.length, ...a.shape.slice(1)], dtype: a.dtype }
}

/** Contiguous rows [start, end). */
export function sliceRows(a: HostArray, start: number, end: number): HostArray {
  const row = a.shape.slice(1).reduce((x, y) => x * y, 1)
  return { values: a.values.subarray(start * row, end * row), shape: [end - start, ...a.shape.slice(1)], dtype: a.dtype }
}

/** A tensor of host values: uploaded as they are when already in the dtype's host storage (no `tensor()` cast copy). */
function toTensor(a: HostArray): Tensor {
  if (a.values.constructor !== allocTyped(a.dtype, 0).constructor) return tensor(a.values, { shape: a.shape, dtype: a.dtype })
  const backend = getBackend()
  return new Tensor(a.shape, a.dtype, backend, backend.upload(a.values, a.shape, a.dtype))
}

/** Uploads the rows `rows` picks of every leaf (`rows` gets the leaf's index). */
function upload(s: HostStructure | undefined, rows: (a: HostArray, leaf: number) => HostArray): unknown {
  if (!s) return undefined
  return treeUnflatten(s.def, s.leaves.map((l, i) => toTensor(rows(l, i))))
}

/** In-memory arrays: batches by index, shuffled per epoch when asked. */
export class ArrayDataset {
  readonly x: HostStructure
  readonly y: HostStructure | undefined
  readonly sampleWeight: HostStructure | undefined
  readonly size: number
  constructor(x: HostStructure, y?: HostStructure, sampleWeight?: HostStructure) {
    this.x = x
    this.y = y
    this.sampleWeight = sampleWeight
    this.size = numSamples(x, y, sampleWeight)
  }
  numBatches(batchSize: number): number { return Math.ceil(this.size / batchSize) }

  /** Yields batches; `order` is a permutation of the rows (or undefined for in-order). */
  *batches(batchSize: number, order?: Uint32Array): Generator<Batch> {
    // NOTE: shuffled rows are gathered into one reused buffer per leaf: `Backend.upload` copies.
    const scratch = new Map<HostStructure, TypedArray[]>()
    const gather = (s: HostStructure | undefined, start: number, end: number): unknown => {
      if (!s || !order) return upload(s, (a) => sliceRows(a, start, end))
      const bufs = scratch.get(s) ?? []
      scratch.set(s, bufs)
      return upload(s, (a, i) => { const r = takeRows(a, order.subarray(start, end), bufs[i]); bufs[i] = r.values; return r })
    }
    for (let start = 0; start < this.size; start += batchSize) {
      const end = Math.min(start + batchSize, this.size)
      yield { x: gather(this.x, start, end), y: gather(this.y, start, end), sampleWeight: gather(this.sampleWeight, start, end), size: end - start }
    }
  }

  /** Splits off the last `fraction` of samples (before shuffling, like Keras's validation_split). */
  split(fraction: number): [ArrayDataset, ArrayDataset] {
    if (!(fraction > 0 && fraction < 1)) throw new InvalidArgumentError(`validationSplit must be in (0, 1). Received: validationSplit=${fmt(fraction)}`)
    const cut = Math.floor(this.size * (1 - fraction))
    const part = (s: HostStructure | undefined, a: number, b: number): HostStructure | undefined =>
      s && { def: s.def, leaves: s.leaves.map((l) => sliceRows(l, a, b)) }
    return [
      new ArrayDataset(part(this.x, 0, cut)!, part(this.y, 0, cut), part(this.sampleWeight, 0, cut)),
      new ArrayDataset(part(this.x, cut, this.size)!, part(this.y, cut, this.size), part(this.sampleWeight, cut, this.size)),
    ]
  }
}

/** A random permutation (Fisher–Yates); seeded by `setRandomSeed` through core's `hostRandom`. */
export function permutation(n: number, random: () => number = hostRandom): Uint32Array {
  const p = new Uint32Array(n)
  for (let i = 0; i < n; i++) p[i] = i
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const t = p[i]!
    p[i] = p[j]!
    p[j] = t
  }
  return p
}

/** Batches from a generator / async iterable yielding `[x, y?, sampleWeight?]` or `{x, y, sampleWeight}`. */
export async function* streamBatches(source: Iterable<unknown> | AsyncIterable<unknown>, limit?: number): AsyncGenerator<Batch> {
  let i = 0
  for await (const item of source as AsyncIterable<unknown>) {
    if (limit !== undefined && i >= limit) return
    i++
    let x: unknown
    let y: unknown
    let sw: unknown
    if (Array.isArray(item) && !isNumericNested(item)) [x, y, sw] = item
    else if (item && typeof item === 'object' && 'x' in item) ({ x, y, sampleWeight: sw } = item as { x: unknown; y?: unknown; sampleWeight?: unknown })
    else x = item
    const xs = await structureToHost(x, 'fit')
    const ys = await structureToHost(y, 'fit')
    const ws = await structureToHost(sw, 'fit')
    const n = numSamples(xs, ys, ws)
    const all = (a: HostArray) => a
    yield { x: upload(xs, all), y: upload(ys, all), sampleWeight: upload(ws, all), size: n }
  }
}

/** True for generators / iterables of batches (not arrays or tensors). */
export function isBatchSource(v: unknown): v is Iterable<unknown> | AsyncIterable<unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v) || v instanceof Tensor) return false
  return Symbol.asyncIterator in v || Symbol.iterator in v
}
