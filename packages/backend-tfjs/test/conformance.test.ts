/** The backend conformance kit on tfjs-cpu and tfjs-wasm: values, VJPs, shapes, leaks against `reference`. */
import { afterAll, describe, expect, it } from 'vitest'
import { coverageTable, runConformance, type KnownGap } from '@kx/backend-conformance'
import { createTfjsBackend } from '../src/index.js'

/** Known gaps, shared by both engines; the kit fails a listed gap whose checks all pass. */
const KNOWN_GAPS: readonly KnownGap[] = []

for (const engine of ['cpu', 'wasm'] as const) {
  const results = runConformance(() => createTfjsBackend({ engine, name: `tfjs-${engine}-conformance` }), { describe, it, expect }, {
    name: `tfjs-${engine}`, knownGaps: KNOWN_GAPS, float64AsFloat32: true,
  })
  afterAll(() => {
    if (process.env['KX_CONFORMANCE_TABLE'] === '1') console.log(coverageTable(results))
  })
}
