/** @file Linear algebra, FFT and random bits: tfjs has no kernels with kx's semantics, so the host runs them. */
import { hostRule, type TfjsRuleTable } from './types.js'

export const routineRules = {
  cholesky: hostRule('cholesky'),
  triangular_solve: hostRule('triangular_solve'),
  lu: hostRule('lu'),
  qr: hostRule('qr'),
  eigh: hostRule('eigh'),
  svd: hostRule('svd'),
  fft: hostRule('fft'),
  // NOTE: core's threefry runs on the host for every backend, so bits are identical everywhere.
  random_bits: hostRule('random_bits'),
  random_uniform: hostRule('random_uniform'),
  threefry2x32: hostRule('threefry2x32'),
} satisfies Partial<TfjsRuleTable>
