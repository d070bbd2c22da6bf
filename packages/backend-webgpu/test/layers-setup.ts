/**
 * @file Setup of the `backend-webgpu-layers` vitest project: the @kx/layers harness tests
 * (packages/layers/test/layers-*.test.ts) run with WebGPU (Dawn; lavapipe in CI) as the default backend,
 * float32 tolerances and the typed known gaps below. Without an adapter every test skips loudly, unless
 * KX_REQUIRE_WEBGPU=1, where the setup fails.
 */
import { registerBackend, setBackend } from '@kx/core'
import { configureLayerHarness, type LayerKnownGap } from '../../layers/test/harness.js'
import { gpu, webgpuAvailable } from './gpu.js'

/** Layer tests that do not pass on webgpu yet (the harness fails an entry once it passes). */
const KNOWN_GAPS: readonly LayerKnownGap[] = []

/** Tests that cannot run, or give wrong values, on webgpu, with the reason. */
const SKIPS = [
  { test: '(float64)', reason: 'finite-difference gradient checks need float64; WebGPU has float32 only' },
  { test: '.keras weight paths follow Keras 3', reason: 'the test builds its inputs on `reference`, which cannot mix with webgpu tensors' },
  { test: 'a small convnet', reason: 'the test builds its inputs on `reference`, which cannot mix with webgpu tensors' },
]

if (webgpuAvailable('layer harness on webgpu')) {
  registerBackend('webgpu-layers', () => gpu.backend!, { priority: 1000 })
  await setBackend('webgpu-layers')
  configureLayerHarness({ backend: 'webgpu', knownGaps: KNOWN_GAPS, skipTests: SKIPS, tolerance: 1e-3 })
} else {
  configureLayerHarness({ backend: 'webgpu', skipTests: [{ test: '', reason: 'no WebGPU adapter' }] })
}
