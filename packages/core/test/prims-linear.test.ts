import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  DTypeError, InvalidArgumentError, KerasTensor, ShapeError, grad, lax, tensor, tidy, vjp,
  type ConvParams, type DType, type PadPair, type Tensor, type WindowParams,
} from '../src/index.js'

/** Golden values from jax.lax in float64 (tools/golden/core_linear.py). */
const golden = JSON.parse(readFileSync(new URL('./golden/linear.json', import.meta.url), 'utf8'))
interface Arr { shape: number[]; data: number[] }

// ---------------------------------------------------------------------------------------------
// Helpers: tensors, deterministic random data, comparisons, finite differences.

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1)
const T = (data: ArrayLike<number>, shape: readonly number[], dtype: DType = 'float64'): Tensor => tensor(Float64Array.from(data), { shape, dtype })
const fromArr = (a: Arr): Tensor => T(a.data, a.shape)
const vals = (x: Tensor): number[] => Array.from(x.dataSync() as ArrayLike<number>)

let seed = 12345
function rnd(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return (seed / 2147483648) * 2 - 1
}
const randData = (shape: readonly number[]): number[] => Array.from({ length: prod(shape) }, rnd)
const rand = (shape: readonly number[]): Tensor => T(randData(shape), shape)

function expectClose(got: readonly number[], want: readonly number[], tol: number, what = ''): void {
  expect(got.length, `${what}: length`).toBe(want.length)
  let worst = 0
  for (let i = 0; i < got.length; i++) {
    if (got[i] === want[i]) continue // equal infinities
    worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)))
  }
  expect(worst, `${what}: max scaled error`).toBeLessThanOrEqual(tol)
}
function expectTensor(x: Tensor, shape: readonly number[], want: readonly number[], tol: number, what = ''): void {
  expect(x.shape, `${what}: shape`).toEqual(shape)
  expectClose(vals(x), want, tol, what)
}

/** <a, b> over every element, as a scalar tensor (dot_general contracting all dims). */
function inner(a: Tensor, b: Tensor): Tensor {
  const all = a.shape.map((_, i) => i)
  return lax.dotGeneral(a, b, [all, all])
}

/** Checks `grad(fn)` in every argument against central finite differences in float64. */
function checkGrads(fn: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], tol = 1e-7, h = 1e-5): void {
  const data = inputs.map((x) => vals(x))
  const analytic = (grad(fn, { argnums: inputs.map((_, i) => i) })(...inputs) as Tensor[]).map((g) => vals(g))
  const at = (ds: number[][]): number => tidy(() => vals(fn(...ds.map((d, i) => T(d, inputs[i]!.shape))))[0]!)
  data.forEach((d, k) => {
    const numeric = d.map((_, j) => {
      const plus = data.map((e) => e.slice())
      const minus = data.map((e) => e.slice())
      plus[k]![j]! += h
      minus[k]![j]! -= h
      return (at(plus) - at(minus)) / (2 * h)
    })
    expectClose(analytic[k]!, numeric, tol, `d/d(arg ${k})`)
  })
}

// Index helpers of the naive (formula-by-formula) implementations below.
const stridesOf = (s: readonly number[]): number[] => s.map((_, i) => prod(s.slice(i + 1)))
const unravel = (flat: number, shape: readonly number[]): number[] => stridesOf(shape).map((st, i) => Math.floor(flat / st) % shape[i]!)
const ravel = (idx: readonly number[], shape: readonly number[]): number => idx.reduce((acc, v, i) => acc * shape[i]! + v, 0)

// ---------------------------------------------------------------------------------------------
// Naive implementations, written directly from the definitions.

function dotNaive(x: number[], xs: number[], y: number[], ys: number[], c: readonly number[][], b: readonly number[][]): { data: number[]; shape: number[] } {
  const lFree = xs.map((_, i) => i).filter((d) => !c[0]!.includes(d) && !b[0]!.includes(d))
  const rFree = ys.map((_, i) => i).filter((d) => !c[1]!.includes(d) && !b[1]!.includes(d))
  const shape = [...b[0]!.map((d) => xs[d]!), ...lFree.map((d) => xs[d]!), ...rFree.map((d) => ys[d]!)]
  const cShape = c[0]!.map((d) => xs[d]!)
  const data = Array.from({ length: prod(shape) }, (_, o) => {
    const idx = unravel(o, shape)
    const li = new Array<number>(xs.length).fill(0)
    const ri = new Array<number>(ys.length).fill(0)
    b[0]!.forEach((d, j) => { li[d] = idx[j]!; ri[b[1]![j]!] = idx[j]! })
    lFree.forEach((d, j) => { li[d] = idx[b[0]!.length + j]! })
    rFree.forEach((d, j) => { ri[d] = idx[b[0]!.length + lFree.length + j]! })
    let s = 0
    for (let k = 0; k < prod(cShape); k++) {
      const ci = unravel(k, cShape)
      c[0]!.forEach((d, j) => { li[d] = ci[j]!; ri[c[1]![j]!] = ci[j]! })
      s += x[ravel(li, xs)]! * y[ravel(ri, ys)]!
    }
    return s
  })
  return { data, shape }
}

function convNaive(x: number[], xs: number[], w: number[], ws: number[], p: ConvParams): { data: number[]; shape: number[] } {
  const s = xs.length - 2
  const groups = p.featureGroupCount
  const cinG = xs[s + 1]! / groups
  const cout = ws[s + 1]!
  const win = ws.slice(0, s)
  const outSp = win.map((k, d) => Math.floor(((xs[d + 1]! - 1) * p.lhsDilation[d]! + 1 + p.padding[d]![0] + p.padding[d]![1] - ((k - 1) * p.rhsDilation[d]! + 1)) / p.windowStrides[d]!) + 1)
  const shape = [xs[0]!, ...outSp, cout]
  const data = Array.from({ length: prod(shape) }, (_, flat) => {
    const [n, ...rest] = unravel(flat, shape)
    const o = rest.slice(0, s)
    const co = rest[s]!
    const grp = Math.floor(co / (cout / groups))
    let acc = 0
    for (let kf = 0; kf < prod(win); kf++) {
      const k = unravel(kf, win)
      const pos: number[] = []
      let ok = true
      for (let d = 0; d < s; d++) {
        const dil = o[d]! * p.windowStrides[d]! + k[d]! * p.rhsDilation[d]! - p.padding[d]![0]
        const i = dil / p.lhsDilation[d]!
        if (dil < 0 || !Number.isInteger(i) || i >= xs[d + 1]!) ok = false
        pos.push(i)
      }
      if (!ok) continue
      for (let ci = 0; ci < cinG; ci++) acc += x[ravel([n!, ...pos, grp * cinG + ci], xs)]! * w[ravel([...k, ci, co], ws)]!
    }
    return acc
  })
  return { data, shape }
}

/** Every window's real (non-padding) elements as flat operand offsets, in row-major window order. */
function windowsNaive(xs: number[], w: WindowParams): { outShape: number[]; members: number[][] } {
  const outShape = xs.map((n, d) => Math.floor((n + w.padding[d]![0] + w.padding[d]![1] - w.windowDimensions[d]!) / w.windowStrides[d]!) + 1)
  const members = Array.from({ length: prod(outShape) }, (_, o) => {
    const oi = unravel(o, outShape)
    const list: number[] = []
    for (let kf = 0; kf < prod(w.windowDimensions); kf++) {
      const k = unravel(kf, w.windowDimensions)
      const pos = oi.map((v, d) => v * w.windowStrides[d]! + k[d]! - w.padding[d]![0])
      if (pos.every((q, d) => q >= 0 && q < xs[d]!)) list.push(ravel(pos, xs))
    }
    return list
  })
  return { outShape, members }
}
function reduceWindowNaive(x: number[], xs: number[], comp: 'sum' | 'max' | 'min', w: WindowParams): number[] {
  const init = comp === 'sum' ? 0 : comp === 'max' ? -Infinity : Infinity
  const f = comp === 'sum' ? (a: number, b: number) => a + b : comp === 'max' ? Math.max : Math.min
  return windowsNaive(xs, w).members.map((m) => m.reduce((a, i) => f(a, x[i]!), init))
}
function selectScatterNaive(src: number[], x: number[], xs: number[], w: WindowParams): number[] {
  const out = new Array<number>(x.length).fill(0)
  windowsNaive(xs, w).members.forEach((m, o) => {
    if (!m.length) return
    let best = m[0]!
    for (const i of m) if (x[i]! > x[best]!) best = i
    out[best]! += src[o]!
  })
  return out
}

const conv = (stride: number[], padding: PadPair[], lhsDil: number[], rhsDil: number[], groups = 1): ConvParams => ({
  windowStrides: stride, padding, lhsDilation: lhsDil, rhsDilation: rhsDil, featureGroupCount: groups,
})
const windowP = (win: number[], stride: number[], padding: PadPair[]): WindowParams => ({ windowDimensions: win, windowStrides: stride, padding })

// ---------------------------------------------------------------------------------------------

describe('dot_general', () => {
  const configs: [string, number[], number[], number[][], number[][]][] = [
    ['matmul', [3, 4], [4, 5], [[1], [0]], [[], []]],
    ['batched, batch dims in the middle', [3, 2, 4], [4, 2, 5], [[2], [0]], [[1], [1]]],
    ['two contracting dims, swapped order', [3, 4, 5], [5, 2, 4], [[1, 2], [2, 0]], [[], []]],
    ['two batch dims, swapped order', [2, 3, 4, 5], [3, 2, 5, 6], [[3], [2]], [[0, 1], [1, 0]]],
    ['outer product', [3], [4], [[], []], [[], []]],
    ['empty contraction', [2, 0], [0, 3], [[1], [0]], [[], []]],
  ]
  for (const [name, xs, ys, c, b] of configs) {
    it(`matches the definition: ${name}`, () => {
      const x = randData(xs)
      const y = randData(ys)
      const want = dotNaive(x, xs, y, ys, c, b)
      const got = lax.dotGeneral(T(x, xs), T(y, ys), [c[0]!, c[1]!], [b[0]!, b[1]!])
      expectTensor(got, want.shape, want.data, 1e-13, name)
    })
  }

  for (const cs of golden.dot_general) {
    it(`matches jax.lax.dot_general and its vjp: ${cs.name}`, () => {
      const f = (x: Tensor, y: Tensor): Tensor => lax.dotGeneral(x, y, cs.contracting, cs.batch)
      const [out, pull, release] = vjp(f, fromArr(cs.lhs), fromArr(cs.rhs))
      expectTensor(out as Tensor, cs.out.shape, cs.out.data, 1e-10, 'out')
      const [dx, dy] = pull(fromArr(cs.ct))
      release()
      expectTensor(dx!, cs.dlhs.shape, cs.dlhs.data, 1e-10, 'dlhs')
      expectTensor(dy!, cs.drhs.shape, cs.drhs.data, 1e-10, 'drhs')
    })
  }

  it('computes integer products exactly and keeps float32', () => {
    const x = T([1, 2, 3, 4, 5, 6], [2, 3], 'int32')
    const y = T([7, 8, 9, 10, 11, 12], [3, 2], 'int32')
    const z = lax.dotGeneral(x, y, [[1], [0]])
    expect(z.dtype).toBe('int32')
    expect(z.arraySync()).toEqual([[58, 64], [139, 154]])
    const f = lax.dotGeneral(T([0.1, 0.2], [2], 'float32'), T([0.3, 0.4], [2], 'float32'), [[0], [0]])
    expect(f.dtype).toBe('float32')
    expect(vals(f)[0]).toBeCloseTo(0.11, 6)
  })

  it('refuses bad dtypes and dimension numbers with typed errors', () => {
    const x = rand([2, 3])
    expect(() => lax.dotGeneral(x, T([1, 2, 3], [3], 'float32'), [[1], [0]])).toThrow(DTypeError)
    expect(() => lax.dotGeneral(T([1, 0], [2], 'bool'), T([1, 1], [2], 'bool'), [[0], [0]])).toThrow(DTypeError)
    expect(() => lax.dotGeneral(x, rand([4, 2]), [[1], [0]])).toThrow(ShapeError)
    expect(() => lax.dotGeneral(x, rand([3, 2]), [[2], [0]])).toThrow(InvalidArgumentError)
    expect(() => lax.dotGeneral(x, rand([3, 3]), [[1, 1], [0, 1]])).toThrow(InvalidArgumentError)
    expect(() => lax.dotGeneral(x, rand([3, 3]), [[1], [0]], [[0], [1]])).toThrow(/dot_general.*batch.*Received: lhs.shape=\(2, 3\), rhs.shape=\(3, 3\)/)
  })

  it('infers symbolic shapes with unknown dims', () => {
    const x = new KerasTensor([null, 3, 4], 'float32')
    const y = new KerasTensor([null, 4, 5], 'float32')
    expect(lax.dotGeneral(x, y, [[2], [1]], [[0], [0]]).shape).toEqual([null, 3, 5])
    const w = new KerasTensor([4, null], 'float32')
    expect(lax.dotGeneral(new KerasTensor([null, 4], 'float32'), w, [[1], [0]]).shape).toEqual([null, null])
  })

  it('has gradients and second-order gradients that match finite differences', () => {
    const c: [number[], number[]] = [[2], [1]]
    const b: [number[], number[]] = [[1], [0]]
    const v = rand([2, 3, 4])
    const f = (x: Tensor, y: Tensor): Tensor => inner(lax.exp(lax.dotGeneral(x, y, c, b)), v)
    const x = rand([3, 2, 5])
    const y = rand([2, 5, 4])
    checkGrads(f, [x, y])
    const u = rand([3, 2, 5])
    const h = (x: Tensor, y: Tensor): Tensor => inner(grad(f, { argnums: 0 })(x, y) as Tensor, u)
    checkGrads(h, [x, y])
  })

  it('multiplies 256x256 matrices quickly enough to train small models', () => {
    const n = 256
    const x = rand([n, n])
    const y = rand([n, n])
    const t0 = performance.now()
    const z = lax.dotGeneral(x, y, [[1], [0]])
    const ms = performance.now() - t0
    const xd = vals(x)
    const yd = vals(y)
    let s = 0
    for (let k = 0; k < n; k++) s += xd[7 * n + k]! * yd[k * n + 11]!
    expect(vals(z)[7 * n + 11]).toBeCloseTo(s, 10)
    console.log(`dot_general 256x256x256 on the reference backend: ${ms.toFixed(1)} ms`)
  })
})

// ---------------------------------------------------------------------------------------------

describe('conv_general_dilated and its adjoints', () => {
  const configs: [string, number[], number[], ConvParams][] = [
    ['1d strided, dilated, padded', [2, 9, 3], [3, 3, 2], conv([2], [[2, 1]], [1], [2])],
    ['2d groups, negative padding', [2, 6, 5, 4], [3, 2, 2, 6], conv([1, 2], [[-1, 2], [1, 0]], [1, 1], [1, 2], 2)],
    ['2d lhs dilation (transposed)', [1, 3, 4, 2], [3, 2, 2, 3], conv([1, 2], [[2, 2], [1, 1]], [2, 3], [1, 1])],
    ['3d everything', [2, 4, 3, 5, 4], [2, 2, 3, 2, 4], conv([2, 1, 2], [[1, 0], [0, 1], [2, -1]], [1, 2, 1], [2, 1, 1], 2)],
  ]
  for (const [name, xs, ws, p] of configs) {
    it(`matches the definition: ${name}`, () => {
      const x = randData(xs)
      const w = randData(ws)
      const want = convNaive(x, xs, w, ws, p)
      expectTensor(lax.conv(T(x, xs), T(w, ws), p), want.shape, want.data, 1e-13, name)
    })
    it(`its transposes are exact adjoints: ${name}`, () => {
      const x = rand(xs)
      const w = rand(ws)
      const y = lax.conv(x, w, p)
      const g = rand(y.shape)
      const tl = lax.convTransposeLhs(g, w, p, xs)
      const tr = lax.convTransposeRhs(x, g, p, ws)
      const a = vals(inner(y, g))[0]!
      expect(vals(inner(x, tl))[0]).toBeCloseTo(a, 11)
      expect(vals(inner(w, tr))[0]).toBeCloseTo(a, 11)
    })
  }

  for (const cs of golden.conv) {
    it(`matches jax.lax.conv_general_dilated and its vjp: ${cs.name}`, () => {
      const p = conv(cs.windowStrides, cs.padding, cs.lhsDilation, cs.rhsDilation, cs.featureGroupCount)
      const x = fromArr(cs.lhs)
      const w = fromArr(cs.rhs)
      const ct = fromArr(cs.ct)
      expectTensor(lax.conv(x, w, p), cs.out.shape, cs.out.data, 1e-10, 'out')
      expectTensor(lax.convTransposeLhs(ct, w, p, cs.lhs.shape), cs.dlhs.shape, cs.dlhs.data, 1e-10, 'conv_transpose_lhs')
      expectTensor(lax.convTransposeRhs(x, ct, p, cs.rhs.shape), cs.drhs.shape, cs.drhs.data, 1e-10, 'conv_transpose_rhs')
      const [, pull, release] = vjp((a: Tensor, b: Tensor) => lax.conv(a, b, p), x, w)
      const [dx, dw] = pull(ct)
      release()
      expectTensor(dx!, cs.dlhs.shape, cs.dlhs.data, 1e-10, 'vjp lhs')
      expectTensor(dw!, cs.drhs.shape, cs.drhs.data, 1e-10, 'vjp rhs')
    })
  }

  const gradConfigs: [string, number[], number[], ConvParams][] = [
    ['2d groups, strides, rhs dilation, padding', [1, 5, 4, 4], [2, 2, 2, 2], conv([2, 1], [[1, 0], [1, -1]], [1, 1], [2, 1], 2)],
    ['1d lhs dilation, negative padding', [2, 4, 2], [3, 2, 3], conv([1], [[1, -1]], [2], [1])],
  ]
  for (const [name, xs, ws, p] of gradConfigs) {
    const x = rand(xs)
    const w = rand(ws)
    const outShape = lax.conv(x, w, p).shape
    const v = rand(outShape)
    const f = (a: Tensor, b: Tensor): Tensor => inner(lax.exp(lax.conv(a, b, p)), v)
    it(`conv gradients match finite differences: ${name}`, () => checkGrads(f, [x, w]))
    it(`conv second-order gradients match finite differences: ${name}`, () => {
      const u = rand(xs)
      const u2 = rand(ws)
      checkGrads((a, b) => inner(grad(f, { argnums: 0 })(a, b) as Tensor, u), [x, w])
      checkGrads((a, b) => inner(grad(f, { argnums: 1 })(a, b) as Tensor, u2), [x, w])
    })
    it(`conv_transpose_lhs / _rhs gradients (first and second order) match finite differences: ${name}`, () => {
      const g = rand(outShape)
      const vl = rand(xs)
      const vr = rand(ws)
      const fl = (c: Tensor, b: Tensor): Tensor => inner(lax.exp(lax.convTransposeLhs(c, b, p, xs)), vl)
      const fr = (a: Tensor, c: Tensor): Tensor => inner(lax.exp(lax.convTransposeRhs(a, c, p, ws)), vr)
      checkGrads(fl, [g, w])
      checkGrads(fr, [x, g])
      const ug = rand(outShape)
      checkGrads((c, b) => inner(grad(fl, { argnums: 0 })(c, b) as Tensor, ug), [g, w])
      checkGrads((a, c) => inner(grad(fr, { argnums: 1 })(a, c) as Tensor, ug), [x, g])
    })
  }

  it('convolves integers exactly', () => {
    const x = T([1, 2, 3, 4, 5], [1, 5, 1], 'int32')
    const w = T([1, 0, -1], [3, 1, 1], 'int32')
    const y = lax.conv(x, w, conv([1], [[0, 0]], [1], [1]))
    expect(y.dtype).toBe('int32')
    expect(vals(y)).toEqual([-2, -2, -2])
  })

  it('refuses mismatched channels, empty outputs and bad params with typed errors', () => {
    const p2 = conv([1, 1], [[0, 0], [0, 0]], [1, 1], [1, 1])
    expect(() => lax.conv(rand([1, 5, 5, 3]), rand([3, 3, 2, 4]), p2)).toThrow(/conv_general_dilated.*Received: lhs.shape=\(1, 5, 5, 3\), rhs.shape=\(3, 3, 2, 4\)/)
    expect(() => lax.conv(rand([1, 5, 5, 3]), rand([3, 3, 2, 4]), p2)).toThrow(ShapeError)
    expect(() => lax.conv(rand([1, 2, 5, 3]), rand([3, 3, 3, 4]), p2)).toThrow(/empty output/)
    expect(() => lax.conv(rand([1, 5, 5, 4]), rand([3, 3, 2, 3]), { ...p2, featureGroupCount: 2 })).toThrow(ShapeError)
    expect(() => lax.conv(rand([1, 5, 5, 3]), rand([3, 3, 3, 4]), conv([1], [[0, 0]], [1], [1]))).toThrow(InvalidArgumentError)
    expect(() => lax.conv(rand([1, 5, 5, 3]), rand([3, 3, 3, 4]), conv([0, 1], [[0, 0], [0, 0]], [1, 1], [1, 1]))).toThrow(InvalidArgumentError)
    expect(() => lax.conv(rand([5, 3]), rand([3, 4]), conv([], [], [], []))).toThrow(ShapeError)
    expect(() => lax.conv(rand([1, 5, 3]), T(randData([3, 3, 4]), [3, 3, 4], 'float32'), conv([1], [[0, 0]], [1], [1]))).toThrow(DTypeError)
    expect(() => lax.convTransposeLhs(rand([1, 3, 4]), rand([2, 3, 4]), conv([1], [[0, 0]], [1], [1]), [1, 5, 3])).toThrow(/conv_transpose_lhs.*cotangent/)
    expect(() => lax.convTransposeRhs(rand([1, 5, 3]), rand([1, 3, 4]), conv([1], [[0, 0]], [1], [1]), [2, 3, 4])).toThrow(ShapeError)
  })

  it('infers symbolic shapes with unknown dims', () => {
    const p = conv([2, 1], [[1, 1], [0, 0]], [1, 1], [1, 1])
    const y = lax.conv(new KerasTensor([null, 7, null, 3], 'float32'), new KerasTensor([3, 3, 3, 8], 'float32'), p)
    expect(y.shape).toEqual([null, 4, null, 8])
    const ct = new KerasTensor([null, 4, 3, 8], 'float32')
    expect(lax.convTransposeLhs(ct, new KerasTensor([3, 3, 3, 8], 'float32'), p, [null as unknown as number, 7, 5, 3]).shape).toEqual([null, 7, 5, 3])
    expect(lax.convTransposeRhs(new KerasTensor([null, 7, 5, 3], 'float32'), ct, p, [3, 3, 3, 8]).shape).toEqual([3, 3, 3, 8])
  })

  it('differentiates symbolically with an unknown batch (traced training steps)', () => {
    const p = conv([2, 1], [[1, 1], [0, 0]], [1, 1], [1, 1])
    const x = new KerasTensor([null, 7, 5, 3], 'float32')
    const w = new KerasTensor([3, 3, 3, 8], 'float32')
    const [y, pull, release] = vjp((a: Tensor, b: Tensor) => lax.conv(a, b, p), x, w)
    const [dx, dw] = pull(new KerasTensor((y as Tensor).shape, 'float32'))
    release()
    expect(dx!.shape).toEqual([null, 7, 5, 3])
    expect(dw!.shape).toEqual([3, 3, 3, 8])
  })

  it('runs the adjoints from the output spec when lhsShape has a recorded unknown batch', () => {
    const p = conv([1], [[1, 1]], [1], [1])
    const ct = rand([2, 5, 4])
    const w = rand([3, 3, 4])
    const want = vals(lax.convTransposeLhs(ct, w, p, [2, 5, 3]))
    expectTensor(lax.convTransposeLhs(ct, w, p, [null as unknown as number, 5, 3]), [2, 5, 3], want, 0)
  })
})

// ---------------------------------------------------------------------------------------------

describe('reduce_window and select_and_scatter_add', () => {
  const configs: [string, number[], WindowParams][] = [
    ['2x2/2 pooling', [2, 4, 6, 3], windowP([1, 2, 2, 1], [1, 2, 2, 1], [[0, 0], [0, 0], [0, 0], [0, 0]])],
    ['3x3/2 padded', [1, 5, 6, 2], windowP([1, 3, 3, 1], [1, 2, 2, 1], [[0, 0], [1, 1], [1, 2], [0, 0]])],
    ['windows over every dim, padding-only windows', [2, 3, 4], windowP([2, 2, 3], [1, 3, 2], [[1, 0], [3, 3], [0, 2]])],
  ]
  for (const [name, xs, w] of configs) {
    for (const comp of ['sum', 'max', 'min'] as const) {
      it(`${comp} matches the definition: ${name}`, () => {
        const x = randData(xs)
        const got = lax.reduceWindow(T(x, xs), comp, w)
        expectTensor(got, windowsNaive(xs, w).outShape, reduceWindowNaive(x, xs, comp, w), 1e-13, `${comp} ${name}`)
      })
    }
    it(`select_and_scatter_add matches the definition: ${name}`, () => {
      const x = randData(xs).map((v) => Math.round(v * 2)) // many ties: the first maximum wins
      const { outShape } = windowsNaive(xs, w)
      const src = randData(outShape)
      expectTensor(lax.selectAndScatterAdd(T(src, outShape), T(x, xs), w), xs, selectScatterNaive(src, x, xs, w), 1e-13)
    })
  }

  for (const cs of golden.reduce_window) {
    it(`matches jax.lax.reduce_window and its vjp: ${cs.name}`, () => {
      const w = windowP(cs.windowDimensions, cs.windowStrides, cs.padding)
      const x = fromArr(cs.operand)
      expectTensor(lax.reduceWindow(x, cs.computation, w), cs.out.shape, cs.out.data, 1e-10, 'out')
      if (cs.computation !== 'sum') {
        const op = cs.computation === 'max' ? x : lax.neg(x)
        expectTensor(lax.selectAndScatterAdd(fromArr(cs.ct), op, w), cs.doperand.shape, cs.doperand.data, 1e-10, 'select_and_scatter_add')
      }
      const [, pull, release] = vjp((a: Tensor) => lax.reduceWindow(a, cs.computation, w), x)
      const [dx] = pull(fromArr(cs.ct))
      release()
      expectTensor(dx!, cs.doperand.shape, cs.doperand.data, 1e-10, 'vjp')
    })
  }

  const gw = windowP([1, 2, 3, 1], [1, 2, 1, 1], [[0, 0], [1, 0], [1, 1], [0, 0]])
  for (const comp of ['sum', 'max', 'min'] as const) {
    it(`${comp} gradients and second-order gradients match finite differences`, () => {
      const x = rand([2, 4, 3, 2])
      const v = rand(lax.reduceWindow(x, comp, gw).shape)
      const u = rand([2, 4, 3, 2])
      const f = (a: Tensor): Tensor => inner(lax.exp(lax.reduceWindow(a, comp, gw)), v)
      checkGrads(f, [x], 1e-7, 1e-6)
      checkGrads((a) => inner(grad(f)(a) as Tensor, u), [x], 1e-7, 1e-6)
    })
  }

  it('select_and_scatter_add is differentiable in its source (max-pool second order)', () => {
    const x = rand([1, 5, 4, 2])
    const src = rand(lax.reduceWindow(x, 'max', gw).shape)
    const u = rand([1, 5, 4, 2])
    checkGrads((s) => inner(lax.exp(lax.selectAndScatterAdd(s, x, gw)), u), [src])
    // Ties: the cotangent is gathered at each window's first maximum, as the forward pass scatters.
    const xt = T(randData([1, 5, 4, 2]).map((q) => Math.round(q)), [1, 5, 4, 2])
    const gv = randData([1, 5, 4, 2])
    const [, pull, release] = vjp((s: Tensor) => lax.selectAndScatterAdd(s, xt, gw), src)
    const [ds] = pull(T(gv, [1, 5, 4, 2]))
    release()
    const { members } = windowsNaive([1, 5, 4, 2], gw)
    const xv = vals(xt)
    const want = members.map((m) => { let b = m[0]!; for (const i of m) if (xv[i]! > xv[b]!) b = i; return gv[b]! })
    expectClose(vals(ds!), want, 1e-14, 'gathered cotangent')
  })

  it('pads max with -inf, min with +inf and integers with their extremes', () => {
    const w = windowP([2], [2], [[1, 3]])
    expect(vals(lax.reduceWindow(T([1, 2, 3], [3]), 'max', w))).toEqual([1, 3, -Infinity])
    expect(vals(lax.reduceWindow(T([1, 2, 3], [3]), 'min', w))).toEqual([1, 2, Infinity])
    expect(vals(lax.reduceWindow(T([1, 2, 3], [3], 'int32'), 'max', w))).toEqual([1, 3, -(2 ** 31)])
    expect(vals(lax.reduceWindow(T([1, 2, 3], [3], 'int32'), 'sum', w))).toEqual([1, 5, 0])
  })

  it('handles an empty batch, forward and backward', () => {
    const w = windowP([1, 2, 2, 1], [1, 2, 2, 1], [[0, 0], [0, 0], [0, 0], [0, 0]])
    const x = T([], [0, 4, 4, 1])
    const src = T([], [0, 2, 2, 1])
    expect(lax.reduceWindow(x, 'max', w).shape).toEqual([0, 2, 2, 1])
    const [, pull, release] = vjp((s: Tensor) => lax.selectAndScatterAdd(s, x, w), src)
    expect(pull(T([], [0, 4, 4, 1]))[0]!.shape).toEqual([0, 2, 2, 1])
    release()
  })

  it('refuses bad windows with typed errors and infers symbolic shapes', () => {
    expect(() => lax.reduceWindow(rand([1, 2, 2, 1]), 'max', windowP([1, 3, 3, 1], [1, 1, 1, 1], [[0, 0], [0, 0], [0, 0], [0, 0]]))).toThrow(/reduce_window.*Received: operand.shape=\(1, 2, 2, 1\)/)
    expect(() => lax.reduceWindow(rand([4, 4]), 'max', windowP([2], [1], [[0, 0]]))).toThrow(InvalidArgumentError)
    expect(() => lax.reduceWindow(rand([4]), 'mean' as 'sum', windowP([2], [1], [[0, 0]]))).toThrow(InvalidArgumentError)
    expect(() => lax.reduceWindow(T([1, 0], [2], 'bool'), 'max', windowP([2], [1], [[0, 0]]))).toThrow(DTypeError)
    expect(() => lax.selectAndScatterAdd(rand([3]), rand([4]), windowP([2], [2], [[0, 0]]))).toThrow(ShapeError)
    const y = lax.reduceWindow(new KerasTensor([null, 7, null, 3], 'float32'), 'max', windowP([1, 3, 3, 1], [1, 2, 2, 1], [[0, 0], [1, 1], [0, 0], [0, 0]]))
    expect(y.shape).toEqual([null, 4, null, 3])
    const pool = windowP([1, 2, 2, 1], [1, 2, 2, 1], [[0, 0], [0, 0], [1, 0], [0, 0]])
    for (const comp of ['sum', 'max'] as const) {
      const xs = new KerasTensor([null, 6, 5, 2], 'float32')
      const [out, pull, release] = vjp((a: Tensor) => lax.reduceWindow(a, comp, pool), xs)
      expect((out as Tensor).shape).toEqual([null, 3, 3, 2])
      expect(pull(new KerasTensor([null, 3, 3, 2], 'float32'))[0]!.shape).toEqual([null, 6, 5, 2])
      release()
    }
  })
})
