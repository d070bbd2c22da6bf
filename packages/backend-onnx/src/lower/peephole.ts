/**
 * @file Peephole passes over a lowered ONNX graph (top-level nodes), for layout work ONNX Runtime's own
 * optimizers leave in place:
 * - a `Transpose` whose permutation only moves size-1 axes is a `Reshape` (a channels-last image with one
 *   channel entering a Conv: ORT keeps that Transpose as a copy, while a Reshape is free);
 * - a `Transpose` of a `Transpose` is one `Transpose` with the composed permutation (an `Identity` when
 *   they cancel); the inner one is pruned when nothing else reads it;
 * - `MatMul(Reshape(Transpose(x)) → [n, K], W)` with the batch axis kept first and `W` an initializer
 *   (weights baked in) is `MatMul(Reshape(x), W')`, `W'` holding `W`'s rows permuted once at lowering:
 *   Keras's channels-last Flatten before a Dense then reads the Conv's channels-first output directly.
 * Node outputs keep their names, so the graph's interface and every other reader are unchanged.
 */
import type { Dim } from '@kx/core'
import type { GraphBuilder } from '../onnx/builder.js'
import type { OnnxNode, OnnxTensor } from '../onnx/proto.js'

/** The permutation attribute of a Transpose node (undefined: the reversing default). */
function permOf(n: OnnxNode): readonly number[] | undefined {
  const p = n.attrs?.['perm']
  return Array.isArray(p) ? (p as number[]) : undefined
}

/**
 * Whether `perm` keeps the axes that are not 1 in their order (it only moves size-1 axes), so the
 * transpose does not move data.
 *
 * @example
 * ```ts
 * movesOnlyUnitAxes([8, 28, 28, 1], [0, 3, 1, 2]) // true: NHWC → NCHW with one channel
 * ```
 */
export function movesOnlyUnitAxes(shape: readonly Dim[], perm: readonly number[]): boolean {
  let last = -1
  for (const p of perm) {
    if (shape[p] === 1) continue
    if (p < last) return false
    last = p
  }
  return true
}

/**
 * Rewrites `nodes` with the peephole rules above. `shapes` holds the known kx shapes of values
 * (`null` = dynamic); shapes across Transposes are added as the pass walks. Initializers in `named`
 * (an export's named weights) are never replaced by permuted copies. Returns a new node list; new
 * constants are initializers of `b`.
 *
 * @example
 * ```ts
 * const nodes = peephole(b, b.nodes, new Map([['x', [4, 28, 28, 1]]]))
 * ```
 */
export function peephole(b: GraphBuilder, nodes: readonly OnnxNode[], shapes: ReadonlyMap<string, readonly Dim[]>, named: ReadonlySet<string> = new Set()): OnnxNode[] {
  const known = new Map(shapes)
  return foldFlattenTranspose(b, transposes(b, nodes, known), known, named)
}

/** The Transpose rules (unit axes → Reshape, composition); adds Transpose output shapes to `known`. */
function transposes(b: GraphBuilder, nodes: readonly OnnxNode[], known: Map<string, readonly Dim[]>): OnnxNode[] {
  const transposes = new Map<string, { readonly src: string; readonly perm: readonly number[] }>()
  const out: OnnxNode[] = []
  for (const n of nodes) {
    const perm = n.opType === 'Transpose' && n.inputs.length === 1 && !n.domain ? permOf(n) : undefined
    if (!perm) { out.push(n); continue }
    let src = n.inputs[0]!
    let composed = perm
    const inner = transposes.get(src)
    if (inner) { composed = perm.map((p) => inner.perm[p]!); src = inner.src }
    // A shape known on one side of the transpose gives the other (values leave lowerings in kx's layout).
    let shape = known.get(src)
    const given = known.get(n.outputs[0]!)
    if (!shape && given && given.length === composed.length) {
      const s = new Array<Dim>(composed.length)
      composed.forEach((p, i) => { s[p] = given[i]! })
      shape = s
      known.set(src, s)
    }
    const outShape = shape && shape.length === composed.length ? composed.map((p) => shape[p]!) : undefined
    if (outShape) known.set(n.outputs[0]!, outShape)
    transposes.set(n.outputs[0]!, { src, perm: composed })
    if (composed.every((p, i) => p === i)) { out.push({ opType: 'Identity', inputs: [src], outputs: n.outputs.slice() }); continue }
    // NOTE: a Reshape needs its target as constants: at most one dynamic dim (-1), no zero-size dims.
    if (outShape && movesOnlyUnitAxes(shape!, composed) && outShape.filter((d) => d === null).length <= 1 && !outShape.includes(0)) {
      out.push({ opType: 'Reshape', inputs: [src, b.i64(outShape.map((d) => d ?? -1))], outputs: n.outputs.slice() })
      continue
    }
    out.push(inner ? { ...n, inputs: [src], attrs: { ...n.attrs, perm: composed.slice() } } : n)
  }
  return out
}

/** Number of reads of each value by the nodes (reads inside their sub-graphs included; graph outputs not). */
function readCounts(nodes: readonly OnnxNode[]): Map<string, number> {
  const c = new Map<string, number>()
  const add = (x: string): void => { if (x) c.set(x, (c.get(x) ?? 0) + 1) }
  const visit = (n: OnnxNode): void => {
    for (const x of n.inputs) add(x)
    for (const a of Object.values(n.attrs ?? {})) if (typeof a === 'object' && a !== null && 'g' in a) for (const m of a.g.nodes) visit(m)
  }
  for (const n of nodes) visit(n)
  return c
}

/**
 * Rows of a `[K, N]` initializer reordered for the flatten of `x` (dims `xd`, batch first) instead of
 * the flatten of `Transpose(x, perm)`: row `j` of the result is the row the transposed flatten puts
 * that element of `x` at.
 */
function permutedRows(w: OnnxTensor, xd: readonly number[], perm: readonly number[], name: string): OnnxTensor {
  const k = w.dims[0]!
  const rowBytes = w.raw.length / k
  // Strides of the transposed value's inner axes, indexed by the axis of x each one reads.
  const tStride = new Array<number>(xd.length).fill(0)
  let st = 1
  for (let a = perm.length - 1; a >= 1; a--) { tStride[perm[a]!] = st; st *= xd[perm[a]!]! }
  const raw = new Uint8Array(w.raw.length)
  const idx = new Array<number>(xd.length).fill(0)
  for (let j = 0; j < k; j++) {
    let t = 0
    for (let a = 1; a < xd.length; a++) t += idx[a]! * tStride[a]!
    raw.set(w.raw.subarray(t * rowBytes, (t + 1) * rowBytes), j * rowBytes)
    for (let a = xd.length - 1; a >= 1; a--) { if (++idx[a]! < xd[a]!) break; idx[a] = 0 }
  }
  return { name, dataType: w.dataType, dims: w.dims.slice(), raw }
}

/** The MatMul rule (see the file comment). */
function foldFlattenTranspose(b: GraphBuilder, nodes: readonly OnnxNode[], known: ReadonlyMap<string, readonly Dim[]>, named: ReadonlySet<string>): OnnxNode[] {
  const producer = new Map<string, OnnxNode>()
  for (const n of nodes) for (const o of n.outputs) producer.set(o, n)
  const reads = readCounts(nodes)
  const inits = new Map(b.initializers.map((t) => [t.name, t]))
  const replaced = new Map<OnnxNode, OnnxNode[]>()
  for (const m of nodes) {
    if (m.opType !== 'MatMul' || m.domain || m.inputs.length !== 2) continue
    const r = producer.get(m.inputs[0]!)
    const w = named.has(m.inputs[1]!) ? undefined : inits.get(m.inputs[1]!)
    const t = r?.opType === 'Reshape' && !r.domain ? producer.get(r.inputs[0]!) : undefined
    const perm = t?.opType === 'Transpose' && !t.domain ? permOf(t) : undefined
    const xd = t ? known.get(t.inputs[0]!) : undefined
    const rd = r ? known.get(r.outputs[0]!) : undefined
    if (!r || !w || !t || !perm || !xd || !rd || perm[0] !== 0 || w.dims.length !== 2 || rd.length !== 2) continue
    // NOTE: the batch dim may be dynamic; every other dim of x must be known to permute W's rows.
    const inner = xd.slice(1)
    if (inner.some((d) => d === null) || rd[1] !== w.dims[0] || inner.reduce<number>((a, d) => a * d!, 1) !== w.dims[0]) continue
    if (reads.get(t.outputs[0]!) !== 1 || reads.get(r.outputs[0]!) !== 1 || w.dims[0] === 0 || w.raw.length % w.dims[0]! !== 0) continue
    const folded = permutedRows(w, [0, ...(inner as number[])], perm, b.fresh('w'))
    b.initializers.push(folded)
    const flat = b.fresh()
    replaced.set(m, [
      { opType: 'Reshape', inputs: [t.inputs[0]!, b.i64([xd[0] ?? -1, w.dims[0]!])], outputs: [flat] },
      { ...m, inputs: [flat, folded.name] },
    ])
  }
  if (replaced.size === 0) return nodes.slice()
  // The Transpose and the old Reshape stay for `prune`, which drops them unless a graph output reads them.
  return nodes.flatMap((n) => replaced.get(n) ?? [n])
}
