/**
 * @file The eager graph interpreter (`evaluateGraph`) and the eager evaluator of the control-flow
 * primitives (`cond`, `while`, `scan`) that `bind` delegates to.
 */
import type { Backend, OutputSpec } from '../backend.js'
import { abstractEval, bind, bind1, installControlEvaluator } from '../dispatch.js'
import { DTypeError, InvalidArgumentError, NotImplementedError, ShapeError, fmt } from '../errors.js'
import { Tensor } from '../tensor.js'
import type { BackendPrim, ControlPrim, PrimParams } from '../primitives/types.js'
import { withTapesPaused } from '../autodiff/tape.js'
import { full } from '../creation.js'
import * as lax from '../lax.js'
import type { Graph } from './ir.js'

const CONTROL_PRIMS: ReadonlySet<string> = new Set(['cond', 'while', 'scan'])

let installed = false
/** @internal Installs the control-flow evaluator into `bind` (idempotent; called lazily, never at import). */
export function ensureControlEvaluator(): void {
  if (installed) return
  installed = true
  installControlEvaluator(evalControl)
}

/** Options of `evaluateGraph`. */
export interface EvaluateOptions {
  /** Backend to run on: constants and variable values living elsewhere are copied to it (synchronously),
   * and input-less primitives (`iota`) run on it. Default: the inputs' backend, else the active one. */
  readonly backend?: Backend
}

/** Makes a fresh tensor with the same value (outputs never alias inputs, constants or variables). */
function copyOf(t: Tensor): Tensor { return bind1('convert_element_type', [t], { newDtype: t.dtype }) }

function transfer(t: Tensor, backend: Backend | undefined): Tensor | null {
  if (!backend || t.isSymbolic || t.backend === backend) return null
  const src = t.backend
  if (!src.readSync) {
    throw new InvalidArgumentError(`evaluateGraph: a constant or variable lives on backend "${src.name}", which cannot read synchronously, so it cannot be moved to "${backend.name}". Move it with \`await toBackend(t, backend)\` first. Received: shape=${fmt(t.shape)}, dtype=${t.dtype}`)
  }
  return new Tensor(t.shape, t.dtype, backend, backend.upload(src.readSync(t), t.shape, t.dtype))
}

function checkInputs(graph: Graph, inputs: readonly Tensor[], where: string): void {
  if (inputs.length !== graph.inputs.length) {
    throw new InvalidArgumentError(`${where}: the graph takes ${graph.inputs.length} inputs. Received: ${inputs.length} inputs`)
  }
  graph.inputs.forEach((v, i) => {
    const t = inputs[i]!
    const s = v.aval.shape
    if (t.shape.length !== s.length || s.some((d, j) => d !== null && t.shape[j] !== null && d !== t.shape[j])) {
      throw new ShapeError(`${where}: input ${i} has the wrong shape. Received: shape=${fmt(t.shape)}, expected=${fmt(s)}`)
    }
    if (t.dtype !== v.aval.dtype) throw new DTypeError(`${where}: input ${i} has the wrong dtype. Received: dtype=${t.dtype}, expected=${v.aval.dtype}`)
  })
}

/**
 * @internal Runs a graph; outputs may alias inputs, constants or variable values (`fresh[i]` says
 * whether output i was made by this call). Intermediates are freed as soon as their last use passes.
 */
export function runGraph(graph: Graph, inputs: readonly Tensor[], options: EvaluateOptions = {}, applyWrites = true): { outputs: Tensor[]; fresh: boolean[] } {
  checkInputs(graph, inputs, 'evaluateGraph')
  const backend = options.backend ?? inputs.find((t) => !t.isSymbolic)?.backend
  const env = new Map<number, Tensor>()
  const owned = new Set<number>()
  graph.inputs.forEach((v, i) => env.set(v.id, inputs[i]!))
  const bindValue = (id: number, t: Tensor): void => {
    const moved = transfer(t, backend)
    env.set(id, moved ?? t)
    if (moved) owned.add(id)
  }
  for (const c of graph.constants) bindValue(c.var.id, c.value)
  for (const r of graph.variableReads) bindValue(r.var.id, r.variable.rawValue)

  const keepIds = new Set<number>([...graph.outputs.map((v) => v.id), ...graph.variableWrites.map((w) => w.value.id)])
  const lastUse = new Map<number, number>()
  graph.equations.forEach((eq, i) => { for (const v of eq.inputs) lastUse.set(v.id, i) })
  const free = (id: number): void => {
    if (!owned.has(id) || keepIds.has(id)) return
    env.get(id)?.dispose()
    env.delete(id)
    owned.delete(id)
  }
  try {
    graph.equations.forEach((eq, i) => {
      const ins = eq.inputs.map((v) => {
        const t = env.get(v.id)
        if (!t) throw new InvalidArgumentError(`evaluateGraph: equation ${i} (\`${eq.prim}\`) reads var ${v.id} before it is defined (graph not in topological order).`)
        return t
      })
      const outs = ins.length === 0 && backend && !CONTROL_PRIMS.has(eq.prim) ? runNullary(eq.prim as BackendPrim, eq.params as PrimParams[BackendPrim], backend) : bind(eq.prim, ins, eq.params)
      eq.outputs.forEach((v, j) => { env.set(v.id, outs[j]!); owned.add(v.id) })
      for (const v of eq.inputs) if (lastUse.get(v.id) === i) free(v.id)
      for (const v of eq.outputs) if (!lastUse.has(v.id)) free(v.id)
    })
  } catch (e) {
    for (const id of owned) env.get(id)?.dispose()
    throw e
  }
  const outputs = graph.outputs.map((v) => env.get(v.id)!)
  const fresh = graph.outputs.map((v) => owned.has(v.id))
  if (applyWrites) {
    const used = new Set<Tensor>(outputs)
    for (const w of graph.variableWrites) {
      let t = env.get(w.value.id)!
      // NOTE: a variable must own its value alone, so values also returned, written twice, or not made
      // by this call (inputs, constants, reads) are copied before the assignment.
      if (!owned.has(w.value.id) || used.has(t)) t = copyOf(t)
      used.add(t)
      w.variable.assign(t)
    }
  }
  for (const id of owned) if (!keepIds.has(id)) env.get(id)?.dispose()
  return { outputs, fresh }
}

function runNullary<P extends BackendPrim>(prim: P, params: PrimParams[P], backend: Backend): Tensor[] {
  const specs = abstractEval(prim, [], params) as OutputSpec[]
  const ids = backend.run(prim, [], params, specs)
  return specs.map((s, i) => new Tensor(s.shape, s.dtype, backend, ids[i]))
}

/**
 * Runs a graph eagerly, one primitive at a time with `bind` (so autodiff tapes see every call),
 * freeing intermediates as soon as their last use passes, then applies the variable writes.
 * `inputs` follow `graph.inputs`; returns one fresh tensor per `graph.outputs` entry.
 *
 * @example
 * ```ts
 * const g = trace((x: Tensor) => lax.exp(x), [{ shape: [3], dtype: 'float32' }])
 * const [y] = evaluateGraph(g, [tensor([0, 1, 2])])
 * ```
 */
export function evaluateGraph(graph: Graph, inputs: readonly Tensor[], options: EvaluateOptions = {}): Tensor[] {
  ensureControlEvaluator()
  const { outputs, fresh } = runGraph(graph, inputs, options)
  const copies = new Map<Tensor, Tensor>()
  return outputs.map((t, i) => {
    if (fresh[i]) return t
    let c = copies.get(t)
    if (!c) { c = copyOf(t); copies.set(t, c) }
    return c
  })
}

// ---------------------------------------------------------------------------------------------
// Eager control flow.

function readScalar(t: Tensor, prim: ControlPrim): number {
  const b = t.backend
  if (!b.readSync) {
    throw new NotImplementedError(`Eager \`${prim}\` needs to read its predicate synchronously, which backend "${b.name}" cannot. Trace the function and run it on a backend that compiles control flow, or use a synchronous backend. Received: backend=${b.name}`)
  }
  return b.readSync(t)[0] as number
}

/** Runs a sub-graph with no writes; returns outputs with fresh copies for aliases of `inputs`. */
function runBody(graph: Graph, inputs: readonly Tensor[]): Tensor[] {
  const { outputs, fresh } = runGraph(graph, inputs, {}, false)
  return outputs.map((t, i) => (fresh[i] ? t : copyOf(t)))
}

function disposeUnless(ts: readonly Tensor[], keepSet: ReadonlySet<Tensor>): void {
  for (const t of new Set(ts)) if (!keepSet.has(t)) t.dispose()
}

/** Freshens outputs that are still tensors the caller passed in (bind outputs never alias inputs). */
function freshen(outs: Tensor[], inputs: readonly Tensor[]): Tensor[] {
  const ins = new Set(inputs)
  const seen = new Set<Tensor>()
  return outs.map((t) => {
    const c = ins.has(t) || seen.has(t) ? copyOf(t) : t
    seen.add(c)
    return c
  })
}

function evalCond(inputs: readonly Tensor[], params: PrimParams['cond']): Tensor[] {
  const n = params.branches.length
  const i = Math.min(Math.max(Math.trunc(readScalar(inputs[0]!, 'cond')), 0), n - 1)
  return runBody(params.branches[i]!, inputs.slice(1))
}

function evalWhile(inputs: readonly Tensor[], params: PrimParams['while']): Tensor[] {
  const consts = inputs.slice(0, params.numConsts)
  let carry = inputs.slice(params.numConsts)
  const original = new Set(inputs)
  for (;;) {
    const [c] = runBody(params.condGraph, [...consts, ...carry])
    const go = readScalar(c!, 'while') !== 0
    c!.dispose()
    if (!go) break
    const next = runBody(params.body, [...consts, ...carry])
    disposeUnless(carry, original)
    carry = next
  }
  return freshen(carry, inputs)
}

/** `x[t]` along the leading axis. */
function indexLeading(x: Tensor, t: number): Tensor {
  const s = lax.slice(x, [t, ...x.shape.slice(1).map(() => 0)], [t + 1, ...x.shape.slice(1)])
  const r = lax.reshape(s, x.shape.slice(1))
  if (r !== s) s.dispose()
  return r
}

function evalScan(inputs: readonly Tensor[], params: PrimParams['scan']): Tensor[] {
  const { numConsts, numCarry, length, reverse, body } = params
  const consts = inputs.slice(0, numConsts)
  let carry = inputs.slice(numConsts, numConsts + numCarry)
  const xs = inputs.slice(numConsts + numCarry)
  const original = new Set(inputs)
  const yAvals = body.outputs.slice(numCarry).map((v) => v.aval)
  const steps: Tensor[][] = yAvals.map(() => new Array<Tensor>(length))
  for (let k = 0; k < length; k++) {
    const t = reverse ? length - 1 - k : k
    const xt = xs.map((x) => indexLeading(x, t))
    const out = runBody(body, [...consts, ...carry, ...xt])
    const next = out.slice(0, numCarry)
    const ys = out.slice(numCarry)
    ys.forEach((y, j) => {
      const e = lax.reshape(y, [1, ...y.shape])
      if (e !== y && !next.includes(y)) y.dispose()
      steps[j]![t] = e
    })
    const live = new Set<Tensor>([...original, ...next, ...steps.map((s) => s[t]!)])
    disposeUnless([...carry, ...xt], live)
    carry = next
  }
  const stacked = yAvals.map((a, j) => {
    if (length === 0) {
      if (a.shape.some((d) => d === null)) throw new ShapeError(`Eager \`scan\` of length 0 needs known output shapes. Received: shape=${fmt(a.shape)}`)
      return full([0, ...(a.shape as number[])], 0, a.dtype, inputs[0]?.backend)
    }
    const parts = steps[j]!
    const out = lax.concatenate(parts, 0)
    if (out !== parts[0]) for (const p of parts) p.dispose()
    return out
  })
  return freshen([...carry, ...stacked], inputs)
}

/** The evaluator `bind` calls for control-flow primitives on concrete tensors. */
function evalControl<P extends ControlPrim>(prim: P, inputs: readonly Tensor[], params: PrimParams[P]): Tensor[] {
  // NOTE: tapes are paused inside: the control primitive is recorded as one node and differentiated
  // by its own VJP rule, never through the calls that evaluate it.
  return withTapesPaused(() => {
    switch (prim) {
      case 'cond': return evalCond(inputs, params as PrimParams['cond'])
      case 'while': return evalWhile(inputs, params as PrimParams['while'])
      case 'scan': return evalScan(inputs, params as PrimParams['scan'])
      default: throw new InvalidArgumentError(`Unknown control-flow primitive. Received: prim=${fmt(prim)}`)
    }
  })
}
