/**
 * @file String data in Functional models. kx tensors are numeric, so a `dtype: 'string'` model input
 * is a `KerasTensor` whose dtype reads `'string'` (symbolic side, as in Keras) and, when the model
 * runs, a `StringArray`: rectangular string data held on the host that flows along the graph to the
 * layers that take strings (StringLookup, Hashing, HashedCrossing, TextVectorization).
 */
import { DTypeError, InvalidArgumentError, KerasTensor, ShapeError, Tensor, fmt, tensor, type DType, type Dim } from '@kx/core'

/** A nested JS array of strings (a string, or arrays of them). */
export type NestedStrings = string | readonly NestedStrings[]

/**
 * Rectangular string data on the host (row-major `values` and a `shape`): the value of a
 * `dtype: 'string'` edge of a Functional model. `model.apply` / `model.predict` also accept nested
 * JS arrays of strings for string inputs and convert them to this.
 *
 * @example
 * ```ts
 * const s = StringArray.from([['a', 'b'], ['c', 'd']]) // shape [2, 2]
 * s.slice(1, 2).toNested() // [['c', 'd']]
 * ```
 */
export class StringArray {
  readonly dtype = 'string' as const
  readonly shape: readonly number[]
  /** Row-major values. */
  readonly values: readonly string[]
  /** Never symbolic (the symbolic side of a string edge is a KerasTensor of dtype `'string'`). */
  readonly isSymbolic = false

  constructor(values: readonly string[], shape: readonly number[]) {
    const n = shape.reduce((a, b) => a * b, 1)
    if (shape.some((d) => !Number.isInteger(d) || d < 0) || n !== values.length) {
      throw new ShapeError(`StringArray: ${values.length} values do not fill shape ${fmt(shape)}. Received: shape=${fmt(shape)}`)
    }
    this.values = values
    this.shape = Object.freeze(shape.slice())
  }

  /** Reads a nested JS array of strings (rectangular), or returns a StringArray as it is. */
  static from(value: unknown, where = 'StringArray'): StringArray {
    if (value instanceof StringArray) return value
    const shape: number[] = []
    let probe: unknown = value
    while (Array.isArray(probe)) { shape.push(probe.length); probe = probe[0] }
    const values: string[] = []
    const walk = (x: unknown, depth: number): void => {
      if (depth === shape.length) {
        if (typeof x !== 'string') throw new DTypeError(`${where} expects strings. Received: ${fmt(x)} (${x instanceof Tensor ? `a tensor of dtype ${x.dtype}` : typeof x})`)
        values.push(x)
        return
      }
      if (!Array.isArray(x) || x.length !== shape[depth]) throw new ShapeError(`${where} received a ragged nested array of strings (kx has no ragged tensors). Received: ${fmt(value)}`)
      for (const y of x) walk(y, depth + 1)
    }
    walk(value, 0)
    return new StringArray(values, shape)
  }

  /** Number of dimensions. */
  get ndim(): number { return this.shape.length }
  /** Rows `[start, end)` along the first axis. */
  slice(start: number, end: number): StringArray {
    const row = this.shape.slice(1).reduce((a, b) => a * b, 1)
    return new StringArray(this.values.slice(start * row, end * row), [end - start, ...this.shape.slice(1)])
  }
  /** The values as nested JS arrays of `shape`. */
  toNested(): NestedStrings {
    if (this.shape.length === 0) return this.values[0]!
    let k = 0
    const build = (d: number): NestedStrings[] => Array.from({ length: this.shape[d]! }, () => (d === this.shape.length - 1 ? this.values[k++]! : build(d + 1)))
    return build(0)
  }
  /** Like `Tensor.array()`: the nested values. */
  async array(): Promise<NestedStrings> { return this.toNested() }
  toString(): string { return `StringArray(shape=${fmt(this.shape)})` }
}

/** True for a StringArray or a KerasTensor of dtype `'string'`. */
export function isStringValue(v: unknown): boolean {
  return v instanceof StringArray || (v instanceof KerasTensor && (v.dtype as string) === 'string')
}

/** A symbolic string tensor (the output of a string `Input`). */
export function stringKerasTensor(shape: readonly Dim[], name?: string): KerasTensor {
  // NOTE: KerasTensor's dtype is typed DType; a string edge carries 'string' there, as Keras's KerasTensor does.
  return new KerasTensor(shape, 'string' as DType, null, name)
}

/** The typed error for string data reaching a layer that computes on numbers. */
export function stringInputError(layer: { name: string; className: string }, shape: readonly (number | null)[]): DTypeError {
  return new DTypeError(`Layer "${layer.name}" (${layer.className}) computes on numbers and cannot take string inputs; map strings to numbers first (StringLookup, Hashing, TextVectorization). Received: an input of dtype string and shape ${fmt(shape)}`)
}

/**
 * Converts the value given for a model input to what flows along the graph: a StringArray for a
 * string input (nested JS strings or a StringArray), the value itself otherwise.
 */
export function toInputValue(value: unknown, spec: KerasTensor, model: string): unknown {
  if ((spec.dtype as string) !== 'string') {
    if (isStringValue(value) && value instanceof KerasTensor) throw new DTypeError(`Input "${spec.name}" of model "${model}" has dtype ${spec.dtype}, not string. Received: a symbolic tensor of dtype string`)
    if (value instanceof StringArray || typeof value === 'string' || (Array.isArray(value) && firstLeaf(value) !== undefined && typeof firstLeaf(value) === 'string')) {
      throw new DTypeError(`Input "${spec.name}" of model "${model}" has dtype ${spec.dtype}, not string. Received: string data of shape ${fmt(StringArray.from(value, `Input "${spec.name}"`).shape)}`)
    }
    // Numbers beside strings may come as nested JS arrays too (like NumPy arrays in Keras).
    return value instanceof Tensor ? value : tensor(value as never, { dtype: spec.dtype })
  }
  if (isStringValue(value) && value instanceof KerasTensor) return value
  if (value instanceof Tensor) {
    throw new DTypeError(`Input "${spec.name}" of model "${model}" has dtype string: pass nested JS arrays of strings or a StringArray (kx tensors are numeric). Received: a ${value.isSymbolic ? 'symbolic ' : ''}tensor of dtype ${value.dtype} and shape ${fmt(value.shape)}`)
  }
  if (!(value instanceof StringArray) && typeof value !== 'string' && !Array.isArray(value)) {
    throw new InvalidArgumentError(`Input "${spec.name}" of model "${model}" has dtype string: pass nested JS arrays of strings or a StringArray. Received: ${fmt(value)}`)
  }
  return StringArray.from(value, `Input "${spec.name}" of model "${model}"`)
}

function firstLeaf(v: unknown): unknown {
  let x = v
  while (Array.isArray(x)) x = x[0]
  return x
}

