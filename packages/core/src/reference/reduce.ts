/** @file PLACEHOLDER: reference implementations of the reduce primitives (being written). */
import { NotImplementedError } from '../errors.js'
import type { RefImpl } from './types.js'
const todo = (p: string): never => { throw new NotImplementedError(`reference ${p} is not written yet`) }
export const reduceImpls = {
  reduce_sum: (() => todo('reduce_sum')) as RefImpl<'reduce_sum'>,
  reduce_max: (() => todo('reduce_max')) as RefImpl<'reduce_max'>,
  reduce_min: (() => todo('reduce_min')) as RefImpl<'reduce_min'>,
  reduce_prod: (() => todo('reduce_prod')) as RefImpl<'reduce_prod'>,
  reduce_and: (() => todo('reduce_and')) as RefImpl<'reduce_and'>,
  reduce_or: (() => todo('reduce_or')) as RefImpl<'reduce_or'>,
  argmax: (() => todo('argmax')) as RefImpl<'argmax'>,
  argmin: (() => todo('argmin')) as RefImpl<'argmin'>,
  cumsum: (() => todo('cumsum')) as RefImpl<'cumsum'>,
  cumprod: (() => todo('cumprod')) as RefImpl<'cumprod'>,
  cummax: (() => todo('cummax')) as RefImpl<'cummax'>,
  cummin: (() => todo('cummin')) as RefImpl<'cummin'>,
}
