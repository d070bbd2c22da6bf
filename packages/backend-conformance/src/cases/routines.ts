/** @file Cases of the routines: dense linear algebra, the FFT and the Threefry random generators. */
import type { ConformanceCase } from '../types.js'
import { DIAG_DOMINANT, SPD, SYMMETRIC, canonicalEigh, canonicalQr, canonicalSvd, f32, f64, i32, input, symmetrizeFirst, values } from './helpers.js'

export const cholesky: ConformanceCase<'cholesky'>[] = [
  { name: '3x3', inputs: [f64([3, 3], SPD)], params: {} },
  { name: 'batch of 2', inputs: [f64([2, 3, 3], SPD)], params: {} },
  { name: 'f32 4x4', inputs: [f32([4, 4], SPD)], params: {} },
  { name: 'symmetrized input', inputs: [f64([3, 3], SPD)], params: {}, pre: symmetrizeFirst },
  { name: '1x1', inputs: [f64([1, 1], values([4]))], params: {} },
]

const tri = (leftSide: boolean, lower: boolean, transposeA: boolean, unitDiagonal: boolean): ConformanceCase<'triangular_solve'>['params'] =>
  ({ leftSide, lower, transposeA, unitDiagonal })
export const triangular_solve: ConformanceCase<'triangular_solve'>[] = [
  { name: 'left lower', inputs: [f64([3, 3], DIAG_DOMINANT), f64([3, 2])], params: tri(true, true, false, false) },
  { name: 'left lower transposed', inputs: [f64([3, 3], DIAG_DOMINANT), f64([3, 2])], params: tri(true, true, true, false) },
  { name: 'left upper', inputs: [f32([3, 3], DIAG_DOMINANT), f32([3, 4])], params: tri(true, false, false, false) },
  { name: 'right lower', inputs: [f64([3, 3], DIAG_DOMINANT), f64([2, 3])], params: tri(false, true, false, false) },
  { name: 'right upper transposed', inputs: [f64([3, 3], DIAG_DOMINANT), f64([2, 3])], params: tri(false, false, true, false) },
  { name: 'unit diagonal', inputs: [f64([3, 3], DIAG_DOMINANT), f64([3, 1])], params: tri(true, true, false, true) },
  { name: 'batch of 2', inputs: [f64([2, 3, 3], DIAG_DOMINANT), f64([2, 3, 2])], params: tri(true, false, true, false) },
]

export const lu: ConformanceCase<'lu'>[] = [
  { name: '3x3', inputs: [f64([3, 3])], params: {} },
  { name: '4x4 f32', inputs: [f32([4, 4])], params: {} },
  { name: 'batch of 2', inputs: [f64([2, 3, 3])], params: {} },
  { name: 'needs pivoting', inputs: [f64([3, 3], values([0, 1, 2, 1, 0, 3, 4, -3, 8]))], params: {} },
  { name: 'wide 2x3', inputs: [f64([2, 3])], params: {}, noGrad: 'the lu gradient is defined for square matrices (as in JAX)' },
  { name: 'tall 3x2', inputs: [f64([3, 2])], params: {}, noGrad: 'the lu gradient is defined for square matrices (as in JAX)' },
]

export const qr: ConformanceCase<'qr'>[] = [
  { name: 'tall reduced', inputs: [f64([4, 3])], params: { fullMatrices: false }, post: canonicalQr },
  { name: 'square full', inputs: [f64([3, 3])], params: { fullMatrices: true }, post: canonicalQr },
  { name: 'f32 batch reduced', inputs: [f32([2, 3, 2])], params: { fullMatrices: false }, post: canonicalQr },
  { name: 'wide reduced', inputs: [f64([2, 4])], params: { fullMatrices: false }, post: canonicalQr },
]

export const eigh: ConformanceCase<'eigh'>[] = [
  { name: '3x3 lower', inputs: [f64([3, 3], SYMMETRIC)], params: { lower: true }, post: canonicalEigh },
  { name: '3x3 upper', inputs: [f64([3, 3], SYMMETRIC)], params: { lower: false }, post: canonicalEigh },
  { name: 'f32 batch', inputs: [f32([2, 4, 4], SYMMETRIC)], params: { lower: true }, post: canonicalEigh },
  { name: 'symmetrized input', inputs: [f64([4, 4], SYMMETRIC)], params: { lower: true }, pre: symmetrizeFirst, post: canonicalEigh },
]

export const svd: ConformanceCase<'svd'>[] = [
  { name: 'square full', inputs: [f64([3, 3])], params: { fullMatrices: true, computeUv: true }, post: canonicalSvd },
  { name: 'tall reduced', inputs: [f64([4, 3])], params: { fullMatrices: false, computeUv: true }, post: canonicalSvd },
  { name: 'wide reduced', inputs: [f64([2, 4])], params: { fullMatrices: false, computeUv: true }, post: canonicalSvd },
  { name: 'values only', inputs: [f64([3, 4])], params: { fullMatrices: false, computeUv: false } },
  { name: 'f32 batch', inputs: [f32([2, 3, 2])], params: { fullMatrices: false, computeUv: true }, post: canonicalSvd },
]

type FftType = ConformanceCase<'fft'>['params']['fftType']
const fftp = (fftType: FftType, fftLengths: number[]): ConformanceCase<'fft'>['params'] => ({ fftType, fftLengths })
export const fft: ConformanceCase<'fft'>[] = [
  { name: 'fft 1-d', inputs: [f64([2, 8]), f64([2, 8])], params: fftp('fft', [8]) },
  { name: 'fft 1-d odd length', inputs: [f64([5]), f64([5])], params: fftp('fft', [5]) },
  { name: 'fft 2-d f32', inputs: [f32([4, 4]), f32([4, 4])], params: fftp('fft', [4, 4]) },
  { name: 'fft 3-d', inputs: [f64([2, 2, 3]), f64([2, 2, 3])], params: fftp('fft', [2, 2, 3]) },
  { name: 'ifft 1-d', inputs: [f64([6]), f64([6])], params: fftp('ifft', [6]) },
  { name: 'ifft 2-d', inputs: [f64([3, 4]), f64([3, 4])], params: fftp('ifft', [3, 4]) },
  { name: 'rfft 1-d', inputs: [f64([2, 8])], params: fftp('rfft', [8]) },
  { name: 'rfft odd', inputs: [f32([7])], params: fftp('rfft', [7]) },
  { name: 'rfft 2-d', inputs: [f64([4, 6])], params: fftp('rfft', [4, 6]) },
  { name: 'irfft 1-d', inputs: [f64([2, 5]), f64([2, 5])], params: fftp('irfft', [8]) },
  { name: 'irfft odd', inputs: [f64([4]), f64([4])], params: fftp('irfft', [7]) },
  { name: 'irfft 2-d', inputs: [f64([4, 4]), f64([4, 4])], params: fftp('irfft', [4, 6]) },
]

const KEY = values([0, 42])
export const random_bits: ConformanceCase<'random_bits'>[] = [
  { name: 'key (0, 42) 3x4', inputs: [i32([2], KEY)], params: { shape: [3, 4] } },
  { name: 'high key bits', inputs: [i32([2], values([-1, 7]))], params: { shape: [5] } },
  { name: 'uint32 key', inputs: [input('uint32', [2], values([123, 456]))], params: { shape: [2, 3] } },
  { name: 'odd count', inputs: [i32([2], values([9, 1]))], params: { shape: [3] } },
  { name: 'scalar', inputs: [i32([2], KEY)], params: { shape: [] } },
  { name: 'empty', inputs: [i32([2], KEY)], params: { shape: [0, 2] } },
]

export const random_uniform: ConformanceCase<'random_uniform'>[] = [
  { name: 'float32 4x3', inputs: [i32([2], KEY)], params: { shape: [4, 3], dtype: 'float32' } },
  { name: 'float32 odd count', inputs: [i32([2], values([5, -9]))], params: { shape: [7], dtype: 'float32' } },
  { name: 'float64', inputs: [i32([2], KEY)], params: { shape: [5], dtype: 'float64' } },
  { name: 'float16', inputs: [i32([2], KEY)], params: { shape: [5], dtype: 'float16' } },
]

const JAX_CHECKED = "checked against JAX's split / bits in core's random golden (tools/golden/core_random.py)"
export const threefry2x32: ConformanceCase<'threefry2x32'>[] = [
  { name: 'one pair', inputs: [i32([2], KEY), i32([2], values([0, 1]))], params: {}, noGolden: JAX_CHECKED },
  { name: 'a key per counter', inputs: [i32([3, 2], values([0, 42, -1, 7, 9, -9])), i32([3, 2], values([0, 0, 0, 1, -5, 3]))], params: {}, noGolden: JAX_CHECKED },
  { name: 'batch 2x2', inputs: [i32([2, 2, 2]), i32([2, 2, 2])], params: {}, noGolden: JAX_CHECKED },
  { name: 'uint32', inputs: [input('uint32', [2, 2], values([123, 456, 7, 8])), input('uint32', [2, 2], values([0, 1, 0, 2]))], params: {}, noGolden: JAX_CHECKED },
  { name: 'empty', inputs: [i32([0, 2]), i32([0, 2])], params: {}, noGolden: JAX_CHECKED },
]
