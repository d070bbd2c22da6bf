/**
 * The backend conformance kit on `webgpu`: values, VJPs, shapes and leaks against `reference`. Every case of
 * every primitive runs (set KX_WEBGPU_PRIMS=a,b to run a few while debugging).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { coverageTable, runConformance, type KnownGap } from '@kx/backend-conformance'
import type { BackendPrim } from '@kx/core'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'

/**
 * Where webgpu differs from `reference`; the kit fails an entry whose checks all pass. None: the primitives
 * backend-tfjs runs on the host (eigh, svd, fft, lgamma/digamma/igamma, bitcast_convert_type, int32 dot_general)
 * have WGSL programs of their own here.
 */
const KNOWN_GAPS: readonly KnownGap[] = []

if (webgpuAvailable('backend-webgpu conformance')) {
  const prims = process.env['KX_WEBGPU_PRIMS']?.split(',') as BackendPrim[] | undefined
  const results = runConformance(() => gpu.backend!, { describe, it, expect }, {
    name: 'webgpu', knownGaps: KNOWN_GAPS, float64AsFloat32: true, timeout: GPU_TIMEOUT, ...(prims ? { prims } : {}),
  })
  afterAll(() => {
    if (process.env['KX_CONFORMANCE_TABLE'] === '1') console.log(coverageTable(results))
  })
} else {
  describe.skip('webgpu conformance', () => { it('needs a WebGPU adapter', () => {}) })
}
