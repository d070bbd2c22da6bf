/** The webgpu backend itself: probe, async reads, GPU memory accounting, registration with core. */
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { DTypeError, Tensor, lax, registerBackend, setBackend, ready, removeBackend } from '@kx/core'
import { createWebGPUBackend } from '../src/index.js'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'

describe.runIf(webgpuAvailable('backend-webgpu backend'))('webgpu backend', () => {
  const b = gpu.backend!
  const up = (v: number[], shape: number[]): Tensor => new Tensor(shape, 'float32', b, b.upload(Float32Array.from(v), shape, 'float32'))

  it('probes the adapter: features and limits', () => {
    expect(b.name).toBe('webgpu')
    expect(typeof b.features.shaderF16).toBe('boolean')
    expect(b.features.names.includes('shader-f16')).toBe(b.features.shaderF16)
    expect(b.features.limits.maxBufferSize).toBeGreaterThan(0)
    expect(b.features.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(64)
    expect(b.capabilities.syncRead).toBe(false)
    expect(b.readSync).toBeUndefined()
  })

  it('runs a matmul on the device and reads it asynchronously', async () => {
    const x = up([1, 2, 3, 4], [2, 2])
    const y = lax.dotGeneral(x, x, [[1], [0]])
    expect(Array.from(await y.data())).toEqual([7, 10, 15, 22])
    x.dispose(); y.dispose()
  }, GPU_TIMEOUT)

  it('memory() counts GPU buffers and returns to the start after dispose', async () => {
    const m0 = b.memory()
    const x = up(Array.from({ length: 4096 }, (_, i) => i), [64, 64])
    const y = lax.add(x, x)
    await y.data()
    const m1 = b.memory()
    expect(m1.numTensors).toBe(m0.numTensors + 2)
    expect(m1.gpuBytesUsed).toBeGreaterThanOrEqual(m0.gpuBytesUsed + 2 * 4096 * 4)
    expect(m1.gpuBytesAllocated).toBeGreaterThanOrEqual(m1.gpuBytesUsed)
    x.dispose(); y.dispose()
    const m2 = b.memory()
    expect(m2.numTensors).toBe(m0.numTensors)
    expect(m2.gpuBytesUsed).toBe(m0.gpuBytesUsed)
  }, GPU_TIMEOUT)

  it('shares one tfjs engine instance: tf.setBackend("webgpu") sees kx tensors', async () => {
    expect(await tf.setBackend('webgpu')).toBe(true)
    expect(tf.backend()).toBe(b.tfBackend)
    const before = tf.memory().numTensors
    const x = up([1, 2], [2])
    expect(tf.memory().numTensors).toBe(before + 1)
    x.dispose()
  }, GPU_TIMEOUT)

  it('warmup compiles a function\'s shaders ahead of the first call, and leaks nothing', async () => {
    const x = up([0.5, -1, 2, 3], [2, 2])
    const f = (): Tensor => lax.unary('expm1', lax.binary('atan2', lax.mul(x, x), x))
    const m0 = b.memory().numTensors
    const first = await b.warmup(f)
    expect(first.pipelines).toBeGreaterThan(0)
    expect(b.memory().numTensors).toBe(m0)
    // Everything f needs is compiled now: a second warm-up (either kind) finds nothing new.
    expect((await b.warmup(f)).pipelines).toBe(0)
    expect((await b.warmup(f, { compileOnly: true })).pipelines).toBe(0)
    const g = (): Tensor => lax.unary('log1p', lax.abs(lax.sub(x, lax.exp(x))))
    expect((await b.warmup(g, { compileOnly: true })).pipelines).toBeGreaterThan(0)
    expect(b.memory().numTensors).toBe(m0)
    // Real calls after a compile-only warm-up compute the right values.
    const y = g()
    const want = [0.5, -1, 2, 3].map((v) => Math.log1p(Math.abs(v - Math.exp(v))))
    ;(await y.data()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5))
    x.dispose(); y.dispose()
  }, GPU_TIMEOUT)

  it('selects on scalars (tfjs-webgpu\'s Select does not compile for a rank-0 condition)', async () => {
    const x = up([1, -2, 3.5, 0, -1, 2, 7, 1], [8])
    const i = lax.argmax(x, 0)
    expect(i.shape).toEqual([])
    expect(Array.from(await i.data())).toEqual([6])
    const p = new Tensor([], 'bool', b, b.upload(new Uint8Array([1]), [], 'bool'))
    const [four, five] = [up([4], []), up([5], [])]
    const s = lax.select(p, four, five)
    expect(Array.from(await s.data())).toEqual([4])
    ;[x, i, p, four, five, s].forEach((t) => t.dispose())
  }, GPU_TIMEOUT)

  it('refuses a dtype it cannot hold with a typed error naming the dtype (float64, int64, uint8…)', () => {
    for (const d of ['float64', 'int64', 'uint8'] as const) {
      expect(() => b.upload(new Float32Array([1]), [1], d)).toThrow(DTypeError)
      expect(() => b.upload(new Float32Array([1]), [1], d)).toThrow(new RegExp(d))
    }
  })

  it('registers with core and is selected by setBackend / ready()', async () => {
    registerBackend('webgpu-test', () => createWebGPUBackend({ name: 'webgpu-test' }), { priority: 0 })
    const got = await setBackend('webgpu-test')
    expect(got.name).toBe('webgpu-test')
    expect((await ready()).name).toBe('webgpu-test')
    await removeBackend('webgpu-test')
  }, GPU_TIMEOUT)
})
