/**
 * @file `GraphBuilder`: accumulates ONNX nodes and initializers with fresh names, deduplicated small
 * constants, and the storage-aware helpers (casts, rounding of half types) every lowering uses.
 */
import { UnsupportedOpError, fmt, type BackendPrim, type DType, type Dim } from '@kx/core'
import { ONNX_TYPE, type OnnxAttr, type OnnxNode, type OnnxTensor, type OnnxType } from './proto.js'
import { STORAGE, isHalf, rawBytes } from './dtypes.js'

/** A value while lowering: its ONNX name plus kx shape (`null` = dynamic) and dtype. */
export interface LVal {
  readonly name: string
  readonly shape: readonly Dim[]
  readonly dtype: DType
}

const CONST_CACHE_LIMIT = 64

/**
 * The ONNX graph being built, plus helpers that lowerings share (fresh names, shared constants,
 * storage-aware casts, broadcast and layout hints, typed errors).
 *
 * @example
 * ```ts
 * const b = new GraphBuilder(18)
 * const y = b.op('Relu', [b.reserve('x')])
 * ```
 */
export class GraphBuilder {
  /** The node list being written (swapped while a sub-graph is built). */
  nodes: OnnxNode[] = []
  readonly initializers: OnnxTensor[] = []
  /** The primitive being lowered (named by typed errors). */
  prim: BackendPrim | 'graph' = 'graph'
  /** Pool NaN masks so max/min pooling propagates NaN like XLA even through ONNX MaxPool. */
  exactNaN = false
  /** Integer Div may round through float32 (OpenVINO's CPU plugin): correct quotients exactly. */
  inexactIntDiv = false
  /**
   * Broadcast hints: a full-shaped value → an equivalent smaller value that numpy-broadcasts to it
   * (the operand of an `Expand`). Elementwise lowerings use the smaller one when another operand has
   * the full shape, so ORT sees `Add(conv, bias[1,1,1,C])` instead of two full tensors; the unused
   * `Expand` is pruned.
   */
  readonly bcast = new Map<string, string>()
  /** Values known to hold one repeated value (splat constants and their broadcasts). */
  readonly splat = new Map<string, number>()
  /** Layout hints: a value that is `Transpose(src, perm)` (see `transpose` and `sinkTranspose`). */
  readonly layout = new Map<string, { readonly src: string; readonly perm: readonly number[] }>()
  private readonly scalars = new Set<string>()
  private readonly smalls = new Set<string>()
  private counter = 0
  private readonly constCache = new Map<string, string>()
  private readonly names = new Set<string>()

  constructor(readonly opset: number, private readonly prefix = 't') {}

  /** A new unique value name. */
  fresh(hint = ''): string {
    let n: string
    do n = `${this.prefix}${this.counter++}${hint ? `_${hint}` : ''}`; while (this.names.has(n))
    this.names.add(n)
    return n
  }

  /** Reserves a name chosen by the caller (graph inputs/outputs); throws if it is taken. */
  reserve(name: string): string {
    if (this.names.has(name)) throw new UnsupportedOpError(`ONNX value name ${fmt(name)} is used twice.`)
    this.names.add(name)
    return name
  }

  /** Adds a node with `nOut` fresh outputs (empty strings skip optional inputs). */
  opN(opType: string, inputs: readonly string[], nOut: number, attrs?: Record<string, OnnxAttr>): string[] {
    const outputs = Array.from({ length: nOut }, () => this.fresh())
    this.nodes.push({ opType, inputs: inputs.slice(), outputs, ...(attrs ? { attrs } : {}) })
    return outputs
  }

  /** Adds a single-output node. */
  op(opType: string, inputs: readonly string[], attrs?: Record<string, OnnxAttr>): string {
    return this.opN(opType, inputs, 1, attrs)[0]!
  }

  /** Adds a node writing to a given output name. */
  opTo(opType: string, inputs: readonly string[], output: string, attrs?: Record<string, OnnxAttr>): void {
    this.nodes.push({ opType, inputs: inputs.slice(), outputs: [output], ...(attrs ? { attrs } : {}) })
  }

  /** An initializer holding `values` (ONNX type `t`, dims); small ones are shared by content. */
  constant(values: ArrayLike<number | bigint>, t: OnnxType, dims: readonly number[]): string {
    const small = values.length <= CONST_CACHE_LIMIT
    const key = small ? `${t}|${dims.join(',')}|${Array.from(values, (v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')}` : ''
    const hit = small ? this.constCache.get(key) : undefined
    if (hit) return hit
    const name = this.fresh('c')
    this.initializers.push({ name, dataType: t, dims: dims.slice(), raw: rawBytes(values, t) })
    if (small) this.constCache.set(key, name)
    if (dims.length === 0) this.scalars.add(name)
    return name
  }

  /** An initializer from raw bytes (large tensors: weights). */
  rawConstant(raw: Uint8Array, t: OnnxType, dims: readonly number[], name?: string): string {
    const n = name ? this.reserve(name) : this.fresh('w')
    this.initializers.push({ name: n, dataType: t, dims: dims.slice(), raw })
    return n
  }

  /** A 1-D int64 constant. */
  i64(values: readonly number[]): string { return this.constant(values, ONNX_TYPE.INT64, [values.length]) }
  /** A scalar int64 constant. */
  i64s(value: number): string { return this.constant([value], ONNX_TYPE.INT64, []) }
  /** A scalar constant in the storage type of `dtype` (half types rounded by the caller's rules). */
  scalar(value: number, dtype: DType): string { return this.constant([value], STORAGE[dtype], []) }
  /** A constant of `dims` filled with `value`, in the storage of `dtype`. */
  filled(value: number, dtype: DType, dims: readonly number[]): string {
    const n = dims.reduce((a, b) => a * b, 1)
    return n <= CONST_CACHE_LIMIT
      ? this.constant(new Array<number>(n).fill(value), STORAGE[dtype], dims)
      : this.op('Expand', [this.scalar(value, dtype), this.i64(dims)])
  }

  /**
   * Operand names for an elementwise op with numpy broadcasting: broadcast-hinted operands are replaced
   * by their smaller form as long as one operand keeps the full shape.
   */
  narrow(names: readonly string[]): string[] {
    const full = names.findIndex((n) => !this.bcast.has(n))
    const keep = full >= 0 ? full : 0
    return names.map((n, i) => (i === keep ? n : this.bcast.get(n) ?? n))
  }

  /** Records that `full` equals `small` broadcast (numpy rules; `small` has full rank or is a scalar). */
  hintBroadcast(full: string, small: string): void {
    this.bcast.set(full, small)
    this.smalls.add(small)
  }

  /**
   * `Transpose(x, perm)`, composing with a transpose that produced `x` (two that cancel emit nothing),
   * and recording the result's layout hint.
   */
  transpose(x: string, perm: readonly number[]): string {
    if (perm.every((p, i) => p === i)) return x
    const t = this.layout.get(x)
    const src = t ? t.src : x
    const composed = t ? perm.map((p) => t.perm[p]!) : perm.slice()
    if (composed.every((p, i) => p === i)) return src
    const out = this.op('Transpose', [src], { perm: composed })
    this.layout.set(out, { src, perm: composed })
    return out
  }

  /**
   * Elementwise `emit` moved before a transpose: when every operand is either `Transpose(src, perm)`
   * (one perm) or a scalar / full-rank broadcast constant, runs `emit` on the sources (constants
   * transposed back) and transposes the result. Lets convolutions' layout transposes cancel across
   * bias adds and activations. Returns undefined when the pattern does not apply.
   */
  sinkTranspose(names: readonly string[], emit: (names: string[]) => string): string | undefined {
    let perm: readonly number[] | undefined
    for (const n of names) {
      const t = this.layout.get(n)
      if (!t) continue
      if (perm && (perm.length !== t.perm.length || perm.some((p, i) => p !== t.perm[i]))) return undefined
      perm = t.perm
    }
    if (!perm) return undefined
    const inv = new Array<number>(perm.length)
    perm.forEach((p, i) => { inv[p] = i })
    const moved: string[] = []
    for (const n of names) {
      const t = this.layout.get(n)
      if (t) { moved.push(t.src); continue }
      if (this.scalars.has(n)) { moved.push(n); continue }
      const small = this.bcast.get(n) ?? (this.smalls.has(n) ? n : undefined)
      if (small === undefined) return undefined
      moved.push(this.scalars.has(small) ? small : this.op('Transpose', [small], { perm: inv }))
    }
    return this.transpose(emit(moved), perm)
  }

  /** Casts a value between ONNX storage types (no node when they agree). */
  castTo(name: string, from: OnnxType, to: OnnxType): string {
    return from === to ? name : this.op('Cast', [name], { to })
  }

  /** Casts between kx dtypes' storages, rounding into half formats when the target is half. */
  cast(name: string, from: DType, to: DType): string {
    const c = this.castTo(name, STORAGE[from], STORAGE[to])
    return isHalf(to) && from !== to ? this.roundHalf(c, to) : c
  }

  /** Rounds float32 storage to the values of a half format (float16/bfloat16). */
  roundHalf(name: string, dtype: DType): string {
    const half = dtype === 'float16' ? ONNX_TYPE.FLOAT16 : ONNX_TYPE.BFLOAT16
    return this.op('Cast', [this.op('Cast', [name], { to: half })], { to: ONNX_TYPE.FLOAT })
  }

  /** Typed error for a primitive (or a case of it) that ONNX cannot express here. */
  unsupported(onnxOp: string, why: string): never {
    throw new UnsupportedOpError(`Primitive \`${this.prim}\` cannot be lowered to ONNX (${onnxOp}): ${why}. Run it on a backend that has it, or on "reference". Received: prim=${this.prim}, onnxOp=${onnxOp}`)
  }

  /** The int64 shape of a value: a constant when static, else built from `Shape`. */
  shapeOf(v: LVal): string {
    if (v.shape.every((d) => d !== null)) return this.i64(v.shape as number[])
    return this.op('Shape', [v.name])
  }

  /**
   * An int64 shape vector from parts: numbers, or `[value, axis]` for a (possibly dynamic) dim of a value.
   * Constant when every part is known.
   */
  shapeVector(parts: readonly (number | readonly [LVal, number])[]): string {
    const known = parts.map((p) => (typeof p === 'number' ? p : p[0].shape[p[1]] ?? null))
    if (known.every((d) => d !== null)) return this.i64(known as number[])
    const pieces = parts.map((p, i) => {
      if (known[i] !== null) return this.i64([known[i]!])
      const [v, axis] = p as readonly [LVal, number]
      return this.op('Slice', [this.op('Shape', [v.name]), this.i64([axis]), this.i64([axis + 1])])
    })
    return pieces.length === 1 ? pieces[0]! : this.op('Concat', pieces, { axis: 0 })
  }

  /** Reshape to `dims` (`null` = taken from `[value, axis]` in `from`, or -1 when one is left unknown). */
  reshape(x: string, dims: readonly (number | readonly [LVal, number])[]): string {
    const unknown = dims.filter((d) => typeof d !== 'number' && d[0].shape[d[1]] === null).length
    const known = dims.map((d) => (typeof d === 'number' ? d : d[0].shape[d[1]] ?? null))
    // NOTE: a zero dim needs `allowzero` (else 0 means "copy the input dim"), which forbids -1.
    if (known.includes(0) && !known.includes(-1)) return this.op('Reshape', [x, this.shapeVector(dims)], { allowzero: 1 })
    if (unknown <= 1) return this.op('Reshape', [x, this.i64(known.map((d) => d ?? -1))])
    return this.op('Reshape', [x, this.shapeVector(dims)])
  }
}
