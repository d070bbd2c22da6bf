/**
 * @file Shared pieces of the preprocessing layers: host-side inputs (kx tensors have no string
 * dtype, so string layers take nested JS arrays of strings, or StringArrays along a model's string
 * edges), Keras's `encode_categorical_inputs`
 * (int / one_hot / multi_hot / count), and argument validation helpers.
 */
import { InvalidArgumentError, KerasTensor, NotImplementedError, ShapeError, SyncReadError, Tensor, fmt, lax, tensor, type DType, type Dim } from '@kx/core'
import { cast, expandDims, multiply, reshape, sum } from '@kx/ops-numpy'
import { oneHot, multiHot } from '@kx/ops-nn'
import { StringArray } from '../../engine/strings.js'
import type { Layer } from '../../engine/Layer.js'

/** A nested JS array of strings (or numbers): how string data enters kx's string layers. */
export type NestedValues<T> = T | readonly NestedValues<T>[]

/** Host data read from a tensor or a nested array: flat values (row-major) and a shape. */
export interface HostArray {
  readonly values: (string | number)[]
  readonly shape: number[]
  /** True when any value is a string. */
  readonly isString: boolean
}

/** True when `v` is host data (a string, a number, a nested array of them, or a StringArray) rather than a tensor. */
export function isHostData(v: unknown): boolean {
  if (v instanceof StringArray) return true
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') return true
  if (Array.isArray(v)) return v.length === 0 || v.every((x) => isHostData(x))
  return false
}

/**
 * Reads a tensor (synchronously) or flattens a nested array, checking it is rectangular. A tensor on a
 * backend without synchronous reads (WebGPU) raises a `SyncReadError` that names the layer: these layers
 * compute on the host (Keras runs them with TensorFlow's CPU ops), so pass them host data instead.
 */
export function toHostArray(v: unknown, layer: string): HostArray {
  if (v instanceof StringArray) return { values: v.values.slice(), shape: v.shape.slice(), isString: true }
  if (v instanceof Tensor) {
    if (v.isSymbolic) throw new InvalidArgumentError(`Layer "${layer}" needs concrete data here. Received: a symbolic tensor of shape ${fmt(v.shape)}`)
    if (!v.backend.capabilities.syncRead) {
      throw new SyncReadError(`Layer "${layer}" computes on the host and reads its input synchronously, which backend "${v.backend.name}" cannot do. Pass the values as a nested array (\`await t.array()\`) instead. Received: a tensor of shape ${fmt(v.shape)}, dtype=${v.dtype}`)
    }
    return { values: Array.from(v.dataSync() as ArrayLike<number>, Number), shape: v.shape.slice() as number[], isString: false }
  }
  const shape: number[] = []
  let probe: unknown = v
  while (Array.isArray(probe)) { shape.push(probe.length); probe = probe[0] }
  const values: (string | number)[] = []
  let isString = false
  const walk = (x: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(x)) throw new ShapeError(`Layer "${layer}" received a ragged nested array (kx has no ragged tensors). Received: inputs=${fmt(v)}`)
      if (typeof x === 'string') isString = true
      else if (typeof x === 'bigint') { values.push(Number(x)); return }
      else if (typeof x !== 'number' && typeof x !== 'boolean') throw new InvalidArgumentError(`Layer "${layer}" expects strings or numbers. Received: ${fmt(x)}`)
      values.push(typeof x === 'boolean' ? Number(x) : (x as string | number))
      return
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) throw new ShapeError(`Layer "${layer}" received a ragged nested array (kx has no ragged tensors). Received: inputs=${fmt(v)}`)
    for (const y of x) walk(y, depth + 1)
  }
  walk(v, 0)
  return { values, shape, isString }
}

/** `toHostArray` for `adapt`: a tensor is read asynchronously (`await t.data()`), so any backend works. */
export async function toHostArrayAsync(v: unknown, layer: string): Promise<HostArray> {
  if (!(v instanceof Tensor) || v.isSymbolic) return toHostArray(v, layer)
  return { values: Array.from((await v.data()) as ArrayLike<number>, Number), shape: v.shape.slice() as number[], isString: false }
}

/**
 * On a layer's first call with host data, records the input shape(s) and builds it, as Keras's first
 * call does (the shapes become its `build_config`); symbolic calls go through `Layer.apply`, which does the same.
 */
export function buildOnHostCall(layer: Layer, inputs: unknown, list = false): void {
  if (layer.built) return
  const shapeOf = (x: unknown): number[] => (x instanceof Tensor || x instanceof StringArray ? x.shape.slice() as number[] : toHostArray(x, layer.name).shape)
  layer.buildFromConfig({ input_shape: list && Array.isArray(inputs) ? inputs.map(shapeOf) : shapeOf(inputs) })
}

/** Rebuilds a nested JS array of `shape` from flat values. */
export function nest<T>(values: readonly T[], shape: readonly number[]): NestedValues<T> {
  if (shape.length === 0) return values[0] as T
  let k = 0
  const build = (d: number): NestedValues<T> => {
    const n = shape[d]!
    const out: NestedValues<T>[] = []
    for (let i = 0; i < n; i++) out.push(d === shape.length - 1 ? (values[k++] as T) : build(d + 1))
    return out
  }
  return build(0)
}

export type CategoricalMode = 'int' | 'one_hot' | 'multi_hot' | 'count' | 'tf_idf'

/**
 * Keras's `numerical_utils.encode_categorical_inputs`: `int` casts; `one_hot` encodes each element
 * (folding a trailing size-1 axis); `multi_hot` / `count` reduce axis 1 (axis 0 for rank-1 inputs)
 * of the one-hot encoding, `count` optionally weighted by `countWeights`.
 */
export function encodeCategorical(indices: Tensor, mode: CategoricalMode, depth: number, dtype: DType, countWeights?: Tensor | null): Tensor {
  if (mode === 'int') return cast(indices, dtype)
  let x = indices
  if (x.shape.length === 0) x = expandDims(x, -1)
  if (mode === 'multi_hot') return multiHot(x, depth, { dtype })
  if (mode === 'one_hot') {
    if (x.shape.length > 1 && x.shape[x.shape.length - 1] === 1) x = reshape(x, x.shape.slice(0, -1) as number[])
    return oneHot(cast(x, 'int32'), depth, { dtype })
  }
  const axis = x.shape.length > 1 ? 1 : 0
  const outDtype = countWeights ? countWeights.dtype : dtype
  let oh = oneHot(cast(x, 'int32'), depth, { dtype: outDtype })
  if (countWeights) oh = multiply(oh, expandDims(countWeights, -1))
  return sum(oh, { axis })
}

/** Output shape of `encodeCategorical` for an input shape (Keras's `compute_output_shape` rules). */
export function encodedShape(shape: readonly Dim[], mode: CategoricalMode, depth: Dim): Dim[] {
  if (mode === 'int') return shape.slice()
  if (shape.length === 0) return [depth]
  if (mode === 'one_hot') {
    if (shape.length > 1 && shape[shape.length - 1] === 1) return [...shape.slice(0, -1), depth]
    return [...shape, depth]
  }
  if (shape.length === 1) return [depth]
  return [shape[0]!, ...shape.slice(2), depth]
}

/** Validates a string argument against Keras's allowed values. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string, layer: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`Unknown value for \`${name}\` argument of layer ${layer}. Allowed values are: ${allowed.join(', ')}. Received: ${fmt(value)}`)
  }
  return value as T
}

/** Throws Keras's error for `sparse=true` (kx has no sparse tensors). */
export function checkNotSparse(sparse: unknown, layer: string): void {
  if (sparse) throw new NotImplementedError(`Layer ${layer}: \`sparse=True\` needs sparse tensors, which kx does not have. Use sparse=false.`)
}

/** A KerasTensor of `shape`/`dtype` (the symbolic output of host-computed layers). */
export function symbolic(shape: readonly Dim[], dtype: DType): KerasTensor { return new KerasTensor(shape.slice(), dtype) }

/** An int tensor from host values with `shape`, on `like`'s backend when given. */
export function intTensor(values: readonly number[], shape: readonly number[], dtype: DType, like?: unknown): Tensor {
  const backend = like instanceof Tensor && !like.isSymbolic ? like.backend : undefined
  const arr = dtype === 'int64' ? Float64Array.from(values) : Int32Array.from(values)
  return tensor(arr, { shape: shape.slice(), dtype: dtype === 'int64' ? 'int64' : dtype, ...(backend ? { backend } : {}) })
}

/** Keras's `value_range` check: a list of two numbers, sorted. */
export function valueRangeArg(v: unknown, layer: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || v.some((x) => typeof x !== 'number')) {
    throw new InvalidArgumentError(`The \`value_range\` argument should be a list of two numbers. Received: value_range=${fmt(v)} (layer ${layer})`)
  }
  const [a, b] = v as number[]
  return a! <= b! ? [a!, b!] : [b!, a!]
}

/** `x[..., start:stop, ...]` along `axis` (a static slice). */
export function sliceAxis(x: Tensor, axis: number, start: number, stop: number): Tensor {
  const starts = x.shape.map((_, i) => (i === axis ? start : 0))
  const limits = x.shape.map((d, i) => (i === axis ? stop : (d as number)))
  return lax.slice(x, starts, limits)
}
