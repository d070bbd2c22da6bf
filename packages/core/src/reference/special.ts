/** @file PLACEHOLDER: special functions (being written). */
import { NotImplementedError } from '../errors.js'
const todo = (p: string): never => { throw new NotImplementedError(`special function ${p} is not written yet`) }
export const erf = (_x: number): number => todo('erf')
export const erfInv = (_x: number): number => todo('erfInv')
export const lgamma = (_x: number): number => todo('lgamma')
export const digamma = (_x: number): number => todo('digamma')
export const igamma = (_a: number, _x: number): number => todo('igamma')
