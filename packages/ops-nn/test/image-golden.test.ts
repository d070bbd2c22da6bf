/**
 * keras.ops.image against golden data written by the real Keras 3 (JAX) in tools/golden/ops_nn_image.py. The
 * runners are @kx/backend-conformance's `IMAGE_RUN`, which runs the same cases on every backend.
 */
import { describe, expect, it } from 'vitest'
import { tidy } from '@kx/core'
import { IMAGE_RUN, fromGolden } from '@kx/backend-conformance'
import * as nn from '../src/index.js'
import { expectGolden, loadGolden } from './helpers.js'

const cases = loadGolden('ops_image.json')

describe('keras.ops.image golden (Keras 3 / JAX)', () => {
  it('has a runner for every golden op', () => expect(cases.map((c) => c.op).filter((op) => !IMAGE_RUN[op])).toEqual([]))
  for (const c of cases) {
    it(c.id, async () => {
      const out = tidy(() => IMAGE_RUN[c.op]!(nn, c.inputs.map((a) => fromGolden(a)), c.kwargs))
      await expectGolden(c, out, true)
    })
  }
})
