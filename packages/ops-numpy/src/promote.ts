/**
 * @file Broadcasting and dtype promotion shared by every op: Keras's `result_type` with weak JS
 * scalars, NumPy broadcasting with Keras-style errors, and broadcasts that also work on the
 * symbolic path (unknown dims).
 */
import { KerasTensor, ShapeError, Tensor, abstractEval, fmt, full, lax, normalizeAxis, resultType } from '@kx/core'
import type { Backend, DType, Dim, PromotionType, SymbolicEquation } from '@kx/core'
import { backendOfArgs, promotionTypeOf, toTensor, type TensorLike } from './convert.js'

/** @internal Keras `result_type` of values and/or promotion types (JS numbers are weak). */
export function resultDType(...xs: (TensorLike | PromotionType)[]): DType {
  const types = xs.map((x) => (typeof x === 'string' ? x : promotionTypeOf(x)))
  const out = resultType(...types)
  // NOTE: Keras forces 64-bit results to 32 bits (JAX without x64). kx keeps float64/int64 when an
  // operand already is 64-bit (float64 reference tests need it) and demotes results that only
  // promotion made 64-bit (uint32 + int32 → int32, as Keras).
  if ((out === 'int64' || out === 'float64') && !types.some((t) => t === 'int64' || t === 'float64')) return out === 'int64' ? 'int32' : 'float32'
  return out
}

/** @internal The `x1.shape=(2, 3), x2.shape=(4,)` part of an error message. */
export function shapesReceived(shapes: readonly (readonly Dim[])[], names?: readonly string[]): string {
  return shapes.map((s, i) => `${names?.[i] ?? `x${i + 1}`}.shape=${fmt(s)}`).join(', ')
}

/**
 * @internal NumPy broadcasting of shapes (unknown dims allowed); a `ShapeError` naming the op and the
 * operand shapes on failure.
 */
export function broadcastShapesOp(op: string, shapes: readonly (readonly Dim[])[], names?: readonly string[]): Dim[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length))
  const out: Dim[] = new Array<Dim>(rank).fill(1)
  for (const s of shapes) {
    const off = rank - s.length
    for (let i = 0; i < s.length; i++) {
      const a = out[off + i]!
      const b = s[i]!
      if (a === 1) out[off + i] = b
      else if (b === 1) continue
      else if (a === null) out[off + i] = b
      else if (b === null) continue
      else if (a !== b) {
        throw new ShapeError(`Operands could not be broadcast together in \`${op}\`: dimension ${a} is incompatible with ${b}. Received: ${shapesReceived(shapes, names)}`)
      }
    }
  }
  return out
}

const sameShape = (a: readonly Dim[], b: readonly Dim[]): boolean => a.length === b.length && a.every((d, i) => d === b[i])

/**
 * @internal Records an equation on the symbolic path for a concrete operand, used when its output has
 * unknown dims (a constant broadcast against a symbolic shape). Mirrors `bind`'s symbolic branch.
 */
function symbolicBroadcast(x: Tensor, target: readonly Dim[], dims: readonly number[]): Tensor {
  const params = { shape: target as readonly number[], broadcastDimensions: dims }
  const [aval] = abstractEval('broadcast_in_dim', [x], params)
  const eqn = { prim: 'broadcast_in_dim' as const, params, inputs: [x], outputs: [] as KerasTensor[] }
  const kt = new KerasTensor(aval!.shape, aval!.dtype, { equation: eqn as unknown as SymbolicEquation, index: 0 })
  eqn.outputs.push(kt)
  return kt
}

/**
 * @internal Broadcasts `x` to `target` with NumPy's trailing alignment. Dims that already match
 * (including unknown ones) are left alone; a no-op when the shapes are equal. Works on the symbolic
 * path: target dims may be `null`.
 */
export function broadcastTo(x: Tensor, target: readonly Dim[]): Tensor {
  if (sameShape(x.shape, target)) return x
  const off = target.length - x.shape.length
  if (off < 0) throw new ShapeError(`Cannot broadcast to a lower rank. Received: shape=${fmt(x.shape)}, target=${fmt(target)}`)
  const dims = x.shape.map((_, i) => i + off)
  return broadcastInDim(x, target, dims)
}

/** @internal `lax.broadcastInDim` that also accepts unknown target dims for a concrete operand. */
export function broadcastInDim(x: Tensor, target: readonly Dim[], dims: readonly number[]): Tensor {
  if (!x.isSymbolic && target.some((d) => d === null)) return symbolicBroadcast(x, target, dims)
  return lax.broadcastInDim(x, target as readonly number[], dims)
}

/** @internal A rank-0 constant of `dtype` on the backend of `like` (or the active backend). */
export function scalar(value: number | boolean, dtype: DType, like?: Tensor | Backend): Tensor {
  const backend = like instanceof Tensor ? (like.isSymbolic ? undefined : like.backend) : like
  return full([], typeof value === 'boolean' ? (value ? 1 : 0) : value, dtype, backend)
}

/** @internal A constant of `x`'s shape (unknown dims allowed) filled with `value`. */
export function fullLike(x: Tensor, value: number | boolean, dtype: DType = x.dtype): Tensor {
  return broadcastTo(scalar(value, dtype, x), x.shape)
}

/** @internal Casts when needed. */
export function cast(x: Tensor, dtype: DType): Tensor {
  return lax.convertElementType(x, dtype)
}

/** Options of `prepare`. */
export interface PrepareOptions {
  /** The dtype all operands are cast to (default: their Keras result type). */
  readonly dtype?: DType
  /** Broadcast to a common shape (default true). */
  readonly broadcast?: boolean
  /** Operand names for errors (default x1, x2, ...). */
  readonly names?: readonly string[]
}

/**
 * @internal Converts the arguments of an n-ary elementwise op to tensors of one dtype (their Keras
 * result type unless given) and one broadcast shape. Constants go to the backend of the tensors.
 */
export function prepare(op: string, xs: readonly TensorLike[], options: PrepareOptions = {}): Tensor[] {
  const dtype = options.dtype ?? resultDType(...xs)
  const backend = backendOfArgs(xs)
  const ts = xs.map((x) => toTensor(x, dtype, backend))
  if (options.broadcast === false) return ts
  const target = broadcastShapesOp(op, ts.map((t) => t.shape), options.names)
  return ts.map((t) => broadcastTo(t, target))
}

/** @internal Normalises one axis against a rank, naming the op. */
export function axisOf(axis: number, rank: number, op: string): number {
  return normalizeAxis(axis, rank, op)
}

/** @internal Normalises an axis argument (number, list, or null/undefined = all) to sorted unique axes. */
export function axesOf(axis: number | readonly number[] | null | undefined, rank: number, op: string): number[] {
  if (axis === null || axis === undefined) return Array.from({ length: rank }, (_, i) => i)
  const list = typeof axis === 'number' ? [axis] : axis
  const out = list.map((a) => normalizeAxis(a, rank, op))
  if (new Set(out).size !== out.length) {
    throw new ShapeError(`Repeated axis in \`${op}\`. Received: axis=${fmt(axis)}`)
  }
  return out.sort((a, b) => a - b)
}

/** @internal Integer range `[0, n)`. */
export function range(n: number, start = 0): number[] {
  return Array.from({ length: Math.max(0, n - start) }, (_, i) => i + start)
}

/** @internal Elementwise logical/bitwise AND of equal-shape operands. */
export const land = (a: Tensor, b: Tensor): Tensor => lax.binary('and', a, b)
/** @internal Elementwise logical/bitwise OR of equal-shape operands. */
export const lor = (a: Tensor, b: Tensor): Tensor => lax.binary('or', a, b)
