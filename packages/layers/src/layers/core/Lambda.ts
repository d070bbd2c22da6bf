/**
 * @file `Lambda`: wraps a JavaScript function as a layer, in-process. Its config can be written,
 * but reading one back never evaluates code: only functions registered by name
 * (`registerSerializableFunction`) are restored, and only outside safe mode.
 */
import { InvalidArgumentError, NotImplementedError, fmt, type Dim } from '@kx/core'
import { Layer, configToArgs, type CallOptions, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { sanitize, type CustomObjects } from '../../engine/serialization.js'
import { lookupSerializableFunction, registeredFunctionName } from '../../activations/activations.js'
import { UnsafeDeserializationError, inSafeMode } from '../../saving/safeMode.js'

// NOTE: safe mode lives in saving/safeMode.ts, so the loaders that read it do not pull this layer into every bundle.
export { UnsafeDeserializationError, enableUnsafeDeserialization, withSafeMode, inSafeMode } from '../../saving/safeMode.js'

/** The function a Lambda wraps: inputs, then `{...arguments, mask, training}`. */
export type LambdaFunction = (inputs: any, options: Record<string, unknown>) => unknown

/** Options of `Lambda`. */
export interface LambdaArgs extends LayerArgs {
  readonly function: LambdaFunction
  /** Output shape without batch, or a function of the input shape; inferred by a symbolic call when omitted. */
  readonly outputShape?: readonly Dim[] | ((inputShape: ShapeLike) => unknown) | null
  /** An output mask, or a function `(inputs, mask) => mask`. */
  readonly mask?: unknown
  /** Extra keyword arguments passed to the function. */
  readonly arguments?: Record<string, unknown> | null
}

function serializeFunction(fn: Function): Record<string, unknown> {
  const reg = registeredFunctionName(fn)
  if (reg) {
    const [pkg, name] = reg.split('>') as [string, string]
    return { module: pkg, class_name: 'function', config: name, registered_name: reg }
  }
  // NOTE: written for information only (Keras writes marshalled bytecode here); it is never evaluated on load.
  return { class_name: '__lambda__', config: { code: fn.toString(), defaults: null, closure: null } }
}

function restoreFunction(value: unknown, what: string): Function {
  const env = value as { class_name?: unknown; config?: unknown; registered_name?: unknown } | null
  if (env && typeof env === 'object' && env.class_name === '__lambda__') {
    throw new UnsafeDeserializationError(`Requested the deserialization of a \`Lambda\` layer whose \`${what}\` is code. kx never evaluates code from a config; register the function with \`registerSerializableFunction(package, name, fn)\` and save the model again.`)
  }
  const name = typeof value === 'string' ? value : typeof env?.registered_name === 'string' ? env.registered_name : typeof env?.config === 'string' ? env.config : null
  const fn = name ? lookupSerializableFunction(name) : undefined
  if (!fn) throw new UnsafeDeserializationError(`Cannot restore the \`${what}\` of a \`Lambda\` layer: no function is registered under ${fmt(name)}. Register it with \`registerSerializableFunction(package, name, fn)\`.`)
  return fn
}

/**
 * Wraps a function as a layer (Keras `Lambda`), for quick experiments in-process. Prefer a `Layer`
 * subclass for anything that must be saved and loaded.
 *
 * @example
 * ```ts
 * const square = new Lambda({ function: (x) => ops.square(x) })
 * square.apply(x)
 * ```
 */
export class Lambda extends Layer {
  static readonly className: string = 'Lambda'
  readonly function: LambdaFunction
  readonly arguments: Record<string, unknown>
  readonly mask: unknown
  private readonly outputShapeArg: LambdaArgs['outputShape']
  constructor(args: LambdaArgs) {
    super(args)
    if (typeof args?.function !== 'function') throw new InvalidArgumentError(`Lambda needs a \`function\`. Received: function=${fmt(args?.function)}`)
    this.function = args.function
    this.arguments = { ...(args.arguments ?? {}) }
    this.mask = args.mask ?? null
    this.supportsMasking = this.mask !== null
    this.outputShapeArg = args.outputShape ?? null
    this.built = true
  }
  override call(inputs: unknown, options: CallOptions = {}): unknown {
    return this.function(inputs, { ...this.arguments, mask: options.mask ?? null, training: options.training ?? null })
  }
  override computeMask(inputs: unknown, mask: unknown): unknown {
    return typeof this.mask === 'function' ? (this.mask as (i: unknown, m: unknown) => unknown)(inputs, mask) : this.mask
  }
  override computeOutputShape(inputShape: ShapeLike): unknown {
    const o = this.outputShapeArg
    if (o === null || o === undefined) {
      try { return super.computeOutputShape(inputShape) } catch {
        throw new NotImplementedError("We could not automatically infer the shape of the Lambda's output. Please specify the `outputShape` argument for this Lambda layer.")
      }
    }
    if (typeof o === 'function') return o(inputShape)
    const batch = Array.isArray(inputShape) && Array.isArray(inputShape[0]) ? (inputShape[0] as Dim[])[0] : (inputShape as Dim[])[0]
    return [batch ?? null, ...o]
  }
  override getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = { ...super.getConfig(), function: serializeFunction(this.function) }
    const o = this.outputShapeArg
    if (o !== null && o !== undefined) c['output_shape'] = typeof o === 'function' ? serializeFunction(o) : [...o]
    if (this.mask !== null) c['mask'] = typeof this.mask === 'function' ? serializeFunction(this.mask as Function) : this.mask
    c['arguments'] = JSON.parse(JSON.stringify(this.arguments))
    return c
  }
  /**
   * Rebuilds a Lambda from a config: refused in safe mode (the default) with an
   * `UnsafeDeserializationError`; outside it, only functions registered by name are restored.
   */
  static override fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>, custom?: CustomObjects, safeMode?: boolean): T {
    void custom
    if (safeMode ?? inSafeMode()) {
      throw new UnsafeDeserializationError('Requested the deserialization of a `Lambda` layer, which wraps a function. It is disallowed in safe mode. If you trust the source and the function is registered with `registerSerializableFunction`, load with `safeMode: false` or call `enableUnsafeDeserialization()`.')
    }
    const c = sanitize(config) as Record<string, unknown>
    const args = configToArgs(c)
    args['function'] = restoreFunction(c['function'], 'function')
    if (c['output_shape'] !== undefined && c['output_shape'] !== null) {
      args['outputShape'] = Array.isArray(c['output_shape']) ? c['output_shape'] : restoreFunction(c['output_shape'], 'output_shape')
    }
    if (c['mask'] && typeof c['mask'] === 'object' && !Array.isArray(c['mask'])) args['mask'] = restoreFunction(c['mask'], 'mask')
    return new this(args)
  }
}
