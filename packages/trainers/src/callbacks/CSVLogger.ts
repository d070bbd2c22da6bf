/** @file Streams epoch results to a CSV file (Keras `CSVLogger`; Node only). */
import { Callback, type Logs } from './Callback.js'
import { pyFloatRepr } from './pyFormat.js'
import { exists, nodeFs, type NodeFs } from './utils.js'

/** Options of `CSVLogger`. */
export interface CSVLoggerArgs {
  /** Separator between fields (default `','`). */
  readonly separator?: string
  /** Append to an existing file instead of overwriting it (the header is written only to an empty file). */
  readonly append?: boolean
}

/**
 * Streams epoch results to a CSV file (Keras `keras.callbacks.CSVLogger`): a header `epoch` plus the
 * sorted log keys (with `val_` columns even before validation ran), one row per epoch, `NA` for
 * missing values, floats as Python prints them, rows ended by `\r\n` like Python's csv module.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 5, callbacks: [new CSVLogger('training.log')] })
 * ```
 */
export class CSVLogger extends Callback {
  readonly filename: string
  readonly sep: string
  readonly append: boolean
  keys: string[] | undefined
  private appendHeader = true
  private headerWritten = false
  private fs: NodeFs | undefined

  constructor(filename: string, args: CSVLoggerArgs = {}) {
    super()
    this.filename = String(filename)
    this.sep = args.separator ?? ','
    this.append = args.append ?? false
  }

  override async onTrainBegin(): Promise<void> {
    const fs = (this.fs = await nodeFs('CSVLogger'))
    if (this.append) {
      if (await exists(fs, this.filename)) {
        const text = await fs.readFile(this.filename, 'utf8')
        this.appendHeader = text.split('\n', 1)[0]!.length === 0
      }
    } else {
      await fs.writeFile(this.filename, '')
    }
    this.keys = undefined
    this.headerWritten = false
  }

  /** One CSV field, quoted like Python's csv module (QUOTE_MINIMAL, doubled quotes). */
  private field(s: string): string {
    return s.includes(this.sep) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (this.keys === undefined) {
      this.keys = Object.keys(logs).sort()
      if (this.keys.length && !this.keys.some((k) => k.startsWith('val_'))) this.keys.push(...this.keys.map((k) => `val_${k}`))
    }
    let text = ''
    if (!this.headerWritten) {
      if (this.appendHeader) text += ['epoch', ...this.keys].map((k) => this.field(k)).join(this.sep) + '\r\n'
      this.headerWritten = true
    }
    const row = [String(epoch), ...this.keys.map((k) => (k in logs ? pyFloatRepr(logs[k]!) : 'NA'))]
    text += row.map((v) => this.field(v)).join(this.sep) + '\r\n'
    const fs = this.fs ?? (this.fs = await nodeFs('CSVLogger'))
    await fs.appendFile(this.filename, text)
  }

  override onTrainEnd(): void {
    this.headerWritten = false
  }
}
