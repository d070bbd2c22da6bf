/**
 * Gradients of the nn ops against central finite differences, in float64 on the reference backend. The cases are
 * @kx/backend-conformance's `NN_GRAD_CASES`, which also checks every backend's gradients against the reference's.
 */
import { describe, expect, it } from 'vitest'
import { grad, lax, tensor, type Tensor } from '@kx/core'
import { NN_GRAD_CASES } from '@kx/backend-conformance'
import * as nn from '../src/index.js'
import { checkGrad } from './helpers.js'

describe('gradients of NN_GRAD_CASES', () => {
  for (const c of NN_GRAD_CASES) {
    it(c.name, () => {
      const inputs = c.inputs.map((a) => tensor([...a.values], { shape: [...a.shape], dtype: 'float64' }))
      checkGrad(c.fn(nn, 'float64'), inputs, { ...(c.tol ? { tol: c.tol } : {}), ...(c.h ? { h: c.h } : {}) })
    })
  }
  it('relu has gradient 0 at 0 (JAX)', () => {
    const g = grad((t: Tensor) => lax.reduceSum(nn.relu(t), [0]))(tensor([-1, 0, 2], { dtype: 'float64' })) as Tensor
    expect(Array.from(g.dataSync() as Float64Array)).toEqual([0, 0, 1])
  })
})
