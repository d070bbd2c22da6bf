/**
 * @file tfjs-webgpu's matmul program choice, adjusted for software adapters. tfjs picks
 * `MatMulSmallOutputSizeProgram` (small tiles, more workgroups) when a 32×32-tiled matmul would have
 * "few" workgroups, which keeps a many-core GPU busy; on a CPU-backed adapter with a handful of threads
 * the 32×32 tiles are the faster program when both outer dims fill a tile (a CNN's dense layer,
 * 64×1600 · 1600×128: ~4× on lavapipe; with an outer dim of 10, an MLP's last layer, they are slower).
 * The choice is tfjs's `thresholdToIncreaseWorkgroups` on its backend instance, set to 0 for the duration
 * of a kx kernel call (tfjs-layers on the same instance keeps tfjs's choice); its other small-output
 * programs (reduce for ≤ 128 outputs, split-K for long inner dims) are kept. Behind the direct matmul
 * (matmul.ts), this choice serves only the products it declines (≤ 128 outputs, prelu, broadcast batches).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { KernelFn } from './kernels.js'

/** tfjs's cut-offs for its reduce and split-K matmul programs (BatchMatMul_impl). */
const REDUCE_OUTPUTS = 128
const SPLIT_K_INNER = 2000
/** Both outer dims at least this (a 32×32 tile's side) for the tiled program. */
const MIN_OUTER = 32

/** `BatchMatMul` / `_FusedMatMul` choosing the 32×32-tiled program where tfjs would pick small tiles. */
export function tiledMatMul(original: KernelFn): KernelFn {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo }
    const [ta, tb] = [!!args.attrs['transposeA'], !!args.attrs['transposeB']]
    const [ra, rb] = [a.shape.length, b.shape.length]
    const outerA = a.shape[ta ? ra - 1 : ra - 2]!
    const outerB = b.shape[tb ? rb - 2 : rb - 1]!
    const inner = a.shape[ta ? ra - 2 : ra - 1]!
    const batch = Math.max(a.shape.slice(0, -2).reduce((x, y) => x * y, 1), b.shape.slice(0, -2).reduce((x, y) => x * y, 1))
    const keep = batch * outerA * outerB <= REDUCE_OUTPUTS || (batch === 1 && inner >= SPLIT_K_INNER) || Math.min(outerA, outerB) < MIN_OUTER
    const backend = args.backend as unknown as { thresholdToIncreaseWorkgroups: number }
    if (keep || typeof backend.thresholdToIncreaseWorkgroups !== 'number') return original(args)
    const saved = backend.thresholdToIncreaseWorkgroups
    backend.thresholdToIncreaseWorkgroups = 0
    try { return original(args) } finally { backend.thresholdToIncreaseWorkgroups = saved }
  }
}
