/**
 * @file Kernels for software adapters only (Mesa lavapipe/llvmpipe, SwiftShader): a direct 2-d convolution for
 * first layers and small outputs, a direct matmul, leading-axes column sums and a max-pool gradient, each faster
 * than tfjs-webgpu's shared-memory tiling on a CPU. `createWebGPUBackend` imports this module only when the adapter
 * is one of those, so a page on a hardware GPU never downloads it.
 */
import { registerKernel } from '@tensorflow/tfjs-core'
import type { webgpu_util as WebGPUUtil } from '@tensorflow/tfjs-backend-webgpu'
import { KX_WEBGPU, type KernelFn, type Program } from './kernels.js'
import { directConv2D } from './conv.js'
import { KX_MAX_POOL_GRAD } from './pool.js'
import { maxPoolGradKernel } from './pool-kernel.js'
import { columnSum } from './columnSum.js'
import { tiledMatMul } from './matmulChoice.js'
import { directMatMul } from './matmul.js'

/** What `registerKxWebGPUKernels` hands over: tfjs's utils, its program maker, and its original kernels by name. */
export interface SoftwareKernelContext {
  readonly util: typeof WebGPUUtil
  readonly flatProgram: (util: typeof WebGPUUtil, shape: number[], key: string, code: string) => Program
  readonly original: (name: string) => KernelFn
}

/**
 * Replaces kernels in `fixed` (the kernel table `registerKxWebGPUKernels` registers) with the software-adapter
 * ones and registers `KxMaxPoolGrad`.
 *
 * @example
 * ```ts
 * const software = isSoftwareAdapter(info) ? await import('./software.js') : undefined
 * software?.installSoftwareKernels(fixed, { util, flatProgram, original })
 * ```
 */
export function installSoftwareKernels(fixed: Record<string, KernelFn>, { util, flatProgram, original }: SoftwareKernelContext): void {
  const flat = (shape: number[], key: string, code: string): Program => flatProgram(util, shape, key, code)
  for (const name of ['Conv2D', 'FusedConv2D']) fixed[name] = directConv2D(util, flatProgram, original(name))
  registerKernel({ kernelName: KX_MAX_POOL_GRAD, backendName: KX_WEBGPU, kernelFunc: maxPoolGradKernel(flat) as never })
  fixed['Sum'] = columnSum(flat, original('Sum'), original('Reshape'))
  for (const name of ['BatchMatMul', '_FusedMatMul']) fixed[name] = directMatMul(flat, tiledMatMul(fixed[name] ?? original(name)), original('Reshape'))
}
