/** @file Posts epoch results to a server (Keras `RemoteMonitor`), with the global `fetch`. */
import { InvalidArgumentError } from '@kx/core'
import { Callback, type Logs } from './Callback.js'
import { pyFloatRepr } from './pyFormat.js'
import { warn } from './utils.js'

/** Options of `RemoteMonitor` (Keras's arguments, camelCased). */
export interface RemoteMonitorArgs {
  /** Server root (default `'http://localhost:9000'`). */
  readonly root?: string
  /** Path appended to `root` (default `'/publish/epoch/end/'`). */
  readonly path?: string
  /** Form field that carries the JSON text when `sendAsJson` is false (default `'data'`). */
  readonly field?: string
  /** Extra HTTP headers. */
  readonly headers?: Readonly<Record<string, string>> | null
  /** Send the results as a JSON body instead of a form field. */
  readonly sendAsJson?: boolean
}

type FetchFn = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<unknown>

/** Python's `json.dumps` of a flat dict of numbers (`{"epoch": 0, "loss": 0.5}`); `epoch` is an int. */
function pyJsonDumps(send: Record<string, number>): string {
  const num = (k: string, v: number): string => {
    if (k === 'epoch' && Number.isInteger(v)) return String(v)
    if (Number.isNaN(v)) return 'NaN'
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity'
    return pyFloatRepr(v)
  }
  return `{${Object.entries(send).map(([k, v]) => `${JSON.stringify(k)}: ${num(k, v)}`).join(', ')}}`
}

/**
 * Streams the logs of every epoch to a server with an HTTP POST (Keras
 * `keras.callbacks.RemoteMonitor`): a form field `data` holding the JSON text of
 * `{epoch, ...logs}`, or that JSON as the body with `sendAsJson`. A server that cannot be reached
 * gives a warning, not an error.
 *
 * @example
 * ```ts
 * const monitor = new RemoteMonitor({ root: 'http://localhost:9000', sendAsJson: true })
 * await model.fit(x, y, { epochs: 5, callbacks: [monitor] })
 * ```
 */
export class RemoteMonitor extends Callback {
  readonly root: string
  readonly path: string
  readonly field: string
  readonly headers: Readonly<Record<string, string>> | undefined
  readonly sendAsJson: boolean

  constructor(args: RemoteMonitorArgs = {}) {
    super()
    this.root = args.root ?? 'http://localhost:9000'
    this.path = args.path ?? '/publish/epoch/end/'
    this.field = args.field ?? 'data'
    this.headers = args.headers ?? undefined
    this.sendAsJson = args.sendAsJson ?? false
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const fetchFn = (globalThis as { fetch?: FetchFn }).fetch
    if (!fetchFn) throw new InvalidArgumentError('RemoteMonitor requires the global `fetch` (Node 18+ or a browser).')
    const send: Record<string, number> = { epoch, ...logs }
    const text = pyJsonDumps(send)
    const headers: Record<string, string> = this.sendAsJson ? { 'Content-Type': 'application/json' } : { 'Content-Type': 'application/x-www-form-urlencoded' }
    Object.assign(headers, this.headers ?? {})
    // NOTE: form encoding as Python's urlencode (spaces as '+'), like `requests.post(url, {field: text})`.
    const body = this.sendAsJson ? text : new URLSearchParams({ [this.field]: text }).toString()
    try {
      await fetchFn(this.root + this.path, { method: 'POST', headers, body })
    } catch {
      warn(`Could not reach RemoteMonitor root server at ${this.root}`)
    }
  }
}
