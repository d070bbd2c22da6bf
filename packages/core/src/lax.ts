/**
 * @file Typed wrappers over `bind`, one per primitive (like `jax.lax`): the vocabulary of VJP
 * rules and of the ops packages. No broadcasting or promotion happens here: callers pass operands
 * that already satisfy each primitive's shape rule.
 */
import { bind, bind1 } from './dispatch.js'
import type { DType } from './dtype.js'
import type { Tensor } from './tensor.js'
import type { BinaryPrim, ComparePrim, ConvParams, CumulativePrim, PadPair, ReducePrim, UnaryPrim, WindowParams } from './primitives/types.js'

// NOTE: one shared empty params object for the parameterless primitives called on every step.
const NO_PARAMS: Record<string, never> = Object.freeze({})

export function unary(prim: UnaryPrim, x: Tensor): Tensor { return bind1(prim, [x], NO_PARAMS) }
export function binary(prim: BinaryPrim, x: Tensor, y: Tensor): Tensor { return bind1(prim, [x, y], NO_PARAMS) }
export function compare(prim: ComparePrim, x: Tensor, y: Tensor): Tensor { return bind1(prim, [x, y], NO_PARAMS) }
export function reduce(prim: ReducePrim, x: Tensor, axes: readonly number[]): Tensor { return bind1(prim, [x], { axes }) }
export function cumulative(prim: CumulativePrim, x: Tensor, axis: number, reverse = false): Tensor { return bind1(prim, [x], { axis, reverse }) }

export const neg = (x: Tensor): Tensor => unary('neg', x)
export const exp = (x: Tensor): Tensor => unary('exp', x)
export const log = (x: Tensor): Tensor => unary('log', x)
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x)
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x)
export const tanh = (x: Tensor): Tensor => unary('tanh', x)
export const logistic = (x: Tensor): Tensor => unary('logistic', x)
export const sin = (x: Tensor): Tensor => unary('sin', x)
export const cos = (x: Tensor): Tensor => unary('cos', x)
export const abs = (x: Tensor): Tensor => unary('abs', x)
export const sign = (x: Tensor): Tensor => unary('sign', x)
export const stopGradientPrim = (x: Tensor): Tensor => unary('stop_gradient', x)
export const add = (x: Tensor, y: Tensor): Tensor => binary('add', x, y)
export const sub = (x: Tensor, y: Tensor): Tensor => binary('sub', x, y)
export const mul = (x: Tensor, y: Tensor): Tensor => binary('mul', x, y)
export const div = (x: Tensor, y: Tensor): Tensor => binary('div', x, y)
export const pow = (x: Tensor, y: Tensor): Tensor => binary('pow', x, y)
export const max = (x: Tensor, y: Tensor): Tensor => binary('max', x, y)
export const min = (x: Tensor, y: Tensor): Tensor => binary('min', x, y)
export const eq = (x: Tensor, y: Tensor): Tensor => compare('eq', x, y)
export const gt = (x: Tensor, y: Tensor): Tensor => compare('gt', x, y)
export const ge = (x: Tensor, y: Tensor): Tensor => compare('ge', x, y)
export const lt = (x: Tensor, y: Tensor): Tensor => compare('lt', x, y)
export const le = (x: Tensor, y: Tensor): Tensor => compare('le', x, y)
export const ne = (x: Tensor, y: Tensor): Tensor => compare('ne', x, y)

/** `pred ? onTrue : onFalse` (same shapes). */
export function select(pred: Tensor, onTrue: Tensor, onFalse: Tensor): Tensor { return bind1('select_n', [pred, onFalse, onTrue], NO_PARAMS) }
export function convertElementType(x: Tensor, newDtype: DType): Tensor {
  return x.dtype === newDtype ? x : bind1('convert_element_type', [x], { newDtype })
}
export function bitcastConvertType(x: Tensor, newDtype: DType): Tensor { return bind1('bitcast_convert_type', [x], { newDtype }) }
export function reduceSum(x: Tensor, axes: readonly number[]): Tensor { return reduce('reduce_sum', x, axes) }
export function reduceMax(x: Tensor, axes: readonly number[]): Tensor { return reduce('reduce_max', x, axes) }
export function reduceMin(x: Tensor, axes: readonly number[]): Tensor { return reduce('reduce_min', x, axes) }
export function argmax(x: Tensor, axis: number, indexDtype: DType = 'int32'): Tensor { return bind1('argmax', [x], { axis, indexDtype }) }
export function argmin(x: Tensor, axis: number, indexDtype: DType = 'int32'): Tensor { return bind1('argmin', [x], { axis, indexDtype }) }
export function reshape(x: Tensor, newSizes: readonly number[]): Tensor {
  if (newSizes.length === x.shape.length && newSizes.every((d, i) => d === x.shape[i])) return x
  return bind1('reshape', [x], { newSizes })
}
export function transpose(x: Tensor, permutation: readonly number[]): Tensor {
  if (permutation.every((p, i) => p === i)) return x
  return bind1('transpose', [x], { permutation })
}
export function broadcastInDim(x: Tensor, shape: readonly number[], broadcastDimensions: readonly number[]): Tensor {
  return bind1('broadcast_in_dim', [x], { shape, broadcastDimensions })
}
/** Broadcasts `x` to `shape` with NumPy's trailing-dims alignment. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x
  const off = shape.length - x.shape.length
  return broadcastInDim(x, shape, x.shape.map((_, i) => i + off))
}
export function slice(x: Tensor, startIndices: readonly number[], limitIndices: readonly number[], strides?: readonly number[]): Tensor {
  return bind1('slice', [x], { startIndices, limitIndices, strides: strides ?? startIndices.map(() => 1) })
}
export function dynamicSlice(x: Tensor, starts: Tensor, sliceSizes: readonly number[]): Tensor { return bind1('dynamic_slice', [x, starts], { sliceSizes }) }
export function dynamicUpdateSlice(x: Tensor, update: Tensor, starts: Tensor): Tensor { return bind1('dynamic_update_slice', [x, update, starts], {}) }
export function pad(x: Tensor, padValue: Tensor, lo: readonly number[], hi: readonly number[], interior?: readonly number[]): Tensor {
  return bind1('pad', [x, padValue], { lo, hi, interior: interior ?? lo.map(() => 0) })
}
export function concatenate(xs: readonly Tensor[], dimension: number): Tensor {
  return xs.length === 1 ? xs[0]! : bind1('concatenate', xs, { dimension })
}
export function rev(x: Tensor, dimensions: readonly number[]): Tensor { return dimensions.length ? bind1('rev', [x], { dimensions }) : x }
export function gather(x: Tensor, indices: Tensor, axis: number): Tensor { return bind1('gather', [x, indices], { axis }) }
export function scatterAdd(x: Tensor, indices: Tensor, updates: Tensor, axis: number): Tensor { return bind1('scatter_add', [x, indices, updates], { axis }) }
export function scatter(x: Tensor, indices: Tensor, updates: Tensor, axis: number): Tensor { return bind1('scatter', [x, indices, updates], { axis }) }
export function dotGeneral(
  x: Tensor, y: Tensor,
  contracting: readonly [readonly number[], readonly number[]],
  batch: readonly [readonly number[], readonly number[]] = [[], []],
): Tensor {
  return bind1('dot_general', [x, y], { contracting, batch })
}
export function conv(lhs: Tensor, rhs: Tensor, params: ConvParams): Tensor { return bind1('conv_general_dilated', [lhs, rhs], params) }
export function convTransposeLhs(ct: Tensor, rhs: Tensor, params: ConvParams, lhsShape: readonly number[]): Tensor {
  return bind1('conv_transpose_lhs', [ct, rhs], { ...params, lhsShape })
}
export function convTransposeRhs(lhs: Tensor, ct: Tensor, params: ConvParams, rhsShape: readonly number[]): Tensor {
  return bind1('conv_transpose_rhs', [lhs, ct], { ...params, rhsShape })
}
export function reduceWindow(x: Tensor, computation: 'sum' | 'max' | 'min', window: WindowParams): Tensor {
  return bind1('reduce_window', [x], { ...window, computation })
}
export function selectAndScatterAdd(source: Tensor, operand: Tensor, window: WindowParams): Tensor {
  return bind1('select_and_scatter_add', [source, operand], window)
}
/** Sorts along `dimension`; returns `[values, indices]`. */
export function sort(x: Tensor, dimension: number, descending = false): [Tensor, Tensor] {
  const [v, i] = bind('sort', [x], { dimension, descending })
  return [v!, i!]
}
export function topK(x: Tensor, k: number): [Tensor, Tensor] {
  const [v, i] = bind('top_k', [x], { k })
  return [v!, i!]
}
export function iota(dtype: DType, shape: readonly number[], dimension: number): Tensor { return bind1('iota', [], { dtype, shape, dimension }) }
export function randomBits(key: Tensor, shape: readonly number[]): Tensor { return bind1('random_bits', [key], { shape }) }
export function randomUniform(key: Tensor, shape: readonly number[], dtype: DType): Tensor { return bind1('random_uniform', [key], { shape, dtype }) }
/**
 * Threefry-2x32 of word pairs with a key per counter (`[..., 2]` int32/uint32 each): the traceable key
 * split and fold-in of `keras.random`.
 *
 * @example
 * ```ts
 * const split = lax.threefry2x32(keys, counts) // keys [n, 2] (one key repeated), counts [[0, 0], [0, 1], ...]: jax.random.split(key, n)
 * ```
 */
export function threefry2x32(keys: Tensor, counts: Tensor): Tensor { return bind1('threefry2x32', [keys, counts], {}) }
export function cholesky(x: Tensor): Tensor { return bind1('cholesky', [x], {}) }
export function triangularSolve(a: Tensor, b: Tensor, options: { leftSide: boolean; lower: boolean; transposeA: boolean; unitDiagonal: boolean }): Tensor {
  return bind1('triangular_solve', [a, b], options)
}
/** LU with partial pivoting: `[lu, pivots, permutation]`. */
export function lu(x: Tensor): [Tensor, Tensor, Tensor] { const [a, b, c] = bind('lu', [x], {}); return [a!, b!, c!] }
export function qr(x: Tensor, fullMatrices = false): [Tensor, Tensor] { const [q, r] = bind('qr', [x], { fullMatrices }); return [q!, r!] }
/** Symmetric eigendecomposition: `[eigenvectors, eigenvalues]`. */
export function eigh(x: Tensor, lower = true): [Tensor, Tensor] { const [v, w] = bind('eigh', [x], { lower }); return [v!, w!] }
/** `[u, s, vh]` when computeUv, else `[s]`. */
export function svd(x: Tensor, fullMatrices = false, computeUv = true): Tensor[] { return bind('svd', [x], { fullMatrices, computeUv }) }
/** FFT family on `[real, imag]` pairs (rfft takes `[x]`, irfft returns `[x]`). */
export function fft(inputs: readonly Tensor[], fftType: 'fft' | 'ifft' | 'rfft' | 'irfft', fftLengths: readonly number[]): Tensor[] {
  return bind('fft', inputs, { fftType, fftLengths })
}
export type { PadPair }
