/**
 * @file Small tensor helpers the optimizers and schedules share: cached scalar constants and
 * scalar-with-tensor arithmetic on `lax` (one broadcast + one primitive, the constant uploaded once),
 * means with cached counts, and buffer copies. Everything else comes from `@kx/ops-numpy`.
 */
import { Tensor, full, getBackend, keep, lax, type Backend, type DType } from '@kx/core'
import { sum } from '@kx/ops-numpy'

// NOTE: hyperparameter scalars (beta_1, epsilon, 1 - rho, ...) are uploaded once per backend and
// dtype and kept, so an update step does no host-to-device transfer. Their broadcasts to variable
// shapes are kept too (a broadcast costs as much as an elementwise op), within a budget of
// BROADCAST_BUDGET elements in all; past it they are made per step. Tensors a trace captured and later
// freed (graph disposal) are detected with `isDisposed` and re-made. When the cache is full, constants
// are made fresh (ordinary intermediates) instead.
const constants = new Map<string, Tensor>()
const MAX_CONSTANTS = 1024
const BROADCAST_BUDGET = 8 * 1024 * 1024
let broadcastElements = 0

function cached(key: string, backend: Backend, make: () => Tensor, elements = 0): Tensor {
  const hit = constants.get(key)
  if (hit && !hit.isDisposed && hit.backend === backend) return hit
  if (!hit && (constants.size >= MAX_CONSTANTS || broadcastElements + elements > BROADCAST_BUDGET)) return make()
  if (!hit) broadcastElements += elements
  const t = keep(make())
  constants.set(key, t)
  return t
}

/** A kept scalar constant on the backend of `like` (or the active backend). */
export function constant(value: number, dtype: DType, like?: Tensor): Tensor {
  const backend: Backend = like && !like.isSymbolic ? like.backend : getBackend()
  return cached(`${backend.name}|${dtype}|${value}`, backend, () => full([], value, dtype, backend))
}

/** `value` broadcast to the shape and dtype of `x` (kept while within the budget). */
function constantLike(x: Tensor, value: number): Tensor {
  const c = constant(value, x.dtype, x)
  if (x.shape.length === 0) return c
  const size = x.shape.reduce((a, b) => a * b, 1)
  return cached(`${c.backend.name}|${x.dtype}|${value}|${x.shape.join(',')}`, c.backend, () => lax.broadcastInDim(c, x.shape as number[], []), size)
}

/** `s` (a number or a scalar tensor) as a tensor with the shape and dtype of `x`. */
export function like(x: Tensor, s: number | Tensor): Tensor {
  if (typeof s === 'number') return constantLike(x, s)
  let t = s
  if (t.dtype !== x.dtype) t = lax.convertElementType(t, x.dtype)
  if (x.shape.length === 0) return t.shape.length === 0 ? t : lax.reshape(t, [])
  if (t.shape.length === x.shape.length && t.shape.every((d, i) => d === x.shape[i])) return t
  return lax.broadcastInDim(t, x.shape as number[], [])
}

/** `x * s`. */
export const mulS = (x: Tensor, s: number | Tensor): Tensor => lax.mul(x, like(x, s))
/** `x + s`. */
export const addS = (x: Tensor, s: number | Tensor): Tensor => lax.add(x, like(x, s))
/** `x - s`. */
export const subS = (x: Tensor, s: number | Tensor): Tensor => lax.sub(x, like(x, s))
/** `x / s`. */
export const divS = (x: Tensor, s: number | Tensor): Tensor => lax.div(x, like(x, s))
/** `s - x`. */
export const rsubS = (s: number | Tensor, x: Tensor): Tensor => lax.sub(like(x, s), x)
/** `s / x`. */
export const rdivS = (s: number | Tensor, x: Tensor): Tensor => lax.div(like(x, s), x)
/** `max(x, s)`. */
export const maxS = (x: Tensor, s: number | Tensor): Tensor => lax.max(x, like(x, s))
/** `min(x, s)`. */
export const minS = (x: Tensor, s: number | Tensor): Tensor => lax.min(x, like(x, s))
/** `x ** s`. */
export const powS = (x: Tensor, s: number | Tensor): Tensor => lax.pow(x, like(x, s))

/** Mean of every element (a scalar), dividing by a cached count. */
export function meanAll(x: Tensor): Tensor {
  const n = x.shape.reduce((a, b) => a * b, 1)
  return divS(sum(x), n)
}
/** Mean over one axis, dropping it (or keeping it as size 1), dividing by a cached count. */
export function meanAxis(x: Tensor, axis: number, keepdims = false): Tensor {
  const ax = axis < 0 ? x.shape.length + axis : axis
  const s = divS(lax.reduceSum(x, [ax]), x.shape[ax]!)
  if (!keepdims) return s
  const shape = x.shape.slice() as number[]
  shape[ax] = 1
  return lax.reshape(s, shape)
}

/** A fresh tensor with the values of `x` (so two variables never share one buffer). */
export function copy(x: Tensor): Tensor {
  return lax.broadcastInDim(x, x.shape as number[], x.shape.map((_, i) => i))
}

/** Clips `x` to `[lo, hi]`. */
export function clip(x: Tensor, lo: number | Tensor, hi: number | Tensor): Tensor {
  return lax.min(lax.max(x, like(x, lo)), like(x, hi))
}
