/**
 * @file Test setup: Dawn's `navigator.gpu` in Node (before tfjs-backend-webgpu loads), and the one
 * `webgpu` backend the tests share, or the reason there is none. Without an adapter the suites skip
 * loudly, unless `KX_REQUIRE_WEBGPU=1` (CI with Mesa installed), where they fail.
 */
import { create, globals } from 'webgpu'
import { createWebGPUBackend, type WebGPUBackend } from '../src/index.js'

Object.assign(globalThis, globals)
if (!(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) {
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true })
}

/** Generous per-test timeout: lavapipe compiles each new shader in 0.1–1 s. */
export const GPU_TIMEOUT = 180_000

/** The backend, or the error that prevented it. */
export const gpu: { backend?: WebGPUBackend; error?: unknown } = await createWebGPUBackend({ cpuForward: false, timeoutMs: 20_000 })
  .then((backend) => ({ backend }), (error: unknown) => ({ error }))

/** Whether WebGPU suites run; says why not, loudly, when they do not (and throws when required). */
export function webgpuAvailable(suite: string): boolean {
  if (gpu.backend) return true
  const why = gpu.error instanceof Error ? gpu.error.message : String(gpu.error)
  if (process.env['KX_REQUIRE_WEBGPU'] === '1') throw new Error(`KX_REQUIRE_WEBGPU=1 but no WebGPU adapter: ${why}`)
  console.warn(`\n!!!!!!!! ${suite}: SKIPPED — no WebGPU adapter (${why}). Set KX_REQUIRE_WEBGPU=1 to make this a failure. !!!!!!!!\n`)
  return false
}
