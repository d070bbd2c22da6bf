/**
 * kx's own HDF5 reader (src/saving/h5-read-kx.ts) against the h5wasm reader (libhdf5 itself) on every HDF5
 * file Keras wrote in test/golden/saving and shared/fixtures/keras-models (the `model.weights.h5` inside each
 * `.keras` too): same tree, attributes, dataset types and bit-identical data, read by kx's reader and not a
 * fallback. Then what it leaves to the next reader, and hostile files: typed errors, quickly.
 */
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FileFormatError } from '@kx/core'
import { KxH5Reader, openKxH5 } from '../src/saving/h5-read-kx.js'
import { H5Reader, H5Writer, WasmH5Reader } from '../src/saving/h5.js'
import { ZipReader } from '../src/saving/zip.js'
import { SAVING_GOLDEN, dumpH5, h5wasmFile, kerasH5Files } from './h5-fixtures.js'

/** The outcome of opening and fully reading bytes through kx's reader: 'ok', 'fallback', or a typed error. */
function outcome(bytes: Uint8Array, label: string): string {
  try {
    const r = openKxH5(bytes, label)
    if (!r) return 'fallback'
    dumpH5(r)
    return 'ok'
  } catch (e) {
    if (!(e instanceof FileFormatError)) throw e
    expect(e.message).toContain(label)
    return 'error'
  }
}

describe('kx HDF5 reader', () => {
  it('reads every Keras-written file itself, exactly as libhdf5 (h5wasm) does', async () => {
    const files = await kerasH5Files()
    expect(files.length).toBeGreaterThan(70)
    for (const { name, bytes } of files) {
      const wasm = await WasmH5Reader.open(bytes, name)
      const kx = openKxH5(bytes, name)
      // Keras (h5py) files use only what kx's reader decodes: none may fall back.
      expect(kx, name).toBeInstanceOf(KxH5Reader)
      expect(dumpH5(kx!), name).toEqual(dumpH5(wasm))
      kx!.close()
      expect(() => kx!.keys('/')).toThrow(/closed/)
      wasm.close()
      // The chain's first reader handles it (no jsfive, no h5wasm).
      expect(await H5Reader.open(bytes, name)).toBeInstanceOf(KxH5Reader)
    }
  }, 60_000)

  it('h5py files beyond what Keras writes (tools/golden/h5_read_kx.py): read as libhdf5 does, or left to the next reader', async () => {
    const dir = join(__dirname, 'golden', 'h5-read-kx')
    const golden = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as {
      cases: Record<string, 'kx' | 'fallback'>
      values: Record<string, Record<string, (number | string)[]>>
    }
    expect(Object.keys(golden.cases).length).toBeGreaterThanOrEqual(10)
    const finite = (v: number | string): number => (typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity)
    for (const [name, expected] of Object.entries(golden.cases)) {
      const bytes = new Uint8Array(readFileSync(join(dir, `${name}.h5`)))
      const wasm = dumpH5(await WasmH5Reader.open(bytes, name))
      const kx = openKxH5(bytes, name)
      expect(kx ? 'kx' : 'fallback', name).toBe(expected)
      if (kx) {
        expect(dumpH5(kx), name).toEqual(wasm)
        // Data as h5py reads it (big-endian, float16, NaN, -0, unwritten data…).
        for (const [path, values] of Object.entries(golden.values[name]!)) {
          expect([...kx.readDataset(path, 'float64').data], `${name}:${path}`).toEqual(values.map(finite))
        }
      }
      expect(dumpH5(await H5Reader.open(bytes, name)), name).toEqual(wasm)
    }
  })

  it('reads bfloat16 (Keras: 2-byte opaque + a dtype attribute), and the integer, scalar and empty datasets and attributes h5wasm writes, as h5wasm does', async () => {
    // Keras's bfloat16: a 2-byte opaque dataset with attrs["dtype"] == "bfloat16", in the dtypes fixture.
    const zip = ZipReader.open(new Uint8Array(readFileSync(join(SAVING_GOLDEN, 'dtypes.keras'))), 'dtypes.keras')
    const kx = openKxH5(await zip.read('model.weights.h5'), 'dtypes')!
    const types = [...new Set(Object.values(dumpH5(kx)).map((v) => JSON.stringify((v as { info?: unknown }).info)))]
    expect(types.some((t) => t?.includes('"bfloat16":true'))).toBe(true)
    const bytes = await h5wasmFile((f) => {
      f.create_dataset({ name: 'i8', data: new Int8Array([-3, 5]), shape: [2] })
      f.create_dataset({ name: 'u16', data: new Uint16Array([1, 65535, 7]), shape: [3] })
      f.create_dataset({ name: 'i64', data: new BigInt64Array([-(2n ** 40n), 9n]), shape: [2, 1] })
      f.create_dataset({ name: 'f64', data: new Float64Array([Math.PI]), shape: [] })
      f.create_dataset({ name: 'empty', data: new Float32Array(0), shape: [0, 4] })
      f.create_attribute('ints', new Int32Array([1, -2, 3]), [3], '<i')
      f.create_attribute('scalar', 2.5)
      f.create_attribute('names', ['a', 'bc'], [2], 'S2')
      f.create_attribute('text', 'héllo')
    })
    const r = openKxH5(bytes, 'h5wasm-written')
    expect(r).toBeInstanceOf(KxH5Reader)
    expect(dumpH5(r!)).toEqual(dumpH5(await WasmH5Reader.open(bytes, 'h5wasm-written')))
    // Whichever reader the chain picks, the values are libhdf5's.
    expect(dumpH5(await H5Reader.open(bytes, 'chain'))).toEqual(dumpH5(await WasmH5Reader.open(bytes, 'wasm')))
  })

  it('leaves links, chunked and compressed datasets to the next reader', async () => {
    const chunked = await h5wasmFile((f) => f.create_dataset({ name: 'x', data: new Float32Array([1, 2, 3, 4]), shape: [4], chunks: [2], compression: 'gzip' }))
    const soft = await h5wasmFile((f) => { f.create_group('g'); f.get('g').create_soft_link('/elsewhere', 'vars') })
    const external = await h5wasmFile((f) => { f.create_group('g'); f.get('g').create_external_link('/etc/other.h5', '/vars', 'vars') })
    expect(openKxH5(chunked, 'chunked')).toBeUndefined()
    expect([...(await H5Reader.open(chunked, 'chunked')).readDataset('x', 'float32').data]).toEqual([1, 2, 3, 4])
    expect(openKxH5(soft, 'soft')).toBeUndefined()
    expect(openKxH5(external, 'external')).toBeUndefined()
    await expect(H5Reader.open(soft, 'soft').then((r) => r.kind('g/vars'))).rejects.toThrow(/link/)
  })

  it('reads what kx itself writes (H5Writer) as h5wasm does', async () => {
    const w = await H5Writer.create()
    w.group('layers/dense/vars')
    w.dataset('layers/dense/vars', '0', new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3], 'float32')
    w.dataset('layers/dense/vars', '1', new Int32Array([7, 8]), [2], 'int32')
    w.setAttr('/', 'keras_version', '3.15.1')
    w.setAttr('layers', 'names', ['dense', 'dense_1'])
    w.setAttr('layers', 'none', [])
    const bytes = w.finish()
    const wasm = dumpH5(await WasmH5Reader.open(bytes, 'kx-written'))
    expect(dumpH5(await H5Reader.open(bytes, 'kx-written'))).toEqual(wasm)
    // kx's files (superblock 2, version 2 object headers, link messages) are read by kx's reader too.
    const r = openKxH5(bytes, 'kx-written')
    expect(r).toBeInstanceOf(KxH5Reader)
    expect(dumpH5(r!)).toEqual(wasm)
  })
})

describe('kx HDF5 reader: data never written, checksums', () => {
  it('a dataset whose data was never written reads as zeros, as libhdf5 reads it (default fill value)', async () => {
    const bytes = new Uint8Array(readFileSync(join(SAVING_GOLDEN, 'mlp_sequential.h5')))
    const r = openKxH5(bytes, 'mlp.h5')!
    const [path, entry] = Object.entries(dumpH5(r)).find(([, v]) => (v as { info?: unknown }).info)! as [string, { info: { shape: number[]; type: { size: number } } }]
    const nbytes = entry.info.shape.reduce((a, d) => a * d, 1) * entry.info.type.size
    // Its layout message (type 8, version 3, class 1: contiguous): address then size; the address becomes undefined.
    const dv = new DataView(bytes.buffer)
    let patched = 0
    for (let i = 8; i + 18 <= bytes.length; i++) {
      if (dv.getUint16(i - 8, true) === 8 && bytes[i] === 3 && bytes[i + 1] === 1 && dv.getBigUint64(i + 10, true) === BigInt(nbytes)) {
        dv.setBigUint64(i + 2, 0xffffffffffffffffn, true)
        patched++
      }
    }
    expect(patched).toBeGreaterThan(0)
    const kx = dumpH5(openKxH5(bytes, 'unwritten')!)
    expect(kx).toEqual(dumpH5(await WasmH5Reader.open(bytes, 'unwritten')))
    expect((kx[path] as { data: number[] }).data.every((v) => v === 0)).toBe(true)
  })

  it('version 2 object headers and superblock: a flipped bit fails their checksum, as in libhdf5', async () => {
    const w = await H5Writer.create()
    w.dataset('vars', '0', new Float32Array([1, 2, 3]), [3], 'float32')
    const bytes = w.finish()
    expect(openKxH5(bytes, 'v2.h5')).toBeInstanceOf(KxH5Reader)
    const text = new TextDecoder('latin1').decode(bytes)
    for (const at of [20, text.indexOf('OHDR') + 6, text.lastIndexOf('OHDR') + 6]) {
      const b = bytes.slice()
      b[at] ^= 0x10
      expect(() => openKxH5(b, 'flipped.h5')).toThrow(/flipped\.h5 .*checksum/)
      // libhdf5 refuses it too, at open or when it reaches the object.
      await expect(WasmH5Reader.open(b, 'flipped.h5').then((r) => dumpH5(r))).rejects.toThrow(FileFormatError)
    }
    // Random flips and cuts of a version 2 file: typed errors or reads, never a crash.
    let seed = 7
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32)
    const seen = new Set<string>()
    for (let i = 0; i < 300; i++) {
      const b = bytes.slice(0, i % 3 === 0 ? Math.floor(rand() * bytes.length) : bytes.length)
      b[Math.floor(rand() * b.length)] ^= 1 << Math.floor(rand() * 8)
      seen.add(outcome(b, `v2-${i}`))
    }
    expect(seen.has('error')).toBe(true)
  })
})

describe('kx HDF5 reader on hostile files', () => {
  const src = (): Uint8Array => new Uint8Array(readFileSync(join(SAVING_GOLDEN, 'mlp_sequential.h5')))

  it('names the file in a typed error for bytes that are not HDF5', () => {
    expect(() => openKxH5(new Uint8Array(100), 'zeros.h5')).toThrow(FileFormatError)
    expect(() => openKxH5(new Uint8Array(100), 'zeros.h5')).toThrow(/zeros\.h5 is not a readable HDF5 file/)
  })

  it('truncations: a typed error at open or at read, never a crash', () => {
    const bytes = src()
    const seen = new Set<string>()
    for (let n = 0; n < bytes.length; n += Math.max(1, Math.floor(bytes.length / 400))) seen.add(outcome(bytes.slice(0, n), `cut-${n}`))
    expect(seen.has('error')).toBe(true)
    expect([...seen].every((s) => s === 'error' || s === 'ok')).toBe(true)
  })

  it('bit flips: each reads, gives a typed error, or falls back — within a bounded time', () => {
    const bytes = src()
    let seed = 12345
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32)
    const t0 = performance.now()
    const counts: Record<string, number> = {}
    for (let i = 0; i < 1000; i++) {
      const b = bytes.slice()
      for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) b[Math.floor(rand() * b.length)] ^= 1 << Math.floor(rand() * 8)
      const o = outcome(b, `flip-${i}`)
      counts[o] = (counts[o] ?? 0) + 1
    }
    expect(counts['error']).toBeGreaterThan(0)
    expect(performance.now() - t0).toBeLessThan(20_000)
  }, 30_000)

  /** The root group's B-tree address (superblock v0: the root entry's scratch pad at byte 80). */
  const rootTree = (b: Uint8Array): number => Number(new DataView(b.buffer, b.byteOffset).getBigUint64(80, true))

  it('a group B-tree that points to itself, or reuses nodes, is refused at once', () => {
    const bytes = src()
    const tree = rootTree(bytes)
    const dv = new DataView(bytes.buffer)
    // Make the root node an internal node (level 1) whose children are itself.
    const self = bytes.slice()
    const sdv = new DataView(self.buffer)
    sdv.setUint8(tree + 5, 1)
    for (let i = 0; i < dv.getUint16(tree + 6, true); i++) sdv.setBigUint64(tree + 32 + 16 * i, BigInt(tree), true)
    const t0 = performance.now()
    expect(() => openKxH5(self, 'self.h5')).toThrow(/self\.h5 .*reached twice/)
    // A wide tree whose entries all name the same node (jsfive alone would read 65535^depth entries).
    const E = 4000
    const newRoot = Math.ceil(bytes.length / 8) * 8
    const leaf = newRoot + 32 + 16 * E + 8
    const out = new Uint8Array(leaf + 32 + 16 * E + 8)
    out.set(bytes)
    const odv = new DataView(out.buffer)
    const firstSnod = dv.getBigUint64(tree + 32, true)
    const node = (at: number, level: number, child: bigint): void => {
      out.set([0x54, 0x52, 0x45, 0x45, 0, level], at)
      odv.setUint16(at + 6, E, true)
      for (let i = 0; i < E; i++) odv.setBigUint64(at + 32 + 16 * i, child, true)
    }
    node(newRoot, 1, BigInt(leaf))
    node(leaf, 0, firstSnod)
    for (let i = 0; i + 8 <= bytes.length; i++) if (odv.getBigUint64(i, true) === BigInt(tree)) odv.setBigUint64(i, BigInt(newRoot), true)
    expect(() => openKxH5(out, 'wide.h5')).toThrow(/wide\.h5 .*reached twice/)
    expect(performance.now() - t0).toBeLessThan(2000)
  })

  it('an object header continuation that loops back is refused at once', () => {
    const bytes = src()
    const dv = new DataView(bytes.buffer)
    // The root object header (superblock v0: at byte 64): append a continuation message pointing to its own block.
    const root = Number(dv.getBigUint64(64, true))
    const size = dv.getUint32(root + 8, true)
    // Find a NIL message (type 0) with room for a continuation body (16 bytes) and turn it into one.
    let p = root + 16
    let done = false
    while (p + 8 <= root + 16 + size) {
      const type = dv.getUint16(p, true)
      const len = dv.getUint16(p + 2, true)
      if (type === 0 && len >= 16) {
        dv.setUint16(p, 0x10, true)
        dv.setBigUint64(p + 8, BigInt(root + 16), true)
        dv.setBigUint64(p + 16, BigInt(size), true)
        done = true
        break
      }
      p += 8 + len
    }
    if (!done) {
      // No NIL message: make a new header elsewhere whose only message continues into itself.
      const at = Math.ceil(bytes.length / 8) * 8
      const out = new Uint8Array(at + 16 + 24)
      out.set(bytes)
      const odv = new DataView(out.buffer)
      out.set([1, 0], at)
      odv.setUint16(at + 2, 1, true)
      odv.setUint32(at + 8, 24, true)
      odv.setUint16(at + 16, 0x10, true)
      odv.setUint16(at + 18, 16, true)
      odv.setBigUint64(at + 24, BigInt(at + 16), true)
      odv.setBigUint64(at + 32, 24n, true)
      new DataView(out.buffer).setBigUint64(64, BigInt(at), true)
      expect(() => openKxH5(out, 'loop.h5')).toThrow(/loop\.h5 .*reached twice/)
      return
    }
    expect(() => openKxH5(bytes, 'loop.h5')).toThrow(/loop\.h5 .*reached twice/)
  })

  it('an attribute declaring 2^40 elements: a typed error when it is read, the rest of the file reads', () => {
    const bytes = new Uint8Array(readFileSync(join(SAVING_GOLDEN, '..', 'h5-read-kx', 'attrs.h5')))
    const dv = new DataView(bytes.buffer)
    // The dataspace of attribute f32_2d: dims 2 and 3 (8-byte little-endian).
    let patched = 0
    for (let i = 0; i + 16 <= bytes.length; i++) {
      if (dv.getBigUint64(i, true) === 2n && dv.getBigUint64(i + 8, true) === 3n) { dv.setBigUint64(i, 2n ** 40n, true); patched++ }
    }
    expect(patched).toBeGreaterThan(0)
    const r = openKxH5(bytes, 'big-attr.h5')!
    expect(r.attrNames('g')).toContain('f32_2d')
    expect(() => r.attr('g', 'f32_2d')).toThrow(/big-attr\.h5: attribute "f32_2d" of "g" is too large/)
    expect(r.attr('g', 'f64')).toBe(2.5)
  })

  it('a dataset shape of 2^40 elements or data past the end: a typed error at read, before any allocation', () => {
    const bytes = src()
    const r = openKxH5(bytes, 'mlp.h5')!
    const first = Object.entries(dumpH5(r)).find(([, v]) => ((v as { info?: { shape: number[] } }).info?.shape.length ?? 0) > 1)![0]
    const { shape } = r.datasetInfo(first)
    // Patch the dataset's first dimension wherever its dataspace stores it (8-byte little-endian dims).
    const dv = new DataView(bytes.buffer)
    let patched = 0
    for (let i = 0; i + 8 * shape.length <= bytes.length; i++) {
      if (shape.every((d, k) => dv.getBigUint64(i + 8 * k, true) === BigInt(d))) { dv.setBigUint64(i, 2n ** 40n, true); patched++ }
    }
    expect(patched).toBeGreaterThan(0)
    const h = openKxH5(bytes, 'huge.h5')!
    expect(() => h.readDataset(first, 'float32')).toThrow(/huge\.h5.*(shape|limit|corrupt|truncated)/)
  })
})
