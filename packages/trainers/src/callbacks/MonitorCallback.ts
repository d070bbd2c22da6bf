/** @file Base of callbacks that watch one logged quantity (Keras `MonitorCallback`): mode, minDelta, best. */
import { InvalidArgumentError } from '@kx/core'
import { Callback, type Logs } from './Callback.js'
import { warn } from './utils.js'

/** Whether a quantity should go down ('min') or up ('max'), or be guessed from its name ('auto'). */
export type MonitorMode = 'auto' | 'min' | 'max'

// NOTE: Keras metrics carry `_direction`; kx metrics may not, so Keras's classes are listed by name.
const UP = new Set(['Accuracy', 'BinaryAccuracy', 'CategoricalAccuracy', 'SparseCategoricalAccuracy', 'TopKCategoricalAccuracy', 'SparseTopKCategoricalAccuracy',
  'Precision', 'Recall', 'PrecisionAtRecall', 'RecallAtPrecision', 'SensitivityAtSpecificity', 'SpecificityAtSensitivity', 'AUC', 'PearsonCorrelation',
  'ConcordanceCorrelation', 'FBetaScore', 'F1Score', 'IoU', 'BinaryIoU', 'MeanIoU', 'OneHotIoU', 'OneHotMeanIoU', 'CosineSimilarity', 'R2Score'])
const DOWN = new Set(['Hinge', 'SquaredHinge', 'CategoricalHinge', 'BinaryCrossentropy', 'CategoricalCrossentropy', 'SparseCategoricalCrossentropy',
  'MeanSquaredError', 'MeanAbsoluteError', 'MeanAbsolutePercentageError', 'MeanSquaredLogarithmicError', 'RootMeanSquaredError', 'LogCoshError',
  'KLDivergence', 'Poisson'])

/** 'up', 'down' or undefined for a compiled metric object. */
export function metricDirection(metric: unknown): 'up' | 'down' | undefined {
  const m = metric as { direction?: unknown; _direction?: unknown; constructor?: { name?: string } }
  const d = m.direction ?? m._direction
  if (d === 'up' || d === 'down') return d
  const name = m.constructor?.name ?? ''
  return UP.has(name) ? 'up' : DOWN.has(name) ? 'down' : undefined
}

/** The compiled metrics of a model (after the first step has built them). */
function compiledMetrics(model: unknown): { name: string; metric: unknown }[] {
  const compiled = (model as { trainerState?: Record<string, unknown> }).trainerState?.['compiled'] as { metrics?: { metrics?: { metric: { name: string } }[] } } | undefined
  return (compiled?.metrics?.metrics ?? []).map(({ metric }) => ({ name: metric.name, metric }))
}

/** Options of `MonitorCallback`. */
export interface MonitorCallbackArgs {
  /** The logged quantity to watch (default `'val_loss'`). */
  readonly monitor?: string
  /** `'min'`, `'max'` or `'auto'` (from the metric's direction). */
  readonly mode?: MonitorMode
  /** The initial reference value (`best`). */
  readonly baseline?: number | null
  /** Smallest change that counts as an improvement. */
  readonly minDelta?: number
}

/**
 * Base class of callbacks that monitor a quantity in the logs (Keras `MonitorCallback`): `monitor`,
 * `mode` and `minDelta`, and `isImprovement(current, reference)`.
 *
 * @example
 * ```ts
 * class PrintBest extends MonitorCallback {
 *   override onEpochEnd(epoch: number, logs: Logs = {}) {
 *     const v = logs[this.monitor]
 *     if (v !== undefined && this.isImprovement(v, this.best)) { this.best = v; console.log(epoch, v) }
 *   }
 * }
 * ```
 */
export class MonitorCallback extends Callback {
  monitor: string
  mode: MonitorMode
  minDelta: number
  best: number | undefined
  /** `less` or `greater`; set on first use, once the model's metrics are built. */
  monitorOp: ((a: number, b: number) => boolean) | undefined

  constructor(args: MonitorCallbackArgs = {}) {
    super()
    const { monitor = 'val_loss', baseline, minDelta = 0 } = args
    let mode = args.mode ?? 'auto'
    if (mode !== 'auto' && mode !== 'min' && mode !== 'max') {
      warn(`${new.target.name} mode '${String(mode)}' is unknown, fallback to auto mode.`)
      mode = 'auto'
    }
    this.monitor = monitor
    this.mode = mode
    this.best = baseline ?? undefined
    this.minDelta = Math.abs(minDelta)
  }

  /** Chooses `less`/`greater` from the mode or the monitored metric (Keras `_set_monitor_op`). */
  protected setMonitorOp(): void {
    const less = (a: number, b: number): boolean => a < b
    const greater = (a: number, b: number): boolean => a > b
    let op: typeof less | undefined
    if (this.mode === 'min') op = less
    else if (this.mode === 'max') op = greater
    else {
      const name = this.monitor.startsWith('val_') ? this.monitor.slice(4) : this.monitor
      if (name === 'loss') op = less
      for (const m of compiledMetrics(this.model)) {
        if (m.name !== name) continue
        const d = metricDirection(m.metric)
        if (d) op = d === 'up' ? greater : less
      }
      if (!op) {
        throw new InvalidArgumentError(`${this.constructor.name} callback received monitor=${this.monitor}, but Keras isn't able to automatically determine whether that metric should be maximized or minimized. Pass \`mode='max'\` in order to monitor based on the highest metric value, or pass \`mode='min'\` in order to use the lowest value.`)
      }
    }
    this.monitorOp = op
    if (op === less) this.minDelta *= -1
  }

  /** Whether `value` improves on `reference` by more than `minDelta` (always true without a reference). */
  isImprovement(value: number, reference: number | undefined): boolean {
    if (reference === undefined) return true
    if (!this.monitorOp) this.setMonitorOp()
    return this.monitorOp!(value - this.minDelta, reference)
  }

  /** The monitored value in `logs`, or undefined (warning, as Keras does, with `what` describing the use). */
  protected monitorValue(logs: Logs | undefined, what: string): number | undefined {
    const v = logs?.[this.monitor]
    if (v === undefined) warn(`${what} conditioned on metric \`${this.monitor}\` which is not available. Available metrics are: ${Object.keys(logs ?? {}).join(',')}`)
    return v
  }
}
