/**
 * @file Shape helpers that work on both paths: reshapes, inserted and removed unit axes, with
 * unknown (`null`) dims on symbolic tensors handled without needing concrete sizes.
 */
import { ShapeError, Tensor, fmt, lax } from '@kx/core'
import type { Dim } from '@kx/core'

const known = (s: readonly Dim[]): s is readonly number[] => s.every((d) => d !== null)

/**
 * @internal Reshapes to `target` (which may hold `null` on the symbolic path). Unknown dims are
 * handled by a `-1` reshape (one unknown), by inserting unit axes with a broadcast, or by removing
 * unit axes with a sum over them.
 */
export function reshapeTo(x: Tensor, target: readonly Dim[], op = 'reshape'): Tensor {
  if (x.shape.length === target.length && x.shape.every((d, i) => d === target[i])) return x
  if (known(target)) return lax.reshape(x, target)
  const nulls = target.filter((d) => d === null).length
  const src = x.shape as readonly Dim[]
  const nonUnit = (s: readonly Dim[]): Dim[] => s.filter((d) => d !== 1)
  const sameCore = nonUnit(src).length === nonUnit(target).length && nonUnit(src).every((d, i) => d === nonUnit(target)[i])
  if (sameCore) {
    // Only unit axes differ: drop the source's, then insert the target's.
    const dropAxes = src.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)
    const core = dropAxes.length ? lax.reduceSum(x, dropAxes) : x
    if (core.shape.length === target.length) return core
    const dims = target.map((d, i) => (d === 1 ? -1 : i)).filter((i) => i >= 0)
    return lax.broadcastInDim(core, target as readonly number[], dims)
  }
  if (nulls === 1) return lax.reshape(x, target.map((d) => d ?? -1))
  throw new ShapeError(`\`${op}\` cannot reshape a tensor with unknown dimensions to a shape with several unknown dimensions. Received: shape=${fmt(x.shape)}, target=${fmt(target)}`)
}

/** @internal Inserts unit axes at the given (sorted, normalised) output positions. */
export function insertAxes(x: Tensor, axes: readonly number[]): Tensor {
  if (axes.length === 0) return x
  const rank = x.shape.length + axes.length
  const out: Dim[] = []
  const dims: number[] = []
  let j = 0
  for (let i = 0; i < rank; i++) {
    if (axes.includes(i)) out.push(1)
    else { dims.push(i); out.push(x.shape[j++]!) }
  }
  if (known(out)) return lax.reshape(x, out)
  return lax.broadcastInDim(x, out as readonly number[], dims)
}

/** @internal Removes the given unit axes. */
export function removeAxes(x: Tensor, axes: readonly number[]): Tensor {
  if (axes.length === 0) return x
  const out = x.shape.filter((_, i) => !axes.includes(i))
  if (known(out)) return lax.reshape(x, out)
  return lax.reduceSum(x, axes)
}

/** @internal Shape after a reduction over `axes`, keeping them as unit dims or not. */
export function reducedShape(shape: readonly Dim[], axes: readonly number[], keepdims: boolean): Dim[] {
  return keepdims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i))
}

/** @internal Product of known dims, or null when any is unknown. */
export function knownSize(shape: readonly Dim[]): number | null {
  let n = 1
  for (const d of shape) { if (d === null) return null; n *= d }
  return n
}

/** @internal Moves `axis` to the end (returns the permutation applied). */
export function moveToEnd(x: Tensor, axis: number): [Tensor, number[]] {
  const perm = x.shape.map((_, i) => i).filter((i) => i !== axis)
  perm.push(axis)
  return [lax.transpose(x, perm), perm]
}

/** @internal Inverse of a permutation. */
export function invertPerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length)
  perm.forEach((p, i) => { inv[p] = i })
  return inv
}

/** @internal Flattens to 1-D. */
export function flatten1d(x: Tensor): Tensor {
  if (x.shape.length === 1) return x
  const n = knownSize(x.shape)
  return lax.reshape(x, [n ?? -1])
}
