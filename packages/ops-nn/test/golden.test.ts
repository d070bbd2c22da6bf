/** keras.ops.nn against golden data written by the real Keras 3 (JAX) in tools/golden/ops_nn.py. */
import { describe, expect, it } from 'vitest'
import type { Tensor } from '@kx/core'
import * as nn from '../src/index.js'
import { expectClose, fromGolden, loadGolden, tolFor, type GoldenCase } from './helpers.js'

type K = Record<string, unknown>
type Run = (x: (Tensor | null)[], k: K) => Tensor | Tensor[]

const df = (k: K): { dataFormat?: 'channels_last' | 'channels_first' } => (k['data_format'] ? { dataFormat: k['data_format'] as 'channels_last' } : {})
const convOpts = (k: K) => ({
  ...(k['strides'] !== undefined ? { strides: k['strides'] as number } : {}),
  ...(k['padding'] !== undefined ? { padding: k['padding'] as 'same' } : {}),
  ...(k['dilation_rate'] !== undefined ? { dilationRate: k['dilation_rate'] as number } : {}),
  ...df(k),
})
const pick = <T extends string>(k: K, map: Record<string, T>): Record<T, unknown> => {
  const out = {} as Record<T, unknown>
  for (const [from, to] of Object.entries(map)) if (k[from] !== undefined) out[to] = k[from]
  return out
}

const unary = (f: (x: Tensor, o?: never) => Tensor): Run => ([x]) => f(x!)
const RUN: Record<string, Run> = {
  relu: unary(nn.relu), relu6: unary(nn.relu6), sigmoid: unary(nn.sigmoid), sparse_sigmoid: unary(nn.sparseSigmoid),
  softplus: unary(nn.softplus), softsign: unary(nn.softsign), sparse_plus: unary(nn.sparsePlus), silu: unary(nn.silu),
  swish: unary(nn.swish), log_sigmoid: unary(nn.logSigmoid), hard_sigmoid: unary(nn.hardSigmoid), hard_silu: unary(nn.hardSilu),
  hard_swish: unary(nn.hardSwish), selu: unary(nn.selu), tanh_shrink: unary(nn.tanhShrink), hard_tanh: unary(nn.hardTanh),
  leaky_relu: ([x], k) => nn.leakyRelu(x!, pick(k, { negative_slope: 'negativeSlope' }) as never),
  elu: ([x], k) => nn.elu(x!, pick(k, { alpha: 'alpha' }) as never),
  celu: ([x], k) => nn.celu(x!, pick(k, { alpha: 'alpha' }) as never),
  gelu: ([x], k) => nn.gelu(x!, pick(k, { approximate: 'approximate' }) as never),
  squareplus: ([x], k) => nn.squareplus(x!, pick(k, { b: 'b' }) as never),
  soft_shrink: ([x], k) => nn.softShrink(x!, pick(k, { threshold: 'threshold' }) as never),
  hard_shrink: ([x], k) => nn.hardShrink(x!, pick(k, { threshold: 'threshold' }) as never),
  threshold: ([x], k) => nn.threshold(x!, k['threshold'] as number, k['default_value'] as number),
  glu: ([x], k) => nn.glu(x!, pick(k, { axis: 'axis' }) as never),
  softmax: ([x], k) => nn.softmax(x!, pick(k, { axis: 'axis' }) as never),
  log_softmax: ([x], k) => nn.logSoftmax(x!, pick(k, { axis: 'axis' }) as never),
  sparsemax: ([x], k) => nn.sparsemax(x!, pick(k, { axis: 'axis' }) as never),
  conv: ([x, w], k) => nn.conv(x!, w!, convOpts(k)),
  depthwise_conv: ([x, w], k) => nn.depthwiseConv(x!, w!, convOpts(k)),
  separable_conv: ([x, d, p], k) => nn.separableConv(x!, d!, p!, convOpts(k)),
  conv_transpose: ([x, w], k) => nn.convTranspose(x!, w!, { ...convOpts(k), ...(k['output_padding'] !== undefined ? { outputPadding: k['output_padding'] as number } : {}) }),
  max_pool: ([x], k) => nn.maxPool(x!, k['pool_size'] as number, convOpts(k) as never),
  average_pool: ([x], k) => nn.averagePool(x!, k['pool_size'] as number, convOpts(k) as never),
  adaptive_max_pool: ([x], k) => nn.adaptiveMaxPool(x!, k['output_size'] as number, df(k)),
  adaptive_average_pool: ([x], k) => nn.adaptiveAveragePool(x!, k['output_size'] as number, df(k)),
  moments: ([x], k) => nn.moments(x!, k['axes'] as number[], pick(k, { keepdims: 'keepdims' }) as never),
  batch_normalization: ([x, m, v, o, s], k) => nn.batchNormalization(x!, m!, v!, k['axis'] as number, { offset: o, scale: s, ...(pick(k, { epsilon: 'epsilon' }) as object) }),
  layer_normalization: ([x, g, b], k) => nn.layerNormalization(x!, { gamma: g, beta: b, ...(pick(k, { axis: 'axis', epsilon: 'epsilon' }) as object) }),
  rms_normalization: ([x, s], k) => nn.rmsNormalization(x!, { scale: s, ...(pick(k, { axis: 'axis', epsilon: 'epsilon' }) as object) }),
  normalize: ([x], k) => nn.normalize(x!, pick(k, { axis: 'axis', order: 'order', epsilon: 'epsilon' }) as never),
  categorical_crossentropy: ([t, o], k) => nn.categoricalCrossentropy(t!, o!, pick(k, { from_logits: 'fromLogits', axis: 'axis' }) as never),
  sparse_categorical_crossentropy: ([t, o], k) => nn.sparseCategoricalCrossentropy(t!, o!, pick(k, { from_logits: 'fromLogits', axis: 'axis' }) as never),
  binary_crossentropy: ([t, o], k) => nn.binaryCrossentropy(t!, o!, pick(k, { from_logits: 'fromLogits' }) as never),
  one_hot: ([x], k) => nn.oneHot(x!, k['num_classes'] as number, pick(k, { axis: 'axis', dtype: 'dtype' }) as never),
  multi_hot: ([x], k) => nn.multiHot(x!, k['num_classes'] as number, pick(k, { axis: 'axis', dtype: 'dtype' }) as never),
  psnr: ([a, b], k) => nn.psnr(a!, b!, k['max_val'] as number),
  polar: ([a, b]) => nn.polar(a!, b!),
  depth_to_space: ([x], k) => nn.depthToSpace(x!, k['block_size'] as number, df(k)),
  space_to_depth: ([x], k) => nn.spaceToDepth(x!, k['block_size'] as number, df(k)),
  unfold: ([x], k) => nn.unfold(x!, k['kernel_size'] as number, pick(k, { dilation: 'dilation', padding: 'padding', stride: 'stride' }) as never),
  fold: ([x], k) => nn.fold(x!, k['output_size'] as number, k['kernel_size'] as number, pick(k, { dilation: 'dilation', padding: 'padding', stride: 'stride' }) as never),
  dot_product_attention: ([q, kk, v, bias, mask], k) => nn.dotProductAttention(q!, kk!, v!, { bias, mask, ...(pick(k, { scale: 'scale', is_causal: 'isCausal' }) as object) }),
  ctc_loss: ([t, o, tl, ol], k) => nn.ctcLoss(t!, o!, tl!, ol!, pick(k, { mask_index: 'maskIndex' }) as never),
  ctc_decode: ([x, l], k) => nn.ctcDecode(x!, l!, pick(k, { strategy: 'strategy', beam_width: 'beamWidth', top_paths: 'topPaths', merge_repeated: 'mergeRepeated', mask_index: 'maskIndex' }) as never),
}

/** Looser tolerance where Keras itself computes in float32 (attention's softmax). */
function tolerance(c: GoldenCase, dtype: string): number {
  if (c.op === 'dot_product_attention') return Math.max(tolFor(dtype), 2e-6)
  return tolFor(dtype)
}

const cases = loadGolden('ops_nn.json')

describe('keras.ops.nn golden (Keras 3 / JAX)', () => {
  it('has a runner for every golden op', () => {
    expect(cases.map((c) => c.op).filter((op) => !RUN[op])).toEqual([])
  })
  for (const c of cases) {
    it(c.id, () => {
      const inputs = c.inputs.map((a) => fromGolden(a))
      const out = RUN[c.op]!(inputs, c.kwargs)
      const outs = Array.isArray(out) ? out : [out]
      expect(outs.length).toBe(c.outputs.length)
      outs.forEach((o, i) => expectClose(o, c.outputs[i]!, tolerance(c, c.outputs[i]!.dtype), `${c.id}[${i}]`))
    })
  }
})
