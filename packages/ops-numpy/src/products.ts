/**
 * @file Products of `keras.ops`: matmul, dot, tensordot, inner, outer, vdot, kron and cross,
 * lowered to `dot_general` (batched, with NumPy's broadcasting of batch dims).
 */
import { InvalidArgumentError, ShapeError, Tensor, fmt, isBool, lax } from '@kx/core'
import type { DType, Dim } from '@kx/core'
import { backendOfArgs, toTensor, type TensorLike } from './convert.js'
import { axisOf, broadcastShapesOp, broadcastTo, cast, range, resultDType } from './promote.js'
import { insertAxes, removeAxes, reshapeTo } from './shape-util.js'
import { like } from './elementwise.js'
import { ravel } from './shape-ops.js'
import { moveaxis } from './shape-ops.js'

/** @internal Operands in their product dtype (bool computes in int32; `int8ToInt32`: int8·int8 gives int32, as Keras's matmul). */
export function productOperands(x1: TensorLike, x2: TensorLike, int8ToInt32 = false): [Tensor, Tensor, DType] {
  const b = backendOfArgs([x1, x2])
  const a0 = toTensor(x1, undefined, b)
  const b0 = toTensor(x2, undefined, b)
  let d = int8ToInt32 && a0.dtype === 'int8' && b0.dtype === 'int8' ? 'int32' : resultDType(a0, b0)
  const outDtype = d
  if (isBool(d)) d = 'int32'
  return [cast(a0, d), cast(b0, d), outDtype]
}

const finish = (t: Tensor, out: DType): Tensor => (isBool(out) ? lax.ne(t, like(t, 0)) : cast(t, out))

/**
 * Matrix product with NumPy semantics: 1-D operands are promoted to matrices (and the unit
 * dimension removed), leading batch dimensions broadcast.
 *
 * @example
 * ```ts
 * matmul(ops.ones([2, 3, 4]), ops.ones([4, 5])) // shape [2, 3, 5]
 * ```
 */
export function matmul(x1: TensorLike, x2: TensorLike): Tensor {
  let [a, b, out] = productOperands(x1, x2, true)
  if (a.shape.length === 0 || b.shape.length === 0) {
    throw new ShapeError(`\`matmul\` does not take scalars; use \`multiply\`. Received: x1.shape=${fmt(a.shape)}, x2.shape=${fmt(b.shape)}`)
  }
  const aVec = a.shape.length === 1
  const bVec = b.shape.length === 1
  if (aVec) a = insertAxes(a, [0])
  if (bVec) b = insertAxes(b, [1])
  const ka = a.shape[a.shape.length - 1]!
  const kb = b.shape[b.shape.length - 2]!
  if (ka !== null && kb !== null && ka !== kb) {
    throw new ShapeError(`Inner dimensions of \`matmul\` do not match. Received: x1.shape=${fmt(toTensor(x1).shape)}, x2.shape=${fmt(toTensor(x2).shape)}`)
  }
  const batch = broadcastShapesOp('matmul', [a.shape.slice(0, -2), b.shape.slice(0, -2)])
  a = broadcastTo(a, [...batch, ...a.shape.slice(-2)])
  b = broadcastTo(b, [...batch, ...b.shape.slice(-2)])
  const nb = batch.length
  const bd = range(nb)
  let r = lax.dotGeneral(a, b, [[nb + 1], [nb]], [bd, bd])
  const drop: number[] = []
  if (aVec) drop.push(nb)
  if (bVec) drop.push(r.shape.length - 1)
  r = removeAxes(r, drop)
  return finish(r, out)
}

/**
 * NumPy `dot`: scalars multiply, 1-D·1-D is the inner product, otherwise the last axis of `x1`
 * contracts with the second-to-last of `x2` (the last for 1-D).
 *
 * @example
 * ```ts
 * dot([1, 2], [3, 4]) // 11
 * ```
 */
export function dot(x1: TensorLike, x2: TensorLike): Tensor {
  const [a, b, out] = productOperands(x1, x2)
  if (a.shape.length === 0 || b.shape.length === 0) {
    const [u, v] = [a, b]
    const shape = broadcastShapesOp('dot', [u.shape, v.shape])
    return finish(lax.mul(broadcastTo(u, shape), broadcastTo(v, shape)), out)
  }
  const ca = a.shape.length - 1
  const cb = Math.max(0, b.shape.length - 2)
  checkContract('dot', a, b, [ca], [cb])
  return finish(lax.dotGeneral(a, b, [[ca], [cb]]), out)
}

function checkContract(op: string, a: Tensor, b: Tensor, ca: readonly number[], cb: readonly number[]): void {
  ca.forEach((d, i) => {
    const x = a.shape[d]
    const y = b.shape[cb[i]!]
    if (x !== null && y !== null && x !== y) {
      throw new ShapeError(`\`${op}\` contracts dimensions of different sizes. Received: x1.shape=${fmt(a.shape)}, x2.shape=${fmt(b.shape)}`)
    }
  })
}

/**
 * Sum of products over the given axes: `axes = n` contracts the last n axes of `x1` with the first
 * n of `x2`; `axes = [axesOfX1, axesOfX2]` names them.
 *
 * @example
 * ```ts
 * tensordot(ops.ones([2, 3]), ops.ones([3, 4]), { axes: 1 }) // shape [2, 4]
 * ```
 */
export function tensordot(x1: TensorLike, x2: TensorLike, options: { axes?: number | readonly [number | readonly number[], number | readonly number[]] } = {}): Tensor {
  const [a, b, out] = productOperands(x1, x2)
  const axes = options.axes ?? 2
  let ca: number[]
  let cb: number[]
  if (typeof axes === 'number') {
    if (!Number.isInteger(axes) || axes < 0 || axes > a.shape.length || axes > b.shape.length) {
      throw new InvalidArgumentError(`\`tensordot\`: axes must be between 0 and both ranks. Received: axes=${axes}, x1.shape=${fmt(a.shape)}, x2.shape=${fmt(b.shape)}`)
    }
    ca = range(a.shape.length).slice(a.shape.length - axes)
    cb = range(axes)
  } else {
    const list = (v: number | readonly number[]): readonly number[] => (typeof v === 'number' ? [v] : v)
    ca = list(axes[0]).map((d) => axisOf(d, a.shape.length, 'tensordot'))
    cb = list(axes[1]).map((d) => axisOf(d, b.shape.length, 'tensordot'))
    if (ca.length !== cb.length) throw new InvalidArgumentError(`\`tensordot\` needs as many axes for x1 as for x2. Received: axes=${fmt(axes)}`)
  }
  checkContract('tensordot', a, b, ca, cb)
  return finish(lax.dotGeneral(a, b, [ca, cb]), out)
}

/**
 * Inner product over the last axes (scalars multiply).
 *
 * @example
 * ```ts
 * inner([1, 2], [3, 4]) // 11
 * ```
 */
export function inner(x1: TensorLike, x2: TensorLike): Tensor {
  const [a, b, out] = productOperands(x1, x2)
  if (a.shape.length === 0 || b.shape.length === 0) return dot(a, b)
  const ca = a.shape.length - 1
  const cb = b.shape.length - 1
  checkContract('inner', a, b, [ca], [cb])
  return finish(lax.dotGeneral(a, b, [[ca], [cb]]), out)
}

/** Outer product of the flattened inputs. @example `outer([1, 2], [3, 4]) // [[3, 4], [6, 8]]` */
export function outer(x1: TensorLike, x2: TensorLike): Tensor {
  const [a, b, out] = productOperands(x1, x2)
  const u = ravel(a)
  const v = ravel(b)
  return finish(lax.dotGeneral(insertAxes(u, [1]), insertAxes(v, [0]), [[1], [0]]), out)
}

/** Dot product of the flattened inputs. @example `vdot([[1, 2]], [[3, 4]]) // 11` */
export function vdot(x1: TensorLike, x2: TensorLike): Tensor {
  const [a, b, out] = productOperands(x1, x2)
  const u = ravel(a)
  const v = ravel(b)
  checkContract('vdot', u, v, [0], [0])
  return finish(lax.dotGeneral(u, v, [[0], [0]]), out)
}

/**
 * Kronecker product (`np.kron`).
 *
 * @example
 * ```ts
 * kron([1, 2], [1, 10]) // [1, 10, 2, 20]
 * ```
 */
export function kron(x1: TensorLike, x2: TensorLike): Tensor {
  let [a, b, out] = productOperands(x1, x2)
  const r = Math.max(a.shape.length, b.shape.length)
  if (a.shape.length < r) a = insertAxes(a, range(r - a.shape.length))
  if (b.shape.length < r) b = insertAxes(b, range(r - b.shape.length))
  // a[i]·b[j] laid out as [a0, b0, a1, b1, ...] then merged pairwise.
  const ae = insertAxes(a, range(r).map((i) => 2 * i + 1))
  const be = insertAxes(b, range(r).map((i) => 2 * i))
  const shape: Dim[] = []
  for (let i = 0; i < r; i++) shape.push(a.shape[i]!, b.shape[i]!)
  const p = lax.mul(broadcastTo(ae, shape), broadcastTo(be, shape))
  const merged = a.shape.map((d, i) => (d === null || b.shape[i] === null ? null : d * b.shape[i]!))
  return finish(reshapeTo(p, merged, 'kron'), out)
}

/**
 * Cross product of 3-vectors (2-vectors are extended with z = 0) along the given axes.
 *
 * @example
 * ```ts
 * cross([1, 0, 0], [0, 1, 0]) // [0, 0, 1]
 * ```
 */
export function cross(x1: TensorLike, x2: TensorLike, options: { axisa?: number; axisb?: number; axisc?: number; axis?: number | null } = {}): Tensor {
  let [a, b, out] = productOperands(x1, x2)
  let { axisa = -1, axisb = -1, axisc = -1 } = options
  if (options.axis !== undefined && options.axis !== null) { axisa = options.axis; axisb = options.axis; axisc = options.axis }
  a = moveaxis(a, axisOf(axisa, a.shape.length, 'cross'), -1)
  b = moveaxis(b, axisOf(axisb, b.shape.length, 'cross'), -1)
  const na = a.shape[a.shape.length - 1]
  const nb = b.shape[b.shape.length - 1]
  if ((na !== 2 && na !== 3) || (nb !== 2 && nb !== 3)) {
    throw new ShapeError(`\`cross\` needs vectors of 2 or 3 components along the axis. Received: x1.shape=${fmt(toTensor(x1).shape)}, x2.shape=${fmt(toTensor(x2).shape)}`)
  }
  const comp = (t: Tensor, i: number): Tensor => {
    const n = t.shape[t.shape.length - 1]!
    if (i >= n) return like(removeAxes(lax.slice(t, t.shape.map(() => 0), t.shape.map((d, j) => (j === t.shape.length - 1 ? 1 : d)) as number[]), [t.shape.length - 1]), 0)
    return removeAxes(lax.slice(t, t.shape.map((_, j) => (j === t.shape.length - 1 ? i : 0)), t.shape.map((d, j) => (j === t.shape.length - 1 ? i + 1 : d)) as number[]), [t.shape.length - 1])
  }
  const shape = broadcastShapesOp('cross', [a.shape.slice(0, -1), b.shape.slice(0, -1)])
  const A = [0, 1, 2].map((i) => broadcastTo(comp(a, i), shape))
  const B = [0, 1, 2].map((i) => broadcastTo(comp(b, i), shape))
  const m = lax.mul
  const s = lax.sub
  if (na === 2 && nb === 2) return finish(s(m(A[0]!, B[1]!), m(A[1]!, B[0]!)), out)
  const cx = s(m(A[1]!, B[2]!), m(A[2]!, B[1]!))
  const cy = s(m(A[2]!, B[0]!), m(A[0]!, B[2]!))
  const cz = s(m(A[0]!, B[1]!), m(A[1]!, B[0]!))
  const r = lax.concatenate([cx, cy, cz].map((c) => insertAxes(c, [c.shape.length])), shape.length)
  return finish(moveaxis(r, -1, axisOf(axisc, r.shape.length, 'cross')), out)
}
