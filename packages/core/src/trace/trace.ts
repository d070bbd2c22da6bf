/**
 * @file Tracing: runs a function on `KerasTensor` placeholders (variable reads/writes hooked) and
 * walks the recorded symbolic equations back from its outputs into a `Graph`.
 */
import type { DType } from '../dtype.js'
import { InvalidArgumentError, fmt } from '../errors.js'
import { KerasTensor, Tensor, type SymbolicEquation } from '../tensor.js'
import type { Dim } from '../shape.js'
import type { AbstractValue } from '../primitives/types.js'
import { Tape, popTape, pushTape, type TapeNode } from '../autodiff/tape.js'
import { installVariableTraceHooks, type Variable, type VariableTraceHooks } from '../variable.js'
import { treeFlatten, treeUnflatten, type TreeDef } from '../tree.js'
import type { Graph, GraphEquation, GraphVar } from './ir.js'
import { ensureControlEvaluator } from './evaluate.js'

/** The shape (unknown dims `null`) and dtype of one traced input. A `Tensor` is a valid spec too. */
export interface TensorSpec {
  readonly shape: readonly Dim[]
  readonly dtype: DType
  /** Display name of the placeholder. */
  readonly name?: string
}

let traceDepth = 0
/** True while some `trace` (or a control-flow body trace) is running: control ops then emit structured primitives. */
export function isTracing(): boolean { return traceDepth > 0 }

/** @internal Gives up one hold on a tensor, disposing it if its disposal was requested meanwhile. */
export function releaseHold(t: Tensor): void {
  t._holds--
  if (t._holds <= 0 && t._pendingDispose) { t._holds = 0; t._pendingDispose = false; t.dispose() }
}

/**
 * A pseudo-tape that records nothing but pins every concrete tensor used by a symbolic equation, so
 * `tidy` scopes inside the traced function cannot free a value the graph captures as a constant.
 * It ignores pausing (`withTapesPaused`), which custom-gradient regions use.
 */
class ConstantPinner extends Tape {
  private readonly pinned: Tensor[] = []
  constructor() {
    super()
    Object.defineProperty(this, 'recording', { get: () => true, set: () => undefined, configurable: true })
  }
  override watch(): void { /* nothing to watch */ }
  override isActive(t: Tensor): boolean { return t.isSymbolic }
  override record(node: TapeNode): void {
    for (const t of node.inputs) if (!t.isSymbolic) { t._holds++; this.pinned.push(t) }
  }
  override release(): void {
    for (const t of this.pinned) releaseHold(t)
    this.pinned.length = 0
  }
}

/** Result of the internal tracer. */
export interface TraceResult {
  /** In sub mode, `graph.inputs` are the placeholders followed by one input per capture. */
  readonly graph: Graph
  /** Sub mode: tensors from outside the trace the function used (concrete, or symbolic of an outer trace). */
  readonly captures: readonly Tensor[]
  /** Tensors with a larger id were created while tracing. */
  readonly startId: number
  /** Unpins what the trace pinned; call once the captures are bound (sub mode) or held by the graph. */
  release(): void
}

const isTensor = (v: unknown): v is Tensor => v instanceof Tensor

/**
 * @internal Traces `fn` on placeholders of `avals`. Top mode (`sub = false`): concrete tensors become
 * constants, variable reads become `variableReads`, `assign`s become `variableWrites`, and any other
 * foreign symbolic tensor is an error. Sub mode (control-flow bodies): every foreign tensor becomes a
 * captured extra input, variable reads defer to the enclosing trace, and writes are refused.
 */
export function traceInternal(
  avals: readonly AbstractValue[], fn: (placeholders: KerasTensor[]) => unknown, sub: boolean, names?: readonly (string | undefined)[],
): TraceResult {
  ensureControlEvaluator()
  const startId = new KerasTensor([], 'bool').id
  const placeholders = avals.map((a, i) => new KerasTensor(a.shape, a.dtype, null, names?.[i]))
  const reads = new Map<Variable, KerasTensor>()
  const writes = new Map<Variable, Tensor>()
  const outer = installVariableTraceHooks(undefined)
  const hooks: VariableTraceHooks = sub
    ? {
      read: (v) => outer?.read(v),
      write: (v) => {
        throw new InvalidArgumentError(`Cannot assign a variable inside a control-flow body (cond/while/scan branch). Return the new value from the body and assign it outside. Received: variable=${fmt(v.path)}`)
      },
    }
    : {
      read: (v) => {
        const w = writes.get(v)
        if (w) return w
        let p = reads.get(v)
        if (!p) { p = new KerasTensor(v.shape, v.dtype, null, v.path); reads.set(v, p) }
        return p
      },
      write: (v, value) => { writes.delete(v); writes.set(v, value); return true },
    }
  installVariableTraceHooks(hooks)
  const pinner = new ConstantPinner()
  pushTape(pinner)
  traceDepth++
  let result: unknown
  try {
    result = fn(placeholders)
  } catch (e) {
    pinner.release()
    throw e
  } finally {
    traceDepth--
    popTape(pinner)
    installVariableTraceHooks(outer)
  }
  try {
    const [outs, outputTree] = treeFlatten(result, isTensor)
    const built = buildGraph({ placeholders, reads, writes: [...writes], outputs: outs, startId, sub })
    return { graph: { ...built.graph, outputTree }, captures: built.captures, startId, release: () => pinner.release() }
  } catch (e) {
    pinner.release()
    throw e
  }
}

interface BuildArgs {
  readonly placeholders: readonly KerasTensor[]
  readonly reads: ReadonlyMap<Variable, KerasTensor>
  readonly writes: readonly (readonly [Variable, Tensor])[]
  readonly outputs: readonly Tensor[]
  readonly startId: number
  readonly sub: boolean
}

/** Walks the equations back from the outputs and numbers vars deterministically. */
function buildGraph(args: BuildArgs): { graph: Graph; captures: Tensor[] } {
  const { placeholders, reads, writes, outputs, startId, sub } = args
  const readOf = new Map<Tensor, Variable>()
  for (const [v, p] of reads) readOf.set(p, v)
  const inputSet = new Set<Tensor>(placeholders)
  const ownEquation = (t: Tensor): SymbolicEquation | null =>
    t instanceof KerasTensor && t.id > startId && t.producer && !inputSet.has(t) && !readOf.has(t) ? t.producer.equation : null

  // Iterative DFS (graphs of unrolled loops are deep), collecting the reachable equations.
  const eqns = new Set<SymbolicEquation>()
  const leaves: Tensor[] = []
  const seenLeaf = new Set<Tensor>()
  const stack: Tensor[] = [...outputs, ...writes.map(([, t]) => t)].reverse()
  while (stack.length) {
    const t = stack.pop()!
    const eq = ownEquation(t)
    if (eq) {
      if (eqns.has(eq)) continue
      eqns.add(eq)
      for (let i = eq.inputs.length - 1; i >= 0; i--) stack.push(eq.inputs[i]!)
    } else if (!seenLeaf.has(t)) {
      seenLeaf.add(t)
      leaves.push(t)
    }
  }
  // NOTE: tensor ids grow monotonically, so sorting by the first output's id is recording order,
  // which is a topological order and deterministic for a given function.
  const ordered = [...eqns].sort((a, b) => a.outputs[0]!.id - b.outputs[0]!.id)

  const vars = new Map<Tensor, GraphVar>()
  let nextId = 0
  const newVar = (t: Tensor): GraphVar => {
    const v: GraphVar = { id: nextId++, aval: { shape: t.shape.slice(), dtype: t.dtype } }
    vars.set(t, v)
    return v
  }
  const inputs = placeholders.map(newVar)
  // Foreign values, in order of first use by the ordered equations, then by outputs and writes.
  const foreign: Tensor[] = []
  const seenForeign = new Set<Tensor>()
  const noteForeign = (t: Tensor): void => {
    if (inputSet.has(t) || readOf.has(t) || ownEquation(t) || seenForeign.has(t)) return
    seenForeign.add(t)
    foreign.push(t)
  }
  for (const eq of ordered) for (const t of eq.inputs) noteForeign(t)
  for (const t of outputs) noteForeign(t)
  for (const [, t] of writes) noteForeign(t)

  const captures: Tensor[] = []
  const constants: { var: GraphVar; value: Tensor }[] = []
  for (const t of foreign) {
    if (sub) { captures.push(t); inputs.push(newVar(t)); continue }
    if (t.isSymbolic) {
      throw new InvalidArgumentError(`The traced function uses a symbolic tensor that is neither one of its inputs nor computed from them (a KerasTensor from elsewhere, e.g. another model's Input). Pass it as an input instead. Received: ${t.toString()}`)
    }
    constants.push({ var: newVar(t), value: t })
  }
  const usedReads = new Set(leaves.filter((t) => readOf.has(t)))
  const variableReads: { var: GraphVar; variable: Variable }[] = []
  for (const [v, p] of reads) if (usedReads.has(p)) variableReads.push({ var: newVar(p), variable: v })

  const equations: GraphEquation[] = ordered.map((eq) => ({
    prim: eq.prim,
    params: eq.params,
    inputs: eq.inputs.map((t) => vars.get(t)!),
    outputs: eq.outputs.map(newVar),
  }))
  const graph: Graph = {
    inputs,
    constants,
    variableReads,
    equations,
    outputs: outputs.map((t) => vars.get(t)!),
    variableWrites: writes.map(([variable, t]) => ({ variable, value: vars.get(t)! })),
  }
  return { graph, captures }
}

const isSpec = (v: unknown): v is TensorSpec =>
  v instanceof Tensor || (v !== null && typeof v === 'object' && Array.isArray((v as TensorSpec).shape) && typeof (v as TensorSpec).dtype === 'string')

const ownedConstants = new WeakSet<Tensor>()
const disposedGraphs = new WeakSet<Graph>()

/**
 * Traces `fn` into a `Graph`: runs it once on symbolic placeholders (`KerasTensor`s) built from
 * `inputSpecs`, one spec structure per positional argument (a single spec means one argument).
 * Concrete tensors it uses become constants, `variable.value` reads become variable reads and
 * `variable.assign(...)` calls become variable writes. Unknown dims are `null` in specs.
 *
 * The graph holds its constants: free them with `disposeGraph(graph)` when done.
 *
 * @example
 * ```ts
 * const g = trace((x: Tensor, w: Tensor) => lax.max(lax.dotGeneral(x, w, [[1], [0]]), zeros),
 *   [{ shape: [null, 3], dtype: 'float32' }, { shape: [3, 4], dtype: 'float32' }])
 * console.log(printGraph(g))
 * ```
 */
export function trace(fn: (...args: never[]) => unknown, inputSpecs: unknown): Graph {
  const specArgs = Array.isArray(inputSpecs) ? inputSpecs : [inputSpecs]
  const [specs, inputTree] = treeFlatten(specArgs, isSpec)
  const avals = specs.map((s) => ({ shape: s.shape.slice(), dtype: s.dtype }))
  const names = specs.map((s) => (s instanceof Tensor ? undefined : s.name))
  const res = traceInternal(avals, (ph) => (fn as (...a: unknown[]) => unknown)(...(treeUnflatten(inputTree, ph) as unknown[])), false, names)
  return adoptConstants({ ...res.graph, inputTree }, res)
}

/** @internal Makes the graph hold its constants (those created during the trace are owned by it), then unpins. */
export function adoptConstants(graph: Graph, res: TraceResult): Graph {
  for (const c of graph.constants) {
    c.value._holds++
    if (c.value.id > res.startId) ownedConstants.add(c.value)
  }
  res.release()
  return graph
}

/**
 * Releases a traced graph's constants: those the trace created are disposed, captured user tensors are
 * only let go of. Graphs returned by passes share constants with their input: dispose one of them.
 *
 * @example
 * ```ts
 * const g = trace(fn, specs); evaluateGraph(g, inputs); disposeGraph(g)
 * ```
 */
export function disposeGraph(graph: Graph): void {
  if (disposedGraphs.has(graph)) return
  disposedGraphs.add(graph)
  for (const c of graph.constants) {
    if (ownedConstants.has(c.value)) c.value._pendingDispose = true
    releaseHold(c.value)
  }
}
