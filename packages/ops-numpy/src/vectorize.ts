/**
 * @file `vectorize` (NumPy's generalized ufunc wrapper, `keras.ops.vectorize`) on core's `map`, and
 * `view` (reinterpreting bits as another dtype of the same width).
 */
import { DTypeError, InvalidArgumentError, NotImplementedError, Tensor, fmt, itemsize, lax, map as coreMap } from '@kx/core'
import { standardizeDType, toTensor, type DTypeLike, type TensorLike } from './convert.js'
import { broadcastShapesOp, broadcastTo } from './promote.js'
import { reshapeTo } from './shape-util.js'

function parseSignature(sig: string): { ins: string[][]; outs: string[][] } {
  const m = /^\s*(.*?)\s*->\s*(.*?)\s*$/.exec(sig)
  if (!m) throw new InvalidArgumentError(`Invalid \`signature\` for \`vectorize\`: expected "(i),(j)->(k)". Received: signature=${fmt(sig)}`)
  const groups = (s: string): string[][] => [...s.matchAll(/\(([^()]*)\)/g)].map((g) => g[1]!.split(',').map((d) => d.trim()).filter((d) => d !== ''))
  return { ins: groups(m[1]!), outs: groups(m[2]!) }
}

/**
 * Turns a function on tensors of fixed (core) shape into one that maps over leading broadcast dims
 * (`np.vectorize`); `signature` names the core dims, e.g. `"(n),(n)->()"` (default: scalars).
 *
 * @example
 * ```ts
 * const dotRows = vectorize((a: Tensor, b: Tensor) => ops.sum(ops.multiply(a, b)), { signature: '(n),(n)->()' })
 * dotRows(ops.ones([4, 3]), ops.ones([3])) // shape [4]
 * ```
 */
export function vectorize(pyfunc: (...args: Tensor[]) => Tensor, options: { excluded?: readonly number[] | null; signature?: string | null } = {}): (...args: TensorLike[]) => Tensor {
  const excluded = new Set(options.excluded ?? [])
  return (...args: TensorLike[]): Tensor => {
    const vec = args.map((a, i) => (excluded.has(i) ? null : toTensor(a)))
    const sig = options.signature ? parseSignature(options.signature) : null
    const ts = vec.filter((t): t is Tensor => t !== null)
    const core = sig ? sig.ins.map((g) => g.length) : ts.map(() => 0)
    if (core.length !== ts.length) throw new InvalidArgumentError(`\`vectorize\`: the signature names ${core.length} inputs, got ${ts.length}. Received: signature=${fmt(options.signature)}`)
    const loop = broadcastShapesOp('vectorize', ts.map((t, i) => t.shape.slice(0, t.shape.length - core[i]!)))
    const n = loop.reduce<number>((a, d) => a * (d ?? NaN), 1)
    if (!Number.isFinite(n)) throw new InvalidArgumentError('`vectorize` needs known loop dimensions.')
    const flat = ts.map((t, i) => {
      const coreShape = t.shape.slice(t.shape.length - core[i]!)
      return reshapeTo(broadcastTo(t, [...loop, ...coreShape]), [n, ...coreShape], 'vectorize')
    })
    const out = coreMap((xs: never) => {
      let k = 0
      const call = args.map((a, i) => (excluded.has(i) ? (a as Tensor) : (xs as Tensor[])[k++]!))
      return pyfunc(...call)
    }, flat) as Tensor
    return reshapeTo(out, [...loop, ...out.shape.slice(1)], 'vectorize')
  }
}

/**
 * The same bits seen as another dtype of the same width (`keras.ops.view`, `np.ndarray.view`).
 *
 * @example
 * ```ts
 * view(ops.convertToTensor([1], 'float32'), { dtype: 'int32' }) // [1065353216]
 * ```
 */
export function view(x: TensorLike, options: { dtype?: DTypeLike | null } = {}): Tensor {
  const t = toTensor(x)
  const d = standardizeDType(options.dtype, 'view') ?? t.dtype
  if (d === t.dtype) return t
  if (itemsize(d) !== itemsize(t.dtype)) {
    throw new NotImplementedError(`\`view\` between dtypes of different widths is not implemented in kx. Received: from=${t.dtype}, to=${d}`)
  }
  if (d === 'bool' || t.dtype === 'bool') throw new DTypeError(`\`view\` cannot reinterpret booleans. Received: from=${t.dtype}, to=${d}`)
  return lax.bitcastConvertType(t, d)
}
