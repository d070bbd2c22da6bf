/**
 * @file The saving sweep of the layer harness: a built layer, wrapped in a Functional model, goes
 * through every format that can express it (`.keras`, `.weights.h5`, sharded `.weights.json`, the
 * TF.js layers format, legacy `.h5`) in memory and must come back with identical outputs (max
 * |diff| 0: same backend, same weights) and identical configs. A writer that throws
 * `FormatCannotExpressError` skips that format; any other error fails.
 *
 * @example
 * ```ts
 * const y = layer.apply(x)
 * await checkSavingRoundTrip(layer, x, y)
 * ```
 */
import { expect } from 'vitest'
import type { Tensor } from '@kx/core'
import { Input, Model, type Layer, type CallOptions } from '../src/index.js'
import { serializeLayer, deserializeLayer } from '../src/saving/serializeLib.js'
import { FormatCannotExpressError, loadLayersModel, loadModel, loadWeights, memoryFiles, saveLayersModel, saveModel, saveWeights } from '../src/saving/index.js'

type Outs = Tensor | Tensor[]
const flat = (v: unknown): Tensor[] => (Array.isArray(v) ? (v as Tensor[]) : [v as Tensor])
const json = (c: unknown): unknown => JSON.parse(JSON.stringify(c))

const withoutBuildConfig = (c: unknown): unknown => {
  if (Array.isArray(c)) return c.map(withoutBuildConfig)
  if (c === null || typeof c !== 'object') return c
  return Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'build_config').map(([k, v]) => [k, withoutBuildConfig(v)]))
}

/** Formats the sweep tried for a layer: `'ok'` or `'skip: <reason>'` (for reports). */
export type SavingReport = Record<'keras' | 'weightsH5' | 'sharded' | 'tfjs' | 'legacyH5', string>

/** Exact (bitwise for floats, NaN = NaN) comparison of two output lists. */
async function expectIdentical(got: Tensor[], want: Tensor[], what: string): Promise<void> {
  expect(got.length, `${what}: output count`).toBe(want.length)
  for (let k = 0; k < want.length; k++) {
    expect(got[k]!.shape, `${what}: output ${k} shape`).toEqual(want[k]!.shape)
    expect(got[k]!.dtype, `${what}: output ${k} dtype`).toBe(want[k]!.dtype)
    const [a, b] = await Promise.all([got[k]!.data(), want[k]!.data()])
    for (let i = 0; i < b.length; i++) {
      const x = a[i] as number | string
      const y = b[i] as number | string
      if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) expect.fail(`${what}: output ${k}[${i}] = ${String(x)}, expected ${String(y)}`)
    }
  }
}

/** Wraps a built layer in a Functional model whose inputs match `inputs` (one or several). */
function wrap(layer: Layer, inputs: Outs, callOptions: CallOptions): Model {
  const xs = flat(inputs).map((t) => Input({ shape: t.shape.slice(1), dtype: t.dtype }))
  const { training: _t, mask: _m, ...rest } = callOptions
  void _t; void _m
  const y = layer.apply(Array.isArray(inputs) ? xs : xs[0]!, rest)
  return new Model({ inputs: Array.isArray(inputs) ? xs : xs[0]!, outputs: y })
}

/**
 * Saves `layer` (built, already called eagerly on `inputs`) in every format that can express it,
 * reloads each and checks identical inference outputs and configs. `outputs` is the harness's
 * eager output (possibly a training-mode call): the wrapped model must give as many outputs, and
 * exactly the values of an eager inference call.
 */
export async function checkSavingRoundTrip(layer: Layer, inputs: Outs, outputs: Outs, callOptions: CallOptions = {}): Promise<SavingReport> {
  const model = wrap(layer, inputs, callOptions)
  const idx = model.layers.indexOf(layer)
  // Inference everywhere: random layers default to training in eager calls, and their seed state moves on each call.
  const infer = (m: Layer): Tensor[] => flat(m.apply(inputs, { training: false }))
  const want = infer(model)
  const eager = flat(layer.apply(inputs, { training: false }))
  await expectIdentical(want, eager, `${layer.name} wrapped in a Functional model vs its eager call`)
  // Only the count: an inference call may differ in shape too (Keras's RandomCrop passes images through).
  expect(want.length, 'wrapped model output count vs the harness call').toBe(flat(outputs).length)
  const modelConfig = json(model.getConfig())
  const layerConfig = json(layer.getConfig())
  const report = {} as SavingReport

  const check = async (kind: keyof SavingReport, what: string, run: () => Promise<Layer>, keepsBuildConfig = true): Promise<void> => {
    let again: Layer
    try {
      again = await run()
    } catch (e) {
      if (e instanceof FormatCannotExpressError) { report[kind] = `skip: ${e.message}`; return }
      throw e
    }
    await expectIdentical(infer(again), want, `${layer.name} (${layer.constructor.name}) reloaded from ${what}`)
    // Keras 2 style topologies (TF.js, legacy .h5) store no build_config: nested layers rebuild from the symbolic call (batch dim None).
    const norm = keepsBuildConfig ? json : (c: unknown): unknown => withoutBuildConfig(json(c))
    expect(norm((again as Model).layers[idx]!.getConfig()), `${what}: layer config after reload`).toEqual(norm(layerConfig))
    expect(norm(again.getConfig()), `${what}: model config after reload`).toEqual(norm(modelConfig))
    report[kind] = 'ok'
  }
  const fresh = (): Layer => deserializeLayer(json(serializeLayer(model)))

  await check('keras', '.keras', async () => {
    const files = memoryFiles()
    await saveModel(model, files)
    return loadModel(files.source('model.keras'))
  })
  await check('weightsH5', '.weights.h5', async () => {
    const files = memoryFiles()
    await saveWeights(model, files)
    const m = fresh()
    await loadWeights(m, files.source('model.weights.h5'))
    return m
  })
  await check('sharded', 'sharded .weights.json', async () => {
    const files = memoryFiles()
    // NOTE: shards as small as the largest variable (Keras refuses a variable bigger than a shard), so layers with weights spread over several shards.
    const largest = Math.max(64, ...model.weights.map((v) => v.shape.reduce((a, b) => a * b, 1) * 8))
    await saveWeights(model, files, { maxShardSize: largest / 1024 ** 3 })
    const m = fresh()
    await loadWeights(m, files.source('model.weights.json'))
    return m
  })
  await check('tfjs', 'TF.js layers model.json', async () => {
    const files = memoryFiles()
    await saveLayersModel(model, files)
    return loadLayersModel(files.source('model.json'))
  }, false)
  await check('legacyH5', 'legacy .h5', async () => {
    const files = memoryFiles()
    await saveModel(model, files, { format: 'h5' })
    return loadModel(files.source('model.h5'))
  }, false)
  return report
}
