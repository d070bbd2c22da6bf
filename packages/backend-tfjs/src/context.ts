/**
 * @file The kernel context the primitive rules run in: one tfjs `KernelBackend` instance whose kernels
 * are called directly (`getKernel(name, backendName).kernelFunc`), with an arena that frees every
 * intermediate a rule creates. Engine-agnostic: cpu, wasm and webgpu all fit behind it.
 */
import { getKernel, type KernelBackend, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core'
import { DTypeError, UnsupportedOpError, fmt, type DType, type RefImplTable, type TypedArray } from '@kx/core'

/** The tfjs dtypes kx maps onto (kx `float32`/`int32`/`bool` are tfjs's own names). */
export type TfDType = 'float32' | 'int32' | 'bool'

/** Engine-specific choices the rules consult. */
export interface TfjsEngineTraits {
  /** Transpose operands with the Transpose kernel and call BatchMatMul with `transposeA/B = false`
   * (tfjs-wasm's transposed matmuls run a naive loop). */
  readonly explicitMatmulTranspose: boolean
  /** `readSync` works, so host fallbacks (download → reference → upload) are available. */
  readonly syncRead: boolean
  /**
   * The reference implementations the host fallbacks run (core's `REFERENCE_IMPLS`; `createTfjsBackend`
   * passes them). Injected rather than imported so that an engine without sync reads (webgpu), whose host
   * fallbacks cannot run anyway, does not carry them. Absent: a host fallback raises `UnsupportedOpError`.
   */
  readonly hostImpls?: RefImplTable
  /** Kernel names to treat as missing: absent or wrong on this engine (wasm's MaxPoolGrad picks the
   * last maximum and drops windows), or switched off to test the compositions that replace them. */
  readonly missingKernels?: ReadonlySet<string>
  /** How `conv_transpose_rhs` of plain 2-d convs runs (default `auto`: im2col below 8 input channels,
   * else the convolution identity; `kernel` needs an engine with Conv2DBackpropFilter, which tfjs-wasm lacks). */
  readonly convRhs?: ConvRhsStrategy
  /** Direct access to engine buffers that live in JS-visible memory (cpu arrays, the wasm heap): lets
   * rules write outputs with plain JS where the engine's kernel is slow (tfjs Tile: ~100 ns/element). */
  readonly hostMemory?: HostMemory
  /** Engine bugs the rules work around (each found by the conformance kit). */
  readonly quirks?: TfjsQuirks
  /** Run same-shape comparisons and select as JS loops over `hostMemory` (tfjs-wasm's kernels for
   * them are generic broadcasting loops, ~10× slower than a JS loop). */
  readonly hostElementwise?: boolean
}

/** Known tfjs engine bugs, by engine. */
export interface TfjsQuirks {
  /** TensorScatterUpdate writes into its `tensor` input's buffer (tfjs-cpu): pass it a copy. */
  readonly scatterUpdateInPlace?: boolean
  /** BatchMatMul / _FusedMatMul cache `b`'s packed weights per buffer, ignoring shape changes
   * (tfjs-wasm): a buffer seen with another [K, N] gets a fresh copy. */
  readonly matmulWeightCache?: boolean
  /** Maximum / Minimum return the first operand when only the second is NaN (tfjs-wasm). */
  readonly minMaxDropsNaN?: boolean
  /** Sign(NaN) is 0 (both engines). */
  readonly signDropsNaN?: boolean
  /** int32 Multiply goes through a float64 product, losing the low bits of products above 2⁵³ (tfjs-cpu). */
  readonly intMulInexact?: boolean
  /** Transpose of int32 / bool at rank ≥ 3 fails to compile its shader and yields zeros (tfjs-webgpu). */
  readonly intTransposeBroken?: boolean
}

/** Engine buffers as typed arrays, without copies. */
export interface HostMemory {
  /** A view of `t`'s storage (do not keep it across allocations: the wasm heap may move). */
  view(t: TensorInfo): TypedArray
  /** A new engine tensor of `shape`/`dtype` and a writable view of its storage. */
  alloc(shape: readonly number[], dtype: TfDType): { info: TensorInfo; values: TypedArray }
}

/** Formulations of the conv kernel gradient: tfjs's kernel, a convolution identity, im2col + matmul. */
export type ConvRhsStrategy = 'kernel' | 'conv' | 'im2col' | 'auto'

/**
 * What a rule sees: kernel calls on one tfjs backend, constants, and host transfers. Every tensor a
 * rule gets from `kernel`, `constant` or `upload` belongs to the current call's arena and is freed when
 * the call ends, except the ones the rule returns.
 */
export interface TfjsKernelContext {
  readonly backend: KernelBackend
  /** The tfjs backend name whose kernels are called: `'cpu'`, `'wasm'`, `'webgpu'`. */
  readonly backendName: string
  readonly traits: TfjsEngineTraits
  /** True when the engine registers `kernelName` (and the traits do not mark it missing). */
  has(kernelName: string): boolean
  /** Runs a single-output kernel. `inputs` is the kernel's named inputs, or an array (Concat, AddN). */
  kernel(kernelName: string, inputs: Record<string, TensorInfo> | readonly TensorInfo[], attrs?: NamedAttrMap): TensorInfo
  /** Runs a multi-output kernel (TopK). */
  kernelMulti(kernelName: string, inputs: Record<string, TensorInfo>, attrs?: NamedAttrMap): TensorInfo[]
  /** A constant tensor (a scalar when `shape` is omitted). */
  constant(value: number, dtype: TfDType, shape?: readonly number[]): TensorInfo
  /** Uploads host values (host storage of `dtype`). */
  upload(values: TypedArray, shape: readonly number[], dtype: TfDType): TensorInfo
  /** Reads values synchronously (engines with `traits.syncRead`). */
  readSync(t: TensorInfo): TypedArray
  /** Frees an arena tensor early (large intermediates inside loops). */
  release(t: TensorInfo): void
  /** A new arena tensor written by JS (engines with `traits.hostMemory`). */
  allocHost(shape: readonly number[], dtype: TfDType): { info: TensorInfo; values: TypedArray }
  /** The value of every element when `t` is known to be uniform (a broadcast scalar), else undefined. */
  uniformOf(t: TensorInfo): number | undefined
  /** Records that every element of `t` (and of any view of its buffer) equals `value`. */
  markUniform(t: TensorInfo, value: number): void
  /** A tensor with its own buffer holding `t`'s values (for kernels that write into or cache inputs). */
  copy(t: TensorInfo): TensorInfo
  /** Returns `b`, or a copy of it when its buffer was last used under another `key` (see `matmulWeightCache`). */
  weightsFor(b: TensorInfo, key: string): TensorInfo
}

const CTOR: { [D in TfDType]: new (n: number | ArrayLike<number>) => TypedArray } = { float32: Float32Array, int32: Int32Array, bool: Uint8Array }

/** @internal A context plus its arena bookkeeping; `begin`/`end` bracket one primitive call. */
export class KernelContext implements TfjsKernelContext {
  private arena: TensorInfo[] = []
  private readonly uniform = new WeakMap<object, number>()
  private readonly weightKeys = new WeakMap<object, string>()
  private readonly fills = new Map<string, TypedArray>()
  private fillElements = 0
  private readonly kernelCache = new Map<string, ((args: { inputs: unknown; backend: KernelBackend; attrs: NamedAttrMap }) => TensorInfo | TensorInfo[]) | null>()

  constructor(readonly backend: KernelBackend, readonly backendName: string, readonly traits: TfjsEngineTraits) {}

  has(kernelName: string): boolean { return this.lookup(kernelName) !== null }

  private lookup(kernelName: string): ((args: { inputs: unknown; backend: KernelBackend; attrs: NamedAttrMap }) => TensorInfo | TensorInfo[]) | null {
    let fn = this.kernelCache.get(kernelName)
    if (fn === undefined) {
      const k = this.traits.missingKernels?.has(kernelName) ? undefined : getKernel(kernelName, this.backendName)
      fn = k ? (k.kernelFunc as unknown as (args: { inputs: unknown; backend: KernelBackend; attrs: NamedAttrMap }) => TensorInfo | TensorInfo[]) : null
      this.kernelCache.set(kernelName, fn)
    }
    return fn
  }

  private call(kernelName: string, inputs: unknown, attrs: NamedAttrMap): TensorInfo[] {
    const fn = this.lookup(kernelName)
    if (!fn) throw new UnsupportedOpError(`tfjs backend "${this.backendName}" has no kernel ${kernelName}. Received: kernel=${fmt(kernelName)}`)
    const out = fn({ inputs, backend: this.backend, attrs })
    const outs = Array.isArray(out) ? out : [out]
    for (const o of outs) this.arena.push(o)
    return outs
  }

  kernel(kernelName: string, inputs: Record<string, TensorInfo> | readonly TensorInfo[], attrs: NamedAttrMap = {}): TensorInfo {
    return this.call(kernelName, inputs, attrs)[0]!
  }

  kernelMulti(kernelName: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo[] {
    return this.call(kernelName, inputs, attrs)
  }

  constant(value: number, dtype: TfDType, shape: readonly number[] = []): TensorInfo {
    const n = shape.reduce((a, b) => a * b, 1)
    if (!this.traits.hostMemory && n > 1) {
      // NOTE: device engines (webgpu) copy host values when a kernel first needs them and never write
      // them: constants of one value and size share one array (no fill, no garbage per call).
      const info: TensorInfo = { dataId: this.backend.write(this.filled(value, dtype, n) as Float32Array, shape.slice(), dtype), shape: shape.slice(), dtype }
      this.arena.push(info)
      this.markUniform(info, this.filled(value, dtype, n)[0] as number)
      return info
    }
    const values = new CTOR[dtype](n)
    values.fill(value)
    return this.upload(values, shape, dtype)
  }

  /** A shared host array of `n` copies of `value` (cleared past ~16M elements held). */
  private filled(value: number, dtype: TfDType, n: number): TypedArray {
    const key = `${dtype}:${Object.is(value, -0) ? '-0' : value}:${n}`
    let v = this.fills.get(key)
    if (!v) {
      if (this.fillElements + n > 1 << 24) { this.fills.clear(); this.fillElements = 0 }
      v = new CTOR[dtype](n)
      v.fill(value)
      this.fills.set(key, v)
      this.fillElements += n
    }
    return v
  }

  upload(values: TypedArray, shape: readonly number[], dtype: TfDType): TensorInfo {
    if (this.traits.hostMemory) {
      const out = this.allocHost(shape, dtype)
      out.values.set(values as never)
      return out.info
    }
    // NOTE: tfjs-cpu keeps the array it is given, so hand it a private copy of the right type.
    const own = values instanceof CTOR[dtype] ? values.slice() : new CTOR[dtype](values as ArrayLike<number>)
    const dataId = this.backend.write(own as Float32Array, shape.slice(), dtype)
    const info: TensorInfo = { dataId, shape: shape.slice(), dtype }
    this.arena.push(info)
    // A one-element upload (the scalar of `full`) is a known constant: broadcasts of it stay uniform.
    if (own.length === 1) this.markUniform(info, own[0] as number)
    return info
  }

  readSync(t: TensorInfo): TypedArray {
    const host = this.traits.hostMemory
    if (!host && !this.traits.syncRead) throw new UnsupportedOpError(`tfjs backend "${this.backendName}" cannot read synchronously, which this primitive needs on it.`)
    const v = host ? host.view(t) : (this.backend.readSync(t.dataId) as TypedArray)
    return v instanceof CTOR[t.dtype as TfDType] ? v.slice() : new CTOR[t.dtype as TfDType](v as ArrayLike<number>)
  }

  release(t: TensorInfo): void {
    const i = this.arena.indexOf(t)
    if (i >= 0) {
      this.arena.splice(i, 1)
      this.backend.disposeData(t.dataId)
    }
  }

  allocHost(shape: readonly number[], dtype: TfDType): { info: TensorInfo; values: TypedArray } {
    const host = this.traits.hostMemory
    if (!host) throw new UnsupportedOpError(`tfjs backend "${this.backendName}" has no host-visible memory.`)
    const r = host.alloc(shape, dtype)
    this.arena.push(r.info)
    return r
  }

  copy(t: TensorInfo): TensorInfo {
    const host = this.traits.hostMemory
    if (host) {
      const out = this.allocHost(t.shape, t.dtype as TfDType)
      out.values.set(host.view(t) as never)
      return out.info
    }
    // NOTE: a no-op arithmetic kernel always writes a new buffer.
    if (t.dtype === 'bool') return this.kernel('LogicalOr', { a: t, b: this.constant(0, 'bool') })
    return this.kernel('Add', { a: t, b: this.constant(0, t.dtype as TfDType) })
  }

  weightsFor(b: TensorInfo, key: string): TensorInfo {
    if (!this.traits.quirks?.matmulWeightCache) return b
    const id = b.dataId as object
    const seen = this.weightKeys.get(id)
    if (seen === undefined || seen === key) { this.weightKeys.set(id, key); return b }
    const c = this.copy(b)
    this.weightKeys.set(c.dataId as object, key)
    return c
  }

  uniformOf(t: TensorInfo): number | undefined { return this.uniform.get(t.dataId as object) }
  markUniform(t: TensorInfo, value: number): void { this.uniform.set(t.dataId as object, value) }

  /** @internal Starts a primitive call. Returns the arena mark to pass to `end`. */
  begin(): number { return this.arena.length }

  /**
   * @internal Ends a primitive call: frees the arena tensors created since `mark` except `keep`.
   * A kept tensor that the call did not create (a rule returning an input) gets its own reference.
   */
  end(mark: number, keep: readonly TensorInfo[]): TensorInfo[] {
    // Fast path: the call made exactly its one output.
    if (keep.length === 1 && this.arena.length === mark + 1 && this.arena[mark] === keep[0]) {
      this.arena.length = mark
      return [keep[0]!]
    }
    const created = this.arena.splice(mark)
    const kept = new Set<TensorInfo>()
    const result = keep.map((t) => {
      if (created.includes(t) && !kept.has(t)) { kept.add(t); return t }
      this.backend.incRef(t.dataId)
      return { dataId: t.dataId, shape: t.shape.slice(), dtype: t.dtype }
    })
    for (const t of created) if (!kept.has(t)) this.backend.disposeData(t.dataId)
    return result
  }

  /** @internal Frees everything created since `mark` (a call that threw). */
  abort(mark: number): void {
    for (const t of this.arena.splice(mark)) {
      try { this.backend.disposeData(t.dataId) } catch { /* already gone */ }
    }
  }
}

/** @internal The tfjs dtype of a kx dtype the tfjs backends declare (float16/bfloat16, where a backend
 * emulates them, are stored as float32: see `WrapTfjsBackendOptions.narrowFloats`). */
export function tfDtype(d: DType): TfDType {
  if (d === 'float32' || d === 'int32' || d === 'bool') return d
  if (d === 'float16' || d === 'bfloat16') return 'float32'
  throw new DTypeError(`tfjs backends store float32, int32 and bool only. Received: dtype=${d}`)
}
