/** @file A missing runtime gives a typed BackendMissingError that says how to install it. */
import { expect, it } from 'vitest'
import { BackendMissingError } from '@kx/core'

it('throws BackendMissingError with install instructions when libopenvino_c is absent', async () => {
  process.env.KX_OPENVINO_LIB = '/nonexistent/libopenvino_c.so'
  try {
    const { createOpenVINOBackend } = await import('../src/index.js')
    const err = await createOpenVINOBackend().then(() => null, (e: unknown) => e)
    expect(err).toBeInstanceOf(BackendMissingError)
    expect((err as Error).message).toMatch(/pip install openvino/)
    expect((err as Error).message).toMatch(/KX_OPENVINO_LIB/)
  } finally {
    delete process.env.KX_OPENVINO_LIB
  }
})
