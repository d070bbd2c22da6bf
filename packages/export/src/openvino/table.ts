/**
 * @file `OV_LOWERINGS`: the OpenVINO opset lowering of every backend primitive, exhaustive by type
 * (a primitive added to `BackendPrimParams` without one is a compile error).
 */
import type { OvLoweringTable } from './common.js'
import { binaryLowerings, compareLowerings, reduceLowerings, selectConvertLowerings, unaryLowerings } from './lower-elementwise.js'
import { indexingLowerings, linalgLowerings, movementLowerings, routineLowerings } from './lower-movement.js'
import { linearLowerings } from './lower-linear.js'

/**
 * Every primitive's OpenVINO lowering; what the opsets cannot express throws `UnsupportedOpError`
 * naming the primitive and suggesting the ONNX export.
 *
 * @example
 * ```ts
 * const b = new IrBuilder()
 * const x = b.parameter('x', 'float32', [null, 3])
 * const [y] = OV_LOWERINGS.exp(b, [x], {}, [{ shape: [null, 3], dtype: 'float32' }])
 * ```
 */
export const OV_LOWERINGS = {
  ...unaryLowerings, ...binaryLowerings, ...compareLowerings, ...selectConvertLowerings, ...reduceLowerings,
  ...movementLowerings, ...indexingLowerings, ...routineLowerings, ...linalgLowerings, ...linearLowerings,
} satisfies OvLoweringTable as OvLoweringTable
