/** @file Variable: a named, mutable tensor slot (weights, optimizer state, seeds). */
import { isFloat, type DType } from './dtype.js'
import { InvalidArgumentError, ShapeError, fmt } from './errors.js'
import { Tensor, type NestedArray } from './tensor.js'
import { keep } from './engine.js'
import { tensor } from './creation.js'
import { add, sub, convertElementType } from './lax.js'

/** Hooks the tracer installs so variable reads/writes inside `trace` become graph inputs/outputs. */
export interface VariableTraceHooks {
  read(v: Variable): Tensor | undefined
  write(v: Variable, value: Tensor): boolean
}
let hooks: VariableTraceHooks | undefined
/** @internal */
export function installVariableTraceHooks(h: VariableTraceHooks | undefined): VariableTraceHooks | undefined {
  const prev = hooks
  hooks = h
  return prev
}

let counter = 0
let autocastDtype: DType | undefined

/**
 * Runs `fn` with float variables read in `dtype` (Keras's AutocastScope, used for mixed precision:
 * variables are stored in float32 and computed with in float16/bfloat16).
 */
export function withAutocast<T>(dtype: DType | undefined, fn: () => T): T {
  const prev = autocastDtype
  autocastDtype = dtype
  try { return fn() } finally { autocastDtype = prev }
}

/** Options of `new Variable(...)` (Keras `keras.Variable`). */
export interface VariableOptions {
  /** Initial value: a tensor, nested array, or a function `(shape, dtype) => Tensor`. */
  readonly initializer: Tensor | NestedArray | ((shape: readonly number[], dtype: DType) => Tensor)
  readonly shape?: readonly number[]
  readonly dtype?: DType
  readonly trainable?: boolean
  readonly name?: string
  /** Applied after each optimizer update (Keras constraints). */
  readonly constraint?: (value: Tensor) => Tensor
}

/**
 * A mutable tensor slot with a name and path (Keras `keras.Variable`).
 *
 * @example
 * ```ts
 * const v = new Variable({ initializer: [[1, 2]], name: 'w' })
 * v.assignAdd(ops.ones([1, 2]))
 * ```
 */
export class Variable {
  readonly name: string
  /** Hierarchical path, e.g. `dense/kernel`; layers set it. */
  path: string
  readonly dtype: DType
  readonly shape: readonly number[]
  trainable: boolean
  constraint: ((value: Tensor) => Tensor) | undefined
  private _value: Tensor

  constructor(options: VariableOptions) {
    const init = options.initializer
    let value: Tensor
    if (typeof init === 'function') {
      if (!options.shape) throw new InvalidArgumentError(`Variable: a callable initializer needs \`shape\`. Received: shape=None, name=${fmt(options.name)}`)
      value = init(options.shape, options.dtype ?? 'float32')
    } else if (init instanceof Tensor) {
      value = init
    } else {
      value = tensor(init, options.dtype ? { dtype: options.dtype } : {})
    }
    if (options.dtype && value.dtype !== options.dtype) value = convertElementType(value, options.dtype)
    if (options.shape && (options.shape.length !== value.shape.length || options.shape.some((d, i) => d !== value.shape[i]))) {
      throw new ShapeError(`Variable initial value has the wrong shape. Received: value.shape=${fmt(value.shape)}, shape=${fmt(options.shape)}`)
    }
    this._value = keep(value)
    this.dtype = value.dtype
    this.shape = value.shape
    this.name = options.name ?? `variable_${counter++}`
    this.path = this.name
    this.trainable = options.trainable ?? true
    this.constraint = options.constraint
  }

  /** The current value (inside `trace`, the graph's placeholder for it). */
  get value(): Tensor {
    const v = hooks?.read(this) ?? this._value
    if (autocastDtype && autocastDtype !== this.dtype && isFloat(this.dtype)) return convertElementType(v, autocastDtype)
    return v
  }

  /** Replaces the value (same shape; cast to the variable's dtype). */
  assign(value: Tensor): void {
    if (value.shape.length !== this.shape.length || value.shape.some((d, i) => d !== this.shape[i])) {
      throw new ShapeError(`Cannot assign a value of a different shape to variable "${this.path}". Received: value.shape=${fmt(value.shape)}, variable.shape=${fmt(this.shape)}`)
    }
    const v = convertElementType(value, this.dtype)
    if (hooks?.write(this, v)) return
    if (v === this._value) return
    const old = this._value
    this._value = keep(v)
    old.dispose()
  }
  assignAdd(delta: Tensor): void { this.assign(add(this.rawValue, convertElementType(delta, this.dtype))) }
  assignSub(delta: Tensor): void { this.assign(sub(this.rawValue, convertElementType(delta, this.dtype))) }
  /** The value in the variable's own dtype (no autocast). */
  get rawValue(): Tensor { return hooks?.read(this) ?? this._value }

  /** Reads the value. */
  async numpy(): Promise<NestedArray> { return this.value.array() }
  /** Frees the value. */
  dispose(): void { this._value.dispose() }
  toString(): string { return `<Variable path=${this.path}, shape=${fmt(this.shape)}, dtype=${this.dtype}>` }
}
