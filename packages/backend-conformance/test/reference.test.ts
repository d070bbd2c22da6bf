/** @file The conformance kit on the `reference` backend, plus finite-difference and JAX golden checks of it. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { createReferenceBackend } from '@kx/core'
import { coverageTable, runConformance, runGoldenChecks, runGradientChecks, type GoldenFile, type KnownGap } from '../src/index.js'

/** Primitives whose reference implementation is still being written (tracked by the lead). */
const knownGaps: KnownGap[] = []

const api = { describe, it, expect }
const conformance = runConformance(createReferenceBackend, api, { name: 'reference', knownGaps })
const gradients = runGradientChecks(api, { knownGaps })
const golden = JSON.parse(readFileSync(new URL('./golden/lax.json', import.meta.url), 'utf8')) as GoldenFile
const goldenResults = runGoldenChecks(golden, api, { knownGaps })

afterAll(() => {
  const table = coverageTable([conformance, gradients, goldenResults])
  const dir = new URL('../temp/', import.meta.url)
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true })
  writeFileSync(new URL('conformance-reference.md', dir), `${table}\n`)
  if (process.env.KX_CONFORMANCE_TABLE) console.log(table)
})
