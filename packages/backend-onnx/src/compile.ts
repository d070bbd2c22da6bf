/**
 * @file `compile(graph)` for core's `jit`: one ONNX Runtime session per traced graph (constants
 * embedded, variables fed and returned as ORT tensors), or, for graphs with primitives ONNX cannot
 * express (control flow, linear-algebra routines), the graph interpreter over the lazy engine.
 */
import {
  Tensor, UnsupportedOpError, evaluateGraph,
  type Backend, type BackendTensor, type CompiledGraph, type Graph, type TypedArray,
} from '@kx/core'
import type { Handle, OnnxEngine } from './engine.js'
import { lowerProgram, type Program } from './lower/graph.js'
import { encodeModel } from './onnx/proto.js'
import { Session } from './runtime/session.js'

/** Host values of a graph constant (any backend that reads synchronously). */
function constantValues(t: Tensor, engine: OnnxEngine, backend: Backend): TypedArray {
  if (t.backend === backend) return engine.readHost(t.dataId as Handle)
  return t.dataSync()
}

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
  let session: Session | undefined
  try {
    const { model } = lowerProgram(programOf(graph, (t) => constantValues(t, engine, backend)), { opset: engine.options.opset, exactNaN: engine.options.exactNaN })
    session = new Session(encodeModel(model), engine.options.sessionOptions)
  } catch (e) {
    if (!(e instanceof UnsupportedOpError) || !engine.options.hostFallback) throw e
  }
  if (session) {
    stats.sessions++
    const fed = session
    const specs = [...graph.outputs, ...graph.variableWrites.map((w) => w.value)].map((v) => v.aval)
    const nIn = graph.inputs.length
    // Inference graphs (no variable writes) called again with the very same variable values get a
    // second session with those values baked in as initializers: ORT then folds and fuses them
    // (Conv + bias + Relu, pre-packed GEMM weights), like a hand-built model.
    const bakeable = graph.variableWrites.length === 0 && graph.variableReads.length > 0
    let lastReads: Handle[] | undefined
    let baked: Session | undefined
    const bake = (reads: readonly Handle[]): Session | undefined => {
      try {
        const program = programOf(graph, (t) => constantValues(t, engine, backend))
        const values = reads.map((h) => engine.readHost(h))
        const bakedProgram = {
          ...program,
          inputs: program.inputs.slice(0, nIn),
          constants: [...program.constants, ...graph.variableReads.map((r, i) => ({ id: r.var.id, aval: r.var.aval, values: values[i]! }))],
        }
        const { model } = lowerProgram(bakedProgram, { opset: engine.options.opset, exactNaN: engine.options.exactNaN })
        stats.baked++
        return new Session(encodeModel(model), engine.options.sessionOptions)
      } catch {
        return undefined
      }
    }
    return {
      run(inputs: readonly BackendTensor[]): unknown[] {
        const handles = inputs.map((t) => t.dataId as Handle)
        let s = fed
        let feeds = handles
        if (bakeable) {
          const reads = handles.slice(nIn)
          const same = lastReads !== undefined && reads.every((h, i) => h === lastReads![i])
          if (!same) { baked?.dispose(); baked = undefined }
          else baked ??= bake(reads)
          lastReads = reads
          if (baked) { s = baked; feeds = handles.slice(0, nIn) }
        }
        const results = s.run(feeds.map((h) => engine.valueOf(h)))
        return results.map((r, i) => engine.materialized(r, specs[i]!.shape as number[], specs[i]!.dtype))
      },
      dispose: () => { fed.dispose(); baked?.dispose() },
    }
  }
  stats.interpreted++
  return interpreted(graph, engine, backend)
}

/**
 * The fallback: core's graph interpreter on the lazy engine (eager calls still batch into pending
 * graphs; control flow and host-only primitives run where they can). Variable reads become inputs
 * and writes outputs, so the caller applies the writes as the contract says.
 */
function interpreted(graph: Graph, engine: OnnxEngine, backend: Backend): CompiledGraph {
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
      // NOTE: the interpreter's tensors own aliases of the caller's handles, never the handles themselves.
      const ins = inputs.map((t) => new Tensor(t.shape, t.dtype, backend, engine.alias(t.dataId as Handle)))
      try {
        const outs = evaluateGraph(flat, ins, { backend })
        return outs.map((t) => {
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
