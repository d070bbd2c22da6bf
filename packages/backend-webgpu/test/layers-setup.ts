/**
 * @file Setup of the `backend-webgpu-layers` vitest project: the @kx/layers harness tests
 * (packages/layers/test/layers-*.test.ts) run with WebGPU (Dawn; lavapipe in CI) as the default backend,
 * float32 tolerances and the typed known gaps below. Without an adapter every test skips loudly, unless
 * KX_REQUIRE_WEBGPU=1, where the setup fails.
 */
import { registerBackend, setBackend } from '@kx/core'
import { configureLayerHarness, type LayerKnownGap } from '../../layers/test/harness.js'
import { gpu, webgpuAvailable } from './gpu.js'

// NOTE: Gamma/Beta draws (MixUp, CutMix, AugMix) unroll their rejection loops to the bound on backends without
// sync reads: ~10^4 dispatches per draw, 10-25 s per Keras-draw test on lavapipe. CI runs them once, in the
// harness test; KX_LAYERS_ALL=1 runs their golden-draw tests too.
const SLOW_DRAWS = process.env['KX_LAYERS_ALL'] === '1' ? [] : ['mix_up: config', 'cut_mix: config', 'MixUp and CutMix mix labels', 'aug_mix: config', 'AugMix draws its Dirichlet']
  .map((test) => ({ test, reason: 'Gamma/Beta draws unroll their rejection loops (no sync reads): 10-25 s on lavapipe; KX_LAYERS_ALL=1 runs it' }))

/** Layer tests that do not pass on webgpu yet (the harness fails an entry once it passes). */
const KNOWN_GAPS: readonly LayerKnownGap[] = []

// Layers that compute on the host, as Keras runs them with TensorFlow's CPU ops (hashing, string lookups): they
// take nested arrays / StringArrays; a tensor input needs a synchronous read, which WebGPU does not have (the layer
// raises a SyncReadError naming itself). IntegerLookup looks int32 tensors up on the device (test/layers-lookup.test.ts).
const HOST_LAYER = 'host-side layer (as Keras runs it on TensorFlow\'s CPU ops): a tensor input needs a synchronous read, which WebGPU lacks'
const INT64 = 'the golden input is int64, which WebGPU cannot hold (float32, int32, bool); test/layers-lookup.test.ts runs the IntegerLookup cases on int32'

/** Tests that cannot run, or give wrong values, on webgpu, with the reason. */
const SKIPS = [
  { test: '(float64)', reason: 'finite-difference gradient checks need float64; WebGPU has float32 only' },
  { test: '.keras weight paths follow Keras 3', reason: 'the test builds its inputs on `reference`, which cannot mix with webgpu tensors' },
  { test: 'a small convnet', reason: 'the test builds its inputs on `reference`, which cannot mix with webgpu tensors' },
  { test: 'resizing_uint8', reason: 'the golden input is uint8, which WebGPU cannot hold (float32, int32, bool)' },
  ...SLOW_DRAWS,
  { test: 'TensorFlow string ops) > hashing_int', reason: INT64 },
  { test: 'TensorFlow string ops) > il_', reason: INT64 },
  { test: 'TensorFlow string ops) > hashing_float', reason: HOST_LAYER },
  { test: 'TensorFlow string ops) > HashedCrossing', reason: HOST_LAYER },
  { test: 'StringLookup invert returns strings', reason: HOST_LAYER },
  { test: 'Hashing / IntegerLookup / CategoryEncoding-style outputs', reason: `${HOST_LAYER} (Hashing)` },
]

if (webgpuAvailable('layer harness on webgpu')) {
  registerBackend('webgpu-layers', () => gpu.backend!, { priority: 1000 })
  await setBackend('webgpu-layers')
  configureLayerHarness({ backend: 'webgpu', knownGaps: KNOWN_GAPS, skipTests: SKIPS, tolerance: 1e-3 })
} else {
  configureLayerHarness({ backend: 'webgpu', skipTests: [{ test: '', reason: 'no WebGPU adapter' }] })
}
