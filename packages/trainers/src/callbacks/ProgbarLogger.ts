/** @file Keras's progress bar (`verbose` 1: bar with ETA and metrics; 2: one line per epoch). */
import { Callback, type Logs } from './Callback.js'

type Writer = { write(s: string): void; isTTY?: boolean }

function stdout(): Writer | undefined {
  const p = (globalThis as { process?: { stdout?: Writer } }).process
  return p?.stdout
}

function formatTime(seconds: number): string {
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`
  if (seconds >= 60) return `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`
  return `${Math.round(seconds)}s`
}
function perStep(seconds: number): string {
  if (seconds >= 1) return `${Math.round(seconds)}s/step`
  if (seconds >= 1e-3) return `${Math.round(seconds * 1e3)}ms/step`
  return `${Math.round(seconds * 1e6)}us/step`
}
function formatLogs(logs: Logs): string {
  return Object.entries(logs).map(([k, v]) => ` - ${k}: ${Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(4) : v.toFixed(4)}`).join('')
}

/**
 * Prints training progress like Keras. In browsers (no stdout) it logs one console line per epoch.
 */
export class ProgbarLogger extends Callback {
  private readonly out: Writer | undefined
  private readonly print: (s: string) => void
  private start = 0
  private seen = 0
  private target: number | undefined
  private verbose = 1
  private epochs = 1
  private lastWidth = 0
  constructor(options: { print?: (s: string) => void; stream?: Writer } = {}) {
    super()
    this.out = options.stream ?? stdout()
    this.print = options.print ?? ((s) => (this.out ? this.out.write(s) : console.log(s.replace(/\n$/, ''))))
  }
  override onTrainBegin(): void {
    this.verbose = this.params.verbose ?? 1
    this.epochs = this.params.epochs ?? 1
  }
  override onEpochBegin(epoch: number): void {
    this.start = performance.now()
    this.seen = 0
    this.target = this.params.steps
    if (this.verbose && this.epochs > 1) this.print(`Epoch ${epoch + 1}/${this.epochs}\n`)
  }
  override onTrainBatchEnd(batch: number, logs: Logs = {}): void {
    this.seen = batch + 1
    if (this.verbose === 1 && this.out?.isTTY !== false) this.render(logs, false)
  }
  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    if (this.verbose === 1) this.render(logs, true)
    else if (this.verbose === 2) {
      const el = (performance.now() - this.start) / 1000
      this.print(`${this.seen}/${this.target ?? this.seen} - ${formatTime(el)} - ${perStep(el / Math.max(this.seen, 1))}${formatLogs(logs)}\n`)
    }
  }
  private render(logs: Logs, final: boolean): void {
    const el = (performance.now() - this.start) / 1000
    const n = this.seen
    const target = this.target
    const width = 20
    let bar = ''
    if (target) {
      const done = Math.min(width, Math.floor((n / target) * width))
      bar = `${'━'.repeat(done)}${'━'.repeat(width - done).replace(/━/g, ' ')}`.replace(/ /g, '─')
      bar = `${String(n).padStart(String(target).length)}/${target} \x1b[32m${'━'.repeat(done)}\x1b[0m\x1b[37m${'━'.repeat(width - done)}\x1b[0m`
    } else {
      bar = `${n}/Unknown`
    }
    const time = final || !target ? `${formatTime(el)} ${perStep(el / Math.max(n, 1))}` : `${formatTime((el / Math.max(n, 1)) * (target - n))}`
    const line = `${bar} ${final ? '' : ''}${time}${formatLogs(logs)}`
    const tty = this.out?.isTTY
    if (tty) this.print(`\r${line}${' '.repeat(Math.max(0, this.lastWidth - line.length))}${final ? '\n' : ''}`)
    else if (final) this.print(`${line}\n`)
    this.lastWidth = line.length
  }
}
