/** @file compile()'s loss and metric containers: losses/metrics per output, weights, names (Keras `CompileLoss`/`CompileMetrics`). */
import { InvalidArgumentError, Tensor, fmt, tidy, treeFlatten, type KerasTensor } from '@kx/core'
import * as ops from '@kx/ops-numpy'
import { Functional, Sequential, type Model } from '@kx/layers'
import { Loss } from '../losses/Loss.js'
import { Metric, Mean } from '../metrics/Metric.js'
import { getLoss } from '../losses/index.js'
import { getMetric, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, BinaryCrossentropy as BinaryCrossentropyMetric, CategoricalCrossentropy as CategoricalCrossentropyMetric, SparseCategoricalCrossentropy as SparseCategoricalCrossentropyMetric } from '../metrics/index.js'

const isTensor = (v: unknown): v is Tensor => v instanceof Tensor

/** Names of a model's outputs (output layer names for Functional models). */
export function outputNames(model: Model): string[] {
  const f = model instanceof Functional ? model : model instanceof Sequential ? model.functional : undefined
  if (!f) return []
  return f.outputs.map((o: KerasTensor) => (o.kerasHistory as { layer: { name: string } }).layer.name)
}

/** Resolves a per-output spec (single, array or dict keyed by output name) to a list aligned with outputs. */
function perOutput<T>(spec: unknown, names: readonly string[], numOutputs: number, what: string): (T | undefined)[] {
  if (spec === undefined || spec === null) return new Array<T | undefined>(numOutputs).fill(undefined)
  if (Array.isArray(spec) && numOutputs > 1) {
    if (spec.length !== numOutputs) throw new InvalidArgumentError(`For a model with ${numOutputs} outputs, \`${what}\` must have ${numOutputs} entries. Received: ${what}=${fmt(spec)}`)
    return spec as T[]
  }
  if (spec && typeof spec === 'object' && !Array.isArray(spec) && !(spec instanceof Loss) && !(spec instanceof Metric) && numOutputs > 1) {
    const d = spec as Record<string, T>
    for (const k of Object.keys(d)) if (!names.includes(k)) throw new InvalidArgumentError(`Unknown output name "${k}" in \`${what}\`. Model outputs: ${fmt(names)}`)
    return names.map((n) => d[n])
  }
  return [spec as T, ...new Array<T | undefined>(numOutputs - 1).fill(spec as T)].slice(0, numOutputs)
}

/** The compiled loss: one Loss per output, weighted and summed. */
export class CompileLoss {
  private losses: (Loss | undefined)[] | undefined
  private readonly spec: unknown
  private readonly weights: unknown
  constructor(spec: unknown, lossWeights: unknown) {
    this.spec = spec
    this.weights = lossWeights
  }
  build(model: Model, yPred: unknown): void {
    const [preds] = treeFlatten(yPred, isTensor)
    const names = outputNames(model)
    const specs = perOutput<unknown>(this.spec, names, preds.length, 'loss')
    this.losses = specs.map((s) => (s === undefined || s === null ? undefined : getLoss(s)))
    this.lossWeightList = perOutput<number>(this.weights, names, preds.length, 'lossWeights').map((w) => w ?? 1)
  }
  private lossWeightList: number[] = []
  /** Total weighted loss over outputs. */
  apply(model: Model, yTrue: unknown, yPred: unknown, sampleWeight: unknown): Tensor {
    if (!this.losses) this.build(model, yPred)
    const [preds] = treeFlatten(yPred, isTensor)
    const [truths] = treeFlatten(yTrue, isTensor)
    const [weights] = treeFlatten(sampleWeight, isTensor)
    let total: Tensor | undefined
    this.losses!.forEach((loss, i) => {
      if (!loss) return
      if (truths[i] === undefined) throw new InvalidArgumentError(`Missing targets for output ${i} (a loss is set for it). Received: ${truths.length} target arrays for ${preds.length} outputs`)
      let l = loss.apply(truths[i], preds[i], weights.length > 1 ? weights[i] : weights[0])
      const w = this.lossWeightList[i] ?? 1
      if (w !== 1) l = ops.multiply(l, w)
      total = total ? ops.add(total, l) : l
    })
    if (!total) throw new InvalidArgumentError('compile() was given no loss; pass `loss` to compile (or override computeLoss).')
    return total
  }
}

/** The compiled metrics: resolved on the first batch (so 'accuracy' can pick its kind from shapes). */
export class CompileMetrics {
  private readonly spec: unknown
  private readonly weightedSpec: unknown
  private lossHint: unknown
  metrics: { metric: Metric; output: number; weighted: boolean }[] | undefined
  constructor(spec: unknown, weightedSpec: unknown, lossSpec: unknown) {
    this.spec = spec
    this.weightedSpec = weightedSpec
    this.lossHint = lossSpec
  }
  get built(): boolean { return this.metrics !== undefined }
  build(model: Model, yTrue: unknown, yPred: unknown): void {
    const [preds] = treeFlatten(yPred, isTensor)
    const [truths] = treeFlatten(yTrue, isTensor)
    const names = outputNames(model)
    const out: { metric: Metric; output: number; weighted: boolean }[] = []
    const add = (spec: unknown, weighted: boolean): void => {
      const per = perOutput<unknown>(spec, names, preds.length, weighted ? 'weightedMetrics' : 'metrics')
      per.forEach((list, i) => {
        if (list === undefined || list === null) return
        for (const id of Array.isArray(list) ? list : [list]) {
          const m = resolveMetric(id, truths[i], preds[i]!, this.lossHint)
          const prefix = preds.length > 1 && names[i] ? `${names[i]}_` : ''
          if (prefix) Object.defineProperty(m, 'name', { value: `${prefix}${m.name}` })
          out.push({ metric: m, output: i, weighted })
        }
      })
    }
    add(this.spec, false)
    add(this.weightedSpec, true)
    this.metrics = out
  }
  updateState(yTrue: unknown, yPred: unknown, sampleWeight: unknown): void {
    const [preds] = treeFlatten(yPred, isTensor)
    const [truths] = treeFlatten(yTrue, isTensor)
    const [weights] = treeFlatten(sampleWeight, isTensor)
    for (const { metric, output, weighted } of this.metrics ?? []) {
      const sw = weighted ? (weights.length > 1 ? weights[output] : weights[0]) : undefined
      tidy(() => metric.updateState(truths[output], preds[output], sw))
    }
  }
  resetState(): void { for (const { metric } of this.metrics ?? []) metric.resetState() }
}

/** Keras's `get_metric`: "accuracy"/"acc" and "crossentropy"/"ce" pick binary, categorical or sparse by shapes and loss. */
function resolveMetric(id: unknown, yTrue: Tensor | undefined, yPred: Tensor, lossHint: unknown): Metric {
  if (typeof id !== 'string' || !['accuracy', 'acc', 'crossentropy', 'ce'].includes(id.toLowerCase())) return getMetric(id)
  const lossName = typeof lossHint === 'string' ? lossHint : lossHint instanceof Loss ? lossHint.constructor.name : ''
  const predRank = yPred.shape.length
  const trueRank = yTrue?.shape.length ?? predRank
  const last = yPred.shape[predRank - 1]
  const isBinary = last === 1 || /binary/i.test(lossName)
  const isSparse = /sparse/i.test(lossName) || (trueRank === predRank - 1) || (yTrue !== undefined && yTrue.shape[trueRank - 1] === 1 && last !== 1)
  const accuracy = ['accuracy', 'acc'].includes(id.toLowerCase())
  const name = id
  if (isBinary) return accuracy ? new BinaryAccuracy({ name }) : new BinaryCrossentropyMetric({ name })
  if (isSparse) return accuracy ? new SparseCategoricalAccuracy({ name }) : new SparseCategoricalCrossentropyMetric({ name })
  return accuracy ? new CategoricalAccuracy({ name }) : new CategoricalCrossentropyMetric({ name })
}

export { Mean }
