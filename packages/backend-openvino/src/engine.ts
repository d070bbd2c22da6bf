/**
 * @file The lazy engine of the OpenVINO backend: `@kx/backend-onnx`'s lazy graph engine over an
 * OpenVINO runtime. Pending graphs are lowered to ONNX with `@kx/backend-onnx`'s lowering and compiled
 * with OpenVINO once per structure (LRU cache). Materialized values are kx host arrays.
 */
import {
  REFERENCE_IMPLS, UnsupportedOpError, fmt,
  type AbstractValue, type BackendPrim, type DType, type TypedArray,
} from '@kx/core'
import {
  LazyGraphEngine, avalKey, encodeModel, lowerProgram, paramsKey,
  type GraphExecutable, type GraphRuntime, type LazyEngineOptions, type LazyHandle, type OnnxGraph, type OnnxModel,
  type OnnxTensor, type PendingNode, type Program,
} from '@kx/backend-onnx'
import { OpenVINOError } from './runtime/capi.js'
import type { OvModel, OvRuntime } from './runtime/model.js'

/** A data id of the OpenVINO backend: host values, or a pending node's output. */
export type Handle = LazyHandle<TypedArray>

/** Engine settings (see `OpenVINOBackendOptions`). */
export type EngineOptions = LazyEngineOptions

/** Statistics of the lazy engine. */
export interface EngineStats {
  /** Pending graphs run. */
  flushes: number
  /** OpenVINO models compiled for pending graphs. */
  modelsCompiled: number
  /** Pending graphs that reused a compiled model. */
  cacheHits: number
  /** Calls run on the host (host-only primitives, zero-size tensors, random streams). */
  hostFallbacks: number
}

/** Primitives always run on the host (bit-exact random streams: OpenVINO's uint32 arithmetic saturates). */
export const HOST_PRIMS: ReadonlySet<string> = new Set(['random_bits', 'random_uniform', 'threefry2x32'])

const INT64 = 7
const int64s = (name: string, values: readonly number[]): OnnxTensor =>
  ({ name, dataType: INT64, dims: [values.length], raw: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) })

/**
 * Rewrites every `Reshape(x, [])` (to rank 0) as `Squeeze(Reshape(x, [1]), [0])`, in subgraphs too.
 *
 * NOTE: OpenVINO's CPU plugin (2026.4) segfaults while compiling a MatMul of [1,K]·[K,1] whose result is
 * reshaped to rank 0 (kx's 1-D · 1-D `matmul`: dot_general then reshape to []), even through a reshape to
 * [1] first; Python's `openvino` crashes on the same ONNX model. A Squeeze to rank 0 compiles, and the
 * reshape to [1] keeps the axis explicit when the input's dims are dynamic.
 */
export function squeezeScalarReshapes(model: OnnxModel): OnnxModel {
  const graph = (g: OnnxGraph): OnnxGraph => {
    const empty = new Set(g.initializers.filter((t) => t.dataType === INT64 && t.dims.length === 1 && t.dims[0] === 0).map((t) => t.name))
    const taken = new Set([...g.initializers.map((t) => t.name), ...g.nodes.flatMap((n) => n.outputs), ...g.inputs.map((i) => i.name)])
    const fresh = (base: string): string => { let n = base; for (let i = 0; taken.has(n); i++) n = `${base}_${i}`; taken.add(n); return n }
    let one: string | undefined
    let axis: string | undefined
    const nodes = g.nodes.flatMap((n) => {
      const withSubgraphs = n.attrs && Object.values(n.attrs).some((a) => typeof a === 'object' && a !== null && 'g' in a)
        ? { ...n, attrs: Object.fromEntries(Object.entries(n.attrs).map(([k, a]) => [k, typeof a === 'object' && a !== null && 'g' in a ? { g: graph(a.g) } : a])) }
        : n
      if (n.opType !== 'Reshape' || (n.domain ?? '') !== '' || !empty.has(n.inputs[1] ?? '')) return [withSubgraphs]
      one ??= fresh('kx_ov_shape_1')
      axis ??= fresh('kx_ov_axis_0')
      const flat = fresh(`${n.outputs[0]!}_flat`)
      return [{ opType: 'Reshape', inputs: [n.inputs[0]!, one], outputs: [flat] }, { opType: 'Squeeze', inputs: [flat, axis], outputs: n.outputs }]
    })
    if (one === undefined) return nodes.every((n, i) => n === g.nodes[i]) ? g : { ...g, nodes }
    return { ...g, nodes, initializers: [...g.initializers, int64s(one, [1]), int64s(axis!, [0])] }
  }
  const g = graph(model.graph)
  return g === model.graph ? model : { ...model, graph: g }
}

/**
 * Compiles a program with OpenVINO. When OpenVINO refuses the whole program, each equation is tried
 * alone so the error names the primitive (`UnsupportedOpError`).
 */
export function compileProgram(rt: OvRuntime, program: Program, opts: { opset: number; exactNaN: boolean }, probe: Map<string, string | null>): OvModel {
  const { model } = lowerProgram(program, { opset: opts.opset, exactNaN: opts.exactNaN, inexactIntDiv: true })
  try {
    return rt.compile(encodeModel(squeezeScalarReshapes(model)))
  } catch (e) {
    if (!(e instanceof OpenVINOError)) throw e
    const avals = new Map<number, AbstractValue>()
    for (const i of program.inputs) avals.set(i.id, i.aval)
    for (const c of program.constants) avals.set(c.id, c.aval)
    for (const eq of program.equations) for (const o of eq.outputs) avals.set(o.id, o.aval)
    for (const eq of program.equations) {
      const ins = eq.inputs.map((id) => avals.get(id)!)
      const key = `${eq.prim}|${paramsKey(eq.params)}|${ins.map(avalKey).join(';')}`
      let why = probe.get(key)
      if (why === undefined) {
        why = null
        try {
          const single: Program = {
            inputs: ins.map((aval, i) => ({ id: i, aval })), constants: [],
            equations: [{ ...eq, inputs: ins.map((_, i) => i), outputs: eq.outputs.map((o, j) => ({ id: ins.length + j, aval: o.aval })) }],
            outputs: eq.outputs.map((_, j) => ({ id: ins.length + j })),
          }
          rt.compile(encodeModel(squeezeScalarReshapes(lowerProgram(single, { opset: opts.opset, exactNaN: opts.exactNaN, inexactIntDiv: true }).model))).dispose()
        } catch (e2) { why = e2 instanceof Error ? e2.message : String(e2) }
        probe.set(key, why)
      }
      if (why !== null) {
        throw new UnsupportedOpError(`The OpenVINO backend cannot run primitive \`${eq.prim}\`: OpenVINO refused its ONNX lowering. Received: inputs=${fmt(ins.map(avalKey))}, params=${paramsKey(eq.params)}. ${why}`)
      }
    }
    throw e
  }
}

/** OpenVINO as a `GraphRuntime`: values are kx host arrays, programs compile to OpenVINO models. */
export class OvGraphRuntime implements GraphRuntime<TypedArray> {
  readonly label = 'OpenVINO'
  /** Per-equation verdicts of OpenVINO on single-primitive models (see `compileProgram`). */
  readonly probe = new Map<string, string | null>()
  constructor(readonly rt: OvRuntime, readonly options: EngineOptions, readonly unsupported: ReadonlyMap<string, string>) {}

  upload(values: TypedArray): TypedArray { return values }
  read(value: TypedArray): TypedArray { return (value as Float64Array).slice() as TypedArray }
  view(value: TypedArray): TypedArray { return value }

  compile(program: Program, outputs: readonly AbstractValue[]): GraphExecutable<TypedArray> {
    const model = compileProgram(this.rt, program, this.options, this.probe)
    return {
      run: (feeds, avals) => model.run(feeds.map((values, i) => ({ values, shape: avals[i]!.shape as number[], dtype: avals[i]!.dtype as DType })), outputs),
      dispose: () => model.dispose(),
    }
  }

  // NOTE: OpenVINO's CPU plugin may crash on zero-size tensors (such calls are empty work), and its uint32
  // arithmetic does not wrap, which the counter-based generator needs: both run on the host.
  runsOnHost(prim: BackendPrim, inputs: readonly AbstractValue[], outputs: readonly AbstractValue[]): boolean {
    return HOST_PRIMS.has(prim) || ((inputs.some((h) => h.shape.includes(0)) || outputs.some((o) => o.shape.includes(0))) && !!REFERENCE_IMPLS[prim])
  }

  refuses(prim: BackendPrim, inputs: readonly AbstractValue[]): UnsupportedOpError | undefined {
    const known = this.unsupported.get(prim)
    return known ? new UnsupportedOpError(`The OpenVINO backend cannot run primitive \`${prim}\`: ${known}. Received: inputs=${fmt(inputs.map(avalKey))}`) : undefined
  }

  noLowering(prim: BackendPrim, e: UnsupportedOpError): UnsupportedOpError {
    return new UnsupportedOpError(`The OpenVINO backend cannot run primitive \`${prim}\` (no ONNX lowering): ${e.message}`)
  }

  // NOTE: OpenVINO's ONNX Pad reads its pad value only when it is a constant: a fed scalar pad value
  // becomes a graph constant (the key carries it).
  prepare(nodes: readonly PendingNode<TypedArray>[]): void {
    for (const n of nodes) {
      const v = n.prim === 'pad' ? n.inputs[1] : undefined
      if (v && !v.node && v.splat === undefined && v.value && v.value.length === 1) v.splat = v.value[0] as number
    }
  }
}

export class OvEngine extends LazyGraphEngine<TypedArray> {
  constructor(readonly rt: OvRuntime, options: EngineOptions, unsupported: ReadonlyMap<string, string>) {
    super(new OvGraphRuntime(rt, options, unsupported), options)
  }

  get stats(): EngineStats {
    const c = this.counters
    return { flushes: c.flushes, modelsCompiled: c.compiled, cacheHits: c.cacheHits, hostFallbacks: c.hostFallbacks }
  }
}
