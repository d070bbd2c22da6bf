/** @file The lazy engine on OpenVINO: pending graphs, the structural model cache, typed errors, host fallback, options. */
import { expect, it } from 'vitest'
import { UnsupportedOpError, lax, tensor } from '@kx/core'
import { createOpenVINOBackend, type OpenVINOBackend } from '../src/index.js'
import { describeOpenVINO } from './available.js'

const f32 = (v: number[], b: OpenVINOBackend) => tensor(v, { dtype: 'float32', backend: b })

describeOpenVINO('openvino lazy engine', () => {
  it('records eager calls and runs them when data is read', async () => {
    const b = await createOpenVINOBackend()
    expect(b.name).toBe('openvino')
    expect(b.capabilities.training).toBe(true)
    expect(b.libraryPath).toMatch(/openvino_c/)
    const x = f32([1, 2, 3], b)
    const y = lax.mul(lax.exp(x), x)
    expect(b.pendingOps).toBe(2)
    const got = Array.from(await y.data())
    got.forEach((v, i) => expect(v).toBeCloseTo(Math.exp(i + 1) * (i + 1), 4))
    expect(b.pendingOps).toBe(0)
    expect(b.stats().modelsCompiled).toBe(1)
    expect(Array.from(y.dataSync())).toEqual(got)
  })

  it('reuses the compiled model for a pending graph of the same structure', async () => {
    const b = await createOpenVINOBackend()
    const run = async (v: number[]) => {
      const x = f32(v, b)
      const y = lax.tanh(lax.add(x, x))
      const d = await y.data()
      x.dispose(); y.dispose()
      return d
    }
    await run([1, 2])
    for (let i = 0; i < 5; i++) expect(Array.from(await run([i, -i]))[0]).toBeCloseTo(Math.tanh(2 * i), 5)
    expect(b.stats().modelsCompiled).toBe(1)
    expect(b.stats().cacheHits).toBe(5)
  })

  it('throws UnsupportedOpError naming the primitive, or runs it on the host with hostFallback', async () => {
    const b = await createOpenVINOBackend()
    const a = tensor([4, 1, 1, 3], { dtype: 'float32', shape: [2, 2], backend: b })
    expect(() => lax.qr(a, false)).toThrow(UnsupportedOpError)
    expect(() => lax.qr(a, false)).toThrow(/`qr`/)
    const h = await createOpenVINOBackend({ hostFallback: true })
    const [q, r] = lax.qr(tensor([4, 1, 1, 3], { dtype: 'float32', shape: [2, 2], backend: h }), false)
    expect(Math.abs((await r!.data())[0]!)).toBeCloseTo(Math.hypot(4, 1), 5)
    expect(q!.shape).toEqual([2, 2])
    expect(h.stats().hostFallbacks).toBe(1)
  })

  it('accepts performance hint, precision, streams and threads', async () => {
    const b = await createOpenVINOBackend({ performanceHint: 'THROUGHPUT', inferencePrecision: 'f32', numStreams: 1, numThreads: 2 })
    const y = lax.add(f32([1, 2], b), f32([3, 4], b))
    expect(Array.from(await y.data())).toEqual([4, 6])
  })
})
