/**
 * @file The browser build's `tfjsWebgpu.ts` (package.json `browser` field): tfjs-backend-webgpu's backend class and
 * shader utilities from their own modules, and only the kernels kx calls (`tfjsKernels.browser.ts`, generated), so
 * a bundle leaves out the package's other kernels (about 25 KB gzip) and its self-registering index.
 */
import type { TfjsWebGPU } from './tfjsWebgpu.js'

let registered = false

/** tfjs-backend-webgpu's backend class and shader utilities, with the kernels kx calls registered. */
export async function loadTfjsWebGPU(): Promise<TfjsWebGPU> {
  const [{ WebGPUBackend }, webgpuUtil, kernels] = await Promise.all([
    import('@tensorflow/tfjs-backend-webgpu/dist/backend_webgpu.js'),
    import('@tensorflow/tfjs-backend-webgpu/dist/webgpu_util.js'),
    import('./tfjsKernels.browser.js'),
  ])
  if (!registered) { kernels.registerTfjsKernels(); registered = true }
  return { WebGPUBackend, webgpu_util: webgpuUtil } as unknown as TfjsWebGPU
}
