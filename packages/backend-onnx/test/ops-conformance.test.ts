/**
 * @file The ops layer of the conformance kit on `onnx` (ONNX Runtime, default options: primitives without an
 * ONNX lowering run on the host): golden cases of `@kx/ops-numpy` and `@kx/ops-nn` against Keras 3's values, and
 * gradient cases against `reference`. Every case compiles an ORT session (~0.1 s), so CI runs the first
 * golden case of each op and every gradient case (`KX_OPS_FULL=1` runs them all, ~3.5 min). Writes
 * `temp/ops-conformance-onnx.json` for the ops packages' coverage tables.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import * as numpy from '@kx/ops-numpy'
import * as nn from '@kx/ops-nn'
import { firstCasesPerOp, loadOpsGolden, opsCases, runOpsConformance, type OpsKnownGap } from '@kx/backend-conformance'
import { createOnnxBackend } from '../src/index.js'

const golden = loadOpsGolden((p) => JSON.parse(readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8')))

/** Ops that do not conform on onnx; the kit fails a listed gap whose checks all pass. */
const KNOWN_GAPS: readonly OpsKnownGap[] = []

const full = process.env['KX_OPS_FULL'] === '1'
// KX_OPS=silu,log1p runs a few ops while developing.
const only = process.env['KX_OPS']?.split(',')

const results = runOpsConformance(() => createOnnxBackend(), { describe, it, expect }, {
  name: 'onnx', knownGaps: KNOWN_GAPS, timeout: 30_000,
  ...(only ? { filter: (_s, op) => only.includes(op) } : full ? {} : { filter: firstCasesPerOp(1), note: 'first golden case of each op, every gradient case' }),
}, opsCases(golden, numpy, nn))

afterAll(() => {
  const dir = new URL('../temp/', import.meta.url)
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true })
  writeFileSync(new URL('ops-conformance-onnx.json', dir), `${JSON.stringify(results.summary(), null, 1)}\n`)
})
