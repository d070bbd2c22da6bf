/** Normalization layers: the harness on every layer, moving statistics of BatchNormalization, LayerNormalization variants. */
import { describe, expect, it } from 'vitest'
import { setRandomSeed, tensor, type Tensor } from '@kx/core'
import {
  BatchNormalization, LayerNormalization, RMSNormalization, GroupNormalization, UnitNormalization, SpectralNormalization, Conv2D,
  registerBuiltinLayersB,
} from '../src/layers/index-b.js'
import { Dense } from '../src/layers/index.js'
import { expectClose, runLayerTest } from './harness.js'
import { describeGolden } from './golden-b.js'

registerBuiltinLayersB()

describe('normalization layers (harness)', () => {
  it('BatchNormalization', async () => {
    await runLayerTest(BatchNormalization, { init: {}, inputShape: [4, 3, 2], expectedOutputShape: [4, 3, 2], expectedTrainableWeights: 2, expectedNonTrainableWeights: 2, supportsMasking: true })
    await runLayerTest(BatchNormalization, { init: { axis: 1, center: false, momentum: 0.9 }, inputShape: [2, 3, 4, 4], expectedOutputShape: [2, 3, 4, 4], expectedTrainableWeights: 1, expectedNonTrainableWeights: 2,
      // NOTE: without beta the training output has zero mean whatever gamma is, so the harness's loss cannot move.
      runTrainingCheck: false })
    await runLayerTest(BatchNormalization, { init: { renorm: true, renormClipping: { rmax: 2, rmin: 0.5, dmax: 1 } }, inputShape: [4, 3], expectedTrainableWeights: 2, expectedNonTrainableWeights: 5 })
  })
  it('BatchNormalization updates moving statistics only when training', async () => {
    const bn = new BatchNormalization({ momentum: 0.5 })
    const x = tensor([[1, 2], [3, 6]], { dtype: 'float32' })
    const yInf = bn.apply(x) as Tensor
    expectClose(await yInf.array(), [[1 / Math.sqrt(1.001), 2 / Math.sqrt(1.001)], [3 / Math.sqrt(1.001), 6 / Math.sqrt(1.001)]], 1e-5)
    expect(await bn.movingMean.value.array()).toEqual([0, 0])
    const y = bn.apply(x, { training: true }) as Tensor
    expectClose(await y.array(), [[-1 / Math.sqrt(1.001), -2 / Math.sqrt(4.001)], [1 / Math.sqrt(1.001), 2 / Math.sqrt(4.001)]], 1e-5)
    expectClose(await bn.movingMean.value.array(), [1, 2], 1e-6)
    expectClose(await bn.movingVariance.value.array(), [1, 2.5], 1e-6)
    expect(bn.weights.map((w) => w.name)).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance'])
    bn.trainable = false
    bn.apply(x, { training: true })
    expectClose(await bn.movingMean.value.array(), [1, 2], 1e-6)
  })
  it('LayerNormalization', async () => {
    await runLayerTest(LayerNormalization, { init: {}, inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4], expectedTrainableWeights: 2, supportsMasking: true })
    await runLayerTest(LayerNormalization, { init: { axis: [1, 2], center: false }, inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4], expectedTrainableWeights: 1 })
    await runLayerTest(LayerNormalization, { init: { rmsScaling: true }, inputShape: [2, 4], expectedTrainableWeights: 1 })
  })
  it('RMSNormalization, GroupNormalization, UnitNormalization', async () => {
    await runLayerTest(RMSNormalization, { init: {}, inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4], expectedTrainableWeights: 1 })
    await runLayerTest(RMSNormalization, { init: { axis: [1, 2], epsilon: 1e-3 }, inputShape: [2, 3, 4], expectedTrainableWeights: 1 })
    await runLayerTest(GroupNormalization, { init: { groups: 2 }, inputShape: [2, 3, 3, 4], expectedOutputShape: [2, 3, 3, 4], expectedTrainableWeights: 2, supportsMasking: true })
    await runLayerTest(GroupNormalization, { init: { groups: -1, axis: 1 }, inputShape: [2, 4, 3], expectedOutputShape: [2, 4, 3], expectedTrainableWeights: 2 })
    await runLayerTest(UnitNormalization, { init: {}, inputShape: [2, 3], expectedOutputShape: [2, 3], assertBuiltAfterInstantiation: true, supportsMasking: true })
    await runLayerTest(UnitNormalization, { init: { axis: [1, 2] }, inputShape: [2, 3, 2], expectedOutputShape: [2, 3, 2] })
  })
  it('SpectralNormalization', async () => {
    await runLayerTest(SpectralNormalization, { init: { layer: new Dense({ units: 3 }) }, inputShape: [2, 4], expectedOutputShape: [2, 3], expectedTrainableWeights: 2, expectedNonTrainableWeights: 1 })
    // Seeded: 20 power iterations converge as fast as σ₂/σ₁ allows, so an unlucky random kernel stays above 1 + 1e-4.
    setRandomSeed(7)
    const sn = new SpectralNormalization({ layer: new Conv2D({ filters: 2, kernelSize: 2 }), powerIterations: 20 })
    sn.apply(tensor([[[[1], [2]], [[3], [4]]]], { dtype: 'float32' }), { training: true })
    expect(sn.getConfig()).toMatchObject({ power_iterations: 20 })
    // After normalization the kernel's largest singular value is 1 (a [4, 2] matrix: check ‖W v‖ ≤ ‖v‖ on its columns).
    const k = (await sn.kernel.value.array()) as number[][][][]
    const w = k.flat(2) as number[][]
    const col = (j: number): number => Math.hypot(...w.map((r) => r[j]!))
    expect(Math.max(col(0), col(1))).toBeLessThanOrEqual(1 + 1e-4)
  })
})

describeGolden('norm')
