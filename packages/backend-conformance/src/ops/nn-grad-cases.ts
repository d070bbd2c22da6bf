/**
 * @file The gradient cases of `@kx/ops-nn`: `@kx/ops-nn`'s own tests check them against finite differences in
 * float64 on `reference`; `runOpsConformance` checks each backend's gradient against `reference`'s.
 */
import { tensor, type DType, type Tensor } from '@kx/core'
import type { OpsNamespace } from './numpy-golden.js'

/** Host values of one gradient-case input (differentiated; float64 on `reference`, float32 elsewhere). */
export interface GradInput { readonly shape: readonly number[]; readonly values: readonly number[] }

/** One gradient case: the op under test as a function of float tensors, built from the `@kx/ops-nn` namespace. */
export interface NnGradCase {
  /** Unique name (`softmaxAxis0`, `conv2d same strided`). */
  readonly name: string
  /** The Keras op (`softmax`, `conv`), for the coverage table. */
  readonly op: string
  readonly inputs: readonly GradInput[]
  /** The function to differentiate; constants it makes use dtype `dt` (the inputs' float dtype). */
  readonly fn: (nn: OpsNamespace, dt: DType) => (...xs: Tensor[]) => Tensor
  /** Finite-difference tolerance and step (default 1e-6, 1e-6). */
  readonly tol?: number
  readonly h?: number
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i)

/**
 * Deterministic pseudo-random values `sin(12.9898·seed + 78.233·i)·scale` of a shape.
 *
 * @example
 * ```ts
 * sinInput([3, 5], 1, 2.5).values.length // 15
 * ```
 */
export function sinInput(shape: readonly number[], seed = 1, scale = 1): GradInput {
  const n = shape.reduce((a, b) => a * b, 1)
  return { shape, values: range(n).map((i) => Math.sin(seed * 12.9898 + i * 78.233) * scale) }
}

/**
 * The fixed uneven weights `sin(1.3·i + 0.4) + 1.1` of a gradient check's loss Σ w ⊙ f(x), so every output matters.
 *
 * @example
 * ```ts
 * lossWeights(3) // three weights in (0.1, 2.1)
 * ```
 */
export function lossWeights(n: number): number[] { return range(n).map((i) => Math.sin(1.3 * i + 0.4) + 1.1) }

const mapValues = (a: GradInput, g: (v: number[]) => number[]): GradInput => ({ shape: a.shape, values: g([...a.values]) })
/** Softmax over the last axis of a 2-D input (host math, for probability inputs). */
const softmaxRows = (a: GradInput): GradInput => mapValues(a, (v) => {
  const n = a.shape[a.shape.length - 1]!
  const out: number[] = []
  for (let r = 0; r < v.length; r += n) {
    const row = v.slice(r, r + n)
    const m = Math.max(...row)
    const e = row.map((x) => Math.exp(x - m))
    const s = e.reduce((p, q) => p + q, 0)
    out.push(...e.map((x) => x / s))
  }
  return out
})
const sigmoidAll = (a: GradInput): GradInput => mapValues(a, (v) => v.map((x) => 1 / (1 + Math.exp(-x))))

type Fn = (...args: unknown[]) => Tensor
const op = (nn: OpsNamespace, name: string): Fn => nn[name] as Fn
const unaryCase = (name: string, keras: string, call: (nn: OpsNamespace) => (t: Tensor) => Tensor): NnGradCase =>
  ({ name, op: keras, inputs: [sinInput([3, 5], 1, 2.5)], fn: (nn) => call(nn) })
const plain = (kx: string, keras: string, opts?: object): NnGradCase =>
  unaryCase(kx, keras, (nn) => (t) => (opts ? op(nn, kx)(t, opts) : op(nn, kx)(t)))

const xn = sinInput([4, 3], 25, 2)
const ONEHOT = [1, 0, 0, 0, 0, 1, 0, 1, 0, 0.2, 0.3, 0.5]
const BCE_TARGET = [1, 0, 1, 0, 0.3, 1]

/** Every gradient case of `@kx/ops-nn` (activations, conv and pooling, normalization, losses, attention, CTC). */
export const NN_GRAD_CASES: readonly NnGradCase[] = [
  plain('relu', 'relu'), plain('relu6', 'relu6'), plain('sigmoid', 'sigmoid'), plain('softplus', 'softplus'),
  plain('softsign', 'softsign'), plain('silu', 'silu'), plain('logSigmoid', 'log_sigmoid'), plain('elu', 'elu'), plain('selu', 'selu'),
  plain('gelu', 'gelu'), unaryCase('geluExact', 'gelu', (nn) => (t) => op(nn, 'gelu')(t, { approximate: false })), plain('celu', 'celu'),
  plain('leakyRelu', 'leaky_relu'), plain('hardSigmoid', 'hard_sigmoid'), plain('hardSilu', 'hard_silu'), plain('tanhShrink', 'tanh_shrink'),
  plain('squareplus', 'squareplus'), plain('sparsePlus', 'sparse_plus'), plain('softShrink', 'soft_shrink'), plain('hardTanh', 'hard_tanh'),
  plain('softmax', 'softmax'), unaryCase('softmaxAxis0', 'softmax', (nn) => (t) => op(nn, 'softmax')(t, { axis: 0 })),
  unaryCase('softmaxAxes', 'softmax', (nn) => (t) => op(nn, 'softmax')(t, { axis: [0, 1] })),
  plain('logSoftmax', 'log_softmax'), plain('sparsemax', 'sparsemax'),
  { name: 'glu', op: 'glu', inputs: [sinInput([4, 3], 2)], fn: (nn) => (t) => op(nn, 'glu')(t, { axis: 0 }) },
  { name: 'conv2d same strided', op: 'conv', inputs: [sinInput([1, 5, 4, 2], 3), sinInput([3, 2, 2, 3], 4)], fn: (nn) => (a, k) => op(nn, 'conv')(a, k, { strides: 2, padding: 'same', dilationRate: 1 }) },
  { name: 'conv1d dilated channels_first', op: 'conv', inputs: [sinInput([1, 4, 6], 5), sinInput([2, 2, 4], 6)], fn: (nn) => (a, k) => op(nn, 'conv')(a, k, { padding: 'same', dataFormat: 'channels_first', dilationRate: 2 }) },
  { name: 'depthwise conv', op: 'depthwise_conv', inputs: [sinInput([1, 4, 4, 2], 7), sinInput([2, 2, 2, 2], 8)], fn: (nn) => (a, k) => op(nn, 'depthwiseConv')(a, k, { padding: 'valid' }) },
  { name: 'conv transpose same s2', op: 'conv_transpose', inputs: [sinInput([1, 3, 3, 2], 9), sinInput([3, 3, 2, 2], 10)], fn: (nn) => (a, k) => op(nn, 'convTranspose')(a, k, { strides: 2, padding: 'same' }) },
  { name: 'conv transpose output padding', op: 'conv_transpose', inputs: [sinInput([1, 3, 2], 11), sinInput([3, 2, 2], 12)], fn: (nn) => (a, k) => op(nn, 'convTranspose')(a, k, { strides: 2, outputPadding: 1 }) },
  { name: 'max pool same', op: 'max_pool', inputs: [sinInput([1, 3, 4, 2], 13)], fn: (nn) => (a) => op(nn, 'maxPool')(a, 2, { padding: 'same', strides: 1 }) },
  { name: 'average pool same', op: 'average_pool', inputs: [sinInput([1, 5, 4, 2], 14)], fn: (nn) => (a) => op(nn, 'averagePool')(a, [2, 3], { padding: 'same' }) },
  { name: 'adaptive average pool', op: 'adaptive_average_pool', inputs: [sinInput([1, 5, 4, 1], 15)], fn: (nn) => (a) => op(nn, 'adaptiveAveragePool')(a, [2, 3]) },
  { name: 'adaptive max pool', op: 'adaptive_max_pool', inputs: [sinInput([1, 2, 7], 16)], fn: (nn) => (a) => op(nn, 'adaptiveMaxPool')(a, 3, { dataFormat: 'channels_first' }) },
  { name: 'conv + bias + relu', op: 'conv', inputs: [sinInput([1, 4, 4, 2], 17), sinInput([3, 3, 2, 2], 18), sinInput([2], 19)], fn: (nn) => (a, k, b) => op(nn, 'convBiasAct')(a, k, b, { activation: 'relu', padding: 'same' }) },
  { name: 'matmul + bias + elu', op: 'elu', inputs: [sinInput([3, 4], 20), sinInput([4, 2], 21), sinInput([2], 22)], fn: (nn) => (a, w, b) => op(nn, 'matmulBiasAct')(a, w, b, { activation: 'elu' }) },
  { name: 'unfold', op: 'unfold', inputs: [sinInput([1, 2, 3, 3], 23)], fn: (nn) => (a) => op(nn, 'unfold')(a, 2, { stride: 1, padding: 1 }) },
  { name: 'fold', op: 'fold', inputs: [sinInput([1, 8, 4], 24)], fn: (nn) => (a) => op(nn, 'fold')(a, [3, 3], 2) },
  { name: 'moments mean', op: 'moments', inputs: [xn], fn: (nn) => (a) => (op(nn, 'moments')(a, [0]) as unknown as Tensor[])[0]! },
  { name: 'moments variance', op: 'moments', inputs: [xn], fn: (nn) => (a) => (op(nn, 'moments')(a, [0, 1]) as unknown as Tensor[])[1]! },
  {
    name: 'batch normalization', op: 'batch_normalization',
    inputs: [xn, sinInput([3], 26), { shape: [3], values: [1.5, 0.7, 2] }, sinInput([3], 27), sinInput([3], 28)],
    fn: (nn) => (a, m, v, o, s) => op(nn, 'batchNormalization')(a, m, v, -1, { offset: o, scale: s }),
  },
  { name: 'layer normalization', op: 'layer_normalization', inputs: [xn, sinInput([3], 29), sinInput([3], 30)], fn: (nn) => (a, g, b) => op(nn, 'layerNormalization')(a, { gamma: g, beta: b }) },
  { name: 'rms normalization', op: 'rms_normalization', inputs: [xn, sinInput([3], 31)], fn: (nn) => (a, s) => op(nn, 'rmsNormalization')(a, { scale: s }) },
  { name: 'normalize', op: 'normalize', inputs: [xn], fn: (nn) => (a) => op(nn, 'normalize')(a) },
  { name: 'normalize order 3 axis 0', op: 'normalize', inputs: [xn], fn: (nn) => (a) => op(nn, 'normalize')(a, { order: 3, axis: 0 }) },
  { name: 'categorical crossentropy (probs)', op: 'categorical_crossentropy', inputs: [softmaxRows(sinInput([4, 3], 32))], fn: (nn, dt) => (p) => op(nn, 'categoricalCrossentropy')(tensor(ONEHOT, { shape: [4, 3], dtype: dt }), p) },
  { name: 'categorical crossentropy (logits)', op: 'categorical_crossentropy', inputs: [sinInput([4, 3], 33, 3)], fn: (nn, dt) => (l) => op(nn, 'categoricalCrossentropy')(tensor(ONEHOT, { shape: [4, 3], dtype: dt }), l, { fromLogits: true }) },
  { name: 'sparse categorical crossentropy', op: 'sparse_categorical_crossentropy', inputs: [sinInput([4, 3], 34, 3)], fn: (nn) => (l) => op(nn, 'sparseCategoricalCrossentropy')(tensor([0, 2, 1, 1]), l, { fromLogits: true }) },
  { name: 'binary crossentropy (probs)', op: 'binary_crossentropy', inputs: [sigmoidAll(sinInput([2, 3], 35))], fn: (nn, dt) => (p) => op(nn, 'binaryCrossentropy')(tensor(BCE_TARGET, { shape: [2, 3], dtype: dt }), p) },
  { name: 'binary crossentropy (logits)', op: 'binary_crossentropy', inputs: [sinInput([2, 3], 36, 4)], fn: (nn, dt) => (l) => op(nn, 'binaryCrossentropy')(tensor(BCE_TARGET, { shape: [2, 3], dtype: dt }), l, { fromLogits: true }) },
  {
    // NOTE: Keras runs the attention softmax in float32, so the step and tolerance suit float32 rounding.
    name: 'dot product attention (mask, causal, GQA)', op: 'dot_product_attention', tol: 1e-3, h: 1e-3,
    inputs: [sinInput([1, 3, 2, 2], 37), sinInput([1, 4, 1, 2], 38), sinInput([1, 4, 1, 2], 39)],
    fn: (nn) => (q, k, v) => op(nn, 'dotProductAttention')(q, k, v, {
      mask: tensor([[true, true, false, true], [false, true, true, true], [true, false, true, true]]), isCausal: true,
    }),
  },
  {
    name: 'ctc loss', op: 'ctc_loss', inputs: [sinInput([2, 5, 4], 40, 1.5)],
    fn: (nn) => (l) => op(nn, 'ctcLoss')(tensor([[1, 2, 2], [3, 1, 0]]), l, tensor([3, 2]), tensor([5, 4])),
  },
]
