/** @file The closed primitive set: names, typed parameters and the rule-table types. */
import type { DType } from '../dtype.js'
import type { Dim } from '../shape.js'
import type { Graph } from '../trace/ir.js'

/** Shape and dtype of a value, known dims or not: what abstract evaluation works on. */
export interface AbstractValue {
  readonly shape: readonly Dim[]
  readonly dtype: DType
}

export const UNARY_PRIMS = [
  'neg', 'sign', 'floor', 'ceil', 'round', 'is_finite', 'exp', 'log', 'log1p', 'expm1', 'tanh', 'logistic',
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'sqrt', 'rsqrt', 'cbrt',
  'abs', 'not', 'erf', 'erf_inv', 'lgamma', 'digamma', 'stop_gradient',
] as const
export type UnaryPrim = (typeof UNARY_PRIMS)[number]

export const BINARY_PRIMS = ['add', 'sub', 'mul', 'div', 'rem', 'pow', 'max', 'min', 'atan2', 'and', 'or', 'xor', 'igamma'] as const
export type BinaryPrim = (typeof BINARY_PRIMS)[number]

export const COMPARE_PRIMS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const
export type ComparePrim = (typeof COMPARE_PRIMS)[number]

export const REDUCE_PRIMS = ['reduce_sum', 'reduce_max', 'reduce_min', 'reduce_prod', 'reduce_and', 'reduce_or'] as const
export type ReducePrim = (typeof REDUCE_PRIMS)[number]

export const CUMULATIVE_PRIMS = ['cumsum', 'cumprod', 'cummax', 'cummin'] as const
export type CumulativePrim = (typeof CUMULATIVE_PRIMS)[number]

/** `[low, high]` padding of one dimension. */
export type PadPair = readonly [number, number]

/** Shared parameters of the convolution family. Layouts are Keras's channels_last:
 * lhs `[N, ...spatial, Cin]`, rhs `[...window, Cin / groups, Cout]`, out `[N, ...outSpatial, Cout]`. */
export interface ConvParams {
  readonly windowStrides: readonly number[]
  readonly padding: readonly PadPair[]
  /** Dilation of the input (1 = none): a lhs-dilated conv is a transposed convolution. */
  readonly lhsDilation: readonly number[]
  /** Dilation of the kernel (Keras's `dilation_rate`). */
  readonly rhsDilation: readonly number[]
  readonly featureGroupCount: number
}

/** Pooling window parameters over every dimension of the operand (1 for batch/channels). */
export interface WindowParams {
  readonly windowDimensions: readonly number[]
  readonly windowStrides: readonly number[]
  readonly padding: readonly PadPair[]
}

type Empty = Record<string, never>

/** Parameters of every primitive a backend implements. Add a primitive here and every rule table must follow. */
export interface BackendPrimParams
  extends Record<UnaryPrim, Empty>, Record<BinaryPrim, Empty>, Record<ComparePrim, Empty>,
  Record<ReducePrim, { readonly axes: readonly number[] }>,
  Record<CumulativePrim, { readonly axis: number; readonly reverse: boolean }> {
  /** `out = pred ? onTrue : onFalse`; inputs `[pred(bool), onFalse, onTrue]`, all the same shape. */
  select_n: Empty
  convert_element_type: { readonly newDtype: DType }
  /** Reinterpret bits; both dtypes must have the same itemsize. */
  bitcast_convert_type: { readonly newDtype: DType }
  argmax: { readonly axis: number; readonly indexDtype: DType }
  argmin: { readonly axis: number; readonly indexDtype: DType }
  /** New shape; one entry may be -1 (inferred), so graphs keep dynamic batch sizes. */
  reshape: { readonly newSizes: readonly number[] }
  transpose: { readonly permutation: readonly number[] }
  /** Output dim `broadcastDimensions[i]` comes from operand dim `i` (size equal or 1). */
  broadcast_in_dim: { readonly shape: readonly number[]; readonly broadcastDimensions: readonly number[] }
  slice: { readonly startIndices: readonly number[]; readonly limitIndices: readonly number[]; readonly strides: readonly number[] }
  /** Inputs `[operand, starts(int32 vector of rank)]`; starts are clamped like XLA. */
  dynamic_slice: { readonly sliceSizes: readonly number[] }
  /** Inputs `[operand, update, starts(int32 vector)]`. */
  dynamic_update_slice: Empty
  /** Inputs `[operand, padValue(scalar)]`; negative lo/hi crop. */
  pad: { readonly lo: readonly number[]; readonly hi: readonly number[]; readonly interior: readonly number[] }
  concatenate: { readonly dimension: number }
  rev: { readonly dimensions: readonly number[] }
  /** `np.take(operand, indices, axis)`: out shape = operand[:axis] + indices.shape + operand[axis+1:]. Out-of-range indices clamp. */
  gather: { readonly axis: number }
  /** Inputs `[operand, indices, updates]` (updates shaped as gather's output): operand with updates added at indices. */
  scatter_add: { readonly axis: number }
  /** As scatter_add, but updates replace (last write wins). */
  scatter: { readonly axis: number }
  /** Out = batch dims, lhs free dims, rhs free dims (lax.dot_general). */
  dot_general: {
    readonly contracting: readonly [readonly number[], readonly number[]]
    readonly batch: readonly [readonly number[], readonly number[]]
  }
  conv_general_dilated: ConvParams
  /** Adjoint of conv_general_dilated in its lhs: inputs `[outCotangent, rhs]` → lhs-shaped. */
  conv_transpose_lhs: ConvParams & { readonly lhsShape: readonly number[] }
  /** Adjoint of conv_general_dilated in its rhs: inputs `[lhs, outCotangent]` → rhs-shaped. */
  conv_transpose_rhs: ConvParams & { readonly rhsShape: readonly number[] }
  /** Pooling: reduce every window with sum/max/min; padding is filled with the reduction's identity. */
  reduce_window: WindowParams & { readonly computation: 'sum' | 'max' | 'min' }
  /** VJP of max pooling: inputs `[source(out-shaped), operand]`, scatters source into each window's argmax. */
  select_and_scatter_add: WindowParams
  /** Sort along `dimension` (NaN last, stable): outputs `[values, indices(int32)]`. */
  sort: { readonly dimension: number; readonly descending: boolean }
  /** Top k along the last axis: outputs `[values, indices(int32)]`. */
  top_k: { readonly k: number }
  iota: { readonly dtype: DType; readonly shape: readonly number[]; readonly dimension: number }
  /** Threefry-2x32 bits from a key (int32[2], the bits of uint32 words), as `jax.random.bits`. Output uint32. */
  random_bits: { readonly shape: readonly number[] }
  /** Uniform [0, 1) floats from a key (int32[2]), bit-identical to `jax.random.uniform` for every float dtype. */
  random_uniform: { readonly shape: readonly number[]; readonly dtype: DType }
  /**
   * Threefry-2x32-20 (JAX's `threefry2x32` primitive) with one key per counter: inputs `[keys, counts]`, both
   * int32 (or uint32) `[..., 2]` of one shape holding word pairs; output the hashed pairs, same shape and dtype.
   * Splitting and folding keys inside traced graphs compose from it.
   */
  threefry2x32: Empty
  /** Lower Cholesky factor of the trailing 2 dims (reads the lower triangle only; ops symmetrize first for JAX's gradients). */
  cholesky: Empty
  /** Solves `op(a) x = b` (leftSide) or `x op(a) = b`; inputs `[a, b]`. */
  triangular_solve: { readonly leftSide: boolean; readonly lower: boolean; readonly transposeA: boolean; readonly unitDiagonal: boolean }
  /** LU with partial pivoting: outputs `[lu, pivots(int32), permutation(int32)]`. */
  lu: Empty
  /** Outputs `[q, r]`. */
  qr: { readonly fullMatrices: boolean }
  /** Symmetric eigendecomposition: outputs `[eigenvectors, eigenvalues]` (ascending). */
  eigh: { readonly lower: boolean }
  /** Outputs `[u, s, vh]` when computeUv, else `[s]`. */
  svd: { readonly fullMatrices: boolean; readonly computeUv: boolean }
  /** FFT over the trailing `fftLengths.length` axes: fft/ifft map `[re, im]` → `[re, im]`; rfft `[x]` → `[re, im]`; irfft `[re, im]` → `[x]`. */
  fft: { readonly fftType: 'fft' | 'ifft' | 'rfft' | 'irfft'; readonly fftLengths: readonly number[] }
}

/** Structured control flow: evaluated by core (or compiled by graph backends), never by `Backend.run`. */
export interface ControlPrimParams {
  /** Inputs `[index(int32 scalar), ...operands]`; runs `branches[index]` (clamped) on the operands. */
  cond: { readonly branches: readonly Graph[] }
  /** Inputs `[...consts, ...carry]`; loops `body` while `condGraph` returns true. */
  while: { readonly condGraph: Graph; readonly body: Graph; readonly numConsts: number }
  /** Inputs `[...consts, ...carry, ...xs]`; body maps `(consts, carry, x) → (carry, y)`; outputs `[...carry, ...ys]`. */
  scan: { readonly body: Graph; readonly length: number; readonly reverse: boolean; readonly numConsts: number; readonly numCarry: number }
}

export interface PrimParams extends BackendPrimParams, ControlPrimParams {}
/** Every primitive name. */
export type Prim = keyof PrimParams
/** Primitives a backend must implement. */
export type BackendPrim = keyof BackendPrimParams
export type ControlPrim = keyof ControlPrimParams
