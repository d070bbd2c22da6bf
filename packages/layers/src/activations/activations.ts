/**
 * @file `keras.activations`: the 30 activation functions (camelCased, extra arguments in an options
 * object) and the registry behind `get` / `serialize` / `deserialize`. Built-in activations
 * serialize as their Keras name (a plain string); custom functions registered by name serialize as
 * Keras's `{"class_name": "function", ...}` envelope.
 */
import { FileFormatError, InvalidArgumentError, fmt, lax, type Tensor } from '@kx/core'
import * as nn from '@kx/ops-nn'
import { sanitize } from '../engine/serialization.js'
import { add, clip, greater, multiply, negative, subtract, where } from '@kx/ops-numpy'

/** An activation function: one tensor in, one tensor out. */
export type ActivationFn = (x: Tensor) => Tensor

/** Options of `relu` (Keras `keras.activations.relu`). */
export interface ReluOptions {
  /** Slope below the threshold (default 0). */
  readonly negativeSlope?: number
  /** Saturation value (default none). */
  readonly maxValue?: number | null
  /** Values below it are damped or zeroed (default 0). */
  readonly threshold?: number
}

/**
 * Rectified linear unit with Keras's options: `max(x, 0)`, or with `negativeSlope`, `maxValue`,
 * `threshold`: `x` above the threshold (clipped at `maxValue`), `negativeSlope · (x − threshold)` below.
 *
 * @example
 * ```ts
 * relu(x, { negativeSlope: 0.1, maxValue: 6 })
 * ```
 */
export function relu(x: Tensor, options: ReluOptions = {}): Tensor {
  const slope = options.negativeSlope ?? 0
  const maxValue = options.maxValue ?? null
  const th = options.threshold ?? 0
  if (slope !== 0 && maxValue === null && th === 0) return nn.leakyRelu(x, { negativeSlope: slope })
  let negativePart: Tensor | null = null
  if (slope !== 0) negativePart = th !== 0 ? nn.relu(add(negative(x), th)) : nn.relu(negative(x))
  let clipMax = maxValue !== null
  let y: Tensor
  if (th !== 0) y = where(greater(x, th), x, 0)
  else if (maxValue === 6) { y = nn.relu6(x); clipMax = false }
  else y = nn.relu(x)
  if (clipMax) y = clip(y, 0, maxValue as number)
  if (negativePart) y = subtract(y, multiply(negativePart, slope))
  return y
}

/** Leaky ReLU, `x` if positive else `negativeSlope · x` (default 0.2). @example `leakyRelu(x, { negativeSlope: 0.1 })` */
export function leakyRelu(x: Tensor, options: { negativeSlope?: number } = {}): Tensor { return nn.leakyRelu(x, { negativeSlope: options.negativeSlope ?? 0.2 }) }
/** `min(max(x, 0), 6)`. @example `relu6(x)` */
export function relu6(x: Tensor): Tensor { return nn.relu6(x) }
/** Softmax over `axis` (default −1). @example `softmax(x, { axis: -1 })` */
export function softmax(x: Tensor, options: { axis?: number | readonly number[] } = {}): Tensor { return nn.softmax(x, { axis: options.axis ?? -1 }) }
/** Exponential linear unit (alpha 1). @example `elu(x, { alpha: 0.5 })` */
export function elu(x: Tensor, options: { alpha?: number } = {}): Tensor { return nn.elu(x, { alpha: options.alpha ?? 1 }) }
/** Scaled ELU. @example `selu(x)` */
export function selu(x: Tensor): Tensor { return nn.selu(x) }
/** `log(1 + exp(x))`. @example `softplus(x)` */
export function softplus(x: Tensor): Tensor { return nn.softplus(x) }
/** `x / (1 + |x|)`. @example `softsign(x)` */
export function softsign(x: Tensor): Tensor { return nn.softsign(x) }
/** Soft shrinkage (threshold 0.5). @example `softShrink(x, { threshold: 1 })` */
export function softShrink(x: Tensor, options: { threshold?: number } = {}): Tensor { return nn.softShrink(x, { threshold: options.threshold ?? 0.5 }) }
/** Sparse plus. @example `sparsePlus(x)` */
export function sparsePlus(x: Tensor): Tensor { return nn.sparsePlus(x) }
/** `x · sigmoid(x)` (alias `swish`). @example `silu(x)` */
export function silu(x: Tensor): Tensor { return nn.silu(x) }
/** `(x + √(x² + b)) / 2` (b 4). @example `squareplus(x, { b: 4 })` */
export function squareplus(x: Tensor, options: { b?: number } = {}): Tensor { return nn.squareplus(x, { b: options.b ?? 4 }) }
/** Gaussian error linear unit (exact unless `approximate`). @example `gelu(x, { approximate: true })` */
export function gelu(x: Tensor, options: { approximate?: boolean } = {}): Tensor { return nn.gelu(x, { approximate: options.approximate ?? false }) }
/** Continuously differentiable ELU (alpha 1). @example `celu(x)` */
export function celu(x: Tensor, options: { alpha?: number } = {}): Tensor { return nn.celu(x, { alpha: options.alpha ?? 1 }) }
/** Gated linear unit over `axis` (default −1). @example `glu(x)` */
export function glu(x: Tensor, options: { axis?: number } = {}): Tensor { return nn.glu(x, { axis: options.axis ?? -1 }) }
/** Hyperbolic tangent. @example `tanh(x)` */
export function tanh(x: Tensor): Tensor { return lax.tanh(x) }
/** `x − tanh(x)`. @example `tanhShrink(x)` */
export function tanhShrink(x: Tensor): Tensor { return nn.tanhShrink(x) }
/** `clip(x, −1, 1)`. @example `hardTanh(x)` */
export function hardTanh(x: Tensor): Tensor { return nn.hardTanh(x) }
/** Hard shrinkage (threshold 0.5). @example `hardShrink(x)` */
export function hardShrink(x: Tensor, options: { threshold?: number } = {}): Tensor { return nn.hardShrink(x, { threshold: options.threshold ?? 0.5 }) }
/** `x` where `x > threshold`, else `defaultValue` (both required, as in Keras). @example `threshold(x, { threshold: 1, defaultValue: 0 })` */
export function threshold(x: Tensor, options: { threshold: number; defaultValue: number }): Tensor {
  if (!options || typeof options.threshold !== 'number' || typeof options.defaultValue !== 'number') {
    throw new InvalidArgumentError(`\`threshold\` needs numeric \`threshold\` and \`defaultValue\`. Received: options=${fmt(options)}`)
  }
  return nn.threshold(x, options.threshold, options.defaultValue)
}
/** Logistic sigmoid. @example `sigmoid(x)` */
export function sigmoid(x: Tensor): Tensor { return nn.sigmoid(x) }
/** `0.5 · clip(x + 1, 0, 2)`. @example `sparseSigmoid(x)` */
export function sparseSigmoid(x: Tensor): Tensor { return nn.sparseSigmoid(x) }
/** `exp(x)`. @example `exponential(x)` */
export function exponential(x: Tensor): Tensor { return lax.exp(x) }
/** `relu6(x + 3) / 6`. @example `hardSigmoid(x)` */
export function hardSigmoid(x: Tensor): Tensor { return nn.hardSigmoid(x) }
/** `x · hardSigmoid(x)` (alias `hardSwish`). @example `hardSilu(x)` */
export function hardSilu(x: Tensor): Tensor { return nn.hardSilu(x) }
/** The identity. @example `linear(x)` */
export function linear(x: Tensor): Tensor { return x }
/** `x · tanh(softplus(x))`. @example `mish(x)` */
export function mish(x: Tensor): Tensor { return multiply(x, lax.tanh(nn.softplus(x))) }
/** Log-softmax over `axis` (default −1). @example `logSoftmax(x)` */
export function logSoftmax(x: Tensor, options: { axis?: number | readonly number[] } = {}): Tensor { return nn.logSoftmax(x, { axis: options.axis ?? -1 }) }
/** `−softplus(−x)`. @example `logSigmoid(x)` */
export function logSigmoid(x: Tensor): Tensor { return nn.logSigmoid(x) }
/** Sparsemax over `axis` (default −1). @example `sparsemax(x)` */
export function sparsemax(x: Tensor, options: { axis?: number } = {}): Tensor { return nn.sparsemax(x, { axis: options.axis ?? -1 }) }
/** Alias of `silu`. @example `swish(x)` */
export const swish = silu
/** Alias of `hardSilu`. @example `hardSwish(x)` */
export const hardSwish = hardSilu

// Keras's ALL_OBJECTS_DICT: name → function (two aliases).
const BUILTINS: Readonly<Record<string, (x: Tensor) => Tensor>> = Object.freeze({
  relu: (x) => relu(x), leaky_relu: (x) => leakyRelu(x), relu6, softmax: (x) => softmax(x), celu: (x) => celu(x), elu: (x) => elu(x), selu,
  softplus, softsign, squareplus: (x) => squareplus(x), soft_shrink: (x) => softShrink(x), sparse_plus: sparsePlus, silu, gelu: (x) => gelu(x),
  glu: (x) => glu(x), tanh, tanh_shrink: tanhShrink, threshold: (x) => threshold(x, undefined as never), sigmoid, sparse_sigmoid: sparseSigmoid,
  exponential, hard_sigmoid: hardSigmoid, hard_silu: hardSilu, hard_tanh: hardTanh, hard_shrink: (x) => hardShrink(x), linear, mish,
  log_softmax: (x) => logSoftmax(x), log_sigmoid: logSigmoid, sparsemax: (x) => sparsemax(x), swish: silu, hard_swish: hardSilu,
})
const NAMED = new Map<ActivationFn, string>()
// The public functions (and the registry's wrappers) map back to their Keras name.
const PUBLIC: [ActivationFn, string][] = [
  [relu as ActivationFn, 'relu'], [leakyRelu as ActivationFn, 'leaky_relu'], [relu6, 'relu6'], [softmax as ActivationFn, 'softmax'],
  [celu as ActivationFn, 'celu'], [elu as ActivationFn, 'elu'], [selu, 'selu'], [softplus, 'softplus'], [softsign, 'softsign'],
  [squareplus as ActivationFn, 'squareplus'], [softShrink as ActivationFn, 'soft_shrink'], [sparsePlus, 'sparse_plus'], [silu, 'silu'],
  [gelu as ActivationFn, 'gelu'], [glu as ActivationFn, 'glu'], [tanh, 'tanh'], [tanhShrink, 'tanh_shrink'], [threshold as unknown as ActivationFn, 'threshold'],
  [sigmoid, 'sigmoid'], [sparseSigmoid, 'sparse_sigmoid'], [exponential, 'exponential'], [hardSigmoid, 'hard_sigmoid'], [hardSilu, 'hard_silu'],
  [hardTanh, 'hard_tanh'], [hardShrink as ActivationFn, 'hard_shrink'], [linear, 'linear'], [mish, 'mish'], [logSoftmax as ActivationFn, 'log_softmax'],
  [logSigmoid, 'log_sigmoid'], [sparsemax as ActivationFn, 'sparsemax'],
]
for (const [fn, name] of PUBLIC) NAMED.set(fn, name)
for (const [name, fn] of Object.entries(BUILTINS)) if (!NAMED.has(fn)) NAMED.set(fn, name)

/** The Keras names of the built-in activations (including the aliases `swish`, `hard_swish`). */
export const ACTIVATION_NAMES: readonly string[] = Object.freeze(Object.keys(BUILTINS))

// Custom functions registered by name: `package>name` → function.
const CUSTOM = new Map<string, ActivationFn>()
const CUSTOM_NAMES = new Map<ActivationFn, string>()

/**
 * Registers a function under `package>name` so it can be serialized and deserialized by name
 * (Keras `register_keras_serializable` on a function). Used by custom activations and by `Lambda`.
 *
 * @example
 * ```ts
 * registerSerializableFunction('my_pkg', 'cube', (x) => ops.power(x, 3))
 * ```
 */
export function registerSerializableFunction(pkg: string, name: string, fn: ActivationFn): ActivationFn {
  const key = `${pkg}>${name}`
  CUSTOM.set(key, fn)
  CUSTOM_NAMES.set(fn, key)
  return fn
}

/** The registered function for `package>name` (or a bare name), if any. @internal */
export function lookupSerializableFunction(name: string): ActivationFn | undefined {
  if (CUSTOM.has(name)) return CUSTOM.get(name)
  for (const [k, fn] of CUSTOM) if (k.split('>')[1] === name) return fn
  return undefined
}
/** The `package>name` of a registered function. @internal */
export function registeredFunctionName(fn: unknown): string | undefined { return CUSTOM_NAMES.get(fn as ActivationFn) }

/** What `activations.get` accepts. */
export type ActivationIdentifier = string | ActivationFn | Record<string, unknown> | null | undefined

/**
 * Serializes an activation: a built-in becomes its Keras name (`'relu'`); a registered custom
 * function becomes `{module, class_name: 'function', config: name, registered_name}`.
 *
 * @example
 * ```ts
 * serialize(relu) // 'relu'
 * ```
 */
export function serialize(activation: ActivationFn | null | undefined): string | Record<string, unknown> {
  if (activation === null || activation === undefined) return 'linear'
  const name = NAMED.get(activation)
  if (name) return name
  const reg = CUSTOM_NAMES.get(activation)
  if (reg) {
    const [pkg, n] = reg.split('>') as [string, string]
    return { module: pkg, class_name: 'function', config: n, registered_name: reg }
  }
  const obj = activation as unknown as { getConfig?: () => unknown; className?: string }
  if (typeof obj.getConfig === 'function' && obj.className) {
    return { module: 'keras.layers', class_name: obj.className, config: obj.getConfig(), registered_name: null }
  }
  throw new InvalidArgumentError(`Unknown activation function '${activation.name || 'anonymous'}' cannot be serialized. Use a built-in activation name or register the function with \`registerSerializableFunction(package, name, fn)\`.`)
}

/**
 * Rebuilds an activation from a name or a Keras envelope; never evaluates code.
 *
 * @example
 * ```ts
 * deserialize('gelu') // gelu
 * ```
 */
export function deserialize(config: unknown): ActivationFn {
  if (typeof config === 'string') {
    const fn = Object.prototype.hasOwnProperty.call(BUILTINS, config) ? BUILTINS[config] : lookupSerializableFunction(config)
    if (!fn) throw new InvalidArgumentError(`Unknown activation function: '${config}'. Received: config=${fmt(config)}`)
    return fn
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new FileFormatError(`Could not interpret activation function identifier. Received: ${fmt(config)}`)
  const env = sanitize(config) as { class_name?: unknown; config?: unknown; registered_name?: unknown }
  if (env.class_name === 'function' || env.class_name === undefined) {
    const reg = typeof env.registered_name === 'string' ? lookupSerializableFunction(env.registered_name) : undefined
    if (reg) return reg
    if (typeof env.config === 'string') return deserialize(env.config)
  }
  if (typeof env.class_name === 'string' && env.class_name !== 'function') return deserialize(env.class_name)
  throw new FileFormatError(`Could not interpret activation function identifier. Received: ${fmt(config)}`)
}

/**
 * Resolves an activation (Keras `keras.activations.get`): null → `linear`, a name or envelope →
 * the function, a function → itself.
 *
 * @example
 * ```ts
 * get('relu')(x)
 * ```
 */
export function get(identifier: ActivationIdentifier): ActivationFn {
  if (identifier === null || identifier === undefined) return linear
  if (typeof identifier === 'function') return identifier
  return deserialize(identifier)
}
