/**
 * The backend conformance kit on `webgpu`: values, VJPs, shapes and leaks against `reference`. Every case of
 * every primitive runs (set KX_WEBGPU_PRIMS=a,b to run a few while debugging).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { coverageTable, runConformance, type KnownGap } from '@kx/backend-conformance'
import type { BackendPrim } from '@kx/core'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'

const HOST = 'backend-tfjs runs it on the host (download → reference → upload), which needs a synchronous read; WebGPU reads are async only'
const host = (prim: BackendPrim, when: string): KnownGap => ({ prim, reason: `${when}: ${HOST}`, issue: '#14' })

/** Where webgpu differs from `reference`; the kit fails an entry whose checks all pass. */
const KNOWN_GAPS: readonly KnownGap[] = [
  host('lgamma', 'always'), host('digamma', 'always'), host('igamma', 'always'),
  host('bitcast_convert_type', 'always'), host('reduce_and', 'int32 (bitwise)'), host('reduce_or', 'int32 (bitwise)'),
  host('cumsum', 'empty operands'), host('cumprod', 'empty operands'), host('sort', 'always'), host('top_k', 'always'),
  host('dot_general', 'int32 operands'), host('cholesky', 'always'), host('triangular_solve', 'always'), host('lu', 'always'),
  host('qr', 'always'), host('eigh', 'always'), host('svd', 'always'), host('fft', 'always'),
  { prim: 'and', reason: 'int32: tfjs-webgpu has no BitwiseAnd kernel', issue: '#14' },
  { prim: 'or', reason: 'int32: composed with BitwiseAnd, which tfjs-webgpu lacks', issue: '#14' },
  { prim: 'xor', reason: 'int32: composed with BitwiseAnd, which tfjs-webgpu lacks', issue: '#14' },
  { prim: 'asin', reason: 'tfjs-webgpu\'s WGSL asin is off by up to ~9e-5 relative (lavapipe)', issue: '#14' },
  { prim: 'acos', reason: 'tfjs-webgpu\'s WGSL acos is off by up to ~4e-5 relative (lavapipe)', issue: '#14' },
  { prim: 'rem', reason: 'special values: fmod(x, ±inf) gives NaN instead of x', issue: '#14' },
  { prim: 'pow', reason: 'special values: pow(0, negative) gives 0 instead of inf', issue: '#14' },
  { prim: 'atan2', reason: 'special values: atan2 of infinities is off', issue: '#14' },
]

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
