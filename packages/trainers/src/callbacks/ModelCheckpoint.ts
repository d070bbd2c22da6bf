/** @file Saves the model or its weights during training (Keras `ModelCheckpoint`). */
import { InvalidArgumentError, fmt } from '@kx/core'
import type { Logs } from './Callback.js'
import { MonitorCallback, type MonitorMode } from './MonitorCallback.js'
import { pyFormat, pyFormatValue, type PyValue } from './pyFormat.js'
import { dirName, exists, modelOf, nodeFs, printMsg, warn } from './utils.js'

/** Options of `ModelCheckpoint` (Keras's arguments, camelCased). */
export interface ModelCheckpointArgs {
  /**
   * Where to save: ends in `.keras` (or `.h5`), or `.weights.h5` with `saveWeightsOnly`. May hold
   * Python format fields filled from the epoch, batch and logs: `model_{epoch:02d}-{val_loss:.2f}.keras`.
   */
  readonly filepath: string
  /** Quantity to monitor for `saveBestOnly` (default `'val_loss'`). */
  readonly monitor?: string
  readonly verbose?: number
  /** Save only when the monitored quantity improves. */
  readonly saveBestOnly?: boolean
  /** Save weights only (`model.saveWeights`) instead of the whole model (`model.save`). */
  readonly saveWeightsOnly?: boolean
  readonly mode?: MonitorMode
  /** `'epoch'` (default) or a number of batches between saves. */
  readonly saveFreq?: 'epoch' | number
  /** Only save a model better than this value (`saveBestOnly`). */
  readonly initialValueThreshold?: number | null
}

/**
 * Saves the model or its weights at some frequency (Keras `keras.callbacks.ModelCheckpoint`).
 *
 * @example
 * ```ts
 * const ckpt = new ModelCheckpoint({ filepath: 'ckpt/model_{epoch:02d}-{val_loss:.2f}.keras', saveBestOnly: true })
 * await model.fit(x, y, { epochs: 10, validationSplit: 0.2, callbacks: [ckpt] })
 * ```
 */
export class ModelCheckpoint extends MonitorCallback {
  readonly filepath: string
  verbose: number
  saveBestOnly: boolean
  saveWeightsOnly: boolean
  saveFreq: 'epoch' | number
  private batchesSinceSave = 0
  private lastBatchSeen: number | undefined
  private currentEpoch = 0

  constructor(args: ModelCheckpointArgs) {
    super({ monitor: args.monitor ?? 'val_loss', mode: args.mode ?? 'auto', baseline: args.initialValueThreshold ?? null })
    this.filepath = String(args.filepath)
    this.verbose = args.verbose ?? 0
    this.saveBestOnly = args.saveBestOnly ?? false
    this.saveWeightsOnly = args.saveWeightsOnly ?? false
    this.saveFreq = args.saveFreq ?? 'epoch'
    if (this.saveFreq !== 'epoch' && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0)) {
      throw new InvalidArgumentError(`Unrecognized save_freq: ${fmt(this.saveFreq)}. Expected save_freq are 'epoch' or integer values`)
    }
    if (this.saveWeightsOnly) {
      if (!this.filepath.endsWith('.weights.h5')) {
        throw new InvalidArgumentError(`When using \`saveWeightsOnly: true\` in \`ModelCheckpoint\`, the filepath provided must end in \`.weights.h5\` (Keras weights format). Received: filepath=${this.filepath}`)
      }
    } else if (!this.filepath.endsWith('.keras') && !this.filepath.endsWith('.h5')) {
      throw new InvalidArgumentError(`The filepath provided must end in \`.keras\` (Keras model format). Received: filepath=${this.filepath}`)
    }
  }

  override async onTrainBatchEnd(batch: number, logs?: Logs): Promise<void> {
    if (this.shouldSaveOnBatch(batch)) await this.saveModel(this.currentEpoch, batch, logs)
  }

  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    if (!this.monitorOp) this.setMonitorOp()
    if (this.saveFreq === 'epoch') await this.saveModel(epoch, undefined, logs)
  }

  private shouldSaveOnBatch(batch: number): boolean {
    if (this.saveFreq === 'epoch') return false
    // A batch index that does not grow means a new epoch began.
    const add = this.lastBatchSeen === undefined || batch <= this.lastBatchSeen ? batch + 1 : batch - this.lastBatchSeen
    this.batchesSinceSave += add
    this.lastBatchSeen = batch
    if (this.batchesSinceSave >= this.saveFreq) {
      this.batchesSinceSave = 0
      return true
    }
    return false
  }

  private shouldSaveModel(epoch: number, logs: Logs, filepath: string): boolean {
    if (!this.saveBestOnly) {
      if (this.verbose > 0) printMsg(`\nEpoch ${epoch + 1}: saving model to ${filepath}`)
      return true
    }
    const current = logs[this.monitor]
    if (current === undefined) {
      warn(`Can save best model only with ${this.monitor} available.`)
      return true
    }
    const bestStr = this.best === undefined ? 'None' : pyFormatValue(this.best, '.5f')
    if (this.isImprovement(current, this.best)) {
      if (this.verbose > 0) printMsg(`\nEpoch ${epoch + 1}: ${this.monitor} improved from ${bestStr} to ${pyFormatValue(current, '.5f')}, saving model to ${filepath}`)
      this.best = current
      return true
    }
    if (this.verbose > 0) printMsg(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${bestStr}`)
    return false
  }

  /** The file path for this epoch/batch (Python `str.format` with `epoch`, `batch` and the logs). */
  getFilePath(epoch: number, batch: number | undefined, logs: Logs = {}): string {
    const values: Record<string, PyValue> = { ...logs, epoch: { int: epoch + 1 } }
    if (batch !== undefined && !('batch' in logs)) values['batch'] = { int: batch + 1 }
    return pyFormat(this.filepath, values)
  }

  private async saveModel(epoch: number, batch: number | undefined, logs: Logs = {}): Promise<void> {
    const filepath = this.getFilePath(epoch, batch, logs)
    if (!this.shouldSaveModel(epoch, logs, filepath)) return
    const model = modelOf(this.model, 'ModelCheckpoint')
    const node = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string'
    if (node) {
      const fs = await nodeFs('ModelCheckpoint')
      const dir = dirName(filepath)
      if (dir && !(await exists(fs, dir))) await fs.mkdir(dir, { recursive: true })
      if ((await exists(fs, filepath)) && (await fs.stat(filepath)).isDirectory()) {
        throw new InvalidArgumentError(`Please specify a non-directory filepath for ModelCheckpoint. Filepath used is an existing directory: ${filepath}`)
      }
    }
    if (this.saveWeightsOnly) await model.saveWeights(filepath)
    else await model.save(filepath)
    if (this.verbose > 0) printMsg(`\nEpoch ${epoch + 1}: finished saving model to ${filepath}`)
  }
}
