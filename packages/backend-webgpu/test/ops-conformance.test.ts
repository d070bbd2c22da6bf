/**
 * @file The ops layer of the conformance kit on `webgpu` (Dawn on the software adapter, as the other suites):
 * golden cases of `@kx/ops-numpy` and `@kx/ops-nn` against Keras 3's values, and gradient cases against
 * `reference` (every case, ~45 s on lavapipe; KX_OPS=a,b runs a few ops). Writes `temp/ops-conformance-webgpu.json`
 * for the coverage tables.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import * as numpy from '@kx/ops-numpy'
import * as nn from '@kx/ops-nn'
import { FLOAT32_GOLDEN_GAPS, loadOpsGolden, opsCases, runOpsConformance, type OpsKnownGap, type OpsSuite } from '@kx/backend-conformance'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'

const golden = loadOpsGolden((p) => JSON.parse(readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8')))

const HOST = 'which backend-tfjs runs on the host (download → reference → upload) with a synchronous read; WebGPU reads are async only'
/** An op that needs a primitive backend-tfjs runs on the host (the primitive kit's gaps, #14). */
const host = (suite: OpsSuite, op: string, prim: string, cases?: readonly string[]): OpsKnownGap =>
  ({ suite, op, ...(cases ? { cases } : {}), reason: `needs ${prim}, ${HOST}`, issue: '#14' })
/** An op whose output shape depends on values: it reads them with `dataSync`, which WebGPU cannot. */
const syncRead = (suite: OpsSuite, op: string, cases?: readonly string[]): OpsKnownGap =>
  ({ suite, op, ...(cases ? { cases } : {}), reason: 'reads values synchronously (data-dependent shape or host-side parameters); WebGPU reads are async only', issue: '#14' })
const n = (name: string, ids: readonly number[]): string[] => ids.map((i) => `${name}/${i}`)

/** Ops that do not conform on webgpu; the kit fails a listed gap whose checks all pass. */
const KNOWN_GAPS: readonly OpsKnownGap[] = [
  ...['sort', 'argsort', 'argpartition', 'quantile', 'percentile', 'nanquantile', 'nanpercentile'].map((op) => host('numpy', op, 'sort')),
  host('numpy', 'median', 'sort', n('median', [46, 373, 374, 375, 376, 377, 378, 379, 380, 383, 384])),
  host('numpy', 'nanmedian', 'sort', n('nanmedian', [388, 389, 390, 391, 392, 393, 394, 395, 398, 399])),
  host('numpy', 'math.top_k', 'top_k'), host('numpy', 'math.in_top_k', 'top_k'), host('nn', 'sparsemax', 'sort'),
  host('nn', 'ctc_decode', 'top_k', ['ctc_greedy', 'ctc_greedy_nomerge']),
  host('numpy', 'cumsum', 'cumsum of an empty operand', ['cumsum/413']), host('numpy', 'cumprod', 'cumprod of an empty operand', ['cumprod/420']),
  host('numpy', 'nancumsum', 'cumsum of an empty operand', ['nancumsum/427']), host('numpy', 'nancumprod', 'cumprod of an empty operand', ['nancumprod/434']),
  host('numpy', 'nextafter', 'bitcast_convert_type'),
  ...['linalg.det', 'linalg.inv', 'linalg.solve', 'linalg.lu_factor', 'slogdet', 'math.logdet'].map((op) => host('numpy', op, 'lu')),
  host('numpy', 'linalg.cholesky', 'cholesky'), host('numpy', 'linalg.cholesky_inverse', 'cholesky'),
  host('numpy', 'linalg.solve_triangular', 'triangular_solve'), host('numpy', 'linalg.eigh', 'eigh'), host('numpy', 'linalg.qr', 'qr'),
  ...['linalg.svd', 'linalg.pinv', 'linalg.matrix_rank', 'linalg.lstsq'].map((op) => host('numpy', op, 'svd')),
  host('numpy', 'linalg.norm', 'svd (2-norm, nuclear norm)', n('linalg.norm', [23, 24, 25])),
  ...['math.fft', 'math.fft2', 'math.ifft2', 'math.rfft', 'math.irfft', 'math.stft'].map((op) => host('numpy', op, 'fft')),
  syncRead('numpy', 'bincount'), syncRead('numpy', 'unique'), syncRead('numpy', 'nonzero'), syncRead('image', 'perspective_transform'),
  syncRead('numpy', 'where', ['where/435']), syncRead('numpy', 'repeat', ['repeat/37']), syncRead('numpy', 'slice', ['slice/13']),
  syncRead('numpy', 'get_item', ['get_item/13']), syncRead('nn', 'ctc_decode', ['ctc_beam', 'ctc_beam_mask']),
  ...['bitwise_and', 'bitwise_or', 'bitwise_xor'].map((op): OpsKnownGap => ({ suite: 'numpy', op, reason: 'int32: tfjs-webgpu has no BitwiseAnd kernel', issue: '#14' })),
  { suite: 'numpy', op: 'arcsin', cases: ['arcsin/45'], reason: 'tfjs-webgpu\'s WGSL asin is off by up to ~2e-4 relative near ±0.65 (lavapipe)', issue: '#14' },
  { suite: 'numpy', op: 'arctan2', cases: ['arctan2/291', 'arctan2/294'], reason: 'special values: atan2(±0, ±0) and atan2 of infinities are off', issue: '#14' },
  { suite: 'numpy', op: 'angle', cases: ['angle/161'], reason: 'angle is atan2(imag, real): atan2(0, ±0) gives ±3π/4 instead of 0 / π', issue: '#14' },
  { suite: 'nn', op: 'average_pool', cases: ['average_pool_3d_same_cf'], reason: 'tfjs-webgpu\'s AvgPool3D path needs OffscreenCanvas, which Node lacks', issue: '#14' },
  ...FLOAT32_GOLDEN_GAPS,
]

const only = process.env['KX_OPS']?.split(',')

if (webgpuAvailable('backend-webgpu ops conformance')) {
  const results = runOpsConformance(() => gpu.backend!, { describe, it, expect }, {
    name: 'webgpu', knownGaps: KNOWN_GAPS, timeout: GPU_TIMEOUT,
    ...(only ? { filter: (_s, op) => only.includes(op) } : {}),
  }, opsCases(golden, numpy, nn))
  afterAll(() => {
    const dir = new URL('../temp/', import.meta.url)
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true })
    writeFileSync(new URL('ops-conformance-webgpu.json', dir), `${JSON.stringify(results.summary(), null, 1)}\n`)
  })
} else {
  describe.skip('webgpu ops conformance', () => { it('needs a WebGPU adapter', () => {}) })
}
