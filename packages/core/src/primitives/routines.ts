/**
 * @file Routine primitives: dense linear algebra (cholesky, triangular_solve, lu, qr, eigh, svd), the FFT
 * and the Threefry random generators. Matrices are the trailing two dims; leading dims are a batch
 * (no broadcasting: ops broadcast first). Conventions follow `jax.lax.linalg` / `jax.lax.fft`:
 * - `cholesky` and `eigh` read one triangle of the operand (the lower one for cholesky), so their VJPs
 *   return gradients in that triangle only; ops that symmetrize first (as `jnp.linalg` does) get the
 *   symmetric gradients of JAX.
 * - `fft`: `fft`/`ifft` take and give `[real, imag]`; `rfft` takes `[x]` (real) and gives `[real, imag]`
 *   of the half spectrum (last axis `n/2 + 1`); `irfft` takes `[real, imag]` of a half spectrum and gives
 *   `[x]`. `ifft`/`irfft` scale by 1/n like NumPy.
 * This file holds the shape/dtype rules; the VJP rules live in `autodiff/rules/routines.ts`.
 */
import { DTypeError, InvalidArgumentError, ShapeError, fmt } from '../errors.js'
import { isFloat, isInt } from '../dtype.js'
import type { Dim } from '../shape.js'
import { definePrimitive } from './def.js'
import type { AbstractValue, BackendPrimParams } from './types.js'

// ---- shape rules -------------------------------------------------------------------------------

function checkFloatMatrix(prim: string, x: AbstractValue, name = 'operand'): void {
  if (!isFloat(x.dtype)) throw new DTypeError(`Primitive \`${prim}\` needs a floating-point ${name}. Received: ${name} dtype=${x.dtype}`)
  if (x.shape.length < 2) throw new ShapeError(`Primitive \`${prim}\` needs a ${name} of rank >= 2 (a batch of matrices). Received: ${name} shape=${fmt(x.shape)}`)
}

function checkSquare(prim: string, x: AbstractValue, name = 'operand'): void {
  const [m, n] = x.shape.slice(-2)
  if (m !== null && n !== null && m !== n) throw new ShapeError(`Primitive \`${prim}\` needs square matrices in the trailing two dims. Received: ${name} shape=${fmt(x.shape)}`)
}

const minDim = (a: Dim, b: Dim): Dim => (a === null || b === null ? (a === 0 || b === 0 ? 0 : null) : Math.min(a, b))
const known = (a: Dim, b: Dim): Dim => (a === null ? b : a)

function checkBatch(prim: string, a: AbstractValue, b: AbstractValue): void {
  const ba = a.shape.slice(0, -2)
  const bb = b.shape.slice(0, -2)
  if (ba.length !== bb.length || ba.some((d, i) => d !== null && bb[i] !== null && d !== bb[i])) {
    throw new ShapeError(`Primitive \`${prim}\` needs operands with one batch shape (ops broadcast first). Received: shapes=${fmt(a.shape)}, ${fmt(b.shape)}`)
  }
}

// ---- linear algebra ----------------------------------------------------------------------------

export const cholesky = definePrimitive({
  name: 'cholesky',
  abstractEval: ([x]) => {
    checkFloatMatrix('cholesky', x!)
    checkSquare('cholesky', x!)
    return [{ shape: x!.shape, dtype: x!.dtype }]
  },
})

export const triangular_solve = definePrimitive({
  name: 'triangular_solve',
  abstractEval: ([a, b], { leftSide }) => {
    checkFloatMatrix('triangular_solve', a!, 'a')
    checkFloatMatrix('triangular_solve', b!, 'b')
    checkSquare('triangular_solve', a!, 'a')
    if (a!.dtype !== b!.dtype) throw new DTypeError(`Primitive \`triangular_solve\` needs a and b of one dtype. Received: dtypes=${a!.dtype}, ${b!.dtype}`)
    checkBatch('triangular_solve', a!, b!)
    const m = known(a!.shape.at(-1)!, a!.shape.at(-2)!)
    const bm = leftSide ? b!.shape.at(-2)! : b!.shape.at(-1)!
    if (m !== null && bm !== null && m !== bm) {
      throw new ShapeError(`Primitive \`triangular_solve\` needs b's ${leftSide ? 'rows' : 'columns'} to match a's size. Received: a shape=${fmt(a!.shape)}, b shape=${fmt(b!.shape)}, leftSide=${leftSide}`)
    }
    return [{ shape: b!.shape.map((d, i) => (i < b!.shape.length - 2 ? known(d, a!.shape[i]!) : d)), dtype: b!.dtype }]
  },
})

export const lu = definePrimitive({
  name: 'lu',
  abstractEval: ([x]) => {
    checkFloatMatrix('lu', x!)
    const batch = x!.shape.slice(0, -2)
    const [m, n] = x!.shape.slice(-2) as [Dim, Dim]
    return [
      { shape: x!.shape, dtype: x!.dtype },
      { shape: [...batch, minDim(m, n)], dtype: 'int32' },
      { shape: [...batch, m], dtype: 'int32' },
    ]
  },
})

export const qr = definePrimitive({
  name: 'qr',
  abstractEval: ([x], { fullMatrices }) => {
    checkFloatMatrix('qr', x!)
    const batch = x!.shape.slice(0, -2)
    const [m, n] = x!.shape.slice(-2) as [Dim, Dim]
    const k = fullMatrices ? m : minDim(m, n)
    return [{ shape: [...batch, m, k], dtype: x!.dtype }, { shape: [...batch, k, n], dtype: x!.dtype }]
  },
})

export const eigh = definePrimitive({
  name: 'eigh',
  abstractEval: ([x]) => {
    checkFloatMatrix('eigh', x!)
    checkSquare('eigh', x!)
    const n = known(x!.shape.at(-1)!, x!.shape.at(-2)!)
    return [{ shape: x!.shape, dtype: x!.dtype }, { shape: [...x!.shape.slice(0, -2), n], dtype: x!.dtype }]
  },
})

export const svd = definePrimitive({
  name: 'svd',
  abstractEval: ([x], { fullMatrices, computeUv }) => {
    checkFloatMatrix('svd', x!)
    const batch = x!.shape.slice(0, -2)
    const [m, n] = x!.shape.slice(-2) as [Dim, Dim]
    const k = minDim(m, n)
    const s: AbstractValue = { shape: [...batch, k], dtype: x!.dtype }
    if (!computeUv) return [s]
    return [
      { shape: [...batch, m, fullMatrices ? m : k], dtype: x!.dtype },
      s,
      { shape: [...batch, fullMatrices ? n : k, n], dtype: x!.dtype },
    ]
  },
})

// ---- FFT -----------------------------------------------------------------------------------------

type FftParams = BackendPrimParams['fft']

function fftOutShape(inShape: readonly Dim[], { fftType, fftLengths }: FftParams): Dim[] {
  const last = fftLengths[fftLengths.length - 1]!
  const out = inShape.slice()
  if (fftType === 'rfft') out[out.length - 1] = Math.floor(last / 2) + 1
  if (fftType === 'irfft') out[out.length - 1] = last
  return out
}

export const fft = definePrimitive({
  name: 'fft',
  abstractEval: (inputs, params) => {
    const { fftType, fftLengths } = params
    if (!['fft', 'ifft', 'rfft', 'irfft'].includes(fftType)) {
      throw new InvalidArgumentError(`Primitive \`fft\` needs fftType "fft", "ifft", "rfft" or "irfft". Received: fftType=${fmt(fftType)}`)
    }
    if (!Array.isArray(fftLengths) || fftLengths.length < 1 || fftLengths.length > 3 || fftLengths.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new InvalidArgumentError(`Primitive \`fft\` needs 1 to 3 positive fftLengths. Received: fftLengths=${fmt(fftLengths)}`)
    }
    const want = fftType === 'rfft' ? 1 : 2
    if (inputs.length !== want) {
      throw new InvalidArgumentError(`Primitive \`fft\` of type "${fftType}" takes ${want === 1 ? '[x] (real)' : '[real, imag]'}. Received: ${inputs.length} inputs`)
    }
    const [x] = inputs
    for (const t of inputs) {
      if (!isFloat(t.dtype) || t.dtype !== x!.dtype) throw new DTypeError(`Primitive \`fft\` needs floating-point inputs of one dtype. Received: dtypes=${inputs.map((i) => i.dtype).join(', ')}`)
      if (t.shape.length !== x!.shape.length || t.shape.some((d, i) => d !== null && x!.shape[i] !== null && d !== x!.shape[i])) {
        throw new ShapeError(`Primitive \`fft\` needs real and imaginary parts of one shape. Received: shapes=${inputs.map((i) => fmt(i.shape)).join(', ')}`)
      }
    }
    const k = fftLengths.length
    const r = x!.shape.length
    if (r < k) throw new ShapeError(`Primitive \`fft\` needs rank >= ${k} for fftLengths=${fmt(fftLengths)}. Received: shape=${fmt(x!.shape)}`)
    const expected = fftLengths.slice()
    if (fftType === 'irfft') expected[k - 1] = Math.floor(fftLengths[k - 1]! / 2) + 1
    const trailing = x!.shape.slice(r - k)
    if (trailing.some((d, i) => d !== null && d !== expected[i])) {
      throw new ShapeError(`Primitive \`fft\` of type "${fftType}" needs trailing dims ${fmt(expected)}. Received: shape=${fmt(x!.shape)}, fftLengths=${fmt(fftLengths)}`)
    }
    const shape = fftOutShape(x!.shape, params)
    const out: AbstractValue = { shape, dtype: x!.dtype }
    return fftType === 'irfft' ? [out] : [out, { shape, dtype: x!.dtype }]
  },
})

// ---- random ----------------------------------------------------------------------------------------

function checkKey(prim: string, key: AbstractValue | undefined, shape: readonly number[]): void {
  if (!key || key.shape.length !== 1 || (key.shape[0] !== null && key.shape[0] !== 2) || !isInt(key.dtype) || !['int32', 'uint32'].includes(key.dtype)) {
    throw new InvalidArgumentError(`Primitive \`${prim}\` needs a key: an int32 (or uint32) tensor of shape (2,) holding the two uint32 words of a Threefry key, e.g. from \`SeedGenerator.next()\`. Received: key shape=${fmt(key?.shape)}, dtype=${key?.dtype}`)
  }
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`Primitive \`${prim}\` needs a concrete shape of non-negative integers. Received: shape=${fmt(shape)}`)
  }
}

export const random_bits = definePrimitive({
  name: 'random_bits',
  abstractEval: ([key], { shape }) => {
    checkKey('random_bits', key, shape)
    return [{ shape: shape.slice(), dtype: 'uint32' }]
  },
})

export const random_uniform = definePrimitive({
  name: 'random_uniform',
  abstractEval: ([key], { shape, dtype }) => {
    checkKey('random_uniform', key, shape)
    if (!isFloat(dtype)) throw new DTypeError(`Primitive \`random_uniform\` draws floating-point dtypes only. Received: dtype=${dtype}`)
    return [{ shape: shape.slice(), dtype }]
  },
})

export const threefry2x32 = definePrimitive({
  name: 'threefry2x32',
  abstractEval: ([keys, counts]) => {
    const pairs = (v: AbstractValue | undefined): boolean => !!v && ['int32', 'uint32'].includes(v.dtype) && v.shape.length >= 1 && (v.shape.at(-1) === 2 || v.shape.at(-1) === null)
    const same = pairs(keys) && pairs(counts) && keys!.dtype === counts!.dtype && keys!.shape.length === counts!.shape.length &&
      keys!.shape.every((d, i) => d === null || counts!.shape[i] === null || d === counts!.shape[i])
    if (!same) {
      throw new InvalidArgumentError(`Primitive \`threefry2x32\` needs keys and counters as int32 (or uint32) word pairs of one shape [..., 2]. Received: keys=${keys?.dtype}${fmt(keys?.shape)}, counts=${counts?.dtype}${fmt(counts?.shape)}`)
    }
    return [{ shape: keys!.shape.map((d, i) => d ?? counts!.shape[i]!), dtype: keys!.dtype }]
  },
})
