/** @file Shapes, unknown dimensions and broadcasting rules shared by the eager and symbolic paths. */
import { InvalidArgumentError, ShapeError, fmt } from './errors.js'

/** A dimension: a size, or `null` when unknown (symbolic tensors only). */
export type Dim = number | null
/** A shape that may have unknown dimensions (symbolic). Concrete tensors never hold `null`. */
export type SymbolicShape = readonly Dim[]

/** Number of elements; `null` if any dimension is unknown. */
export function sizeOf(shape: SymbolicShape): number {
  let n = 1
  for (const d of shape) n *= d === null ? NaN : d
  return n
}

/** True when every dimension is known. */
export function isFullyDefined(shape: SymbolicShape): shape is readonly number[] {
  return shape.every((d) => d !== null)
}

/** Row-major strides of a concrete shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length)
  let acc = 1
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]! }
  return s
}

/** Normalises a possibly-negative axis against a rank; throws a typed error naming the op. */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  if (!Number.isInteger(axis) || axis < -Math.max(rank, 1) || axis >= Math.max(rank, 1)) {
    throw new InvalidArgumentError(`Invalid axis for \`${op}\`: must be an integer in [${-rank}, ${rank}). Received: axis=${fmt(axis)}, rank=${rank}`)
  }
  return axis < 0 ? axis + rank : axis
}

/** Normalises a list of axes (or `null`/`undefined` for all axes), sorted and de-duplicated. */
export function normalizeAxes(axis: number | readonly number[] | null | undefined, rank: number, op: string): number[] {
  if (axis === null || axis === undefined) return Array.from({ length: rank }, (_, i) => i)
  const list = typeof axis === 'number' ? [axis] : axis
  const out = list.map((a) => normalizeAxis(a, rank, op))
  if (new Set(out).size !== out.length) throw new InvalidArgumentError(`Repeated axis in \`${op}\`. Received: axis=${fmt(axis)}`)
  return out.sort((a, b) => a - b)
}

/** Broadcast two dims; unknown with 1 stays unknown, unknown with n (>1) is n. */
function broadcastDim(a: Dim, b: Dim): Dim | undefined {
  if (a === 1) return b
  if (b === 1) return a
  if (a === null) return b
  if (b === null) return a
  return a === b ? a : undefined
}

/**
 * NumPy broadcasting of shapes (with unknown dims). Throws a `ShapeError` naming the op.
 *
 * @example
 * ```ts
 * broadcastShapes([[2, 1], [3]], 'add') // [2, 3]
 * ```
 */
export function broadcastShapes(shapes: readonly SymbolicShape[], op = 'broadcast'): Dim[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length))
  const out: Dim[] = new Array(rank).fill(1)
  for (const s of shapes) {
    const off = rank - s.length
    for (let i = 0; i < s.length; i++) {
      const r = broadcastDim(out[off + i]!, s[i]!)
      if (r === undefined) {
        throw new ShapeError(`Shapes are incompatible for broadcasting in \`${op}\`. Received: shapes=${shapes.map((x) => fmt(x)).join(', ')}`)
      }
      out[off + i] = r
    }
  }
  return out
}

/** True when two shapes are equal, treating unknown dims as compatible with anything. */
export function shapesCompatible(a: SymbolicShape, b: SymbolicShape): boolean {
  return a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i])
}

/** Exact structural equality of shapes. */
export function shapesEqual(a: SymbolicShape, b: SymbolicShape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i])
}

/** Checks that a value is a valid concrete shape (non-negative integers). */
export function checkShape(shape: unknown, where: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`Invalid shape in \`${where}\`: expected an array of non-negative integers. Received: shape=${fmt(shape)}`)
  }
  return shape as number[]
}
