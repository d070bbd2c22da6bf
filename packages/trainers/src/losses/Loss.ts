/** @file Loss base class and Keras's reduction of weighted, masked per-sample losses. */
import { InvalidArgumentError, Tensor, fmt, floatx, type DType } from '@kx/core'
import * as ops from '@kx/ops-numpy'
import { getKerasMask } from '@kx/layers'

/** Keras's loss reductions. */
export type Reduction = 'sum_over_batch_size' | 'sum' | 'mean' | 'mean_with_sample_weight' | 'none' | null

const REDUCTIONS: readonly (string | null)[] = ['sum_over_batch_size', 'sum', 'mean', 'mean_with_sample_weight', 'none', null]

/** Options shared by every loss (Keras `Loss.__init__`). */
export interface LossArgs {
  readonly name?: string
  readonly reduction?: Reduction
  readonly dtype?: DType
}

/**
 * Base class of losses. Subclasses implement `call(yTrue, yPred)` returning per-sample losses;
 * `apply` converts inputs, merges masks and sample weights and reduces, exactly like Keras.
 *
 * @example
 * ```ts
 * const mse = new MeanSquaredError()
 * const loss = mse.apply(yTrue, yPred) // scalar
 * ```
 */
export abstract class Loss {
  readonly name: string
  readonly reduction: Reduction
  readonly dtype: DType
  constructor(args: LossArgs = {}) {
    const reduction = args.reduction === undefined ? 'sum_over_batch_size' : args.reduction
    if (!REDUCTIONS.includes(reduction)) {
      throw new InvalidArgumentError(`Invalid value for argument \`reduction\`. Expected one of ${REDUCTIONS.filter(Boolean).join(', ')}. Received: reduction=${fmt(reduction)}`)
    }
    this.reduction = reduction
    this.name = args.name ?? defaultLossName(new.target.name)
    this.dtype = args.dtype ?? floatx()
  }

  /** Per-sample losses (before reduction). */
  abstract call(yTrue: Tensor, yPred: Tensor): Tensor

  /** Computes the reduced loss (Keras `Loss.__call__`). */
  apply(yTrue: unknown, yPred: unknown, sampleWeight?: unknown): Tensor {
    const inMask = yPred instanceof Tensor ? (getKerasMask(yPred) as Tensor | undefined) : undefined
    const pred = ops.convertToTensor(yPred as never, this.dtype)
    const truth = ops.convertToTensor(yTrue as never, this.dtype)
    const losses = this.call(truth, pred)
    const outMask = getKerasMask(losses) as Tensor | undefined
    const mask = inMask && outMask ? ops.logicalAnd(inMask, outMask) : (inMask ?? outMask)
    return reduceWeightedValues(losses, { sampleWeight, mask, reduction: this.reduction, dtype: this.dtype })
  }

  getConfig(): Record<string, unknown> { return { name: this.name, reduction: this.reduction } }
}

function defaultLossName(className: string): string {
  return className.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
}

/**
 * Keras's `squeeze_or_expand_to_same_rank`: when ranks differ by one and the longer has a trailing
 * 1-dim, squeeze it, except that a rank-1 partner is expanded instead (`expandRank1`, default true).
 */
export function squeezeOrExpandToSameRank(x1: Tensor, x2: Tensor, expandRank1 = true): [Tensor, Tensor] {
  const r1 = x1.shape.length
  const r2 = x2.shape.length
  if (r1 === r2) return [x1, x2]
  if (r1 === r2 + 1 && x1.shape[r1 - 1] === 1) {
    return r2 === 1 && expandRank1 ? [x1, ops.expandDims(x2, -1)] : [ops.squeeze(x1, { axis: -1 }), x2]
  }
  if (r2 === r1 + 1 && x2.shape[r2 - 1] === 1) {
    return r1 === 1 && expandRank1 ? [ops.expandDims(x1, -1), x2] : [x1, ops.squeeze(x2, { axis: -1 })]
  }
  return [x1, x2]
}

/** Keras's `apply_mask`: merges a mask into the sample weights (rescaled so masked means are means over valid entries). */
export function applyMask(sampleWeight: Tensor | undefined, mask: Tensor | undefined, dtype: DType, reduction: Reduction): Tensor | undefined {
  if (!mask) return sampleWeight
  let m: Tensor
  if (reduction === 'mean' || reduction === 'sum_over_batch_size') {
    const valid = ops.sum(ops.cast(mask, dtype))
    const weight = ops.divideNoNan(ops.cast(mask.size, dtype), valid)
    m = ops.where(ops.cast(mask, 'bool'), weight, ops.cast(0, dtype))
  } else {
    m = ops.cast(mask, dtype)
  }
  if (!sampleWeight) return m
  const [mm, sw] = squeezeOrExpandToSameRank(m, ops.cast(sampleWeight, dtype))
  return ops.multiply(sw, mm)
}

/** Keras's `reduce_values`. */
function reduceValues(values: Tensor, sampleWeight: Tensor | undefined, reduction: Reduction): Tensor {
  if (reduction === null || reduction === 'none' || values.shape.length === 0 || (values.shape.length === 1 && values.shape[0] === 0)) return values
  let loss = ops.sum(values)
  if (reduction === 'sum_over_batch_size' || reduction === 'mean' || reduction === 'mean_with_sample_weight') {
    const divisor = reduction === 'mean_with_sample_weight' && sampleWeight ? ops.cast(ops.sum(sampleWeight), loss.dtype) : values.size
    loss = ops.divideNoNan(loss, divisor)
  }
  return loss
}

/**
 * Keras's `reduce_weighted_values`: applies mask and sample weight, then the reduction.
 */
export function reduceWeightedValues(
  values: Tensor,
  options: { sampleWeight?: unknown; mask?: Tensor | undefined; reduction?: Reduction; dtype?: DType } = {},
): Tensor {
  const reduction = options.reduction === undefined ? 'sum_over_batch_size' : options.reduction
  const dtype = options.dtype ?? floatx()
  let v = ops.cast(values, dtype)
  let sw = options.sampleWeight === undefined || options.sampleWeight === null ? undefined : ops.convertToTensor(options.sampleWeight as never, dtype)
  sw = applyMask(sw, options.mask, dtype, reduction)
  if (sw) {
    let s = ops.cast(sw, v.dtype)
    ;[v, s] = squeezeOrExpandToSameRank(v, s)
    v = ops.multiply(v, s)
    sw = s
  }
  return reduceValues(v, sw, reduction)
}

/** Wraps a loss function `(yTrue, yPred, options) => perSample` as a Loss (Keras `LossFunctionWrapper`). */
export class LossFunctionWrapper extends Loss {
  readonly fn: (yTrue: Tensor, yPred: Tensor, options: Record<string, unknown>) => Tensor
  readonly fnOptions: Record<string, unknown>
  constructor(fn: (yTrue: Tensor, yPred: Tensor, options: Record<string, unknown>) => Tensor, args: LossArgs & { fnOptions?: Record<string, unknown> } = {}) {
    super(args)
    this.fn = fn
    this.fnOptions = args.fnOptions ?? {}
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred)
    return this.fn(t, p, this.fnOptions)
  }
}
