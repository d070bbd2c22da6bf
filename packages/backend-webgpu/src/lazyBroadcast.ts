/**
 * @file Lazy `broadcast_in_dim` for the webgpu backend. kx's binary primitives take operands of one shape, so
 * a bias add is `broadcast_in_dim` (a tfjs Tile writing the whole output-sized buffer) then `add`; tfjs's
 * binary kernels broadcast by themselves. Here a float32 broadcast returns a handle that only remembers its
 * source (a rank-aligned view, no dispatch); a binary primitive whose other operand already has the output
 * shape reads the source directly, and anything else materialises the broadcast once, on first use.
 */
import type { Backend, BackendPrim, BackendPrimParams, BackendTensor, FusedOp, FusedParams, OutputSpec, TypedArray } from '@kx/core'

/** A broadcast not yet written: `src` is the source reshaped to the output's rank (size-1 broadcast dims). */
class LazyBroadcast {
  full: unknown = undefined
  constructor(readonly src: unknown, readonly aligned: readonly number[], readonly spec: OutputSpec) {}
}

/** Primitives whose tfjs kernels broadcast their operands (float32: Add, Sub, Multiply, RealDiv, Maximum, …). */
const BROADCASTING: ReadonlySet<string> = new Set(['add', 'sub', 'mul', 'div', 'max', 'min', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'])

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i])

/**
 * Wraps `base`'s `run` / `runFused` / `read` / `disposeData` so float32 broadcasts are lazy (see the file
 * comment). Returns the four replacement methods.
 *
 * @example
 * ```ts
 * const backend = { ...base, ...lazyBroadcasts(base) }
 * ```
 */
export function lazyBroadcasts(base: Backend): Pick<Backend, 'run' | 'read' | 'disposeData'> & { runFused: NonNullable<Backend['runFused']> } {
  const materialise = (l: LazyBroadcast): unknown => {
    if (l.full === undefined) {
      const src: BackendTensor = { dataId: l.src, shape: l.aligned, dtype: l.spec.dtype }
      l.full = base.run('broadcast_in_dim', [src], { shape: l.spec.shape, broadcastDimensions: l.spec.shape.map((_, i) => i) }, [l.spec])[0]
    }
    return l.full
  }
  const concrete = (t: BackendTensor): BackendTensor => (t.dataId instanceof LazyBroadcast ? { dataId: materialise(t.dataId), shape: t.shape, dtype: t.dtype } : t)
  const anyLazy = (inputs: readonly BackendTensor[]): boolean => {
    for (let i = 0; i < inputs.length; i++) if (inputs[i]!.dataId instanceof LazyBroadcast) return true
    return false
  }
  return {
    run<P extends BackendPrim>(prim: P, inputs: readonly BackendTensor[], params: BackendPrimParams[P], outputs: readonly OutputSpec[]): unknown[] {
      if (prim === 'broadcast_in_dim') {
        const x = inputs[0]!
        const { shape, broadcastDimensions: dims } = params as BackendPrimParams['broadcast_in_dim']
        const inOrder = dims.every((d, i) => i === 0 || d > dims[i - 1]!)
        if (x.dtype === 'float32' && !(x.dataId instanceof LazyBroadcast) && inOrder && !sameShape(x.shape, shape)) {
          const aligned = shape.map(() => 1)
          dims.forEach((d, i) => { aligned[d] = x.shape[i]! })
          // A view of the source (a Reshape: no dispatch) that this handle owns.
          const src = base.run('reshape', [x], { newSizes: aligned }, [{ shape: aligned, dtype: x.dtype }])[0]
          return [new LazyBroadcast(src, aligned, outputs[0]!)]
        }
      }
      if (!anyLazy(inputs)) return base.run(prim, inputs, params, outputs)
      const out = outputs[0]!
      const direct = BROADCASTING.has(prim) && inputs.length === 2
      const resolved = inputs.map((t, i) => {
        if (!(t.dataId instanceof LazyBroadcast)) return t
        const other = inputs[1 - i]!
        // The other operand has the output's shape: the kernel broadcasts this one's source itself.
        if (direct && !(other.dataId instanceof LazyBroadcast) && sameShape(other.shape, out.shape)) return { dataId: t.dataId.src, shape: t.dataId.aligned, dtype: t.dtype }
        return concrete(t)
      })
      return base.run(prim, resolved, params, outputs)
    },
    runFused<F extends FusedOp>(op: F, inputs: readonly BackendTensor[], params: FusedParams[F], outputs: readonly OutputSpec[]): unknown[] | null {
      return base.runFused!(op, anyLazy(inputs) ? inputs.map(concrete) : inputs, params, outputs)
    },
    read(t: BackendTensor): Promise<TypedArray> { return base.read(concrete(t)) },
    disposeData(dataId: unknown, dtype): void {
      if (!(dataId instanceof LazyBroadcast)) { base.disposeData(dataId, dtype); return }
      base.disposeData(dataId.src, dtype)
      if (dataId.full !== undefined) base.disposeData(dataId.full, dtype)
    },
  }
}
