/** @file PLACEHOLDER: rules of the linear primitives (being written). */
import { NotImplementedError } from '../errors.js'
import { definePrimitive } from './def.js'
const todo = (p: string): never => { throw new NotImplementedError(`primitive ${p} is not written yet`) }
export const dot_general = definePrimitive({ name: 'dot_general', abstractEval: () => todo('dot_general'), vjp: () => todo('dot_general') })
export const conv_general_dilated = definePrimitive({ name: 'conv_general_dilated', abstractEval: () => todo('conv_general_dilated'), vjp: () => todo('conv_general_dilated') })
export const conv_transpose_lhs = definePrimitive({ name: 'conv_transpose_lhs', abstractEval: () => todo('conv_transpose_lhs'), vjp: () => todo('conv_transpose_lhs') })
export const conv_transpose_rhs = definePrimitive({ name: 'conv_transpose_rhs', abstractEval: () => todo('conv_transpose_rhs'), vjp: () => todo('conv_transpose_rhs') })
export const reduce_window = definePrimitive({ name: 'reduce_window', abstractEval: () => todo('reduce_window'), vjp: () => todo('reduce_window') })
export const select_and_scatter_add = definePrimitive({ name: 'select_and_scatter_add', abstractEval: () => todo('select_and_scatter_add'), vjp: () => todo('select_and_scatter_add') })
