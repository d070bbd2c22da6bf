/** @file Every op against golden values written by the real Keras 3 (JAX backend): values, dtypes, shapes, errors. */
import { describe, expect, it } from 'vitest'
import { KxError, collectTensors, tidy, type Tensor } from '@kx/core'
import { NUMPY_DIVERGENCES, NUMPY_GOLDEN_GROUPS, absExpected, absOutputs } from '@kx/backend-conformance'
import * as ops from '../src/index.js'
import { callCase, checkOut, loadGolden, resolveOp } from './golden-util.js'

// Cases where kx deliberately differs from Keras-on-JAX (`NUMPY_DIVERGENCES`, with the reason) are skipped; the
// sign-free outputs of eigh / svd (`SIGN_FREE`) are compared in absolute value. Everything else must match.
for (const group of NUMPY_GOLDEN_GROUPS) {
  describe(`golden: ${group}`, () => {
    const cases = loadGolden(group)
    for (const c of cases) {
      const reason = NUMPY_DIVERGENCES[c.name]
      const runner = reason ? it.skip : it
      runner(`${c.name}${reason ? ` (${reason})` : ''}`, async () => {
        if (!resolveOp(c.op)) throw new Error(`op not implemented: ${c.op}`)
        if (c.error) {
          let thrown: unknown
          try { tidy(() => callCase(c)) } catch (e) { thrown = e }
          expect(thrown, `${c.name}: Keras raised ${c.error}: ${c.message}`).toBeInstanceOf(KxError)
          return
        }
        const out = tidy(() => absOutputs(ops, c.op, callCase(c)))
        try {
          await checkOut(out, absExpected(c.op, c.out!), c.name, c.tol, c.sort_last ?? false)
        } finally { for (const t of collectTensors(out)) (t as Tensor).dispose() }
      })
    }
  })
}
