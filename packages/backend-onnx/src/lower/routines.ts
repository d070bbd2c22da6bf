/**
 * @file Lowerings of the routine primitives: Threefry-2x32 random bits and uniforms (uint32 Add /
 * BitShift / BitwiseXor, opset 18, bit-identical to core's generator), FFTs through DFT (opset 17),
 * and the factorizations ONNX has no operator for and kx does not unroll (typed errors).
 */
import type { DType } from '@kx/core'
import type { GraphBuilder, LVal } from '../onnx/builder.js'
import { ONNX_TYPE } from '../onnx/proto.js'
import { STORAGE } from '../onnx/dtypes.js'
import { computeDtype, fromCompute, FLOATS, type Lowering } from './common.js'

const ROTATIONS = [[13, 15, 26, 6], [17, 29, 16, 24]] as const

/** The two Threefry-2x32 output words for counters `(0, iota(n))` under `key` (int32/uint32 [2]). */
function threefry(b: GraphBuilder, key: LVal, n: number): [string, string] {
  const U = ONNX_TYPE.UINT32
  const k = b.castTo(key.name, STORAGE[key.dtype], U)
  const k0 = b.op('Gather', [k, b.i64s(0)], { axis: 0 })
  const k1 = b.op('Gather', [k, b.i64s(1)], { axis: 0 })
  const lo = b.castTo(b.op('Range', [b.i64s(0), b.i64s(n), b.i64s(1)]), ONNX_TYPE.INT64, U)
  // the high counter words are all zero for n < 2^32
  return threefryRounds(b, k0, k1, b.constant([0], U, []), lo)
}

/** Threefry-2x32-20 on uint32 words (broadcasting): key `(k0, k1)`, counter `(c0, c1)`. */
function threefryRounds(b: GraphBuilder, k0: string, k1: string, c0: string, c1: string): [string, string] {
  if (b.opset < 18) b.unsupported('BitwiseXor', `Threefry needs opset 18 (bitwise operators); the target opset is ${b.opset}`)
  const U = ONNX_TYPE.UINT32
  const k2 = b.op('BitwiseXor', [b.op('BitwiseXor', [k0, k1]), b.constant([0x1bd11bda], U, [])])
  const ks = [k0, k1, k2]
  const u = (v: number): string => b.constant([v >>> 0], U, [])
  let x = b.op('Add', [c0, k0])
  let y = b.op('Add', [c1, k1])
  for (let block = 0; block < 5; block++) {
    const rot = ROTATIONS[block % 2]!
    for (const r of rot) {
      x = b.op('Add', [x, y])
      const left = b.op('BitShift', [y, u(r)], { direction: 'LEFT' })
      const right = b.op('BitShift', [y, u(32 - r)], { direction: 'RIGHT' })
      y = b.op('BitwiseXor', [b.op('BitwiseOr', [left, right]), x])
    }
    x = b.op('Add', [x, ks[(block + 1) % 3]!])
    y = b.op('Add', [b.op('Add', [y, ks[(block + 2) % 3]!]), u(block + 1)])
  }
  return [x, y]
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1)

/** Uniform [0, 1) floats from Threefry words, bit-identical to `jax.random.uniform` per dtype. */
function uniformFrom(b: GraphBuilder, w0: string, w1: string, dtype: DType): string {
  const U = ONNX_TYPE.UINT32
  const u = (v: number): string => b.constant([v >>> 0], U, [])
  const shr = (v: string, s: number): string => b.op('BitShift', [v, u(s)], { direction: 'RIGHT' })
  const bits = b.op('BitwiseXor', [w0, w1])
  const toF = (v: string, t: number): string => b.castTo(v, U, t as 1)
  switch (dtype) {
    case 'float64': {
      const hi = b.op('Mul', [toF(w0, ONNX_TYPE.DOUBLE), b.scalar(2 ** 20, 'float64')])
      const sum = b.op('Add', [hi, toF(shr(w1, 12), ONNX_TYPE.DOUBLE)])
      return b.op('Mul', [sum, b.scalar(2 ** -52, 'float64')])
    }
    case 'float16': {
      const b16 = b.op('BitwiseAnd', [bits, u(0xffff)])
      return b.roundHalf(b.op('Mul', [toF(shr(b16, 6), ONNX_TYPE.FLOAT), b.scalar(2 ** -10, 'float32')]), 'float16')
    }
    case 'bfloat16': {
      const b8 = b.op('BitwiseAnd', [bits, u(0xff)])
      return b.roundHalf(b.op('Mul', [toF(shr(b8, 1), ONNX_TYPE.FLOAT), b.scalar(2 ** -7, 'float32')]), 'bfloat16')
    }
    default:
      return b.op('Mul', [toF(shr(bits, 9), ONNX_TYPE.FLOAT), b.scalar(2 ** -23, 'float32')])
  }
}

/** Stacks `[..., 2]` complex values from real and imaginary parts. */
function complex(b: GraphBuilder, re: string, im: string): string {
  return b.op('Concat', [b.op('Unsqueeze', [re, b.i64([-1])]), b.op('Unsqueeze', [im, b.i64([-1])])], { axis: -1 })
}

/** One forward DFT along `axis` of a `[1, ..., 1|2]` tensor. */
function forwardDft(b: GraphBuilder, x: string, axis: number, onesided: boolean): string {
  const attrs = { inverse: 0, onesided: onesided ? 1 : 0 }
  if (b.opset >= 20) return b.op('DFT', [x, '', b.i64s(axis)], attrs)
  return b.op('DFT', [x], { ...attrs, axis })
}

/**
 * One DFT along `axis` of a complex `[1, ..., 2]` tensor of length `n` there. The inverse is written
 * with the forward transform, `conj(DFT(conj z)) / n`: ORT's float64 inverse kernel loses ~1e-8.
 */
function dft(b: GraphBuilder, z: string, axis: number, inverse: boolean, n: number, c: DType): string {
  if (!inverse) return forwardDft(b, z, axis, false)
  const conj = b.constant([1, -1], STORAGE[c], [2])
  const y = forwardDft(b, b.op('Mul', [z, conj]), axis, false)
  return b.op('Mul', [y, b.constant([1 / n, -1 / n], STORAGE[c], [2])])
}

/** Real and imaginary parts of a `[..., 2]` tensor. */
function parts(b: GraphBuilder, z: string): [string, string] {
  const re = b.op('Squeeze', [b.op('Slice', [z, b.i64([0]), b.i64([1]), b.i64([-1])]), b.i64([-1])])
  const im = b.op('Squeeze', [b.op('Slice', [z, b.i64([1]), b.i64([2]), b.i64([-1])]), b.i64([-1])])
  return [re, im]
}

const fftLowering: Lowering<'fft'> = (b, inputs, { fftType, fftLengths }, outs) => {
  if (b.opset < 17) b.unsupported('DFT', `DFT needs opset 17; the target opset is ${b.opset}`)
  const x = inputs[0]!
  const c = computeDtype(x.dtype, FLOATS)!
  const r = x.shape.length
  // NOTE: a leading unit dim keeps every transformed axis clear of DFT's batch axis 0.
  const axes = fftLengths.map((_, i) => r - fftLengths.length + i + 1)
  const lift = (v: LVal): string => b.op('Unsqueeze', [b.cast(v.name, v.dtype, c), b.i64([0])])
  const drop = (v: string): string => b.op('Squeeze', [v, b.i64([0])])
  const back = (v: string, i: number): string => fromCompute(b, drop(v), c, outs[i]!.dtype)
  if (fftType === 'fft' || fftType === 'ifft') {
    let z = complex(b, lift(x), lift(inputs[1]!))
    axes.forEach((a, i) => { z = dft(b, z, a, fftType === 'ifft', fftLengths[i]!, c) })
    const [re, im] = parts(b, z)
    return [back(re, 0), back(im, 1)]
  }
  if (fftType === 'rfft') {
    let z = forwardDft(b, b.op('Unsqueeze', [lift(x), b.i64([-1])]), axes[axes.length - 1]!, true)
    axes.slice(0, -1).forEach((a, i) => { z = dft(b, z, a, false, fftLengths[i]!, c) })
    const [re, im] = parts(b, z)
    return [back(re, 0), back(im, 1)]
  }
  // irfft: inverse over the leading axes, then rebuild the Hermitian spectrum of the last axis.
  let z = complex(b, lift(x), lift(inputs[1]!))
  axes.slice(0, -1).forEach((a, i) => { z = dft(b, z, a, true, fftLengths[i]!, c) })
  const n = fftLengths[fftLengths.length - 1]!
  const last = axes[axes.length - 1]!
  const mirrorLen = Math.ceil(n / 2) - 1
  if (mirrorLen > 0) {
    const tail = b.op('Slice', [z, b.i64([mirrorLen]), b.i64([0]), b.i64([last]), b.i64([-1])])
    const conj = b.op('Mul', [tail, b.constant([1, -1], STORAGE[c], [2])])
    z = b.op('Concat', [z, conj], { axis: last })
  }
  const [re] = parts(b, dft(b, z, last, true, n, c))
  return [back(re, 0)]
}

const noOnnxOp = (what: string): Lowering<'lu' | 'qr' | 'eigh' | 'svd'> =>
  (b) => b.unsupported('no operator', `ONNX has no ${what} operator (pivoting / iterative algorithms are not unrolled)`)

export const routineLowerings = {
  random_bits: (b, [key], { shape }) => {
    const [w0, w1] = threefry(b, key!, sizeOf(shape))
    return [b.op('Reshape', [b.op('BitwiseXor', [w0, w1]), b.i64(shape)])]
  },
  random_uniform: (b, [key], { shape, dtype }) => {
    const [w0, w1] = threefry(b, key!, sizeOf(shape))
    return [b.op('Reshape', [uniformFrom(b, w0, w1, dtype), b.i64(shape)])]
  },
  threefry2x32: (b, [keys, counts]) => {
    const U = ONNX_TYPE.UINT32
    const k = b.castTo(keys!.name, STORAGE[keys!.dtype], U)
    const c = b.castTo(counts!.name, STORAGE[counts!.dtype], U)
    const word = (v: string, i: number): string => b.op('Gather', [v, b.i64s(i)], { axis: -1 })
    const [w0, w1] = threefryRounds(b, word(k, 0), word(k, 1), word(c, 0), word(c, 1))
    const pair = b.op('Concat', [b.op('Unsqueeze', [w0, b.i64([-1])]), b.op('Unsqueeze', [w1, b.i64([-1])])], { axis: -1 })
    return [b.castTo(pair, U, STORAGE[keys!.dtype])]
  },
  fft: fftLowering,
  lu: noOnnxOp('LU factorization'),
  qr: noOnnxOp('QR factorization'),
  eigh: noOnnxOp('symmetric eigendecomposition'),
  svd: noOnnxOp('singular value decomposition'),
} satisfies { readonly [P in 'random_bits' | 'random_uniform' | 'threefry2x32' | 'fft' | 'lu' | 'qr' | 'eigh' | 'svd']: Lowering<P> }
