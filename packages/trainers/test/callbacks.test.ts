import { describe, expect, it } from 'vitest'
import { readFileSync, mkdtempSync, rmSync, readdirSync, existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { memory, tensor } from '@kx/core'
import { Input, Sequential, Dense, registerTrainer, type Model } from '@kx/layers'
import { trainer, optimizers, schedules } from '../src/index.js'
import { camel as camelName } from './losses-metrics-golden.js'
import {
  Callback, EarlyStopping, ReduceLROnPlateau, LearningRateScheduler, ModelCheckpoint, CSVLogger, BackupAndRestore,
  TerminateOnNaN, NaNLossError, SwapEMAWeights, LambdaCallback, RemoteMonitor, TensorBoard, type Logs,
} from '../src/callbacks/index.js'

registerTrainer(trainer)

type Num = number | string
const num = (v: Num): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number))
type Event = [string, number | null, string[] | null]
interface Golden {
  keras_version: string
  sequences: Record<string, { samples: number; val_samples?: number; batch_size: number; epochs?: number; validation_freq?: number; metrics?: string[]; events: Event[] }>
  early_stopping: { name: string; args: Record<string, unknown>; key: string; values: number[]; epochs_run: number; stopped_epoch: number; best_epoch: number; wait: number; best: number | null; weights_epoch: number }[]
  reduce_lr: { name: string; args?: Record<string, unknown>; key?: string; values?: number[]; initial_lr?: number; lrs?: number[]; logs_after?: Record<string, number> }[]
  lr_scheduler: { initial_lr: number; seen: [number, number][]; logs: Record<string, number>[] }
  checkpoint_best: { name: string; args?: Record<string, unknown>; key?: string; values?: number[]; saved: string[]; samples?: number; batch_size?: number; epochs?: number; save_freq?: number }[]
  csv: { name: string; args: Record<string, unknown>; fits: Record<string, Num>[][]; text: string }[]
}
const golden = JSON.parse(readFileSync(new URL('./golden/callbacks.json', import.meta.url), 'utf8')) as Golden

/** Keras's argument names → kx's (snake_case → camelCase). */
function camel(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [camelName(k), v]))
}

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
async function withTempDir(prefix: string, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  try {
    await fn(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const rows = (n: number, d: number, seed: number): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => Math.sin(seed + i * 1.7 + j * 0.3)))
const X = rows(10, 2, 1)
const Y = rows(10, 1, 2)
const XV = rows(6, 2, 3)
const YV = rows(6, 1, 4)

function smallModel(metrics: string[] = ['mae'], optimizer: unknown = new optimizers.SGD({ learningRate: 0.01 })): Model {
  const model = new Sequential({ layers: [Input({ shape: [2] }), new Dense({ units: 1 })] })
  model.compile({ optimizer, loss: 'mse', metrics })
  return model
}

/** A model whose compiled metrics are built (auto mode reads their direction). */
async function trainedModel(metrics: string[]): Promise<Model> {
  const model = smallModel(metrics)
  await model.fit(X, Y, { batchSize: 5, epochs: 1, verbose: 0 })
  return model
}

const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onTrainBatchBegin', 'onTrainBatchEnd', 'onTestBegin', 'onTestEnd',
  'onTestBatchBegin', 'onTestBatchEnd', 'onPredictBegin', 'onPredictEnd', 'onPredictBatchBegin', 'onPredictBatchEnd'] as const
const snake = (h: string): string => h.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** Records every hook as Keras's golden script does: [snake_name, index, log keys]. */
function recorder(): { cb: Callback; events: Event[] } {
  const events: Event[] = []
  const fns: Record<string, (...a: unknown[]) => void> = {}
  for (const h of HOOKS) {
    const indexed = /Epoch|Batch/.test(h)
    fns[h] = (...a: unknown[]) => {
      const logs = (indexed ? a[1] : a[0]) as Logs | undefined
      events.push([snake(h), indexed ? (a[0] as number) : null, logs ? Object.keys(logs) : null])
    }
  }
  return { cb: new LambdaCallback(fns), events }
}

/** Runs the epoch hooks by hand with given logs, like the golden script's `drive`. */
async function drive(model: Model, cb: Callback, epochLogs: Logs[], markWeights = false): Promise<{ ran: number; lrs: number[] }> {
  cb.setModel(model)
  cb.setParams({ epochs: epochLogs.length, steps: 1, verbose: 0 })
  model.stopTraining = false
  await cb.onTrainBegin({})
  let ran = 0
  const lrs: number[] = []
  const opt = (model.trainerState['compiled'] as { optimizer: optimizers.Optimizer }).optimizer
  for (let epoch = 0; epoch < epochLogs.length; epoch++) {
    await cb.onEpochBegin(epoch, {})
    if (markWeights) model.setWeights(model.weights.map((w) => tensor(new Float32Array(w.shape.reduce((a, b) => a * b, 1)).fill(epoch), { shape: w.shape })))
    await cb.onEpochEnd(epoch, { ...epochLogs[epoch] })
    lrs.push(opt.learningRate as number)
    ran++
    if (model.stopTraining) break
  }
  await cb.onTrainEnd({})
  return { ran, lrs }
}

const quiet = <T>(fn: () => Promise<T>): Promise<T> => {
  const [w, l] = [console.warn, console.log]
  console.warn = () => {}
  console.log = () => {}
  return fn().finally(() => { console.warn = w; console.log = l })
}

describe('callback order (golden from Keras)', () => {
  it('fit with validation calls the hooks in Keras order with Keras log keys', async () => {
    const g = golden.sequences['fit']!
    const model = smallModel()
    const { cb, events } = recorder()
    await model.fit(X, Y, { batchSize: g.batch_size, epochs: g.epochs, validationData: [XV, YV], verbose: 0, shuffle: false, callbacks: [cb] })
    expect(events).toEqual(g.events)
  })
  it('fit with validationFreq validates on the same epochs', async () => {
    const g = golden.sequences['fit_validation_freq']!
    const model = smallModel()
    const { cb, events } = recorder()
    await model.fit(X, Y, { batchSize: g.batch_size, epochs: g.epochs, validationData: [XV, YV], validationFreq: g.validation_freq, verbose: 0, shuffle: false, callbacks: [cb] })
    expect(events).toEqual(g.events)
  })
  it('log keys are sorted as Keras sorts them', async () => {
    const g = golden.sequences['fit_sorted_keys']!
    const model = smallModel(g.metrics)
    const { cb, events } = recorder()
    await model.fit(X, Y, { batchSize: g.batch_size, epochs: g.epochs, validationData: [XV, YV], verbose: 0, shuffle: false, callbacks: [cb] })
    expect(events).toEqual(g.events)
  })
  it('evaluate calls the test hooks', async () => {
    const g = golden.sequences['evaluate']!
    const model = smallModel()
    const { cb, events } = recorder()
    await model.evaluate(XV, YV, { batchSize: g.batch_size, verbose: 0, callbacks: [cb] })
    expect(events).toEqual(g.events)
  })
  it('predict calls the predict hooks', async () => {
    const g = golden.sequences['predict']!
    const model = smallModel()
    const { cb, events } = recorder()
    await model.predict(XV, { batchSize: g.batch_size, verbose: 0, callbacks: [cb] })
    expect(events).toEqual(g.events)
  })
})

describe('EarlyStopping (golden from Keras)', () => {
  for (const g of golden.early_stopping) {
    it(g.name, async () => {
      const model = await trainedModel(['accuracy', 'mae'])
      const cb = new EarlyStopping(camel(g.args))
      const { ran } = await quiet(() => drive(model, cb, g.values.map((v) => ({ [g.key]: v, loss: 1 })), true))
      expect({ ran, stopped: cb.stoppedEpoch, bestEpoch: cb.bestEpoch, wait: cb.wait }).toEqual({ ran: g.epochs_run, stopped: g.stopped_epoch, bestEpoch: g.best_epoch, wait: g.wait })
      expect(cb.best ?? null).toBe(g.best)
      expect(((await model.getWeights())[0] as number[][])[0]![0]).toBe(g.weights_epoch)
    })
  }
  it('stops a real fit', async () => {
    const model = smallModel(['mae'], new optimizers.SGD({ learningRate: 0.05 }))
    const stop = new EarlyStopping({ monitor: 'loss', patience: 0, minDelta: 10 })
    const history = (await model.fit(X, Y, { epochs: 10, batchSize: 5, verbose: 0, callbacks: [stop] })) as { history: Record<string, number[]> }
    expect(history.history['loss']!.length).toBe(2)
    expect(stop.stoppedEpoch).toBe(1)
  })
  it('rejects a metric whose direction is unknown in auto mode', async () => {
    const model = await trainedModel(['mae'])
    await expect(drive(model, new EarlyStopping({ monitor: 'val_custom' }), [{ val_custom: 1 }])).rejects.toThrow(/isn't able to automatically determine/)
  })
})

describe('ReduceLROnPlateau and LearningRateScheduler (golden from Keras)', () => {
  for (const g of golden.reduce_lr.filter((c) => c.lrs)) {
    it(`ReduceLROnPlateau ${g.name}`, async () => {
      const model = await trainedModel(['accuracy'])
      const { lrs } = await drive(model, new ReduceLROnPlateau(camel(g.args!)), g.values!.map((v) => ({ [g.key!]: v })))
      expect(lrs).toEqual(g.lrs)
    })
  }
  it('ReduceLROnPlateau adds learning_rate to the logs later callbacks see', async () => {
    const g = golden.reduce_lr.find((c) => c.logs_after)!
    const model = await trainedModel(['accuracy'])
    const cb = new ReduceLROnPlateau()
    cb.setModel(model)
    cb.onTrainBegin()
    const logs: Logs = { val_loss: 1 }
    await cb.onEpochEnd(0, logs)
    expect(logs).toEqual(g.logs_after)
    expect(() => new ReduceLROnPlateau({ factor: 1 })).toThrow(/factor >= 1.0/)
  })
  it('LearningRateScheduler passes the epoch and current rate and logs the new one', async () => {
    const g = golden.lr_scheduler
    const model = await trainedModel([])
    const seen: [number, number][] = []
    const cb = new LearningRateScheduler((epoch, lr) => { seen.push([epoch, lr]); return epoch >= 2 ? lr * 0.5 : lr + 0.1 })
    cb.setModel(model)
    const logs: Logs[] = []
    for (let epoch = 0; epoch < 5; epoch++) {
      await cb.onEpochBegin(epoch)
      const l: Logs = { loss: 1 }
      await cb.onEpochEnd(epoch, l)
      logs.push(l)
    }
    expect(seen).toEqual(g.seen)
    expect(logs).toEqual(g.logs)
  })
  it('LearningRateScheduler changes the rate used by fit and lands in history', async () => {
    const model = smallModel([])
    const history = (await model.fit(X, Y, { epochs: 3, batchSize: 5, verbose: 0, callbacks: [new LearningRateScheduler((e) => 0.1 / (e + 1))] })) as { history: Record<string, number[]> }
    expect(history.history['learning_rate']).toEqual([0.1, 0.05, 0.1 / 3].map(Math.fround))
  })
})

describe('ModelCheckpoint', () => {
  for (const g of golden.checkpoint_best.filter((c) => c.values)) {
    it(`saves the epochs Keras saves (${g.name})`, async () => {
      await withTempDir('kx-ckpt-', async (dir) => {
        const model = await trainedModel(['accuracy'])
        const cb = new ModelCheckpoint({ filepath: join(dir, 'm_{epoch:02d}.weights.h5'), saveWeightsOnly: true, ...camel(g.args!) } as never)
        await quiet(() => drive(model, cb, g.values!.map((v) => ({ [g.key!]: v }))))
        expect(readdirSync(dir).sort()).toEqual(g.saved)
      })
    })
  }
  it('saves every saveFreq batches with {batch} in the name, like Keras', async () => {
    const g = golden.checkpoint_best.find((c) => c.name === 'save_freq')!
    await withTempDir('kx-ckpt-', async (dir) => {
      const model = smallModel([])
      const cb = new ModelCheckpoint({ filepath: join(dir, 'e{epoch}_b{batch}.weights.h5'), saveWeightsOnly: true, saveFreq: g.save_freq! })
      await model.fit(X, Y, { batchSize: g.batch_size, epochs: g.epochs, verbose: 0, shuffle: false, callbacks: [cb] })
      expect(readdirSync(dir).sort()).toEqual(g.saved)
    })
  })
  it('saves whole models that load back with the same weights', async () => {
    await withTempDir('kx-ckpt-', async (dir) => {
      const model = smallModel(['mae'])
      await model.fit(X, Y, { epochs: 2, batchSize: 5, verbose: 0, validationData: [XV, YV], callbacks: [new ModelCheckpoint({ filepath: join(dir, 'sub', 'model_{epoch:02d}-{val_loss:.2f}.keras') })] })
      const files = readdirSync(join(dir, 'sub')).sort()
      expect(files.length).toBe(2)
      expect(files[1]).toMatch(/^model_02-\d+\.\d\d\.keras$/)
      const copy = smallModel(['mae'])
      await copy.loadWeights(join(dir, 'sub', files[1]!))
      expect(await copy.getWeights()).toEqual(await model.getWeights())
    })
  })
  it('checks its arguments like Keras', () => {
    expect(() => new ModelCheckpoint({ filepath: 'x.h5', saveWeightsOnly: true })).toThrow(/must end in `.weights.h5`/)
    expect(() => new ModelCheckpoint({ filepath: 'x.txt' })).toThrow(/must end in `.keras`/)
    expect(() => new ModelCheckpoint({ filepath: 'x.keras', saveFreq: 'batch' as never })).toThrow(/Unrecognized save_freq/)
  })
})

describe('CSVLogger (golden from Keras)', () => {
  for (const g of golden.csv) {
    it(g.name, async () => {
      await withTempDir('kx-csv-', async (dir) => {
        const path = join(dir, 'log.csv')
        const cb = new CSVLogger(path, camel(g.args))
        for (const epochs of g.fits) {
          await cb.onTrainBegin()
          for (let e = 0; e < epochs.length; e++) await cb.onEpochEnd(e, Object.fromEntries(Object.entries(epochs[e]!).map(([k, v]) => [k, num(v)])))
          cb.onTrainEnd()
        }
        expect(readFileSync(path, 'utf8')).toBe(g.text)
      })
    })
  }
  it('logs a real fit', async () => {
    await withTempDir('kx-csv-', async (dir) => {
      const path = join(dir, 'log.csv')
      await smallModel(['mae']).fit(X, Y, { epochs: 2, batchSize: 5, verbose: 0, validationData: [XV, YV], callbacks: [new CSVLogger(path)] })
      const lines = readFileSync(path, 'utf8').split('\r\n')
      expect(lines[0]).toBe('epoch,loss,mae,val_loss,val_mae')
      expect(lines.length).toBe(4)
      expect(lines[2]!.split(',').map(Number).every(Number.isFinite)).toBe(true)
    })
  })
})

describe('BackupAndRestore', () => {
  it('writes Keras\'s backup files and resumes after an interruption', async () => {
    await withTempDir('kx-backup-', async (dir) => {
      const backupDir = join(dir, 'backup')
      const model = smallModel([])
      class Crash extends Callback {
        override onEpochEnd(epoch: number) { if (epoch === 1) throw new Error('crash') }
      }
      await expect(model.fit(X, Y, { epochs: 4, batchSize: 5, verbose: 0, callbacks: [new BackupAndRestore({ backupDir }), new Crash()] })).rejects.toThrow('crash')
      expect(JSON.parse(readFileSync(join(backupDir, 'training_metadata.json'), 'utf8'))).toEqual({ epoch: 2, batch: 0 })
      expect(existsSync(join(backupDir, 'latest.weights.h5'))).toBe(true)
      const saved = await model.getWeights()

      const resumed = smallModel([])
      const epochs: number[] = []
      let first: unknown
      const spy = new LambdaCallback({ onEpochBegin: async (e) => { epochs.push(e); first ??= await resumed.getWeights() } })
      await resumed.fit(X, Y, { epochs: 4, batchSize: 5, verbose: 0, callbacks: [new BackupAndRestore({ backupDir }), spy] })
      expect(first).toEqual(saved)
      expect(epochs).toEqual([2, 3])
      expect(existsSync(backupDir)).toBe(false)
    })
  })
  it('backs up every saveFreq batches and falls back to the previous backup', async () => {
    await withTempDir('kx-backup-', async (dir) => {
      const backupDir = join(dir, 'b')
      const model = smallModel([])
      const cb = new BackupAndRestore({ backupDir, saveFreq: 3, doubleCheckpoint: true, deleteCheckpoint: false })
      await model.fit(X, Y, { epochs: 1, batchSize: 2, verbose: 0, callbacks: [cb] })
      expect(JSON.parse(readFileSync(join(backupDir, 'training_metadata.json'), 'utf8'))).toEqual({ epoch: 0, batch: 2 })
      expect(existsSync(join(backupDir, 'latest.weights.h5.bkp'))).toBe(false)
      const atBatch3 = smallModel([])
      await atBatch3.loadWeights(join(backupDir, 'latest.weights.h5'))
      expect(await atBatch3.getWeights()).not.toEqual(await model.getWeights())
      // Two batches remain counted from the epoch; the next batch reaches saveFreq and keeps the previous backup.
      await cb.onTrainBatchEnd(0)
      expect(existsSync(join(backupDir, 'latest.weights.h5.bkp'))).toBe(true)
      expect(JSON.parse(readFileSync(join(backupDir, 'training_metadata.json'), 'utf8'))).toEqual({ epoch: 1, batch: 0 })
      writeFileSync(join(backupDir, 'latest.weights.h5'), 'corrupt')
      const other = smallModel([])
      const restore = new BackupAndRestore({ backupDir })
      restore.setModel(other)
      await restore.onTrainBegin()
      expect(other.trainerState['initialEpoch']).toBe(0)
      expect(await other.getWeights()).toEqual(await atBatch3.getWeights())
    })
  })
})

describe('TerminateOnNaN, SwapEMAWeights, LambdaCallback', () => {
  it('TerminateOnNaN stops at the first NaN loss, or throws with raiseError', async () => {
    const model = smallModel([], new optimizers.SGD({ learningRate: 1e30 }))
    const big = X.map((r) => r.map((v) => v * 1e10))
    const history = (await quiet(() => model.fit(big, Y, { epochs: 5, batchSize: 2, verbose: 0, callbacks: [new TerminateOnNaN()] }))) as { history: Record<string, number[]> }
    expect(history.history['loss']!.length).toBe(1)
    const cb = new TerminateOnNaN({ raiseError: true })
    expect(() => cb.onTrainBatchEnd(3, { loss: Infinity })).toThrow(NaNLossError)
    expect(() => cb.onTrainBatchEnd(3, { loss: 1 })).not.toThrow()
  })
  it('SwapEMAWeights evaluates with the moving averages and swaps back', async () => {
    const opt = new optimizers.SGD({ learningRate: 0.1, useEma: true, emaMomentum: 0.5 })
    const model = smallModel([], opt)
    await model.fit(X, Y, { epochs: 1, batchSize: 2, verbose: 0 })
    await model.trainOnBatch(X, Y)
    const weights = await model.getWeights()
    const averages = await Promise.all(opt.emaAverages.map((a) => a!.value.array()))
    expect(averages).not.toEqual(weights)
    let during: unknown
    await model.evaluate(XV, YV, { verbose: 0, callbacks: [new SwapEMAWeights(), new LambdaCallback({ onTestBegin: async () => { during = await model.getWeights() } })] })
    expect(during).toEqual(averages)
    expect(await model.getWeights()).toEqual(weights)
    const plain = smallModel([])
    await plain.fit(X, Y, { epochs: 1, batchSize: 5, verbose: 0 })
    await expect(plain.evaluate(XV, YV, { verbose: 0, callbacks: [new SwapEMAWeights()] })).rejects.toThrow(/use_ema=True/)
  })
  it('LambdaCallback installs only the hooks it is given and always passes logs', async () => {
    const seen: string[] = []
    const cb = new LambdaCallback({ onTrainBegin: (logs) => { seen.push(`begin ${JSON.stringify(logs)}`) }, onEpochEnd: async (e, logs) => { seen.push(`epoch ${e} ${Object.keys(logs).join(',')}`) } })
    expect(Object.hasOwn(cb, 'onTrainBatchEnd')).toBe(false)
    await smallModel(['mae']).fit(X, Y, { epochs: 2, batchSize: 5, verbose: 0, callbacks: [cb] })
    expect(seen).toEqual(['begin {}', 'epoch 0 loss,mae', 'epoch 1 loss,mae'])
  })
})

describe('RemoteMonitor', () => {
  it('posts each epoch as Keras does (form field or JSON body) and warns when the server is down', async () => {
    const got: { url: string; type: string; auth: string; body: string }[] = []
    const server = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => { body += c.toString() })
      req.on('end', () => { got.push({ url: req.url!, type: req.headers['content-type']!, auth: String(req.headers['x-token']), body }); res.end('ok') })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const { port } = server.address() as { port: number }
      const root = `http://127.0.0.1:${port}`
      const form = new RemoteMonitor({ root, headers: { 'X-Token': 't' } })
      await form.onEpochEnd(0, { loss: 0.5, mae: 1 })
      const json = new RemoteMonitor({ root, path: '/json', sendAsJson: true })
      await json.onEpochEnd(3, { loss: 0.25 })
      expect(got[0]).toEqual({ url: '/publish/epoch/end/', type: 'application/x-www-form-urlencoded', auth: 't', body: 'data=%7B%22epoch%22%3A+0%2C+%22loss%22%3A+0.5%2C+%22mae%22%3A+1.0%7D' })
      expect(new URLSearchParams(got[0]!.body).get('data')).toBe('{"epoch": 0, "loss": 0.5, "mae": 1.0}')
      expect(got[1]).toMatchObject({ url: '/json', type: 'application/json', body: '{"epoch": 3, "loss": 0.25}' })
      expect(JSON.parse(got[1]!.body)).toEqual({ epoch: 3, loss: 0.25 })
    } finally {
      await new Promise<void>((r) => server.close(() => r()))
    }
    const warnings: string[] = []
    const w = console.warn
    console.warn = (m: string) => { warnings.push(m) }
    try {
      await new RemoteMonitor({ root: 'http://127.0.0.1:1' }).onEpochEnd(0, { loss: 1 })
    } finally {
      console.warn = w
    }
    expect(warnings).toEqual(['Could not reach RemoteMonitor root server at http://127.0.0.1:1'])
  })
})

describe('memory', () => {
  it('callbacks keep the live tensor count flat', async () => {
    await withTempDir('kx-mem-', async (dir) => {
      const model = smallModel(['mae'], new optimizers.Adam({ learningRate: new schedules.ExponentialDecay({ initialLearningRate: 0.01, decaySteps: 2, decayRate: 0.9 }) }))
      const make = () => [new EarlyStopping({ patience: 100, restoreBestWeights: true }), new ModelCheckpoint({ filepath: join(dir, 'm.weights.h5'), saveWeightsOnly: true, saveBestOnly: true }),
        new CSVLogger(join(dir, 'log.csv')), new TerminateOnNaN(), new TensorBoard({ logDir: join(dir, 'tb'), histogramFreq: 1, updateFreq: 'batch' })]
      await model.fit(X, Y, { epochs: 1, batchSize: 5, verbose: 0, validationData: [XV, YV], callbacks: make() })
      const before = memory().numTensors
      await model.fit(X, Y, { epochs: 6, batchSize: 5, verbose: 0, validationData: [XV, YV], callbacks: make() })
      expect(memory().numTensors).toBe(before)
    })
  })
})
