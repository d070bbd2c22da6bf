/** @file PLACEHOLDER: reference implementations of the movement primitives (being written). */
import { NotImplementedError } from '../errors.js'
import type { RefImpl } from './types.js'
const todo = (p: string): never => { throw new NotImplementedError(`reference ${p} is not written yet`) }
export const movementImpls = {
  reshape: (() => todo('reshape')) as RefImpl<'reshape'>,
  transpose: (() => todo('transpose')) as RefImpl<'transpose'>,
  broadcast_in_dim: (() => todo('broadcast_in_dim')) as RefImpl<'broadcast_in_dim'>,
  slice: (() => todo('slice')) as RefImpl<'slice'>,
  dynamic_slice: (() => todo('dynamic_slice')) as RefImpl<'dynamic_slice'>,
  dynamic_update_slice: (() => todo('dynamic_update_slice')) as RefImpl<'dynamic_update_slice'>,
  pad: (() => todo('pad')) as RefImpl<'pad'>,
  concatenate: (() => todo('concatenate')) as RefImpl<'concatenate'>,
  rev: (() => todo('rev')) as RefImpl<'rev'>,
}
