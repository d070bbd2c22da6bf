/**
 * @file `jit`: traces a function once per input signature (structure, shapes, dtypes, static values,
 * backend), caches the graph, and runs it compiled (graph backends) or with the graph interpreter.
 */
import type { Backend, CompiledGraph } from './backend.js'
import { Tensor } from './tensor.js'
import { Variable } from './variable.js'
import { getBackend } from './registry.js'
import { anyTapeWatches } from './autodiff/tape.js'
import { treeUnflatten } from './tree.js'
import type { Graph } from './trace/ir.js'
import { adoptConstants, disposeGraph, isTracing, traceInternal } from './trace/trace.js'
import { evaluateGraph } from './trace/evaluate.js'
import { eliminateCommonSubexpressions, eliminateDeadCode } from './trace/passes.js'

/** Options of `jit`. */
export interface JitOptions {
  /** Run common-subexpression and dead-code elimination on each traced graph (default true). */
  readonly optimize?: boolean
}

/** A jitted function: call it like the original; it also exposes its cache. */
export interface JittedFunction<A extends unknown[], R> {
  (...args: A): R
  /** The (cached) graph this call signature runs; traces it if needed. */
  graphFor(...args: A): Graph
  /** Number of cached signatures. */
  readonly cacheSize: number
  /** Drops every cached graph (and compiled graph) and frees their constants. */
  clearCache(): void
}

interface Entry {
  readonly source: Graph
  readonly graph: Graph
  readonly backend: Backend
  compiled?: CompiledGraph
}

const objectIds = new WeakMap<object, number>()
let nextObjectId = 1
function idOf(o: object): number {
  let id = objectIds.get(o)
  if (id === undefined) { id = nextObjectId++; objectIds.set(o, id) }
  return id
}

/**
 * Splits call arguments into tensor leaves (the graph inputs) and a signature key: tensors by shape
 * and dtype, numbers/strings/booleans by value, variables and other objects by identity.
 */
function signature(args: readonly unknown[]): { tensors: Tensor[]; key: string } {
  const tensors: Tensor[] = []
  // Fast path for the common call shape (tensors only: a predict or train step's batch).
  if (args.every((a) => a instanceof Tensor)) {
    let key = ''
    for (const t of args as readonly Tensor[]) { tensors.push(t); key += `${key ? '|' : ''}T${t.dtype}[${t.shape.join(',')}]` }
    return { key, tensors }
  }
  const rec = (v: unknown): string => {
    if (v instanceof Tensor) { tensors.push(v); return `T${v.dtype}[${v.shape.join(',')}]` }
    if (v === null) return 'null'
    if (v === undefined) return 'undef'
    if (Array.isArray(v)) return `[${v.map(rec).join(',')}]`
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${rec((v as Record<string, unknown>)[k])}`).join(',')}}`
    }
    if (v instanceof Variable || typeof v === 'object' || typeof v === 'function') return `@${idOf(v as object)}`
    return `${typeof v}:${String(v)}`
  }
  return { key: args.map(rec).join('|'), tensors }
}

/** Rebuilds the arguments with tensor leaves replaced, in `signature`'s order. */
function substitute(args: readonly unknown[], leaves: readonly Tensor[]): unknown[] {
  let i = 0
  const rec = (v: unknown): unknown => {
    if (v instanceof Tensor) return leaves[i++]
    if (Array.isArray(v)) return v.map(rec)
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const o: Record<string, unknown> = {}
      for (const k of Object.keys(v).sort()) o[k] = rec((v as Record<string, unknown>)[k])
      return o
    }
    return v
  }
  return args.map(rec)
}

/**
 * Compiles a function (like `jax.jit` / Keras's jitted train steps): the first call with a new
 * signature traces it to a `Graph` and caches it; later calls reuse it. On a backend that compiles
 * graphs (`capabilities.compilesGraphs` and `compile`) the graph runs as one compiled unit; otherwise
 * the graph interpreter runs it primitive by primitive. Variable writes are applied after each call.
 * Inside a trace, or with symbolic arguments, the function is simply inlined. When an autodiff tape
 * watches an input the interpreter runs, so gradients flow through jitted functions.
 *
 * The function must be pure apart from variable reads/writes: JS side effects run only when tracing.
 * On backends whose compiled graphs run asynchronously, the call returns a Promise of the result.
 *
 * @example
 * ```ts
 * const step = jit((x: Tensor) => { w.assign(lax.sub(w.value, lax.mul(lr, x))); return lax.reduceSum(x, [0]) })
 * step(g1); step(g2) // traced once
 * ```
 */
export function jit<A extends unknown[], R>(fn: (...args: A) => R, options: JitOptions = {}): JittedFunction<A, R> {
  const cache = new Map<string, Entry>()
  const optimize = options.optimize ?? true

  const entryFor = (args: readonly unknown[], sig = signature(args)): { entry: Entry; tensors: Tensor[] } => {
    const { key, tensors } = sig
    const backend = tensors.find((t) => !t.isSymbolic)?.backend ?? getBackend()
    const fullKey = `${idOf(backend)}#${key}`
    let entry = cache.get(fullKey)
    if (!entry) {
      const res = traceInternal(tensors.map((t) => ({ shape: t.shape, dtype: t.dtype })), (ph) => fn(...(substitute(args, ph) as A)), false)
      const source = adoptConstants(res.graph, res)
      const graph = optimize ? eliminateDeadCode(eliminateCommonSubexpressions(source)) : source
      entry = { source, graph, backend }
      cache.set(fullKey, entry)
    }
    return { entry, tensors }
  }

  const call = (...args: A): R => {
    const sig = signature(args)
    const { tensors } = sig
    if (isTracing() || tensors.some((t) => t.isSymbolic)) return fn(...args)
    const { entry } = entryFor(args, sig)
    const { graph, backend } = entry
    const runInputs = graph.variableReads.length ? tensors.concat(graph.variableReads.map((r) => r.variable.rawValue)) : tensors
    const canCompile = backend.capabilities.compilesGraphs && backend.compile !== undefined && !anyTapeWatches(runInputs)
    if (!canCompile) {
      const outs = evaluateGraph(graph, tensors, { backend })
      return treeUnflatten(graph.outputTree!, outs) as R
    }
    entry.compiled ??= backend.compile!(graph)
    const finish = (ids: unknown[]): R => {
      const wrap = (i: number, aval: Graph['outputs'][number]['aval']): Tensor => new Tensor(aval.shape, aval.dtype, backend, ids[i])
      const outs = graph.outputs.map((v, i) => wrap(i, v.aval))
      graph.variableWrites.forEach((w, k) => w.variable.assign(wrap(outs.length + k, w.value.aval)))
      return treeUnflatten(graph.outputTree!, outs) as R
    }
    const ids = entry.compiled.run(runInputs)
    return (ids instanceof Promise ? ids.then(finish) : finish(ids)) as R
  }

  const jitted = call as JittedFunction<A, R>
  jitted.graphFor = (...args: A) => entryFor(args).entry.graph
  Object.defineProperty(jitted, 'cacheSize', { get: () => cache.size })
  jitted.clearCache = () => {
    for (const e of cache.values()) { e.compiled?.dispose?.(); disposeGraph(e.source) }
    cache.clear()
  }
  return jitted
}

/** Alias of `jit` (Keras's `make_train_function`-style compiled steps use it). */
export const compileFunction = jit
