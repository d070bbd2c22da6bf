/** Without WebGPU the factory rejects fast with BackendMissingError (its own file: the engine is per process). */
import { describe, expect, it } from 'vitest'
import { BackendMissingError } from '@kx/core'
import { createWebGPUBackend } from '../src/index.js'

describe('no WebGPU', () => {
  it('rejects when navigator.gpu is missing', async () => {
    await expect(createWebGPUBackend()).rejects.toThrow(BackendMissingError)
    await expect(createWebGPUBackend()).rejects.toThrow(/navigator\.gpu is undefined/)
  })

  it('rejects when requestAdapter() returns null', async () => {
    const gpu = { requestAdapter: async () => null } as unknown as GPU
    await expect(createWebGPUBackend({ gpu })).rejects.toThrow(/no adapter/)
  })

  it('times out an adapter request that never answers', async () => {
    const gpu = { requestAdapter: () => new Promise<never>(() => {}) } as unknown as GPU
    const t0 = Date.now()
    const err = await createWebGPUBackend({ gpu, timeoutMs: 200 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BackendMissingError)
    expect((err as Error).message).toMatch(/did not answer within 200 ms/)
    expect(Date.now() - t0).toBeLessThan(5000)
  })
})
