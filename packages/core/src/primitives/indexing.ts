/** @file PLACEHOLDER: rules of the indexing primitives (being written). */
import { NotImplementedError } from '../errors.js'
import { definePrimitive } from './def.js'
const todo = (p: string): never => { throw new NotImplementedError(`primitive ${p} is not written yet`) }
export const gather = definePrimitive({ name: 'gather', abstractEval: () => todo('gather'), vjp: () => todo('gather') })
export const scatter_add = definePrimitive({ name: 'scatter_add', abstractEval: () => todo('scatter_add'), vjp: () => todo('scatter_add') })
export const scatter = definePrimitive({ name: 'scatter', abstractEval: () => todo('scatter'), vjp: () => todo('scatter') })
export const sort = definePrimitive({ name: 'sort', abstractEval: () => todo('sort'), vjp: () => todo('sort') })
export const top_k = definePrimitive({ name: 'top_k', abstractEval: () => todo('top_k'), vjp: () => todo('top_k') })
export const iota = definePrimitive({ name: 'iota', abstractEval: () => todo('iota'), vjp: () => todo('iota') })
