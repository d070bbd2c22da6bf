/** @file PLACEHOLDER: rules of the movement primitives (being written). */
import { NotImplementedError } from '../errors.js'
import { definePrimitive } from './def.js'
const todo = (p: string): never => { throw new NotImplementedError(`primitive ${p} is not written yet`) }
export const reshape = definePrimitive({ name: 'reshape', abstractEval: () => todo('reshape'), vjp: () => todo('reshape') })
export const transpose = definePrimitive({ name: 'transpose', abstractEval: () => todo('transpose'), vjp: () => todo('transpose') })
export const broadcast_in_dim = definePrimitive({ name: 'broadcast_in_dim', abstractEval: () => todo('broadcast_in_dim'), vjp: () => todo('broadcast_in_dim') })
export const slice = definePrimitive({ name: 'slice', abstractEval: () => todo('slice'), vjp: () => todo('slice') })
export const dynamic_slice = definePrimitive({ name: 'dynamic_slice', abstractEval: () => todo('dynamic_slice'), vjp: () => todo('dynamic_slice') })
export const dynamic_update_slice = definePrimitive({ name: 'dynamic_update_slice', abstractEval: () => todo('dynamic_update_slice'), vjp: () => todo('dynamic_update_slice') })
export const pad = definePrimitive({ name: 'pad', abstractEval: () => todo('pad'), vjp: () => todo('pad') })
export const concatenate = definePrimitive({ name: 'concatenate', abstractEval: () => todo('concatenate'), vjp: () => todo('concatenate') })
export const rev = definePrimitive({ name: 'rev', abstractEval: () => todo('rev'), vjp: () => todo('rev') })
