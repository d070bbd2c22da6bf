/**
 * @file The time loop of the recurrent layers (Keras's `backend.rnn`, JAX flavour): a step function
 * iterated over the time axis with core's `scan` (eager on concrete tensors, one structured `scan`
 * primitive in a trace, differentiable either way), or unrolled into one call per step; with masks,
 * `goBackwards` and `zeroOutputForMask` as in Keras on JAX.
 */
import { InvalidArgumentError, ShapeError, Tensor, fmt, isTracing, lax, scan, tidy, treeFlatten, treeUnflatten } from '@kx/core'
import { S, expandDims, flip, getItem, stack, transpose, where, zerosLike } from '@kx/ops-numpy'
import type { States } from './rnn-common.js'

/** One step: `(input_t, states_{t-1}) → [output_t, states_t]` (states keep their structure). */
export type StepFunction = (input: Tensor, states: States) => [Tensor, States]

/** Options of `rnnLoop`. */
export interface RnnLoopOptions {
  /** Iterate from the last step to the first; outputs come back in processing (reversed) order. */
  readonly goBackwards?: boolean
  /** Boolean `[batch, time]`: false steps keep the previous states (and output). */
  readonly mask?: Tensor | null
  /** Unroll the loop into one call per step (the time dim must be known). */
  readonly unroll?: boolean
  /** Masked steps output zeros instead of the previous output (scan path only, as in Keras on JAX). */
  readonly zeroOutputForMask?: boolean
  /** Also stack the outputs of every step (default true). */
  readonly returnAllOutputs?: boolean
}

/** What `rnnLoop` returns: the last output, the stacked outputs (`[batch, time, ...]`) and the final states. */
export interface RnnLoopResult {
  readonly lastOutput: Tensor
  readonly outputs: Tensor | null
  readonly states: States
}

const isTensor = (v: unknown): v is Tensor => v instanceof Tensor

/** Swaps the first two axes (batch-major ↔ time-major). */
function swap01(x: Tensor): Tensor {
  return transpose(x, { axes: [1, 0, ...x.shape.slice(2).map((_, i) => i + 2)] })
}

/** `where(keep, a, b)` with a `[batch]` boolean broadcast over the trailing axes of `a`. */
function keepWhere(keep: Tensor, a: Tensor, b: Tensor): Tensor {
  const k = a.shape.length > 1 ? expandDims(keep, a.shape.slice(1).map((_, i) => i + 1)) : keep
  return where(k, a, b) as Tensor
}

/** Applies `fn` leafwise to two state structures of the same shape (the result has `a`'s structure). */
function zipStates(a: States, b: States, fn: (x: Tensor, y: Tensor) => Tensor): States {
  const [la, def] = treeFlatten(a, isTensor)
  const [lb] = treeFlatten(b, isTensor)
  if (la.length !== lb.length) {
    throw new InvalidArgumentError(`The RNN cell must return as many states as it was given. Received: ${lb.length} state tensors, given ${la.length}`)
  }
  return treeUnflatten(def, la.map((x, i) => fn(x, lb[i]!))) as States
}

/** Keras's output for a masked step: the first state, or the last cell's first state for stacked cells. */
function previousOutput(states: States): Tensor {
  const s = states as readonly States[]
  const first = s[0]!
  if (first instanceof Tensor) return first
  const last = s[s.length - 1] as readonly States[]
  return (last[0] instanceof Tensor ? last[0] : treeFlatten(last[0], isTensor)[0][0]) as Tensor
}

/**
 * Iterates `step` over the time axis of `inputs` (`[batch, time, ...]`) from `initialStates`.
 *
 * @example
 * ```ts
 * const { lastOutput, outputs, states } = rnnLoop((x, [h]) => { const y = ops.tanh(ops.add(x, h)); return [y, [y]] }, xs, [h0])
 * ```
 */
export function rnnLoop(step: StepFunction, inputs: Tensor, initialStates: States, options: RnnLoopOptions = {}): RnnLoopResult {
  const goBackwards = options.goBackwards ?? false
  const returnAll = options.returnAllOutputs ?? true
  const mask = options.mask ? (options.mask.dtype === 'bool' ? options.mask : lax.ne(options.mask, zerosLike(options.mask))) : null
  const [stateLeaves] = treeFlatten(initialStates, isTensor)
  const eager = !isTracing() && !inputs.isSymbolic && !stateLeaves.some((s) => s.isSymbolic) && !(mask?.isSymbolic ?? false)
  // NOTE: each eager step runs in its own `tidy`, so the live tensor count stays flat over time.
  const scoped = <T>(fn: () => T): T => (eager ? tidy(fn) : fn())
  if (options.unroll) return unrolled(step, inputs, initialStates, mask, goBackwards, returnAll, scoped)

  const xs = swap01(inputs)
  const zeroOut = options.zeroOutputForMask ?? false
  type Carry = States
  const body = (carry: Carry, x: Tensor | [Tensor, Tensor]): [Carry, Tensor] => scoped(() => {
    if (!mask) {
      const [out, next] = step(x as Tensor, carry)
      return [next, out]
    }
    const [xt, keep] = x as [Tensor, Tensor]
    const [out, next] = step(xt, carry)
    const masked = keepWhere(keep, out, zeroOut ? zerosLike(out) : previousOutput(carry))
    return [zipStates(carry, next, (prev, n) => keepWhere(keep, n, prev)), masked]
  })
  const [states, ys] = scan<Carry, Tensor>(body as never, initialStates, mask ? [xs, swap01(mask)] : xs, { reverse: goBackwards })
  const ordered = goBackwards ? flip(ys, { axis: 0 }) : ys
  const T = ordered.shape[0] as number
  const lastOutput = getItem(ordered, T - 1)
  return { lastOutput, outputs: returnAll ? swap01(ordered) : null, states }
}

function unrolled(
  step: StepFunction, inputs: Tensor, initialStates: States, mask: Tensor | null, goBackwards: boolean, returnAll: boolean,
  scoped: <T>(fn: () => T) => T,
): RnnLoopResult {
  const T = inputs.shape[1]
  if (typeof T !== 'number') throw new ShapeError(`Unrolling requires a fixed number of timesteps. Received: inputs.shape=${fmt(inputs.shape)}`)
  let states = initialStates
  let prev: Tensor | null = null
  const outs: Tensor[] = []
  for (let k = 0; k < T; k++) {
    const t = goBackwards ? T - 1 - k : k
    const [out, next] = scoped((): [Tensor, States] => {
      const xt = getItem(inputs, [S(), t])
      const [o, n] = step(xt, states)
      if (!mask) return [o, n]
      // NOTE: Keras's unrolled JAX loop keeps the previous output (zeros before the first step) and
      // ignores zero_output_for_mask; reproduced as is.
      const keep = getItem(mask, [S(), t])
      return [keepWhere(keep, o, prev ?? zerosLike(o)), zipStates(states, n, (p, v) => keepWhere(keep, v, p))]
    })
    outs.push(out)
    prev = out
    states = next
  }
  const lastOutput = outs[T - 1]!
  return { lastOutput, outputs: returnAll ? stack(outs, { axis: 1 }) : null, states }
}
