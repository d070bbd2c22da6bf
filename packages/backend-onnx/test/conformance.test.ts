/** @file The backend conformance kit on `onnx` (ONNX lowering only: host fallback off). */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import type { BackendPrim } from '@kx/core'
import { coverageTable, runConformance, type KnownGap } from '@kx/backend-conformance'
import { createOnnxBackend } from '../src/index.js'

/**
 * Primitives with no ONNX lowering. With host fallback on (the default) the backend runs them eagerly
 * with core's reference implementations (checked below); in `jit` graphs and exports they throw
 * `UnsupportedOpError`.
 */
const knownGaps: KnownGap[] = [
  { prim: 'igamma', reason: 'no ONNX operator; the series / continued fraction needs data-dependent iteration counts' },
  { prim: 'bitcast_convert_type', reason: 'ONNX has no bit-reinterpreting operator' },
  { prim: 'lu', reason: 'no ONNX operator' },
  { prim: 'qr', reason: 'no ONNX operator' },
  { prim: 'eigh', reason: 'no ONNX operator' },
  { prim: 'svd', reason: 'no ONNX operator' },
]

const results = runConformance(() => createOnnxBackend({ hostFallback: false }), { describe, it, expect }, {
  name: 'onnx', knownGaps,
  // KX_PRIMS=exp,add runs a subset while developing.
  ...(process.env.KX_PRIMS ? { prims: process.env.KX_PRIMS.split(',') as BackendPrim[] } : {}),
})

// The same primitives through the default backend (host fallback on): no gaps.
const fallback = runConformance(() => createOnnxBackend(), { describe, it, expect }, {
  name: 'onnx (host fallback)', prims: knownGaps.map((g) => g.prim),
})

afterAll(() => {
  const table = coverageTable([results, fallback])
  const dir = new URL('../temp/', import.meta.url)
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true })
  writeFileSync(new URL('conformance-onnx.md', dir), `${table}\n`)
  if (process.env.KX_CONFORMANCE_TABLE) console.log(table)
})
