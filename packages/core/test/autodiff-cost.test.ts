/**
 * @file What autodiff and the eager runtime skip: cotangents no tape needs (VJP `needs` flags),
 * and finalizer registration of tensors disposed before the current job yields.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { getBackend, grad, keep, lax, tidy, valueAndGrad, type Backend, type Tensor } from '../src/index.js'
import { fd, expectClose, read, sumAll, t64 } from './helpers.js'

/** Counts the primitives the active backend runs while `fn` runs. */
function countRuns<T>(fn: () => T): [T, Map<string, number>] {
  const b = getBackend() as Backend & { run: Backend['run'] }
  const orig = b.run
  const counts = new Map<string, number>()
  b.run = ((prim, ...rest) => { counts.set(prim, (counts.get(prim) ?? 0) + 1); return orig.call(b, prim, ...rest) }) as Backend['run']
  try { return [fn(), counts] } finally { b.run = orig }
}

describe('VJP needs flags', () => {
  const x = t64([0.5, -1, 2, 0.3, 0.7, -0.2], [2, 3])
  const w = t64([0.1, 0.2, -0.3, 0.4, 0.5, -0.6], [3, 2])

  it('computes no cotangent for the unwatched data input of a matmul', () => {
    const f = (k: Tensor) => sumAll(lax.dotGeneral(x, k, [[1], [0]]))
    const [g, counts] = countRuns(() => grad(f)(w) as Tensor)
    // one forward dot_general, one for dL/dw; none for dL/dx
    expect(counts.get('dot_general')).toBe(2)
    expectClose(read(g), fd(f, w))
  })

  it('still differentiates both operands when both are watched', () => {
    const f = (a: Tensor, k: Tensor) => sumAll(lax.tanh(lax.dotGeneral(a, k, [[1], [0]])))
    const [gs, counts] = countRuns(() => grad(f, { argnums: [0, 1] })(x, w) as Tensor[])
    expect(counts.get('dot_general')).toBe(3)
    expectClose(read(gs[0]), fd((a: Tensor) => f(a, w), x))
    expectClose(read(gs[1]), fd((k: Tensor) => f(x, k), w))
  })

  it('max against a constant runs only the watched side of its rule', () => {
    const zeros = t64([0, 0, 0, 0, 0, 0], [2, 3])
    const f = (a: Tensor) => sumAll(lax.mul(lax.max(a, zeros), a))
    const [g, counts] = countRuns(() => grad(f)(x) as Tensor)
    // select_n: forward none; backward 2 for the x side (the constant's 2 are skipped)
    expect(counts.get('select_n')).toBe(2)
    expectClose(read(g), fd(f, x))
  })
})

describe('finalizer registration', () => {
  const a = keep(t64([1, 2]))
  const b = keep(t64([3, 4]))
  const live: Tensor[] = []
  afterEach(() => { for (const t of live.splice(0)) t.dispose() })

  it('registers tensors that outlive the job and scopes, and skips ones disposed first', async () => {
    const kept = lax.add(a, b)
    const dropped = lax.add(a, b)
    dropped.dispose()
    const fromTidy = tidy(() => lax.mul(lax.add(a, b), b))
    let inner: Tensor | undefined
    const [value] = valueAndGrad((t: Tensor) => { inner = lax.mul(t, t); return sumAll(inner) })(a) as [Tensor, Tensor]
    live.push(kept, fromTidy, value)
    await Promise.resolve()
    expect(kept._finalizable).toBe(true)
    expect(fromTidy._finalizable).toBe(true)
    expect(dropped._finalizable).toBe(false)
    expect(inner!.isDisposed || inner!._finalizable).toBe(true)
    kept.dispose()
    expect(kept._finalizable).toBe(false)
  })

  it('leaves tensors inside a scope unregistered (the scope holds them)', () => {
    tidy(() => {
      const t = lax.add(a, b)
      expect(t._finalizable).toBe(false)
    })
  })
})
