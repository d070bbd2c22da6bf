/** @file Small models written with `lax` only (no ops packages): an MLP and a CNN with softmax cross-entropy. */
import { lax, full, type Backend, type Tensor } from '@kx/core'

const scalar = (v: number, like: Tensor): Tensor => full([], v, like.dtype, like.backend)
const fill = (shape: readonly number[], v: number, like: Tensor): Tensor => full(shape, v, like.dtype, like.backend)

/** `x @ w + b` for x [n, k], w [k, m], b [m]. */
export function dense(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const y = lax.dotGeneral(x, w, [[1], [0]])
  return lax.add(y, lax.broadcastInDim(b, y.shape, [y.shape.length - 1]))
}
export const relu = (x: Tensor): Tensor => lax.max(x, fill(x.shape, 0, x))

/** Mean softmax cross-entropy of logits [n, c] against one-hot labels [n, c]. */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  const [n, c] = logits.shape as [number, number]
  const m = lax.reduceMax(logits, [1])
  const shifted = lax.sub(logits, lax.broadcastInDim(m, [n, c], [0]))
  const lse = lax.log(lax.reduceSum(lax.exp(shifted), [1]))
  const logp = lax.sub(shifted, lax.broadcastInDim(lse, [n, c], [0]))
  const total = lax.reduceSum(lax.mul(logp, labels), [0, 1])
  return lax.mul(total, scalar(-1 / n, total))
}

export interface MlpParams { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor; w3: Tensor; b3: Tensor }
export function mlpLogits(p: MlpParams, x: Tensor): Tensor {
  return dense(relu(dense(relu(dense(x, p.w1, p.b1)), p.w2, p.b2)), p.w3, p.b3)
}
export const mlpLoss = (p: MlpParams, x: Tensor, y: Tensor): Tensor => softmaxCrossEntropy(mlpLogits(p, x), y)

export interface CnnParams { k1: Tensor; c1: Tensor; k2: Tensor; c2: Tensor; w: Tensor; b: Tensor }
const conv = (x: Tensor, k: Tensor, c: Tensor): Tensor => {
  const y = lax.conv(x, k, { windowStrides: [1, 1], padding: [[0, 0], [0, 0]], lhsDilation: [1, 1], rhsDilation: [1, 1], featureGroupCount: 1 })
  return relu(lax.add(y, lax.broadcastInDim(c, y.shape, [3])))
}
const maxPool2 = (x: Tensor): Tensor => lax.reduceWindow(x, 'max', { windowDimensions: [1, 2, 2, 1], windowStrides: [1, 2, 2, 1], padding: [[0, 0], [0, 0], [0, 0], [0, 0]] })
export function cnnLogits(p: CnnParams, x: Tensor): Tensor {
  const h = maxPool2(conv(maxPool2(conv(x, p.k1, p.c1)), p.k2, p.c2))
  return dense(lax.reshape(h, [h.shape[0]!, -1]), p.w, p.b)
}
export const cnnLoss = (p: CnnParams, x: Tensor, y: Tensor): Tensor => softmaxCrossEntropy(cnnLogits(p, x), y)

/** SGD: `p - lr · g` for every leaf. */
export function sgd<T extends object>(params: T, grads: T, lr: number): T {
  const out: Record<string, Tensor> = {}
  const g = grads as Record<string, Tensor>
  for (const [k, p] of Object.entries(params) as [string, Tensor][]) out[k] = lax.sub(p, lax.mul(g[k]!, fill(p.shape, lr, p)))
  return out as T
}

/** Deterministic host values for a params structure and a batch. */
export type Shapes<T> = { [K in keyof T]: readonly number[] }
export const MLP_SHAPES = (i: number, h: number, o: number): Shapes<MlpParams> => ({ w1: [i, h], b1: [h], w2: [h, h], b2: [h], w3: [h, o], b3: [o] })
export const CNN_SHAPES: Shapes<CnnParams> = { k1: [3, 3, 1, 4], c1: [4], k2: [3, 3, 4, 6], c2: [6], w: [6 * 2 * 2, 3], b: [3] }

export function hostParams<T>(shapes: Shapes<T>, r: () => number): { [K in keyof T]: Float32Array } {
  const out: Record<string, Float32Array> = {}
  for (const [k, s] of Object.entries(shapes) as [string, readonly number[]][]) {
    const n = s.reduce((a, b) => a * b, 1)
    const fanIn = s.length > 1 ? s.slice(0, -1).reduce((a, b) => a * b, 1) : 1
    out[k] = Float32Array.from({ length: n }, () => (r() * 2 - 1) * Math.sqrt(3 / fanIn))
  }
  return out as { [K in keyof T]: Float32Array }
}

export function oneHot(n: number, c: number, r: () => number): Float32Array {
  const y = new Float32Array(n * c)
  for (let i = 0; i < n; i++) y[i * c + Math.floor(r() * c)] = 1
  return y
}

export type { Backend }
