/**
 * @file Loads tfjs-backend-webgpu: here the whole package, whose index registers every kernel it has. Browser
 * builds take `tfjsWebgpu.browser.ts` instead (package.json `browser` field), which registers only the kernels kx
 * calls. Loaded once an adapter exists: the package's index probes `navigator.gpu` when imported.
 */
import type { WebGPUBackend, webgpu_util } from '@tensorflow/tfjs-backend-webgpu'

/** What kx takes from tfjs-backend-webgpu. */
export interface TfjsWebGPU {
  readonly WebGPUBackend: typeof WebGPUBackend
  readonly webgpu_util: typeof webgpu_util
}

/** tfjs-backend-webgpu's backend class and shader utilities, with its kernels registered. */
export async function loadTfjsWebGPU(): Promise<TfjsWebGPU> {
  const m = await import('@tensorflow/tfjs-backend-webgpu')
  return { WebGPUBackend: m.WebGPUBackend, webgpu_util: m.webgpu_util }
}
