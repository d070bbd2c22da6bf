import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { KerasTensor, KxError, NotImplementedError, VJP_RULES, abstractEval, bind, jvp, tensor, vjp, type PrimParams, type Tensor } from '../src/index.js'
import { randomUniform } from '../src/random/threefry.js'

/** numpy / jax.lax results in float64 (tools/golden/core_routines.py). */
const golden = JSON.parse(readFileSync(new URL('./golden/routines.json', import.meta.url), 'utf8'))

type Nested = number | Nested[]
const flat = (x: Nested): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x])
const shapeOf = (x: Nested): number[] => (Array.isArray(x) ? [x.length, ...shapeOf(x[0]!)] : [])
const f64 = (x: Nested): Tensor => tensor(flat(x), { shape: shapeOf(x), dtype: 'float64' })
const read = (t: Tensor): number[] => Array.from(t.dataSync())

type RoutinePrim = 'cholesky' | 'triangular_solve' | 'lu' | 'qr' | 'eigh' | 'svd' | 'fft'
function run<P extends RoutinePrim>(prim: P, inputs: Tensor[], params: PrimParams[P]): Tensor[] { return bind(prim, inputs, params) }

function expectAllClose(got: number[], want: number[], tol: number, what = ''): void {
  expect(got.length, what).toBe(want.length)
  const scale = Math.max(1, ...want.map(Math.abs))
  for (let i = 0; i < got.length; i++) {
    expect(Math.abs(got[i]! - want[i]!), `${what}[${i}]: got ${got[i]}, want ${want[i]}`).toBeLessThanOrEqual(tol * scale)
  }
}

/** Flips the columns (last axis) of `got` so each has a non-negative dot product with `ref`; returns the signs. */
function alignColumns(got: number[], ref: number[], shape: number[]): number[] {
  const [m, n] = shape.slice(-2) as [number, number]
  const batches = got.length / (m * n)
  const signs: number[] = []
  for (let b = 0; b < batches; b++) {
    for (let j = 0; j < n; j++) {
      let dot = 0
      for (let i = 0; i < m; i++) dot += got[b * m * n + i * n + j]! * ref[b * m * n + i * n + j]!
      const s = dot < 0 ? -1 : 1
      signs.push(s)
      for (let i = 0; i < m; i++) got[b * m * n + i * n + j]! *= s
    }
  }
  return signs
}
/** Flips rows (second-to-last axis) by per-(batch, row) signs. */
function flipRows(got: number[], shape: number[], signs: number[], rowsUsed: number): void {
  const [m, n] = shape.slice(-2) as [number, number]
  const batches = got.length / (m * n)
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < Math.min(m, rowsUsed); i++) for (let j = 0; j < n; j++) got[b * m * n + i * n + j]! *= signs[b * rowsUsed + i] ?? 1
  }
}

// ---- VJP against central finite differences ----------------------------------------------------------

let keyCounter = 1
function noise(n: number): number[] { return Array.from(randomUniform([7, keyCounter++], n, 'float64'), (v) => 2 * v - 1) }

/**
 * Checks the VJP of `fn` (float64 tensors in, a list of float tensors out) against central differences of
 * L(x) = Σ_j <ct_j, out_j(x)>. `canon` may fix a gauge of the raw outputs (eigenvector signs) relative
 * to the unperturbed ones before L is formed.
 */
function checkVjp(fn: (...xs: Tensor[]) => Tensor[], inputs: Tensor[], options: { tol?: number; h?: number; canon?: (outs: number[][], base: number[][]) => void } = {}): void {
  const { tol = 1e-6, h = 1e-6, canon } = options
  const [outs, pullback, release] = vjp((...xs: Tensor[]) => fn(...xs), ...inputs)
  const outList = outs as Tensor[]
  const base = outList.map(read)
  const cts = outList.map((o) => noise(o.size))
  const grads = pullback(outList.map((o, j) => tensor(cts[j]!, { shape: o.shape, dtype: o.dtype }))).map(read)
  release()
  const loss = (xs: Tensor[]): number => {
    const vals = fn(...xs).map(read)
    canon?.(vals, base)
    let s = 0
    vals.forEach((v, j) => v.forEach((x, i) => { s += x * cts[j]![i]! }))
    return s
  }
  inputs.forEach((x, k) => {
    const xv = read(x)
    const fd = xv.map((_, i) => {
      const at = (d: number): number => {
        const p = xv.slice()
        p[i] = p[i]! + d
        return loss(inputs.map((y, kk) => (kk === k ? tensor(p, { shape: x.shape, dtype: 'float64' }) : y)))
      }
      return (at(h) - at(-h)) / (2 * h)
    })
    expectAllClose(grads[k]!, fd, tol, `input ${k}`)
  })
}

function randomMatrix(shape: number[], diagBoost = 0): Tensor {
  const v = noise(shape.reduce((a, b) => a * b, 1))
  const [m, n] = shape.slice(-2) as [number, number]
  for (let b = 0; b < v.length / (m * n); b++) for (let i = 0; i < Math.min(m, n); i++) v[b * m * n + i * n + i]! += diagBoost
  return tensor(v, { shape, dtype: 'float64' })
}
function spdMatrix(shape: number[]): Tensor {
  const [n] = shape.slice(-1) as [number]
  const a = read(randomMatrix(shape))
  const out = new Array<number>(a.length).fill(0)
  for (let b = 0; b < a.length / (n * n); b++) {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0
      for (let k = 0; k < n; k++) s += a[b * n * n + i * n + k]! * a[b * n * n + j * n + k]!
      out[b * n * n + i * n + j] = s
    }
  }
  return tensor(out, { shape, dtype: 'float64' })
}

// ---- forward against numpy / jax ----------------------------------------------------------------------

describe('routines forward against numpy / jax.lax (float64)', () => {
  it('cholesky', () => {
    for (const c of golden.cholesky) expectAllClose(read(run('cholesky', [f64(c.a)], {})[0]!), flat(c.l), 1e-13)
  })
  it('cholesky of a non-positive-definite matrix is NaN in the lower triangle (as JAX)', () => {
    expect(read(run('cholesky', [f64([[1, 2], [2, 1]])], {})[0]!).map((v) => (Number.isNaN(v) ? 'nan' : v))).toEqual(['nan', 0, 'nan', 'nan'])
  })
  it('triangular_solve, every side/triangle/transpose/unit-diagonal combination', () => {
    for (const c of golden.triangular_solve) {
      const { leftSide, lower, transposeA, unitDiagonal } = c
      const x = run('triangular_solve', [f64(c.a), f64(c.b)], { leftSide, lower, transposeA, unitDiagonal })[0]!
      expectAllClose(read(x), flat(c.x), 1e-12, JSON.stringify({ leftSide, lower, transposeA, unitDiagonal }))
    }
  })
  it('lu: factors, pivots and permutation of jax.lax.linalg.lu', () => {
    for (const c of golden.lu) {
      const [lu, piv, perm] = run('lu', [f64(c.a)], {})
      expect(piv!.dtype).toBe('int32')
      expect(read(piv!)).toEqual(flat(c.pivots))
      expect(read(perm!)).toEqual(flat(c.permutation))
      expectAllClose(read(lu!), flat(c.lu), 1e-13)
    }
  })
  it('qr: the Householder signs of LAPACK (numpy), reduced and complete', () => {
    for (const c of golden.qr) {
      const [q, r] = run('qr', [f64(c.a)], { fullMatrices: c.fullMatrices })
      expect(q!.shape).toEqual(shapeOf(c.q))
      expect(r!.shape).toEqual(shapeOf(c.r))
      expectAllClose(read(q!), flat(c.q), 1e-13, 'q')
      expectAllClose(read(r!), flat(c.r), 1e-13, 'r')
    }
  })
  it('eigh: eigenvalues ascending; eigenvectors up to sign; reads one triangle', () => {
    for (const c of golden.eigh) {
      const [v, w] = run('eigh', [f64(c.a)], { lower: c.lower })
      expectAllClose(read(w!), flat(c.w), 1e-13, 'w')
      const got = read(v!)
      alignColumns(got, flat(c.v), shapeOf(c.v))
      expectAllClose(got, flat(c.v), 1e-12, 'v')
    }
  })
  it('svd: singular values; u and vh up to a joint sign; full matrices orthonormal', () => {
    for (const c of golden.svd) {
      const [u, s, vh] = run('svd', [f64(c.a)], { fullMatrices: c.fullMatrices, computeUv: true })
      expectAllClose(read(s!), flat(c.s), 1e-13, 's')
      expect(u!.shape).toEqual(shapeOf(c.u))
      expect(vh!.shape).toEqual(shapeOf(c.vh))
      const k = flat(c.s).length / Math.max(1, shapeOf(c.s).slice(0, -1).reduce((a, b) => a * b, 1))
      const uShape = shapeOf(c.u)
      const uGot = read(u!)
      const uRef = flat(c.u)
      const signs = alignColumns(uGot, uRef, uShape)
      // the first k columns are determined (distinct singular values); compare those, and vh's first k rows
      const [m, uc] = uShape.slice(-2) as [number, number]
      const perBatch = uc
      const kSigns = signs.filter((_, i) => i % perBatch < k)
      const vhGot = read(vh!)
      flipRows(vhGot, shapeOf(c.vh), kSigns, k)
      const [vr, n] = shapeOf(c.vh).slice(-2) as [number, number]
      for (let b = 0; b < uGot.length / (m * uc); b++) {
        for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) expect(Math.abs(uGot[b * m * uc + i * uc + j]! - uRef[b * m * uc + i * uc + j]!)).toBeLessThan(1e-12)
        for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) expect(Math.abs(vhGot[b * vr * n + i * n + j]! - flat(c.vh)[b * vr * n + i * n + j]!)).toBeLessThan(1e-12)
      }
      // orthonormal columns of u and rows of vh (checks the completed ones too)
      for (let b = 0; b < uGot.length / (m * uc); b++) {
        for (let p = 0; p < uc; p++) for (let q = 0; q < uc; q++) {
          let d = 0
          for (let i = 0; i < m; i++) d += uGot[b * m * uc + i * uc + p]! * uGot[b * m * uc + i * uc + q]!
          expect(Math.abs(d - (p === q ? 1 : 0))).toBeLessThan(1e-13)
        }
        for (let p = 0; p < vr; p++) for (let q = 0; q < vr; q++) {
          let d = 0
          for (let j = 0; j < n; j++) d += vhGot[b * vr * n + p * n + j]! * vhGot[b * vr * n + q * n + j]!
          expect(Math.abs(d - (p === q ? 1 : 0))).toBeLessThan(1e-13)
        }
      }
      const [sOnly] = run('svd', [f64(c.a)], { fullMatrices: c.fullMatrices, computeUv: false })
      expectAllClose(read(sOnly!), flat(c.s), 1e-13, 's only')
    }
  })
  it('svd of a rank-deficient matrix still gives orthonormal factors', () => {
    const [u, s] = run('svd', [f64([[1, 2], [2, 4], [3, 6]])], { fullMatrices: true, computeUv: true })
    expect(read(s!)[1]).toBeLessThan(1e-14)
    const uv = read(u!)
    for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) {
      let d = 0
      for (let i = 0; i < 3; i++) d += uv[i * 3 + p]! * uv[i * 3 + q]!
      expect(Math.abs(d - (p === q ? 1 : 0))).toBeLessThan(1e-12)
    }
  })
  it('fft / ifft / rfft / irfft match jax.lax.fft', () => {
    for (const c of golden.fft) {
      const inputs = c.fftType === 'rfft' ? [f64(c.re)] : [f64(c.re), f64(c.im)]
      const outs = run('fft', inputs, { fftType: c.fftType, fftLengths: c.fftLengths })
      expectAllClose(read(outs[0]!), flat(c.out_re), 1e-12, `${c.fftType} re`)
      if (c.fftType !== 'irfft') expectAllClose(read(outs[1]!), flat(c.out_im), 1e-12, `${c.fftType} im`)
      else expect(outs.length).toBe(1)
    }
  })
})

describe('routines shape rules', () => {
  const ev = (prim: RoutinePrim, shapes: (number | null)[][], params: object, dtype: 'float32' | 'int32' = 'float32') =>
    abstractEval(prim, shapes.map((shape) => ({ shape, dtype })), params as never).map((a) => [a.shape, a.dtype])
  it('propagates unknown dims', () => {
    expect(ev('cholesky', [[null, 3, 3]], {})).toEqual([[[null, 3, 3], 'float32']])
    expect(ev('lu', [[2, null, 4]], {})).toEqual([[[2, null, 4], 'float32'], [[2, null], 'int32'], [[2, null], 'int32']])
    expect(ev('qr', [[5, 3]], { fullMatrices: false })).toEqual([[[5, 3], 'float32'], [[3, 3], 'float32']])
    expect(ev('qr', [[null, 5, 3]], { fullMatrices: true })).toEqual([[[null, 5, 5], 'float32'], [[null, 5, 3], 'float32']])
    expect(ev('eigh', [[null, null]], { lower: true })).toEqual([[[null, null], 'float32'], [[null], 'float32']])
    expect(ev('svd', [[4, 2, 3]], { fullMatrices: false, computeUv: true })).toEqual([[[4, 2, 2], 'float32'], [[4, 2], 'float32'], [[4, 2, 3], 'float32']])
    expect(ev('svd', [[2, 3]], { fullMatrices: true, computeUv: false })).toEqual([[[2], 'float32']])
    expect(ev('triangular_solve', [[null, 3, 3], [2, 3, 5]], { leftSide: true, lower: true, transposeA: false, unitDiagonal: false })).toEqual([[[2, 3, 5], 'float32']])
    expect(ev('fft', [[null, 8]], { fftType: 'rfft', fftLengths: [8] })).toEqual([[[null, 5], 'float32'], [[null, 5], 'float32']])
    expect(ev('fft', [[null, 5], [null, 5]], { fftType: 'irfft', fftLengths: [8] })).toEqual([[[null, 8], 'float32']])
    const y = bind('cholesky', [new KerasTensor([null, 4, 4], 'float32')], {})[0]!
    expect(y.shape).toEqual([null, 4, 4])
  })
  it('throws typed errors naming the primitive', () => {
    expect(() => ev('cholesky', [[3, 4]], {})).toThrow(/cholesky.*square/)
    expect(() => ev('cholesky', [[3]], {})).toThrow(KxError)
    expect(() => ev('qr', [[3, 3]], { fullMatrices: false }, 'int32')).toThrow(/floating-point/)
    expect(() => ev('triangular_solve', [[3, 3], [4, 2]], { leftSide: true, lower: true, transposeA: false, unitDiagonal: false })).toThrow(/rows/)
    expect(() => ev('triangular_solve', [[2, 3, 3], [4, 3, 2]], { leftSide: true, lower: true, transposeA: false, unitDiagonal: false })).toThrow(/batch/)
    expect(() => ev('fft', [[4, 6]], { fftType: 'fft', fftLengths: [6] })).toThrow(/\[real, imag\]/)
    expect(() => ev('fft', [[4, 6], [4, 6]], { fftType: 'fft', fftLengths: [5] })).toThrow(/trailing dims/)
    expect(() => ev('fft', [[4, 6]], { fftType: 'dct', fftLengths: [6] })).toThrow(/fftType/)
  })
})

// ---- gradients ------------------------------------------------------------------------------------------

describe('routines VJP against central finite differences (float64)', () => {
  it('cholesky (gradient in the lower triangle it reads), batched', () => {
    checkVjp((a) => run('cholesky', [a], {}), [spdMatrix([3, 3])])
    checkVjp((a) => run('cholesky', [a], {}), [spdMatrix([2, 4, 4])])
  })
  it('triangular_solve, all 16 combinations', () => {
    for (const leftSide of [true, false]) for (const lower of [true, false]) for (const transposeA of [false, true]) for (const unitDiagonal of [false, true]) {
      const a = randomMatrix([2, 3, 3], 3)
      const b = randomMatrix(leftSide ? [2, 3, 2] : [2, 2, 3])
      checkVjp((aa, bb) => run('triangular_solve', [aa, bb], { leftSide, lower, transposeA, unitDiagonal }), [a, b])
    }
  })
  it('lu (square; the pivots stay put under small perturbations)', () => {
    checkVjp((a) => [run('lu', [a], {})[0]!], [randomMatrix([3, 3])])
    checkVjp((a) => [run('lu', [a], {})[0]!], [randomMatrix([2, 4, 4])])
  })
  it('lu of a non-square matrix has no gradient yet (clear error)', () => {
    const [, pullback, release] = vjp((a: Tensor) => run('lu', [a], {})[0]!, randomMatrix([3, 4]))
    expect(() => pullback(tensor(noise(12), { shape: [3, 4], dtype: 'float64' }))).toThrow(NotImplementedError)
    release()
  })
  it('qr: tall, square, wide, batched, complete square', () => {
    checkVjp((a) => run('qr', [a], { fullMatrices: false }), [randomMatrix([4, 3])])
    checkVjp((a) => run('qr', [a], { fullMatrices: false }), [randomMatrix([3, 3])])
    checkVjp((a) => run('qr', [a], { fullMatrices: false }), [randomMatrix([3, 5])])
    checkVjp((a) => run('qr', [a], { fullMatrices: true }), [randomMatrix([3, 5])])
    checkVjp((a) => run('qr', [a], { fullMatrices: false }), [randomMatrix([2, 4, 2])])
    checkVjp((a) => [run('qr', [a], { fullMatrices: false })[1]!], [randomMatrix([3, 3])])
  })
  it('qr with complete Q of a tall matrix has no gradient (as JAX)', () => {
    const [, pullback, release] = vjp((a: Tensor) => run('qr', [a], { fullMatrices: true }), randomMatrix([4, 2]))
    expect(() => pullback([tensor(noise(16), { shape: [4, 4], dtype: 'float64' }), tensor(noise(8), { shape: [4, 2], dtype: 'float64' })])).toThrow(NotImplementedError)
    release()
  })
  it('eigh (both triangles; eigenvector signs aligned in the differences), batched', () => {
    const canon = (outs: number[][], base: number[][], shape: number[]): void => { alignColumns(outs[0]!, base[0]!, shape) }
    for (const lower of [true, false]) {
      checkVjp((a) => run('eigh', [a], { lower }), [randomMatrix([3, 3])], { canon: (o, b) => canon(o, b, [3, 3]) })
      checkVjp((a) => run('eigh', [a], { lower }), [randomMatrix([2, 4, 4])], { canon: (o, b) => canon(o, b, [2, 4, 4]) })
    }
    checkVjp((a) => [run('eigh', [a], { lower: true })[1]!], [randomMatrix([4, 4])])
  })
  it('svd: values only, and full u, s, vh for tall, wide, square and batched', () => {
    checkVjp((a) => run('svd', [a], { fullMatrices: false, computeUv: false }), [randomMatrix([4, 3])])
    checkVjp((a) => run('svd', [a], { fullMatrices: false, computeUv: false }), [randomMatrix([2, 2, 3])])
    for (const shape of [[4, 3], [3, 5], [3, 3], [2, 3, 2]]) {
      const [m, n] = shape.slice(-2) as [number, number]
      const k = Math.min(m, n)
      const uShape = [...shape.slice(0, -2), m, k]
      const vhShape = [...shape.slice(0, -2), k, n]
      const canon = (outs: number[][], base: number[][]): void => {
        const signs = alignColumns(outs[0]!, base[0]!, uShape)
        flipRows(outs[2]!, vhShape, signs, k)
      }
      checkVjp((a) => run('svd', [a], { fullMatrices: false, computeUv: true }), [randomMatrix(shape)], { canon })
    }
  })
  it('svd with complete non-square factors has no gradient (as JAX)', () => {
    const [outs, pullback, release] = vjp((a: Tensor) => run('svd', [a], { fullMatrices: true, computeUv: true }), randomMatrix([3, 2]))
    const cts = (outs as Tensor[]).map((o) => tensor(noise(o.size), { shape: o.shape, dtype: 'float64' }))
    expect(() => pullback(cts)).toThrow(NotImplementedError)
    release()
  })
  it('fft / ifft (1-D and 2-D)', () => {
    checkVjp((re, im) => run('fft', [re, im], { fftType: 'fft', fftLengths: [5] }), [randomMatrix([2, 5]), randomMatrix([2, 5])])
    checkVjp((re, im) => run('fft', [re, im], { fftType: 'ifft', fftLengths: [3, 4] }), [randomMatrix([3, 4]), randomMatrix([3, 4])])
    checkVjp((re, im) => run('fft', [re, im], { fftType: 'fft', fftLengths: [2, 3] }), [randomMatrix([2, 2, 3]), randomMatrix([2, 2, 3])])
  })
  it('rfft / irfft (even and odd lengths, 1-D and 2-D)', () => {
    checkVjp((x) => run('fft', [x], { fftType: 'rfft', fftLengths: [6] }), [randomMatrix([2, 6])])
    checkVjp((x) => run('fft', [x], { fftType: 'rfft', fftLengths: [5] }), [randomMatrix([1, 5])])
    checkVjp((x) => run('fft', [x], { fftType: 'rfft', fftLengths: [3, 4] }), [randomMatrix([3, 4])])
    checkVjp((re, im) => run('fft', [re, im], { fftType: 'irfft', fftLengths: [6] }), [randomMatrix([2, 4]), randomMatrix([2, 4])])
    checkVjp((re, im) => run('fft', [re, im], { fftType: 'irfft', fftLengths: [7] }), [randomMatrix([1, 4]), randomMatrix([1, 4])])
    checkVjp((re, im) => run('fft', [re, im], { fftType: 'irfft', fftLengths: [3, 6] }), [randomMatrix([3, 4]), randomMatrix([3, 4])])
  })
  it('random primitives have no gradient', () => {
    const key = tensor([0, 1], { shape: [2], dtype: 'int32' })
    const out = bind('random_uniform', [key], { shape: [3], dtype: 'float64' })
    expect(VJP_RULES.random_uniform({ cotangents: out, inputs: [key], outputs: out, params: { shape: [3], dtype: 'float64' } })).toEqual([null])
    expect(VJP_RULES.random_bits({ cotangents: [null], inputs: [key], outputs: [], params: { shape: [3] } })).toEqual([null])
  })
  it('forward-mode (jvp, the transpose of the VJP) agrees with finite differences', () => {
    const cases: [(x: Tensor) => Tensor, Tensor][] = [
      [(a) => run('cholesky', [a], {})[0]!, spdMatrix([3, 3])],
      [(a) => run('qr', [a], { fullMatrices: false })[1]!, randomMatrix([4, 3])],
      [(a) => run('svd', [a], { fullMatrices: false, computeUv: false })[0]!, randomMatrix([3, 4])],
      [(a) => run('triangular_solve', [a, randomMatrixFixed], { leftSide: true, lower: true, transposeA: false, unitDiagonal: false })[0]!, randomMatrix([3, 3], 3)],
      [(a) => run('fft', [a], { fftType: 'rfft', fftLengths: [3] })[1]!, randomMatrix([3, 3])],
      [(a) => run('fft', [a, a], { fftType: 'irfft', fftLengths: [4] })[0]!, randomMatrix([2, 3])],
      [(a) => run('eigh', [a], { lower: true })[1]!, randomMatrix([3, 3])],
      [(a) => run('eigh', [a], { lower: false })[0]!, randomMatrix([3, 3])],
      [(a) => run('lu', [a], {})[0]!, randomMatrix([3, 3])],
      [(a) => run('qr', [a], { fullMatrices: false })[0]!, randomMatrix([3, 4])],
      [(a) => run('svd', [a], { fullMatrices: false, computeUv: true })[2]!, randomMatrix([4, 3])],
    ]
    for (const [fn, x] of cases) {
      const t = randomMatrix(x.shape.slice())
      const [, dy] = jvp(fn, [x], [t])
      const h = 1e-6
      const shifted = (d: number) => read(fn(tensor(read(x).map((v, i) => v + d * read(t)[i]!), { shape: x.shape, dtype: 'float64' })))
      const plus = shifted(h)
      const minus = shifted(-h)
      expectAllClose(read(dy), plus.map((p, i) => (p - minus[i]!) / (2 * h)), 1e-6)
    }
  })
  it('float32 operands are computed in float64 and rounded', () => {
    const c = golden.cholesky[2]
    const l = run('cholesky', [tensor(flat(c.a), { shape: shapeOf(c.a), dtype: 'float32' })], {})[0]!
    expect(l.dtype).toBe('float32')
    expectAllClose(read(l), flat(c.l), 1e-6)
  })
})

const randomMatrixFixed = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], { shape: [3, 3], dtype: 'float64' })
