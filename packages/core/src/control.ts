/**
 * @file User-facing control flow (keras.ops core: cond, switch, while_loop, fori_loop, scan, map,
 * associative_scan, vectorized_map). Eager calls with concrete values run like Python; inside a trace
 * (or with symbolic inputs) bodies are traced to sub-graphs and bound as structured primitives.
 */
import { InvalidArgumentError, NotImplementedError, ShapeError, fmt } from './errors.js'
import { isBool, type DType } from './dtype.js'
import { Tensor } from './tensor.js'
import { bind } from './dispatch.js'
import { full, tensor } from './creation.js'
import { normalizeAxis } from './shape.js'
import { treeFlatten, treeUnflatten, type TreeDef } from './tree.js'
import * as lax from './lax.js'
import { isTracing } from './trace/trace.js'
import { ensureControlEvaluator } from './trace/evaluate.js'
import { permuteInputs, traceSub, unifyCaptures, type SubTrace } from './trace/subgraph.js'

const isTensor = (v: unknown): v is Tensor => v instanceof Tensor
const sameTree = (a: TreeDef, b: TreeDef): boolean => JSON.stringify(a) === JSON.stringify(b)
const avalsOf = (ts: readonly Tensor[]): { shape: readonly (number | null)[]; dtype: DType }[] => ts.map((t) => ({ shape: t.shape, dtype: t.dtype }))
const range = (a: number, b: number): number[] => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i)

/** Structured (graph) mode: inside a trace, or when any value is symbolic. */
function structured(ts: readonly Tensor[]): boolean {
  ensureControlEvaluator()
  return isTracing() || ts.some((t) => t.isSymbolic)
}

function readScalar(t: Tensor, op: string): number {
  if (t.size !== 1) throw new ShapeError(`\`${op}\` needs a scalar. Received: shape=${fmt(t.shape)}`)
  const b = t.backend
  if (!b.readSync) {
    throw new NotImplementedError(`Eager \`${op}\` reads its predicate synchronously, which backend "${b.name}" cannot; wrap the computation in \`jit\` (traced control flow). Received: backend=${b.name}`)
  }
  return b.readSync(t)[0] as number
}

/** A boolean scalar from a predicate tensor (nonzero = true). */
function toBool(pred: Tensor, op: string): Tensor {
  if (pred.shape.length !== 0) {
    if (pred.size !== 1) throw new ShapeError(`\`${op}\` needs a scalar predicate. Received: shape=${fmt(pred.shape)}`)
    pred = lax.reshape(pred, [])
  }
  if (pred.dtype === 'bool') return pred
  return lax.ne(pred, full([], 0, pred.dtype, pred.isSymbolic ? undefined : pred.backend))
}

function toIndex(index: Tensor, op: string): Tensor {
  if (index.size !== 1) throw new ShapeError(`\`${op}\` needs a scalar index. Received: shape=${fmt(index.shape)}`)
  const s = index.shape.length ? lax.reshape(index, []) : index
  return lax.convertElementType(s, 'int32')
}

/** Disposes tensors of `old` that are not in `keepList` or `protect`. */
function disposeStale(old: readonly Tensor[], keepList: readonly Tensor[], protect: ReadonlySet<Tensor>): void {
  const k = new Set(keepList)
  for (const t of new Set(old)) if (!k.has(t) && !protect.has(t)) t.dispose()
}

/** Binds `cond` over traced branches that take `operands` (flat). */
function structuredSwitch(index: Tensor, branches: readonly ((...ops: unknown[]) => unknown)[], operands: readonly unknown[], op: string): unknown {
  const [flat, def] = treeFlatten(operands, isTensor)
  const traces = branches.map((b) => traceSub(avalsOf(flat), (ph) => b(...(treeUnflatten(def, ph) as unknown[]))))
  try {
    const trees = traces.map((t) => t.graph.outputTree!)
    trees.forEach((t, k) => {
      if (!sameTree(t, trees[0]!)) throw new InvalidArgumentError(`\`${op}\`: every branch must return the same structure. Received: branch 0 returns ${JSON.stringify(trees[0])}, branch ${k} returns ${JSON.stringify(t)}`)
    })
    const { graphs, captures } = unifyCaptures(traces)
    const outs = bind('cond', [toIndex(index, op), ...flat, ...captures], { branches: graphs })
    return treeUnflatten(trees[0]!, outs)
  } finally { for (const t of traces) t.release() }
}

/**
 * Runs `trueFn()` or `falseFn()` depending on a scalar predicate (`keras.ops.cond`). Eagerly with a
 * concrete predicate it calls one branch; when traced both branches become sub-graphs of one `cond`
 * primitive (they must return the same structure, dtypes and shapes).
 *
 * @example
 * ```ts
 * const y = cond(lax.gt(x, zero), () => lax.exp(x), () => lax.neg(x))
 * ```
 */
export function cond<T>(pred: Tensor | boolean, trueFn: () => T, falseFn: () => T): T {
  if (typeof pred === 'boolean') return pred ? trueFn() : falseFn()
  if (!structured([pred])) return readScalar(pred, 'cond') !== 0 ? trueFn() : falseFn()
  const index = lax.convertElementType(toBool(pred, 'cond'), 'int32')
  return structuredSwitch(index, [falseFn, trueFn] as (() => unknown)[], [], 'cond') as T
}

/**
 * Applies `branches[index](...operands)` (Keras's `keras.ops.switch`); the index is clamped to the
 * valid range, like `jax.lax.switch`.
 *
 * @example
 * ```ts
 * const y = switchCase(i, [(x) => lax.exp(x), (x) => lax.neg(x)], x)
 * ```
 */
export function switchCase<T>(index: Tensor | number, branches: readonly ((...operands: never[]) => T)[], ...operands: unknown[]): T {
  if (branches.length === 0) throw new InvalidArgumentError('`switch` needs at least one branch. Received: branches=()')
  const call = (i: number): T => (branches[Math.min(Math.max(Math.trunc(i), 0), branches.length - 1)] as (...o: unknown[]) => T)(...operands)
  if (typeof index === 'number') return call(index)
  const [flat] = treeFlatten(operands, isTensor)
  if (!structured([index, ...flat])) return call(readScalar(index, 'switch'))
  return structuredSwitch(index, branches as ((...o: unknown[]) => unknown)[], operands, 'switch') as T
}

/** Options of `whileLoop`. */
export interface WhileLoopOptions {
  /** Stop after at most this many iterations. */
  readonly maximumIterations?: number
}

/**
 * Repeats `body` while `cond` is true (`keras.ops.while_loop`). `loopVars` is an array (both functions
 * receive its items as arguments and `body` returns the new array) or a single value. Not
 * differentiable in reverse mode; use `foriLoop` with static bounds or `scan` for gradients.
 *
 * @example
 * ```ts
 * const [i, x] = whileLoop((i, x) => lax.lt(i, ten), (i, x) => [lax.add(i, one), lax.mul(x, two)], [zero, x0])
 * ```
 */
export function whileLoop<T>(cond: (...vars: never[]) => Tensor | boolean, body: (...vars: never[]) => T, loopVars: T, options: WhileLoopOptions = {}): T {
  const isTuple = Array.isArray(loopVars)
  const vars = (isTuple ? loopVars : [loopVars]) as unknown[]
  const [flat, def] = treeFlatten(vars, isTensor)
  const max = options.maximumIterations
  if (max !== undefined && (!Number.isInteger(max) || max < 0)) throw new InvalidArgumentError(`\`while_loop\`: maximumIterations must be a non-negative integer. Received: maximumIterations=${fmt(max)}`)
  const callCond = (v: readonly unknown[]): Tensor | boolean => (cond as (...a: unknown[]) => Tensor | boolean)(...v)
  const callBody = (v: readonly unknown[]): unknown[] => {
    const out = (body as (...a: unknown[]) => unknown)(...v)
    return isTuple ? (out as unknown[]) : [out]
  }
  if (!structured(flat)) {
    let cur = vars
    const original = new Set(flat)
    for (let i = 0; max === undefined || i < max; i++) {
      const c = callCond(cur)
      const go = typeof c === 'boolean' ? c : readScalar(c, 'while_loop') !== 0
      if (typeof c !== 'boolean' && !original.has(c) && !treeFlatten(cur, isTensor)[0].includes(c)) c.dispose()
      if (!go) break
      const next = callBody(cur)
      disposeStale(treeFlatten(cur, isTensor)[0], treeFlatten(next, isTensor)[0], original)
      cur = next
    }
    return (isTuple ? cur : cur[0]) as T
  }
  const counter = max !== undefined
  const init = counter ? [tensor(0, { dtype: 'int32' }), ...flat] : flat
  const n = init.length
  const split = (ph: readonly Tensor[]): { i: Tensor | undefined; v: unknown[] } =>
    ({ i: counter ? ph[0] : undefined, v: treeUnflatten(def, counter ? ph.slice(1) : ph) as unknown[] })
  const condTrace = traceSub(avalsOf(init), (ph) => {
    const { i, v } = split(ph)
    const c = callCond(v)
    let b = typeof c === 'boolean' ? full([], c, 'bool') : toBool(c, 'while_loop')
    if (i) b = lax.binary('and', b, lax.lt(i, full([], max!, 'int32')))
    return [b]
  })
  let bodyTrace: SubTrace | undefined
  try {
    bodyTrace = traceSub(avalsOf(init), (ph) => {
      const { i, v } = split(ph)
      const [out, outDef] = treeFlatten(callBody(v), isTensor)
      if (!sameTree(outDef, def)) throw new InvalidArgumentError(`\`while_loop\`: body must return the structure of loopVars. Received: ${JSON.stringify(outDef)}, expected ${JSON.stringify(def)}`)
      return i ? [lax.add(i, full([], 1, 'int32')), ...out] : out
    })
    const { graphs, captures } = unifyCaptures([condTrace, bodyTrace])
    const order = [...range(n, n + captures.length), ...range(0, n)]
    const outs = bind('while', [...captures, ...init], {
      condGraph: permuteInputs(graphs[0]!, order), body: permuteInputs(graphs[1]!, order), numConsts: captures.length,
    })
    const v = treeUnflatten(def, counter ? outs.slice(1) : outs) as unknown[]
    return (isTuple ? v : v[0]) as T
  } finally {
    condTrace.release()
    bodyTrace?.release()
  }
}

/**
 * `for i in [lower, upper): val = body(i, val)` (`keras.ops.fori_loop`); `i` is an int32 scalar.
 * With number bounds, traced loops lower to `scan` and are differentiable; tensor bounds lower to `while`.
 *
 * @example
 * ```ts
 * const y = foriLoop(0, 5, (i, x) => lax.mul(x, two), x0) // x0 * 32
 * ```
 */
export function foriLoop<T>(lower: number | Tensor, upper: number | Tensor, body: (i: Tensor, val: T) => T, init: T): T {
  const [flat] = treeFlatten(init, isTensor)
  const bounds = [lower, upper].filter(isTensor)
  if (!structured([...flat, ...bounds])) {
    const lo = typeof lower === 'number' ? lower : readScalar(lower, 'fori_loop')
    const hi = typeof upper === 'number' ? upper : readScalar(upper, 'fori_loop')
    const original = new Set(flat)
    let val = init
    for (let k = lo; k < hi; k++) {
      const i = tensor(k, { dtype: 'int32' })
      const next = body(i, val)
      const nextFlat = treeFlatten(next, isTensor)[0]
      disposeStale([...treeFlatten(val, isTensor)[0], i], nextFlat, original)
      val = next
    }
    return val
  }
  if (typeof lower === 'number' && typeof upper === 'number') {
    const [carry] = scan<[Tensor, T], null>(([i, v]) => [[lax.add(i, full([], 1, 'int32')), body(i, v)], null], [tensor(lower, { dtype: 'int32' }), init], null, { length: Math.max(0, upper - lower) })
    return carry[1]
  }
  const asI32 = (b: number | Tensor): Tensor => (typeof b === 'number' ? tensor(b, { dtype: 'int32' }) : toIndex(b, 'fori_loop'))
  const hi = asI32(upper)
  const [, out] = whileLoop((i: Tensor) => lax.lt(i, hi), (i: Tensor, v: T) => [lax.add(i, full([], 1, 'int32')), body(i, v)], [asI32(lower), init] as [Tensor, T])
  return out as T
}

/** Options of `scan`. */
export interface ScanOptions {
  /** Number of steps when `xs` is null (otherwise the leading dim of `xs`). */
  readonly length?: number
  /** Scan from the last element to the first (ys stay in input order). */
  readonly reverse?: boolean
  /** Accepted for Keras compatibility; the eager loop and the graph are the same for every value. */
  readonly unroll?: number | boolean
}

/** `x[t]` along the leading axis. */
function indexLeading(x: Tensor, t: number): Tensor {
  const rest = x.shape.slice(1)
  const s = lax.slice(x, [t, ...rest.map(() => 0)], [t + 1, ...rest])
  const r = lax.reshape(s, rest)
  if (r !== s) s.dispose()
  return r
}

/** Stacks equal-shaped tensors along a new leading axis. */
function stack(parts: readonly Tensor[]): Tensor {
  const expanded = parts.map((p) => lax.reshape(p, [1, ...p.shape]))
  const out = lax.concatenate(expanded, 0)
  for (const e of expanded) if (e !== out && !parts.includes(e)) e.dispose()
  return out
}

/**
 * Loops `f(carry, x) → [carry, y]` over the leading axis of `xs` (`keras.ops.scan`), returning the final
 * carry and the stacked ys. `init`, `xs` and the results may be nested structures; `xs` may be null
 * with `length` given. Differentiable (the VJP is a reverse scan).
 *
 * @example
 * ```ts
 * const [total, cumsums] = scan((c, x) => { const s = lax.add(c, x); return [s, s] }, zero, xs)
 * ```
 */
export function scan<C, Y>(f: (carry: C, x: never) => [C, Y], init: C, xs: unknown = null, options: ScanOptions = {}): [C, Y] {
  const [initFlat, initDef] = treeFlatten(init, isTensor)
  const [xsFlat, xsDef] = treeFlatten(xs, isTensor)
  const reverse = options.reverse ?? false
  let length = options.length
  for (const x of xsFlat) {
    const d = x.shape[0]
    if (x.shape.length === 0) throw new ShapeError(`\`scan\`: every leaf of xs needs a leading axis. Received: shape=${fmt(x.shape)}`)
    if (d === null || d === undefined) continue
    if (length === undefined) length = d
    else if (d !== length) throw new ShapeError(`\`scan\`: the leading dims of xs must equal the scan length. Received: shape=${fmt(x.shape)}, length=${length}`)
  }
  if (length === undefined) {
    throw new InvalidArgumentError(`\`scan\` needs \`length\` when xs is null or its leading dim is unknown. Received: xs shapes=${fmt(xsFlat.map((x) => x.shape))}`)
  }
  const L = length
  const call = f as (c: unknown, x: unknown) => [unknown, unknown]
  if (!structured([...initFlat, ...xsFlat]) && L > 0) {
    // Protected from disposal: the caller's tensors and every y kept for stacking.
    const protect = new Set([...initFlat, ...xsFlat])
    let carry: unknown = init
    let yDef: TreeDef | undefined
    const ys: Tensor[][] = []
    for (let k = 0; k < L; k++) {
      const t = reverse ? L - 1 - k : k
      const xt = xsFlat.map((x) => indexLeading(x, t))
      const [c, y] = call(carry, treeUnflatten(xsDef, xt))
      const [yFlat, d] = treeFlatten(y, isTensor)
      yDef ??= d
      yFlat.forEach((yl, j) => { (ys[j] ??= new Array<Tensor>(L))[t] = yl; protect.add(yl) })
      const cFlat = treeFlatten(c, isTensor)[0]
      disposeStale([...treeFlatten(carry, isTensor)[0], ...xt], cFlat, protect)
      carry = c
    }
    const finalCarry = treeFlatten(carry, isTensor)[0]
    const stacked = ys.map((parts) => stack(parts))
    disposeStale(ys.flat(), [...stacked, ...finalCarry, ...initFlat, ...xsFlat], new Set())
    return [carry as C, treeUnflatten(yDef!, stacked) as Y]
  }
  const nC = initFlat.length
  let yDef: TreeDef | undefined
  const avals = [...avalsOf(initFlat), ...xsFlat.map((x) => ({ shape: x.shape.slice(1), dtype: x.dtype }))]
  const body = traceSub(avals, (ph) => {
    const [c, y] = call(treeUnflatten(initDef, ph.slice(0, nC)), treeUnflatten(xsDef, ph.slice(nC)))
    const [cFlat, cDef] = treeFlatten(c, isTensor)
    if (!sameTree(cDef, initDef)) throw new InvalidArgumentError(`\`scan\`: f must return a carry with the structure of init. Received: ${JSON.stringify(cDef)}, expected ${JSON.stringify(initDef)}`)
    const [yFlat, d] = treeFlatten(y, isTensor)
    yDef = d
    return [...cFlat, ...yFlat]
  })
  try {
    const n = body.numExplicit
    const caps = body.captures.length
    const outs = bind('scan', [...body.captures, ...initFlat, ...xsFlat], {
      body: permuteInputs(body.graph, [...range(n, n + caps), ...range(0, n)]), length: L, reverse, numConsts: caps, numCarry: nC,
    })
    return [treeUnflatten(initDef, outs.slice(0, nC)) as C, treeUnflatten(yDef!, outs.slice(nC)) as Y]
  } finally { body.release() }
}

/**
 * Applies `f` to each slice of `xs` along its leading axis and stacks the results (`keras.ops.map`).
 *
 * @example
 * ```ts
 * const ys = map((x: Tensor) => lax.exp(x), xs)
 * ```
 */
export function map<Y>(f: (x: never) => Y, xs: unknown): Y {
  return scan((_c: null, x: never) => [null, f(x)] as [null, Y], null, xs)[1]
}

/**
 * Same as `map` (`keras.ops.vectorized_map`): kx has no batching transform, so the function runs once
 * per slice (eagerly) or as one `scan` primitive (traced); results match a vectorized run.
 *
 * @example
 * ```ts
 * const ys = vectorizedMap((x: Tensor) => lax.mul(x, x), xs)
 * ```
 */
export function vectorizedMap<Y>(f: (x: never) => Y, elements: unknown): Y { return map(f, elements) }

/** Options of `associativeScan`. */
export interface AssociativeScanOptions {
  readonly reverse?: boolean
  readonly axis?: number
}

/**
 * Inclusive scan with an associative `f` (`keras.ops.associative_scan`): `out[i] = f(out[i-1], elems[i])`,
 * computed by the parallel-prefix (odd/even) recursion in O(log n) rounds of elementwise calls, with
 * slices, pads and concatenation (no control-flow primitive). `elems` may be a nested structure.
 *
 * @example
 * ```ts
 * const cumsum = associativeScan(lax.add, x) // along axis 0
 * ```
 */
export function associativeScan<T>(f: (a: T, b: T) => T, elems: T, options: AssociativeScanOptions = {}): T {
  const [flat, def] = treeFlatten(elems, isTensor)
  if (flat.length === 0) return elems
  const axis = normalizeAxis(options.axis ?? 0, flat[0]!.shape.length, 'associative_scan')
  const n = flat[0]!.shape[axis]
  if (n === null || n === undefined) throw new NotImplementedError(`\`associative_scan\` needs a known length along the scanned axis. Received: shape=${fmt(flat[0]!.shape)}, axis=${axis}`)
  for (const e of flat) {
    if (e.shape[axis] !== n) throw new ShapeError(`\`associative_scan\`: every leaf must have the same length along the axis. Received: shapes=${fmt(flat.map((x) => x.shape))}, axis=${axis}`)
  }
  const fn = (a: Tensor[], b: Tensor[]): Tensor[] => {
    const [out, d] = treeFlatten(f(treeUnflatten(def, a) as T, treeUnflatten(def, b) as T), isTensor)
    if (!sameTree(d, def)) throw new InvalidArgumentError(`\`associative_scan\`: f must return the structure of elems. Received: ${JSON.stringify(d)}`)
    return out
  }
  const rev = (xs: Tensor[]): Tensor[] => (options.reverse ? xs.map((x) => lax.rev(x, [axis])) : xs)
  return treeUnflatten(def, rev(prefixScan(fn, rev(flat), axis))) as T
}

function sliceAxis(x: Tensor, axis: number, start: number, stop: number, step: number): Tensor {
  const starts = x.shape.map((_, i) => (i === axis ? start : 0))
  const limits = x.shape.map((d, i) => (i === axis ? stop : d))
  const strides = x.shape.map((_, i) => (i === axis ? step : 1))
  return lax.slice(x, starts, limits, strides)
}

function prefixScan(fn: (a: Tensor[], b: Tensor[]) => Tensor[], elems: Tensor[], axis: number): Tensor[] {
  const n = elems[0]!.shape[axis]!
  if (n < 2) return elems
  const reduced = fn(elems.map((e) => sliceAxis(e, axis, 0, n - 1, 2)), elems.map((e) => sliceAxis(e, axis, 1, n, 2)))
  const odd = prefixScan(fn, reduced, axis)
  const m = odd[0]!.shape[axis]!
  const rest = elems.map((e) => sliceAxis(e, axis, 2, n, 2))
  const tail = n % 2 === 0
    ? (m > 1 ? fn(odd.map((o) => sliceAxis(o, axis, 0, m - 1, 1)), rest) : [])
    : fn(odd, rest)
  const even = elems.map((e, i) => {
    const head = sliceAxis(e, axis, 0, 1, 1)
    return tail.length ? lax.concatenate([head, tail[i]!], axis) : head
  })
  return even.map((e, i) => interleave(e, odd[i]!, axis, n))
}

/** `out[2i] = a[i]`, `out[2i+1] = b[i]` along `axis`, length n. */
function interleave(a: Tensor, b: Tensor, axis: number, n: number): Tensor {
  const zero = full([], isBool(a.dtype) ? false : 0, a.dtype, a.isSymbolic ? undefined : a.backend)
  const cfg = (lo: number, hi: number): [number[], number[], number[]] =>
    [a.shape.map((_, i) => (i === axis ? lo : 0)), a.shape.map((_, i) => (i === axis ? hi : 0)), a.shape.map((_, i) => (i === axis ? 1 : 0))]
  const pa = lax.pad(a, zero, ...cfg(0, n % 2 === 0 ? 1 : 0))
  const pb = lax.pad(b, zero, ...cfg(1, n % 2 === 0 ? 0 : 1))
  // NOTE: the interleave adds a zero-padded pair, so a -0 element comes back as +0 (values are exact otherwise).
  return isBool(a.dtype) ? lax.binary('or', pa, pb) : lax.add(pa, pb)
}
