/** @file Metric base class (stateful: variables, updateState/result/resetState), Mean/Sum and MeanMetricWrapper. */
import { Tensor, Variable, floatx, full, tidy, type DType } from '@kx/core'
import * as ops from '@kx/ops-numpy'
import { getKerasMask } from '@kx/layers'
import { applyMask, squeezeOrExpandToSameRank } from '../losses/Loss.js'

/** Options shared by every metric. */
export interface MetricArgs {
  readonly name?: string
  readonly dtype?: DType
}

/**
 * Base class of metrics: state lives in variables created with `addVariable`; `updateState`
 * accumulates, `result` reads, `resetState` zeroes (Keras `keras.metrics.Metric`).
 *
 * @example
 * ```ts
 * const m = new Mean()
 * m.updateState([1, 3]); await m.result().data() // 2
 * ```
 */
export abstract class Metric {
  readonly name: string
  readonly dtype: DType
  private readonly _variables: Variable[] = []
  constructor(args: MetricArgs = {}) {
    this.name = args.name ?? new.target.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
    this.dtype = args.dtype ?? floatx()
  }
  get variables(): Variable[] { return this._variables.slice() }

  /** Creates a state variable (zeros unless an initial value is given). */
  addVariable(shape: readonly number[], options: { name: string; dtype?: DType; initialValue?: number } = { name: 'var' }): Variable {
    const dtype = options.dtype ?? this.dtype
    const v = new Variable({ initializer: full(shape, options.initialValue ?? 0, dtype), trainable: false, name: options.name })
    v.path = `${this.name}/${options.name}`
    this._variables.push(v)
    return v
  }

  abstract updateState(...args: unknown[]): void
  abstract result(): Tensor

  /** Zeroes every state variable. */
  resetState(): void {
    for (const v of this._variables) v.assign(tidy(() => full(v.shape, 0, v.dtype)))
  }

  /** Updates then returns the result (Keras `__call__`). */
  apply(...args: unknown[]): Tensor {
    this.updateState(...args)
    return this.result()
  }

  getConfig(): Record<string, unknown> { return { name: this.name, dtype: this.dtype } }
}

/** Keras's `reduce_to_samplewise_values`: applies sample weights and reduces each sample to one value. */
export function reduceToSamplewiseValues(values: Tensor, sampleWeight: unknown, reduceFn: (x: Tensor, axis: number[]) => Tensor, dtype: DType): [Tensor, Tensor | undefined] {
  const mask = getKerasMask(values) as Tensor | undefined
  let v = ops.cast(values, dtype)
  let sw: Tensor | undefined
  if (sampleWeight !== undefined && sampleWeight !== null) {
    sw = ops.convertToTensor(sampleWeight as never, dtype)
    if (mask) sw = applyMask(sw, mask, dtype, 'sum')!
    ;[v, sw] = squeezeOrExpandToSameRank(v, sw)
    const wn = sw.shape.length
    const vn = v.shape.length
    if (vn > wn) v = reduceFn(v, range(wn, vn))
    sw = ops.broadcastTo(sw, v.shape)
    v = ops.multiply(v, sw)
    if (wn > 1) sw = reduceFn(sw, range(1, wn))
  }
  if (v.shape.length > 1) v = reduceFn(v, range(1, v.shape.length))
  return [v, sw]
}
function range(a: number, b: number): number[] { return Array.from({ length: b - a }, (_, i) => a + i) }

/** Weighted mean of values (Keras `keras.metrics.Mean`). */
export class Mean extends Metric {
  readonly total: Variable
  readonly count: Variable
  constructor(args: MetricArgs = {}) {
    super(args)
    this.total = this.addVariable([], { name: 'total' })
    this.count = this.addVariable([], { name: 'count' })
  }
  updateState(values: unknown, sampleWeight?: unknown): void {
    tidy(() => {
      const [v, sw] = reduceToSamplewiseValues(ops.convertToTensor(values as never, this.dtype), sampleWeight, (x, axis) => ops.mean(x, { axis }), this.dtype)
      this.total.assignAdd(ops.sum(v))
      const n = sw ? ops.sum(sw) : v.shape.length >= 1 ? v.shape[0]! : 1
      this.count.assignAdd(ops.cast(ops.convertToTensor(n as never), this.dtype))
    })
  }
  result(): Tensor { return ops.divideNoNan(this.total.value, this.count.value) }
}

/** Weighted sum of values (Keras `keras.metrics.Sum`). */
export class Sum extends Metric {
  readonly total: Variable
  constructor(args: MetricArgs = {}) {
    super(args)
    this.total = this.addVariable([], { name: 'total' })
  }
  updateState(values: unknown, sampleWeight?: unknown): void {
    tidy(() => {
      const [v] = reduceToSamplewiseValues(ops.convertToTensor(values as never, this.dtype), sampleWeight, (x, axis) => ops.sum(x, { axis }), this.dtype)
      this.total.assignAdd(ops.sum(v))
    })
  }
  result(): Tensor { return ops.add(this.total.value, 0) }
}

/** A metric function `(yTrue, yPred, options) => perSample` averaged over samples (Keras `MeanMetricWrapper`). */
export class MeanMetricWrapper extends Mean {
  readonly fn: (yTrue: Tensor, yPred: Tensor, options: Record<string, unknown>) => Tensor
  readonly fnOptions: Record<string, unknown>
  constructor(fn: (yTrue: Tensor, yPred: Tensor, options: Record<string, unknown>) => Tensor, args: MetricArgs & { fnOptions?: Record<string, unknown> } = {}) {
    super(args)
    this.fn = fn
    this.fnOptions = args.fnOptions ?? {}
  }
  override updateState(yTrue: unknown, yPred?: unknown, sampleWeight?: unknown): void {
    tidy(() => {
      const pred = ops.convertToTensor(yPred as never)
      const mask = getKerasMask(pred) as Tensor | undefined
      const truth = ops.cast(ops.convertToTensor(yTrue as never), pred.dtype)
      const values = this.fn(truth, pred, this.fnOptions)
      const sw = sampleWeight === undefined || sampleWeight === null ? undefined : ops.convertToTensor(sampleWeight as never, this.dtype)
      super.updateState(values, applyMask(sw, mask, this.dtype, 'sum'))
    })
  }
}
