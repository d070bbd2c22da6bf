/**
 * @file The ops layer of the conformance kit on `openvino` (CPU plugin, default options): golden cases of
 * `@kx/ops-numpy` and `@kx/ops-nn` against Keras 3's values, and gradient cases against `reference`. Every case
 * compiles an OpenVINO model, so CI runs the first golden case of each op and every gradient case
 * (`KX_OPS_FULL=1` runs them all). Writes `temp/ops-conformance-openvino.json` for the coverage tables.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import * as numpy from '@kx/ops-numpy'
import * as nn from '@kx/ops-nn'
import { FLOAT32_GOLDEN_GAPS, firstCasesPerOp, loadOpsGolden, opsCases, runOpsConformance, type OpsKnownGap, type OpsSuite } from '@kx/backend-conformance'
import { OPENVINO_UNSUPPORTED, createOpenVINOBackend } from '../src/index.js'
import { available, describeOpenVINO } from './available.js'

const golden = loadOpsGolden((p) => JSON.parse(readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8')))

/** An op that needs a primitive the backend refuses (`OPENVINO_UNSUPPORTED`, with its reason). */
const needs = (prim: string, suite: OpsSuite, ops: readonly string[]): OpsKnownGap[] =>
  ops.map((op) => ({ suite, op, reason: `needs primitive ${prim}, which the backend refuses (${OPENVINO_UNSUPPORTED.get(prim)}); host fallback off` }))
/** Special values the CPU plugin (2026.4) computes differently, on named golden cases. */
const nan = (op: string, cases: readonly string[], reason: string): OpsKnownGap => ({ suite: 'numpy', op, cases, check: 'values', reason })

/** Ops that do not conform on openvino; the kit fails a listed gap whose checks all pass. */
const KNOWN_GAPS: readonly OpsKnownGap[] = [
  ...needs('lu', 'numpy', ['linalg.det', 'linalg.inv', 'linalg.solve', 'linalg.lu_factor', 'slogdet', 'math.logdet']),
  ...needs('qr', 'numpy', ['linalg.qr']),
  ...needs('eigh', 'numpy', ['linalg.eigh']),
  ...needs('svd', 'numpy', ['linalg.svd', 'linalg.pinv', 'linalg.matrix_rank', 'linalg.lstsq']),
  { ...needs('svd', 'numpy', ['linalg.norm'])[0]!, cases: ['linalg.norm/23', 'linalg.norm/24', 'linalg.norm/25'] },
  ...needs('erf_inv', 'numpy', ['math.erfinv']),
  ...needs('erf_inv', 'image', ['elastic_transform']),
  ...needs('bitcast_convert_type', 'numpy', ['nextafter']),
  nan('exp', ['exp/2'], 'exp(NaN) gives +Inf on the CPU plugin'),
  nan('expm1', ['expm1/11'], 'expm1(NaN) gives +Inf on the CPU plugin (lowered through Exp)'),
  nan('math.logsumexp', ['math.logsumexp/216', 'math.logsumexp/217'], 'a NaN input gives +Inf: exp(NaN) is +Inf on the CPU plugin'),
  nan('maximum', ['maximum/227'], 'Max does not propagate NaN from its first operand on the CPU plugin'),
  nan('minimum', ['minimum/235'], 'Min does not propagate NaN from its first operand on the CPU plugin'),
  nan('hypot', ['hypot/299'], 'NaN is lost: hypot scales by max(|x|, |y|), and Max drops NaN on the CPU plugin'),
  nan('clip', ['clip/431'], 'clip(NaN) gives the bound: Max/Min drop NaN on the CPU plugin'),
  nan('greater', ['greater/363'], 'comparisons with NaN return true on the CPU plugin'),
  nan('greater_equal', ['greater_equal/371'], 'comparisons with NaN return true on the CPU plugin'),
  ...FLOAT32_GOLDEN_GAPS,
]

const full = process.env['KX_OPS_FULL'] === '1'
const only = process.env['KX_OPS']?.split(',')

describeOpenVINO('openvino ops conformance', () => {
  const results = runOpsConformance(() => createOpenVINOBackend(), { describe, it, expect }, {
    name: 'openvino', knownGaps: KNOWN_GAPS, timeout: 60_000,
    ...(only ? { filter: (_s, op) => only.includes(op) } : full ? {} : { filter: firstCasesPerOp(1), note: 'first golden case of each op, every gradient case' }),
  }, opsCases(golden, numpy, nn))
  afterAll(() => {
    if (!available) return
    const dir = new URL('../temp/', import.meta.url)
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true })
    writeFileSync(new URL('ops-conformance-openvino.json', dir), `${JSON.stringify(results.summary(), null, 1)}\n`)
  })
})
