/**
 * @file Backs up training state to a folder and resumes from it after an interruption (Keras
 * `BackupAndRestore`; Node only). Files as Keras writes them: `latest.weights.h5` (weights and
 * optimizer state) and `training_metadata.json` (`{"epoch": …, "batch": …}`).
 */
import { InvalidArgumentError, fmt } from '@kx/core'
import { Callback } from './Callback.js'
import { exists, joinPath, modelOf, nodeFs, optimizerOf } from './utils.js'

/** Options of `BackupAndRestore` (Keras's arguments, camelCased). */
export interface BackupAndRestoreArgs {
  /** Folder for the backup files; use one folder per training run. */
  readonly backupDir: string
  /** `'epoch'` (default) or a number of batches between backups. */
  readonly saveFreq?: 'epoch' | number
  /** Keep the previous backup as `*.bkp` and fall back to it when the latest one cannot be read. */
  readonly doubleCheckpoint?: boolean
  /** Delete the backup folder when training ends (default true). */
  readonly deleteCheckpoint?: boolean
}

/** Where a callback asks `fit` to start: read by the trainer right after `onTrainBegin` (Keras `model._initial_epoch`). */
export const INITIAL_EPOCH_KEY = 'initialEpoch'

/**
 * Saves the training state at the end of every epoch (or every `saveFreq` batches) and restores it
 * when `fit` starts again, resuming at the epoch after the last backup (Keras
 * `keras.callbacks.BackupAndRestore`).
 *
 * @example
 * ```ts
 * const backup = new BackupAndRestore({ backupDir: '/tmp/backup' })
 * await model.fit(x, y, { epochs: 10, callbacks: [backup] }) // after a crash, the same call resumes
 * ```
 */
export class BackupAndRestore extends Callback {
  readonly backupDir: string
  readonly saveFreq: 'epoch' | number
  readonly doubleCheckpoint: boolean
  readonly deleteCheckpoint: boolean
  private batchesSinceSave = 0
  private lastBatchSeen = 0
  private currentEpoch = 0
  private readonly weightsPath: string
  private readonly metadataPath: string
  private readonly prevWeightsPath: string
  private readonly prevMetadataPath: string

  constructor(args: BackupAndRestoreArgs) {
    super()
    if (!args?.backupDir) throw new InvalidArgumentError('Empty `backupDir` argument passed')
    this.backupDir = String(args.backupDir)
    this.saveFreq = args.saveFreq ?? 'epoch'
    this.doubleCheckpoint = args.doubleCheckpoint ?? false
    this.deleteCheckpoint = args.deleteCheckpoint ?? true
    this.weightsPath = joinPath(this.backupDir, 'latest.weights.h5')
    this.metadataPath = joinPath(this.backupDir, 'training_metadata.json')
    this.prevWeightsPath = `${this.weightsPath}.bkp`
    this.prevMetadataPath = `${this.metadataPath}.bkp`
    if (this.saveFreq !== 'epoch' && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0)) {
      throw new InvalidArgumentError(`Invalid value for argument \`saveFreq\`. Received: saveFreq=${fmt(this.saveFreq)}. Expected either 'epoch' or an integer value.`)
    }
  }

  override async onTrainBegin(): Promise<void> {
    try {
      await this.load()
    } catch (e) {
      // The latest backup may be corrupt: fall back to the previous one when there is one.
      const fs = await nodeFs('BackupAndRestore')
      if (!(await exists(fs, this.prevWeightsPath))) throw e
      await fs.copyFile(this.prevWeightsPath, this.weightsPath)
      if (await exists(fs, this.prevMetadataPath)) await fs.copyFile(this.prevMetadataPath, this.metadataPath)
      else if (await exists(fs, this.metadataPath)) await fs.rm(this.metadataPath, { recursive: false, force: true })
      await this.load()
    }
  }

  private async load(): Promise<void> {
    const model = modelOf(this.model, 'BackupAndRestore')
    if (!model.built) {
      throw new InvalidArgumentError(`To use the BackupAndRestore callback, you model must be built before you call \`fit()\`. Model ${model.name} is unbuilt. You can build it beforehand by calling it on a batch of data.`)
    }
    const fs = await nodeFs('BackupAndRestore')
    if (await exists(fs, this.weightsPath)) {
      const opt = optimizerOf(model)
      // Optimizer variables must exist before the saved optimizer state can be loaded into them.
      if (opt && !opt.built) opt.build(model.trainableWeights)
      await model.loadWeights(this.weightsPath)
    }
    if (await exists(fs, this.metadataPath)) {
      const meta = JSON.parse(await fs.readFile(this.metadataPath, 'utf8')) as { epoch?: unknown }
      if (typeof meta.epoch !== 'number' || !Number.isInteger(meta.epoch) || meta.epoch < 0) {
        throw new InvalidArgumentError(`${this.metadataPath} has no valid "epoch". Received: ${fmt(meta)}`)
      }
      model.trainerState[INITIAL_EPOCH_KEY] = meta.epoch
    }
  }

  override async onEpochEnd(epoch: number): Promise<void> {
    this.currentEpoch = epoch + 1
    this.lastBatchSeen = 0
    if (this.saveFreq === 'epoch') await this.save()
  }

  override async onTrainBatchEnd(batch: number): Promise<void> {
    if (this.shouldSaveOnBatch(batch)) await this.save()
  }

  private async save(): Promise<void> {
    const fs = await nodeFs('BackupAndRestore')
    if (!(await exists(fs, this.backupDir))) await fs.mkdir(this.backupDir, { recursive: true })
    if (this.doubleCheckpoint && (await exists(fs, this.weightsPath))) await fs.copyFile(this.weightsPath, this.prevWeightsPath)
    if (this.doubleCheckpoint && (await exists(fs, this.metadataPath))) await fs.copyFile(this.metadataPath, this.prevMetadataPath)
    await modelOf(this.model, 'BackupAndRestore').saveWeights(this.weightsPath)
    await fs.writeFile(this.metadataPath, JSON.stringify({ epoch: this.currentEpoch, batch: this.lastBatchSeen }))
  }

  private shouldSaveOnBatch(batch: number): boolean {
    if (this.saveFreq === 'epoch') return false
    const add = batch <= this.lastBatchSeen ? batch + 1 : batch - this.lastBatchSeen
    this.batchesSinceSave += add
    this.lastBatchSeen = batch
    if (this.batchesSinceSave >= this.saveFreq) {
      this.batchesSinceSave = 0
      return true
    }
    return false
  }

  override async onTrainEnd(): Promise<void> {
    if (!this.deleteCheckpoint) return
    const fs = await nodeFs('BackupAndRestore')
    if (await exists(fs, this.backupDir)) await fs.rm(this.backupDir, { recursive: true, force: true })
  }
}
