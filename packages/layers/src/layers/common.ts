/**
 * @file Shared argument handling of the layer zoo: resolving initializer / regularizer /
 * constraint / activation identifiers, serializing them back into Keras's config keys, the
 * activity-regularizer loss, and tuple arguments (`padding`, `cropping`, `size`).
 */
import { InvalidArgumentError, Tensor, fmt, imageDataFormat, treeFlatten, type DType } from '@kx/core'
import type { Layer, LayerArgs } from '../engine/Layer.js'
import { Initializer } from '../initializers/Initializer.js'
import { getRequired, serializeArg, type InitializerFn, type InitializerIdentifier } from '../initializers/registry.js'
import { get as getRegularizer, serializeOptional as serializeRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers/regularizers.js'
import { get as getConstraint, serializeOptional as serializeConstraint, type Constraint, type ConstraintIdentifier } from '../constraints/constraints.js'
import { divide, multiply } from '@kx/ops-numpy'

export type { InitializerIdentifier, RegularizerIdentifier, ConstraintIdentifier }

/** Layer options every zoo layer with outputs accepts beside the base ones. */
export interface ZooLayerArgs extends LayerArgs {
  /** A regularizer applied to the layer's outputs (Keras `activity_regularizer`). */
  readonly activityRegularizer?: RegularizerIdentifier
}

/** An initializer argument resolved to something `addWeight` accepts. */
export type InitializerLike = Initializer | InitializerFn

export function initializerArg(value: InitializerIdentifier, fallback: string, name: string): InitializerLike {
  return getRequired(value === undefined ? fallback : value, name)
}
export function regularizerArg(value: RegularizerIdentifier): Regularizer | null { return getRegularizer(value) }
export function constraintArg(value: ConstraintIdentifier): Constraint | null { return getConstraint(value) }
export { serializeArg as serializeInitializer, serializeRegularizer, serializeConstraint }

/**
 * Adds `activityRegularizer(output) / batch` to the layer's losses for each concrete output (Keras
 * records it in `__call__`; symbolic calls record nothing).
 */
export function addActivityLoss(layer: Layer, regularizer: Regularizer | null, outputs: unknown): void {
  if (!regularizer) return
  const [flat] = treeFlatten(outputs, (v): v is Tensor => v instanceof Tensor)
  for (const out of flat as Tensor[]) {
    if (out.isSymbolic) continue
    let loss = regularizer.apply(out)
    if (out.shape.length > 0) {
      const batch = out.shape[0] as number
      loss = batch === 0 ? multiply(loss, 0) : divide(loss, batch)
    }
    layer.addLoss(loss)
  }
}

/** The base config's `activity_regularizer` key, present only when set (as in Keras). */
export function activityConfig(regularizer: Regularizer | null): Record<string, unknown> {
  return regularizer ? { activity_regularizer: serializeRegularizer(regularizer) } : {}
}

/** An integer or a tuple of `n` integers (Keras `standardize_tuple`). */
export function standardizeTuple(value: number | readonly number[], n: number, name: string, allowZero = true): number[] {
  const arr = typeof value === 'number' ? Array.from({ length: n }, () => value) : [...value]
  if (arr.length !== n || arr.some((v) => !Number.isInteger(v) || v < (allowZero ? 0 : 1))) {
    throw new InvalidArgumentError(`The \`${name}\` argument must be a tuple of ${n} integers. Received ${name}=${fmt(value)}`)
  }
  return arr
}

/** `'channels_last'` / `'channels_first'`, defaulting to the configured image data format. */
export function dataFormatArg(value: string | null | undefined): 'channels_last' | 'channels_first' {
  const v = (value ?? imageDataFormat()).toLowerCase()
  if (v !== 'channels_last' && v !== 'channels_first') {
    throw new InvalidArgumentError(`The \`data_format\` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=${fmt(value)}`)
  }
  return v
}

/** A rate in [0, 1]. */
export function rateArg(rate: unknown, layer: string, inclusive = false): number {
  if (typeof rate !== 'number' || !(rate >= 0) || (inclusive ? rate > 1 : rate > 1)) {
    throw new InvalidArgumentError(`Invalid value received for argument \`rate\`. Expected a float value between 0 and 1. Received: rate=${fmt(rate)} (layer ${layer})`)
  }
  return rate
}

/** The variable dtype to create integer-indexed weights with. @internal */
export function weightDtype(layer: Layer): DType { return layer.variableDtype }
