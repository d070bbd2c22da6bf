/** @file Reverse-mode autodiff owned by kx: grad, valueAndGrad, vjp, jvp, customGradient, stopGradient. */
import { isFloat } from '../dtype.js'
import { InvalidArgumentError, NotDifferentiableError, ShapeError, fmt } from '../errors.js'
import { tidy } from '../engine.js'
import { Tensor, nextTensorId } from '../tensor.js'
import { withDefaultBackend } from '../registry.js'
import type { Prim } from '../primitives/types.js'
import type { VjpArgs } from '../primitives/def.js'
import { VJP_RULES } from './rules/index.js'
import { treeFlatten, treeUnflatten, type TreeDef } from '../tree.js'
import { Tape, popTape, pushTape, recordCustom, withTapesPaused, type TapeNode } from './tape.js'
import { add, mul as mulT, reduceSum, stopGradientPrim } from '../lax.js'
import { onesLike, zerosLike } from '../creation.js'
import { Variable } from '../variable.js'

const isTensor = (v: unknown): v is Tensor => v instanceof Tensor
const isParam = (v: unknown): v is Tensor | Variable => v instanceof Tensor || v instanceof Variable

/** Runs the tape backwards from `outputs` (seeded with `seeds`) and returns cotangents of `wrt`. */
function backward(tape: Tape, outputs: readonly Tensor[], seeds: readonly Tensor[], wrt: readonly Tensor[]): (Tensor | null)[] {
  const ct = new Map<number, Tensor>()
  const wanted = new Set(wrt.map((t) => t.id))
  // NOTE: only tensors made during this backward pass are ours to free; a VJP may return an
  // existing tensor (a no-op cast of a forward value, a seed) as a cotangent.
  const firstId = nextTensorId()
  const owned = new OwnedSet(firstId)
  // NOTE: seeds belong to the caller: they are never owned, so never disposed here.
  outputs.forEach((o, i) => {
    if (!tape.isActive(o)) return
    const prev = ct.get(o.id)
    if (prev) { const sum = add(prev, seeds[i]!); owned.add(sum); ct.set(o.id, sum) } else ct.set(o.id, seeds[i]!)
  })
  tape.recording = false
  for (let n = tape.nodes.length - 1; n >= 0; n--) {
    const node = tape.nodes[n]!
    const cts = node.outputs.map((o) => ct.get(o.id) ?? null)
    if (cts.every((c) => c === null)) continue
    const inputCts = tidy(() => runVjp(node, cts, node.inputs.map((t) => tape.isActive(t))))
    // NOTE: a VJP may pass an output cotangent straight through (add, reshape…): such a tensor
    // changes hands instead of being released.
    for (const o of node.outputs) {
      const c = ct.get(o.id)
      if (c && !wanted.has(o.id)) { ct.delete(o.id); if (!inputCts.includes(c)) releaseIfUnused(c, ct, owned) }
    }
    node.inputs.forEach((inp, i) => {
      const c = inputCts[i]
      if (!c) return
      if (!tape.isActive(inp)) {
        if (c.id >= firstId && !isReferenced(c, ct) && !inputCts.slice(i + 1).includes(c)) { owned.delete(c); c.dispose() }
        return
      }
      if (c.shape.length !== inp.shape.length || c.shape.some((d, j) => d !== inp.shape[j])) {
        throw new ShapeError(`Internal VJP error in \`${node.prim}\`: cotangent shape ${fmt(c.shape)} != input shape ${fmt(inp.shape)}.`)
      }
      accumulate(ct, inp, c, owned, inputCts.slice(i + 1).includes(c))
    })
  }
  return wrt.map((w) => ct.get(w.id) ?? null)
}

function runVjp(node: TapeNode, cts: (Tensor | null)[], needs: readonly boolean[]): (Tensor | null)[] {
  const home = node.inputs.find((t) => !t.isSymbolic)
  return withDefaultBackend(home?.backend, () => runVjpRule(node, cts, needs))
}

/** Runs a node's VJP; `needs[i]` is false for inputs the tape does not track (their cotangent is dropped). */
function runVjpRule(node: TapeNode, cts: (Tensor | null)[], needs: readonly boolean[]): (Tensor | null)[] {
  const out = node.customVjp
    ? node.customVjp(cts)
    : (VJP_RULES[node.prim as Prim] as (a: VjpArgs<Prim>) => (Tensor | null)[])({
      cotangents: cts, inputs: node.inputs, outputs: node.outputs, params: node.params!, needs,
    })
  return out
}

/** A set that only admits tensors created at or after `firstId`. */
class OwnedSet extends Set<Tensor> {
  constructor(private readonly firstId: number) { super() }
  override add(t: Tensor): this { return t.id >= this.firstId ? super.add(t) : this }
}

function isReferenced(t: Tensor, ct: Map<number, Tensor>): boolean {
  for (const v of ct.values()) if (v === t) return true
  return false
}
function releaseIfUnused(t: Tensor, ct: Map<number, Tensor>, owned: Set<Tensor>): void {
  if (owned.has(t) && !isReferenced(t, ct)) { owned.delete(t); t.dispose() }
}
/** Adds `c` into the cotangent of `target`; `stillNeeded` when the same tensor feeds a later input. */
function accumulate(ct: Map<number, Tensor>, target: Tensor, c: Tensor, owned: Set<Tensor>, stillNeeded = false): void {
  const prev = ct.get(target.id)
  if (!prev) { ct.set(target.id, c); owned.add(c); return }
  const sum = add(prev, c)
  ct.set(target.id, sum)
  owned.add(sum)
  releaseIfUnused(prev, ct, owned)
  if (!stillNeeded) releaseIfUnused(c, ct, owned)
  else owned.add(c)
}

function checkDifferentiable(ts: readonly Tensor[], where: string): void {
  for (const t of ts) {
    if (!isFloat(t.dtype)) {
      throw new NotDifferentiableError(`\`${where}\` can only differentiate with respect to floating-point tensors. Cast the input to a float dtype or stop its gradient. Received: dtype=${t.dtype}, shape=${fmt(t.shape)}`)
    }
  }
}

/** Options of `grad` / `valueAndGrad`. */
export interface GradOptions {
  /** Which positional arguments to differentiate (default 0). */
  readonly argnums?: number | readonly number[]
  /** `fn` returns `[value, aux]`; aux is passed through. */
  readonly hasAux?: boolean
}

/**
 * Returns a function computing `fn`'s value and its gradient with respect to the chosen arguments
 * (nested structures of tensors or `Variable`s; gradients come back in the same structure).
 * `fn` must return a scalar float tensor (or `[scalar, aux]` with `hasAux`).
 *
 * @example
 * ```ts
 * const f = (x: Tensor) => ops.sum(ops.square(x))
 * const [value, grads] = valueAndGrad(f)(x) // grads = 2x
 * ```
 */
export function valueAndGrad<A extends unknown[]>(fn: (...args: A) => unknown, options: GradOptions = {}): (...args: A) => [unknown, unknown] {
  return (...args: A) => {
    const argnums = options.argnums ?? 0
    const nums = typeof argnums === 'number' ? [argnums] : argnums
    for (const i of nums) {
      if (!Number.isInteger(i) || i < 0 || i >= args.length) throw new InvalidArgumentError(`valueAndGrad: argnums out of range. Received: argnums=${fmt(argnums)}, number of args=${args.length}`)
    }
    const defs: TreeDef[] = []
    const leaves: (Tensor | Variable)[][] = []
    for (const i of nums) { const [l, d] = treeFlatten(args[i], isParam); leaves.push(l); defs.push(d) }
    const flatParams = leaves.flat()
    const sources = flatParams.map((p) => (p instanceof Variable ? p.rawValue : p))
    checkDifferentiable(sources, 'valueAndGrad')
    const tape = new Tape()
    for (const s of sources) tape.watch(s)
    pushTape(tape)
    let raw: unknown
    try { raw = fn(...args) } catch (e) { popTape(tape); tape.release(); throw e }
    popTape(tape)
    const [value, aux] = options.hasAux ? (raw as [unknown, unknown]) : [raw, undefined]
    if (!(value instanceof Tensor) || value.shape.length !== 0 || !isFloat(value.dtype)) {
      tape.release()
      throw new InvalidArgumentError(`valueAndGrad: the function must return a scalar float tensor${options.hasAux ? ' as the first element of [value, aux]' : ''}. Received: ${value instanceof Tensor ? `shape=${fmt(value.shape)}, dtype=${value.dtype}` : typeof value}`)
    }
    let grads: (Tensor | null)[]
    try {
      grads = tidy(() => {
        const seed = onesLike(value)
        return backward(tape, [value], [seed], sources).map((g, i) => g ?? zerosLike(sources[i]!))
      })
    } finally { tape.release() }
    let k = 0
    const structured = defs.map((d, j) => treeUnflatten(d, grads.slice(k, (k += leaves[j]!.length))))
    const g = typeof argnums === 'number' ? structured[0] : structured
    return [options.hasAux ? [value, aux] : value, g]
  }
}

/**
 * Gradient of a scalar function (see `valueAndGrad`).
 *
 * @example
 * ```ts
 * const dx = grad((x: Tensor) => ops.sum(ops.sin(x)))(x) // cos(x)
 * ```
 */
export function grad<A extends unknown[]>(fn: (...args: A) => unknown, options: GradOptions = {}): (...args: A) => unknown {
  const vg = valueAndGrad(fn, options)
  return (...args: A) => {
    const [value, g] = vg(...args)
    if (options.hasAux) return [g, (value as [unknown, unknown])[1]]
    ;(value as Tensor).dispose()
    return g
  }
}

/**
 * Vector-Jacobian product: returns `fn(primals)` and a function mapping output cotangents
 * (same structure as the output) to input cotangents. Call `release()` when done.
 *
 * @example
 * ```ts
 * const [y, pullback, release] = vjp((x: Tensor) => ops.exp(x), x)
 * const [dx] = pullback(ops.onesLike(y)); release()
 * ```
 */
export function vjp(fn: (...args: Tensor[]) => unknown, ...primals: Tensor[]): [unknown, (cotangents: unknown) => Tensor[], () => void] {
  checkDifferentiable(primals, 'vjp')
  const tape = new Tape()
  for (const p of primals) tape.watch(p)
  pushTape(tape)
  let out: unknown
  try { out = fn(...primals) } finally { popTape(tape) }
  const [outs, def] = treeFlatten(out, isTensor)
  const pullback = (cotangents: unknown): Tensor[] => {
    const [cts, cdef] = treeFlatten(cotangents, isTensor)
    if (cts.length !== outs.length || JSON.stringify(cdef) !== JSON.stringify(def)) {
      throw new InvalidArgumentError(`vjp: cotangents must have the structure of the outputs. Received: ${cts.length} cotangents for ${outs.length} outputs`)
    }
    return tidy(() => {
      const rec = tape.recording
      const res = backward(tape, outs, cts, primals).map((g, i) => g ?? zerosLike(primals[i]!))
      tape.recording = rec
      return res
    })
  }
  return [out, pullback, () => tape.release()]
}

/**
 * Jacobian-vector product, computed as the transpose of a VJP (two reverse passes): returns
 * `[fn(primals), tangentOut]`. Works for every primitive whose VJP rule is differentiable.
 *
 * @example
 * ```ts
 * const [y, dy] = jvp((x: Tensor) => ops.sin(x), [x], [ones]) // dy = cos(x)
 * ```
 */
export function jvp(fn: (...args: Tensor[]) => Tensor, primals: readonly Tensor[], tangents: readonly Tensor[]): [Tensor, Tensor] {
  if (primals.length !== tangents.length) throw new InvalidArgumentError(`jvp: primals and tangents differ in length. Received: ${primals.length} and ${tangents.length}`)
  return tidy(() => {
    let y: Tensor | undefined
    const u0 = withTapesPaused(() => zerosLike(fn(...primals)))
    // g(u) = vjp_f(u) · tangents is linear in u; its gradient in u is J · tangents.
    const [, dy] = valueAndGrad((u: Tensor) => {
      const [out, pull, release] = vjp(fn, ...primals)
      y = out as Tensor
      const gs = pull(u)
      release()
      let s: Tensor | undefined
      gs.forEach((g, i) => {
        const t = tangents[i]!
        const term = sumAll(mulT(g, t))
        s = s ? add(s, term) : term
      })
      return s!
    })(u0)
    return [y!, dy as Tensor]
  })
}

function sumAll(x: Tensor): Tensor { return reduceSum(x, x.shape.map((_, i) => i)) }

/**
 * Stops gradient flow: the value passes through, its gradient is zero (`keras.ops.stop_gradient`).
 *
 * @example
 * ```ts
 * const y = stopGradient(x)
 * ```
 */
export function stopGradient(x: Tensor): Tensor { return stopGradientPrim(x) }

/**
 * Defines a function with a custom gradient (`keras.ops.custom_gradient`): `fn` returns
 * `[output, gradFn]`, where `gradFn(upstream)` returns one gradient per tensor argument.
 *
 * @example
 * ```ts
 * const logExp = customGradient((x: Tensor) => {
 *   const e = ops.exp(x)
 *   return [ops.log1p(e), (dy: Tensor) => [ops.multiply(dy, ops.sigmoid(x))]]
 * })
 * ```
 */
export function customGradient<A extends Tensor[]>(fn: (...args: A) => [unknown, (...upstream: Tensor[]) => Tensor | (Tensor | null)[]]): (...args: A) => unknown {
  return (...args: A) => {
    const [out, gradFn] = withTapesPaused(() => fn(...args))
    const [outs] = treeFlatten(out, isTensor)
    recordCustom(args, outs, (cts) => {
      const up = cts.map((c, i) => c ?? zerosLike(outs[i]!))
      const g = gradFn(...up)
      return Array.isArray(g) ? g : [g]
    })
    return out
  }
}
