/** @file The backend conformance kit on `openvino` (host fallback off: every primitive runs in OpenVINO or is a typed gap). */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import type { BackendPrim } from '@kx/core'
import { coverageTable, runConformance, type KnownGap } from '@kx/backend-conformance'
import { OPENVINO_UNSUPPORTED, createOpenVINOBackend } from '../src/index.js'
import { available, describeOpenVINO } from './available.js'

/** Primitives the backend refuses with `UnsupportedOpError` (see `OPENVINO_UNSUPPORTED`) plus numeric gaps of OpenVINO's CPU plugin. */
const knownGaps: KnownGap[] = [
  ...[...OPENVINO_UNSUPPORTED].map(([prim, reason]) => ({ prim: prim as BackendPrim, reason })),
  // Numeric behaviour of OpenVINO's CPU plugin (2026.4) on special values and small integer types:
  { prim: 'exp', reason: 'exp(NaN) gives +Inf on the CPU plugin; f64 inputs go through f32 (Inf saturates to FLT_MAX)' },
  { prim: 'expm1', reason: 'expm1(NaN) gives +Inf on the CPU plugin (lowered through Exp)' },
  { prim: 'lgamma', reason: 'overflow saturates at FLT_MAX instead of +Inf' },
  { prim: 'gt', reason: 'comparisons with NaN return true on the CPU plugin' },
  { prim: 'ge', reason: 'comparisons with NaN return true on the CPU plugin' },
  { prim: 'max', reason: 'Max does not propagate NaN from its first operand' },
  { prim: 'min', reason: 'Min does not propagate NaN from its first operand' },
  { prim: 'mul', reason: 'uint8 arithmetic saturates instead of wrapping' },
  { prim: 'neg', reason: 'uint8 negation saturates to 0 instead of wrapping' },
  { prim: 'convert_element_type', reason: 'int64 is computed as int32 by the CPU plugin (values past 2^31 saturate)' },
  { prim: 'cummin', reason: 'int32 cummin returns INT_MIN (the lowering\'s sentinel is not honoured by the CPU plugin)' },
  { prim: 'fft', reason: "irfft's VJP gives wrong cotangents on OpenVINO (forward values pass)" },
  { prim: 'rem', reason: 'fmod(x, ±Inf) gives NaN instead of x' },
]

describeOpenVINO('openvino conformance', () => {
  const results = runConformance(() => createOpenVINOBackend(), { describe, it, expect }, {
    name: 'openvino', knownGaps,
    ...(process.env.KX_PRIMS ? { prims: process.env.KX_PRIMS.split(',') as BackendPrim[] } : {}),
  })
  const fallback = runConformance(() => createOpenVINOBackend({ hostFallback: true, name: 'openvino-fallback' }), { describe, it, expect }, {
    name: 'openvino (host fallback)', prims: [...OPENVINO_UNSUPPORTED.keys()] as BackendPrim[],
  })
  afterAll(() => {
    if (!available) return
    const table = coverageTable([results, fallback])
    const dir = new URL('../temp/', import.meta.url)
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true })
    writeFileSync(new URL('conformance-openvino.md', dir), `${table}\n`)
    if (process.env.KX_CONFORMANCE_TABLE) console.log(table)
  })
})
