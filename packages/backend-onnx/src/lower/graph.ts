/**
 * @file Lowering a whole program of primitive calls (a pending eager graph, a traced `Graph`) into an
 * ONNX model: named inputs, embedded constants, one lowering per equation, outputs de-aliased.
 */
import { UnsupportedOpError, fmt, type AbstractValue, type BackendPrim, type ControlPrimParams, type Dim, type TypedArray } from '@kx/core'
import { lowerCond, lowerScan, lowerWhile } from './control.js'
import { GraphBuilder, type LVal } from '../onnx/builder.js'
import { NATIVE, STORAGE, isHalf, rawBytes } from '../onnx/dtypes.js'
import type { OnnxGraph, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from '../onnx/proto.js'
import { LOWERINGS } from './table.js'
import { fusions } from './fuse.js'
import { peephole } from './peephole.js'

/** One equation of a program to lower: value ids in, value ids (with avals) out. */
export interface ProgramEquation {
  readonly prim: string
  readonly params: unknown
  readonly inputs: readonly number[]
  readonly outputs: readonly { readonly id: number; readonly aval: AbstractValue }[]
}

/** A program: fed inputs, constants (host values in kx storage), equations in order, outputs. */
export interface Program {
  readonly inputs: readonly { readonly id: number; readonly aval: AbstractValue; readonly name?: string }[]
  readonly constants: readonly { readonly id: number; readonly aval: AbstractValue; readonly values: TypedArray; readonly name?: string }[]
  readonly equations: readonly ProgramEquation[]
  readonly outputs: readonly { readonly id: number; readonly name?: string }[]
}

/** Options of `lowerProgram`. */
export interface LowerOptions {
  /** ONNX opset of the default domain (17 or higher). */
  readonly opset: number
  /** `storage` (the backend: half dtypes as float32 at the boundary) or `native` (export: their own types). */
  readonly boundary?: 'storage' | 'native'
  /** Name of each dynamic input dim (export); default `d<input>_<axis>`. */
  readonly dimName?: (input: number, axis: number) => string
  /**
   * Max/min pooling propagates NaN exactly (XLA) instead of ORT MaxPool's position-dependent rule, and
   * relu / softmax patterns are not fused into `Relu` / `Softmax` (see `fusions`) (default false).
   */
  readonly exactNaN?: boolean
  /**
   * The engine's integer `Div` rounds through float32 (OpenVINO's CPU plugin): integer div/rem correct the
   * quotient with exact integer ops (default false: ONNX Runtime divides exactly).
   */
  readonly inexactIntDiv?: boolean
  readonly graphName?: string
  readonly producerVersion?: string
  readonly docString?: string
}

/**
 * The ONNX IR version that goes with an opset (the lowest that supports it).
 *
 * @example
 * ```ts
 * irVersionFor(18) // 8
 * ```
 */
export function irVersionFor(opset: number): number {
  return opset <= 18 ? 8 : opset <= 20 ? 9 : opset <= 22 ? 10 : 11
}

/**
 * Lowers one primitive call (control flow included) into `b`: the shared entry of pending graphs,
 * `compile` and export. Returns one ONNX value name per output.
 *
 * @example
 * ```ts
 * const b = new GraphBuilder(18)
 * const [y] = lowerEquation(b, 'exp', [{ name: 'x', shape: [3], dtype: 'float32' }], {}, [{ shape: [3], dtype: 'float32' }])
 * ```
 */
export function lowerEquation(b: GraphBuilder, prim: string, inputs: readonly LVal[], params: unknown, outputs: readonly AbstractValue[]): string[] {
  if (prim === 'cond' || prim === 'while' || prim === 'scan') {
    const saved = b.prim
    b.prim = prim as BackendPrim
    try {
      if (prim === 'cond') return lowerCond(b, inputs, params as ControlPrimParams['cond'], outputs, lowerEquation)
      if (prim === 'while') return lowerWhile(b, inputs, params as ControlPrimParams['while'], outputs, lowerEquation)
      return lowerScan(b, inputs, params as ControlPrimParams['scan'], outputs, lowerEquation)
    } finally { b.prim = saved }
  }
  const lowering = (LOWERINGS as Record<string, unknown>)[prim] as ((...a: unknown[]) => string[]) | undefined
  if (!lowering) throw new UnsupportedOpError(`Unknown primitive. Received: prim=${fmt(prim)}`)
  const saved = b.prim
  b.prim = prim as BackendPrim
  try {
    return lowering(b, inputs, params, outputs)
  } finally { b.prim = saved }
}

/**
 * Lowers a program to an ONNX model. Returns the model plus the ONNX names of its inputs and outputs
 * in order. Throws `UnsupportedOpError` (naming the primitive and ONNX operator) when an equation has
 * no lowering.
 *
 * @example
 * ```ts
 * const { model } = lowerProgram(program, { opset: 18 })
 * const bytes = encodeModel(model)
 * ```
 */
export function lowerProgram(p: Program, options: LowerOptions): { model: OnnxModel; inputNames: string[]; outputNames: string[] } {
  const native = options.boundary === 'native'
  const b = new GraphBuilder(options.opset)
  b.exactNaN = options.exactNaN ?? false
  b.inexactIntDiv = options.inexactIntDiv ?? false
  const env = new Map<number, LVal>()
  const graphInputs: OnnxValueInfo[] = []
  const inputNames: string[] = []
  const outNames = p.outputs.map((o, i) => b.reserve(o.name ?? `out${i}`))
  p.inputs.forEach((inp, i) => {
    const name = b.reserve(inp.name ?? `in${i}`)
    inputNames.push(name)
    const d = inp.aval.dtype
    const dims = inp.aval.shape.map((s, a) => (s === null ? (options.dimName?.(i, a) ?? `d${i}_${a}`) : s))
    graphInputs.push({ name, dataType: native ? NATIVE[d] : STORAGE[d], dims })
    const internal = native && isHalf(d) ? b.castTo(name, NATIVE[d], STORAGE[d]) : name
    env.set(inp.id, { name: internal, shape: inp.aval.shape, dtype: d })
  })
  for (const c of p.constants) {
    const d = c.aval.dtype
    const v = c.values
    // A splat (all elements equal) becomes a scalar plus a broadcast: no large initializer.
    const splat = !c.name && v.length > 1 && Array.prototype.every.call(v, (e: number) => Object.is(e, v[0]))
    let name: string
    if (splat) {
      const s = b.constant([v[0] as number], STORAGE[d], [])
      name = b.op('Expand', [s, b.i64(c.aval.shape as number[])])
      b.hintBroadcast(name, s)
      b.splat.set(name, v[0] as number)
      b.splat.set(s, v[0] as number)
    } else {
      name = b.rawConstant(rawBytes(v as ArrayLike<number>, STORAGE[d]), STORAGE[d], c.aval.shape as number[], c.name)
      if (v.length === 1) b.splat.set(name, v[0] as number)
    }
    env.set(c.id, { name, shape: c.aval.shape, dtype: d })
  }
  const value = (id: number, prim: string): LVal => {
    const v = env.get(id)
    if (!v) throw new UnsupportedOpError(`lowerProgram: equation \`${prim}\` reads value ${id} before it is defined.`)
    return v
  }
  const fused = b.exactNaN ? undefined : fusions(p)
  for (const [i, eq] of p.equations.entries()) {
    const ins = eq.inputs.map((id) => value(id, eq.prim))
    const fuse = fused?.get(i)
    const outs = fuse ? [fuse(b, (id) => value(id, eq.prim))] : lowerEquation(b, eq.prim, ins, eq.params, eq.outputs.map((o) => o.aval))
    eq.outputs.forEach((o, i) => env.set(o.id, { name: outs[i]!, shape: o.aval.shape, dtype: o.aval.dtype }))
  }
  b.nodes = peephole(b, b.nodes, knownShapes(env.values()), new Set(p.constants.flatMap((c) => (c.name ? [env.get(c.id)!.name] : []))))
  // Outputs: rename the producing node's output when it is private to this output, else copy.
  const fed = new Set([...inputNames, ...b.initializers.map((t) => t.name)])
  const produced = new Set(b.nodes.flatMap((n) => n.outputs))
  const renames = new Map<string, string>()
  const graphOutputs: OnnxValueInfo[] = []
  p.outputs.forEach((o, i) => {
    const v = env.get(o.id)!
    const d = v.dtype
    const target = outNames[i]!
    graphOutputs.push({ name: target, dataType: native ? NATIVE[d] : STORAGE[d], dims: v.shape.map((s) => (s === null ? null : s)) })
    if (native && isHalf(d)) b.opTo('Cast', [v.name], target, { to: NATIVE[d] })
    else if (!fed.has(v.name) && produced.has(v.name) && !renames.has(v.name)) renames.set(v.name, target)
    else b.opTo('Identity', [renames.get(v.name) ?? v.name], target)
  })
  const { nodes, initializers } = prune(renameAll(b.nodes, renames), b.initializers, outNames)
  const model: OnnxModel = {
    irVersion: irVersionFor(options.opset),
    opset: options.opset,
    producerName: 'kx',
    producerVersion: options.producerVersion ?? '0.1.0',
    ...(options.docString ? { docString: options.docString } : {}),
    graph: { name: options.graphName ?? 'kx', nodes, initializers, inputs: graphInputs, outputs: graphOutputs },
  }
  return { model, inputNames, outputNames: outNames }
}

/** The kx shape of each ONNX value name, leaving out a name two values share with different shapes. */
function knownShapes(values: Iterable<LVal>): Map<string, readonly Dim[]> {
  const shapes = new Map<string, readonly Dim[]>()
  const clash = new Set<string>()
  for (const v of values) {
    const s = shapes.get(v.name)
    if (s && (s.length !== v.shape.length || s.some((d, i) => d !== v.shape[i]))) clash.add(v.name)
    shapes.set(v.name, v.shape)
  }
  for (const n of clash) shapes.delete(n)
  return shapes
}

/** Sub-graphs held in a node's attributes. */
function subgraphsOf(n: OnnxNode): OnnxGraph[] {
  return Object.values(n.attrs ?? {}).flatMap((a) => (typeof a === 'object' && a !== null && 'g' in a ? [a.g] : []))
}

/** Every value name a node reads, including outer-scope names read inside its sub-graphs. */
function readsOf(n: OnnxNode, out: Set<string>): void {
  for (const x of n.inputs) if (x) out.add(x)
  for (const g of subgraphsOf(n)) for (const m of g.nodes) readsOf(m, out)
}

/** Applies output renames everywhere, sub-graphs included. */
function renameAll(nodes: readonly OnnxNode[], renames: ReadonlyMap<string, string>): OnnxNode[] {
  if (renames.size === 0) return nodes.slice()
  const r = (x: string): string => renames.get(x) ?? x
  return nodes.map((n) => {
    const attrs = n.attrs && subgraphsOf(n).length
      ? Object.fromEntries(Object.entries(n.attrs).map(([k, a]) => [k, typeof a === 'object' && a !== null && 'g' in a ? { g: { ...a.g, nodes: renameAll(a.g.nodes, renames) } } : a]))
      : n.attrs
    return { ...n, inputs: n.inputs.map(r), outputs: n.outputs.map(r), ...(attrs ? { attrs } : {}) }
  })
}

/** Drops nodes and initializers no output depends on (lowerings may build constants they end up not using). */
function prune(nodes: readonly OnnxNode[], initializers: readonly OnnxTensor[], outputs: readonly string[]): { nodes: OnnxNode[]; initializers: OnnxTensor[] } {
  const needed = new Set(outputs)
  const kept: OnnxNode[] = []
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!
    if (!n.outputs.some((o) => needed.has(o))) continue
    kept.push(n)
    readsOf(n, needed)
  }
  return { nodes: kept.reverse(), initializers: initializers.filter((t) => needed.has(t.name)) }
}

/**
 * Why a primitive call does not lower (its typed `UnsupportedOpError`), or undefined when it does.
 *
 * @example
 * ```ts
 * loweringError('lu', [{ shape: [3, 3], dtype: 'float64' }], {}, outs, 18)?.message // '… (no operator): ONNX has no LU factorization operator …'
 * ```
 */
export function loweringError(prim: string, inputs: readonly AbstractValue[], params: unknown, outputs: readonly AbstractValue[], opset: number): UnsupportedOpError | undefined {
  const b = new GraphBuilder(opset)
  try {
    lowerEquation(b, prim, inputs.map((a, i) => ({ name: `x${i}`, shape: a.shape, dtype: a.dtype })), params, outputs)
    return undefined
  } catch (e) {
    if (e instanceof UnsupportedOpError) return e
    throw e
  }
}
