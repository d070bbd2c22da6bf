/** @file The lazy engine: pending graphs, structural session cache, thresholds, dtypes, host fallback, typed errors. */
import { describe, expect, it } from 'vitest'
import {
  InvalidArgumentError, UnsupportedOpError, bind, cond, createReferenceBackend, jit, lax, memory, scan, tensor, whileLoop, type DType, type Tensor,
} from '@kx/core'
import { createOnnxBackend } from '../src/index.js'

const f32 = (v: number[], backend: ReturnType<typeof createOnnxBackend>) => tensor(v, { dtype: 'float32', backend })

describe('lazy engine', () => {
  it('records eager calls and runs them when data is read', async () => {
    const b = createOnnxBackend()
    const x = f32([1, 2, 3], b)
    const y = lax.mul(lax.exp(x), x)
    expect(b.pendingOps).toBe(2)
    expect(Array.from(await y.data())).toEqual([1, 2, 3].map((v) => Math.fround(Math.fround(Math.exp(v)) * v)))
    expect(b.pendingOps).toBe(0)
    expect(b.stats().sessionsCompiled).toBe(1)
    expect(Array.from(y.dataSync())).toEqual(Array.from(await y.data()))
  })

  it('reuses the compiled session for a pending graph of the same structure', async () => {
    const b = createOnnxBackend()
    const run = async (v: number[]) => {
      const x = f32(v, b)
      const y = lax.tanh(lax.add(x, x))
      const d = await y.data()
      x.dispose(); y.dispose()
      return d
    }
    await run([1, 2])
    const compiled = b.stats().sessionsCompiled
    for (let i = 0; i < 5; i++) await run([i, -i])
    expect(b.stats().sessionsCompiled).toBe(compiled)
    expect(b.stats().cacheHits).toBe(5)
  })

  it('computes only what is still alive, and flushes past maxPendingOps', async () => {
    const b = createOnnxBackend({ maxPendingOps: 8 })
    const x = f32([0.5, 1.5], b)
    const h = lax.exp(x)
    const z = lax.neg(h)
    h.dispose()
    expect(Array.from(await z.data())).toEqual([-Math.fround(Math.exp(0.5)), -Math.fround(Math.exp(1.5))])
    let t: Tensor = x
    for (let i = 0; i < 20; i++) t = lax.add(t, x)
    expect(b.pendingOps).toBeLessThan(8)
    expect((await t.data())[0]).toBeCloseTo(10.5, 5)
  })

  it('stores every kx dtype (int64 through BigInt64, halves rounded)', async () => {
    const b = createOnnxBackend()
    const cases: [DType, number[]][] = [
      ['bool', [1, 0, 1]], ['int8', [-128, 5, 127]], ['int16', [-300, 0, 300]], ['int32', [-7, 2 ** 31 - 1, 4]],
      ['int64', [-(2 ** 53), 2 ** 40 + 1, 3]], ['uint8', [0, 200, 255]], ['uint16', [1, 60000, 9]], ['uint32', [0, 2 ** 32 - 1, 7]],
      ['float16', [1.0009765625, 65504, 1e-3]], ['bfloat16', [1.00390625, 3.14159, -2]], ['float32', [0.1, -0, 1e30]], ['float64', [0.1, Math.PI, -1e300]],
    ]
    for (const [dtype, v] of cases) {
      const t = tensor(v, { dtype, backend: b })
      const want = tensor(v, { dtype })
      expect(Array.from(await t.data())).toEqual(Array.from(await want.data()))
      // and through one graph op
      const c = lax.convertElementType(t, 'float64')
      expect(Array.from(await c.data())).toEqual(Array.from(await lax.convertElementType(want, 'float64').data()))
    }
  })

  it('exactNaN: float32 max pooling propagates NaN like XLA', async () => {
    const pool = { windowDimensions: [1, 2, 2, 1], windowStrides: [1, 2, 2, 1], padding: [[0, 0], [0, 0], [0, 0], [0, 0]] as [number, number][] }
    const b = createOnnxBackend({ exactNaN: true })
    const x = tensor([1, NaN, 3, 4], { shape: [1, 2, 2, 1], dtype: 'float32', backend: b })
    expect(Number.isNaN((await lax.reduceWindow(x, 'max', pool).data())[0]!)).toBe(true)
    expect(Number.isNaN((await lax.reduceWindow(x, 'min', pool).data())[0]!)).toBe(true)
  })

  it('keeps the backend tensor count in step with kx', async () => {
    const b = createOnnxBackend()
    const before = b.memory!().numTensors
    const x = f32([1, 2], b)
    const y = lax.sin(x)
    await y.data()
    expect(b.memory!().numTensors).toBe(before + 2)
    x.dispose(); y.dispose()
    expect(b.memory!().numTensors).toBe(before)
    expect(memory().backends['onnx']?.numTensors ?? 0).toBeGreaterThanOrEqual(0)
  })
})

describe('host fallback and typed errors', () => {
  const a = [[4, 1, 0], [1, 3, 1], [0, 1, 2]]
  it('runs primitives ONNX cannot express on the host by default', async () => {
    const b = createOnnxBackend()
    const x = tensor(a, { dtype: 'float64', backend: b })
    const [lu] = bind('lu', [x], {})
    expect((await lu!.data())[0]).toBe(4)
    expect(b.stats().hostFallbacks).toBe(1)
  })

  it('throws UnsupportedOpError naming the primitive and ONNX operator when host fallback is off', () => {
    const b = createOnnxBackend({ hostFallback: false })
    const x = tensor(a, { dtype: 'float64', backend: b })
    expect(() => bind('lu', [x], {})).toThrow(UnsupportedOpError)
    expect(() => bind('lu', [x], {})).toThrow(/`lu`.*LU factorization/)
    expect(() => lax.bitcastConvertType(tensor([1], { dtype: 'float32', backend: b }), 'int32')).toThrow(/bitcast_convert_type.*BitCast/)
  })

  it('jit: cond, while and scan compile to If / Loop in one session, matching reference', async () => {
    const b = createOnnxBackend()
    const ref = createReferenceBackend()
    const condStep = (x: Tensor) => cond(lax.gt(lax.reduceSum(x, [0]), tensor(0, { dtype: 'float32', backend: x.backend })), () => lax.exp(x), () => lax.neg(x))
    const f = jit(condStep)
    expect(Array.from(await (f(f32([1, 2], b)) as Tensor).data())).toEqual([Math.fround(Math.E), Math.fround(Math.exp(2))])
    expect(Array.from(await (f(f32([-1, -2], b)) as Tensor).data())).toEqual([1, 2])
    // while: double x until its sum passes 100; scan: cumulative sum and per-step squares, both directions.
    const loop = (x: Tensor) => whileLoop((v: Tensor) => lax.lt(lax.reduceSum(v, [0]), tensor(100, { dtype: 'float32', backend: v.backend })), (v: Tensor) => lax.add(v, v), x)
    const sc = (reverse: boolean) => (x: Tensor) => scan((c: Tensor, xi: Tensor) => [lax.add(c, xi), lax.mul(xi, c)] as [Tensor, Tensor], tensor([0, 0], { dtype: 'float32', backend: x.backend }), x, { reverse })
    const host = Float32Array.from({ length: 10 }, (_, i) => i * 0.5 - 1)
    for (const [fn, input] of [[loop, [1, 2]], [sc(false), host], [sc(true), host]] as const) {
      const shape = input.length === 10 ? [5, 2] : [2]
      const got = jit(fn as (x: Tensor) => unknown)(tensor(input as ArrayLike<number>, { shape, dtype: 'float32', backend: b }))
      const want = (fn as (x: Tensor) => unknown)(tensor(input as ArrayLike<number>, { shape, dtype: 'float32', backend: ref }))
      const g = Array.isArray(got) ? got as Tensor[] : [got as Tensor]
      const w = Array.isArray(want) ? want as Tensor[] : [want as Tensor]
      for (let i = 0; i < w.length; i++) expect(Array.from(await g[i]!.data())).toEqual(Array.from(await w[i]!.data()))
    }
    expect(b.stats().compiled).toEqual({ sessions: 4, interpreted: 0, baked: 0 })
    const strict = createOnnxBackend({ hostFallback: false })
    const withLu = (x: Tensor) => bind('lu', [x], {})[0]!
    expect(() => jit(withLu)(tensor(a, { dtype: 'float64', backend: strict }))).toThrow(/`lu`.*LU factorization/)
  })

  it('passes session options through (sleeping intra-op threads, one thread)', async () => {
    const b = createOnnxBackend({ sessionOptions: { allowSpinning: false, intraOpNumThreads: 1 } })
    const x = f32([0.5, -1, 2], b)
    const y = jit((t: Tensor) => lax.mul(lax.exp(t), t))(x)
    expect(Array.from(await y.data())).toEqual([0.5, -1, 2].map((v) => Math.fround(Math.fround(Math.exp(Math.fround(v))) * Math.fround(v))))
    expect(b.stats().compiled.sessions).toBe(1)
  })

  it('rejects opsets below 17', () => {
    expect(() => createOnnxBackend({ opset: 16 })).toThrow(InvalidArgumentError)
  })
})
