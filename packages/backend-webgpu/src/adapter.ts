/**
 * @file What the backend needs to know before loading the software-adapter kernels (software.ts): whether the
 * adapter is a CPU implementation, and the activations kx's own fused programs handle.
 */

/** WGSL of the fused activations handled here (tfjs's names); others use tfjs's kernel. */
export const ACTIVATIONS: Record<string, string> = {
  linear: 'x',
  relu: 'max(x, 0.0)',
  relu6: 'clamp(x, 0.0, 6.0)',
  leakyrelu: 'select(uniforms.alpha * x, x, x >= 0.0)',
  sigmoid: '1.0 / (1.0 + exp(-x))',
  elu: 'select(exp(x) - 1.0, x, x >= 0.0)',
}

/** Whether an adapter is a software (CPU) implementation, from its reported info. */
export function isSoftwareAdapter(info: { readonly vendor?: string; readonly architecture?: string; readonly device?: string; readonly description?: string }): boolean {
  return /llvmpipe|lavapipe|swiftshader|software/i.test([info.vendor, info.architecture, info.device, info.description].join(' '))
}
