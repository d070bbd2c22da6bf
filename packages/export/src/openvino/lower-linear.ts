/**
 * @file OpenVINO lowerings of dot_general (Transpose/Reshape/MatMul), the channels-last convolution
 * family (NCHW `Convolution` / `GroupConvolution` between transposes, which OpenVINO folds) and
 * pooling (`MaxPool` / `AvgPool`, a per-tap decomposition otherwise). Gradient-only primitives
 * (conv_transpose_rhs, select_and_scatter_add) are refused: an exported graph is an inference graph.
 */
import type { ConvParams, DType, Dim, WindowParams } from '@kx/core'
import { isFloat } from '@kx/core'
import type { IrBuilder, Port } from './ir.js'
import { binary, convert, highest, lowest, range, reshape, transpose, unary, slice, type DimRef, type OvLowering } from './common.js'
import { padGeneral } from './lower-movement.js'

const prodOf = (ds: readonly Dim[]): number => (ds.some((d) => d === null) ? -1 : ds.reduce<number>((a, d) => a * d!, 1))

/** dot_general: Transpose both sides to [batch, M, K] / [batch, K, N], MatMul, reshape to lax's output. */
const dotGeneral: OvLowering<'dot_general'> = (b, [lhs, rhs], { contracting: [lc, rc], batch: [lb, rb] }, [o]) => {
  const L = lhs!
  const R = rhs!
  const lFree = range(L.shape.length).filter((d) => !lc.includes(d) && !lb.includes(d))
  const rFree = range(R.shape.length).filter((d) => !rc.includes(d) && !rb.includes(d))
  const out = { dtype: o!.dtype, shape: o!.shape }
  // Fast path (Dense): no batch, lhs contracts its last dim, a 2-D rhs contracts its first.
  if (lb.length === 0 && lc.length === 1 && lc[0] === L.shape.length - 1 && rc.length === 1 && rc[0] === 0 && R.shape.length === 2) {
    return [b.op('MatMul', [L, R], out, { transpose_a: false, transpose_b: false })]
  }
  const K = prodOf(lc.map((d) => L.shape[d]!))
  const N = prodOf(rFree.map((d) => R.shape[d]!))
  if (K < 0 || N < 0) b.unsupported('MatMul', 'a contracting or rhs free dimension is dynamic')
  const bRefs: DimRef[] = lb.map((d) => L.shape[d] ?? [L, d])
  const M = prodOf(lFree.map((d) => L.shape[d]!))
  // Already [batch, M, K] / [batch, K, N] when one dim is free and one contracted: no Reshape.
  const lt = transpose(b, L, [...lb, ...lFree, ...lc])
  const rt = transpose(b, R, [...rb, ...rc, ...rFree])
  const l2 = lFree.length === 1 && lc.length === 1 ? lt : reshape(b, lt, [...bRefs, M, K])
  const r2 = rFree.length === 1 && rc.length === 1 ? rt : reshape(b, rt, [...bRefs, K, N])
  const mm = b.op('MatMul', [l2, r2], { dtype: o!.dtype, shape: [...lb.map((d) => L.shape[d]!), M < 0 ? null : M, N] }, { transpose_a: false, transpose_b: false })
  const nb = lb.length
  const outRefs = (o!.shape as readonly Dim[]).map((d, i): DimRef => {
    if (d !== null) return d
    return i < nb ? [L, lb[i]!] : i < nb + lFree.length ? [L, lFree[i - nb]!] : [R, rFree[i - nb - lFree.length]!]
  })
  return [lFree.length === 1 && rFree.length === 1 ? mm : reshape(b, mm, outRefs)]
}

interface ConvGeom {
  readonly strides: readonly number[]
  readonly padding: readonly (readonly [number, number])[]
  readonly lhsDilation: readonly number[]
  readonly rhsDilation: readonly number[]
  readonly groups: number
}
const geom = (p: ConvParams): ConvGeom => ({ strides: p.windowStrides, padding: p.padding, lhsDilation: p.lhsDilation, rhsDilation: p.rhsDilation, groups: p.featureGroupCount })
const dilate = (n: number, d: number): number => (n === 0 ? 0 : (n - 1) * d + 1)

/**
 * Channels-last convolution `lhs [N, ...S, Cin]` ⊛ `rhs [...W, Cin/g, Cout]` → `[N, ...O, Cout]`:
 * input dilation and negative padding applied first, then NCHW Convolution (GroupConvolution for g > 1).
 */
function convChannelsLast(b: IrBuilder, lhs: Port, rhs: Port, g: ConvGeom, outShape: readonly Dim[]): Port {
  const s = lhs.shape.length - 2
  if (s < 1 || s > 3) b.unsupported('Convolution', `${s} spatial dimensions (1 to 3 supported)`)
  const win = rhs.shape.slice(0, s) as number[]
  if (rhs.shape.some((d) => d === null)) b.unsupported('Convolution', 'the kernel has a dynamic size')
  const cinG = rhs.shape[s] as number
  const cout = rhs.shape[s + 1] as number
  const lo = g.padding.map((p) => p[0])
  const hi = g.padding.map((p) => p[1])
  let x = lhs
  if (g.lhsDilation.some((d) => d > 1) || lo.some((v) => v < 0) || hi.some((v) => v < 0)) {
    x = padGeneral(b, lhs, b.scalar(0, lhs.dtype), [0, ...lo.map((v) => Math.min(v, 0)), 0], [0, ...hi.map((v) => Math.min(v, 0)), 0], [0, ...g.lhsDilation.map((d) => d - 1), 0])
  }
  const xNC = transpose(b, x, [0, s + 1, ...range(s, 1)])
  const outSp = outShape.slice(1, s + 1)
  const attrs = {
    strides: g.strides, dilations: g.rhsDilation, auto_pad: 'explicit',
    pads_begin: lo.map((v) => Math.max(v, 0)), pads_end: hi.map((v) => Math.max(v, 0)),
  }
  const outNC = { dtype: lhs.dtype, shape: [outShape[0]!, cout, ...outSp] }
  let y: Port
  if (g.groups === 1) {
    y = b.op('Convolution', [xNC, transpose(b, rhs, [s + 1, s, ...range(s)])], outNC, attrs)
  } else {
    const coutG = cout / g.groups
    // [...W, cinG, G·coutG] → [G, coutG, cinG, ...W]
    const w = transpose(b, reshape(b, rhs, [...win, cinG, g.groups, coutG]), [s + 1, s + 2, s, ...range(s)])
    y = b.op('GroupConvolution', [xNC, w], outNC, attrs)
  }
  return transpose(b, y, [0, ...range(s, 2), 1])
}

const needFloat = (b: IrBuilder, d: DType, op: string): void => { if (!isFloat(d)) b.unsupported(op, `integer (${d}) convolution`) }

const convForward: OvLowering<'conv_general_dilated'> = (b, [lhs, rhs], p, [o]) => {
  needFloat(b, lhs!.dtype, 'Convolution')
  return [convChannelsLast(b, lhs!, rhs!, geom(p), o!.shape)]
}

/** d lhs (Conv*Transpose layers) = conv of the input-dilated cotangent with the flipped, in/out-swapped kernel (lax's rule). */
const convTransposeLhs: OvLowering<'conv_transpose_lhs'> = (b, [ct, rhs], p, [o]) => {
  needFloat(b, ct!.dtype, 'Convolution')
  const s = rhs!.shape.length - 2
  const g = p.featureGroupCount
  const win = rhs!.shape.slice(0, s) as number[]
  const cinG = rhs!.shape[s] as number
  const cout = rhs!.shape[s + 1] as number
  const lhsSp = o!.shape.slice(1, s + 1)
  const outSp = ct!.shape.slice(1, s + 1)
  if ([...lhsSp, ...outSp].some((d) => d === null)) b.unsupported('Convolution', 'a transposed convolution over a dynamic spatial size')
  const before = win.map((k, i) => dilate(k, p.rhsDilation[i]!) - p.padding[i]![0] - 1)
  const after = win.map((k, i) => dilate(lhsSp[i]!, p.lhsDilation[i]!) + dilate(k, p.rhsDilation[i]!) - 1 - dilate(outSp[i]!, p.windowStrides[i]!) - before[i]!)
  // kernel' [...W, cout/g, cin]: kernel'[w, co, grp·cinG + ci] = rhs[flip(w), ci, grp·coutG + co]
  const coutG = cout / g
  let k = transpose(b, reshape(b, rhs!, [...win, cinG, g, coutG]), [...range(s), s + 2, s + 1, s])
  k = reshape(b, k, [...win, coutG, g * cinG])
  k = b.op('Reverse', [k, b.i64(range(s))], k, { mode: 'index' })
  const geomT: ConvGeom = { strides: p.lhsDilation, padding: before.map((v, i) => [v, after[i]!] as const), lhsDilation: p.windowStrides, rhsDilation: p.rhsDilation, groups: g }
  return [convChannelsLast(b, ct!, k, geomT, o!.shape)]
}

/** NCHW pooling of the interior dims of a rank 3-5 float operand (batch and channels not windowed), else undefined. */
function poolFast(b: IrBuilder, x: Port, p: WindowParams & { readonly computation: 'sum' | 'max' | 'min' }, outShape: readonly Dim[]): Port | undefined {
  const r = x.shape.length
  if (r < 3 || r > 5 || !isFloat(x.dtype)) return undefined
  const last = r - 1
  const edge = [0, last].every((a) => p.windowDimensions[a] === 1 && p.windowStrides[a] === 1 && p.padding[a]![0] === 0 && p.padding[a]![1] === 0)
  const sp = range(r - 2, 1)
  if (!edge || sp.some((a) => p.padding[a]![0] < 0 || p.padding[a]![1] < 0 || p.padding[a]![0] >= p.windowDimensions[a]! || p.padding[a]![1] >= p.windowDimensions[a]!)) return undefined
  const attrs = {
    kernel: sp.map((a) => p.windowDimensions[a]!), strides: sp.map((a) => p.windowStrides[a]!),
    pads_begin: sp.map((a) => p.padding[a]![0]), pads_end: sp.map((a) => p.padding[a]![1]),
    rounding_type: 'floor', auto_pad: 'explicit',
  }
  const nc = transpose(b, x, [0, last, ...sp])
  const outNC = { dtype: x.dtype, shape: [outShape[0]!, outShape[last]!, ...sp.map((a) => outShape[a]!)] }
  let y: Port
  if (p.computation === 'sum') {
    // NOTE: a window sum is the average over the whole window (padding counted as zeros) times its size.
    const k = attrs.kernel.reduce((a, c) => a * c, 1)
    y = binary(b, 'Multiply', b.op('AvgPool', [nc], outNC, { ...attrs, 'exclude-pad': false }), b.scalar(k, x.dtype))
  } else {
    const src = p.computation === 'min' ? unary(b, 'Negative', nc) : nc
    y = b.op('MaxPool', [src], outNC, attrs)
    if (p.computation === 'min') y = unary(b, 'Negative', y)
  }
  return transpose(b, y, [0, ...range(r - 2, 2), 1])
}

/** Multi-indices of a window, row-major. */
function tapsOf(win: readonly number[]): number[][] {
  let out: number[][] = [[]]
  for (const k of win) out = out.flatMap((t) => range(k).map((i) => [...t, i]))
  return out
}

const reduceWindow: OvLowering<'reduce_window'> = (b, [x], p, [o]) => {
  const X = x!
  const fast = poolFast(b, X, p, o!.shape)
  if (fast) return [fast]
  // General case: pad with the reduction's identity, then combine one strided slice per window tap.
  const d = X.dtype
  const c: DType = d === 'bool' ? 'int32' : d
  const op = p.computation === 'sum' ? 'Add' : p.computation === 'max' ? 'Maximum' : 'Minimum'
  const init = p.computation === 'sum' ? 0 : p.computation === 'max' ? lowest(c) : highest(c)
  const axes = range(X.shape.length).filter((i) => p.windowDimensions[i] !== 1 || p.windowStrides[i] !== 1 || p.padding[i]![0] !== 0 || p.padding[i]![1] !== 0)
  if (axes.some((a) => X.shape[a] === null)) b.unsupported('Slice', 'a windowed dimension has a dynamic size')
  const padded = padGeneral(b, convert(b, X, c), b.scalar(init, c), p.padding.map((q) => q[0]), p.padding.map((q) => q[1]), X.shape.map(() => 0))
  const outSpec = { dtype: c, shape: o!.shape }
  let acc: Port | undefined
  for (const t of tapsOf(axes.map((a) => p.windowDimensions[a]!))) {
    const starts = axes.map((a, j) => t[j]!)
    const stops = axes.map((a, j) => t[j]! + ((o!.shape[a] as number) - 1) * p.windowStrides[a]! + 1)
    const sl = slice(b, padded, axes, starts, stops, axes.map((a) => p.windowStrides[a]!), outSpec)
    acc = acc === undefined ? sl : binary(b, op, acc, sl)
  }
  return [convert(b, acc!, o!.dtype)]
}

const gradientOnly = (what: string): OvLowering<'conv_transpose_rhs'> =>
  (b) => b.unsupported(what, 'it is a gradient primitive, and an exported graph is the inference pass')

export const linearLowerings = {
  dot_general: dotGeneral,
  conv_general_dilated: convForward,
  conv_transpose_lhs: convTransposeLhs,
  conv_transpose_rhs: gradientOnly('ConvolutionBackpropFilters'),
  reduce_window: reduceWindow,
  select_and_scatter_add: (b) => b.unsupported('MaxPool gradient', 'it is a gradient primitive, and an exported graph is the inference pass'),
} satisfies { readonly [P in 'dot_general' | 'conv_general_dilated' | 'conv_transpose_lhs' | 'conv_transpose_rhs' | 'reduce_window' | 'select_and_scatter_add']: OvLowering<P> }
