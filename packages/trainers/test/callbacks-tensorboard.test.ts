import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Input, Sequential, Dense, registerTrainer } from '@kx/layers'
import { trainer, optimizers } from '../src/index.js'
import { TensorBoard } from '../src/callbacks/index.js'
import { crc32c, eventProto, readTfRecords, histogramProto, tfRecord } from '../src/callbacks/eventFile.js'

registerTrainer(trainer)

const PYTHON = fileURLToPath(new URL('../../../.venv/bin/python', import.meta.url))
const hasTensorboard = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import tensorboard.backend.event_processing.event_accumulator'], { encoding: 'utf8' }).status === 0

interface Run {
  scalars: Record<string, [number, number][]>
  histograms: Record<string, { step: number; num: number; min: number; max: number; counts: number[] }[]>
  tensors: string[]
}

/** Reads a run folder with TensorBoard's own EventAccumulator. */
function readWithTensorboard(dir: string): Run {
  const script = `
import json, sys
from tensorboard.backend.event_processing import event_accumulator as ea
acc = ea.EventAccumulator(sys.argv[1], size_guidance={ea.SCALARS: 0, ea.HISTOGRAMS: 0, ea.TENSORS: 0})
acc.Reload()
tags = acc.Tags()
print(json.dumps({
  "scalars": {t: [[e.step, e.value] for e in acc.Scalars(t)] for t in tags["scalars"]},
  "histograms": {t: [{"step": e.step, "num": e.histogram_value.num, "min": e.histogram_value.min, "max": e.histogram_value.max,
                      "counts": list(e.histogram_value.bucket)} for e in acc.Histograms(t)] for t in tags["histograms"]},
  "tensors": tags["tensors"],
}))`
  const r = spawnSync(PYTHON, ['-c', script, dir], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(r.stderr)
  return JSON.parse(r.stdout) as Run
}

/** Reads a run folder with protobufjs (when TensorBoard is not installed). */
async function readWithProtobuf(dir: string): Promise<Run> {
  const Event = await eventProto()
  const run: Run = { scalars: {}, histograms: {}, tensors: [] }
  for (const f of readdirSync(dir).filter((n) => n.includes('tfevents')).sort()) {
    const records = readTfRecords(new Uint8Array(readFileSync(join(dir, f))))
    const first = Event.toObject(Event.decode(records[0]!))
    expect(first['file_version']).toBe('brain.Event:2')
    for (const rec of records.slice(1)) {
      const e = Event.toObject(Event.decode(rec), { longs: Number, defaults: true }) as { step: number; summary?: { value: Record<string, unknown>[] } }
      for (const v of e.summary?.value ?? []) {
        const tag = v['tag'] as string
        if (v['simple_value'] !== undefined) (run.scalars[tag] ??= []).push([e.step, v['simple_value'] as number])
        else if (v['histo']) {
          const h = v['histo'] as { num: number; min: number; max: number; bucket: number[] }
          ;(run.histograms[tag] ??= []).push({ step: e.step, num: h.num, min: h.min, max: h.max, counts: h.bucket })
        } else if (v['tensor']) run.tensors.push(tag)
      }
    }
  }
  return run
}

const read = (dir: string): Promise<Run> | Run => (hasTensorboard ? readWithTensorboard(dir) : readWithProtobuf(dir))

describe('TensorBoard', () => {
  it('frames records as TFRecords with masked CRC-32C', () => {
    // CRC-32C check value of "123456789" (RFC 3720).
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283)
    const rec = tfRecord(new Uint8Array([1, 2, 3]))
    expect(readTfRecords(rec)).toEqual([new Uint8Array([1, 2, 3])])
    rec[13] ^= 1
    expect(() => readTfRecords(rec)).toThrow(/CRC/)
  })

  it('buckets histograms like tf.summary.histogram', () => {
    const h = histogramProto([0, 1, 2, 3, 3], 3) as { bucket: number[]; bucket_limit: number[]; num: number; sum: number }
    expect(h.bucket).toEqual([1, 1, 3])
    expect(h.bucket_limit).toEqual([1, 2, 3])
    expect(h.num).toBe(5)
    expect((histogramProto([2, 2], 4) as { bucket: number[] }).bucket).toEqual([0, 0, 0, 2])
  })

  it(`writes event files TensorBoard reads (${hasTensorboard ? 'tensorboard EventAccumulator' : 'protobufjs decoder'})`, async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'kx-tb-'))
    try {
      const model = new Sequential({ layers: [Input({ shape: [2] }), new Dense({ units: 3 }), new Dense({ units: 1 })] })
      model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.05 }), loss: 'mse', metrics: ['mae'] })
      const x = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(i)])
      const y = x.map(([a, b]) => [a! - b!])
      const tb = new TensorBoard({ logDir, histogramFreq: 1, updateFreq: 2 })
      const history = (await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0, shuffle: false, validationData: [x.slice(0, 4), y.slice(0, 4)], callbacks: [tb] })) as { history: Record<string, number[]> }
      const evalLoss = (await model.evaluate(x, y, { verbose: 0, returnDict: true, callbacks: [new TensorBoard({ logDir: join(logDir, 'eval') })] })) as Record<string, number>

      const train = await read(join(logDir, 'train'))
      const val = await read(join(logDir, 'validation'))
      const f32 = (a: number[]) => a.map((v, i) => [i, Math.fround(v)])
      expect(train.scalars['epoch_loss']).toEqual(f32(history.history['loss']!))
      expect(train.scalars['epoch_mae']).toEqual(f32(history.history['mae']!))
      expect(train.scalars['epoch_learning_rate']).toEqual([0, 1, 2].map((i) => [i, Math.fround(0.05)]))
      expect(val.scalars['epoch_loss']).toEqual(f32(history.history['val_loss']!))
      expect(val.scalars['epoch_mae']).toEqual(f32(history.history['val_mae']!))
      // 3 batches per epoch, 9 in all; updateFreq 2 logs global batches 2, 4, 6, 8.
      expect(train.scalars['batch_loss']!.map(([s]) => s)).toEqual([2, 4, 6, 8])
      // evaluate() logs against the optimizer's iteration count (9 steps).
      const evalRun = await read(join(logDir, 'eval', 'validation'))
      expect(evalRun.scalars['evaluation_loss_vs_iterations']).toEqual([[9, Math.fround(evalLoss['loss']!)]])
      expect(train.tensors).toContain('keras')

      const weights = model.layers.flatMap((l) => l.weights)
      expect(Object.keys(train.histograms).sort()).toEqual(weights.map((w) => `${w.path}/histogram`).sort())
      const kernel = weights[0]!
      const hist = train.histograms[`${kernel.path}/histogram`]!
      expect(hist.map((h) => h.step)).toEqual([0, 1, 2])
      const values = Array.from(await kernel.value.data())
      const last = hist.at(-1)!
      expect([last.num, last.min, last.max]).toEqual([values.length, Math.min(...values), Math.max(...values)])
      expect(last.counts.reduce((a, b) => a + b, 0)).toBe(values.length)
    } finally {
      rmSync(logDir, { recursive: true, force: true })
    }
  })

  it('rejects what kx does not support', () => {
    expect(() => new TensorBoard({ profileBatch: 2 })).toThrow(/profiling/)
    expect(() => new TensorBoard({ updateFreq: 0 })).toThrow(/updateFreq/)
  })
})
