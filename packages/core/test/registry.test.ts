import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BackendMissingError, createReferenceBackend, getBackend, listBackends, registerBackend, removeBackend, setBackend, ready, tensor, KxError } from '../src/index.js'

// Each test uses its own backend names; the module's selection state is process-wide.
const refAs = (name: string) => () => ({ ...createReferenceBackend(), name })

describe('backend registry and selection', () => {
  afterEach(async () => {
    delete process.env['KX_BACKEND']
    for (const n of listBackends()) if (n !== 'reference') await removeBackend(n)
    await setBackend('reference')
  })

  it('always has the reference backend as the fallback', () => {
    expect(listBackends()).toContain('reference')
    expect(getBackend().name).toBe('reference')
  })

  it('unknown backends give a typed error naming the registered ones', async () => {
    await expect(setBackend('nope')).rejects.toThrow(BackendMissingError)
    await expect(setBackend('nope')).rejects.toThrow(/Registered backends: .*reference/)
  })

  it('setBackend selects; tensors keep the backend they were made on', async () => {
    registerBackend('alt', refAs('alt'), { priority: 5 })
    const a = tensor([1, 2])
    await setBackend('alt')
    const b = tensor([1, 2])
    expect(a.backend.name).toBe('reference')
    expect(b.backend.name).toBe('alt')
  })

  it('an async backend must be awaited before synchronous use', async () => {
    registerBackend('slow', async () => ({ ...createReferenceBackend(), name: 'slow' }), { priority: 9 })
    await removeBackend('reference').catch(() => undefined)
    expect(() => getBackend('slow')).toThrow(/await ready\(\)/)
    registerBackend('reference', createReferenceBackend, { priority: 0 })
    const b = await ready()
    expect(b.name).toBe('slow')
  })

  it('KX_BACKEND wins over priority', async () => {
    registerBackend('hi', refAs('hi'), { priority: 100 })
    registerBackend('lo', refAs('lo'), { priority: 1 })
    process.env['KX_BACKEND'] = 'lo'
    const { resetSelectionForTests } = await import('../src/registry.js')
    resetSelectionForTests()
    expect((await ready()).name).toBe('lo')
  })

  it('a failing factory gives a typed error and can be retried', async () => {
    let fail = true
    registerBackend('flaky', () => { if (fail) throw new Error('no device'); return { ...createReferenceBackend(), name: 'flaky' } })
    await expect(setBackend('flaky')).rejects.toBeInstanceOf(KxError)
    fail = false
    expect((await setBackend('flaky')).name).toBe('flaky')
  })

  it('reads ~/.kx/kx.json (KX_HOME) for backend and floatx', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kxhome-'))
    writeFileSync(join(dir, 'kx.json'), JSON.stringify({ backend: 'fromfile', floatx: 'float64', epsilon: 1e-5, image_data_format: 'channels_first' }))
    const { configFileFrom } = await import('../src/config.js')
    const cfg = configFileFrom(dir)
    expect(cfg).toEqual({ backend: 'fromfile', floatx: 'float64', epsilon: 1e-5, image_data_format: 'channels_first' })
    const { setFloatx, setEpsilon, setImageDataFormat } = await import('../src/index.js')
    setFloatx('float32'); setEpsilon(1e-7); setImageDataFormat('channels_last')
  })
})
