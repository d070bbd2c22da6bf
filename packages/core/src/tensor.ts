/** @file Tensor (concrete, backend-owned) and KerasTensor (symbolic: shape + dtype, no data). */
import type { Backend, BackendTensor } from './backend.js'
import { type DType, type TypedArray } from './dtype.js'
import { DisposedError, SyncReadError, ShapeError, fmt } from './errors.js'
import type { Dim } from './shape.js'
import { sizeOf } from './shape.js'
import type { Prim, PrimParams } from './primitives/types.js'
import { engine } from './engine.js'

/** Nested JS arrays of numbers/booleans, as `array()` returns them. */
export type NestedArray = number | boolean | NestedArray[]

let nextId = 1
/** @internal The id the next tensor will get (ids only grow: a tensor with id >= this was made later). */
export function nextTensorId(): number { return nextId }
/** @internal Allocates a unique tensor id. */
export function newTensorId(): number { return nextId++ }

/**
 * An n-dimensional array owned by a backend. Read it with `await t.data()` / `await t.array()`;
 * free it with `dispose()` (or let `tidy` scopes and the finalizer do it).
 *
 * @example
 * ```ts
 * const t = ops.convertToTensor([[1, 2], [3, 4]])
 * console.log(t.shape, await t.array()) // [2, 2] [[1, 2], [3, 4]]
 * ```
 */
export class Tensor implements BackendTensor {
  readonly id: number
  /** The shape. On a `KerasTensor`, unknown dimensions are `null` (see `symbolicShape`). */
  readonly shape: readonly number[]
  readonly dtype: DType
  /** @internal */ _backend: Backend | null
  /** @internal */ _dataId: unknown
  /** @internal */ _disposed = false
  /** @internal Number of autodiff tapes that still need this tensor. */ _holds = 0
  /** @internal Disposal requested while a tape held the tensor. */ _pendingDispose = false
  /** @internal Registered with the finalizer (done once it leaves every `tidy` scope). */ _finalizable = false

  /** @internal Use ops (e.g. `ops.convertToTensor`) to make tensors. */
  constructor(shape: readonly Dim[], dtype: DType, backend: Backend | null, dataId: unknown) {
    this.id = newTensorId()
    // NOTE: a frozen shape (another tensor's, passed on by a shape rule) can be shared as is.
    this.shape = (Object.isFrozen(shape) ? shape : Object.freeze(shape.slice())) as readonly number[]
    this.dtype = dtype
    this._backend = backend
    this._dataId = dataId
    if (backend) engine.track(this)
  }

  /** Data handle for the owning backend. */
  get dataId(): unknown { this.assertLive(); return this._dataId }
  /** The backend that owns the data. */
  get backend(): Backend { this.assertLive(); return this._backend! }
  /** Number of dimensions (Keras `ndim`). */
  get ndim(): number { return this.shape.length }
  /** Alias of `ndim` (TF.js `rank`). */
  get rank(): number { return this.shape.length }
  /** Number of elements. */
  get size(): number { return sizeOf(this.shape) }
  /** Whether this tensor is symbolic (a `KerasTensor`). */
  get isSymbolic(): boolean { return false }
  get isDisposed(): boolean { return this._disposed }

  /** Frees the backend memory (deferred while an autodiff tape still needs it). */
  dispose(): void {
    if (this._disposed) return
    if (this._holds > 0) { this._pendingDispose = true; return }
    this._disposed = true
    engine.untrack(this)
  }

  /** @internal */
  assertLive(): void {
    if (this._disposed) throw new DisposedError(`Tensor is disposed and cannot be used. Keep it with \`keep(t)\` or return it from \`tidy\`. Received: tensor id=${this.id}, shape=${fmt(this.shape)}, dtype=${this.dtype}`)
  }

  /** Reads the values (row-major, in the host storage of the dtype). */
  async data(): Promise<TypedArray> {
    this.assertLive()
    return this._backend!.read(this)
  }

  /** Synchronous read; a `SyncReadError` on backends that only read asynchronously. */
  dataSync(): TypedArray {
    this.assertLive()
    const b = this._backend!
    if (!b.readSync) throw new SyncReadError(`Backend "${b.name}" cannot read synchronously; use \`await t.data()\`. Received: tensor shape=${fmt(this.shape)}`)
    return b.readSync(this)
  }

  /** Reads the values as nested arrays (booleans for bool tensors). */
  async array(): Promise<NestedArray> { return toNested(await this.data(), this.shape, this.dtype) }
  /** Synchronous `array()`. */
  arraySync(): NestedArray { return toNested(this.dataSync(), this.shape, this.dtype) }

  toString(): string { return `Tensor(shape=${fmt(this.shape)}, dtype=${this.dtype}, backend=${this._backend?.name ?? 'none'})` }
}

/** Converts flat row-major storage to nested arrays. */
export function toNested(data: TypedArray, shape: readonly number[], dtype: DType): NestedArray {
  const conv = dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v
  if (shape.length === 0) return conv(data[0] as number)
  const rec = (dim: number, off: number): NestedArray[] => {
    const n = shape[dim]!
    const out: NestedArray[] = new Array(n)
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = conv(data[off + i] as number)
      return out
    }
    let stride = 1
    for (let d = dim + 1; d < shape.length; d++) stride *= shape[d]!
    for (let i = 0; i < n; i++) out[i] = rec(dim + 1, off + i * stride)
    return out
  }
  return rec(0, 0)
}

/** One recorded primitive call on symbolic tensors. */
export interface SymbolicEquation {
  readonly prim: Prim
  readonly params: PrimParams[Prim]
  readonly inputs: readonly Tensor[]
  readonly outputs: readonly KerasTensor[]
}

/**
 * A symbolic tensor: shape (with `null` for unknown dims) and dtype, no data. Calling an op on it
 * runs only the op's shape/dtype rule and records the call, which is how Functional models and
 * traced graphs are built.
 *
 * @example
 * ```ts
 * const x = new KerasTensor([null, 3], 'float32')
 * const y = ops.add(x, 1) // KerasTensor, shape [null, 3]
 * ```
 */
export class KerasTensor extends Tensor {
  /** The equation that produced this tensor, or null for an input/placeholder. */
  readonly producer: { readonly equation: SymbolicEquation; readonly index: number } | null
  /** A display name (Keras's `KerasTensor.name`). */
  name: string | undefined
  /** Free-form slot for layers (Keras's `_keras_history`). */
  kerasHistory: unknown

  constructor(shape: readonly Dim[], dtype: DType, producer: KerasTensor['producer'] = null, name?: string) {
    super(shape, dtype, null, null)
    if (shape.some((d) => d !== null && (!Number.isInteger(d) || d < 0))) {
      throw new ShapeError(`Invalid symbolic shape: dims must be non-negative integers or null. Received: shape=${fmt(shape)}`)
    }
    this.producer = producer
    this.name = name
  }
  /** The shape with `null` for unknown dims, typed as such. */
  get symbolicShape(): readonly Dim[] { return this.shape as readonly Dim[] }
  override get isSymbolic(): boolean { return true }
  override dispose(): void { /* symbolic tensors own no memory */ }
  override async data(): Promise<TypedArray> { throw symbolicRead() }
  override dataSync(): TypedArray { throw symbolicRead() }
  override toString(): string { return `<KerasTensor shape=${fmt(this.shape)}, dtype=${this.dtype}${this.name ? `, name=${this.name}` : ''}>` }
}

function symbolicRead(): Error {
  return new SyncReadError('A KerasTensor is symbolic and holds no data: build a model from it and call `predict`, or call the op on concrete tensors.')
}
