/** The webgpu backend itself: probe, async reads, GPU memory accounting, registration with core. */
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { Tensor, lax, registerBackend, setBackend, ready, removeBackend } from '@kx/core'
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

  it('registers with core and is selected by setBackend / ready()', async () => {
    registerBackend('webgpu-test', () => createWebGPUBackend({ name: 'webgpu-test' }), { priority: 0 })
    const got = await setBackend('webgpu-test')
    expect(got.name).toBe('webgpu-test')
    expect((await ready()).name).toBe('webgpu-test')
    await removeBackend('webgpu-test')
  }, GPU_TIMEOUT)
})
