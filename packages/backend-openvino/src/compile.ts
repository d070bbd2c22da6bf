/**
 * @file `compile(graph)` for core's `jit`: one OpenVINO compiled model per traced graph (constants
 * embedded, variables fed), or core's graph interpreter over the lazy engine for graphs OpenVINO cannot
 * take whole (control flow, host-only primitives) when host fallback is on.
 */
import { UnsupportedOpError, type Backend, type CompiledGraph, type Graph, type TypedArray } from '@kx/core'
import { constantValues, interpretedGraph, programOf, wholeGraph, type GraphExecutable, type Program } from '@kx/backend-onnx'
import { HOST_PRIMS, type OvEngine } from './engine.js'

/** Statistics of compiled graphs: whole-graph models, interpreted graphs, models with weights baked in. */
export interface CompileStats {
  /** Traced graphs compiled as one OpenVINO model. */
  models: number
  /** Traced graphs run by core's interpreter on the lazy engine. */
  interpreted: number
  /** Inference models with their weights baked in as constants. */
  baked: number
}

/** Compiles a traced graph for the OpenVINO engine. */
export function compileGraph(graph: Graph, engine: OvEngine, backend: Backend, stats: CompileStats): CompiledGraph {
  const opts = engine.options
  const empty = (shape: readonly (number | null)[]): boolean => shape.includes(0)
  if (graph.equations.some((eq) => HOST_PRIMS.has(eq.prim) || [...eq.inputs, ...eq.outputs].some((v) => empty(v.aval.shape)))) {
    stats.interpreted++
    return interpretedGraph(graph, engine, backend)
  }
  for (const eq of graph.equations) {
    const why = engine.whyNot(eq.prim as never, eq.inputs.map((v) => v.aval), eq.params, eq.outputs.map((v) => v.aval))
    if (why) {
      if (!opts.hostFallback) throw why
      stats.interpreted++
      return interpretedGraph(graph, engine, backend)
    }
  }
  const specs = [...graph.outputs, ...graph.variableWrites.map((w) => w.value)].map((v) => v.aval)
  const program = (): Program => programOf(graph, (t) => constantValues(t, engine, backend))
  let fed: GraphExecutable<TypedArray>
  try {
    fed = engine.runtime.compile(program(), specs)
  } catch (e) {
    if (!(e instanceof UnsupportedOpError) || !opts.hostFallback) throw e
    stats.interpreted++
    return interpretedGraph(graph, engine, backend)
  }
  stats.models++
  return wholeGraph(graph, engine, fed, program, stats)
}
