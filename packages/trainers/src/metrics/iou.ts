/**
 * @file IoU metrics (`keras.metrics.IoU`, `BinaryIoU`, `MeanIoU`, `OneHotIoU`, `OneHotMeanIoU`): a
 * class confusion matrix accumulated by one scatter-add per update.
 */
import { InvalidArgumentError, epsilon, fmt, lax, tidy, type DType, type Tensor, type Variable } from '@kx/core'
import * as ops from '@kx/ops-numpy'
import { Metric, type MetricArgs } from './Metric.js'

/** Options shared by the IoU metrics. */
export interface IoUArgs extends MetricArgs {
  readonly numClasses: number
  readonly ignoreClass?: number | null
  readonly sparseYTrue?: boolean
  readonly sparseYPred?: boolean
  readonly axis?: number
}

/**
 * Intersection-over-union for `targetClassIds`, averaged over those with a non-empty union.
 *
 * @example
 * ```ts
 * new IoU({ numClasses: 2, targetClassIds: [0] }).apply([0, 0, 1, 1], [0, 1, 0, 1]) // 0.3333
 * ```
 */
export class IoU extends Metric {
  readonly numClasses: number
  readonly targetClassIds: number[]
  readonly ignoreClass: number | null
  readonly sparseYTrue: boolean
  readonly sparseYPred: boolean
  readonly axis: number
  readonly totalCm: Variable
  constructor(args: IoUArgs & { targetClassIds: readonly number[] }) {
    const { numClasses, targetClassIds, ignoreClass = null, sparseYTrue = true, sparseYPred = true, axis = -1, dtype, ...rest } = args
    // NOTE: Keras's IoU metrics count in an integer dtype unless one is given.
    super({ name: 'io_u', ...rest, dtype: (dtype ?? 'int32') as DType })
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new InvalidArgumentError(`\`num_classes\` must be a positive integer. Received: num_classes=${fmt(numClasses)}`)
    if (!Array.isArray(targetClassIds) || targetClassIds.length === 0) throw new InvalidArgumentError(`\`target_class_ids\` must be a non-empty list of class ids. Received: target_class_ids=${fmt(targetClassIds)}`)
    if (Math.max(...targetClassIds) >= numClasses) {
      throw new InvalidArgumentError(`Target class id ${Math.max(...targetClassIds)} is out of range, which is [0, ${numClasses}). Received: target_class_ids=${fmt(targetClassIds)}`)
    }
    this.numClasses = numClasses
    this.targetClassIds = [...targetClassIds]
    this.ignoreClass = ignoreClass
    this.sparseYTrue = sparseYTrue
    this.sparseYPred = sparseYPred
    this.axis = axis
    this.totalCm = this.addVariable([numClasses, numClasses], { name: 'total_confusion_matrix' })
  }
  updateState(yTrue: unknown, yPred?: unknown, sampleWeight?: unknown): void {
    tidy(() => {
      let t = ops.convertToTensor(yTrue as never)
      let p = ops.convertToTensor(yPred as never)
      if (!this.sparseYTrue) t = ops.argmax(t, { axis: this.axis })
      if (!this.sparseYPred) p = ops.argmax(p, { axis: this.axis })
      t = ops.reshape(ops.cast(t, this.dtype), [-1])
      p = ops.reshape(ops.cast(p, this.dtype), [-1])
      let w = ops.convertToTensor((sampleWeight ?? 1) as never, this.dtype)
      if (w.shape.length > 1) w = ops.reshape(w, [-1])
      w = ops.broadcastTo(w, t.shape)
      const C = this.numClasses
      let inBounds = ops.logicalAnd(ops.logicalAnd(ops.greaterEqual(t, 0), ops.less(t, C)), ops.logicalAnd(ops.greaterEqual(p, 0), ops.less(p, C)))
      if (this.ignoreClass !== null) inBounds = ops.logicalAnd(inBounds, ops.notEqual(t, this.ignoreClass))
      const ti = ops.cast(ops.where(inBounds, t, 0), 'int32')
      const pi = ops.cast(ops.where(inBounds, p, 0), 'int32')
      w = ops.cast(ops.where(inBounds, w, 0), this.dtype)
      const flat = ops.add(ops.multiply(ti, C), pi)
      const cm = lax.scatterAdd(ops.zeros([C * C], { dtype: this.dtype }), flat, w, 0)
      this.totalCm.assignAdd(ops.reshape(cm, [C, C]))
    })
  }
  result(): Tensor {
    return tidy(() => {
      const cm = this.totalCm.value
      const C = this.numClasses
      const rowSum = ops.cast(ops.sum(cm, { axis: 0 }), 'float32')
      const colSum = ops.cast(ops.sum(cm, { axis: 1 }), 'float32')
      const tp = ops.cast(ops.sum(ops.multiply(cm, ops.eye(C, { dtype: cm.dtype })), { axis: 1 }), 'float32')
      const ids = ops.convertToTensor(this.targetClassIds, 'int32')
      const tpT = ops.take(tp, ids)
      const denom = ops.take(ops.subtract(ops.add(rowSum, colSum), tp), ids)
      const valid = ops.greater(denom, 1e-9)
      const nValid = ops.sum(ops.cast(valid, 'float32'))
      const iou = ops.where(valid, ops.divide(tpT, ops.add(denom, epsilon())), 0)
      return ops.divide(ops.sum(iou, { axis: this.axis }), ops.add(nValid, epsilon()))
    })
  }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), num_classes: this.numClasses, target_class_ids: this.targetClassIds, ignore_class: this.ignoreClass,
      sparse_y_true: this.sparseYTrue, sparse_y_pred: this.sparseYPred, axis: this.axis,
    }
  }
}

/** IoU of binary predictions thresholded at `threshold`. @example `new BinaryIoU({ targetClassIds: [0, 1], threshold: 0.3 })` */
export class BinaryIoU extends IoU {
  readonly threshold: number
  constructor(args: MetricArgs & { targetClassIds?: readonly number[]; threshold?: number } = {}) {
    const { targetClassIds = [0, 1], threshold = 0.5, ...rest } = args
    super({ name: 'binary_io_u', ...rest, numClasses: 2, targetClassIds })
    this.threshold = threshold
  }
  override updateState(yTrue: unknown, yPred?: unknown, sampleWeight?: unknown): void {
    tidy(() => {
      const p = ops.cast(ops.greaterEqual(ops.convertToTensor(yPred as never, 'float32'), this.threshold), this.dtype)
      super.updateState(ops.convertToTensor(yTrue as never, this.dtype), p, sampleWeight)
    })
  }
  override getConfig(): Record<string, unknown> {
    return { target_class_ids: this.targetClassIds, threshold: this.threshold, name: this.name, dtype: this.dtype }
  }
}

/** Mean IoU over all classes. @example `new MeanIoU({ numClasses: 2 }).apply([0, 0, 1, 1], [0, 1, 0, 1]) // 0.3333` */
export class MeanIoU extends IoU {
  constructor(args: IoUArgs) {
    super({ name: 'mean_io_u', ...args, targetClassIds: Array.from({ length: args.numClasses }, (_, i) => i) })
  }
  override getConfig(): Record<string, unknown> {
    return {
      num_classes: this.numClasses, name: this.name, dtype: this.dtype, ignore_class: this.ignoreClass,
      sparse_y_true: this.sparseYTrue, sparse_y_pred: this.sparseYPred, axis: this.axis,
    }
  }
}

/** IoU over one-hot targets (and scores) for `targetClassIds`. @example `new OneHotIoU({ numClasses: 3, targetClassIds: [0, 2] })` */
export class OneHotIoU extends IoU {
  constructor(args: Omit<IoUArgs, 'sparseYTrue'> & { targetClassIds: readonly number[] }) {
    super({ name: 'one_hot_io_u', sparseYPred: false, ...args, sparseYTrue: false })
  }
  override getConfig(): Record<string, unknown> {
    return {
      num_classes: this.numClasses, target_class_ids: this.targetClassIds, name: this.name, dtype: this.dtype,
      ignore_class: this.ignoreClass, sparse_y_pred: this.sparseYPred, axis: this.axis,
    }
  }
}

/** Mean IoU over one-hot targets. @example `new OneHotMeanIoU({ numClasses: 3 })` */
export class OneHotMeanIoU extends MeanIoU {
  constructor(args: Omit<IoUArgs, 'sparseYTrue'>) {
    super({ name: 'one_hot_mean_io_u', sparseYPred: false, ...args, sparseYTrue: false })
  }
  override getConfig(): Record<string, unknown> {
    return { num_classes: this.numClasses, name: this.name, dtype: this.dtype, ignore_class: this.ignoreClass, sparse_y_pred: this.sparseYPred, axis: this.axis }
  }
}
