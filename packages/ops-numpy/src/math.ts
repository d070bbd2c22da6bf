/**
 * @file `keras.ops` math ops: logsumexp (with a stable custom VJP), segment reductions, cdist,
 * extract_sequences, FFTs on (real, imag) pairs, stft/istft, view_as_real/complex.
 */
import { DTypeError, InvalidArgumentError, NotImplementedError, ShapeError, Tensor, bind, customGradient, fmt, isFloat, lax, tensor } from '@kx/core'
import type { DType } from '@kx/core'
import { toTensor, type TensorLike } from './convert.js'
import { axesOf, broadcastTo, cast, resultDType, scalar } from './promote.js'
import { like } from './elementwise.js'
import { insertAxes } from './shape-util.js'
import { sliceAxis } from './shape-ops.js'
import { pad } from './shape-ops-more.js'
import { periodicWindow } from './windows.js'

export { erf, erfc, erfinv, rsqrt } from './elementwise.js'
export { topK, inTopK } from './sorting.js'
export { logdet } from './linalg.js'

/**
 * `log(sum(exp(x)))` over `axis`, computed stably (the max is subtracted); its gradient is
 * `softmax(x) · g` (a custom VJP, exact where the naive chain rule overflows).
 *
 * @example
 * ```ts
 * logsumexp([1000, 1000]) // 1000.6931
 * ```
 */
export function logsumexp(x: TensorLike, options: { axis?: number | readonly number[] | null; keepdims?: boolean } = {}): Tensor {
  const t0 = toTensor(x)
  const t = isFloat(t0.dtype) ? t0 : cast(t0, resultDType(t0.dtype, 'weak_float'))
  const axes = axesOf(options.axis, t.shape.length, 'logsumexp')
  const kept = t.shape.map((_, i) => i).filter((i) => !axes.includes(i))
  const f = customGradient((u: Tensor) => {
    const m0 = lax.reduceMax(u, axes)
    // NOTE: an infinite max (all -inf, or +inf) is replaced by 0 so that x - max has no NaN.
    const m = lax.select(lax.unary('is_finite', m0), m0, like(m0, 0))
    const mb = lax.broadcastInDim(m, u.shape as number[], kept)
    const s = lax.reduceSum(lax.exp(lax.sub(u, mb)), axes)
    const out = lax.add(lax.log(s), m)
    // d logsumexp = softmax(x) · g = exp(x - out) · g
    return [out, (g: Tensor) => [lax.mul(lax.exp(lax.sub(u, lax.broadcastInDim(out, u.shape as number[], kept))), lax.broadcastInDim(g, u.shape as number[], kept))]]
  })
  const out = f(t) as Tensor
  return options.keepdims ? insertAxes(out, axes) : out
}

/** Options of the segment reductions. */
export interface SegmentOptions {
  /** Number of segments (default: `max(segmentIds) + 1`, read eagerly). */
  readonly numSegments?: number | null
  /** Whether ids are sorted (a hint; unused). */
  readonly sorted?: boolean
}

function segmentSetup(data: TensorLike, segmentIds: TensorLike, options: SegmentOptions, op: string): { d: Tensor; ids: Tensor; n: number; hot: Tensor } {
  const d = toTensor(data)
  const ids = cast(toTensor(segmentIds), 'int32')
  if (ids.shape.length !== 1 || ids.shape[0] !== d.shape[0]) {
    throw new ShapeError(`\`${op}\` needs 1-D segment ids as long as data's first axis. Received: data.shape=${fmt(d.shape)}, segment_ids.shape=${fmt(ids.shape)}`)
  }
  let n = options.numSegments ?? null
  if (n === null) {
    if (ids.isSymbolic) throw new InvalidArgumentError(`\`${op}\` needs \`numSegments\` on symbolic tensors.`)
    const v = Array.from(ids.dataSync() as ArrayLike<number>)
    n = v.length ? Math.max(...v) + 1 : 0
  }
  const m = d.shape[0]!
  // hot[s, i] = ids[i] == s (ids outside [0, n) belong to no segment, as JAX drops them)
  const hot = lax.eq(broadcastTo(lax.iota('int32', [n], 0), [m, n]), broadcastTo(insertAxes(ids, [1]), [m, n]))
  return { d, ids, n, hot: lax.transpose(hot, [1, 0]) }
}

function segmentReduce(op: string, kind: 'sum' | 'max' | 'min' | 'prod') {
  return (data: TensorLike, segmentIds: TensorLike, options: SegmentOptions = {}): Tensor => {
    const { d, ids, n, hot } = segmentSetup(data, segmentIds, options, op)
    const rest = d.shape.slice(1) as number[]
    if (kind === 'sum') {
      const valid = lax.binary('and', lax.ge(ids, like(ids, 0)), lax.lt(ids, like(ids, n)))
      const upd = lax.select(lax.broadcastInDim(valid, d.shape as number[], [0]), d, like(d, 0))
      const safe = lax.select(valid, ids, like(ids, 0))
      return lax.scatterAdd(broadcastTo(scalar(0, d.dtype, d), [n, ...rest]), safe, upd, 0)
    }
    const m = d.shape[0]!
    const full = [n, m, ...rest]
    const h = lax.broadcastInDim(hot, full, [0, 1])
    const de = broadcastTo(insertAxes(d, [0]), full)
    const ident = kind === 'prod' ? 1 : kind === 'max' ? (isFloat(d.dtype) ? -Infinity : -2147483648) : (isFloat(d.dtype) ? Infinity : 2147483647)
    const v = lax.select(h, de, like(de, ident))
    return lax.reduce(kind === 'prod' ? 'reduce_prod' : kind === 'max' ? 'reduce_max' : 'reduce_min', v, [1])
  }
}
/** Sums of the rows of `data` per segment id. @example `segmentSum([1, 2, 3], [0, 0, 1], { numSegments: 2 }) // [3, 3]` */
export const segmentSum = /* @__PURE__ */ segmentReduce('segmentSum', 'sum')
/** Maxima per segment (empty segments give the dtype's lowest value). @example `segmentMax([1, 5, 3], [0, 0, 1])` */
export const segmentMax = /* @__PURE__ */ segmentReduce('segmentMax', 'max')
/** Minima per segment. @example `segmentMin([1, 5, 3], [0, 0, 1])` */
export const segmentMin = /* @__PURE__ */ segmentReduce('segmentMin', 'min')
/** Products per segment. @example `segmentProd([2, 5, 3], [0, 0, 1])` */
export const segmentProd = /* @__PURE__ */ segmentReduce('segmentProd', 'prod')

/**
 * Euclidean distances between the rows of `x` `[..., P, M]` and `y` `[..., R, M]` → `[..., P, R]`.
 *
 * @example
 * ```ts
 * cdist([[0, 0]], [[3, 4]]) // [[5]]
 * ```
 */
export function cdist(x: TensorLike, y: TensorLike): Tensor {
  const d = resultDType(x, y, 'weak_float')
  const a = toTensor(x, d)
  const b = toTensor(y, d)
  const r = a.shape.length
  if (r < 2 || b.shape.length !== r) throw new ShapeError(`\`cdist\` needs inputs of rank >= 2 and one rank. Received: x.shape=${fmt(a.shape)}, y.shape=${fmt(b.shape)}`)
  const p = a.shape[r - 2]!
  const q = b.shape[r - 2]!
  const shape = [...a.shape.slice(0, -2), p, q, a.shape[r - 1]!]
  const diff = lax.sub(broadcastTo(insertAxes(a, [r - 1]), shape), broadcastTo(insertAxes(b, [r - 2]), shape))
  return lax.sqrt(lax.reduceSum(lax.mul(diff, diff), [r]))
}

/**
 * Frames of length `sequenceLength` taken every `sequenceStride` along the last axis → `[..., frames, sequenceLength]`.
 *
 * @example
 * ```ts
 * extractSequences(ops.arange(10), 4, 3) // shape [3, 4]
 * ```
 */
export function extractSequences(x: TensorLike, sequenceLength: number, sequenceStride: number): Tensor {
  const t = toTensor(x)
  const r = t.shape.length
  const n = t.shape[r - 1]!
  if (n === null) throw new ShapeError(`\`extractSequences\` needs a known signal length. Received: x.shape=${fmt(t.shape)}`)
  const frames = Math.max(0, Math.floor((n - sequenceLength) / sequenceStride) + 1)
  const idx = lax.add(lax.mul(lax.iota('int32', [frames, sequenceLength], 0), broadcastTo(scalar(sequenceStride, 'int32', t), [frames, sequenceLength])), lax.iota('int32', [frames, sequenceLength], 1))
  return lax.gather(t, idx, r - 1)
}

type Complex = readonly [TensorLike, TensorLike]
function complexPair(x: Complex | readonly TensorLike[], op: string): [Tensor, Tensor] {
  if (!Array.isArray(x) || x.length !== 2) throw new InvalidArgumentError(`\`${op}\` needs a pair [real, imag] of tensors. Received: ${fmt(x)}`)
  const re = toTensor(x[0]!)
  const im = toTensor(x[1]!)
  if (!isFloat(re.dtype) || !isFloat(im.dtype)) throw new DTypeError(`\`${op}\` needs floating-point real and imaginary parts. Received: dtypes=${re.dtype}, ${im.dtype}`)
  if (re.shape.length !== im.shape.length || re.shape.some((d, i) => d !== im.shape[i])) throw new ShapeError(`\`${op}\`: real and imaginary parts must have one shape. Received: x[0].shape=${fmt(re.shape)}, x[1].shape=${fmt(im.shape)}`)
  const d = resultDType(re, im)
  return [cast(re, d), cast(im, d)]
}
const fftCall = (xs: Tensor[], fftType: 'fft' | 'ifft' | 'rfft' | 'irfft', fftLengths: number[]): Tensor[] => bind('fft', xs, { fftType, fftLengths })

/** FFT over the last axis of a complex pair → `[real, imag]`. @example `const [re, im] = fft([x, zeros])` */
export function fft(x: Complex): [Tensor, Tensor] {
  const [re, im] = complexPair(x, 'fft')
  const [a, b] = fftCall([re, im], 'fft', [re.shape[re.shape.length - 1]!])
  return [a!, b!]
}
/** 2-D FFT over the last two axes. @example `fft2([re, im])` */
export function fft2(x: Complex): [Tensor, Tensor] {
  const [re, im] = complexPair(x, 'fft2')
  const [a, b] = fftCall([re, im], 'fft', re.shape.slice(-2) as number[])
  return [a!, b!]
}
/** Inverse 2-D FFT over the last two axes. @example `ifft2([re, im])` */
export function ifft2(x: Complex): [Tensor, Tensor] {
  const [re, im] = complexPair(x, 'ifft2')
  const [a, b] = fftCall([re, im], 'ifft', re.shape.slice(-2) as number[])
  return [a!, b!]
}

function fitLength(t: Tensor, n: number): Tensor {
  const r = t.shape.length
  const len = t.shape[r - 1]!
  if (len === n) return t
  if (len > n) return sliceAxis(t, r - 1, 0, n)
  return lax.pad(t, scalar(0, t.dtype, t), t.shape.map(() => 0), t.shape.map((_, i) => (i === r - 1 ? n - len : 0)))
}

/**
 * FFT of a real signal over the last axis (`fftLength` crops or zero-pads) → `[real, imag]` of
 * `fftLength / 2 + 1` bins.
 *
 * @example
 * ```ts
 * const [re, im] = rfft([1, 2, 3, 4])
 * ```
 */
export function rfft(x: TensorLike, options: { fftLength?: number | null } = {}): [Tensor, Tensor] {
  const t0 = toTensor(x)
  const t = isFloat(t0.dtype) ? t0 : cast(t0, 'float32')
  const n = options.fftLength ?? t.shape[t.shape.length - 1]!
  const [a, b] = fftCall([fitLength(t, n)], 'rfft', [n])
  return [a!, b!]
}

/**
 * Inverse of `rfft`: a real signal of length `fftLength` (default `2 · (bins - 1)`).
 *
 * @example
 * ```ts
 * irfft(rfft(x)) // x
 * ```
 */
export function irfft(x: Complex, options: { fftLength?: number | null } = {}): Tensor {
  const [re, im] = complexPair(x, 'irfft')
  const bins = re.shape[re.shape.length - 1]!
  const n = options.fftLength ?? 2 * (bins - 1)
  const need = Math.floor(n / 2) + 1
  return fftCall([fitLength(re, need), fitLength(im, need)], 'irfft', [n])[0]!
}

function windowTensor(window: 'hann' | 'hamming' | TensorLike | null, sequenceLength: number, fftLength: number, d: DType, op: string): Tensor {
  let w: Tensor
  if (window === null) w = tensor(new Float64Array(sequenceLength).fill(1), { shape: [sequenceLength], dtype: d })
  else if (window === 'hann' || window === 'hamming') w = tensor(periodicWindow(window, sequenceLength), { shape: [sequenceLength], dtype: d })
  else if (typeof window === 'string') throw new InvalidArgumentError(`If a string is passed to \`window\`, it must be one of "hann", "hamming". Received: window=${fmt(window)}`)
  else w = toTensor(window, d)
  if (w.shape.length !== 1 || w.shape[0] !== sequenceLength) throw new ShapeError(`The shape of \`window\` must be equal to [sequence_length]. Received: window shape=${fmt(w.shape)}`)
  const l = Math.floor((fftLength - sequenceLength) / 2)
  return lax.pad(w, scalar(0, d), [l], [fftLength - sequenceLength - l])
}

/**
 * Short-time Fourier transform over the last axis → `[real, imag]` of shape
 * `[..., frames, fftLength / 2 + 1]` (`center` reflect-pads by `fftLength / 2`).
 *
 * @example
 * ```ts
 * const [re, im] = stft(signal, 8, 4, 16)
 * ```
 */
export function stft(x: TensorLike, sequenceLength: number, sequenceStride: number, fftLength: number, options: { window?: 'hann' | 'hamming' | TensorLike | null; center?: boolean } = {}): [Tensor, Tensor] {
  let t = toTensor(x)
  if (t.dtype !== 'float32' && t.dtype !== 'float64') throw new DTypeError(`Invalid input type. Expected \`float32\` or \`float64\`. Received: input type=${t.dtype}`)
  if (fftLength < sequenceLength) throw new InvalidArgumentError(`\`fft_length\` must equal or larger than \`sequence_length\`. Received: sequence_length=${sequenceLength}, fft_length=${fftLength}`)
  const r = t.shape.length
  if (options.center ?? true) {
    const half = Math.floor(fftLength / 2)
    t = pad(t, t.shape.map((_, i) => (i === r - 1 ? [half, half] : [0, 0])) as [number, number][], { mode: 'reflect' })
  }
  const win = windowTensor(options.window === undefined ? 'hann' : options.window, sequenceLength, fftLength, t.dtype, 'stft')
  const frames = extractSequences(t, fftLength, sequenceStride)
  const windowed = lax.mul(frames, broadcastTo(win, frames.shape))
  const [a, b] = fftCall([windowed], 'rfft', [fftLength])
  return [a!, b!]
}

/**
 * Inverse short-time Fourier transform: overlap-adds the inverse FFT of each frame, normalised by
 * the overlapped squared window.
 *
 * @example
 * ```ts
 * istft(stft(signal, 8, 4, 16), 8, 4, 16)
 * ```
 */
export function istft(x: Complex, sequenceLength: number, sequenceStride: number, fftLength: number, options: { length?: number | null; window?: 'hann' | 'hamming' | TensorLike | null; center?: boolean } = {}): Tensor {
  const [re, im] = complexPair(x, 'istft')
  const r = re.shape.length
  if (r < 2) throw new ShapeError(`Input \`x\` must have at least 2 dimensions. Received shape: ${fmt(re.shape)}`)
  const nFrames = re.shape[r - 2]!
  const outLen = fftLength + sequenceStride * (nFrames - 1)
  const win = windowTensor(options.window === undefined ? 'hann' : options.window, sequenceLength, fftLength, re.dtype, 'istft')
  const frames = lax.mul(fftCall([re, im], 'irfft', [fftLength])[0]!, broadcastTo(win, [...re.shape.slice(0, -1), fftLength] as number[]))
  // overlap-add through a scatter_add on the flattened positions
  const pos = lax.add(lax.mul(lax.iota('int32', [nFrames, fftLength], 0), broadcastTo(scalar(sequenceStride, 'int32'), [nFrames, fftLength])), lax.iota('int32', [nFrames, fftLength], 1))
  const lead = re.shape.slice(0, -2) as number[]
  const zeros = broadcastTo(scalar(0, re.dtype, re), [...lead, outLen])
  const summed = lax.scatterAdd(zeros, pos, frames, lead.length)
  const w2 = lax.mul(win, win)
  const norm = lax.scatterAdd(broadcastTo(scalar(0, re.dtype), [outLen]), pos, broadcastTo(w2, [nFrames, fftLength]), 0)
  const safe = lax.gt(norm, like(norm, 1e-10))
  const normB = broadcastTo(lax.select(safe, norm, like(norm, 1)), summed.shape)
  let out = lax.div(summed, normB)
  const start = (options.center ?? true) ? Math.floor(fftLength / 2) : 0
  let end: number
  if (options.length !== undefined && options.length !== null) end = start + options.length
  else if (options.center ?? true) end = outLen - Math.floor(fftLength / 2)
  else end = outLen
  out = sliceAxis(out, out.shape.length - 1, start, Math.min(end, outLen))
  return out
}

/** The real pair of a real tensor: `[..., 2]` with zero imaginary parts. @example `viewAsReal([1, 2])` */
export function viewAsReal(x: TensorLike): Tensor {
  const t = toTensor(x)
  const e = insertAxes(t, [t.shape.length])
  return lax.concatenate([e, like(e, 0)], t.shape.length)
}

/**
 * `view_as_complex` needs a complex dtype, which kx does not have: a typed error that says to keep
 * `[real, imag]` pairs instead.
 *
 * @example
 * ```ts
 * // const [re, im] = ops.unstack(x, { axis: -1 })
 * ```
 */
export function viewAsComplex(x: TensorLike): never {
  const t = toTensor(x)
  throw new NotImplementedError(`\`viewAsComplex\` needs complex tensors, which kx does not have; kx's FFT ops take and return [real, imag] pairs (use \`unstack(x, { axis: -1 })\`). Received: x.shape=${fmt(t.shape)}`)
}
