/**
 * @kx/backend-webgpu: the kx backend on TensorFlow.js's WebGPU engine (browsers; Node through Dawn),
 * running `@kx/backend-tfjs`'s primitive → kernel mapping.
 *
 * @packageDocumentation
 */
export { createWebGPUBackend } from './backend.js'
export type { WebGPUBackend, WebGPUBackendOptions, WebGPUFeatures, WebGPUMemory, WebGPUWarmup } from './backend.js'
