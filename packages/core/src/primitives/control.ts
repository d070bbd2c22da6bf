/** @file PLACEHOLDER: structured control-flow primitives (being written). */
import { NotImplementedError } from '../errors.js'
import { definePrimitive } from './def.js'
const todo = (p: string): never => { throw new NotImplementedError(`primitive ${p} is not written yet`) }
export const cond = definePrimitive({ name: 'cond', abstractEval: () => todo('cond'), vjp: () => todo('cond') })
export const while_ = definePrimitive({ name: 'while', abstractEval: () => todo('while'), vjp: () => todo('while') })
export const scan = definePrimitive({ name: 'scan', abstractEval: () => todo('scan'), vjp: () => todo('scan') })
