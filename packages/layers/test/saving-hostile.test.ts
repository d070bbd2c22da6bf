/**
 * Bad and hostile files: truncated or corrupt zip / HDF5 / JSON, wrong shapes, missing weights,
 * unknown classes, `__proto__` keys, huge declared shapes, links, path escapes and zip bombs all
 * end in a typed KxError naming the file, with bounded memory and time.
 */
import { describe, expect, it } from 'vitest'
import { zipSync } from 'fflate'
import { FileFormatError, KxError, tensor, type Tensor } from '@kx/core'
import { Input, Sequential, Layer } from '../src/index.js'
import { Dense } from '../src/layers/index.js'
import { loadModel, loadWeights, saveModel, saveWeights, memoryFiles, saveLayersModel, loadLayersModel, KerasFileEditor } from '../src/saving/index.js'
import { ZipReader } from '../src/saving/zip.js'
import { H5Writer, loadH5 } from '../src/saving/h5.js'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const mlp = (): Sequential => new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 4 }), new Dense({ units: 2 })] })

async function kerasFile(model: Layer = mlp()): Promise<Uint8Array> {
  const f = memoryFiles()
  await saveModel(model, f)
  return f.get('model.keras')!
}
async function members(bytes: Uint8Array): Promise<Record<string, Uint8Array>> {
  const z = ZipReader.open(bytes, 'm.keras')
  const out: Record<string, Uint8Array> = {}
  for (const n of z.names()) out[n] = await z.read(n)
  return out
}
async function rejects(p: Promise<unknown>, pattern?: RegExp): Promise<KxError> {
  const e = await p.then(() => undefined, (x: unknown) => x)
  if (!(e instanceof KxError)) throw new Error(`expected a KxError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`)
  if (pattern) expect(e.message).toMatch(pattern)
  return e
}

describe('zip (.keras) archives', () => {
  it('truncated archives and non-archives', async () => {
    const b = await kerasFile()
    for (const n of [0, 10, 100, b.length >> 1, b.length - 30, b.length - 1]) await rejects(loadModel(b.slice(0, n)))
    await rejects(loadModel(enc('PK\u0003\u0004garbage')), /zip|archive/)
  })
  it('a flipped byte in a stored member fails the CRC check', async () => {
    const b = await kerasFile()
    const z = ZipReader.open(b, 'x')
    const e = z.entry('config.json')!
    const c = b.slice()
    c[e.localOffset + 30 + 'config.json'.length + 5] ^= 0x20
    await rejects(loadModel(c), /CRC/)
  })
  it('missing members', async () => {
    const m = await members(await kerasFile())
    await rejects(loadModel(zipSync({ 'metadata.json': m['metadata.json']! })), /config\.json/)
    await rejects(loadModel(zipSync({ 'config.json': m['config.json']! })), /model\.weights\.h5/)
    await rejects(loadModel(zipSync({ 'config.json': m['config.json']!, 'model.weights.npz': new Uint8Array(4) })), /npz/)
  })
  it('zip bombs: lying sizes stop at the declared size, absurd ratios are refused up front', async () => {
    const m = await members(await kerasFile())
    const big = new Uint8Array(24 << 20)
    const bomb = zipSync({ 'config.json': m['config.json']!, 'model.weights.h5': [big, { level: 9 }] })
    // Lie in the central directory: declare 1 KiB for a member that inflates to 24 MiB.
    const z = ZipReader.open(bomb, 'b')
    const cd = findCentral(bomb, 'model.weights.h5')
    const lie = bomb.slice()
    new DataView(lie.buffer).setUint32(cd + 24, 1024, true)
    await rejects(loadModel(lie), /declared size|bomb/)
    const huge = bomb.slice()
    new DataView(huge.buffer).setUint32(cd + 24, 0xfffffff0, true)
    await rejects(loadModel(huge), /bomb|limit/)
    expect(z.entry('model.weights.h5')!.size).toBe(24 << 20)
  })
  it('duplicate and encrypted members', async () => {
    const m = await members(await kerasFile())
    const two = zipSync({ 'x1.bin': new Uint8Array(3), 'x2.bin': new Uint8Array(3) })
    await rejects(Promise.resolve().then(() => ZipReader.open(patchName(two, 'x2.bin', 'x1.bin'), 'dup.keras')), /duplicate/)
    const ok = zipSync({ 'config.json': m['config.json']!, 'a.bin': new Uint8Array(3) })
    const c1 = findCentral(ok, 'config.json')
    ok[c1 + 8] |= 1
    await rejects(loadModel(ok), /encrypted/)
  })
})

describe('config.json', () => {
  async function withConfig(config: string): Promise<Uint8Array> {
    const m = await members(await kerasFile())
    return zipSync({ 'metadata.json': m['metadata.json']!, 'config.json': enc(config), 'model.weights.h5': m['model.weights.h5']! }, { level: 0 })
  }
  it('invalid JSON, wrong types, deep nesting', async () => {
    await rejects(loadModel(await withConfig('{"class_name": "Seq')), /JSON/)
    await rejects(loadModel(await withConfig('[1, 2]')), /object/)
    await rejects(loadModel(await withConfig('"x"')), /object/)
    await rejects(loadModel(await withConfig('['.repeat(5000) + ']'.repeat(5000))), /nesting/)
    await rejects(loadModel(await withConfig('{"class_name": 5, "config": {}}')))
  })
  it('unknown classes are named', async () => {
    const cfg = JSON.parse(new TextDecoder().decode((await members(await kerasFile()))['config.json']!))
    cfg.config.layers[1].class_name = 'FancyLayer'
    await rejects(loadModel(await withConfig(JSON.stringify(cfg))), /FancyLayer/)
  })
  it('__proto__ / constructor keys never reach an object', async () => {
    const cfg = new TextDecoder().decode((await members(await kerasFile()))['config.json']!)
    const evil = cfg.replace('"units": 4', '"units": 4, "__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}').replace('"units":4', '"units":4,"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}}')
    expect(evil).toContain('polluted')
    const model = await loadModel(await withConfig(evil))
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    expect((Object.prototype as Record<string, unknown>)['polluted']).toBeUndefined()
    expect(model.layers.length).toBe(2)
  })
})

describe('HDF5 weights', () => {
  it('truncated weights and random bytes', async () => {
    const f = memoryFiles()
    await saveWeights(mlp(), f)
    const w = f.get('model.weights.h5')!
    for (const n of [8, 100, 600, w.length >> 1]) await rejects(loadWeights(mlp(), w.slice(0, n)))
    await rejects(loadWeights(mlp(), new Uint8Array(1000).fill(7)), /not a weights file|recognize/)
  })
  it('wrong shapes, missing and extra variables', async () => {
    const f = memoryFiles()
    await saveWeights(mlp(), f)
    const wide = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 5 }), new Dense({ units: 2 })] })
    const e = await rejects(loadWeights(wide, f.source('model.weights.h5')), /variable|shape/)
    expect(e.message).toContain('model.weights.h5')
    const deep = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 4 }), new Dense({ units: 2 }), new Dense({ units: 1 })] })
    await rejects(loadWeights(deep, f.source('model.weights.h5')), /expected 2 variables, but received 0/)
  })
  it('huge declared shapes are refused before any allocation', async () => {
    await loadH5()
    const w = await H5Writer.create()
    w.group('layers/dense/vars')
    w.dataset('layers/dense/vars', '0', new Float32Array(12), [3, 4], 'float32')
    w.dataset('layers/dense/vars', '1', new Float32Array(4), [4], 'float32')
    const bytes = w.finish()
    // Patch the stored dimension 3 of vars/0 to 2^31 − 1 wherever HDF5 wrote the dataspace (8-byte little-endian dims).
    const patched = patchDims(bytes, [3, 4], [0x7fffffff, 4])
    const model = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 4 })] })
    await rejects(loadWeights(model, patched), /shape|corrupt|limit/)
    const ed = await KerasFileEditor.open(patched).catch((x) => x)
    if (ed instanceof KerasFileEditor) {
      expect(() => ed.read('layers/dense/vars/0')).toThrow(KxError)
      ed.close()
    } else {
      expect(ed).toBeInstanceOf(KxError)
    }
  })
  it('soft and external links are refused', async () => {
    const h5 = await loadH5()
    for (const kind of ['soft', 'external'] as const) {
      const name = `/links_${kind}.h5`
      const file = new h5.lib.File(name, 'w')
      const g = file.create_group('layers').create_group('dense')
      file.create_group('elsewhere').create_group('vars').create_dataset({ name: '0', data: new Float32Array(12), shape: [3, 4], dtype: '<f' })
      if (kind === 'soft') g.create_soft_link('/elsewhere/vars', 'vars')
      else g.create_external_link('/etc/other.h5', '/vars', 'vars')
      file.close()
      const bytes = h5.Module.FS.readFile(name) as Uint8Array
      h5.Module.FS.unlink(name)
      const model = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 4, useBias: false })] })
      await rejects(loadWeights(model, bytes), /link/)
    }
  })
})

describe('sharded weights and TF.js files: names from inside a file stay in their folder', () => {
  it('shard names with ../ or absolute paths', async () => {
    for (const bad of ['../secret.weights.h5', '/etc/passwd', 'a/../../b.h5', 'https://evil/x.h5', 'C:\\x.h5']) {
      const f = memoryFiles({ 'model.weights.json': enc(JSON.stringify({ metadata: {}, weight_map: { '/layers/dense/vars': bad } })) })
      await rejects(loadWeights(mlp(), f.source('model.weights.json')), /refusing|invalid/)
    }
  })
  it('TF.js: bin paths, truncated bins, huge shapes, bad dtypes', async () => {
    const f = memoryFiles()
    await saveLayersModel(mlp(), f)
    const json = JSON.parse(new TextDecoder().decode(f.get('model.json')!))
    const variant = async (edit: (j: any) => void, bin = f.get('weights.bin')!): Promise<unknown> => {
      const j = structuredClone(json)
      edit(j)
      return loadLayersModel(memoryFiles({ 'model.json': enc(JSON.stringify(j)), 'weights.bin': bin }).source('model.json'))
    }
    await rejects(variant((j) => { j.weightsManifest[0].paths = ['../../etc/passwd'] }), /refusing/)
    await rejects(variant(() => {}, f.get('weights.bin')!.slice(0, 20)), /truncated|holds only/)
    await rejects(variant((j) => { j.weightsManifest[0].weights[0].shape = [1e6, 1e6] }), /elements|shape/)
    await rejects(variant((j) => { j.weightsManifest[0].weights[0].dtype = 'string' }), /dtype/)
    await rejects(variant((j) => { j.weightsManifest[0].weights.push({ name: 'ghost/kernel', shape: [1], dtype: 'float32' }) }, new Uint8Array(1000)), /ghost|match no layer|entries/)
    await rejects(variant((j) => { j.modelTopology.config.layers[1].class_name = 'NoSuchLayer' }), /NoSuchLayer/)
  })
})

// ---- helpers -----------------------------------------------------------------------------------

function findCentral(zip: Uint8Array, name: string): number {
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
  const n = enc(name)
  for (let o = zip.length - 46; o >= 0; o--) {
    if (dv.getUint32(o, true) !== 0x02014b50) continue
    if (n.every((b, i) => zip[o + 46 + i] === b)) return o
  }
  throw new Error(`no central entry ${name}`)
}
function patchName(zip: Uint8Array, from: string, to: string): Uint8Array {
  const out = zip.slice()
  const a = enc(from)
  const b = enc(to)
  for (let o = 0; o + a.length <= out.length; o++) if (a.every((x, i) => out[o + i] === x)) out.set(b, o)
  return out
}
function patchDims(bytes: Uint8Array, from: number[], to: number[]): Uint8Array {
  const out = bytes.slice()
  const dv = new DataView(out.buffer)
  for (let o = 0; o + 16 <= out.length; o++) {
    if (dv.getBigUint64(o, true) === BigInt(from[0]!) && dv.getBigUint64(o + 8, true) === BigInt(from[1]!)) {
      dv.setBigUint64(o, BigInt(to[0]!), true)
      dv.setBigUint64(o + 8, BigInt(to[1]!), true)
    }
  }
  return out
}
void tensor
void ({} as Tensor | undefined)
