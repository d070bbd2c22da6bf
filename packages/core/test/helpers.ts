/**
 * @file Helpers shared by core's tests: float64/int32 tensor builders, independent index loops,
 * central finite differences in float64, and the jax.lax golden cases of `golden/movement.json`
 * (written by tools/golden/core_movement.py).
 */
import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { bind, grad, lax, memory, tensor, tidy, vjp, type Prim, type PrimParams, type Tensor } from '../src/index.js'

// ---- builders and independent loops ---------------------------------------------------------------

export const f64 = (v: number[], shape: number[]): Tensor => tensor(v, { shape, dtype: 'float64' })
export const i32 = (v: number[], shape: number[] = [v.length]): Tensor => tensor(v, { shape, dtype: 'int32' })
/** A float64 tensor, 1-D unless `shape` is given. */
export const t64 = (v: number[], shape?: number[]): Tensor => tensor(v, { dtype: 'float64', ...(shape ? { shape } : {}) })
export const range = (n: number, scale = 1, shift = 0): number[] => Array.from({ length: n }, (_, i) => i * scale + shift)
/** The values of a tensor (results typed `unknown`, such as `grad`'s, are read as tensors). */
export const read = (t: unknown): number[] => Array.from((t as Tensor).dataSync() as ArrayLike<number>)
export const sumAll = (x: Tensor): Tensor => lax.reduceSum(x, x.shape.map((_, i) => i))
/** An abstract value (shape and dtype) for `abstractEval`. */
export const av = (shape: (number | null)[], dtype: 'float32' | 'int32' | 'bool' = 'float32') => ({ shape, dtype })

/** Row-major offset of a multi-index, written independently of the implementation under test. */
export const offset = (shape: readonly number[], idx: readonly number[]): number => idx.reduce((acc, v, d) => acc * shape[d]! + v, 0)
/** Every multi-index of a shape, row-major. */
export function indices(shape: readonly number[]): number[][] {
  let out: number[][] = [[]]
  for (const d of shape) out = out.flatMap((p) => Array.from({ length: d }, (_, i) => [...p, i]))
  return out
}

// ---- gradients against central finite differences -------------------------------------------------

export interface Arg { v: number[]; s: number[] }
/**
 * Checks the VJP of `f` against central finite differences of L = Σ f(x)·w (w fixed, uneven), in
 * float64 with step 1e-6; also checks each gradient has its input's shape and dtype.
 */
export function checkGrad(f: (...xs: Tensor[]) => Tensor, args: Arg[], tol = 1e-6): void {
  const mk = (vals: number[][]): Tensor[] => vals.map((v, i) => f64(v, args[i]!.s))
  const y0 = f(...mk(args.map((a) => a.v)))
  const w = f64(range(y0.size).map((i) => Math.sin(1.3 * i + 0.4) + 1.1), [...y0.shape])
  const loss = (...xs: Tensor[]): Tensor => { const y = f(...xs); return lax.reduceSum(lax.mul(y, w), y.shape.map((_, i) => i)) }
  const gs = grad(loss, { argnums: args.map((_, i) => i) })(...mk(args.map((a) => a.v))) as Tensor[]
  const h = 1e-6
  args.forEach((a, k) => {
    expect(gs[k]!.shape).toEqual(a.s)
    expect(gs[k]!.dtype).toBe('float64')
    const analytic = read(gs[k]!)
    for (let i = 0; i < a.v.length; i++) {
      const at = (d: number): number => {
        const vals = args.map((b) => b.v.slice())
        vals[k]![i]! += d
        return read(loss(...mk(vals)))[0]!
      }
      const numeric = (at(h) - at(-h)) / (2 * h)
      expect(Math.abs(analytic[i]! - numeric)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(numeric)))
    }
  })
}

/** Central finite differences of a scalar function of one float64 tensor. */
export function fd(f: (x: Tensor) => Tensor, x: Tensor, eps = 1e-6): number[] {
  const base = read(x)
  return base.map((_, i) => {
    const at = (d: number): number => { const v = base.slice(); v[i]! += d; return read(f(tensor(v, { dtype: 'float64', shape: x.shape.slice() })))[0]! }
    return (at(eps) - at(-eps)) / (2 * eps)
  })
}
export function expectClose(a: number[], b: number[], tol = 1e-6): void {
  expect(a.length).toBe(b.length)
  a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i]!))))
}

/**
 * Core's backward pass must accept a VJP that returns its incoming cotangent unchanged (`add`'s
 * rule, `scatter_add`'s operand gradient). Tests of such rules, and second-order tests that
 * differentiate through accumulated sums, run once it does.
 */
export const passThroughVjpWorks = ((): boolean => {
  try { grad((x: Tensor) => lax.reduceSum(lax.add(x, x), [0]))(f64([1], [1])); return true } catch { return false }
})()

/** Tensors a backward pass leaves alive beyond those of the forward pass (should be 0). */
export function backwardLeak(f: (x: Tensor) => Tensor, x: Tensor): number {
  const loss = (y: Tensor): Tensor => { const o = f(y); return lax.reduceSum(lax.mul(o, lax.sin(o)), o.shape.map((_, i) => i)) }
  const before = memory().numTensors
  tidy(() => { grad(loss)(x) })
  return memory().numTensors - before
}

// ---- golden data from jax.lax (tools/golden/core_movement.py) ------------------------------------

interface GoldenArr { shape: number[]; dtype: 'float64' | 'int32' | 'bool'; data: (number | string)[] }
interface GoldenCase {
  name: string; prim: Prim; params: PrimParams[Prim]; inputs: GoldenArr[]; outputs: GoldenArr[]
  diff?: number[]; cotangent?: GoldenArr; grads?: GoldenArr[]
}
let goldenCases: GoldenCase[] | null = null
const movementGolden = (): GoldenCase[] =>
  (goldenCases ??= (JSON.parse(readFileSync(new URL('./golden/movement.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] }).cases)
const fromGolden = (a: GoldenArr): Tensor => tensor(a.data.map(Number), { shape: a.shape, dtype: a.dtype })
function expectMatches(t: Tensor, a: GoldenArr): void {
  expect(t.shape).toEqual(a.shape)
  const got = read(t)
  a.data.map(Number).forEach((e, i) => {
    if (Number.isNaN(e)) expect(got[i]).toBeNaN()
    else if (!Number.isFinite(e) || a.dtype !== 'float64') expect(got[i]).toBe(e)
    else expect(Math.abs(got[i]! - e)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e)))
  })
}

/** One test per golden case of `prims`: the values, and the VJP where the case has gradients. */
export function runGolden(prims: readonly Prim[]): void {
  for (const c of movementGolden().filter((k) => prims.includes(k.prim))) {
    it(`${c.name} (values${c.grads ? ' and VJP' : ''})`, () => {
      const inputs = c.inputs.map(fromGolden)
      bind(c.prim, inputs, c.params).forEach((o, i) => expectMatches(o, c.outputs[i]!))
      if (!c.grads) return
      const f = (...xs: Tensor[]): Tensor => {
        const all = inputs.slice()
        c.diff!.forEach((k, j) => { all[k] = xs[j]! })
        return bind(c.prim, all, c.params)[0]!
      }
      const [, pull, release] = vjp(f, ...c.diff!.map((k) => inputs[k]!))
      pull(fromGolden(c.cotangent!)).forEach((g, j) => expectMatches(g, c.grads![j]!))
      release()
    })
  }
}
