/**
 * @kx/backend-webgpu
 *
 * @packageDocumentation
 */
export {}
