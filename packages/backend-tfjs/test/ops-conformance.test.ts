/**
 * @file The ops layer of the conformance kit on tfjs-cpu and tfjs-wasm: every golden case of `@kx/ops-numpy` and
 * `@kx/ops-nn` against Keras 3's values, and every gradient case against `reference`. Writes
 * `temp/ops-conformance-tfjs-<engine>.json` for the ops packages' coverage tables.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import * as numpy from '@kx/ops-numpy'
import * as nn from '@kx/ops-nn'
import { FLOAT32_GOLDEN_GAPS, loadOpsGolden, opsCases, runOpsConformance, type OpsKnownGap } from '@kx/backend-conformance'
import { createTfjsBackend } from '../src/index.js'

const golden = loadOpsGolden((p) => JSON.parse(readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8')))

/** Ops that do not conform on tfjs (both engines): only float32's own (see `FLOAT32_GOLDEN_GAPS`). */
const KNOWN_GAPS: readonly OpsKnownGap[] = [...FLOAT32_GOLDEN_GAPS]

for (const engine of ['cpu', 'wasm'] as const) {
  const results = runOpsConformance(() => createTfjsBackend({ engine, name: `tfjs-${engine}-ops` }), { describe, it, expect }, {
    name: `tfjs-${engine}`, knownGaps: KNOWN_GAPS,
  }, opsCases(golden, numpy, nn))
  afterAll(() => {
    const dir = new URL('../temp/', import.meta.url)
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true })
    writeFileSync(new URL(`ops-conformance-tfjs-${engine}.json`, dir), `${JSON.stringify(results.summary(), null, 1)}\n`)
  })
}
