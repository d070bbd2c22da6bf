/** @file PLACEHOLDER: rules of the routines primitives (being written). */
import { NotImplementedError } from '../errors.js'
import { definePrimitive } from './def.js'
const todo = (p: string): never => { throw new NotImplementedError(`primitive ${p} is not written yet`) }
export const cholesky = definePrimitive({ name: 'cholesky', abstractEval: () => todo('cholesky'), vjp: () => todo('cholesky') })
export const triangular_solve = definePrimitive({ name: 'triangular_solve', abstractEval: () => todo('triangular_solve'), vjp: () => todo('triangular_solve') })
export const lu = definePrimitive({ name: 'lu', abstractEval: () => todo('lu'), vjp: () => todo('lu') })
export const qr = definePrimitive({ name: 'qr', abstractEval: () => todo('qr'), vjp: () => todo('qr') })
export const eigh = definePrimitive({ name: 'eigh', abstractEval: () => todo('eigh'), vjp: () => todo('eigh') })
export const svd = definePrimitive({ name: 'svd', abstractEval: () => todo('svd'), vjp: () => todo('svd') })
export const fft = definePrimitive({ name: 'fft', abstractEval: () => todo('fft'), vjp: () => todo('fft') })
export const random_bits = definePrimitive({ name: 'random_bits', abstractEval: () => todo('random_bits'), vjp: () => todo('random_bits') })
export const random_uniform = definePrimitive({ name: 'random_uniform', abstractEval: () => todo('random_uniform'), vjp: () => todo('random_uniform') })
