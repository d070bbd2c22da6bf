/**
 * The fused kernels webgpu declares (`capabilities.fused`), each run through ops-nn's public op on webgpu
 * (where `bindFused` picks the fused kernel) and on `reference` (the decomposition): same numbers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { seededRandom } from '@kx/backend-conformance'
import { Tensor, createReferenceBackend, withDefaultBackend, type Backend, type FusedOp } from '@kx/core'
import { dotProductAttention, layerNormalization, logSoftmax, matmulBiasAct, softmax } from '@kx/ops-nn'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'

/** mulberry32 (the conformance kit's): fixed inputs. */
const rng = seededRandom
const data = (n: number, seed: number, scale = 2): Float32Array => { const r = rng(seed); return Float32Array.from({ length: n }, () => (r() - 0.5) * scale) }
const on = (b: Backend, v: Float32Array | Uint8Array, shape: number[], dtype: 'float32' | 'bool' = 'float32'): Tensor => new Tensor(shape, dtype, b, b.upload(v, shape, dtype))

describe.runIf(webgpuAvailable('backend-webgpu fused'))('fused kernels on webgpu', () => {
  const b = gpu.backend!
  const reference = createReferenceBackend()
  let ran: [FusedOp, boolean][] = []
  const original = b.runFused!.bind(b)
  beforeEach(() => {
    ran = []
    b.runFused = ((op, inputs, params, outputs) => {
      const r = original(op, inputs, params, outputs)
      ran.push([op, r !== null])
      return r
    }) as typeof b.runFused
  })
  afterEach(() => { b.runFused = original })

  /** Runs `f` with inputs made by `make` on both backends; returns [webgpu, reference] values. */
  async function both(make: (be: Backend) => Tensor[], f: (...xs: Tensor[]) => Tensor): Promise<[Float32Array, Float32Array]> {
    const run = async (be: Backend): Promise<Float32Array> => {
      const xs = make(be)
      const y = withDefaultBackend(be, () => f(...xs))
      const v = (await y.data()) as Float32Array
      ;[...xs, y].forEach((t) => t.dispose())
      return v
    }
    return [await run(b), await run(reference)]
  }
  const close = (got: Float32Array, want: Float32Array, tol: number): void => {
    expect(got.length).toBe(want.length)
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!), `[${i}] got ${got[i]} want ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!)))
  }

  it('declares layer_norm and attention besides backend-tfjs\'s fused ops', () => {
    for (const op of ['matmul_bias_act', 'conv_bias_act', 'softmax', 'log_softmax', 'layer_norm', 'attention'] as FusedOp[]) expect(b.capabilities.fused.has(op), op).toBe(true)
  })

  it('layer_norm (WGSL): last axis, with and without gamma/beta', async () => {
    for (const [withGamma, withBeta] of [[true, true], [false, false], [true, false]]) {
      const [got, want] = await both(
        (be) => [on(be, data(6 * 5 * 48, 1, 6), [6, 5, 48]), on(be, data(48, 2), [48]), on(be, data(48, 3), [48])],
        (x, g, bt) => layerNormalization(x!, { gamma: withGamma ? g! : null, beta: withBeta ? bt! : null, epsilon: 1e-3 }),
      )
      close(got, want, 2e-5)
    }
    expect(ran).toContainEqual(['layer_norm', true])
  }, GPU_TIMEOUT)

  it('layer_norm over other axes declines and runs the decomposition', async () => {
    const [got, want] = await both((be) => [on(be, data(4 * 6 * 8, 4), [4, 6, 8])], (x) => layerNormalization(x!, { axis: [1, 2] }))
    close(got, want, 2e-5)
    expect(ran).toContainEqual(['layer_norm', false])
  }, GPU_TIMEOUT)

  it('attention: plain, causal, masked, and causal + masked', async () => {
    const [B, T, S, H, D] = [2, 5, 7, 3, 8]
    const r = rng(9)
    const mask = Uint8Array.from({ length: B * T * S }, () => (r() < 0.7 ? 1 : 0))
    for (const [causal, masked] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const s = S
      const [got, want] = await both(
        (be) => [on(be, data(B * T * H * D, 5), [B, T, H, D]), on(be, data(B * s * H * D, 6), [B, s, H, D]), on(be, data(B * s * H * D, 7), [B, s, H, D]),
          on(be, mask.slice(0, B * T * s), [B, 1, T, s], 'bool')],
        (q, k, v, m) => dotProductAttention(q!, k!, v!, { isCausal: causal, ...(masked ? { mask: m! } : {}) }),
      )
      close(got, want, 2e-5)
    }
    expect(ran.filter(([op, used]) => op === 'attention' && used)).toHaveLength(4)
  }, GPU_TIMEOUT)

  it('backend-tfjs\'s fused ops run on webgpu: matmul+bias+relu, softmax, log-softmax', async () => {
    const [m1, m2] = await both((be) => [on(be, data(16 * 24, 8), [16, 24]), on(be, data(24 * 12, 9), [24, 12]), on(be, data(12, 10), [12])],
      (x, w, bias) => matmulBiasAct(x!, w!, bias!, { activation: 'relu' }))
    close(m1, m2, 2e-5)
    const [s1, s2] = await both((be) => [on(be, data(8 * 10, 11, 8), [8, 10])], (x) => softmax(x!))
    close(s1, s2, 2e-5)
    const [l1, l2] = await both((be) => [on(be, data(8 * 10, 12, 8), [8, 10])], (x) => logSoftmax(x!))
    close(l1, l2, 2e-5)
    for (const op of ['matmul_bias_act', 'softmax', 'log_softmax'] as FusedOp[]) expect(ran, op).toContainEqual([op, true])
  }, GPU_TIMEOUT)
})
