/** @file PLACEHOLDER: reference implementations of the linear primitives (being written). */
import { NotImplementedError } from '../errors.js'
import type { RefImpl } from './types.js'
const todo = (p: string): never => { throw new NotImplementedError(`reference ${p} is not written yet`) }
export const linearImpls = {
  dot_general: (() => todo('dot_general')) as RefImpl<'dot_general'>,
  conv_general_dilated: (() => todo('conv_general_dilated')) as RefImpl<'conv_general_dilated'>,
  conv_transpose_lhs: (() => todo('conv_transpose_lhs')) as RefImpl<'conv_transpose_lhs'>,
  conv_transpose_rhs: (() => todo('conv_transpose_rhs')) as RefImpl<'conv_transpose_rhs'>,
  reduce_window: (() => todo('reduce_window')) as RefImpl<'reduce_window'>,
  select_and_scatter_add: (() => todo('select_and_scatter_add')) as RefImpl<'select_and_scatter_add'>,
}
