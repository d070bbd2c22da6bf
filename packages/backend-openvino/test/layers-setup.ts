/**
 * @file Setup of the `backend-openvino-layers` vitest project: the @kx/layers harness tests
 * (packages/layers/test/layers-*.test.ts) run with OpenVINO as the default backend, float32 tolerances
 * and the typed known gaps below. Without the OpenVINO runtime every test skips loudly, unless
 * KX_REQUIRE_OPENVINO=1, where the setup fails.
 */
import { registerBackend, setBackend } from '@kx/core'
import { createOpenVINOBackend } from '../src/index.js'
import { configureLayerHarness, type LayerKnownGap } from '../../layers/test/harness.js'
import { available } from './available.js'

/** Layer tests that do not pass on openvino yet (the harness fails an entry once it passes). */
const KNOWN_GAPS: readonly LayerKnownGap[] = [
  ...['GaussianNoise', 'GaussianDropout'].map((layer) => ({
    layer, reason: 'normal draws use `erf_inv`, which OpenVINO\'s CPU plugin refuses (backend-openvino OPENVINO_UNSUPPORTED)',
  })),
]

/** Tests that cannot run on OpenVINO, with the reason. */
const SKIPS = [
  { test: '(float64)', reason: 'finite-difference gradient checks need float64; OpenVINO has none' },
  // Golden cases whose layers draw normal initial weights (he_normal, random_normal, orthogonal) or noise.
  ...['(harness) > SpectralNormalization', '> dense_regularized', '> embedding_mask', '> lstm_activity_l2', '> gaussian_dropout', '> gaussian_noise', '> spectral_norm_dense', '> spectral_norm_conv2d']
    .map((test) => ({ test, reason: 'normal draws use `erf_inv`, which OpenVINO\'s CPU plugin refuses' })),
  { test: 'bounding boxes like Keras > mix_up_', reason: "MixUp's Beta draw uses normal draws (`erf_inv`), which OpenVINO's CPU plugin refuses" },
  { test: 'bounding boxes like Keras > perspective_', reason: 'RandomPerspective solves for its transform with `lu`, which the OpenVINO backend cannot run' },
]

if (available) {
  registerBackend('openvino-layers', () => createOpenVINOBackend({ name: 'openvino-layers' }), { priority: 1000 })
  await setBackend('openvino-layers')
  configureLayerHarness({ backend: 'openvino', knownGaps: KNOWN_GAPS, skipTests: SKIPS })
} else if (process.env['KX_REQUIRE_OPENVINO'] === '1') {
  throw new Error('KX_REQUIRE_OPENVINO=1 but the OpenVINO runtime is not available for the layer harness')
} else {
  configureLayerHarness({ backend: 'openvino', skipTests: [{ test: '', reason: 'the OpenVINO runtime is not available' }] })
}
