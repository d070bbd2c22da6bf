/**
 * @file Shared argument handling of the layer zoo: resolving initializer / regularizer /
 * constraint / activation identifiers, serializing them back into Keras's config keys, tuple arguments (`padding`, `cropping`, `size`), and the kernel / bias
 * (and LoRA) weights and config keys of Dense, EinsumDense, the convolutions and the attention layers.
 */
import { InvalidArgumentError, Tensor, fmt, imageDataFormat, type DType, type FusedActivation, type Variable } from '@kx/core'
import type { Layer, LayerArgs } from '../engine/Layer.js'
import { Initializer } from '../initializers/Initializer.js'
import { getRequired, serializeArg, type InitializerFn, type InitializerIdentifier } from '../initializers/registry.js'
import type { Regularizer, RegularizerIdentifier } from '../regularizers/regularizers.js'
import type { Constraint, ConstraintIdentifier } from '../constraints/constraints.js'
import { getConstraintHooks, getRegularizerHooks } from '../engine/hooks.js'
import type { KerasEnvelope } from '../engine/serialization.js'
import { add, cast, matmul, multiply, reshape } from '@kx/ops-numpy'
import { serialize as serializeActivation, type ActivationFn } from '../activations/activations.js'

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
// NOTE: regularizers and constraints are resolved through hooks that their modules install, not imported: most
// models have none, and an import would put them (and the ops they use) into every bundle. The package root
// installs both; the `@kx/layers/saving` loaders import them when a config names one.
function hooksFor<T>(hooks: T | undefined, kind: 'regularizer' | 'constraint', value: unknown): T {
  if (hooks) return hooks
  throw new InvalidArgumentError(`Resolving a ${kind} needs the ${kind}s module: import \`${kind}s\` (or anything) from the @kx/layers package root, or load the model with a @kx/layers/saving loader. Received: ${kind}=${fmt(value)}`)
}
export function regularizerArg(value: RegularizerIdentifier): Regularizer | null {
  return value === null || value === undefined ? null : hooksFor(getRegularizerHooks(), 'regularizer', value).get(value) as Regularizer | null
}
export function constraintArg(value: ConstraintIdentifier): Constraint | null {
  return value === null || value === undefined ? null : hooksFor(getConstraintHooks(), 'constraint', value).get(value) as Constraint | null
}
/** Serializes an optional regularizer argument (null stays null). */
export function serializeRegularizer(r: Regularizer | null): KerasEnvelope | null {
  return r ? hooksFor(getRegularizerHooks(), 'regularizer', r).serialize(r) as KerasEnvelope : null
}
/** Serializes an optional constraint argument (null stays null). */
export function serializeConstraint(c: Constraint | null): KerasEnvelope | null {
  return c ? hooksFor(getConstraintHooks(), 'constraint', c).serialize(c) as KerasEnvelope : null
}
export { serializeArg as serializeInitializer }

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

/** The bias initializer, regularizer and constraint options of Keras's layers with a bias. */
export interface BiasArgs extends ZooLayerArgs {
  readonly biasInitializer?: InitializerIdentifier
  readonly biasRegularizer?: RegularizerIdentifier
  readonly biasConstraint?: ConstraintIdentifier
}

/** The kernel and bias initializer, regularizer and constraint options of Keras's weighted layers. */
export interface KernelBiasArgs extends BiasArgs {
  readonly kernelInitializer?: InitializerIdentifier
  readonly kernelRegularizer?: RegularizerIdentifier
  readonly kernelConstraint?: ConstraintIdentifier
}

/** `KernelBiasArgs` resolved, with the activity regularizer. */
export interface KernelBiasFields {
  readonly kernelInitializer: InitializerLike
  readonly biasInitializer: InitializerLike
  readonly kernelRegularizer: Regularizer | null
  readonly biasRegularizer: Regularizer | null
  readonly activityRegularizer: Regularizer | null
  readonly kernelConstraint: Constraint | null
  readonly biasConstraint: Constraint | null
}

/** Resolves the kernel / bias / activity options (defaults `glorot_uniform` and `zeros`, as in Keras). */
export function kernelBiasArgs(args: KernelBiasArgs): KernelBiasFields {
  return {
    kernelInitializer: initializerArg(args.kernelInitializer, 'glorot_uniform', 'kernel_initializer'),
    biasInitializer: initializerArg(args.biasInitializer, 'zeros', 'bias_initializer'),
    kernelRegularizer: regularizerArg(args.kernelRegularizer),
    biasRegularizer: regularizerArg(args.biasRegularizer),
    activityRegularizer: regularizerArg(args.activityRegularizer),
    kernelConstraint: constraintArg(args.kernelConstraint),
    biasConstraint: constraintArg(args.biasConstraint),
  }
}

/** Keras's `kernel_*` / `bias_*` config keys in its order; `activity_regularizer` sits between them unless `withActivity` is false. */
export function kernelBiasConfig(f: KernelBiasFields, withActivity = true): Record<string, unknown> {
  return {
    kernel_initializer: serializeArg(f.kernelInitializer),
    bias_initializer: serializeArg(f.biasInitializer),
    kernel_regularizer: serializeRegularizer(f.kernelRegularizer),
    bias_regularizer: serializeRegularizer(f.biasRegularizer),
    ...(withActivity ? { activity_regularizer: serializeRegularizer(f.activityRegularizer) } : {}),
    kernel_constraint: serializeConstraint(f.kernelConstraint),
    bias_constraint: serializeConstraint(f.biasConstraint),
  }
}

/** Where and how `addKernelAndBias` creates the weights. */
export interface KernelBiasShapes {
  readonly kernelShape: number[]
  /** null: no bias. */
  readonly biasShape: number[] | null
  /** Overrides the layer's kernel initializer (e.g. one with einsum fan axes). */
  readonly kernelInitializer?: InitializerLike
  readonly trainable?: boolean
}

/** Adds the `kernel` weight, then (when `biasShape` is set) the `bias` weight, with the layer's options. */
export function addKernelAndBias(layer: Layer & KernelBiasFields, o: KernelBiasShapes): [Variable, Variable | null] {
  const kernel = layer.addWeight({
    name: 'kernel', shape: o.kernelShape, initializer: o.kernelInitializer ?? layer.kernelInitializer,
    regularizer: layer.kernelRegularizer, constraint: layer.kernelConstraint, ...(o.trainable === undefined ? {} : { trainable: o.trainable }),
  })
  const bias = o.biasShape
    ? layer.addWeight({ name: 'bias', shape: o.biasShape, initializer: layer.biasInitializer, regularizer: layer.biasRegularizer, constraint: layer.biasConstraint })
    : null
  return [kernel, bias]
}

/** The message of Keras's LoRA / kernel-constraint conflict. */
export const LORA_CONSTRAINT_MESSAGE = 'Lora is incompatible with kernel constraints. In order to enable lora on this layer, remove the `kernel_constraint` argument.'


/** The LoRA state of a layer with a (possibly LoRA-adapted) kernel. */
export interface LoraFields {
  loraRank: number | null
  loraAlpha: number | null
  loraEnabled: boolean
  readonly kernelVar: Variable
  loraKernelA: Variable | null
  loraKernelB: Variable | null
}

/**
 * Adds the float32 LoRA factors A (he_uniform) and B (zeros), regularized like the kernel, and records
 * the rank and alpha (default: the rank) on the layer (Keras `enable_lora`).
 */
export function addLora(layer: Layer & LoraFields & KernelBiasFields, rank: number, loraAlpha: number | null, aShape: number[], bShape: number[]): void {
  const regularizer = layer.kernelRegularizer
  layer.loraKernelA = layer.addWeight({ name: 'lora_kernel_a', shape: aShape, initializer: getRequired('he_uniform', 'a_initializer'), dtype: 'float32', regularizer })
  layer.loraKernelB = layer.addWeight({ name: 'lora_kernel_b', shape: bShape, initializer: getRequired('zeros', 'b_initializer'), dtype: 'float32', regularizer })
  layer.loraEnabled = true
  layer.loraRank = rank
  layer.loraAlpha = loraAlpha ?? rank
}

/** Keras `enable_lora`'s checks: the layer is built and LoRA is not on yet. */
export function checkCanEnableLora(layer: Layer & LoraFields): void {
  if (!layer.built) throw new InvalidArgumentError("Cannot enable lora on a layer that isn't yet built.")
  if (layer.loraEnabled) throw new InvalidArgumentError('lora is already enabled. This can only be done once per layer.')
}

/** The kernel with the LoRA delta `(alpha / rank) · A · B` (reshaped to the kernel's shape) merged in when enabled. */
export function loraKernel(layer: Layer & LoraFields): Tensor {
  const k = layer.kernelVar.value
  if (!layer.loraEnabled) return k
  const delta = multiply(matmul(layer.loraKernelA!.value, layer.loraKernelB!.value), (layer.loraAlpha as number) / (layer.loraRank as number))
  const same = delta.shape.length === k.shape.length && delta.shape.every((d, i) => d === k.shape[i])
  return cast(add(k, same ? delta : reshape(delta, k.shape as number[])), layer.computeDtype)
}

/** Keras's `lora_rank` / `lora_alpha` config keys, present only when a rank is set. */
export function loraConfig(rank: number | null, alpha: number | null): Record<string, unknown> {
  return rank ? { lora_rank: rank, lora_alpha: alpha } : {}
}

/** The `KernelBiasFields` of a layer (e.g. to hand on to sub-layers). */
export function kernelBiasOf(f: KernelBiasFields): KernelBiasFields {
  return {
    kernelInitializer: f.kernelInitializer, biasInitializer: f.biasInitializer, kernelRegularizer: f.kernelRegularizer, biasRegularizer: f.biasRegularizer,
    activityRegularizer: f.activityRegularizer, kernelConstraint: f.kernelConstraint, biasConstraint: f.biasConstraint,
  }
}

const FUSABLE = new Set<string>(['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'elu', 'leaky_relu'])

/** The name ops-nn's fused entry points (`convBiasAct`, `matmulBiasAct`) give a built-in activation, or null. @internal */
export function fusedActivationOf(fn: ActivationFn): FusedActivation | null {
  try {
    const name = serializeActivation(fn)
    return typeof name === 'string' && FUSABLE.has(name) ? (name as FusedActivation) : null
  } catch {
    return null
  }
}
