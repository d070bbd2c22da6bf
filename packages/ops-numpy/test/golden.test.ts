/** @file Every op against golden values written by the real Keras 3 (JAX backend): values, dtypes, shapes, errors. */
import { describe, expect, it } from 'vitest'
import { KxError, Tensor, tidy } from '@kx/core'
import * as ops from '../src/index.js'
import { callCase, checkOut, loadGolden, resolveOp, type Enc, type EncOut } from './golden-util.js'

const GROUPS = ['elementwise', 'reduction', 'shape', 'creation', 'products', 'indexing', 'linalg', 'math', 'core', 'getitem', 'rearrange']

/**
 * Cases where kx deliberately differs from Keras-on-JAX, with the reason. Everything else must match.
 */
const DIVERGENCES: Record<string, string> = {
  'get_item/out-of-range': 'kx raises for an out-of-range integer index, as NumPy; JAX clamps it',
}

/** Outputs defined only up to the sign of each vector (eigenvectors, singular vectors): compared in absolute value. */
const SIGN_FREE: Record<string, readonly number[]> = { 'linalg.eigh': [1], 'linalg.svd': [0, 2] }

function absOutputs(out: unknown, which: readonly number[]): unknown {
  if (!Array.isArray(out)) return out
  return out.map((t, i) => (which.includes(i) ? ops.abs(t as Tensor) : t))
}
function absExpected(e: EncOut, which: readonly number[]): EncOut {
  if (!('multi' in e)) return e
  const absEnc = (v: Enc): Enc => (Array.isArray(v) ? v.map(absEnc) : typeof v === 'number' ? Math.abs(v) : v)
  return { multi: e.multi.map((m, i) => (which.includes(i) && 'v' in m ? { ...m, v: absEnc(m.v) } : m)) }
}

for (const group of GROUPS) {
  describe(`golden: ${group}`, () => {
    const cases = loadGolden(group)
    for (const c of cases) {
      const reason = DIVERGENCES[c.name]
      const runner = reason ? it.skip : it
      runner(`${c.name}${reason ? ` (${reason})` : ''}`, () => {
        if (!resolveOp(c.op)) throw new Error(`op not implemented: ${c.op}`)
        tidy(() => {
          if (c.error) {
            let thrown: unknown
            try { callCase(c) } catch (e) { thrown = e }
            expect(thrown, `${c.name}: Keras raised ${c.error}: ${c.message}`).toBeInstanceOf(KxError)
            return
          }
          const signFree = SIGN_FREE[c.op]
          const out = signFree ? absOutputs(callCase(c), signFree) : callCase(c)
          checkOut(out, signFree ? absExpected(c.out!, signFree) : c.out!, c.name, c.tol, c.sort_last ?? false)
        })
      })
    }
  })
}
