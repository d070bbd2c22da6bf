/**
 * @file An OpenVINO IR (v11) writer: layers with typed, shaped ports, edges, Const layers pointing at
 * little-endian weights packed into the `.bin`, serialized as `model.xml` text. The lowering table
 * (`lower-*.ts`) builds graphs with it; nothing here needs the OpenVINO runtime.
 */
import { UnsupportedOpError, type DType, type Dim } from '@kx/core'

/** One output port of a layer: its dtype and shape (`null` = dynamic). */
export interface Port {
  readonly layer: number
  readonly port: number
  readonly dtype: DType
  readonly shape: readonly Dim[]
}

/** A key identifying a port within its builder. */
export const portKey = (p: Port): string => `${p.layer}:${p.port}`

/** An output spec of a new layer. */
export interface OutSpec { readonly dtype: DType; readonly shape: readonly Dim[] }

/** Attribute values of a layer's `<data>` element. */
export type AttrValue = string | number | boolean | readonly number[]

interface Layer {
  readonly id: number
  readonly name: string
  readonly type: string
  readonly version: string
  readonly data: Record<string, AttrValue>
  /** A Const's values, packed into the `.bin` when the model is serialized (if the layer is live). */
  readonly payload?: { readonly values: ArrayLike<number>; readonly dtype: DType; readonly shape: readonly number[] }
  readonly inputs: readonly Port[]
  readonly outputs: readonly OutSpec[]
  /** Tensor names of each output port (`names` attribute). */
  readonly names: string[][]
  /** Extra elements inside the layer (a sub-graph's `port_map`, `back_edges` and `body`). */
  readonly inner?: readonly string[]
}

/** OpenVINO element type names (`element_type`) and port precisions of kx dtypes. */
const ELEMENT: { readonly [D in DType]: readonly [string, string] } = {
  bool: ['boolean', 'BOOL'], int8: ['i8', 'I8'], int16: ['i16', 'I16'], int32: ['i32', 'I32'], int64: ['i64', 'I64'],
  uint8: ['u8', 'U8'], uint16: ['u16', 'U16'], uint32: ['u32', 'U32'],
  float16: ['f16', 'FP16'], bfloat16: ['bf16', 'BF16'], float32: ['f32', 'FP32'], float64: ['f64', 'FP64'],
}

/**
 * The OpenVINO element type name of a kx dtype (`f32`, `i64`, `boolean`, …).
 *
 * @example
 * ```ts
 * elementType('float32') // 'f32'
 * ```
 */
export const elementType = (d: DType): string => ELEMENT[d][0]

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }
/** Escapes text for an XML attribute value. */
export const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!)

const attr = (v: AttrValue): string => (typeof v === 'boolean' ? String(v) : Array.isArray(v) ? v.join(',') : String(v))
const shapeAttr = (s: readonly Dim[]): string => s.map((d) => (d === null ? '?' : String(d))).join(',')

const ITEMSIZE: { readonly [D in DType]: number } = {
  bool: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, float16: 2, bfloat16: 2, int32: 4, uint32: 4, float32: 4, int64: 8, float64: 8,
}

/**
 * Bytes of `values` as `dtype` in OpenVINO's `.bin` layout (little-endian; bool one byte). Half dtypes
 * are not packed here: their constants are stored as f32 and converted in the graph (see `constant`).
 */
export function constantBytes(values: ArrayLike<number>, dtype: DType): Uint8Array {
  const n = values.length
  const dv = new DataView(new ArrayBuffer(n * ITEMSIZE[dtype]))
  for (let i = 0; i < n; i++) {
    const v = Number(values[i])
    switch (dtype) {
      case 'bool': dv.setUint8(i, v ? 1 : 0); break
      case 'int8': dv.setInt8(i, v); break
      case 'uint8': dv.setUint8(i, v); break
      case 'int16': dv.setInt16(i * 2, v, true); break
      case 'uint16': dv.setUint16(i * 2, v, true); break
      case 'int32': dv.setInt32(i * 4, v, true); break
      case 'uint32': dv.setUint32(i * 4, v, true); break
      // NOTE: int64 saturates at its range (2^63 itself is not representable); shape constants use -2^63 as "to the start".
      case 'int64': dv.setBigInt64(i * 8, Number.isNaN(v) ? 0n : v >= 2 ** 63 ? 2n ** 63n - 1n : v <= -(2 ** 63) ? -(2n ** 63n) : BigInt(Math.trunc(v)), true); break
      case 'float64': dv.setFloat64(i * 8, v, true); break
      case 'float32': dv.setFloat32(i * 4, v, true); break
      default: throw new UnsupportedOpError(`OpenVINO IR export: ${dtype} constants are stored as f32 and converted in the graph.`)
    }
  }
  return new Uint8Array(dv.buffer)
}

/** Builds one OpenVINO IR model: parameters, constants, operations and results. */
export class IrBuilder {
  private readonly layers: Layer[] = []
  private readonly edges: [number, number, number, number][] = []
  /** The `.bin` being written, shared with the builders of sub-graph bodies. */
  private readonly weights: { readonly chunks: Uint8Array[]; size: number }
  private readonly small = new Map<string, Port>()
  private readonly usedNames = new Set<string>()
  /** The primitive being lowered (named by `unsupported`). */
  prim = ''
  /** Broadcast outputs → their un-stretched source (binary ops broadcast it themselves). */
  readonly narrow = new Map<string, Port>()
  /** Transpose outputs → source and permutation, so elementwise ops run before the transpose and transposes cancel. */
  readonly transposed = new Map<string, { readonly src: Port; readonly perm: readonly number[] }>()
  /** Values of small constants. */
  readonly values = new Map<string, readonly number[]>()

  /** A model builder, or (with `outer`) the builder of a sub-graph body writing into the outer `.bin`. */
  constructor(outer?: IrBuilder) {
    this.weights = outer ? outer.weights : { chunks: [], size: 0 }
    if (outer) this.prim = outer.prim
  }

  /** A layer name not used yet. */
  private uniqueName(base: string): string {
    let name = base
    for (let i = 1; this.usedNames.has(name); i++) name = `${base}_${i}`
    this.usedNames.add(name)
    return name
  }

  private add(type: string, version: string, inputs: readonly Port[], outputs: readonly OutSpec[], data: Record<string, AttrValue> = {}, name?: string, inner?: readonly string[], payload?: Layer['payload']): Port[] {
    const id = this.layers.length
    const layer: Layer = {
      id, name: this.uniqueName(name ?? `${type}_${id}`), type, version, data, inputs, outputs, names: outputs.map(() => []),
      ...(inner ? { inner } : {}), ...(payload ? { payload } : {}),
    }
    this.layers.push(layer)
    inputs.forEach((p, i) => this.edges.push([p.layer, p.port, id, i]))
    return outputs.map((o, j) => ({ layer: id, port: inputs.length + j, dtype: o.dtype, shape: o.shape }))
  }

  /** A model input (`Parameter`); its tensor name is `name`. */
  parameter(name: string, dtype: DType, shape: readonly Dim[]): Port {
    const [p] = this.add('Parameter', 'opset1', [], [{ dtype, shape }], { shape: shapeAttr(shape), element_type: elementType(dtype) }, name)
    this.layers[p!.layer]!.names[0]!.push(name)
    return p!
  }

  /** A `Const` layer whose bytes go to the `.bin` (8-byte aligned, packed only if used); small constants are shared. */
  constant(values: ArrayLike<number>, dtype: DType, shape: readonly number[], name?: string): Port {
    if (dtype === 'float16' || dtype === 'bfloat16') {
      const c = this.constant(values, 'float32', shape, name)
      return this.op('Convert', [c], { dtype, shape }, { destination_type: elementType(dtype) })
    }
    const key = !name && values.length <= 16 ? `${dtype}|${shape.join(',')}|${Array.from(values).join(',')}` : undefined
    const hit = key !== undefined ? this.small.get(key) : undefined
    if (hit) return hit
    const [p] = this.add('Const', 'opset1', [], [{ dtype, shape }], { element_type: elementType(dtype), shape: shape.join(',') }, name, undefined, { values, dtype, shape })
    if (key !== undefined) { this.small.set(key, p!); this.values.set(portKey(p!), Array.from(values)) }
    return p!
  }

  /** A 1-D int64 constant (shapes, axes, pads). */
  i64(values: readonly number[]): Port { return this.constant(values, 'int64', [values.length]) }

  /** A scalar constant of `dtype`. */
  scalar(v: number, dtype: DType): Port { return this.constant([v], dtype, []) }

  /** One operation with several outputs. */
  opN(type: string, inputs: readonly Port[], outs: readonly OutSpec[], data?: Record<string, AttrValue>, version = 'opset1'): Port[] {
    return this.add(type, version, inputs, outs, data)
  }

  /** One operation with one output. */
  op(type: string, inputs: readonly Port[], out: OutSpec, data?: Record<string, AttrValue>, version = 'opset1'): Port {
    return this.add(type, version, inputs, [out], data)[0]!
  }

  /** The values, dtype, shape and name of a `Const` port, or undefined for any other port. */
  constantOf(p: Port): { readonly values: ArrayLike<number>; readonly dtype: DType; readonly shape: readonly number[]; readonly name: string } | undefined {
    const l = this.layers[p.layer]!
    return l.payload ? { ...l.payload, name: l.name } : undefined
  }

  /** Packs the live constants not yet in the `.bin` and sets their `offset` / `size`. */
  private pack(live: ReadonlySet<number>): void {
    const w = this.weights
    for (const l of this.layers) {
      if (!l.payload || !live.has(l.id) || l.data.offset !== undefined) continue
      const bytes = constantBytes(l.payload.values, l.payload.dtype)
      const pad = (8 - (w.size % 8)) % 8
      if (pad) { w.chunks.push(new Uint8Array(pad)); w.size += pad }
      l.data.offset = w.size
      l.data.size = bytes.byteLength
      w.chunks.push(bytes)
      w.size += bytes.byteLength
    }
  }

  /** The type and inputs of the layer producing `p`. */
  producer(p: Port): { readonly type: string; readonly inputs: readonly Port[] } {
    return this.layers[p.layer]!
  }

  /** An operation holding a sub-graph (`inner`: its `port_map`, `back_edges` and `body` elements). */
  subgraphOp(type: string, version: string, inputs: readonly Port[], outs: readonly OutSpec[], inner: readonly string[]): Port[] {
    return this.add(type, version, inputs, outs, {}, undefined, inner)
  }

  /** A `Result` layer of a sub-graph body reading `p`; returns its layer id (for the port map). */
  sink(p: Port): number {
    this.add('Result', 'opset1', [p], [])
    return this.layers.length - 1
  }

  /** Marks `p` as a model output named `name` (a `Result` layer; the producing port gets the tensor name). */
  result(p: Port, name: string): void {
    let src = p
    const producer = this.layers[p.layer]!
    // A parameter, constant or already-named port gets its own copy so each output has its own name.
    if (producer.type === 'Parameter' || producer.type === 'Const' || producer.names[p.port - producer.inputs.length]!.length) {
      src = this.op('Convert', [p], p, { destination_type: elementType(p.dtype) })
    }
    const layer = this.layers[src.layer]!
    layer.names[src.port - layer.inputs.length]!.push(name)
    this.add('Result', 'opset1', [src], [], {}, `${name}/sink_port_0`)
  }

  /** Throws the typed error of a primitive (or case) OpenVINO IR export cannot express. */
  unsupported(ovOp: string, why: string): never {
    throw new UnsupportedOpError(`OpenVINO IR export: primitive \`${this.prim}\` (${ovOp}): ${why}. Export with \`format: 'onnx'\` instead (OpenVINO reads ONNX too).`)
  }

  /** Layers a Result depends on, plus every Parameter (lowerings may leave layers they end up not using). */
  private liveLayers(): Set<number> {
    const live = new Set<number>()
    const stack = this.layers.filter((l) => l.type === 'Result' || l.type === 'Parameter').map((l) => l.id)
    while (stack.length) {
      const id = stack.pop()!
      if (live.has(id)) continue
      live.add(id)
      for (const p of this.layers[id]!.inputs) stack.push(p.layer)
    }
    return live
  }

  /** The `<layers>` and `<edges>` elements, indented by `tabs`. */
  graphLines(tabs: string): string[] {
    const port = (id: number, o: OutSpec, names?: readonly string[]): string => {
      const dims = o.shape.map((d) => `<dim>${d === null ? -1 : d}</dim>`).join('')
      const n = names && names.length ? ` names="${escapeXml(names.join(','))}"` : ''
      return `<port id="${id}" precision="${ELEMENT[o.dtype][1]}"${n}>${dims}</port>`
    }
    const live = this.liveLayers()
    this.pack(live)
    const lines = [`${tabs}<layers>`]
    for (const l of this.layers) {
      if (!live.has(l.id)) continue
      lines.push(`${tabs}\t<layer id="${l.id}" name="${escapeXml(l.name)}" type="${l.type}" version="${l.version}">`)
      const data = Object.entries(l.data)
      if (data.length) lines.push(`${tabs}\t\t<data ${data.map(([k, v]) => `${k}="${escapeXml(attr(v))}"`).join(' ')} />`)
      if (l.inputs.length) lines.push(`${tabs}\t\t<input>${l.inputs.map((p, i) => port(i, p)).join('')}</input>`)
      if (l.outputs.length) lines.push(`${tabs}\t\t<output>${l.outputs.map((o, j) => port(l.inputs.length + j, o, l.names[j])).join('')}</output>`)
      for (const x of l.inner ?? []) lines.push(`${tabs}\t\t${x}`)
      lines.push(`${tabs}\t</layer>`)
    }
    lines.push(`${tabs}</layers>`, `${tabs}<edges>`)
    for (const [fl, fp, tl, tp] of this.edges) if (live.has(tl)) lines.push(`${tabs}\t<edge from-layer="${fl}" from-port="${fp}" to-layer="${tl}" to-port="${tp}" />`)
    lines.push(`${tabs}</edges>`)
    return lines
  }

  /** Serializes the model: the `model.xml` text and the `model.bin` bytes. */
  serialize(graphName: string): { xml: string; bin: Uint8Array } {
    const lines = [
      '<?xml version="1.0"?>', `<net name="${escapeXml(graphName)}" version="11">`, ...this.graphLines('\t'),
      '\t<rt_info>', '\t\t<info name="producer" value="kx" />', '\t</rt_info>', '</net>', '',
    ]
    const bin = new Uint8Array(this.weights.size)
    let at = 0
    for (const c of this.weights.chunks) { bin.set(c, at); at += c.byteLength }
    return { xml: lines.join('\n'), bin }
  }
}
