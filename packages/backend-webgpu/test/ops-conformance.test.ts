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

/** An op whose output shape depends on values: it reads them with `dataSync`, which WebGPU cannot. */
const syncRead = (suite: OpsSuite, op: string, cases?: readonly string[]): OpsKnownGap =>
  ({ suite, op, ...(cases ? { cases } : {}), reason: 'reads values synchronously (data-dependent shape or host-side parameters); WebGPU reads are async only', issue: '#14' })

/** Ops that do not conform on webgpu; the kit fails a listed gap whose checks all pass. */
const KNOWN_GAPS: readonly OpsKnownGap[] = [
  syncRead('numpy', 'bincount'), syncRead('numpy', 'unique'), syncRead('numpy', 'nonzero'), syncRead('image', 'perspective_transform'),
  syncRead('numpy', 'where', ['where/435']), syncRead('numpy', 'repeat', ['repeat/37']), syncRead('numpy', 'slice', ['slice/13']),
  syncRead('numpy', 'get_item', ['get_item/13']), syncRead('nn', 'ctc_decode', ['ctc_beam', 'ctc_beam_mask']),
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
