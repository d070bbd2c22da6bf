import { describe, expect, it } from 'vitest'
import { KerasTensor, NotDifferentiableError, ShapeError, Tensor, Variable, customGradient, full, grad, jvp, lax, stopGradient, tensor, valueAndGrad, vjp } from '../src/index.js'
import { trace } from '../src/trace/trace.js'
import { evaluateGraph } from '../src/trace/evaluate.js'
import { t64, read, sumAll, fd, expectClose } from './helpers.js'

describe('higher-order gradients', () => {
  it('grad of grad of an elementwise function matches finite differences', () => {
    const f = (x: Tensor) => sumAll(lax.mul(lax.sin(x), lax.exp(lax.mul(x, x))))
    const df = (x: Tensor) => sumAll(grad(f)(x) as Tensor)
    const x = t64([0.3, -0.5, 0.9])
    expectClose(read(grad(f)(x)), fd(f, x))
    expectClose(read(grad(df)(x)), fd(df, x), 1e-5)
  })

  it('second order through dot_general (a Hessian-vector product) matches finite differences', () => {
    const a = t64([0.5, -1, 2, 0.3, 0.7, -0.2], [2, 3])
    const f = (w: Tensor) => sumAll(lax.tanh(lax.dotGeneral(a, w, [[1], [0]])))
    const v = t64([1, -0.5, 0.25, 0.5, 2, -1], [3, 2])
    const hv = (w: Tensor) => sumAll(lax.mul(grad(f)(w) as Tensor, v))
    const w = t64([0.1, 0.2, -0.3, 0.4, 0.5, -0.6], [3, 2])
    expectClose(read(grad(f)(w)), fd(f, w))
    expectClose(read(grad(hv)(w)), fd(hv, w), 1e-5)
    // the same second-order computation traced to a graph and evaluated
    const g = trace((x: Tensor) => grad(hv)(x) as Tensor, [{ shape: [3, 2], dtype: 'float64' }])
    expect(read(evaluateGraph(g, [w])[0])).toEqual(read(grad(hv)(w)))
  })
})

describe('structures and options', () => {
  it('differentiates nested objects/arrays of tensors and Variables, returning the same structure', () => {
    const v = new Variable({ initializer: t64([1, 2]), name: 'v' })
    const params = { w: t64([0.5, -1]), list: [v, t64([3])] }
    const f = (p: typeof params) => lax.add(sumAll(lax.mul(p.w, (p.list[0] as Variable).value)), sumAll(lax.mul(p.list[1] as Tensor, p.list[1] as Tensor)))
    const [value, g] = valueAndGrad(f)(params) as [Tensor, { w: Tensor; list: [Tensor, Tensor] }]
    expect(read(value)).toEqual([0.5 - 2 + 9])
    expect(read(g.w)).toEqual([1, 2])
    expect(read(g.list[0])).toEqual([0.5, -1])
    expect(read(g.list[1])).toEqual([6])
  })

  it('argnums and hasAux', () => {
    const f = (x: Tensor, y: Tensor) => [sumAll(lax.mul(x, y)), { note: lax.add(x, y) }]
    const [[value, aux], grads] = valueAndGrad(f, { argnums: [0, 1], hasAux: true })(t64([2, 3]), t64([5, 7])) as [[Tensor, { note: Tensor }], Tensor[]]
    expect(read(value)).toEqual([31])
    expect(read(aux.note)).toEqual([7, 10])
    expect(read(grads[0])).toEqual([5, 7])
    expect(read(grads[1])).toEqual([2, 3])
    const [gx, aux2] = grad(f, { hasAux: true })(t64([1, 1]), t64([4, 4])) as [Tensor, { note: Tensor }]
    expect(read(gx)).toEqual([4, 4])
    expect(read(aux2.note)).toEqual([5, 5])
  })

  it('customGradient replaces the VJP; stopGradient blocks it', () => {
    const clipGrad = customGradient((x: Tensor) => [lax.mul(x, x), (dy: Tensor) => [lax.mul(dy, full(dy.shape, 100, dy.dtype))]])
    expect(read(grad((x: Tensor) => sumAll(clipGrad(x) as Tensor))(t64([1, 2])))).toEqual([100, 100])
    const f = (x: Tensor) => sumAll(lax.mul(x, stopGradient(x)))
    expect(read(grad(f)(t64([3, -2])))).toEqual([3, -2])
    // both survive tracing
    const g = trace((x: Tensor) => grad((y: Tensor) => sumAll(clipGrad(y) as Tensor))(x) as Tensor, [{ shape: [2], dtype: 'float64' }])
    expect(read(evaluateGraph(g, [t64([5, 6])])[0])).toEqual([100, 100])
  })

  it('jvp equals J·t, and vjp gives J^T·u', () => {
    const f = (x: Tensor) => lax.mul(lax.sin(x), x)
    const x = t64([0.2, 1.1])
    const [y, dy] = jvp(f, [x], [t64([1, 0.5])])
    expect(read(y)).toEqual(read(f(x)))
    const d = (xi: number) => Math.cos(xi) * xi + Math.sin(xi)
    expectClose(read(dy), [d(0.2), 0.5 * d(1.1)], 1e-12)
    const [, pull, release] = vjp(f, x)
    const [gx] = pull(t64([2, 3]))
    release()
    expectClose(read(gx), [2 * d(0.2), 3 * d(1.1)], 1e-12)
  })
})

describe('errors', () => {
  it('integer inputs are not differentiable', () => {
    expect(() => grad((x: Tensor) => sumAll(lax.convertElementType(x, 'float32')))(tensor([1, 2], { dtype: 'int32' }))).toThrow(NotDifferentiableError)
  })
  it('shape mismatches are found symbolically, with no data', () => {
    const a = new KerasTensor([null, 3], 'float32')
    const b = new KerasTensor([null, 4], 'float32')
    expect(() => lax.add(a, b)).toThrow(ShapeError)
    expect(() => lax.dotGeneral(a, new KerasTensor([4, 2], 'float32'), [[1], [0]])).toThrow(ShapeError)
    expect(() => trace((x: Tensor, w: Tensor) => lax.dotGeneral(x, w, [[1], [0]]), [{ shape: [2, 3], dtype: 'float32' }, { shape: [5, 1], dtype: 'float32' }])).toThrow(ShapeError)
  })
})
