/** @file `bind`: the one entry point of every primitive call, eager or symbolic, taped or not. */
import type { Backend, OutputSpec } from './backend.js'
import { DTypeError, InvalidArgumentError, fmt } from './errors.js'
import { KerasTensor, Tensor, type SymbolicEquation } from './tensor.js'
import type { AbstractValue, BackendPrim, ControlPrim, Prim, PrimParams } from './primitives/types.js'
import { PRIMITIVES } from './primitives/index.js'
import { getBackend } from './registry.js'
import { anyTapeWatches, recordOnTapes } from './autodiff/tape.js'
import type { FusedOp, FusedParams } from './primitives/fused.js'

/** Evaluates a control-flow primitive eagerly (installed by the trace module). */
export type ControlEvaluator = <P extends ControlPrim>(prim: P, inputs: readonly Tensor[], params: PrimParams[P]) => Tensor[]
let controlEvaluator: ControlEvaluator | undefined
/** @internal */
export function installControlEvaluator(fn: ControlEvaluator): void { controlEvaluator = fn }

const CONTROL: ReadonlySet<Prim> = new Set<Prim>(['cond', 'while', 'scan'])

/** @internal Abstract evaluation of a primitive (the shared shape + dtype rule). */
export function abstractEval<P extends Prim>(prim: P, inputs: readonly AbstractValue[], params: PrimParams[P]): AbstractValue[] {
  const def = PRIMITIVES[prim]
  if (!def) throw new InvalidArgumentError(`Unknown primitive. Received: prim=${fmt(prim)}`)
  return def.abstractEval(inputs, params)
}

/** Picks the backend of the inputs (all must agree), or the active one when there are none. */
function backendOf(prim: Prim, inputs: readonly Tensor[]): Backend {
  if (inputs.length === 0) return getBackend()
  const b = inputs[0]!._backend!
  for (let i = 1; i < inputs.length; i++) {
    if (inputs[i]!._backend !== b) {
      throw new InvalidArgumentError(`Primitive \`${prim}\` got tensors on different backends; move them with \`toBackend(t, name)\`. Received: backends=${fmt(inputs.map((x) => x.backend.name))}`)
    }
  }
  return b
}

/**
 * Calls a primitive. With any symbolic input the call only infers output specs and records an
 * equation (the symbolic path); otherwise the owning backend runs it (the eager path). Active
 * autodiff tapes record the call either way.
 */
export function bind<P extends Prim>(prim: P, inputs: readonly Tensor[], params: PrimParams[P]): Tensor[] {
  // NOTE: the eager path runs per op in every training step, so it uses plain loops, no closures.
  let symbolic = false
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i]!
    if (t.isSymbolic) symbolic = true
    else t.assertLive()
  }
  const avals = abstractEval(prim, inputs, params)
  let outputs: Tensor[]
  // NOTE: an output with an unknown dim (a constant broadcast to [null, 3]) can only be symbolic.
  if (symbolic || hasUnknownDim(avals)) {
    const eqn: { prim: P; params: PrimParams[P]; inputs: readonly Tensor[]; outputs: KerasTensor[] } = { prim, params, inputs, outputs: [] }
    outputs = avals.map((a, i) => {
      const kt = new KerasTensor(a.shape, a.dtype, { equation: eqn as SymbolicEquation, index: i })
      eqn.outputs.push(kt)
      return kt
    })
  } else if (CONTROL.has(prim)) {
    if (!controlEvaluator) throw new InvalidArgumentError(`Control-flow primitive \`${prim}\` needs the trace module.`)
    outputs = controlEvaluator(prim as ControlPrim, inputs, params as PrimParams[ControlPrim])
  } else {
    const backend = backendOf(prim, inputs)
    const specs = avals as OutputSpec[]
    checkDTypes(prim, backend, inputs, specs)
    const ids = backend.run(prim as BackendPrim, inputs, params as PrimParams[BackendPrim], specs)
    outputs = new Array<Tensor>(specs.length)
    for (let i = 0; i < specs.length; i++) outputs[i] = new Tensor(specs[i]!.shape, specs[i]!.dtype, backend, ids[i])
  }
  recordOnTapes(prim, params, inputs, outputs)
  return outputs
}

function hasUnknownDim(avals: readonly AbstractValue[]): boolean {
  for (let i = 0; i < avals.length; i++) {
    const s = avals[i]!.shape
    for (let j = 0; j < s.length; j++) if (s[j] === null) return true
  }
  return false
}

/** Single-output convenience over `bind`. */
export function bind1<P extends Prim>(prim: P, inputs: readonly Tensor[], params: PrimParams[P]): Tensor {
  return bind(prim, inputs, params)[0]!
}

function checkDTypes(prim: Prim, backend: Backend, inputs: readonly Tensor[], outs: readonly OutputSpec[]): void {
  const ok = backend.capabilities.dtypes
  for (let i = 0; i < inputs.length; i++) if (!ok.has(inputs[i]!.dtype)) throw unsupportedDType(prim, backend, inputs[i]!.dtype)
  for (let i = 0; i < outs.length; i++) if (!ok.has(outs[i]!.dtype)) throw unsupportedDType(prim, backend, outs[i]!.dtype)
}
function unsupportedDType(prim: Prim, backend: Backend, d: string): DTypeError {
  const ok = backend.capabilities.dtypes
  return new DTypeError(`Backend "${backend.name}" does not support dtype ${d} (primitive \`${prim}\`). Use a dtype it supports (${[...ok].join(', ')}) or a backend that has ${d}, such as "reference". Received: dtype=${d}`)
}

/**
 * Runs a composite op as the backend's fused kernel when that is possible — concrete inputs on a
 * backend declaring `op` in `capabilities.fused`, no autodiff tape watching them — and otherwise
 * runs `decomposition`, the op written with primitives (the reference; used for gradients and tracing).
 * `outputs` are the specs of the fused call's outputs.
 */
export function bindFused<F extends FusedOp>(
  op: F, inputs: readonly Tensor[], params: FusedParams[F], outputs: readonly OutputSpec[], decomposition: () => Tensor[],
): Tensor[] {
  if (inputs.length === 0 || inputs.some((t) => t.isSymbolic) || anyTapeWatches(inputs)) return decomposition()
  const backend = inputs[0]!.backend
  if (!backend.runFused || !backend.capabilities.fused.has(op) || inputs.some((t) => t.backend !== backend)) return decomposition()
  const ids = backend.runFused(op, inputs, params, outputs)
  if (ids === null) return decomposition()
  return outputs.map((s, i) => new Tensor(s.shape, s.dtype, backend, ids[i]))
}
