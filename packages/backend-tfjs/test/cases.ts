/** @file A table of primitive calls covering every BackendPrim, run on a tfjs engine and on `reference`. */
import type { BackendPrim, BackendPrimParams, DType } from '@kx/core'

/** How to fill an input: a value distribution, or explicit values. */
export type Fill = 'normal' | 'pos' | 'unit' | 'gt1' | 'int' | 'small' | 'bool' | 'spd' | 'key' | readonly number[]
export interface InputSpec { readonly shape: readonly number[]; readonly dtype: DType; readonly fill?: Fill }
export interface Case<P extends BackendPrim = BackendPrim> {
  readonly prim: P
  readonly name?: string
  readonly inputs: readonly InputSpec[]
  readonly params: BackendPrimParams[P]
  /** Absolute + relative tolerance for float outputs. */
  readonly tol?: number
}

const f = (shape: readonly number[], fill: Fill = 'normal'): InputSpec => ({ shape, dtype: 'float32', fill })
const i32 = (shape: readonly number[], fill: Fill = 'int'): InputSpec => ({ shape, dtype: 'int32', fill })
const b = (shape: readonly number[]): InputSpec => ({ shape, dtype: 'bool', fill: 'bool' })
const c = <P extends BackendPrim>(prim: P, inputs: readonly InputSpec[], params: BackendPrimParams[P], extra: { name?: string; tol?: number } = {}): Case<P> => ({ prim, inputs, params, ...extra })
const E = {} as Record<string, never>

const unaryFills: Partial<Record<BackendPrim, Fill>> = {
  log: 'pos', sqrt: 'pos', rsqrt: 'pos', log1p: 'pos', acosh: 'gt1', asin: 'unit', acos: 'unit', atanh: 'unit', erf_inv: 'unit', lgamma: 'pos', digamma: 'pos',
}
const UNARY = ['neg', 'sign', 'floor', 'ceil', 'round', 'is_finite', 'exp', 'log', 'log1p', 'expm1', 'tanh', 'logistic', 'sin', 'cos', 'tan',
  'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'sqrt', 'rsqrt', 'cbrt', 'abs', 'erf', 'erf_inv', 'lgamma', 'digamma', 'stop_gradient'] as const
const FLOAT_BINARY = ['add', 'sub', 'mul', 'div', 'rem', 'pow', 'max', 'min', 'atan2'] as const
const INT_BINARY = ['add', 'sub', 'mul', 'div', 'rem', 'max', 'min', 'and', 'or', 'xor'] as const
const BOOL_BINARY = ['add', 'mul', 'max', 'min', 'and', 'or', 'xor'] as const
const COMPARE = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const

const conv2 = { windowStrides: [1, 1], padding: [[0, 0], [0, 0]] as [number, number][], lhsDilation: [1, 1], rhsDilation: [1, 1], featureGroupCount: 1 }
/** Conv geometries: (name, lhs shape, rhs shape, params). */
export const CONV_CASES: readonly [string, number[], number[], BackendPrimParams['conv_general_dilated']][] = [
  ['2d valid', [2, 6, 7, 3], [3, 3, 3, 4], conv2],
  ['2d same stride 2', [2, 7, 7, 3], [3, 3, 3, 4], { ...conv2, windowStrides: [2, 2], padding: [[1, 1], [1, 1]] }],
  ['2d uneven pad, stride (2, 1)', [1, 8, 6, 2], [3, 2, 2, 3], { ...conv2, windowStrides: [2, 1], padding: [[2, 0], [0, 1]] }],
  ['2d dilation 2', [2, 9, 9, 2], [3, 3, 2, 3], { ...conv2, rhsDilation: [2, 2], padding: [[2, 2], [1, 1]] }],
  ['2d groups 2', [2, 6, 6, 4], [3, 3, 2, 6], { ...conv2, featureGroupCount: 2, padding: [[1, 1], [1, 1]] }],
  ['2d depthwise', [2, 6, 6, 3], [3, 3, 1, 6], { ...conv2, featureGroupCount: 3 }],
  ['2d lhs dilation (transposed conv)', [1, 4, 4, 2], [3, 3, 2, 2], { ...conv2, lhsDilation: [2, 2], padding: [[2, 2], [2, 2]] }],
  ['2d negative padding', [1, 8, 8, 2], [3, 3, 2, 2], { ...conv2, padding: [[-1, 1], [0, -2]] }],
  ['1d', [2, 10, 3], [3, 3, 4], { windowStrides: [2], padding: [[1, 1]], lhsDilation: [1], rhsDilation: [1], featureGroupCount: 1 }],
  ['3d', [1, 5, 5, 4, 2], [2, 3, 2, 2, 3], { windowStrides: [1, 2, 1], padding: [[1, 0], [1, 1], [0, 1]], lhsDilation: [1, 1, 1], rhsDilation: [1, 1, 1], featureGroupCount: 1 }],
]

const outSize = (n: number, k: number, s: number, lo: number, hi: number, ld: number, rd: number): number =>
  Math.floor(((n - 1) * ld + 1 + lo + hi - ((k - 1) * rd + 1)) / s) + 1
export function convOutShape(lhs: readonly number[], rhs: readonly number[], p: BackendPrimParams['conv_general_dilated']): number[] {
  const s = lhs.length - 2
  return [lhs[0]!, ...Array.from({ length: s }, (_, d) => outSize(lhs[d + 1]!, rhs[d]!, p.windowStrides[d]!, p.padding[d]![0], p.padding[d]![1], p.lhsDilation[d]!, p.rhsDilation[d]!)), rhs[s + 1]!]
}

const win = (dims: number[], strides: number[], padding: [number, number][]): { windowDimensions: number[]; windowStrides: number[]; padding: [number, number][] } => ({ windowDimensions: dims, windowStrides: strides, padding })
export const WINDOW_CASES: readonly [string, number[], ReturnType<typeof win>][] = [
  ['nhwc 2x2/2', [2, 6, 6, 3], win([1, 2, 2, 1], [1, 2, 2, 1], [[0, 0], [0, 0], [0, 0], [0, 0]])],
  ['nhwc 3x3/1 same', [1, 5, 5, 2], win([1, 3, 3, 1], [1, 1, 1, 1], [[0, 0], [1, 1], [1, 1], [0, 0]])],
  ['nwc 3/2', [2, 9, 2], win([1, 3, 1], [1, 2, 1], [[0, 0], [1, 0], [0, 0]])],
  ['over channels', [2, 4, 6], win([1, 2, 3], [1, 2, 2], [[0, 0], [0, 0], [1, 0]])],
]

export const CASES: readonly Case[] = [
  ...UNARY.map((p) => c(p, [f([3, 5], unaryFills[p] ?? 'normal')], E, { tol: p === 'lgamma' || p === 'digamma' || p === 'erf_inv' ? 1e-3 : 2e-4 })),
  c('neg', [i32([7])], E, { name: 'neg int32' }), c('abs', [i32([7])], E, { name: 'abs int32' }), c('sign', [i32([7])], E, { name: 'sign int32' }),
  c('not', [b([6])], E, { name: 'not bool' }), c('not', [i32([6])], E, { name: 'not int32' }),
  c('is_finite', [f([6], [1, Infinity, -Infinity, NaN, 0, -2])], E, { name: 'is_finite specials' }),
  c('round', [f([6], [0.5, 1.5, 2.5, -0.5, -1.5, 2.4])], E, { name: 'round half even' }),
  ...FLOAT_BINARY.map((p) => c(p, [f([2, 3, 4], p === 'pow' ? 'pos' : 'normal'), f([2, 3, 4], p === 'div' || p === 'rem' ? 'pos' : 'normal')], E)),
  c('rem', [f([6], [5.5, -5.5, 5.5, -5.5, 0, 3]), f([6], [2, 2, -2, -2, 3, 0])], E, { name: 'rem signs' }),
  c('igamma', [f([8], 'pos'), f([8], 'pos')], E, { tol: 1e-3 }),
  ...INT_BINARY.map((p) => c(p, [i32([12]), i32([12], p === 'div' || p === 'rem' ? [3, -3, 7, -7, 5, 0, 9, -9, 1, 2, 3, 4] : 'int')], E, { name: `${p} int32` })),
  c('div', [i32([6], [7, -7, 7, -7, 0, 5]), i32([6], [2, 2, -2, -2, 3, 0])], E, { name: 'div int32 truncation' }),
  c('pow', [i32([5], [2, 3, -2, 1, 0]), i32([5], [3, 2, 3, 5, 2])], E, { name: 'pow int32' }),
  ...BOOL_BINARY.map((p) => c(p, [b([8]), b([8])], E, { name: `${p} bool` })),
  ...COMPARE.map((p) => c(p, [f([10], [1, 2, 3, NaN, -1, 0, 5, 5, 2, 1]), f([10], [1, 3, 2, 1, -1, -0, 4, 5, NaN, 0])], E)),
  ...COMPARE.map((p) => c(p, [i32([8]), i32([8])], E, { name: `${p} int32` })),
  c('eq', [b([8]), b([8])], E, { name: 'eq bool' }),
  c('select_n', [b([3, 4]), f([3, 4]), f([3, 4])], E),
  c('select_n', [b([5]), i32([5]), i32([5])], E, { name: 'select_n int32' }),
  c('convert_element_type', [f([8])], { newDtype: 'int32' }, { name: 'f32→i32' }),
  c('convert_element_type', [f([6], [0, 0.5, -2, 3, 0, 1e-8])], { newDtype: 'bool' }, { name: 'f32→bool' }),
  c('convert_element_type', [i32([8])], { newDtype: 'float32' }, { name: 'i32→f32' }),
  c('convert_element_type', [i32([6], [0, 1, 256, -1, 512, 0])], { newDtype: 'bool' }, { name: 'i32→bool' }),
  c('convert_element_type', [b([6])], { newDtype: 'float32' }, { name: 'bool→f32' }),
  c('bitcast_convert_type', [f([5])], { newDtype: 'int32' }),
  c('bitcast_convert_type', [i32([5])], { newDtype: 'float32' }, { name: 'i32→f32 bits' }),
  ...(['reduce_sum', 'reduce_max', 'reduce_min', 'reduce_prod'] as const).flatMap((p) => [
    c(p, [f([3, 4, 5], p === 'reduce_prod' ? 'small' : 'normal')], { axes: [1] }),
    c(p, [f([3, 4, 5], p === 'reduce_prod' ? 'small' : 'normal')], { axes: [0, 2] }, { name: `${p} axes 0,2` }),
    c(p, [i32([3, 4])], { axes: [0, 1] }, { name: `${p} int32` }),
    c(p, [f([3, 0])], { axes: [1] }, { name: `${p} empty` }),
  ]),
  c('reduce_sum', [f([3, 4])], { axes: [] }, { name: 'reduce_sum no axes' }),
  c('reduce_sum', [b([3, 4])], { axes: [1] }, { name: 'reduce_sum bool' }),
  c('reduce_max', [b([3, 4])], { axes: [1] }, { name: 'reduce_max bool' }),
  c('reduce_and', [b([3, 4])], { axes: [1] }), c('reduce_or', [b([3, 4])], { axes: [0] }),
  c('reduce_and', [i32([3, 4])], { axes: [1] }, { name: 'reduce_and int32' }), c('reduce_or', [i32([3, 4])], { axes: [1] }, { name: 'reduce_or int32' }),
  c('argmax', [f([3, 4, 5])], { axis: 1, indexDtype: 'int32' }), c('argmin', [f([3, 4, 5])], { axis: 2, indexDtype: 'int32' }),
  c('argmax', [f([6], [1, 3, 3, 0, 3, 2])], { axis: 0, indexDtype: 'int32' }, { name: 'argmax ties' }),
  c('argmax', [i32([4, 5])], { axis: 0, indexDtype: 'int32' }, { name: 'argmax int32' }),
  ...(['cumsum', 'cumprod', 'cummax', 'cummin'] as const).flatMap((p) => [
    c(p, [f([3, 9], p === 'cumprod' ? 'small' : 'normal')], { axis: 1, reverse: false }),
    c(p, [f([5, 3], p === 'cumprod' ? 'small' : 'normal')], { axis: 0, reverse: true }, { name: `${p} reverse` }),
    c(p, [i32([2, 6], 'small')], { axis: 1, reverse: false }, { name: `${p} int32` }),
  ]),
  c('reshape', [f([2, 6])], { newSizes: [3, -1] }),
  c('reshape', [b([2, 3])], { newSizes: [6] }, { name: 'reshape bool' }),
  c('transpose', [f([2, 3, 4])], { permutation: [2, 0, 1] }),
  c('transpose', [i32([2, 3])], { permutation: [1, 0] }, { name: 'transpose int32' }),
  c('broadcast_in_dim', [f([])], { shape: [2, 3], broadcastDimensions: [] }, { name: 'scalar' }),
  c('broadcast_in_dim', [f([3])], { shape: [2, 3], broadcastDimensions: [1] }),
  c('broadcast_in_dim', [f([2, 1])], { shape: [2, 4, 3], broadcastDimensions: [0, 2] }, { name: 'size-1 dim' }),
  c('broadcast_in_dim', [b([3])], { shape: [2, 3], broadcastDimensions: [1] }, { name: 'bool' }),
  c('slice', [f([5, 6])], { startIndices: [1, 0], limitIndices: [4, 5], strides: [1, 1] }),
  c('slice', [f([7, 6])], { startIndices: [1, 1], limitIndices: [7, 6], strides: [2, 3] }, { name: 'strided' }),
  c('slice', [b([4, 4])], { startIndices: [1, 0], limitIndices: [3, 4], strides: [1, 2] }, { name: 'bool strided' }),
  c('dynamic_slice', [f([5, 6]), i32([2], [1, 4])], { sliceSizes: [2, 3] }, { name: 'clamped' }),
  c('dynamic_slice', [f([5, 6]), i32([2], [-3, 2])], { sliceSizes: [3, 2] }, { name: 'negative start' }),
  c('dynamic_update_slice', [f([5, 6]), f([2, 3]), i32([2], [4, 1])], E, { name: 'clamped' }),
  c('dynamic_update_slice', [i32([4, 4]), i32([2, 2]), i32([2], [1, 1])], E, { name: 'int32' }),
  c('pad', [f([3, 4]), f([], [7])], { lo: [1, 0], hi: [2, 1], interior: [0, 0] }),
  c('pad', [f([3, 4]), f([], [-1])], { lo: [1, -1], hi: [-1, 2], interior: [1, 2] }, { name: 'interior + negative' }),
  c('pad', [i32([2, 3]), i32([], [5])], { lo: [0, 2], hi: [1, 0], interior: [1, 0] }, { name: 'int32' }),
  c('pad', [b([2, 2]), b([])], { lo: [1, 1], hi: [0, 1], interior: [1, 0] }, { name: 'bool' }),
  c('concatenate', [f([2, 3]), f([2, 1]), f([2, 0]), f([2, 2])], { dimension: 1 }),
  c('concatenate', [b([1, 2]), b([3, 2])], { dimension: 0 }, { name: 'bool' }),
  c('rev', [f([3, 4, 2])], { dimensions: [0, 2] }),
  c('gather', [f([5, 3]), i32([2, 2], [0, 4, 9, -1])], { axis: 0 }, { name: 'clamped indices' }),
  c('gather', [f([2, 5, 3]), i32([4], [4, 0, 2, 2])], { axis: 1 }),
  c('gather', [b([4, 2]), i32([3], [3, 1, 0])], { axis: 0 }, { name: 'bool' }),
  c('scatter_add', [f([5, 3]), i32([4], [1, 3, 1, 7]), f([4, 3])], { axis: 0 }, { name: 'duplicates + clamp' }),
  c('scatter_add', [f([2, 6, 3]), i32([2, 2], [0, 5, 5, 2]), f([2, 2, 2, 3])], { axis: 1 }, { name: 'axis 1, 2-d indices' }),
  c('scatter_add', [i32([4, 2]), i32([3], [0, 0, 2]), i32([3, 2])], { axis: 0 }, { name: 'int32' }),
  c('scatter', [f([5, 3]), i32([3], [4, 0, 2]), f([3, 3])], { axis: 0 }),
  c('scatter', [f([3, 5]), i32([2], [1, 3]), f([3, 2])], { axis: 1 }, { name: 'axis 1' }),
  c('sort', [f([3, 7])], { dimension: 1, descending: false }),
  c('sort', [f([8], [3, NaN, -1, Infinity, 2, NaN, -Infinity, 2])], { dimension: 0, descending: true }, { name: 'NaN last, descending' }),
  c('sort', [i32([4, 3])], { dimension: 0, descending: false }, { name: 'int32 dim 0' }),
  c('top_k', [f([3, 8])], { k: 3 }),
  c('top_k', [f([6], [1, NaN, 5, Infinity, 5, 0])], { k: 4 }, { name: 'NaN largest' }),
  c('iota', [], { dtype: 'int32', shape: [3, 4], dimension: 1 }),
  c('iota', [], { dtype: 'float32', shape: [3, 2, 2], dimension: 0 }, { name: 'float32' }),
  c('dot_general', [f([3, 4]), f([4, 5])], { contracting: [[1], [0]], batch: [[], []] }, { name: 'matmul' }),
  c('dot_general', [f([2, 3, 4]), f([2, 4, 5])], { contracting: [[2], [1]], batch: [[0], [0]] }, { name: 'batched' }),
  c('dot_general', [f([4, 3]), f([4, 5])], { contracting: [[0], [0]], batch: [[], []] }, { name: 'lhs transposed' }),
  c('dot_general', [f([3, 4]), f([5, 4])], { contracting: [[1], [1]], batch: [[], []] }, { name: 'rhs transposed' }),
  c('dot_general', [f([2, 3, 4, 5]), f([5, 2, 4, 6])], { contracting: [[2, 3], [2, 0]], batch: [[0], [1]] }, { name: 'general', tol: 1e-4 }),
  c('dot_general', [f([4]), f([4])], { contracting: [[0], [0]], batch: [[], []] }, { name: 'vector dot' }),
  c('dot_general', [i32([3, 4]), i32([4, 2])], { contracting: [[1], [0]], batch: [[], []] }, { name: 'int32' }),
  ...CONV_CASES.flatMap(([name, lhs, rhs, p]) => {
    const out = convOutShape(lhs, rhs, p)
    return [
      c('conv_general_dilated', [f(lhs), f(rhs)], p, { name, tol: 2e-4 }),
      c('conv_transpose_lhs', [f(out), f(rhs)], { ...p, lhsShape: lhs }, { name, tol: 2e-4 }),
      c('conv_transpose_rhs', [f(lhs), f(out)], { ...p, rhsShape: rhs }, { name, tol: 5e-4 }),
    ]
  }),
  ...WINDOW_CASES.flatMap(([name, shape, w]) => [
    c('reduce_window', [f(shape)], { ...w, computation: 'max' }, { name: `${name} max` }),
    c('reduce_window', [f(shape)], { ...w, computation: 'sum' }, { name: `${name} sum`, tol: 2e-4 }),
    c('reduce_window', [f(shape)], { ...w, computation: 'min' }, { name: `${name} min` }),
  ]),
  c('reduce_window', [i32([2, 6])], { ...win([1, 3], [1, 2], [[0, 0], [1, 1]]), computation: 'max' }, { name: 'int32 max' }),
  ...WINDOW_CASES.map(([name, shape, w]) => {
    const out = shape.map((n, d) => Math.floor((n + w.padding[d]![0] + w.padding[d]![1] - w.windowDimensions[d]!) / w.windowStrides[d]!) + 1)
    return c('select_and_scatter_add', [f(out), f(shape)], w, { name })
  }),
  c('select_and_scatter_add', [f([1, 2, 2, 1]), f([1, 4, 4, 1], [1, 1, 0, 0, 1, 1, 0, 0, 2, 0, 3, 3, 0, 2, 3, 3])], win([1, 2, 2, 1], [1, 2, 2, 1], [[0, 0], [0, 0], [0, 0], [0, 0]]), { name: 'ties pick the first maximum' }),
  c('cholesky', [f([2, 3, 3], 'spd')], E, { tol: 1e-4 }),
  c('triangular_solve', [f([3, 3], 'spd'), f([3, 2])], { leftSide: true, lower: true, transposeA: false, unitDiagonal: false }, { tol: 1e-3 }),
  c('lu', [f([3, 3], 'spd')], E, { tol: 1e-4 }),
  c('qr', [f([4, 3])], { fullMatrices: false }, { tol: 1e-4 }),
  c('eigh', [f([3, 3], 'spd')], { lower: true }, { tol: 1e-3 }),
  c('svd', [f([4, 3])], { fullMatrices: false, computeUv: false }, { tol: 1e-4 }),
  c('fft', [f([2, 8]), f([2, 8])], { fftType: 'fft', fftLengths: [8] }, { tol: 1e-4 }),
  c('random_uniform', [i32([2], 'key')], { shape: [3, 4], dtype: 'float32' }),
  c('random_bits', [i32([2], 'key')], { shape: [5] }),
  c('threefry2x32', [i32([3, 2]), i32([3, 2])], E),
]
