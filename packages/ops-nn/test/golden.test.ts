/**
 * keras.ops.nn against golden data written by the real Keras 3 (JAX) in tools/golden/ops_nn.py. The runners
 * (snake_case kwargs → kx options) are @kx/backend-conformance's `NN_RUN`, which runs the same cases on every backend.
 */
import { describe, expect, it } from 'vitest'
import { tidy } from '@kx/core'
import { NN_RUN, fromGolden } from '@kx/backend-conformance'
import * as nn from '../src/index.js'
import { expectGolden, loadGolden } from './helpers.js'

const cases = loadGolden('ops_nn.json')

describe('keras.ops.nn golden (Keras 3 / JAX)', () => {
  it('has a runner for every golden op', () => {
    expect(cases.map((c) => c.op).filter((op) => !NN_RUN[op])).toEqual([])
  })
  for (const c of cases) {
    it(c.id, async () => {
      // NOTE: dtypes are not compared: kx keeps float64 where Keras computes attention and CTC in float32.
      const out = tidy(() => NN_RUN[c.op]!(nn, c.inputs.map((a) => fromGolden(a)), c.kwargs))
      await expectGolden(c, out, false)
    })
  }
})
