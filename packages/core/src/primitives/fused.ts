/** @file Composite ops a backend may run as one fused kernel; the op's decomposition stays the reference. */
import type { DType } from '../dtype.js'

/** Activations a fused matmul/conv kernel can apply. */
export type FusedActivation = 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'tanh' | 'elu' | 'leaky_relu'

/** Parameters of each fused composite. Inputs are listed in each entry's doc. */
export interface FusedParams {
  /** Inputs `[x]`. */
  softmax: { readonly axis: number }
  /** Inputs `[x]`. */
  log_softmax: { readonly axis: number }
  /** Inputs `[a (..., m, k), b (k, n), bias? (n)]`: `act(a @ b + bias)`. */
  matmul_bias_act: { readonly activation: FusedActivation; readonly hasBias: boolean; readonly alpha: number }
  /** Inputs `[x (N, ...spatial, Cin), kernel, bias?]` channels_last; padding as Keras strings resolved to pairs. */
  conv_bias_act: {
    readonly strides: readonly number[]
    readonly padding: readonly (readonly [number, number])[]
    readonly dilation: readonly number[]
    readonly groups: number
    readonly activation: FusedActivation
    readonly hasBias: boolean
    readonly alpha: number
  }
  /** Inputs `[x, gamma?, beta?]` normalised over `axes`. */
  layer_norm: { readonly axes: readonly number[]; readonly epsilon: number; readonly hasGamma: boolean; readonly hasBeta: boolean }
  /** Inputs `[q, k, v, mask?]` in `(B, T, H, D)` layout. */
  attention: { readonly scale: number; readonly causal: boolean; readonly hasMask: boolean; readonly outDtype: DType }
  /**
   * One Adam step of one variable (Keras's `Adam.update_step`, no AMSGrad). Inputs `[w, g, m, v, alpha]`
   * (`alpha` a scalar: `lr · sqrt(1 - β2^t) / (1 - β1^t)`); outputs `[w', m', v']` with
   * `m' = m + (g - m)(1 - β1)`, `v' = v + (g² - v)(1 - β2)`, `w' = w - (m' · alpha) / (sqrt(v') + ε)`.
   */
  adam_update: { readonly beta1: number; readonly beta2: number; readonly epsilon: number }
}
export type FusedOp = keyof FusedParams
