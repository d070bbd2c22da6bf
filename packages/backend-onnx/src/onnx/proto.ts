/**
 * @file The ONNX model as plain objects, and its wire encoding through protobufjs (reflection over a
 * JSON descriptor of the `onnx.proto` messages kx writes; field numbers from ONNX's schema).
 */
import protobuf from 'protobufjs/light.js'

/**
 * ONNX `TensorProto.DataType` codes kx uses.
 *
 * @example
 * ```ts
 * ONNX_TYPE.FLOAT // 1
 * ```
 */
export const ONNX_TYPE = {
  FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10, DOUBLE: 11, UINT32: 12,
  UINT64: 13, BFLOAT16: 16,
} as const
export type OnnxType = (typeof ONNX_TYPE)[keyof typeof ONNX_TYPE]

/** A tensor literal (initializer or attribute): little-endian raw bytes of `dims` elements of `dataType`. */
export interface OnnxTensor {
  readonly name: string
  readonly dataType: OnnxType
  readonly dims: readonly number[]
  readonly raw: Uint8Array
}

/** An attribute value: numbers are INT, `{ f }` FLOAT, arrays INTS, `{ floats }` FLOATS, strings STRING. */
export type OnnxAttr =
  | number
  | readonly number[]
  | string
  | { readonly f: number }
  | { readonly floats: readonly number[] }
  | { readonly t: OnnxTensor }
  | { readonly g: OnnxGraph }

export interface OnnxNode {
  readonly opType: string
  readonly inputs: readonly string[]
  readonly outputs: readonly string[]
  readonly attrs?: Readonly<Record<string, OnnxAttr>>
  readonly name?: string
  readonly domain?: string
}

/** A graph input or output: name, element type, dims (`null` or a symbolic name = dynamic). */
export interface OnnxValueInfo {
  readonly name: string
  readonly dataType: OnnxType
  readonly dims: readonly (number | string | null)[]
}

export interface OnnxGraph {
  readonly name: string
  readonly nodes: readonly OnnxNode[]
  readonly initializers: readonly OnnxTensor[]
  readonly inputs: readonly OnnxValueInfo[]
  readonly outputs: readonly OnnxValueInfo[]
}

export interface OnnxModel {
  readonly irVersion: number
  readonly opset: number
  readonly producerName: string
  readonly producerVersion: string
  readonly graph: OnnxGraph
  readonly docString?: string
  readonly metadata?: Readonly<Record<string, string>>
}

// NOTE: a subset of onnx.proto (proto2); only the fields kx writes are declared. Unknown fields are
// never produced, and every number below is the field number of ONNX's schema.
const DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 }, type: { type: 'int32', id: 20 }, f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 }, s: { type: 'bytes', id: 4 }, t: { type: 'TensorProto', id: 5 },
            g: { type: 'GraphProto', id: 6 }, floats: { rule: 'repeated', type: 'float', id: 7, options: { packed: false } },
            ints: { rule: 'repeated', type: 'int64', id: 8, options: { packed: false } },
          },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 }, output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 }, opType: { type: 'string', id: 4 }, domain: { type: 'string', id: 7 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
          },
        },
        StringStringEntryProto: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 }, opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            producerName: { type: 'string', id: 2 }, producerVersion: { type: 'string', id: 3 }, docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 }, metadataProps: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 }, name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 }, input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1, options: { packed: false } }, dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 }, rawData: { type: 'bytes', id: 9 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType'] } },
          fields: { tensorType: { type: 'Tensor', id: 1 } },
          nested: { Tensor: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } } },
        },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
      },
    },
  },
}

let modelType: protobuf.Type | undefined
function types(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(DESCRIPTOR).lookupType('onnx.ModelProto')
  return modelType
}

const ATTR_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7 } as const
const utf8 = new TextEncoder()

function tensorMsg(t: OnnxTensor): Record<string, unknown> {
  return { name: t.name, dataType: t.dataType, dims: t.dims.slice(), rawData: t.raw }
}

function attrMsg(name: string, v: OnnxAttr): Record<string, unknown> {
  if (typeof v === 'number') return { name, type: ATTR_TYPE.INT, i: v }
  if (typeof v === 'string') return { name, type: ATTR_TYPE.STRING, s: utf8.encode(v) }
  if (Array.isArray(v)) return { name, type: ATTR_TYPE.INTS, ints: v.slice() }
  const o = v as Exclude<OnnxAttr, number | string | readonly number[]>
  if ('f' in o) return { name, type: ATTR_TYPE.FLOAT, f: o.f }
  if ('floats' in o) return { name, type: ATTR_TYPE.FLOATS, floats: o.floats.slice() }
  if ('t' in o) return { name, type: ATTR_TYPE.TENSOR, t: tensorMsg(o.t) }
  return { name, type: ATTR_TYPE.GRAPH, g: graphMsg(o.g) }
}

function valueInfoMsg(v: OnnxValueInfo): Record<string, unknown> {
  const dim = v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {}))
  return { name: v.name, type: { tensorType: { elemType: v.dataType, shape: { dim } } } }
}

function graphMsg(g: OnnxGraph): Record<string, unknown> {
  return {
    name: g.name,
    node: g.nodes.map((n) => ({
      input: n.inputs.slice(), output: n.outputs.slice(), opType: n.opType, ...(n.name ? { name: n.name } : {}),
      ...(n.domain ? { domain: n.domain } : {}),
      attribute: Object.entries(n.attrs ?? {}).map(([k, a]) => attrMsg(k, a)),
    })),
    initializer: g.initializers.map(tensorMsg),
    input: g.inputs.map(valueInfoMsg),
    output: g.outputs.map(valueInfoMsg),
  }
}

/**
 * Encodes a model to ONNX protobuf bytes.
 *
 * @example
 * ```ts
 * const bytes = encodeModel({ irVersion: 8, opset: 18, producerName: 'kx', producerVersion: '0.1.0', graph })
 * ```
 */
export function encodeModel(m: OnnxModel): Uint8Array {
  const T = types()
  const msg = T.fromObject({
    irVersion: m.irVersion,
    opsetImport: [{ domain: '', version: m.opset }],
    producerName: m.producerName,
    producerVersion: m.producerVersion,
    ...(m.docString ? { docString: m.docString } : {}),
    graph: graphMsg(m.graph),
    metadataProps: Object.entries(m.metadata ?? {}).map(([key, value]) => ({ key, value })),
  })
  return T.encode(msg).finish()
}

/** The decoded top-level structure of an ONNX model (for tests and tools): names, types, ops. */
export interface DecodedModel {
  readonly irVersion: number
  readonly opset: number
  readonly producerName: string
  readonly inputs: readonly OnnxValueInfo[]
  readonly outputs: readonly OnnxValueInfo[]
  readonly opTypes: readonly string[]
  readonly initializerNames: readonly string[]
}

/**
 * Decodes the parts of an ONNX model kx writes (input/output names, types and dims, op types).
 *
 * @example
 * ```ts
 * decodeModel(bytes).inputs[0].dims // ['batch', 784]
 * ```
 */
export function decodeModel(bytes: Uint8Array): DecodedModel {
  const T = types()
  const o = T.toObject(T.decode(bytes), { longs: Number, defaults: false }) as {
    irVersion: number; producerName?: string; opsetImport: { version: number }[]
    graph: { node?: { opType: string }[]; initializer?: { name: string }[]; input?: unknown[]; output?: unknown[] }
  }
  const vi = (v: unknown): OnnxValueInfo => {
    const x = v as { name: string; type: { tensorType: { elemType: number; shape?: { dim?: { dimValue?: number; dimParam?: string }[] } } } }
    const dims = (x.type.tensorType.shape?.dim ?? []).map((d) => d.dimValue ?? d.dimParam ?? null)
    return { name: x.name, dataType: x.type.tensorType.elemType as OnnxType, dims }
  }
  return {
    irVersion: o.irVersion,
    opset: o.opsetImport[0]?.version ?? 0,
    producerName: o.producerName ?? '',
    inputs: (o.graph.input ?? []).map(vi),
    outputs: (o.graph.output ?? []).map(vi),
    opTypes: (o.graph.node ?? []).map((n) => n.opType),
    initializerNames: (o.graph.initializer ?? []).map((t) => t.name),
  }
}
