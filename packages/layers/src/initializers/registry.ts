/**
 * @file The `keras.initializers` registry: `get`, `serialize`, `deserialize` over Keras's JSON
 * envelopes, with Keras's class names and snake_case aliases; installs GlorotUniform as the default
 * weight initializer of `Layer.addWeight`.
 */
import { InvalidArgumentError, ShapeError, Tensor, fmt, lax, shapesEqual, type DType } from '@kx/core'
import { ClassRegistry, registeredNameOf, type CustomObjects, type KerasEnvelope } from '../engine/serialization.js'
import { registerDefaultInitializer } from '../engine/Layer.js'
import { Constant, IdentityInitializer, Initializer, Ones, STFT, Zeros } from './Initializer.js'
import {
  GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform, Orthogonal, RandomNormal, RandomUniform, TruncatedNormal,
  VarianceScaling,
} from './random.js'

/** A function initializer `(shape, dtype) => Tensor`. */
export type InitializerFn = (shape: readonly number[], dtype: DType) => Tensor
/** What `initializers.get` accepts: a name, an envelope, an Initializer, a function, a tensor, or null. */
export type InitializerIdentifier = string | KerasEnvelope | Record<string, unknown> | Initializer | InitializerFn | Tensor | null | undefined

/** The registry behind `initializers.deserialize`. */
export const initializerRegistry = new ClassRegistry<Initializer>('initializer', 'keras.initializers')

const CLASSES: [typeof Initializer, ...string[]][] = [
  [Initializer, 'Initializer', 'initializer'],
  [Constant, 'Constant', 'constant'],
  [IdentityInitializer, 'Identity', 'identity', 'IdentityInitializer'],
  [Ones, 'Ones', 'ones', 'one'],
  [STFT, 'STFT', 'stft', 'STFTInitializer'],
  [Zeros, 'Zeros', 'zeros', 'zero'],
  [GlorotNormal, 'GlorotNormal', 'glorot_normal'],
  [GlorotUniform, 'GlorotUniform', 'glorot_uniform'],
  [HeNormal, 'HeNormal', 'he_normal'],
  [HeUniform, 'HeUniform', 'he_uniform'],
  [LecunNormal, 'LecunNormal', 'lecun_normal'],
  [LecunUniform, 'LecunUniform', 'lecun_uniform'],
  [Orthogonal, 'Orthogonal', 'orthogonal', 'OrthogonalInitializer'],
  [RandomNormal, 'RandomNormal', 'random_normal', 'normal'],
  [RandomUniform, 'RandomUniform', 'random_uniform', 'uniform'],
  [TruncatedNormal, 'TruncatedNormal', 'truncated_normal'],
  [VarianceScaling, 'VarianceScaling', 'variance_scaling'],
]
for (const [cls, ...names] of CLASSES) initializerRegistry.register(cls as never, ...names)

/**
 * Keras's envelope of a registered object: `{module, class_name, config, registered_name}`.
 * @internal
 */
export function serializeKerasObject(obj: { className: string; getConfig(): Record<string, unknown>; constructor: unknown }, module: string): KerasEnvelope {
  const registered = registeredNameOf(obj.constructor)
  return {
    module: registered ? registered.split('>')[0]! : module,
    class_name: obj.className,
    config: obj.getConfig(),
    registered_name: registered,
  }
}

/**
 * Serializes an initializer to Keras's envelope.
 *
 * @example
 * ```ts
 * serialize(new GlorotUniform({ seed: 1 })) // {module: 'keras.initializers', class_name: 'GlorotUniform', config: {seed: 1, ...}, ...}
 * ```
 */
export function serialize(initializer: Initializer): KerasEnvelope {
  if (!(initializer instanceof Initializer)) throw new InvalidArgumentError(`Cannot serialize an initializer that is not an Initializer instance (a plain function has no config). Received: ${fmt(initializer)}`)
  return serializeKerasObject(initializer, 'keras.initializers')
}

/**
 * Rebuilds an initializer from a Keras envelope (with or without `module`/`registered_name`) or a name.
 *
 * @example
 * ```ts
 * deserialize({ class_name: 'HeNormal', config: { seed: 3 } })
 * ```
 */
export function deserialize(config: unknown, customObjects?: CustomObjects): Initializer {
  return initializerRegistry.deserialize(config, customObjects)
}

/**
 * Resolves an identifier (Keras `keras.initializers.get`): a name (`'glorot_uniform'`,
 * `'GlorotUniform'`), an envelope, an instance or function (returned as is), or a tensor (an
 * initializer that returns it for its own shape); null stays null.
 *
 * @example
 * ```ts
 * get('he_normal') // a HeNormal instance
 * ```
 */
export function get(identifier: InitializerIdentifier): Initializer | InitializerFn | null {
  if (identifier === null || identifier === undefined) return null
  if (identifier instanceof Initializer || typeof identifier === 'function') return identifier
  if (identifier instanceof Tensor) {
    const value = identifier
    return (shape, dtype) => {
      if (!shapesEqual(shape, value.shape)) throw new ShapeError(`Expected \`shape\` to be ${fmt(value.shape)} for direct tensor as initializer. Received shape=${fmt(shape)}`)
      return lax.convertElementType(value, dtype)
    }
  }
  if (typeof identifier === 'string') return deserialize({ class_name: identifier, config: {} })
  if (typeof identifier === 'object') return deserialize(identifier)
  throw new InvalidArgumentError(`Could not interpret initializer identifier: ${fmt(identifier)}`)
}

/** Resolves an identifier that must give an initializer (a layer argument): like `get`, but null is an error. */
export function getRequired(identifier: InitializerIdentifier, argName: string): Initializer | InitializerFn {
  const init = get(identifier)
  if (!init) throw new InvalidArgumentError(`Argument \`${argName}\` must be an initializer. Received: ${argName}=${fmt(identifier)}`)
  return init
}

/** Serializes a layer's initializer argument (functions have no config: an error names the argument). */
export function serializeArg(init: Initializer | InitializerFn | null): KerasEnvelope | null {
  if (init === null) return null
  if (init instanceof Initializer) return serialize(init)
  throw new InvalidArgumentError(`A function initializer cannot be serialized; use an Initializer subclass registered with registerKerasSerializable. Received: ${fmt(init)}`)
}

// NOTE: Keras's default for `add_weight` is glorot_uniform (unseeded: a fresh key from the global generator).
registerDefaultInitializer((shape, dtype) => new GlorotUniform().apply(shape, dtype))
