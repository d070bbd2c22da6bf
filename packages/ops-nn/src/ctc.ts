/**
 * @file CTC: `ctcLoss` (the forward algorithm in log space, differentiable, unrolled over time) and
 * `ctcDecode` (greedy on device; beam search on the host, as Keras's JAX backend defines it).
 */
import {
  InvalidArgumentError, KerasTensor, ShapeError, fmt, isFloat, lax, resultType, type DType, type Tensor, tensor,
} from '@kx/core'
import { logSoftmax } from './activations.js'
import { oneHot } from './misc.js'
import {
  abs, add, broadcastTo, cast, concatenate, convertToTensor, equal, greaterEqual, maximum, multiply, negative, subtract, sum, where,
  type TensorLike,
} from '@kx/ops-numpy'
import { iotaOn, padConst, reshapeDims, scalar, sliceAxis } from './util.js'

/** A constant of `shape` on `ref`'s backend. */
function constant(ref: Tensor, shape: readonly number[], value: number, dtype: DType): Tensor {
  return broadcastTo(scalar(ref, value, dtype), shape)
}

// NOTE: optax's log(0) stand-in: large enough to vanish in logaddexp, small enough to stay finite in float16/32.
const LOG_EPSILON = -1e5

/** Stable `log(exp(a) + exp(b))`; a tie splits the gradient evenly, which is exact. */
function logaddexp(a: Tensor, b: Tensor): Tensor {
  const m = maximum(a, b)
  return add(m, lax.unary('log1p', lax.exp(negative(abs(subtract(a, b))))))
}

/** `phi[:, 1:] = logaddexp(phi[:, 1:], added)`. */
function updatePhi(phi: Tensor, added: Tensor): Tensor {
  const n = phi.shape[1]!
  return concatenate([sliceAxis(phi, 1, 0, 1), logaddexp(sliceAxis(phi, 1, 1, n), added)], { axis: 1 })
}

/**
 * Connectionist temporal classification loss per batch element (`keras.ops.ctc_loss`). `target` is
 * `(B, L)` integer labels, `output` the `(B, T, C)` logits, lengths are `(B,)`; class `maskIndex`
 * (default 0) is the blank. Differentiable in `output`.
 *
 * @example
 * ```ts
 * ctcLoss(labels, logits, labelLengths, logitLengths) // → (B,)
 * ```
 */
export function ctcLoss(target: TensorLike, output: TensorLike, targetLength: TensorLike, outputLength: TensorLike, options: { maskIndex?: number } = {}): Tensor {
  const tgt = cast(convertToTensor(target), 'int32')
  const out0 = convertToTensor(output)
  const dtype = resultType(out0.dtype, 'float32')
  const out = cast(out0, dtype)
  const tl = cast(convertToTensor(targetLength), 'int32')
  const ol = cast(convertToTensor(outputLength), 'int32')
  if (tgt.ndim !== 2 || out.ndim !== 3 || tl.ndim !== 1 || ol.ndim !== 1) {
    throw new ShapeError(`\`ctc_loss\` needs target (B, L), output (B, T, C) and lengths (B,). Received: target.shape=${fmt(tgt.shape)}, output.shape=${fmt(out.shape)}, target_length.shape=${fmt(tl.shape)}, output_length.shape=${fmt(ol.shape)}`)
  }
  for (const [n1, s1, n2, s2] of [['target', tgt.shape, 'output', out.shape], ['target_length', tl.shape, 'target', tgt.shape], ['output_length', ol.shape, 'output', out.shape]] as const) {
    if (s1[0] !== null && s2[0] !== null && s1[0] !== s2[0]) {
      throw new ShapeError(`Arguments \`${n1}\` and \`${n2}\` must have the same first dimension. Received shapes: ${fmt(s1)} and ${fmt(s2)}.`)
    }
  }
  const [, T, C] = out.shape as [number, number, number]
  const L = tgt.shape[1]!
  if (T === null || L === null || C === null) {
    throw new ShapeError(`\`ctc_loss\` needs known time, label and class dimensions (it unrolls over time). Received: target.shape=${fmt(tgt.shape)}, output.shape=${fmt(out.shape)}`)
  }
  const maskIndex = options.maskIndex ?? 0
  const logprobs = logSoftmax(out, { axis: -1 })
  // Label lengths as optax counts them: the number of non-padded positions.
  const padCount = sum(cast(greaterEqual(iotaOn(tgt, 'int32', [1, L], 1), reshapeDims(tl, [-1, 1])), 'int32'), { axis: 1 })
  const labelLengths = subtract(L, padCount)
  // repeat[b, n] = 1 when label n equals label n + 1.
  const repeat = padConst(cast(equal(sliceAxis(tgt, 1, 0, L - 1), sliceAxis(tgt, 1, 1, L)), dtype), [[0, 0], [0, 1]])
  const phiAll = sliceAxis(logprobs, 2, maskIndex, maskIndex + 1) // [B, T, 1]
  const emitAll = lax.dotGeneral(logprobs, oneHot(tgt, C, { dtype }), [[2], [2]], [[0], [0]]) // [B, T, L]
  const pads = cast(greaterEqual(iotaOn(ol, 'int32', [1, T], 1), reshapeDims(ol, [-1, 1])), dtype) // [B, T]: 1 past the end

  const B = out.shape[0]!
  let phi = concatenate([constant(out, [B, 1], 0, dtype), constant(out, [B, L], LOG_EPSILON, dtype)], { axis: 1 }) // [B, L+1]
  let emit = constant(out, [B, L], LOG_EPSILON, dtype) // [B, L]
  const repeatEps = multiply(repeat, LOG_EPSILON)
  const notRepeatEps = multiply(subtract(1, repeat), LOG_EPSILON)
  for (let t = 0; t < T; t++) {
    const emitT = reshapeDims(sliceAxis(emitAll, 1, t, t + 1), [-1, L])
    const phiT = reshapeDims(sliceAxis(phiAll, 1, t, t + 1), [-1, 1])
    const pad = reshapeDims(sliceAxis(pads, 1, t, t + 1), [-1, 1])
    const prevPhiOrig = phi
    const prevPhi = updatePhi(phi, add(emit, repeatEps))
    let nextEmit = logaddexp(add(sliceAxis(prevPhi, 1, 0, L), emitT), add(emit, emitT))
    let nextPhi = add(prevPhi, phiT)
    nextPhi = updatePhi(nextPhi, add(add(emit, phiT), notRepeatEps))
    const keep = subtract(1, pad)
    nextEmit = add(multiply(pad, emit), multiply(keep, nextEmit))
    nextPhi = add(multiply(pad, prevPhiOrig), multiply(keep, nextPhi))
    phi = nextPhi
    emit = nextEmit
  }
  const last = updatePhi(phi, emit)
  const pick = oneHot(labelLengths, L + 1, { dtype })
  return negative(sum(multiply(last, pick), { axis: 1 }))
}

/** Options of `ctcDecode`. */
export interface CtcDecodeOptions {
  /** `'greedy'` (default) or `'beam_search'`. */
  readonly strategy?: 'greedy' | 'beam_search'
  readonly beamWidth?: number
  readonly topPaths?: number
  /** Greedy only: merge repeated classes (default true). */
  readonly mergeRepeated?: boolean
  /** The blank class (default 0). */
  readonly maskIndex?: number | null
}

/**
 * Decodes CTC outputs (`keras.ops.ctc_decode`). Returns `[decoded, scores]`: `decoded` is
 * `(topPaths, B, T)` int32 class sequences padded with -1, `scores` `(B, topPaths)`. Greedy decoding
 * takes the arg-max class per step (score: minus the sum of the step maxima); beam search keeps
 * `beamWidth` prefixes by total log-probability (it reads the data on the host).
 *
 * @example
 * ```ts
 * const [decoded, scores] = ctcDecode(logits, lengths, { strategy: 'greedy' })
 * ```
 */
export function ctcDecode(inputs: TensorLike, sequenceLengths: TensorLike, options: CtcDecodeOptions = {}): [Tensor, Tensor] {
  const x0 = convertToTensor(inputs)
  const x = cast(x0, resultType(x0.dtype, 'float32'))
  const lens = cast(convertToTensor(sequenceLengths), 'int32')
  if (x.ndim !== 3) throw new ShapeError(`\`ctc_decode\` needs inputs of shape (B, T, C). Received: inputs.shape=${fmt(x.shape)}`)
  const strategy = options.strategy ?? 'greedy'
  const [B, T, C] = x.shape as [number, number, number]
  const maskIndex = options.maskIndex ?? (C === null ? 0 : C - 1)
  if (strategy === 'greedy') return greedy(x, lens, options.mergeRepeated ?? true, options.maskIndex === undefined ? 0 : maskIndex)
  if (strategy !== 'beam_search') throw new InvalidArgumentError(`Invalid strategy ${fmt(strategy)}. Supported values are 'greedy' and 'beam_search'.`)
  const topPaths = options.topPaths ?? 1
  const beamWidth = options.beamWidth ?? 100
  if (x.isSymbolic || lens.isSymbolic) {
    // NOTE: beam search runs on the host; the symbolic path only states the output specs.
    return [new KerasTensor([topPaths, B, T], 'int32'), new KerasTensor([B, topPaths], x.dtype)]
  }
  return beamSearch(x, lens, beamWidth, topPaths, options.maskIndex === undefined ? 0 : maskIndex)
}

function greedy(x: Tensor, lens: Tensor, mergeRepeated: boolean, maskIndex: number): [Tensor, Tensor] {
  const T = x.shape[1]!
  let indices = lax.argmax(x, 2, 'int32')
  let scores = lax.reduceMax(x, [2])
  const past = greaterEqual(iotaOn(x, 'int32', [1, T], 1), reshapeDims(lens, [-1, 1]))
  indices = where(past, maskIndex, indices)
  scores = where(past, 0, scores)
  if (mergeRepeated && T > 1) {
    const rep = padConst(cast(equal(sliceAxis(indices, 1, 1, T), sliceAxis(indices, 1, 0, T - 1)), 'int32'), [[0, 0], [1, 0]])
    indices = where(cast(rep, 'bool'), maskIndex, indices)
  }
  const invalid = equal(indices, maskIndex)
  indices = where(invalid, -1, indices)
  // Stable partition, valid steps first (in order), then the blanks: sort the key `order * (C + 1) + index + 1`
  // (order = the step, or T for blanks) and decode the index from it.
  const C = x.shape[2]!
  const order = where(invalid, T, iotaOn(x, 'int32', [1, T], 1))
  const key = add(multiply(order, C + 1), add(indices, 1))
  const [sorted] = lax.sort(key, 1)
  indices = subtract(lax.binary('rem', sorted, broadcastTo(scalar(sorted, C + 1), sorted.shape)), 1)
  const total = reshapeDims(negative(sum(scores, { axis: 1 })), [-1, 1])
  return [reshapeDims(indices, [1, ...indices.shape]), total]
}

// ---- beam search (host) --------------------------------------------------------------------------

function lexCompare(a: Int32Array, b: Int32Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return 0
}

/** `jnp.unique(rows, axis=0, return_inverse=True, size, fill_value=-1)`: sorted unique rows, padded. */
function uniqueRows(rows: Int32Array[], size: number, len: number): { uniq: Int32Array[]; inverse: number[] } {
  const idx = rows.map((_, i) => i).sort((i, j) => lexCompare(rows[i]!, rows[j]!) || i - j)
  const uniq: Int32Array[] = []
  const inverse = new Array<number>(rows.length)
  for (const i of idx) {
    if (uniq.length === 0 || lexCompare(uniq[uniq.length - 1]!, rows[i]!) !== 0) uniq.push(rows[i]!)
    inverse[i] = uniq.length - 1
  }
  while (uniq.length < size) uniq.push(new Int32Array(len).fill(-1))
  return { uniq: uniq.slice(0, size), inverse }
}

/** Log-sum-exp of scores grouped by `inverse` (JAX's `_merge_scores`, including its global shift). */
function mergeScores(inverse: number[], scores: Float64Array, size: number): Float64Array {
  let m = -Infinity
  for (const s of scores) m = Math.max(m, s)
  const acc = new Float64Array(size)
  scores.forEach((s, i) => { acc[inverse[i]!] += Math.exp(s - m) })
  return acc.map((a) => Math.log(a) + m)
}

/** Stable ascending argsort with NaN last (as `jnp.argsort`). */
function argsort(v: Float64Array): number[] {
  const key = (x: number): number => (Number.isNaN(x) ? Infinity : x)
  return Array.from(v, (_, i) => i).sort((i, j) => {
    const a = v[i]!
    const b = v[j]!
    if (Number.isNaN(a) !== Number.isNaN(b)) return Number.isNaN(a) ? 1 : -1
    return key(a) - key(b) || i - j
  })
}

function logaddexpHost(a: number, b: number): number {
  const m = Math.max(a, b)
  if (m === -Infinity) return -Infinity
  return m + Math.log1p(Math.exp(-Math.abs(a - b)))
}

function beamSearch(x: Tensor, lensT: Tensor, W: number, topPaths: number, maskIndex: number): [Tensor, Tensor] {
  const [B, T, C] = x.shape as [number, number, number]
  const lp = logSoftmax(x, { axis: -1 })
  const data = lp.dataSync()
  const lens = lensT.dataSync()
  // NOTE: classes are flipped (c → C-1-c) as Keras's JAX backend does, so argsort ties break like TensorFlow's.
  const mask = C - maskIndex - 1
  const at = (b: number, t: number, c: number): number => data[(b * T + t) * C + (C - 1 - c)] as number
  const outPaths: Int32Array[][] = []
  const outScores: number[][] = []
  const rowsN = 2 * W
  for (let b = 0; b < B; b++) {
    let paths = Array.from({ length: rowsN }, () => new Int32Array(T).fill(-1))
    let scores = new Float64Array(rowsN).fill(-Infinity)
    const k0 = Math.min(C, W)
    const first = Float64Array.from({ length: C }, (_, c) => at(b, 0, c))
    const top = argsort(first).slice(-k0)
    top.forEach((c, i) => { paths[i]![0] = c === mask ? -1 : c; scores[i] = first[c]! })
    let masked = paths.map((p) => p[0] === -1)
    for (let t = 1; t < T; t++) {
      if (t >= (lens[b] as number)) continue
      // extend every path by every class
      const ext: Int32Array[] = []
      const extScores = new Float64Array(rowsN * C)
      const extMasked: boolean[] = []
      for (let r = 0; r < rowsN; r++) {
        const p = paths[r]!
        let tail = p.indexOf(-1)
        if (tail < 0) tail = 0
        const tailClass = tail === 0 ? -1 : p[tail - 1]!
        for (let c = 0; c < C; c++) {
          let cls = c === mask ? -1 : c
          const isMasked = cls === -1
          if (!masked[r] && tailClass === cls) cls = -1
          const q = p.slice()
          q[tail] = cls
          ext.push(q)
          extScores[r * C + c] = scores[r]! + at(b, t, c)
          extMasked.push(isMasked)
        }
      }
      const size = 2 * C * W
      const { uniq, inverse } = uniqueRows(ext, size, T)
      const emitS = mergeScores(inverse, extScores.map((s, i) => (extMasked[i] ? -Infinity : s)), size)
      const maskS = mergeScores(inverse, extScores.map((s, i) => (extMasked[i] ? s : -Infinity)), size)
      const total = emitS.map((e, i) => logaddexpHost(e, maskS[i]!))
      const keep = argsort(total).slice(-W)
      const kept = keep.map((i) => uniq[i]!)
      paths = [...kept.map((p) => p.slice()), ...kept.map((p) => p.slice())]
      scores = Float64Array.from([...keep.map((i) => emitS[i]!), ...keep.map((i) => maskS[i]!)])
      masked = [...keep.map(() => false), ...keep.map(() => true)]
    }
    const size = 2 * C * W
    const { uniq, inverse } = uniqueRows(paths, size, T)
    const merged = mergeScores(inverse, scores, size)
    const best = argsort(merged).slice(-topPaths).reverse()
    outPaths.push(best.map((i) => uniq[i]!.map((c) => (c === -1 ? -1 : C - 1 - c))))
    outScores.push(best.map((i) => merged[i]!))
  }
  const decoded = new Int32Array(topPaths * B * T)
  for (let k = 0; k < topPaths; k++) for (let b = 0; b < B; b++) decoded.set(outPaths[b]![k] ?? new Int32Array(T).fill(-1), (k * B + b) * T)
  const dtype: DType = isFloat(x.dtype) ? x.dtype : 'float32'
  return [
    tensor(decoded, { shape: [topPaths, B, T], dtype: 'int32', backend: x.backend }),
    tensor(outScores.flat(), { shape: [B, topPaths], dtype, backend: x.backend }),
  ]
}

