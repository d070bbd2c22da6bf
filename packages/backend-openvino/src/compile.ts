/**
 * @file `compile(graph)` for core's `jit`: one OpenVINO compiled model per traced graph (constants
 * embedded, variables fed), or core's graph interpreter over the lazy engine for graphs OpenVINO cannot
 * take whole (control flow, host-only primitives) when host fallback is on.
 */
import {
  Tensor, UnsupportedOpError, evaluateGraph,
  type Backend, type BackendTensor, type CompiledGraph, type Graph, type TypedArray,
} from '@kx/core'
import { programOf } from '@kx/backend-onnx'
import { HOST_PRIMS, compileProgram, type Handle, type OvEngine } from './engine.js'
import type { OvModel } from './runtime/model.js'

/** Statistics of compiled graphs: whole-graph models, interpreted graphs, models with weights baked in. */
export interface CompileStats {
  /** Traced graphs compiled as one OpenVINO model. */
  models: number
  /** Traced graphs run by core's interpreter on the lazy engine. */
  interpreted: number
  /** Inference models with their weights baked in as constants. */
  baked: number
}

function constantValues(t: Tensor, engine: OvEngine, backend: Backend): TypedArray {
  return t.backend === backend ? engine.readHost(t.dataId as Handle) : t.dataSync()
}

/** Compiles a traced graph for the OpenVINO engine. */
export function compileGraph(graph: Graph, engine: OvEngine, backend: Backend, stats: CompileStats): CompiledGraph {
  const opts = engine.options
  const empty = (shape: readonly (number | null)[]): boolean => shape.includes(0)
  if (graph.equations.some((eq) => HOST_PRIMS.has(eq.prim) || [...eq.inputs, ...eq.outputs].some((v) => empty(v.aval.shape)))) {
    stats.interpreted++
    return interpreted(graph, engine, backend)
  }
  for (const eq of graph.equations) {
    const why = engine.whyNot(eq.prim as never, eq.inputs.map((v) => v.aval), eq.params, eq.outputs.map((v) => v.aval))
    if (why) {
      if (!opts.hostFallback) throw why
      stats.interpreted++
      return interpreted(graph, engine, backend)
    }
  }
  let fed: OvModel
  try {
    fed = compileProgram(engine.rt, programOf(graph, (t) => constantValues(t, engine, backend)), opts, engine.probe)
  } catch (e) {
    if (!(e instanceof UnsupportedOpError) || !opts.hostFallback) throw e
    stats.interpreted++
    return interpreted(graph, engine, backend)
  }
  stats.models++
  const specs = [...graph.outputs, ...graph.variableWrites.map((w) => w.value)].map((v) => v.aval)
  const nIn = graph.inputs.length
  // NOTE: inference graphs called again with the very same variable handles get a second model with
  // those values baked in as constants, which OpenVINO folds and fuses (Conv + bias + activation).
  const bakeable = graph.variableWrites.length === 0 && graph.variableReads.length > 0
  let lastReads: Handle[] | undefined
  let baked: OvModel | undefined
  const bake = (reads: readonly Handle[]): OvModel | undefined => {
    try {
      const program = programOf(graph, (t) => constantValues(t, engine, backend))
      const bakedProgram = {
        ...program,
        inputs: program.inputs.slice(0, nIn),
        constants: [...program.constants, ...graph.variableReads.map((r, i) => ({ id: r.var.id, aval: r.var.aval, values: engine.valueOf(reads[i]!) }))],
      }
      const m = compileProgram(engine.rt, bakedProgram, opts, engine.probe)
      stats.baked++
      return m
    } catch {
      return undefined
    }
  }
  return {
    run(inputs: readonly BackendTensor[]): unknown[] {
      const handles = inputs.map((t) => t.dataId as Handle)
      let model = fed
      let feeds = handles
      if (bakeable) {
        const reads = handles.slice(nIn)
        const same = lastReads !== undefined && reads.every((h, i) => h === lastReads![i])
        if (!same) { baked?.dispose(); baked = undefined } else baked ??= bake(reads)
        lastReads = reads
        if (baked) { model = baked; feeds = handles.slice(0, nIn) }
      }
      const results = model.run(feeds.map((h) => ({ values: engine.valueOf(h), shape: h.shape, dtype: h.dtype })), specs)
      return results.map((r, i) => engine.materialized(r, specs[i]!.shape as number[], specs[i]!.dtype))
    },
    dispose: () => { fed.dispose(); baked?.dispose() },
  }
}

/** Core's graph interpreter on the lazy engine; variable reads become inputs and writes outputs. */
function interpreted(graph: Graph, engine: OvEngine, backend: Backend): CompiledGraph {
  const flat: Graph = {
    inputs: [...graph.inputs, ...graph.variableReads.map((r) => r.var)],
    constants: graph.constants,
    variableReads: [],
    equations: graph.equations,
    outputs: [...graph.outputs, ...graph.variableWrites.map((w) => w.value)],
    variableWrites: [],
  }
  return {
    run(inputs: readonly BackendTensor[]): unknown[] {
      const ins = inputs.map((t) => new Tensor(t.shape, t.dtype, backend, engine.alias(t.dataId as Handle)))
      try {
        return evaluateGraph(flat, ins, { backend }).map((t) => {
          const h = engine.alias(t.dataId as Handle)
          t.dispose()
          return h
        })
      } finally {
        for (const t of ins) t.dispose()
      }
    },
  }
}
