/** @file Known gaps every float32-only engine shares: Keras's float64 golden data that float32 cannot reproduce. */
import type { OpsKnownGap } from './results.js'

/**
 * Gaps of engines without float64, which run `@kx/ops-nn`'s float64 golden cases in float32. The `reference`
 * backend given the same float32 inputs gives the same numbers, so these are float32's, not the engine's.
 *
 * @example
 * ```ts
 * runOpsConformance(factory, api, { name: 'tfjs-cpu', knownGaps: [...FLOAT32_GOLDEN_GAPS] }, cases)
 * ```
 */
export const FLOAT32_GOLDEN_GAPS: readonly OpsKnownGap[] = [
  {
    suite: 'nn', op: 'binary_crossentropy', cases: ['bce', 'bce_soft'], check: 'values',
    reason: 'float32 only: the clip to [ε, 1 − ε] (ε = 1e-7) rounds 1 − ε to 1 − 2⁻²³, so −log(1 − p) of a saturated p is 15.94, not float64\'s 16.12',
  },
  {
    suite: 'image', op: 'affine_transform', check: 'values',
    cases: ['affine_nearest_constant', 'affine_nearest_nearest', 'affine_nearest_wrap', 'affine_nearest_mirror', 'affine_nearest_reflect'],
    reason: 'float32 only: one sampling coordinate lands on a nearest-neighbour tie (k + 0.5) that float64 and float32 round to different pixels',
  },
]
