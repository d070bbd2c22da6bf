/**
 * @file The bench's kx models, written with `lax` and `valueAndGrad` only (the layers/trainers
 * packages add `model.fit` workloads later): the PEERS.md MLP and CNN, softmax cross-entropy, Adam.
 */
import { full, keep, lax, tidy, valueAndGrad, Tensor, type Backend } from '@kx/core'
import { ops } from '@kx/keras'

export type Params = Record<string, Tensor>

const upload = (b: Backend, values: Float32Array, shape: readonly number[]): Tensor => new Tensor(shape, 'float32', b, b.upload(values, shape, 'float32'))

/** Glorot-uniform kernels and zero biases, from a fixed seed. */
export function initParams(b: Backend, shapes: Record<string, readonly number[]>, seed = 1): Params {
  let s = seed >>> 0
  const rand = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32 }
  const out: Params = {}
  for (const [k, shape] of Object.entries(shapes)) {
    const n = shape.reduce((a, c) => a * c, 1)
    const fanOut = shape[shape.length - 1]!
    const fanIn = shape.length > 1 ? n / fanOut : 0
    const lim = fanIn ? Math.sqrt(6 / (fanIn + fanOut)) : 0
    out[k] = keep(upload(b, Float32Array.from({ length: n }, () => (rand() * 2 - 1) * lim), shape))
  }
  return out
}

export function randomBatch(b: Backend, n: number, shape: readonly number[], classes: number, seed = 2): [Tensor, Tensor] {
  let s = seed >>> 0
  const rand = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32 }
  const size = n * shape.reduce((a, c) => a * c, 1)
  const x = upload(b, Float32Array.from({ length: size }, rand), [n, ...shape])
  const y = new Float32Array(n * classes)
  for (let i = 0; i < n; i++) y[i * classes + Math.floor(rand() * classes)] = 1
  return [keep(x), keep(upload(b, y, [n, classes]))]
}

const zerosLikeShape = (t: Tensor): Tensor => full(t.shape, 0, t.dtype, t.backend)
const dense = (x: Tensor, w: Tensor, bias: Tensor): Tensor => {
  const y = lax.dotGeneral(x, w, [[1], [0]])
  return lax.add(y, lax.broadcastInDim(bias, y.shape, [y.shape.length - 1]))
}
const relu = (x: Tensor): Tensor => lax.max(x, zerosLikeShape(x))

/** Mean categorical cross-entropy of softmax(logits) against one-hot labels, via log-softmax. */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  const [n, c] = logits.shape as [number, number]
  const m = lax.stopGradientPrim(lax.reduceMax(logits, [1]))
  const shifted = lax.sub(logits, lax.broadcastInDim(m, [n, c], [0]))
  const lse = lax.log(lax.reduceSum(lax.exp(shifted), [1]))
  const logp = lax.sub(shifted, lax.broadcastInDim(lse, [n, c], [0]))
  const total = lax.reduceSum(lax.mul(logp, labels), [0, 1])
  return lax.mul(total, full([], -1 / n, 'float32', total.backend))
}

/** PEERS.md MLP: 784 → 256 relu → 256 relu → 10. */
export const MLP_SHAPES = { w1: [784, 256], b1: [256], w2: [256, 256], b2: [256], w3: [256, 10], b3: [10] }
export function mlpLogits(p: Params, x: Tensor): Tensor {
  return dense(relu(dense(relu(dense(x, p.w1!, p.b1!)), p.w2!, p.b2!)), p.w3!, p.b3!)
}

/** PEERS.md CNN: 28×28×1 → conv 32 3×3 relu → pool 2 → conv 64 3×3 relu → pool 2 → 1600 → 128 relu → 10. */
export const CNN_SHAPES = { k1: [3, 3, 1, 32], c1: [32], k2: [3, 3, 32, 64], c2: [64], w1: [1600, 128], b1: [128], w2: [128, 10], b2: [10] }
const VALID = { windowStrides: [1, 1], padding: [[0, 0], [0, 0]] as [number, number][], lhsDilation: [1, 1], rhsDilation: [1, 1], featureGroupCount: 1 }
const POOL = { windowDimensions: [1, 2, 2, 1], windowStrides: [1, 2, 2, 1], padding: [[0, 0], [0, 0], [0, 0], [0, 0]] as [number, number][] }
const convRelu = (x: Tensor, k: Tensor, c: Tensor): Tensor => {
  const y = lax.conv(x, k, VALID)
  return relu(lax.add(y, lax.broadcastInDim(c, y.shape, [3])))
}
export function cnnLogits(p: Params, x: Tensor): Tensor {
  const h1 = lax.reduceWindow(convRelu(x, p.k1!, p.c1!), 'max', POOL)
  const h2 = lax.reduceWindow(convRelu(h1, p.k2!, p.c2!), 'max', POOL)
  const flat = lax.reshape(h2, [h2.shape[0]!, 1600])
  return dense(relu(dense(flat, p.w1!, p.b1!)), p.w2!, p.b2!)
}

/**
 * The CNN's inference as kx's Conv2D / MaxPooling2D / Dense layers run it (as tfjs-layers does): the
 * fused conv + bias + relu and matmul + bias + activation entry points, one backend kernel each where
 * the backend has one (decomposed under a tape), then softmax.
 */
export function cnnPredict(p: Params, x: Tensor): Tensor {
  const h1 = ops.maxPool(ops.convBiasAct(x, p.k1!, p.c1!, { activation: 'relu' }), 2)
  const h2 = ops.maxPool(ops.convBiasAct(h1, p.k2!, p.c2!, { activation: 'relu' }), 2)
  const flat = lax.reshape(h2, [h2.shape[0]!, 1600])
  return ops.softmax(ops.matmulBiasAct(ops.matmulBiasAct(flat, p.w1!, p.b1!, { activation: 'relu' }), p.w2!, p.b2!))
}

/** Keras's Adam (lr 1e-3, β1 0.9, β2 0.999, ε 1e-7) as lax updates; state lives on the params' backend. */
export class Adam {
  private t = 0
  private readonly m: Params = {}
  private readonly v: Params = {}
  constructor(private readonly params: Params, private readonly lr = 1e-3, private readonly b1 = 0.9, private readonly b2 = 0.999, private readonly eps = 1e-7) {
    for (const [k, p] of Object.entries(params)) { this.m[k] = keep(zerosLikeShape(p)); this.v[k] = keep(zerosLikeShape(p)) }
  }
  /** Applies one step in place (replacing and disposing the old tensors). */
  apply(grads: Params): void {
    this.t++
    const lrT = this.lr * Math.sqrt(1 - this.b2 ** this.t) / (1 - this.b1 ** this.t)
    const next = tidy(() => {
      const out: Record<string, [Tensor, Tensor, Tensor]> = {}
      for (const [k, p] of Object.entries(this.params)) {
        const g = grads[k]!
        const c = (v: number): Tensor => full(p.shape, v, 'float32', p.backend)
        const m = lax.add(lax.mul(this.m[k]!, c(this.b1)), lax.mul(g, c(1 - this.b1)))
        const v = lax.add(lax.mul(this.v[k]!, c(this.b2)), lax.mul(lax.mul(g, g), c(1 - this.b2)))
        const upd = lax.div(lax.mul(m, c(lrT)), lax.add(lax.sqrt(v), c(this.eps)))
        out[k] = [lax.sub(p, upd), m, v]
      }
      return out
    })
    for (const [k, [p, m, v]] of Object.entries(next)) {
      this.params[k]!.dispose(); this.m[k]!.dispose(); this.v[k]!.dispose()
      this.params[k] = keep(p); this.m[k] = keep(m); this.v[k] = keep(v)
    }
  }
  dispose(): void { for (const t of [...Object.values(this.m), ...Object.values(this.v)]) t.dispose() }
}

/** One training step: loss, gradients, Adam; returns the loss value (read back, so the step is complete). */
export function trainStep(logits: (p: Params, x: Tensor) => Tensor, params: Params, opt: Adam, x: Tensor, y: Tensor): number {
  return tidy(() => {
    const [loss, grads] = valueAndGrad((p: Params) => softmaxCrossEntropy(logits(p, x), y))(params) as [Tensor, Params]
    opt.apply(grads)
    // NOTE: valueAndGrad marks gradients with keep(), so they are freed here, not by tidy.
    for (const g of Object.values(grads)) g.dispose()
    return loss.dataSync()[0]!
  })
}
