/**
 * @file `LOWERINGS`: the lowering of every backend primitive to ONNX, exhaustive by type. Shared by
 * the ONNX Runtime backend (pending graphs and `compile`) and by `@kx/export`.
 */
import type { LoweringTable } from './common.js'
import { binaryLowerings, compareLowerings, selectConvertLowerings, unaryLowerings } from './elementwise.js'
import { reduceLowerings } from './reduce.js'
import { movementLowerings } from './movement.js'
import { indexingLowerings } from './indexing.js'
import { linearLowerings } from './linear.js'
import { routineLowerings } from './routines.js'
import { linalgLowerings } from './linalg.js'

/**
 * Every primitive's ONNX lowering. A primitive added to `BackendPrimParams` without a lowering here
 * is a compile error; cases ONNX cannot express throw `UnsupportedOpError` naming the primitive and
 * the ONNX operator.
 *
 * @example
 * ```ts
 * const b = new GraphBuilder(18)
 * const [y] = LOWERINGS.exp(b, [{ name: 'x', shape: [3], dtype: 'float32' }], {}, [{ shape: [3], dtype: 'float32' }])
 * ```
 */
export const LOWERINGS = {
  ...unaryLowerings, ...binaryLowerings, ...compareLowerings, ...selectConvertLowerings,
  ...reduceLowerings, ...movementLowerings, ...indexingLowerings, ...linearLowerings, ...routineLowerings, ...linalgLowerings,
} satisfies LoweringTable as LoweringTable
