/**
 * @file Fewer shader pipelines to compile: tfjs-webgpu keys each elementwise program by its operands' ranks
 * and broadcast pattern, so the same `mul` on a rank-4 conv kernel, a rank-2 dense kernel and a rank-0 step
 * counter compiles three pipelines (each 0.1–1 s on a software adapter, before the first step can finish).
 * Here elementwise primitives run on views of the fewest dims that describe them — size-1 output dims
 * dropped, neighbouring dims that broadcast alike merged — so they share pipelines. The views are tfjs
 * Reshapes (no dispatch); the kernels read the same flat buffers as before.
 */
import { BINARY_PRIMS, COMPARE_PRIMS, UNARY_PRIMS } from '@kx/core'
import type { Backend, BackendPrim, BackendPrimParams, BackendTensor, OutputSpec } from '@kx/core'

/** Primitives computed element by element (operands of the output's rank; size-1 dims broadcast). */
const ELEMENTWISE: ReadonlySet<string> = new Set<string>([...UNARY_PRIMS, ...BINARY_PRIMS, ...COMPARE_PRIMS, 'select_n', 'convert_element_type'])
/**
 * Binary primitives whose kernels broadcast a rank-0 operand: a one-element operand goes in as a scalar, the
 * shape backend-tfjs gives a known constant operand, so both share a pipeline (max/min excluded: their
 * rules may return the other operand's shape).
 */
const SCALAR_OPERAND: ReadonlySet<string> = new Set(['add', 'sub', 'mul', 'div', ...COMPARE_PRIMS])

/**
 * The canonical shapes of an elementwise call with output `out` and operands `ins` of the same rank (each
 * dim equal to the output's or 1), or `null` when the call is already canonical or is not of that form.
 * Output dims of size 1 are dropped, and neighbouring dims where every operand is broadcast alike (full or
 * size 1) merge into one; a one-element result becomes rank 0.
 *
 * @example
 * ```ts
 * canonicalShapes([8, 5, 5, 16], [[8, 5, 5, 16], [1, 1, 1, 16]]) // { out: [200, 16], ins: [[200, 16], [1, 16]] }
 * ```
 */
export function canonicalShapes(out: readonly number[], ins: readonly (readonly number[])[]): { out: number[]; ins: number[][] } | null {
  const rank = out.length
  for (const s of ins) if (s.length !== rank) return null
  const cOut: number[] = []
  const cIns: number[][] = ins.map(() => [])
  let prev: string | null = null
  for (let d = 0; d < rank; d++) {
    const n = out[d]!
    if (n === 1) continue
    if (n === 0) return null
    let pattern = ''
    for (const s of ins) {
      if (s[d] !== n && s[d] !== 1) return null
      pattern += s[d] === n ? '1' : '0'
    }
    if (pattern === prev) {
      cOut[cOut.length - 1]! *= n
      ins.forEach((s, i) => { if (s[d] === n) cIns[i]![cIns[i]!.length - 1]! *= n })
    } else {
      cOut.push(n)
      ins.forEach((s, i) => cIns[i]!.push(s[d] === n ? n : 1))
      prev = pattern
    }
  }
  // One element: rank 0, the shape backend-tfjs gives scalar constants (a [1] result would tile them).
  if (cOut.length === 0) return rank === 0 ? null : { out: [], ins: ins.map(() => []) }
  const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i])
  if (same(cOut, out) && ins.every((s, i) => same(s, cIns[i]!))) return null
  return { out: cOut, ins: cIns }
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1)

/**
 * Binary primitives with operands swapped (`a op b` = `b op' a`, exactly): a broadcast operand goes second.
 * max/min stay: backend-tfjs's rule turns `max(zeros, b)` into `Relu(b)`, which must keep the output shape.
 */
const SWAPPED: Readonly<Record<string, BackendPrim>> = { add: 'add', mul: 'mul', eq: 'eq', ne: 'ne', lt: 'gt', gt: 'lt', le: 'ge', ge: 'le' }

/**
 * The shapes an elementwise `prim` runs on: `canonicalShapes`, then one-element operands of a
 * `SCALAR_OPERAND` primitive as rank 0; `null` when the given shapes are already those.
 */
function runShapes(prim: string, out: readonly number[], ins: readonly (readonly number[])[]): { out: number[]; ins: number[][] } | null {
  const canonical = canonicalShapes(out, ins)
  if (!SCALAR_OPERAND.has(prim)) return canonical
  const c = canonical ?? { out: out.slice(), ins: ins.map((s) => s.slice()) }
  if (!c.out.some((d) => d > 1) || !c.ins.some((s) => s.length > 0 && s.every((d) => d === 1))) return canonical
  return { out: c.out, ins: c.ins.map((s) => (s.every((d) => d === 1) ? [] : s)) }
}

/**
 * Wraps `base.run` so elementwise primitives run on their canonical shapes (`canonicalShapes`) and
 * `random_uniform` draws a flat vector, through Reshape views that are freed after the call; every other
 * primitive goes to `base.run` unchanged.
 *
 * @example
 * ```ts
 * const backend = { ...base, ...canonicalElementwise(base) }
 * ```
 */
export function canonicalElementwise(base: Backend): Pick<Backend, 'run'> {
  const view = (t: BackendTensor, shape: readonly number[]): unknown => base.run('reshape', [t], { newSizes: shape }, [{ shape, dtype: t.dtype }])[0]
  /** Runs `prim` for an output of shape `shape` and returns it viewed as `spec`. */
  const runViewed = <P extends BackendPrim>(prim: P, inputs: readonly BackendTensor[], params: BackendPrimParams[P], shape: number[], spec: OutputSpec): unknown[] => {
    const flat = base.run(prim, inputs, params, [{ shape, dtype: spec.dtype }])[0]
    try { return [view({ dataId: flat, shape, dtype: spec.dtype }, spec.shape)] } finally { base.disposeData(flat, spec.dtype) }
  }
  return {
    run<P extends BackendPrim>(prim: P, inputs: readonly BackendTensor[], params: BackendPrimParams[P], outputs: readonly OutputSpec[]): unknown[] {
      const spec = outputs[0]!
      if (prim === 'random_uniform' && spec.shape.length !== 1) {
        // One Threefry pipeline for every shape: the draw is indexed by the flat element index anyway.
        const n = size(spec.shape)
        return runViewed(prim, inputs, { ...params, shape: [n] }, [n], spec)
      }
      if (!ELEMENTWISE.has(prim) || outputs.length !== 1) return base.run(prim, inputs, params, outputs)
      const shapes = inputs.map((t) => t.shape)
      // `0.5 * x` and `x * 0.5` share one pipeline (tfjs keys which side broadcasts).
      const swapped = inputs.length === 2 && size(shapes[0]!) < size(shapes[1]!) ? SWAPPED[prim] : undefined
      const c = runShapes(prim, spec.shape, shapes) ?? (swapped ? { out: spec.shape.slice(), ins: shapes.map((s) => s.slice()) } : null)
      if (!c) return base.run(prim, inputs, params, outputs)
      const views = inputs.map((t, i) => ({ dataId: view(t, c.ins[i]!), shape: c.ins[i]!, dtype: t.dtype }))
      try { return swapped ? runViewed(swapped, [views[1]!, views[0]!], params, c.out, spec) : runViewed(prim, views, params, c.out, spec) } finally {
        for (const v of views) base.disposeData(v.dataId, v.dtype)
      }
    },
  }
}
