/**
 * @file TensorBoard event files: `Event` protos (encoded by protobufjs from the small schema below,
 * the subset of TensorBoard's `event.proto` / `summary.proto` / `tensor.proto` kx writes) framed as
 * TFRecords (little-endian length, masked CRC-32C of the length, data, masked CRC-32C of the data).
 * protobufjs and Node's fs load lazily, so bundles that never log to TensorBoard stay small.
 */
import { nodeFs, joinPath, type NodeFs } from './utils.js'

/** Field numbers and types as in TensorBoard's `tensorboard/compat/proto/*.proto`. */
const EVENT_PROTO = `
syntax = "proto3";
package tensorboard;
message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    Summary summary = 5;
  }
}
message Summary {
  message Value {
    string tag = 1;
    SummaryMetadata metadata = 9;
    oneof value {
      float simple_value = 2;
      HistogramProto histo = 5;
      TensorProto tensor = 8;
    }
  }
  repeated Value value = 1;
}
message SummaryMetadata {
  message PluginData {
    string plugin_name = 1;
    bytes content = 2;
  }
  PluginData plugin_data = 1;
  string display_name = 2;
  string summary_description = 3;
}
message HistogramProto {
  double min = 1;
  double max = 2;
  double num = 3;
  double sum = 4;
  double sum_squares = 5;
  repeated double bucket_limit = 6;
  repeated double bucket = 7;
}
message TensorShapeProto {
  message Dim {
    int64 size = 1;
    string name = 2;
  }
  repeated Dim dim = 2;
}
message TensorProto {
  int32 dtype = 1;
  TensorShapeProto tensor_shape = 2;
  repeated bytes string_val = 8;
}
`

/** The part of a protobufjs message type used here. */
export interface ProtoType {
  fromObject(o: Record<string, unknown>): unknown
  encode(m: unknown): { finish(): Uint8Array }
  decode(b: Uint8Array): unknown
  toObject(m: unknown, o?: Record<string, unknown>): Record<string, unknown>
}

let eventType: Promise<ProtoType> | undefined

/** The `tensorboard.Event` message type (the schema is parsed once). */
export function eventProto(): Promise<ProtoType> {
  eventType ??= (async () => {
    const mod = (await import('protobufjs')) as unknown as { default?: ProtobufModule } & ProtobufModule
    const pb = mod.default ?? mod
    return pb.parse(EVENT_PROTO, { keepCase: true }).root.lookupType('tensorboard.Event') as unknown as ProtoType
  })()
  return eventType
}
interface ProtobufModule { parse(src: string, o: { keepCase: boolean }): { root: { lookupType(name: string): unknown } } }

// ---- TFRecord framing ---------------------------------------------------------------------------

let crcTable: Uint32Array | undefined

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78). */
export function crc32c(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
      crcTable[n] = c >>> 0
    }
  }
  let crc = 0xffffffff
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

/** TFRecord's masked CRC: rotate right by 15 and add a constant. */
export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data)
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0
}

/** One TFRecord holding `data`. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length >>> 0, true)
  view.setUint32(4, Math.floor(data.length / 2 ** 32), true)
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true)
  out.set(data, 12)
  view.setUint32(12 + data.length, maskedCrc32c(data), true)
  return out
}

/** Splits a TFRecord stream back into records, checking both CRCs. */
export function readTfRecords(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = []
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let off = 0
  while (off < bytes.length) {
    if (off + 12 > bytes.length) throw new Error(`Truncated TFRecord header at byte ${off}.`)
    const len = view.getUint32(off, true) + view.getUint32(off + 4, true) * 2 ** 32
    if (view.getUint32(off + 8, true) !== maskedCrc32c(bytes.subarray(off, off + 8))) throw new Error(`Bad TFRecord length CRC at byte ${off}.`)
    const data = bytes.subarray(off + 12, off + 12 + len)
    if (data.length !== len || off + 16 + len > bytes.length) throw new Error(`Truncated TFRecord at byte ${off}.`)
    if (view.getUint32(off + 12 + len, true) !== maskedCrc32c(data)) throw new Error(`Bad TFRecord data CRC at byte ${off}.`)
    out.push(data)
    off += 16 + len
  }
  return out
}

// ---- histograms -----------------------------------------------------------------------------------

/**
 * TensorBoard's histogram of `values` (30 equal buckets from min to max, as `tf.summary.histogram`)
 * as a `HistogramProto`: `bucket_limit` holds each bucket's right edge.
 */
export function histogramProto(values: ArrayLike<number>, bucketCount = 30): Record<string, unknown> {
  const n = values.length
  let min = Infinity
  let max = -Infinity
  let sum = 0
  let sumSquares = 0
  for (let i = 0; i < n; i++) {
    const v = Number(values[i])
    if (v < min) min = v
    if (v > max) max = v
    sum += v
    sumSquares += v * v
  }
  const counts = new Array<number>(bucketCount).fill(0)
  const limits = new Array<number>(bucketCount).fill(0)
  if (n === 0) return { min: 0, max: 0, num: 0, sum: 0, sum_squares: 0, bucket_limit: limits, bucket: counts }
  if (min === max) {
    // NOTE: as tf.summary.histogram, identical values all go to the last bucket with zero-width edges.
    limits.fill(min)
    counts[bucketCount - 1] = n
  } else {
    const width = (max - min) / bucketCount
    for (let i = 0; i < bucketCount; i++) limits[i] = i === bucketCount - 1 ? max : min + (i + 1) * width
    for (let i = 0; i < n; i++) counts[Math.min(Math.floor((Number(values[i]) - min) / width), bucketCount - 1)]! += 1
  }
  return { min, max, num: n, sum, sum_squares: sumSquares, bucket_limit: limits, bucket: counts }
}

// ---- the writer -----------------------------------------------------------------------------------

let writerCount = 0

/** Appends `Event` records to one `events.out.tfevents.*` file in a folder (Node only). */
export class EventFileWriter {
  readonly dir: string
  private path: string | undefined
  private pending: Uint8Array[] = []
  private fs: NodeFs | undefined

  constructor(dir: string) { this.dir = dir }

  /** The event file's path once the first flush created it. */
  get filePath(): string | undefined { return this.path }

  private async event(step: number, what: Record<string, unknown>): Promise<void> {
    const Event = await eventProto()
    const bytes = Event.encode(Event.fromObject({ wall_time: Date.now() / 1000, step, ...what })).finish()
    this.pending.push(tfRecord(bytes))
  }

  /** A scalar (`simple_value`) at `step`. */
  scalar(tag: string, value: number, step: number): Promise<void> {
    return this.event(step, { summary: { value: [{ tag, simple_value: value }] } })
  }

  /** A histogram of `values` at `step`. */
  histogram(tag: string, values: ArrayLike<number>, step: number): Promise<void> {
    return this.event(step, { summary: { value: [{ tag, histo: histogramProto(values) }] } })
  }

  /** A string tensor summary with plugin metadata (the Keras model config for TensorBoard's graph view). */
  text(tag: string, text: string, pluginName: string, content: string, step: number): Promise<void> {
    const enc = new TextEncoder()
    return this.event(step, {
      summary: { value: [{ tag, metadata: { plugin_data: { plugin_name: pluginName, content: enc.encode(content) } }, tensor: { dtype: 7, tensor_shape: {}, string_val: [enc.encode(text)] } }] },
    })
  }

  /** Writes the pending events (creating the file with its `file_version` header first). */
  async flush(): Promise<void> {
    const fs = (this.fs ??= await nodeFs('TensorBoard'))
    if (!this.path) {
      await fs.mkdir(this.dir, { recursive: true })
      const osSpec = 'node:os'
      const os = (await import(/* @vite-ignore */ osSpec)) as { hostname(): string }
      const pid = (globalThis as { process?: { pid?: number } }).process?.pid ?? 0
      this.path = joinPath(this.dir, `events.out.tfevents.${Math.floor(Date.now() / 1000)}.${os.hostname()}.${pid}.${writerCount++}.v2`)
      const Event = await eventProto()
      const header = tfRecord(Event.encode(Event.fromObject({ wall_time: Date.now() / 1000, file_version: 'brain.Event:2' })).finish())
      await fs.writeFile(this.path, header)
    }
    if (!this.pending.length) return
    const total = this.pending.reduce((a, b) => a + b.length, 0)
    const buf = new Uint8Array(total)
    let off = 0
    for (const p of this.pending) { buf.set(p, off); off += p.length }
    this.pending = []
    await fs.appendFile(this.path, buf)
  }
}
