/** @file PLACEHOLDER: reference implementations of the routines primitives (being written). */
import { NotImplementedError } from '../errors.js'
import type { RefImpl } from './types.js'
const todo = (p: string): never => { throw new NotImplementedError(`reference ${p} is not written yet`) }
export const routineImpls = {
  cholesky: (() => todo('cholesky')) as RefImpl<'cholesky'>,
  triangular_solve: (() => todo('triangular_solve')) as RefImpl<'triangular_solve'>,
  lu: (() => todo('lu')) as RefImpl<'lu'>,
  qr: (() => todo('qr')) as RefImpl<'qr'>,
  eigh: (() => todo('eigh')) as RefImpl<'eigh'>,
  svd: (() => todo('svd')) as RefImpl<'svd'>,
  fft: (() => todo('fft')) as RefImpl<'fft'>,
  random_bits: (() => todo('random_bits')) as RefImpl<'random_bits'>,
  random_uniform: (() => todo('random_uniform')) as RefImpl<'random_uniform'>,
}
