/**
 * @file Threshold-curve metrics: `AUC` (ROC / PR / PRGAIN; interpolation, majoring, minoring; multi-label)
 * and the operating-point metrics `SensitivityAtSpecificity`, `SpecificityAtSensitivity`,
 * `PrecisionAtRecall`, `RecallAtPrecision`.
 */
import { InvalidArgumentError, ShapeError, epsilon, fmt, tidy, type Tensor, type Variable } from '@kx/core'
import * as nn from '@kx/ops-nn'
import * as ops from '@kx/ops-numpy'
import { Metric, type MetricArgs } from './Metric.js'
import { updateConfusionMatrixVariables } from './confusion.js'

/** Keras's evenly spaced thresholds `[0, 1/(n-1), ..., 1]` (`[0.5]` for one). */
function evenThresholds(n: number): number[] {
  if (n === 1) return [0.5]
  return [0, ...Array.from({ length: n - 2 }, (_, i) => ((i + 1) * 1.0) / (n - 1)), 1]
}

/** `x[lo:hi]` along axis 0. */
function rows(x: Tensor, lo: number, hi: number): Tensor {
  return ops.slice(x, x.shape.map((_, i) => (i === 0 ? lo : 0)), x.shape.map((d, i) => (i === 0 ? hi - lo : d)))
}

/** Options of the operating-point metrics. */
export interface SensitivitySpecificityArgs extends MetricArgs {
  readonly numThresholds?: number
  readonly classId?: number | null
}

abstract class SensitivitySpecificityBase extends Metric {
  readonly value: number
  readonly numThresholds: number
  readonly classId: number | null
  readonly thresholds: number[]
  readonly truePositives: Variable
  readonly falsePositives: Variable
  readonly trueNegatives: Variable
  readonly falseNegatives: Variable
  constructor(value: number, valueName: string, args: SensitivitySpecificityArgs, name: string) {
    const { numThresholds = 200, classId = null, ...rest } = args
    if (!(value >= 0 && value <= 1)) throw new InvalidArgumentError(`Argument \`${valueName}\` must be in the range [0, 1]. Received: ${valueName}=${fmt(value)}`)
    if (!(numThresholds > 0)) throw new InvalidArgumentError(`Argument \`num_thresholds\` must be an integer > 0. Received: num_thresholds=${fmt(numThresholds)}`)
    super({ name, ...rest })
    this.value = value
    this.numThresholds = numThresholds
    this.classId = classId
    this.thresholds = evenThresholds(numThresholds)
    const n = this.thresholds.length
    this.truePositives = this.addVariable([n], { name: 'true_positives' })
    this.falsePositives = this.addVariable([n], { name: 'false_positives' })
    this.trueNegatives = this.addVariable([n], { name: 'true_negatives' })
    this.falseNegatives = this.addVariable([n], { name: 'false_negatives' })
  }
  updateState(yTrue: unknown, yPred?: unknown, sampleWeight?: unknown): void {
    tidy(() => updateConfusionMatrixVariables(
      { tp: this.truePositives, fp: this.falsePositives, tn: this.trueNegatives, fn: this.falseNegatives },
      yTrue, yPred, this.thresholds, { classId: this.classId, sampleWeight },
    ))
  }
  protected rates(): { sensitivity: Tensor; specificity: Tensor; precision: Tensor } {
    const tp = this.truePositives.value
    return {
      sensitivity: ops.divideNoNan(tp, ops.add(tp, this.falseNegatives.value)),
      specificity: ops.divideNoNan(this.trueNegatives.value, ops.add(this.trueNegatives.value, this.falsePositives.value)),
      precision: ops.divideNoNan(tp, ops.add(tp, this.falsePositives.value)),
    }
  }
  /** Largest `dependent` where `constrained >= value` (0 when none). */
  protected maxUnderConstraint(constrained: Tensor, dependent: Tensor): Tensor {
    return ops.maximum(ops.max(ops.where(ops.greaterEqual(constrained, this.value), dependent, 0)), 0)
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), class_id: this.classId } }
}

/** Best sensitivity (recall) at specificity ≥ `specificity`. @example `new SensitivityAtSpecificity({ specificity: 0.5 })` */
export class SensitivityAtSpecificity extends SensitivitySpecificityBase {
  readonly specificity: number
  constructor(args: SensitivitySpecificityArgs & { specificity: number }) {
    const { specificity, ...rest } = args
    super(specificity, 'specificity', rest, 'sensitivity_at_specificity')
    this.specificity = specificity
  }
  result(): Tensor { return tidy(() => { const r = this.rates(); return this.maxUnderConstraint(r.specificity, r.sensitivity) }) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), num_thresholds: this.numThresholds, specificity: this.specificity } }
}

/** Best specificity at sensitivity ≥ `sensitivity`. @example `new SpecificityAtSensitivity({ sensitivity: 0.5 })` */
export class SpecificityAtSensitivity extends SensitivitySpecificityBase {
  readonly sensitivity: number
  constructor(args: SensitivitySpecificityArgs & { sensitivity: number }) {
    const { sensitivity, ...rest } = args
    super(sensitivity, 'sensitivity', rest, 'specificity_at_sensitivity')
    this.sensitivity = sensitivity
  }
  result(): Tensor { return tidy(() => { const r = this.rates(); return this.maxUnderConstraint(r.sensitivity, r.specificity) }) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), num_thresholds: this.numThresholds, sensitivity: this.sensitivity } }
}

/** Best precision at recall ≥ `recall`. @example `new PrecisionAtRecall({ recall: 0.5 })` */
export class PrecisionAtRecall extends SensitivitySpecificityBase {
  readonly recall: number
  constructor(args: SensitivitySpecificityArgs & { recall: number }) {
    const { recall, ...rest } = args
    super(recall, 'recall', rest, 'precision_at_recall')
    this.recall = recall
  }
  result(): Tensor { return tidy(() => { const r = this.rates(); return this.maxUnderConstraint(r.sensitivity, r.precision) }) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), num_thresholds: this.numThresholds, recall: this.recall } }
}

/** Best recall at precision ≥ `precision`. @example `new RecallAtPrecision({ precision: 0.8 })` */
export class RecallAtPrecision extends SensitivitySpecificityBase {
  readonly precision: number
  constructor(args: SensitivitySpecificityArgs & { precision: number }) {
    const { precision, ...rest } = args
    super(precision, 'precision', rest, 'recall_at_precision')
    this.precision = precision
  }
  result(): Tensor { return tidy(() => { const r = this.rates(); return this.maxUnderConstraint(r.precision, r.sensitivity) }) }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), num_thresholds: this.numThresholds, precision: this.precision } }
}

/** Options of `AUC`. */
export interface AUCArgs extends MetricArgs {
  readonly numThresholds?: number
  readonly curve?: 'ROC' | 'PR' | 'PRGAIN' | 'roc' | 'pr' | 'prgain'
  readonly summationMethod?: 'interpolation' | 'majoring' | 'minoring' | 'Interpolation' | 'Majoring' | 'Minoring'
  readonly thresholds?: readonly number[] | null
  readonly multiLabel?: boolean
  readonly numLabels?: number | null
  readonly labelWeights?: readonly number[] | null
  readonly fromLogits?: boolean
}

/**
 * Area under the ROC, PR or PR-gain curve, by a Riemann sum over `numThresholds` thresholds
 * (Keras `keras.metrics.AUC`).
 *
 * @example
 * ```ts
 * new AUC({ numThresholds: 3 }).apply([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]) // 0.75
 * ```
 */
export class AUC extends Metric {
  readonly numThresholds: number
  readonly curve: 'ROC' | 'PR' | 'PRGAIN'
  readonly summationMethod: 'interpolation' | 'majoring' | 'minoring'
  readonly multiLabel: boolean
  readonly numLabels: number | null
  readonly labelWeights: number[] | null
  readonly fromLogits: boolean
  private readonly initFromThresholds: boolean
  private readonly _thresholds: number[]
  private vars: { tp: Variable; fp: Variable; tn: Variable; fn: Variable } | undefined
  constructor(args: AUCArgs = {}) {
    const {
      numThresholds = 200, curve = 'ROC', summationMethod = 'interpolation', thresholds = null, multiLabel = false, numLabels = null,
      labelWeights = null, fromLogits = false, ...rest
    } = args
    let inner: number[]
    if (thresholds !== null) {
      inner = [...thresholds].sort((a, b) => a - b)
    } else {
      if (!(numThresholds > 1)) throw new InvalidArgumentError(`Argument \`num_thresholds\` must be an integer > 1. Received: num_thresholds=${fmt(numThresholds)}`)
      inner = Array.from({ length: numThresholds - 2 }, (_, i) => ((i + 1) * 1.0) / (numThresholds - 1))
    }
    const c = ({ roc: 'ROC', ROC: 'ROC', pr: 'PR', PR: 'PR', prgain: 'PRGAIN', PRGAIN: 'PRGAIN' } as Record<string, 'ROC' | 'PR' | 'PRGAIN'>)[curve]
    if (!c) throw new InvalidArgumentError(`Invalid AUC curve value: "${String(curve)}". Expected values are ["PR", "ROC", "PRGAIN"]`)
    const s = ({ interpolation: 'interpolation', Interpolation: 'interpolation', majoring: 'majoring', Majoring: 'majoring', minoring: 'minoring', Minoring: 'minoring' } as Record<string, 'interpolation' | 'majoring' | 'minoring'>)[summationMethod]
    if (!s) throw new InvalidArgumentError(`Invalid AUC summation method value: "${String(summationMethod)}". Expected values are ["interpolation", "majoring", "minoring"]`)
    super({ name: 'auc', ...rest })
    this.initFromThresholds = thresholds !== null
    this.numThresholds = thresholds !== null ? thresholds.length + 2 : numThresholds
    this._thresholds = [0 - epsilon(), ...inner, 1 + epsilon()]
    this.curve = c
    this.summationMethod = s
    this.multiLabel = multiLabel
    this.numLabels = numLabels
    this.labelWeights = labelWeights === null ? null : [...labelWeights]
    this.fromLogits = fromLogits
    if (multiLabel) {
      if (numLabels) this.build([0, numLabels])
    } else {
      if (numLabels) throw new InvalidArgumentError('`num_labels` is needed only when `multi_label` is True.')
      this.build(undefined)
    }
  }
  /** The thresholds, including the `-epsilon` and `1 + epsilon` ends. */
  get thresholds(): number[] { return this._thresholds.slice() }
  private build(shape: readonly number[] | undefined): NonNullable<AUC['vars']> {
    let varShape = [this.numThresholds]
    if (this.multiLabel) {
      if (!shape || shape.length !== 2) {
        throw new ShapeError(`\`y_pred\` must have rank 2 when \`multi_label=True\`. Found rank ${shape?.length}. Full shape received for \`y_pred\`: ${fmt(shape)}`)
      }
      varShape = [this.numThresholds, shape[1]!]
    }
    this.vars = {
      tp: this.addVariable(varShape, { name: 'true_positives' }), fp: this.addVariable(varShape, { name: 'false_positives' }),
      tn: this.addVariable(varShape, { name: 'true_negatives' }), fn: this.addVariable(varShape, { name: 'false_negatives' }),
    }
    return this.vars
  }
  updateState(yTrue: unknown, yPred?: unknown, sampleWeight?: unknown): void {
    tidy(() => {
      let p = ops.convertToTensor(yPred as never)
      const v = this.vars ?? this.build(p.shape)
      if (this.fromLogits) p = nn.sigmoid(p)
      const lw = this.multiLabel || !this.labelWeights ? null : ops.convertToTensor(this.labelWeights, this.dtype)
      updateConfusionMatrixVariables(v, yTrue, p, this._thresholds, { sampleWeight, multiLabel: this.multiLabel, labelWeights: lw })
    })
  }
  private aggregate(terms: Tensor): Tensor {
    if (!this.multiLabel) return ops.sum(terms)
    const byLabel = ops.sum(terms, { axis: 0 })
    if (!this.labelWeights) return ops.mean(byLabel)
    const lw = ops.convertToTensor(this.labelWeights, this.dtype)
    return ops.divideNoNan(ops.sum(ops.multiply(byLabel, lw)), ops.sum(lw))
  }
  /** Davis & Goadrich's interpolated PR-AUC (Keras `interpolate_pr_auc`). */
  private interpolatePrAuc(v: NonNullable<AUC['vars']>): Tensor {
    const n = this.numThresholds
    const tp = v.tp.value
    const dtp = ops.subtract(rows(tp, 0, n - 1), rows(tp, 1, n))
    const p = ops.add(tp, v.fp.value)
    const pLo = rows(p, 0, n - 1)
    const pHi = rows(p, 1, n)
    const dp = ops.subtract(pLo, pHi)
    const slope = ops.divideNoNan(dtp, ops.maximum(dp, 0))
    const intercept = ops.subtract(rows(tp, 1, n), ops.multiply(slope, pHi))
    const ratio = ops.where(ops.logicalAnd(ops.greater(pLo, 0), ops.greater(pHi, 0)), ops.divideNoNan(pLo, ops.maximum(pHi, 0)), 1)
    const inc = ops.divideNoNan(
      ops.multiply(slope, ops.add(dtp, ops.multiply(intercept, ops.log(ratio)))),
      ops.maximum(ops.add(rows(tp, 1, n), rows(v.fn.value, 1, n)), 0),
    )
    return this.aggregate(inc)
  }
  result(): Tensor {
    return tidy(() => {
      const v = this.vars
      if (!v) return ops.cast(0, this.dtype)
      if (this.curve === 'PR' && this.summationMethod === 'interpolation') return this.interpolatePrAuc(v)
      const [tp, fp, tn, fn] = [v.tp.value, v.fp.value, v.tn.value, v.fn.value]
      const recall = ops.divideNoNan(tp, ops.add(tp, fn))
      let x: Tensor, y: Tensor
      if (this.curve === 'ROC') {
        x = ops.divideNoNan(fp, ops.add(fp, tn))
        y = recall
      } else if (this.curve === 'PR') {
        x = recall
        y = ops.divideNoNan(tp, ops.add(tp, fp))
      } else {
        const scale = ops.divideNoNan(ops.add(tp, fn), ops.add(tn, fp))
        const tpZero = ops.equal(tp, 0)
        x = ops.maximum(ops.where(tpZero, 0, ops.subtract(1, ops.multiply(scale, ops.divideNoNan(fn, tp)))), 0)
        y = ops.where(tpZero, 1, ops.subtract(1, ops.multiply(scale, ops.divideNoNan(fp, tp))))
      }
      const n = this.numThresholds
      const yLo = rows(y, 0, n - 1)
      const yHi = rows(y, 1, n)
      const heights = this.summationMethod === 'interpolation' ? ops.divide(ops.add(yLo, yHi), 2)
        : this.summationMethod === 'minoring' ? ops.minimum(yLo, yHi) : ops.maximum(yLo, yHi)
      return this.aggregate(ops.multiply(ops.subtract(rows(x, 0, n - 1), rows(x, 1, n)), heights))
    })
  }
  override resetState(): void { if (this.vars) super.resetState() }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), num_thresholds: this.numThresholds, curve: this.curve, summation_method: this.summationMethod,
      multi_label: this.multiLabel, num_labels: this.numLabels, label_weights: this.labelWeights, from_logits: this.fromLogits,
      ...(this.initFromThresholds ? { thresholds: this._thresholds.slice(1, -1) } : {}),
    }
  }
}
