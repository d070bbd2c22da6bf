/** @file Autodiff tapes: every active tape records primitive calls whose inputs depend on its sources. */
import { isFloat } from '../dtype.js'
import type { Tensor } from '../tensor.js'
import type { Prim, PrimParams } from '../primitives/types.js'

/** A custom VJP closure (from `customGradient`): output cotangents → input cotangents. */
export type CustomVjp = (cotangents: readonly (Tensor | null)[]) => (Tensor | null)[]

/** One recorded call. */
export interface TapeNode {
  readonly prim: Prim | 'custom'
  readonly params: PrimParams[Prim] | null
  readonly inputs: readonly Tensor[]
  readonly outputs: readonly Tensor[]
  readonly customVjp?: CustomVjp
}

/** A gradient tape. Tensors it records are held (not freed) until `release()`. */
export class Tape {
  readonly nodes: TapeNode[] = []
  readonly active = new Set<number>()
  recording = true
  private readonly held: Tensor[] = []

  watch(t: Tensor): void {
    this.active.add(t.id)
    this.hold(t)
  }

  isActive(t: Tensor): boolean { return this.active.has(t.id) }

  record(node: TapeNode): void {
    this.nodes.push(node)
    for (const t of node.inputs) this.hold(t)
    for (const t of node.outputs) {
      this.hold(t)
      // NOTE: integer and boolean values carry no gradient, so they never become active.
      if (isFloat(t.dtype)) this.active.add(t.id)
    }
  }

  private hold(t: Tensor): void {
    t._holds++
    this.held.push(t)
  }

  /** Lets go of every held tensor, disposing those whose disposal was requested meanwhile. */
  release(): void {
    for (const t of this.held) {
      t._holds--
      if (t._holds === 0 && t._pendingDispose) { t._pendingDispose = false; t.dispose() }
    }
    this.held.length = 0
    this.nodes.length = 0
    this.active.clear()
  }
}

const tapes: Tape[] = []

/** @internal */
export function pushTape(t: Tape): void { tapes.push(t) }
/** @internal */
export function popTape(t: Tape): void {
  const i = tapes.lastIndexOf(t)
  if (i >= 0) tapes.splice(i, 1)
}

/** @internal Records a primitive call on every recording tape that watches one of its inputs. */
export function recordOnTapes(prim: Prim, params: PrimParams[Prim], inputs: readonly Tensor[], outputs: readonly Tensor[]): void {
  if (tapes.length === 0 || prim === 'stop_gradient') return
  for (const tape of tapes) {
    if (tape.recording && inputs.some((t) => tape.isActive(t))) tape.record({ prim, params, inputs, outputs })
  }
}

/** @internal True when a recording tape would record a call on these inputs. */
export function anyTapeWatches(inputs: readonly Tensor[]): boolean {
  return tapes.some((tape) => tape.recording && inputs.some((t) => tape.isActive(t)))
}

/** @internal Records a custom-VJP region on recording tapes. */
export function recordCustom(inputs: readonly Tensor[], outputs: readonly Tensor[], vjp: CustomVjp): void {
  for (const tape of tapes) {
    if (tape.recording && inputs.some((t) => tape.isActive(t))) tape.record({ prim: 'custom', params: null, inputs, outputs, customVjp: vjp })
  }
}

/** @internal Runs `fn` with every tape paused (used inside custom-gradient regions). */
export function withTapesPaused<T>(fn: () => T): T {
  const was = tapes.map((t) => t.recording)
  for (const t of tapes) t.recording = false
  try { return fn() } finally { tapes.forEach((t, i) => { t.recording = was[i]! }) }
}
