/**
 * Property test: thousands of mutated model files (bytes of `.keras` / `.weights.h5` / legacy
 * `.h5` / TF.js, and JSON-level edits of configs) either load or fail with a KxError: no other
 * exception, no hang, no prototype pollution. Seeded, so failures reproduce (KX_FUZZ_SEED, KX_FUZZ_CASES).
 * Found so far and fixed: libhdf5 loops forever on corrupt global heaps (checked before opening), and
 * configs declaring absurd weight shapes (capped by the size of the weights file).
 */
import { describe, expect, it } from 'vitest'
import { zipSync } from 'fflate'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { KxError, Variable, tensor } from '@kx/core'
import { Input, Model, Sequential, registerTrainer, type TrainerPlugin } from '../src/index.js'
import { Dense, Add, Concatenate, Embedding, Flatten } from '../src/layers/index.js'
import { IntegerLookup } from '../src/index.js'
import { loadModel, loadWeights, saveModel, saveWeights, saveLayersModel, loadLayersModel, memoryFiles, modelFromJson } from '../src/saving/index.js'
import { ZipReader } from '../src/saving/zip.js'

function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)

function functional(): Model {
  const x = Input({ shape: [3], name: 'inp' })
  const a = new Dense({ units: 3, activation: 'relu' }).apply(x)
  return new Model({ inputs: x, outputs: new Dense({ units: 2 }).apply(new Concatenate().apply([new Add().apply([a, x]), a])) })
}
const small = (): Sequential => new Sequential({ layers: [Input({ shape: [2], dtype: 'int32' }), new Embedding({ inputDim: 5, outputDim: 2 }), new Flatten(), new Dense({ units: 1 })] })

function mutateBytes(b: Uint8Array, r: () => number): Uint8Array {
  const out = b.slice()
  const kind = Math.floor(r() * 6)
  const at = (): number => Math.floor(r() * out.length)
  if (kind === 0) return out.slice(0, at())
  if (kind === 1) { for (let i = 0, n = 1 + Math.floor(r() * 8); i < n; i++) out[at()] = Math.floor(r() * 256); return out }
  if (kind === 2) { const o = at(); const v = [0, 0xff, 0x7f, 0x80][Math.floor(r() * 4)]!; for (let i = 0; i < 4 && o + i < out.length; i++) out[o + i] = v; return out }
  if (kind === 3) { const o = at(); const n = Math.min(out.length - o, 1 + Math.floor(r() * 64)); out.fill(0, o, o + n); return out }
  if (kind === 4) { const o = at(); const ins = Uint8Array.from({ length: 1 + Math.floor(r() * 16) }, () => Math.floor(r() * 256)); const res = new Uint8Array(out.length + ins.length); res.set(out.subarray(0, o)); res.set(ins, o); res.set(out.subarray(o), o + ins.length); return res }
  const o = at(); const p = at(); const n = Math.min(32, out.length - Math.max(o, p)); out.copyWithin(o, p, p + n); return out
}

const WEIRD: unknown[] = [null, -1, 0, 1e308, -1e308, 2 ** 53, 1.5, '', 'x'.repeat(1000), 'relu', {}, [], [null], [1e9, 1e9], { class_name: 'Dense', config: {} }, { __proto__: { polluted: true } }, true, 'float64', [[[[[]]]]]]
function mutateJson(v: unknown, r: () => number): unknown {
  const clone = JSON.parse(JSON.stringify(v))
  const nodes: { parent: any; key: string | number }[] = []
  const walk = (x: any, depth: number): void => {
    if (depth > 12 || x === null || typeof x !== 'object') return
    for (const k of Array.isArray(x) ? x.keys() : Object.keys(x)) { nodes.push({ parent: x, key: k }); walk(x[k], depth + 1) }
  }
  walk(clone, 0)
  for (let i = 0, n = 1 + Math.floor(r() * 3); i < n && nodes.length; i++) {
    const { parent, key } = nodes[Math.floor(r() * nodes.length)]!
    const op = r()
    if (op < 0.6) parent[key] = structuredClone(WEIRD[Math.floor(r() * WEIRD.length)])
    else if (op < 0.8 && !Array.isArray(parent)) delete parent[key]
    else if (Array.isArray(parent[key])) parent[key] = [...parent[key], ...parent[key]]
    else parent[key] = typeof parent[key] === 'number' ? -parent[key] * 1e6 : String(parent[key])
  }
  return clone
}

async function outcome(p: () => Promise<unknown>, what: string): Promise<'ok' | 'error'> {
  try {
    await p()
    return 'ok'
  } catch (e) {
    if (e instanceof KxError) return 'error'
    throw new Error(`${what}: expected a KxError, got ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(0, 6).join('\n')}` : String(e)}`)
  }
}

describe('fuzz: mutated files load or fail with a KxError', () => {
  it('thousands of cases across formats', async () => {
    const t0 = Date.now()
    const model = functional()
    const files = memoryFiles()
    await saveModel(model, files)
    await saveWeights(model, files)
    await saveModel(model, files, { format: 'h5' })
    await saveLayersModel(model, files)
    const keras = files.get('model.keras')!
    const z = ZipReader.open(keras, 'k')
    const parts = { meta: await z.read('metadata.json'), config: await z.read('config.json'), weights: await z.read('model.weights.h5') }
    const configJson = JSON.parse(dec(parts.config))
    const tfjsJson = JSON.parse(dec(files.get('model.json')!))
    const smallFiles = memoryFiles()
    await saveModel(small(), smallFiles)
    // The newer loaders: LoRA layers (merged kernel on save, factors zeroed on load) and legacy optimizer_weights (needs a compiling trainer).
    const loraFiles = memoryFiles()
    await saveModel(new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 2, loraRank: 1 })] }), loraFiles)
    const keras2Adam = new Uint8Array(readFileSync(join(__dirname, 'golden', 'saving', 'kinds', 'keras2_adam.h5')))
    // Assets and named values: an adapted tf_idf IntegerLookup.
    const lookup = new IntegerLookup({ outputMode: 'tf_idf' })
    await lookup.adapt(tensor([[3, 3, 1], [2, 3, 2]], { dtype: 'int32' }))
    const assetFiles = memoryFiles()
    await saveModel(new Sequential({ layers: [Input({ shape: [3], dtype: 'int32' }), lookup] }), assetFiles)
    // Keras operation nodes (NotEqual/Any) in a Functional config.
    const maskingRnn = new Uint8Array(readFileSync(join(__dirname, 'golden', 'saving', 'kinds', 'masking_rnn.keras')))
    registerTrainer({
      compile(m: Model) {
        const variables = [new Variable({ initializer: tensor(0, { dtype: 'int64' }), name: 'iteration' })]
        m.trainerState['compiled'] = { optimizer: { name: 'sgd', className: 'SGD', variables, built: true, getConfig: () => ({ name: 'sgd' }) } }
        m.compiled = { optimizer: 'sgd' }
      },
    } as unknown as TrainerPlugin)
    const counts = { ok: 0, error: 0 }
    const target = functional()
    const r = rng(Number(process.env['KX_FUZZ_SEED'] ?? 20261124))
    const N = Number(process.env['KX_FUZZ_CASES'] ?? 2000)
    for (let i = 0; i < N; i++) {
      const kind = i % 6
      let res: 'ok' | 'error'
      if (kind === 0) res = await outcome(() => loadModel(mutateBytes(i % 12 === 6 ? loraFiles.get('model.keras')! : i % 18 === 0 ? maskingRnn : i % 18 === 12 ? assetFiles.get('model.keras')! : keras, r)), `case ${i} .keras bytes`)
      else if (kind === 1) {
        const cfg = enc(JSON.stringify(mutateJson(configJson, r)))
        res = await outcome(() => loadModel(zipSync({ 'metadata.json': parts.meta, 'config.json': cfg, 'model.weights.h5': parts.weights }, { level: 0 })), `case ${i} config.json`)
      } else if (kind === 2) res = await outcome(() => loadWeights(target, mutateBytes(files.get('model.weights.h5')!, r)), `case ${i} .weights.h5 bytes`)
      else if (kind === 3) {
        const b = mutateBytes(i % 12 === 9 ? keras2Adam : files.get('model.h5')!, r)
        res = await outcome(() => loadModel(b), `case ${i} legacy .h5 bytes`)
      }
      else if (kind === 4) {
        const j = i % 12 === 4 ? enc(JSON.stringify(mutateJson(tfjsJson, r))) : mutateBytes(files.get('model.json')!, r)
        const bin = r() < 0.3 ? mutateBytes(files.get('weights.bin')!, r) : files.get('weights.bin')!
        res = await outcome(() => loadLayersModel(memoryFiles({ 'model.json': j, 'weights.bin': bin }).source('model.json')), `case ${i} tfjs`)
      } else {
        const text = JSON.stringify(mutateJson(configJson, r))
        res = await outcome(async () => modelFromJson(r() < 0.5 ? text : text.slice(0, Math.floor(r() * text.length))), `case ${i} to_json`)
        if (i % 30 === 5) await outcome(() => loadModel(mutateBytes(smallFiles.get('model.keras')!, r)), `case ${i} small .keras`)
      }
      counts[res]++
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    expect(counts.error).toBeGreaterThan(N / 4)
    expect(counts.ok).toBeGreaterThan(0)
    console.log(`fuzz: ${N} cases, ${counts.ok} loaded, ${counts.error} typed errors, ${Date.now() - t0} ms`)
  }, 60_000)
})
