/**
 * @file The Keras loss classes (`keras.losses.MeanSquaredError`, ...): each wraps its loss function
 * with fixed options, reduces with `Loss.apply`, and serializes with Keras's `get_config` keys.
 */
import { InvalidArgumentError, fmt } from '@kx/core'
import { LossFunctionWrapper, type LossArgs } from './Loss.js'
import * as F from './functions.js'

/** Options of the cross-entropy loss classes. */
export interface CrossentropyArgs extends LossArgs {
  readonly fromLogits?: boolean
  readonly labelSmoothing?: number
  readonly axis?: number
}

type Fn = (yTrue: never, yPred: never, options: never) => unknown
const wrap = (fn: Fn) => fn as unknown as ConstructorParameters<typeof LossFunctionWrapper>[0]

/** Mean of squared errors. @example `new MeanSquaredError().apply([[0, 1]], [[1, 1]]) // 0.5` */
export class MeanSquaredError extends LossFunctionWrapper {
  constructor(args: LossArgs = {}) { super(wrap(F.meanSquaredError), { name: 'mean_squared_error', ...args }) }
}
/** Mean of absolute errors. @example `new MeanAbsoluteError().apply([[0, 1]], [[1, 1]]) // 0.5` */
export class MeanAbsoluteError extends LossFunctionWrapper {
  constructor(args: LossArgs = {}) { super(wrap(F.meanAbsoluteError), { name: 'mean_absolute_error', ...args }) }
}
/** Mean absolute percentage error. @example `new MeanAbsolutePercentageError().apply([[2]], [[1]]) // 50` */
export class MeanAbsolutePercentageError extends LossFunctionWrapper {
  constructor(args: LossArgs = {}) { super(wrap(F.meanAbsolutePercentageError), { name: 'mean_absolute_percentage_error', ...args }) }
}
/** Mean squared logarithmic error. @example `new MeanSquaredLogarithmicError().apply(yTrue, yPred)` */
export class MeanSquaredLogarithmicError extends LossFunctionWrapper {
  constructor(args: LossArgs = {}) { super(wrap(F.meanSquaredLogarithmicError), { name: 'mean_squared_logarithmic_error', ...args }) }
}
/** Negative cosine similarity along `axis`. @example `new CosineSimilarity({ axis: -1 }).apply(yTrue, yPred)` */
export class CosineSimilarity extends LossFunctionWrapper {
  // NOTE: Keras's get_config omits `axis` here; so does ours, so configs match key for key.
  constructor(args: LossArgs & { axis?: number } = {}) {
    const { axis = -1, ...rest } = args
    super(wrap(F.cosineSimilarity), { name: 'cosine_similarity', ...rest, fnOptions: { axis } })
  }
}
/** Huber loss. @example `new Huber({ delta: 1 }).apply(yTrue, yPred)` */
export class Huber extends LossFunctionWrapper {
  // NOTE: Keras's get_config omits `delta`; kept identical.
  constructor(args: LossArgs & { delta?: number } = {}) {
    const { delta = 1, ...rest } = args
    super(wrap(F.huber), { name: 'huber_loss', ...rest, fnOptions: { delta } })
  }
}
/** Log-cosh loss. @example `new LogCosh().apply(yTrue, yPred)` */
export class LogCosh extends LossFunctionWrapper {
  constructor(args: LossArgs = {}) { super(wrap(F.logCosh), { name: 'log_cosh', ...args }) }
}
/** Hinge loss. @example `new Hinge().apply([[1, -1]], [[0.3, -0.4]])` */
export class Hinge extends LossFunctionWrapper {
  constructor(args: LossArgs = {}) { super(wrap(F.hinge), { name: 'hinge', ...args }) }
}
/** Squared hinge loss. @example `new SquaredHinge().apply(yTrue, yPred)` */
export class SquaredHinge extends LossFunctionWrapper {
  constructor(args: LossArgs = {}) { super(wrap(F.squaredHinge), { name: 'squared_hinge', ...args }) }
}
/** Categorical hinge loss. @example `new CategoricalHinge().apply(yTrue, yPred)` */
export class CategoricalHinge extends LossFunctionWrapper {
  constructor(args: LossArgs = {}) { super(wrap(F.categoricalHinge), { name: 'categorical_hinge', ...args }) }
}
/** Kullback–Leibler divergence. @example `new KLDivergence().apply(yTrue, yPred)` */
export class KLDivergence extends LossFunctionWrapper {
  constructor(args: LossArgs = {}) { super(wrap(F.klDivergence), { name: 'kl_divergence', ...args }) }
}
/** Poisson loss. @example `new Poisson().apply(yTrue, yPred)` */
export class Poisson extends LossFunctionWrapper {
  constructor(args: LossArgs = {}) { super(wrap(F.poisson), { name: 'poisson', ...args }) }
}

/**
 * Binary cross-entropy (mean over `axis`), from probabilities or logits, with label smoothing.
 *
 * @example
 * ```ts
 * new BinaryCrossentropy({ fromLogits: true }).apply([[0, 1]], [[-2, 3]])
 * ```
 */
export class BinaryCrossentropy extends LossFunctionWrapper {
  readonly fromLogits: boolean
  readonly labelSmoothing: number
  readonly axis: number
  constructor(args: CrossentropyArgs = {}) {
    const { fromLogits = false, labelSmoothing = 0, axis = -1, ...rest } = args
    super(wrap(F.binaryCrossentropy), { name: 'binary_crossentropy', ...rest, fnOptions: { fromLogits, labelSmoothing, axis } })
    this.fromLogits = fromLogits
    this.labelSmoothing = labelSmoothing
    this.axis = axis
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: this.axis }
  }
}

/** Binary focal cross-entropy. @example `new BinaryFocalCrossentropy({ gamma: 2, applyClassBalancing: true }).apply(yTrue, yPred)` */
export class BinaryFocalCrossentropy extends LossFunctionWrapper {
  readonly fromLogits: boolean
  readonly labelSmoothing: number
  readonly axis: number
  readonly applyClassBalancing: boolean
  readonly alpha: number
  readonly gamma: number
  constructor(args: CrossentropyArgs & { applyClassBalancing?: boolean; alpha?: number; gamma?: number } = {}) {
    const { applyClassBalancing = false, alpha = 0.25, gamma = 2, fromLogits = false, labelSmoothing = 0, axis = -1, ...rest } = args
    super(wrap(F.binaryFocalCrossentropy), {
      name: 'binary_focal_crossentropy', ...rest, fnOptions: { applyClassBalancing, alpha, gamma, fromLogits, labelSmoothing, axis },
    })
    this.fromLogits = fromLogits
    this.labelSmoothing = labelSmoothing
    this.axis = axis
    this.applyClassBalancing = applyClassBalancing
    this.alpha = alpha
    this.gamma = gamma
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: this.axis,
      apply_class_balancing: this.applyClassBalancing, alpha: this.alpha, gamma: this.gamma,
    }
  }
}

/**
 * Categorical cross-entropy over one-hot targets, from probabilities or logits, with label smoothing.
 *
 * @example
 * ```ts
 * new CategoricalCrossentropy().apply([[0, 1, 0]], [[0.05, 0.95, 0]]) // 0.0513
 * ```
 */
export class CategoricalCrossentropy extends LossFunctionWrapper {
  readonly fromLogits: boolean
  readonly labelSmoothing: number
  readonly axis: number
  constructor(args: CrossentropyArgs = {}) {
    const { fromLogits = false, labelSmoothing = 0, axis = -1, ...rest } = args
    super(wrap(F.categoricalCrossentropy), { name: 'categorical_crossentropy', ...rest, fnOptions: { fromLogits, labelSmoothing, axis } })
    this.fromLogits = fromLogits
    this.labelSmoothing = labelSmoothing
    this.axis = axis
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: this.axis }
  }
}

/** Categorical focal cross-entropy. @example `new CategoricalFocalCrossentropy({ alpha: 0.25, gamma: 2 }).apply(yTrue, yPred)` */
export class CategoricalFocalCrossentropy extends LossFunctionWrapper {
  readonly fromLogits: boolean
  readonly labelSmoothing: number
  readonly axis: number
  readonly alpha: number
  readonly gamma: number
  constructor(args: CrossentropyArgs & { alpha?: number; gamma?: number } = {}) {
    const { alpha = 0.25, gamma = 2, fromLogits = false, labelSmoothing = 0, axis = -1, ...rest } = args
    super(wrap(F.categoricalFocalCrossentropy), {
      name: 'categorical_focal_crossentropy', ...rest, fnOptions: { alpha, gamma, fromLogits, labelSmoothing, axis },
    })
    this.fromLogits = fromLogits
    this.labelSmoothing = labelSmoothing
    this.axis = axis
    this.alpha = alpha
    this.gamma = gamma
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: this.axis, alpha: this.alpha, gamma: this.gamma }
  }
}

/**
 * Sparse categorical cross-entropy over integer targets; `ignoreClass` targets are masked out.
 *
 * @example
 * ```ts
 * new SparseCategoricalCrossentropy({ fromLogits: true }).apply([1, 2], logits)
 * ```
 */
export class SparseCategoricalCrossentropy extends LossFunctionWrapper {
  readonly fromLogits: boolean
  readonly ignoreClass: number | null
  readonly axis: number
  constructor(args: LossArgs & { fromLogits?: boolean; ignoreClass?: number | null; axis?: number } = {}) {
    const { fromLogits = false, ignoreClass = null, axis = -1, ...rest } = args
    super(wrap(F.sparseCategoricalCrossentropy), { name: 'sparse_categorical_crossentropy', ...rest, fnOptions: { fromLogits, ignoreClass, axis } })
    this.fromLogits = fromLogits
    this.ignoreClass = ignoreClass
    this.axis = axis
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), from_logits: this.fromLogits, ignore_class: this.ignoreClass }
  }
}

/** Connectionist temporal classification loss. @example `new CTC().apply(labels, logits)` */
export class CTC extends LossFunctionWrapper {
  constructor(args: LossArgs = {}) { super(wrap(F.ctc), { name: 'ctc', ...args }) }
}

/** Dice loss. @example `new Dice({ axis: [1, 2] }).apply(yTrue, yPred)` */
export class Dice extends LossFunctionWrapper {
  readonly axis: number | number[] | null
  constructor(args: LossArgs & { axis?: number | number[] | null } = {}) {
    const { axis = null, ...rest } = args
    super(wrap(F.dice), { name: 'dice', ...rest, fnOptions: { axis } })
    this.axis = axis
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), axis: this.axis } }
}

/** Tversky loss. @example `new Tversky({ alpha: 0.3, beta: 0.7 }).apply(yTrue, yPred)` */
export class Tversky extends LossFunctionWrapper {
  readonly alpha: number
  readonly beta: number
  readonly axis: number | number[] | null
  constructor(args: LossArgs & { alpha?: number; beta?: number; axis?: number | number[] | null } = {}) {
    const { alpha = 0.5, beta = 0.5, axis = null, ...rest } = args
    super(wrap(F.tversky), { name: 'tversky', ...rest, fnOptions: { alpha, beta, axis } })
    this.alpha = alpha
    this.beta = beta
    this.axis = axis
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), alpha: this.alpha, beta: this.beta, axis: this.axis } }
}

/** Circle loss for metric learning. @example `new Circle({ gamma: 80, margin: 0.4 }).apply(labels, embeddings)` */
export class Circle extends LossFunctionWrapper {
  readonly gamma: number
  readonly margin: number
  readonly removeDiagonal: boolean
  constructor(args: LossArgs & { gamma?: number; margin?: number; removeDiagonal?: boolean } = {}) {
    const { gamma = 80, margin = 0.4, removeDiagonal = true, ...rest } = args
    super(wrap(F.circle), { name: 'circle', ...rest, fnOptions: { gamma, margin, removeDiagonal } })
    this.gamma = gamma
    this.margin = margin
    this.removeDiagonal = removeDiagonal
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), gamma: this.gamma, margin: this.margin, remove_diagonal: this.removeDiagonal }
  }
}

/** Generalized cross-entropy (noise-robust). @example `new CategoricalGeneralizedCrossEntropy({ q: 0.5 }).apply([1], [[0.3, 0.7]])` */
export class CategoricalGeneralizedCrossEntropy extends LossFunctionWrapper {
  readonly q: number
  constructor(args: LossArgs & { q?: number } = {}) {
    const { q = 0.5, ...rest } = args
    if (!(q > 0 && q < 1)) throw new InvalidArgumentError(`\`q\` must be in the interval (0, 1). Received: q=${fmt(q)}`)
    super(wrap(F.categoricalGeneralizedCrossEntropy), { name: 'categorical_generalized_cross_entropy', ...rest, fnOptions: { q } })
    this.q = q
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), q: this.q } }
}
