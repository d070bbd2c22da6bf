/**
 * @file Window functions of `keras.ops` (bartlett, blackman, hamming, hanning, kaiser): symmetric
 * windows of a given length, computed on the host in float64 and returned as floatx, as NumPy.
 */
import { InvalidArgumentError, Tensor, floatx, fmt, tensor } from '@kx/core'
import type { TensorLike } from './convert.js'

function windowLength(x: TensorLike, op: string): number {
  const n = typeof x === 'number' ? x : x instanceof Tensor && !x.isSymbolic && x.size === 1 ? (x.dataSync()[0] as number) : NaN
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`\`${op}\` needs a non-negative integer window length. Received: x=${fmt(x)}`)
  return n
}

function make(x: TensorLike, op: string, f: (n: number, m: number) => number): Tensor {
  const m = windowLength(x, op)
  const v = new Float64Array(m)
  for (let n = 0; n < m; n++) v[n] = m === 1 ? 1 : f(n, m)
  return tensor(v, { shape: [m], dtype: floatx() })
}

/** Bartlett (triangular) window of length `x`. @example `bartlett(5) // [0, 0.5, 1, 0.5, 0]` */
export function bartlett(x: TensorLike): Tensor {
  return make(x, 'bartlett', (n, m) => (n <= (m - 1) / 2 ? (2 * n) / (m - 1) : 2 - (2 * n) / (m - 1)))
}
/** Blackman window. @example `blackman(5)` */
export function blackman(x: TensorLike): Tensor {
  return make(x, 'blackman', (n, m) => 0.42 - 0.5 * Math.cos((2 * Math.PI * n) / (m - 1)) + 0.08 * Math.cos((4 * Math.PI * n) / (m - 1)))
}
/** Hamming window. @example `hamming(5)` */
export function hamming(x: TensorLike): Tensor {
  return make(x, 'hamming', (n, m) => 0.54 - 0.46 * Math.cos((2 * Math.PI * n) / (m - 1)))
}
/** Hann window (`np.hanning`). @example `hanning(5) // [0, 0.5, 1, 0.5, 0]` */
export function hanning(x: TensorLike): Tensor {
  return make(x, 'hanning', (n, m) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (m - 1)))
}

/** @internal Modified Bessel function I0 by its power series (float64, host). */
export function besselI0(x: number): number {
  const h = (x * x) / 4
  let term = 1
  let total = 1
  for (let k = 1; k < 1000; k++) {
    term *= h / (k * k)
    total += term
    if (term < total * 1e-17) break
  }
  return total
}

/** Kaiser window with shape parameter `beta`. @example `kaiser(5, 14)` */
export function kaiser(x: TensorLike, beta: number): Tensor {
  const denom = besselI0(beta)
  return make(x, 'kaiser', (n, m) => {
    const r = (2 * n) / (m - 1) - 1
    return besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / denom
  })
}

/** @internal Periodic Hann/Hamming windows (`scipy.signal.get_window`, used by stft/istft). */
export function periodicWindow(kind: 'hann' | 'hamming', m: number): Float64Array {
  const v = new Float64Array(m)
  const a = kind === 'hann' ? 0.5 : 0.54
  for (let n = 0; n < m; n++) v[n] = a - (1 - a) * Math.cos((2 * Math.PI * n) / m)
  return v
}
