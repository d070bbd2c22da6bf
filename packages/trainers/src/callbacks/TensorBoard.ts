/**
 * @file Writes TensorBoard logs (Keras `TensorBoard`; Node only): epoch and batch scalars, weight
 * histograms and the model config, in `logDir/train` and `logDir/validation` event files.
 */
import { InvalidArgumentError, NotImplementedError, fmt } from '@kx/core'
import { Functional, Sequential, serializeLayer } from '@kx/layers'
import { Callback, type Logs } from './Callback.js'
import { EventFileWriter } from './eventFile.js'
import { LossScaleOptimizer } from '../optimizers/LossScaleOptimizer.js'
import { MultiOptimizer } from '../optimizers/MultiOptimizer.js'
import { joinPath, lrOptimizers, modelOf, optimizerOf, readLearningRate } from './utils.js'

/** Options of `TensorBoard` (Keras's arguments, camelCased). */
export interface TensorBoardArgs {
  /** Folder of the logs (default `'logs'`); `train/` and `validation/` are made inside it. */
  readonly logDir?: string
  /** Epochs between weight histograms (0: none). */
  readonly histogramFreq?: number
  /** Write the model's config for TensorBoard's graph view (Functional and Sequential models). */
  readonly writeGraph?: boolean
  /** Log steps per second (`batch_steps_per_second`, `epoch_steps_per_second`). */
  readonly writeStepsPerSecond?: boolean
  /** `'epoch'` (default), `'batch'`, or a number of batches between batch-level scalars. */
  readonly updateFreq?: 'epoch' | 'batch' | number
  /** Keras's weight images (`writeImages`), profiler (`profileBatch`) and embeddings (`embeddingsFreq`) are not supported. */
  readonly writeImages?: boolean
  readonly profileBatch?: number | [number, number] | string
  readonly embeddingsFreq?: number
  readonly embeddingsMetadata?: unknown
}

/**
 * Logs to TensorBoard (Keras `keras.callbacks.TensorBoard`): per epoch `epoch_<metric>` in `train/`
 * (with `epoch_learning_rate`) and `validation/`; per batch `batch_<metric>` with `updateFreq`;
 * `evaluation_<metric>_vs_iterations` after each evaluation; weight histograms
 * (`<weight path>/histogram`) every `histogramFreq` epochs. View with `tensorboard --logdir logs`.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 5, callbacks: [new TensorBoard({ logDir: 'logs', histogramFreq: 1 })] })
 * ```
 */
export class TensorBoard extends Callback {
  readonly logDir: string
  readonly histogramFreq: number
  readonly writeGraph: boolean
  readonly writeStepsPerSecond: boolean
  readonly updateFreq: 'epoch' | number
  private globalTrainBatch = 0
  private globalTestBatch = 0
  private previousEpochIterations = 0
  private epochStart = 0
  private batchStart = 0
  private writers: { train?: EventFileWriter; val?: EventFileWriter } = {}
  private graphPending = false

  constructor(args: TensorBoardArgs = {}) {
    super()
    this.logDir = String(args.logDir ?? 'logs')
    this.histogramFreq = args.histogramFreq ?? 0
    this.writeGraph = args.writeGraph ?? true
    this.writeStepsPerSecond = args.writeStepsPerSecond ?? false
    const freq = args.updateFreq ?? 'epoch'
    this.updateFreq = freq === 'batch' ? 1 : freq
    if (this.updateFreq !== 'epoch' && !(Number.isInteger(this.updateFreq) && this.updateFreq > 0)) {
      throw new InvalidArgumentError(`updateFreq must be 'epoch', 'batch' or a positive integer. Received: updateFreq=${fmt(freq)}`)
    }
    if (args.writeImages) throw new NotImplementedError('TensorBoard: `writeImages` (weights as images) is not supported by kx yet. Received: writeImages=true')
    if (args.profileBatch && args.profileBatch !== '0') throw new NotImplementedError(`TensorBoard: profiling is not available in kx. Received: profileBatch=${fmt(args.profileBatch)} (must be 0)`)
    if (args.embeddingsFreq) throw new NotImplementedError(`TensorBoard: embeddings are not supported by kx yet. Received: embeddingsFreq=${fmt(args.embeddingsFreq)}`)
  }

  private get trainWriter(): EventFileWriter { return (this.writers.train ??= new EventFileWriter(joinPath(this.logDir, 'train'))) }
  private get valWriter(): EventFileWriter { return (this.writers.val ??= new EventFileWriter(joinPath(this.logDir, 'validation'))) }

  override setModel(model: Parameters<Callback['setModel']>[0]): void {
    super.setModel(model)
    this.writers = {}
    this.graphPending = this.writeGraph && (model instanceof Functional || model instanceof Sequential)
  }

  private async writeModelConfig(): Promise<void> {
    this.graphPending = false
    let json: string
    try {
      json = JSON.stringify(serializeLayer(modelOf(this.model, 'TensorBoard')))
    } catch (e) {
      console.warn(`Model failed to serialize as JSON. Ignoring... ${(e as Error).message}`)
      return
    }
    await this.trainWriter.text('keras', json, 'graph_keras_model', '1', 0)
    await this.trainWriter.flush()
  }

  private recordBatch(step: number): boolean {
    return this.updateFreq !== 'epoch' && step % this.updateFreq === 0
  }

  override async onTrainBegin(): Promise<void> {
    this.globalTrainBatch = 0
    this.previousEpochIterations = 0
    if (this.graphPending) await this.writeModelConfig()
  }

  override async onTrainEnd(): Promise<void> {
    await this.closeWriters()
  }

  private async closeWriters(): Promise<void> {
    for (const w of [this.writers.train, this.writers.val]) if (w) await w.flush()
  }

  override onTrainBatchBegin(): void {
    this.globalTrainBatch += 1
    if (this.writeStepsPerSecond) this.batchStart = performance.now()
  }

  override async onTrainBatchEnd(_batch: number, logs: Logs = {}): Promise<void> {
    const step = this.globalTrainBatch
    if (!this.recordBatch(step)) return
    if (this.writeStepsPerSecond) await this.trainWriter.scalar('batch_steps_per_second', 1000 / Math.max(performance.now() - this.batchStart, 1e-6), step)
    for (const [name, value] of Object.entries(logs)) await this.trainWriter.scalar(`batch_${name}`, value, step)
  }

  override onTestBatchBegin(): void {
    this.globalTestBatch += 1
  }

  override async onTestEnd(logs: Logs = {}): Promise<void> {
    const opt = this.model ? optimizerOf(this.model) : undefined
    if (!opt || (this.updateFreq !== 'epoch' && this.globalTestBatch % this.updateFreq !== 0)) return
    const iterations = Number((await opt.iterations.rawValue.data())[0])
    for (const [name, value] of Object.entries(logs)) await this.valWriter.scalar(`evaluation_${name}_vs_iterations`, value, iterations)
    await this.valWriter.flush()
  }

  override async onEpochBegin(): Promise<void> {
    if (!this.writeStepsPerSecond) return
    const opt = this.model ? optimizerOf(this.model) : undefined
    this.previousEpochIterations = opt ? Number((await opt.iterations.rawValue.data())[0]) : 0
    this.epochStart = performance.now()
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    await this.logEpochMetrics(epoch, logs)
    if (this.histogramFreq && epoch % this.histogramFreq === 0) await this.logWeights(epoch)
    await this.closeWriters()
  }

  private async logEpochMetrics(epoch: number, logs: Logs): Promise<void> {
    if (!Object.keys(logs).length) return
    const train: Logs = {}
    const val: Logs = {}
    for (const [k, v] of Object.entries(logs)) (k.startsWith('val_') ? val : train)[k] = v
    const opt = this.model ? optimizerOf(this.model) : undefined
    if (opt) {
      const inner = opt instanceof LossScaleOptimizer ? opt.innerOptimizer : opt
      for (const { optimizer, name } of lrOptimizers(inner)) {
        train[inner instanceof MultiOptimizer ? `learning_rate_${name}` : 'learning_rate'] = await readLearningRate(optimizer)
      }
      if (this.writeStepsPerSecond) {
        const it = Number((await opt.iterations.rawValue.data())[0])
        train['steps_per_second'] = (it - this.previousEpochIterations) / ((performance.now() - this.epochStart) / 1000)
      }
    }
    for (const [name, value] of Object.entries(train)) await this.trainWriter.scalar(`epoch_${name}`, value, epoch)
    for (const [name, value] of Object.entries(val)) await this.valWriter.scalar(`epoch_${name.slice(4)}`, value, epoch)
  }

  private async logWeights(epoch: number): Promise<void> {
    const model = modelOf(this.model, 'TensorBoard')
    for (const layer of model.layers) {
      for (const w of layer.weights) {
        await this.trainWriter.histogram(`${w.path.replace(/:/g, '_')}/histogram`, (await w.rawValue.data()) as ArrayLike<number>, epoch)
      }
    }
  }
}
