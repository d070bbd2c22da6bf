/**
 * @file Setup of the `backend-onnx-layers` vitest project: the @kx/layers harness tests
 * (packages/layers/test/layers-*.test.ts) run with ONNX Runtime as the default backend, float32
 * tolerances and the typed known gaps below.
 */
import { registerBackend, setBackend } from '@kx/core'
import { createOnnxBackend } from '../src/index.js'
import { configureLayerHarness, type LayerKnownGap } from '../../layers/test/harness.js'

/** Layer tests that do not pass on onnx yet (the harness fails an entry once it passes). */
const KNOWN_GAPS: readonly LayerKnownGap[] = []

registerBackend('onnx-layers', () => createOnnxBackend({ name: 'onnx-layers' }), { priority: 1000 })
await setBackend('onnx-layers')
configureLayerHarness({ backend: 'onnx', knownGaps: KNOWN_GAPS })
