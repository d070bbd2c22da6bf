/**
 * @file `keras.regularizers`: L1, L2, L1L2, OrthogonalRegularizer (penalties added to the loss) and
 * the registry behind `get` / `serialize` / `deserialize`.
 */
import { InvalidArgumentError, ShapeError, fmt, full, type Tensor } from '@kx/core'
import { abs, add, divide, eye, matmul, multiply, subtract, sum, square, transpose } from '@kx/ops-numpy'
import { normalize } from '@kx/ops-nn'
import { ClassRegistry, type CustomObjects, type KerasEnvelope } from '../engine/serialization.js'
import { installRegularizerHooks } from '../engine/hooks.js'
import { camelArgs } from '../initializers/Initializer.js'
import { serializeKerasObject } from '../initializers/registry.js'

/**
 * Base class of regularizers: `apply(x)` returns a scalar penalty.
 *
 * @example
 * ```ts
 * class Tiny extends Regularizer { override apply(x: Tensor) { return ops.multiply(1e-6, ops.sum(ops.square(x))) } }
 * ```
 */
export class Regularizer {
  static readonly className: string = 'Regularizer'
  get className(): string { return (this.constructor as typeof Regularizer).className }
  /** The penalty for a weight or activation tensor. */
  apply(x: Tensor): Tensor { return zero(x) }
  getConfig(): Record<string, unknown> {
    throw new InvalidArgumentError(`${this.className} does not implement getConfig()`)
  }
  static fromConfig(this: new (args?: any) => Regularizer, config: Record<string, unknown>): Regularizer { return new this(camelArgs(config)) }
  toString(): string { return `<${this.className}>` }
}

function validateFloat(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(`Invalid value for argument ${name}: expected a non-negative float. Received: ${name}=${fmt(value)}`)
  }
  return value
}

const absSum = (x: Tensor): Tensor => sum(abs(x))
/** `convert_to_tensor(0.0, dtype=x.dtype)`, on x's backend. */
const zero = (x: Tensor): Tensor => full([], 0, x.dtype, x.isSymbolic ? undefined : x.backend)

/**
 * `l1 · Σ|x| + l2 · Σx²` (Keras `L1L2`; both default 0).
 *
 * @example
 * ```ts
 * new L1L2({ l1: 0.01, l2: 0.01 }).apply(kernel)
 * ```
 */
export class L1L2 extends Regularizer {
  static override readonly className: string = 'L1L2'
  readonly l1: number
  readonly l2: number
  constructor(args: { l1?: number | null; l2?: number | null } = {}) {
    super()
    this.l1 = validateFloat(args.l1 ?? 0, 'l1')
    this.l2 = validateFloat(args.l2 ?? 0, 'l2')
  }
  override apply(x: Tensor): Tensor {
    let r = zero(x)
    if (this.l1 !== 0) r = add(r, multiply(absSum(x), this.l1))
    if (this.l2 !== 0) r = add(r, multiply(sum(square(x)), this.l2))
    return r
  }
  override getConfig(): Record<string, unknown> { return { l1: this.l1, l2: this.l2 } }
}

/**
 * `l1 · Σ|x|` (Keras `L1`; default 0.01).
 *
 * @example
 * ```ts
 * new L1({ l1: 0.001 }).apply(kernel)
 * ```
 */
export class L1 extends Regularizer {
  static override readonly className: string = 'L1'
  readonly l1: number
  constructor(args: { l1?: number | null } = {}) {
    super()
    this.l1 = validateFloat(args.l1 ?? 0.01, 'l1')
  }
  override apply(x: Tensor): Tensor { return multiply(absSum(x), this.l1) }
  override getConfig(): Record<string, unknown> { return { l1: this.l1 } }
}

/**
 * `l2 · Σx²` (Keras `L2`; default 0.01).
 *
 * @example
 * ```ts
 * new L2({ l2: 0.001 }).apply(kernel)
 * ```
 */
export class L2 extends Regularizer {
  static override readonly className: string = 'L2'
  readonly l2: number
  constructor(args: { l2?: number | null } = {}) {
    super()
    this.l2 = validateFloat(args.l2 ?? 0.01, 'l2')
  }
  override apply(x: Tensor): Tensor { return multiply(sum(square(x)), this.l2) }
  override getConfig(): Record<string, unknown> { return { l2: this.l2 } }
}

/**
 * Penalizes non-orthogonal rows (or columns) of a 2-D weight: `factor · 0.5 · Σ|P − diag P| / (n(n−1)/2)`
 * where P is the Gram matrix of the L2-normalized rows (Keras `OrthogonalRegularizer`).
 *
 * @example
 * ```ts
 * new OrthogonalRegularizer({ factor: 0.01, mode: 'rows' }).apply(kernel)
 * ```
 */
export class OrthogonalRegularizer extends Regularizer {
  static override readonly className: string = 'OrthogonalRegularizer'
  readonly factor: number
  readonly mode: 'rows' | 'columns'
  constructor(args: { factor?: number; mode?: 'rows' | 'columns' } = {}) {
    super()
    this.factor = validateFloat(args.factor ?? 0.01, 'factor')
    const mode = args.mode ?? 'rows'
    if (mode !== 'rows' && mode !== 'columns') throw new InvalidArgumentError(`Invalid value for argument \`mode\`. Expected one of {"rows", "columns"}. Received: mode=${fmt(args.mode)}`)
    this.mode = mode
  }
  override apply(x: Tensor): Tensor {
    if (x.shape.length !== 2) throw new ShapeError(`Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape=${fmt(x.shape)}`)
    const xn = normalize(x, { axis: this.mode === 'rows' ? 1 : 0 })
    const product = this.mode === 'rows' ? matmul(xn, transpose(xn)) : matmul(transpose(xn), xn)
    const size = x.shape[this.mode === 'rows' ? 0 : 1] as number
    const offDiag = multiply(product, subtract(1, eye(size, { dtype: xn.dtype })))
    const numPairs = (size * (size - 1)) / 2
    return divide(multiply(multiply(sum(abs(offDiag)), this.factor), 0.5), numPairs)
  }
  override getConfig(): Record<string, unknown> { return { factor: this.factor, mode: this.mode } }
}

/** The registry behind `regularizers.deserialize`. */
export const regularizerRegistry = new ClassRegistry<Regularizer>('regularizer', 'keras.regularizers')
for (const [cls, ...names] of [
  [Regularizer, 'Regularizer', 'regularizer'], [L1, 'L1', 'l1'], [L2, 'L2', 'l2'], [L1L2, 'L1L2', 'l1l2', 'l1_l2'],
  [OrthogonalRegularizer, 'OrthogonalRegularizer', 'orthogonal_regularizer'],
] as [typeof Regularizer, ...string[]][]) regularizerRegistry.register(cls as never, ...names)

/** Serializes a regularizer to Keras's envelope. @example `serialize(new L2({ l2: 0.1 }))` */
export function serialize(regularizer: Regularizer): KerasEnvelope { return serializeKerasObject(regularizer, 'keras.regularizers') }
/** Rebuilds a regularizer from an envelope or a name. @example `deserialize({ class_name: 'L1', config: { l1: 0.1 } })` */
export function deserialize(config: unknown, customObjects?: CustomObjects): Regularizer { return regularizerRegistry.deserialize(config, customObjects) }

/** What `regularizers.get` accepts. */
export type RegularizerIdentifier = string | Regularizer | Record<string, unknown> | null | undefined

/**
 * Resolves a regularizer (Keras `keras.regularizers.get`): null → null, a name → a default
 * instance, an envelope → deserialized, an instance → itself.
 *
 * @example
 * ```ts
 * get('l2') // L2 with l2 = 0.01
 * ```
 */
export function get(identifier: RegularizerIdentifier): Regularizer | null {
  if (identifier === null || identifier === undefined) return null
  if (identifier instanceof Regularizer) return identifier
  if (typeof identifier === 'string') return deserialize({ class_name: identifier, config: {} })
  if (typeof identifier === 'object') return deserialize(identifier)
  throw new InvalidArgumentError(`Could not interpret regularizer identifier: ${fmt(identifier)}`)
}

/**
 * @internal Installs `get` / `serialize` as the hooks through which the engine and the layers resolve regularizer
 * arguments (no engine → regularizers import, so a bundle whose models name no regularizer carries none). Runs
 * when this module loads; the package root also calls it, so that bundlers keep the module.
 */
export function installRegularizers(): void {
  installRegularizerHooks({ get: (id) => get(id as RegularizerIdentifier), serialize: (r) => serialize(r as Regularizer) })
}
installRegularizers()
