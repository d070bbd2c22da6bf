/**
 * LoRA-enabled layers (Dense, EinsumDense, Embedding) through sharded `.weights.json` and TF.js
 * layers files, stored the way Keras's `save_own_variables` stores them in `.keras`: the base weight
 * holds base + (alpha / rank)·A·B, the factors are not stored, and loading zeroes them. The merged
 * values are recomputed here with plain loops from the variables; tfjs-layers (from tools/) is the
 * reference reader of the TF.js files.
 */
import { describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tensor, type Tensor, type Variable } from '@kx/core'
import { Input, Model, type Layer } from '../src/index.js'
import { Concatenate, Dense, EinsumDense, Embedding, Flatten } from '../src/layers/index.js'
import { KerasFileEditor, layersModelArtifacts, loadLayersModel, loadWeights, saveLayersModel, saveWeights } from '../src/saving/index.js'

const REPO = join(__dirname, '../../..')
const hasTfjs = existsSync(join(REPO, 'tools/node_modules/@tensorflow/tfjs-layers'))

interface Lora { rank?: number; alpha?: number; late?: [number, number] }

/** Dense → EinsumDense on a [4, 6] input, Embedding on int ids, Dense head; LoRA settings per layer (or none). */
function build(opts: { dense?: Lora; einsum?: Lora; embedding?: Lora; head?: Lora } = {}): { model: Model; layers: Layer[] } {
  const lr = (o?: Lora): Record<string, number> => (o?.rank ? { loraRank: o.rank, ...(o.alpha ? { loraAlpha: o.alpha } : {}) } : {})
  const x = Input({ shape: [4, 6], name: 'x' })
  const ids = Input({ shape: [3], dtype: 'int32', name: 'ids' })
  const dense = new Dense({ units: 5, activation: 'tanh', name: 'dense', ...lr(opts.dense) })
  const einsum = new EinsumDense({ equation: 'abc,cd->abd', outputShape: [4, 3], biasAxes: 'd', name: 'einsum', ...lr(opts.einsum) })
  const embedding = new Embedding({ inputDim: 9, outputDim: 2, name: 'embedding', ...lr(opts.embedding) })
  const head = new Dense({ units: 2, name: 'head', ...lr(opts.head) })
  const h = new Concatenate().apply([new Flatten().apply(einsum.apply(dense.apply(x))), new Flatten().apply(embedding.apply(ids))])
  const model = new Model({ inputs: [x, ids], outputs: head.apply(h) })
  const layers = [dense, einsum, embedding, head]
  // `late`: Keras's enable_lora on a built layer (base weight frozen, factors added).
  for (const [l, o] of [[dense, opts.dense], [einsum, opts.einsum], [embedding, opts.embedding], [head, opts.head]] as const) {
    if (o?.late) (l as unknown as { enableLora(r: number, a: number): void }).enableLora(o.late[0], o.late[1])
  }
  return { model, layers }
}

const LORA = { dense: { rank: 2, alpha: 6 }, einsum: { rank: 1 }, embedding: { rank: 2, alpha: 1 }, head: { late: [3, 5] as [number, number] } }

type Parts = { base: Variable; a: Variable; b: Variable; rank: number; alpha: number }
function parts(l: Layer): Parts {
  const r = l as unknown as Record<string, unknown>
  return {
    base: (r['kernelVar'] ?? r['embeddingsVar']) as Variable, a: (r['loraKernelA'] ?? r['loraEmbeddingsA']) as Variable,
    b: (r['loraKernelB'] ?? r['loraEmbeddingsB']) as Variable, rank: r['loraRank'] as number, alpha: r['loraAlpha'] as number,
  }
}

/** Non-zero, distinct factor values (B starts at zero), so merged kernels differ from the bases. */
function perturb(layers: Layer[]): void {
  layers.forEach((l, k) => {
    const p = parts(l)
    for (const [j, v] of [p.a, p.b].entries()) {
      const n = v.shape.reduce((s, d) => s * d, 1)
      v.assign(tensor(Array.from({ length: n }, (_, i) => Math.sin(1 + i * 0.7 + j * 3 + k) / 2), { shape: v.shape.slice(), dtype: 'float32' }))
    }
  })
}

/** base + (alpha / rank)·A·B for 2-D weights, with plain loops over the variables' values. */
function merged(p: Parts): Float32Array {
  const [m, r] = p.a.shape as [number, number]
  const n = p.b.shape[1]!
  const [base, a, b] = [p.base, p.a, p.b].map((v) => v.rawValue.dataSync() as Float32Array) as [Float32Array, Float32Array, Float32Array]
  const out = new Float32Array(m * n)
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0
    for (let k = 0; k < r; k++) s += a[i * r + k]! * b[k * n + j]!
    out[i * n + j] = base[i * n + j]! + (p.alpha / p.rank) * s
  }
  return out
}

const inputs = (): Tensor[] => [
  tensor(Array.from({ length: 2 * 4 * 6 }, (_, i) => Math.cos(i * 0.37)), { shape: [2, 4, 6], dtype: 'float32' }),
  tensor([[0, 8, 3], [5, 5, 1]], { dtype: 'int32' }),
]
const predict = (m: Layer): Float32Array => (m.apply(inputs()) as Tensor).dataSync() as Float32Array

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 1e-5): void {
  expect(got.length, what).toBe(want.length)
  for (let i = 0; i < want.length; i++) if (Math.abs(got[i]! - want[i]!) > tol * (1 + Math.abs(want[i]!))) expect.fail(`${what}[${i}]: ${got[i]} vs ${want[i]}`)
}

function expectLoadedMerged(layers: Layer[], want: Float32Array[], what: string): void {
  layers.forEach((l, k) => {
    const p = parts(l)
    if (p.a) {
      expect([...p.a.rawValue.dataSync(), ...p.b.rawValue.dataSync()].every((v) => v === 0), `${what}: ${l.name}'s factors are zeroed`).toBe(true)
      expect(p.base.trainable, `${what}: ${l.name}'s base stays frozen`).toBe(false)
    }
    expectClose(p.base.rawValue.dataSync() as Float32Array, want[k]!, `${what}: ${l.name} base = merged`)
  })
}

describe('LoRA layers round-trip through sharded .weights.json', () => {
  it('stores merged kernels (no factors) across several shards; LoRA and plain models reload to the same outputs', async () => {
    const { model, layers } = build(LORA)
    perturb(layers)
    const want = predict(model)
    const mergedKernels = layers.map((l) => merged(parts(l)))
    const dir = mkdtempSync(join(tmpdir(), 'kx-lora-'))
    try {
      const file = join(dir, 'lora.weights.json')
      await saveWeights(model, file, { maxShardSize: 150 / 1024 ** 3 })
      const shards = readdirSync(dir).filter((f) => f.endsWith('.weights.h5')).sort()
      expect(shards.length, 'several shards').toBeGreaterThan(2)
      const index = JSON.parse(readFileSync(file, 'utf8')) as { weight_map: Record<string, string | string[]> }
      // Keras paths of the walk: the layers are named after their class; each stores [merged base, bias?].
      const stored = new Map<string, Float32Array>()
      for (const s of shards) {
        const ed = await KerasFileEditor.open(join(dir, s))
        for (const w of ed.weights()) stored.set(w.path, ed.read(w.path).data as Float32Array)
        ed.close()
      }
      expect([...stored.keys()].sort()).toEqual(['layers/dense/vars/0', 'layers/dense/vars/1', 'layers/dense_1/vars/0', 'layers/dense_1/vars/1', 'layers/einsum_dense/vars/0', 'layers/einsum_dense/vars/1', 'layers/embedding/vars/0'])
      expect(Object.keys(index.weight_map).some((k) => /lora/.test(k))).toBe(false)
      const paths = { dense: 'layers/dense/vars/0', einsum: 'layers/einsum_dense/vars/0', embedding: 'layers/embedding/vars/0', head: 'layers/dense_1/vars/0' }
      Object.values(paths).forEach((p, k) => expectClose(stored.get(p)!, mergedKernels[k]!, p))

      const again = build(LORA)
      await loadWeights(again.model, file)
      expectLoadedMerged(again.layers, mergedKernels, 'LoRA model')
      expectClose(predict(again.model), want, 'LoRA model reloaded from shards')

      const plain = build()
      await loadWeights(plain.model, file)
      expectClose(predict(plain.model), want, 'plain model loading the LoRA shards')

      // And the reverse: a plain model's shards load into a LoRA model (factors zero, same outputs).
      await saveWeights(plain.model, join(dir, 'plain.weights.json'), { maxShardSize: 150 / 1024 ** 3 })
      const lora2 = build(LORA)
      perturb(lora2.layers)
      await loadWeights(lora2.model, join(dir, 'plain.weights.json'))
      expectClose(predict(lora2.model), want, 'LoRA model loading plain shards')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('LoRA layers round-trip through TF.js layers files', () => {
  it('the manifest holds merged kernels and no factors; kx reloads to the same outputs', async () => {
    const { model, layers } = build(LORA)
    perturb(layers)
    const want = predict(model)
    const mergedKernels = layers.map((l) => merged(parts(l)))
    const { specs, data } = await layersModelArtifacts(model)
    expect(specs.map((s) => s.name)).toEqual(['dense/kernel', 'dense/bias', 'einsum/kernel', 'einsum/bias', 'embedding/embeddings', 'head/kernel', 'head/bias'])
    let offset = 0
    const byName = new Map<string, Float32Array>()
    for (const s of specs) {
      const n = s.shape.reduce((a, b) => a * b, 1)
      byName.set(s.name, new Float32Array(data.slice(offset, offset + 4 * n).buffer))
      offset += 4 * n
    }
    ;['dense/kernel', 'einsum/kernel', 'embedding/embeddings', 'head/kernel'].forEach((n, k) => expectClose(byName.get(n)!, mergedKernels[k]!, n))

    const dir = mkdtempSync(join(tmpdir(), 'kx-lora-tfjs-'))
    try {
      await saveLayersModel(model, dir)
      const back = await loadLayersModel(join(dir, 'model.json'))
      expectClose(predict(back), want, 'kx reloading its TF.js files')
      expectLoadedMerged(['dense', 'einsum', 'embedding', 'head'].map((n) => (back as Model).getLayer(n)), mergedKernels, 'TF.js reload')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it.skipIf(!hasTfjs)('tfjs-layers loads a LoRA Dense + Embedding model to the same predictions', async () => {
    const req = createRequire(join(REPO, 'tools/package.json'))
    const tf = req('@tensorflow/tfjs-core')
    req('@tensorflow/tfjs-backend-cpu')
    const tfl = req('@tensorflow/tfjs-layers')
    await tf.setBackend('cpu')
    const ids = Input({ shape: [3], dtype: 'int32' })
    const emb = new Embedding({ inputDim: 9, outputDim: 4, loraRank: 2, loraAlpha: 3 })
    const d1 = new Dense({ units: 5, activation: 'relu', loraRank: 1 })
    const d2 = new Dense({ units: 2 })
    const model = new Model({ inputs: ids, outputs: new Dense({ units: 3 }).apply(d2.apply(d1.apply(new Flatten().apply(emb.apply(ids))))) })
    d2.enableLora(2, 4)
    perturb([emb, d1, d2])
    const x = [[0, 8, 3], [5, 5, 1]]
    const want = (model.apply(tensor(x, { dtype: 'int32' })) as Tensor).dataSync() as Float32Array
    const { topology, specs, data } = await layersModelArtifacts(model)
    const m = await tfl.loadLayersModel({ load: async () => ({ modelTopology: topology, weightSpecs: specs, weightData: data.slice().buffer }) })
    const got = m.predict(tf.tensor(x, [2, 3], 'int32')) as { dataSync(): Float32Array }
    expectClose(got.dataSync(), want, 'tfjs-layers')
  })
})
