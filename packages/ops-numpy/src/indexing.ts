/**
 * @file Selection and scatter ops of `keras.ops`: where, select, clip, nonzero, and core's slice / slice_update /
 * scatter / scatter_update (take and take_along_axis are in take.ts).
 */
import { InvalidArgumentError, NotImplementedError, ShapeError, Tensor, fmt, isBool, lax } from '@kx/core'
import { backendOfArgs, toTensor, type TensorLike } from './convert.js'
import { broadcastShapesOp, broadcastTo, cast, prepare, resultDType, scalar } from './promote.js'
import { like } from './elementwise.js'
import { reshapeTo } from './shape-util.js'

/**
 * Chooses `x1` where `condition` is true and `x2` elsewhere (broadcasting all three). With only the
 * condition, returns `nonzero(condition)`.
 *
 * @example
 * ```ts
 * where([true, false], 1, 2) // [1, 2]
 * ```
 */
export function where(condition: TensorLike, x1: TensorLike, x2: TensorLike): Tensor
export function where(condition: TensorLike): Tensor[]
export function where(condition: TensorLike, x1?: TensorLike | null, x2?: TensorLike | null): Tensor | Tensor[]
export function where(condition: TensorLike, x1?: TensorLike | null, x2?: TensorLike | null): Tensor | Tensor[] {
  if ((x1 === undefined || x1 === null) && (x2 === undefined || x2 === null)) return nonzero(condition)
  if (x1 === undefined || x1 === null || x2 === undefined || x2 === null) {
    throw new InvalidArgumentError('`where` needs both x1 and x2, or neither. Received: one of them is None')
  }
  const dtype = resultDType(x1, x2)
  const b = backendOfArgs([condition, x1, x2])
  let c = toTensor(condition, undefined, b)
  if (!isBool(c.dtype)) c = lax.ne(c, like(c, 0))
  const [cc, a, e] = [c, toTensor(x1, dtype, b), toTensor(x2, dtype, b)]
  const shape = broadcastShapesOp('where', [cc!.shape, a!.shape, e!.shape], ['condition', 'x1', 'x2'])
  return lax.select(broadcastTo(cc!, shape), broadcastTo(a!, shape), broadcastTo(e!, shape))
}

/** @internal `where` with both branches (always a single tensor). */
export function where3(condition: TensorLike, x1: TensorLike, x2: TensorLike): Tensor {
  return where(condition, x1, x2) as Tensor
}

/**
 * Picks, elementwise, the choice of the first true condition (`np.select`), else `default`.
 *
 * @example
 * ```ts
 * select([x.lt(0), x.gt(0)], [-1, 1], 0)
 * ```
 */
export function select(condlist: readonly TensorLike[], choicelist: readonly TensorLike[], options: { default?: TensorLike } = {}): Tensor {
  if (condlist.length !== choicelist.length || condlist.length === 0) {
    throw new InvalidArgumentError(`\`select\` needs as many conditions as choices (at least one). Received: ${condlist.length} conditions, ${choicelist.length} choices`)
  }
  const dtype = resultDType(...choicelist)
  let out: Tensor = toTensor(options.default ?? 0, dtype, backendOfArgs([...condlist, ...choicelist]))
  for (let i = condlist.length - 1; i >= 0; i--) out = where3(condlist[i]!, toTensor(choicelist[i]!, dtype), out)
  return out
}

/**
 * Limits values to `[xMin, xMax]`, keeping x's dtype (bool becomes int32). NaN stays NaN.
 *
 * @example
 * ```ts
 * clip([-1, 0.5, 2], 0, 1) // [0, 0.5, 1]
 * ```
 */
export function clip(x: TensorLike, xMin: TensorLike, xMax: TensorLike): Tensor {
  let t = toTensor(x)
  if (isBool(t.dtype)) t = cast(t, 'int32')
  const [a, lo, hi] = prepare('clip', [t, toTensor(xMin, t.dtype, t.isSymbolic ? undefined : t.backend), toTensor(xMax, t.dtype, t.isSymbolic ? undefined : t.backend)], { dtype: t.dtype })
  return lax.min(lax.max(a!, lo!), hi!)
}

/**
 * Indices of the non-zero elements, one int32 tensor per dimension (eager only: the output size
 * depends on the values).
 *
 * @example
 * ```ts
 * nonzero([[0, 1], [2, 0]]) // [[0, 1], [1, 0]]
 * ```
 */
export function nonzero(x: TensorLike): Tensor[] {
  const t = toTensor(x)
  if (t.isSymbolic) throw new NotImplementedError(`\`nonzero\` has a data-dependent output size and cannot run on symbolic tensors. Received: ${t.toString()}`)
  const data = t.dataSync()
  const shape = t.shape
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1))
  const out: number[][] = shape.map(() => [])
  for (let f = 0; f < data.length; f++) {
    if (!data[f]) continue
    strides.forEach((s, d) => out[d]!.push(Math.floor(f / s) % shape[d]!))
  }
  if (shape.length === 0) return []
  return out.map((v) => toTensor(Int32Array.from(v), 'int32', t.backend))
}

/**
 * A slice of static `shape` starting at `startIndices` (`keras.ops.slice`; -1 in shape takes the
 * rest). Start indices may be tensors; they clamp like XLA's dynamic slice.
 *
 * @example
 * ```ts
 * slice(x, [1, 0], [2, -1])
 * ```
 */
export function slice(inputs: TensorLike, startIndices: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor(inputs)
  const starts = cast(toTensor(startIndices, undefined, t.isSymbolic ? undefined : t.backend), 'int32')
  if (starts.shape.length !== 1 || starts.shape[0] !== t.shape.length || shape.length !== t.shape.length) {
    throw new ShapeError(`\`slice\` needs one start index and one size per dimension. Received: inputs.shape=${fmt(t.shape)}, start_indices.shape=${fmt(starts.shape)}, shape=${fmt(shape)}`)
  }
  let sizes: number[] = shape.slice()
  if (sizes.includes(-1)) {
    if (starts.isSymbolic) throw new ShapeError(`\`slice\` with -1 sizes needs concrete start indices. Received: shape=${fmt(shape)}`)
    const s = Array.from(starts.dataSync() as ArrayLike<number>)
    sizes = sizes.map((d, i) => (d === -1 ? (t.shape[i] as number) - s[i]! : d))
  }
  return lax.dynamicSlice(t, starts, sizes)
}

/**
 * Writes `updates` into `inputs` starting at `startIndices` (`keras.ops.slice_update`).
 *
 * @example
 * ```ts
 * sliceUpdate(ops.zeros([4]), [1], [1, 2]) // [0, 1, 2, 0]
 * ```
 */
export function sliceUpdate(inputs: TensorLike, startIndices: TensorLike, updates: TensorLike): Tensor {
  const t = toTensor(inputs)
  const u = toTensor(updates, t.dtype, t.isSymbolic ? undefined : t.backend)
  const starts = cast(toTensor(startIndices, undefined, t.isSymbolic ? undefined : t.backend), 'int32')
  if (u.shape.length !== t.shape.length) throw new ShapeError(`\`sliceUpdate\` needs updates with the rank of inputs. Received: inputs.shape=${fmt(t.shape)}, updates.shape=${fmt(u.shape)}`)
  return lax.dynamicUpdateSlice(t, u, starts)
}

/** @internal Flat row-major index over the first k dims from an index tensor `[..., k]`. */
function flatIndex(idx: Tensor, dims: readonly number[]): Tensor {
  const k = dims.length
  const i = cast(idx, 'int32')
  let flat: Tensor | undefined
  let stride = 1
  for (let j = k - 1; j >= 0; j--) {
    const starts = i.shape.map((_, a) => (a === i.shape.length - 1 ? j : 0))
    const limits = i.shape.map((d, a) => (a === i.shape.length - 1 ? j + 1 : d)) as number[]
    let c = reshapeTo(lax.slice(i, starts, limits), i.shape.slice(0, -1), 'scatter')
    c = lax.select(lax.lt(c, like(c, 0)), lax.add(c, like(c, dims[j]!)), c)
    const term = stride === 1 ? c : lax.mul(c, like(c, stride))
    flat = flat ? lax.add(flat, term) : term
    stride *= dims[j]!
  }
  return flat!
}

/**
 * A tensor of `shape` (zeros) with `values` added at `indices` (`[..., k]` coordinates into the
 * first k dims); duplicates accumulate (`keras.ops.scatter`).
 *
 * @example
 * ```ts
 * scatter([[0], [2]], [1, 2], [4]) // [1, 0, 2, 0]
 * ```
 */
export function scatter(indices: TensorLike, values: TensorLike, shape: readonly number[]): Tensor {
  const v = toTensor(values)
  const idx = toTensor(indices, undefined, v.isSymbolic ? undefined : v.backend)
  return scatterInto(broadcastTo(scalar(0, v.dtype, v), shape), idx, v, 'add', 'scatter')
}

function scatterInto(base: Tensor, idx: Tensor, v: Tensor, how: 'add' | 'set', op: string): Tensor {
  const shape = base.shape as number[]
  const k = idx.shape[idx.shape.length - 1]
  if (idx.shape.length < 1 || k === null || k === undefined || k > shape.length) {
    throw new ShapeError(`\`${op}\` needs indices shaped [..., k] with k <= rank. Received: indices.shape=${fmt(idx.shape)}, shape=${fmt(shape)}`)
  }
  const lead = shape.slice(0, k)
  const rest = shape.slice(k)
  const flat = flatIndex(idx, lead)
  const operand = lax.reshape(base, [lead.reduce((a, b) => a * b, 1), ...rest])
  const upd = broadcastTo(cast(v, base.dtype), [...flat.shape, ...rest])
  const out = how === 'add' ? lax.scatterAdd(operand, flat, upd, 0) : lax.scatter(operand, flat, upd, 0)
  return lax.reshape(out, shape)
}

/**
 * Returns `inputs` with `updates` written at `indices` (`[N, k]` coordinates). `reduction`:
 * none (set; last write wins), `"add"`, or `"max"` / `"min"` / `"mul"` (combining with the current
 * value; with duplicate indices the last update wins for these three).
 *
 * @example
 * ```ts
 * scatterUpdate(ops.zeros([3]), [[1]], [5]) // [0, 5, 0]
 * ```
 */
export function scatterUpdate(inputs: TensorLike, indices: TensorLike, updates: TensorLike, options: { reduction?: 'add' | 'max' | 'min' | 'mul' | null } = {}): Tensor {
  const t = toTensor(inputs)
  const b = t.isSymbolic ? undefined : t.backend
  const idx = toTensor(indices, undefined, b)
  const u = toTensor(updates, t.dtype, b)
  const red = options.reduction ?? null
  if (red === null) return scatterInto(t, idx, u, 'set', 'scatterUpdate')
  if (red === 'add') return scatterInto(t, idx, u, 'add', 'scatterUpdate')
  if (red !== 'max' && red !== 'min' && red !== 'mul') throw new InvalidArgumentError(`Unsupported reduction in \`scatterUpdate\`. Received: reduction=${fmt(red)}`)
  const k = idx.shape[idx.shape.length - 1] as number
  const lead = (t.shape as number[]).slice(0, k)
  const rest = (t.shape as number[]).slice(k)
  const flat = flatIndex(idx, lead)
  const current = lax.gather(lax.reshape(t, [lead.reduce((a, c) => a * c, 1), ...rest]), flat, 0)
  const uu = broadcastTo(u, current.shape)
  const combined = red === 'max' ? lax.max(current, uu) : red === 'min' ? lax.min(current, uu) : lax.mul(current, uu)
  return scatterInto(t, idx, combined, 'set', 'scatterUpdate')
}
