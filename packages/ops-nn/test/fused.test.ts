/** Fused composites: a backend declaring fused kernels receives well-formed calls whose output specs match the decomposition. */
import { afterAll, describe, expect, it } from 'vitest'
import { createReferenceBackend, removeBackend, registerBackend, setBackend, tensor, type Backend, type FusedOp, type OutputSpec } from '@kx/core'
import * as nn from '../src/index.js'

const calls: { op: FusedOp; inputs: number[][]; params: unknown; outputs: readonly OutputSpec[] }[] = []

function spyBackend(): Backend {
  const ref = createReferenceBackend()
  return {
    ...ref,
    name: 'fused-spy',
    capabilities: { ...ref.capabilities, fused: new Set<FusedOp>(['softmax', 'log_softmax', 'matmul_bias_act', 'conv_bias_act', 'layer_norm', 'attention']) },
    // Records the call and declines it, so the op runs its decomposition (whose shape we compare).
    runFused(op, inputs, params, outputs) {
      calls.push({ op, inputs: inputs.map((t) => [...t.shape]), params, outputs })
      return null
    },
  }
}

describe('fused entry points', () => {
  afterAll(async () => { await setBackend('reference'); await removeBackend('fused-spy') })
  it('pass inputs, params and output specs that match the decomposition', async () => {
    registerBackend('fused-spy', spyBackend)
    await setBackend('fused-spy')
    const f = (shape: number[]) => tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i)), { shape, dtype: 'float32' })
    const results = [
      nn.softmax(f([2, 3]), { axis: 0 }),
      nn.logSoftmax(f([2, 3])),
      nn.matmulBiasAct(f([4, 3]), f([3, 5]), f([5]), { activation: 'relu' }),
      nn.convBiasAct(f([1, 5, 5, 2]), f([3, 3, 2, 4]), f([4]), { activation: 'relu6', padding: 'same', strides: 2 }),
      nn.convBiasAct(f([1, 2, 5, 5]), f([3, 3, 2, 4]), null, { dataFormat: 'channels_first' }),
      nn.layerNormalization(f([2, 3, 4]), { gamma: f([4]), beta: f([4]) }),
      nn.dotProductAttention(f([1, 3, 2, 4]), f([1, 5, 2, 4]), f([1, 5, 2, 4]), { isCausal: true, mask: tensor([[true, false, true, true, true]]) }),
    ]
    // the declined attention call runs its decomposition, whose float32 softmax is fusable too
    expect(calls.map((c) => c.op)).toEqual(['softmax', 'log_softmax', 'matmul_bias_act', 'conv_bias_act', 'conv_bias_act', 'layer_norm', 'attention', 'softmax'])
    expect(calls[0]!.params).toEqual({ axis: 0 })
    expect(calls[3]!.params).toMatchObject({ strides: [2, 2], padding: [[1, 1], [1, 1]], groups: 1, activation: 'relu6', hasBias: true })
    expect(calls[4]!.inputs[0]).toEqual([1, 5, 5, 2]) // channels_first is transposed to channels_last around the kernel
    expect(calls[6]!.inputs[3]).toEqual([1, 2, 3, 5]) // the mask arrives broadcast to (B, N, T, S)
    calls.slice(0, 7).forEach((c, i) => {
      const r = results[i]!
      const shape = i === 4 ? [1, 3, 3, 4] : r.shape
      expect(c.outputs[0]!.shape, c.op).toEqual(shape)
      expect(c.outputs[0]!.dtype, c.op).toBe(r.dtype)
    })
    expect(results[4]!.shape).toEqual([1, 4, 3, 3])
  })
})
