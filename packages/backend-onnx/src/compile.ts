/**
 * @file `compile(graph)` for core's `jit`: one ONNX Runtime session per traced graph (constants
 * embedded, variables fed and returned as ORT tensors), or, for graphs with primitives ONNX cannot
 * express (control flow, linear-algebra routines), the graph interpreter over the lazy engine.
 */
import {
  UnsupportedOpError, type Backend, type CompiledGraph, type Graph, type Tensor, type TypedArray,
} from '@kx/core'
import type { OnnxEngine } from './engine.js'
import { constantValues, interpretedGraph, wholeGraph, type GraphExecutable } from './lazy.js'
import type { Program } from './lower/graph.js'
import type { OrtValue } from './runtime/session.js'

/**
 * The program of a traced graph: inputs are `[...graph.inputs, ...variableReads]`, outputs
 * `[...graph.outputs, ...variableWrites]` (the `CompiledGraph` contract); constants are embedded with
 * the host values `constant` returns.
 *
 * @example
 * ```ts
 * const { model } = lowerProgram(programOf(trace(f, specs), (t) => t.dataSync()), { opset: 18 })
 * ```
 */
export function programOf(graph: Graph, constant: (t: Tensor) => TypedArray): Program {
  return {
    inputs: [...graph.inputs.map((v) => ({ id: v.id, aval: v.aval })), ...graph.variableReads.map((r) => ({ id: r.var.id, aval: r.var.aval }))],
    constants: graph.constants.map((c) => ({ id: c.var.id, aval: c.var.aval, values: constant(c.value) })),
    equations: graph.equations.map((eq) => ({ prim: eq.prim, params: eq.params, inputs: eq.inputs.map((v) => v.id), outputs: eq.outputs.map((v) => ({ id: v.id, aval: v.aval })) })),
    outputs: [...graph.outputs.map((v) => ({ id: v.id })), ...graph.variableWrites.map((w) => ({ id: w.value.id }))],
  }
}

/** Statistics of compiled graphs: one-session graphs, interpreted graphs, sessions with variables baked in. */
export interface CompileStats { sessions: number; interpreted: number; baked: number }

/** Compiles a traced graph on the ONNX engine. */
export function compileGraph(graph: Graph, engine: OnnxEngine, backend: Backend, stats: CompileStats): CompiledGraph {
  const specs = [...graph.outputs, ...graph.variableWrites.map((w) => w.value)].map((v) => v.aval)
  const program = (): Program => programOf(graph, (t) => constantValues(t, engine, backend))
  let fed: GraphExecutable<OrtValue> | undefined
  try {
    fed = engine.runtime.compile(program(), specs)
  } catch (e) {
    if (!(e instanceof UnsupportedOpError) || !engine.options.hostFallback) throw e
  }
  if (fed) {
    stats.sessions++
    return wholeGraph(graph, engine, fed, program, stats)
  }
  stats.interpreted++
  return interpretedGraph(graph, engine, backend)
}
