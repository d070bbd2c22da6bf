/** @file PLACEHOLDER: reference implementations of the indexing primitives (being written). */
import { NotImplementedError } from '../errors.js'
import type { RefImpl } from './types.js'
const todo = (p: string): never => { throw new NotImplementedError(`reference ${p} is not written yet`) }
export const indexingImpls = {
  gather: (() => todo('gather')) as RefImpl<'gather'>,
  scatter_add: (() => todo('scatter_add')) as RefImpl<'scatter_add'>,
  scatter: (() => todo('scatter')) as RefImpl<'scatter'>,
  sort: (() => todo('sort')) as RefImpl<'sort'>,
  top_k: (() => todo('top_k')) as RefImpl<'top_k'>,
  iota: (() => todo('iota')) as RefImpl<'iota'>,
}
